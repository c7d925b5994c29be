/**
 * Chromium command-line flags for headless WebGL2, per GL back-end.
 *
 * CONTRIBUTOR NOTES
 * - 'llvmpipe': ANGLE on top of the system's EGL/OpenGL driver. On a machine without a GPU,
 *   Mesa answers with llvmpipe (a multi-threaded LLVM software rasteriser); we measured it
 *   about 2× faster than SwiftShader on 2 cores.
 * - 'swiftshader': ANGLE's bundled SwiftShader (Vulkan in software). Works everywhere Chromium
 *   runs; `--enable-unsafe-swiftshader` is needed since Chromium 137 to allow WebGL on it.
 * - 'gpu': ANGLE on Vulkan, which is the path Chromium maintains for headless Linux with an
 *   NVIDIA driver (`--use-angle=vulkan --enable-features=Vulkan`); `--disable-vulkan-surface`
 *   keeps Vulkan from asking for a window-system surface, which a headless server lacks, and
 *   `--ignore-gpu-blocklist --enable-gpu` stop Chromium from refusing the device. The
 *   alternative `--use-gl=angle --use-angle=gl-egl` only reaches the GPU when the NVIDIA EGL
 *   vendor library is registered with glvnd; on most container images it silently lands on
 *   Mesa llvmpipe instead, so it was not chosen. Whatever the flags, a software renderer string
 *   in 'gpu' mode is an error ({@link assertGlRenderer}). The mode names themselves are the
 *   renderer contract's (renderers/gl-mode.ts), which the run configuration names.
 * - 'auto' is not a flag set: the renderer tries {@link AUTO_ORDER} in turn and keeps the first
 *   that gives WebGL2.
 */

import { isSoftwareRenderer, type ConcreteGlMode } from '../gl-mode.js';

export { GL_MODES, isSoftwareRenderer, type ConcreteGlMode, type GlMode } from '../gl-mode.js';

/** The order in which 'auto' tries concrete modes: llvmpipe is faster, SwiftShader always works. */
export const AUTO_ORDER: readonly ConcreteGlMode[] = ['llvmpipe', 'swiftshader'];

/**
 * Flags passed to every launch, whatever the GL mode: no sandbox (containers), and no traffic
 * off loopback at all, since the machine may have no network, clusters may forbid egress, and the
 * page must make no request except to the local page server (on 127.0.0.1, reached by address).
 *
 * `--disable-background-networking` alone still let the browser process resolve Google hosts
 * (DNS to the system resolver, and a connect() towards 2001:4860:4860::8888 to probe IPv6): the
 * host resolver rules answer every name but loopback with "not found" without asking DNS, and
 * DNS-over-HTTPS, the component updater and the other background services are off.
 * `test/e2e/no-egress.process.test.ts` runs a render under strace and finds only loopback.
 */
export const BASE_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--disable-domain-reliability',
  '--no-pings',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  '--disable-features=DnsOverHttps,AsyncDns,NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions',
  '--dns-prefetch-disable',
  '--disable-client-side-phishing-detection',
  '--disable-default-apps',
  '--disable-breakpad',
  '--metrics-recording-only',
  // Every page renders, visible or not: without these Chromium lowers a background tab's renderer
  // priority and throttles its tasks, which delays the page's encoder callbacks (in-page JPEG).
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

const FLAGS: Record<ConcreteGlMode, readonly string[]> = {
  llvmpipe: ['--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist'],
  swiftshader: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  gpu: ['--use-angle=vulkan', '--enable-features=Vulkan', '--disable-vulkan-surface', '--ignore-gpu-blocklist', '--enable-gpu'],
};

/**
 * The GL flags for one concrete mode (without {@link BASE_FLAGS}).
 *
 * @example
 * glFlags('llvmpipe'); // ['--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist']
 */
export function glFlags(mode: ConcreteGlMode): string[] {
  const flags = FLAGS[mode];
  if (!flags) throw new TypeError(`glFlags: expected one of ${Object.keys(FLAGS).join(', ')}, got ${JSON.stringify(mode)}`);
  return [...flags];
}

/** Base flags followed by the GL flags of `mode`: the full argument list for a launch. */
export function launchFlags(mode: ConcreteGlMode): string[] {
  return [...BASE_FLAGS, ...glFlags(mode)];
}


/**
 * Checks that a WebGL renderer string fits the requested mode; throws for a software renderer
 * in 'gpu' mode, so a GPU node that lost its driver fails at start-up instead of rendering
 * 30× slower.
 */
export function assertGlRenderer(mode: ConcreteGlMode, glRenderer: string): void {
  if (mode === 'gpu' && isSoftwareRenderer(glRenderer)) {
    throw new Error(
      `glFlags: GL mode "gpu" asked for a hardware GPU but WebGL reports the software renderer "${glRenderer}". ` +
        'Check the NVIDIA driver and its Vulkan ICD (/usr/share/vulkan/icd.d/nvidia_icd.json, `vulkaninfo --summary`), ' +
        'or run with --gl auto / llvmpipe / swiftshader.',
    );
  }
}
