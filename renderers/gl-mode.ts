/**
 * The WebGL back-ends a run may ask for, and how to tell a software rasteriser from its renderer
 * string: part of the renderer contract (the run configuration names a mode, the stats call a
 * renderer software), so it sits beside renderers/renderer.ts rather than in a back-end.
 * renderers/chromium/gl-flags.ts maps each mode to Chromium flags.
 */

/** Which GL back-end the renderer should use. 'auto' tries llvmpipe, then SwiftShader. */
export type GlMode = 'llvmpipe' | 'swiftshader' | 'gpu' | 'auto';

/** A GL mode that maps to one flag set (everything but 'auto'). */
export type ConcreteGlMode = Exclude<GlMode, 'auto'>;

/** Every accepted {@link GlMode}, for option validation. */
export const GL_MODES: readonly GlMode[] = ['llvmpipe', 'swiftshader', 'gpu', 'auto'];

/** True when the WebGL renderer string names a software rasteriser (llvmpipe, lavapipe, SwiftShader, softpipe). */
export function isSoftwareRenderer(glRenderer: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|softpipe|software/i.test(glRenderer);
}
