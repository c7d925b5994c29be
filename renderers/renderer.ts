/**
 * The renderer boundary: a renderer turns a plain-data {@link RenderJob} into the two images of
 * a sample. Geometry, questions and answers never depend on it; only pixels do (README, Output).
 */
import type { RawImage, RenderJob } from '../pipeline/types.js';
import type { GlMode } from './gl-mode.js';

/** What produced the pixels; goes into the manifest so image hashes can be compared per stack. */
export interface RendererInfo {
  /** Renderer implementation, e.g. "chromium". */
  name: string;
  /** Browser product and version, e.g. "HeadlessChrome/156.0.8078.108". */
  browserVersion: string;
  /** WebGL `UNMASKED_RENDERER_WEBGL`, e.g. "ANGLE (Mesa, llvmpipe (LLVM 15.0.7 256 bits), OpenGL 4.5)". */
  glRenderer: string;
  /** The GL mode actually in use: never 'auto' once the renderer is created. */
  glMode: GlMode;
}

/** Per-call options of {@link Renderer.render}. */
export interface RenderOptions {
  /**
   * Which views get an ID pass ({@link RawImage.idPass}: per-part pixel counts and centroids),
   * `[view A, view B]`; never changes the image bytes. A renderer without an ID pass ignores it.
   * @default the renderer's own default (the Chromium renderer: both views, unless created with `idPass: false`)
   */
  idPass?: readonly [boolean, boolean];
  /**
   * Full-size passes of both views (`--passes`, README, Output): `mask` fills {@link RawImage.mask},
   * `depth` fills {@link RawImage.depth}. A renderer without them ignores it.
   * @default none
   */
  passes?: { mask?: boolean; depth?: boolean };
  /**
   * Encode the colour images in the renderer, as `format` at `quality` (1–100, JPEG and WebP),
   * filling {@link RawImage.encoded} instead of {@link RawImage.rgba}. A renderer that cannot
   * returns RGBA, and the caller encodes.
   * @default none: RGBA
   */
  encode?: { format: 'jpeg' | 'png' | 'webp'; quality: number };
}

/**
 * A back-end that renders jobs. Several `render` calls may be in flight at once (the caller
 * limits concurrency); the renderer spreads them over its workers.
 */
export interface Renderer {
  readonly info: RendererInfo;
  /**
   * Renders view A and view B of `job`; rows of each image run top to bottom. Images carry
   * {@link RawImage.idPass} for the views `options.idPass` asks for, when the renderer has one.
   */
  render(job: RenderJob, options?: RenderOptions): Promise<[RawImage, RawImage]>;
  /** Releases every resource; pending and later `render` calls reject. */
  close(): Promise<void>;
}

/** Where library code sends its log lines; the CLI decides what to print. */
export interface RendererLogger {
  debug?(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}
