import { describe, expect, it } from 'vitest';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { AUTO_ORDER, BASE_FLAGS, assertGlRenderer, glFlags, isSoftwareRenderer, launchFlags } from '../../renderers/chromium/gl-flags.js';

describe('glFlags', () => {
  it('returns the documented flag sets', () => {
    expect(glFlags('llvmpipe')).toEqual(['--use-gl=angle', '--use-angle=gl-egl', '--ignore-gpu-blocklist']);
    expect(glFlags('swiftshader')).toEqual(['--use-angle=swiftshader', '--enable-unsafe-swiftshader']);
    expect(glFlags('gpu')).toEqual(['--use-angle=vulkan', '--enable-features=Vulkan', '--disable-vulkan-surface', '--ignore-gpu-blocklist', '--enable-gpu']);
  });

  it('rejects auto and unknown modes (auto is resolved by the renderer)', () => {
    expect(() => glFlags('auto' as never)).toThrow(/glFlags: expected one of llvmpipe, swiftshader, gpu, got "auto"/);
    expect(() => glFlags('metal' as never)).toThrow(TypeError);
  });

  it('tries llvmpipe before SwiftShader in auto mode', () => {
    expect(AUTO_ORDER).toEqual(['llvmpipe', 'swiftshader']);
  });

  it('always adds the sandbox and no-network base flags', () => {
    for (const mode of ['llvmpipe', 'swiftshader', 'gpu'] as const) {
      const flags = launchFlags(mode);
      expect(flags.slice(0, BASE_FLAGS.length)).toEqual([...BASE_FLAGS]);
      for (const flag of ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--disable-quic']) {
        expect(flags).toContain(flag);
      }
    }
  });

  it('tells software renderer strings from hardware ones', () => {
    expect(isSoftwareRenderer('ANGLE (Mesa/X.org, llvmpipe (LLVM 15.0.6 256 bits), OpenGL ES 3.2)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (Mesa, Vulkan 1.3 (lavapipe), llvmpipe)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, Vulkan 1.3.277 (NVIDIA H100 80GB HBM3 (0x00002330)), NVIDIA-550.54.15)')).toBe(false);
  });

  it('fails gpu mode on a software renderer, accepts it otherwise', () => {
    expect(() => assertGlRenderer('gpu', 'ANGLE (Mesa/X.org, llvmpipe (LLVM 15.0.6 256 bits), OpenGL ES 3.2)')).toThrow(
      /GL mode "gpu" asked for a hardware GPU but WebGL reports the software renderer "ANGLE \(Mesa\/X.org, llvmpipe/,
    );
    expect(() => assertGlRenderer('gpu', 'ANGLE (NVIDIA, Vulkan 1.3.277 (NVIDIA H100))')).not.toThrow();
    expect(() => assertGlRenderer('llvmpipe', 'ANGLE (Mesa/X.org, llvmpipe)')).not.toThrow();
    expect(() => assertGlRenderer('swiftshader', 'SwiftShader')).not.toThrow();
  });
});

describe('ChromiumRenderer in gpu mode without a GPU', () => {
  it('fails at start-up with a clear message', async () => {
    // This machine has no GPU: WebGL either is missing (Vulkan finds no device), is software, or
    // never starts (ANGLE on Mesa's software Vulkan device, lavapipe, when mesa-vulkan-drivers is installed).
    await expect(ChromiumRenderer.create({ glMode: 'gpu', pages: 1, startTimeoutMs: 12_000 })).rejects.toThrow(
      /GL mode "gpu".*(No usable GPU|software renderer)/s,
    );
  }, 30_000);

  it('rejects unknown GL modes before launching anything', async () => {
    await expect(ChromiumRenderer.create({ glMode: 'opengl' as never })).rejects.toThrow(
      /ChromiumRenderer: expected glMode to be one of llvmpipe, swiftshader, gpu, auto, got "opengl"/,
    );
    await expect(ChromiumRenderer.create({ glMode: 'auto', pages: 0 })).rejects.toThrow(/expected pages to be an integer in \[1, 64\], got 0/);
  });
});
