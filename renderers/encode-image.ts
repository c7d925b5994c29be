/**
 * Encodes a rendered {@link RawImage} to JPEG, PNG or WebP with sharp, with fixed settings so the
 * same pixels always give the same bytes (on the same sharp/libvips build).
 */
import sharp from 'sharp';
import type { RawImage } from '../pipeline/types.js';

/** Output formats. */
export type ImageFormat = 'jpeg' | 'png' | 'webp';

/**
 * Fixed encoder settings. JPEG: libjpeg-turbo baseline (mozjpeg off), 4:2:0 chroma, optimised
 * Huffman tables. PNG: zlib level 6, no palette quantisation (lossless). WebP: lossy, effort 4,
 * no smart subsampling. No metadata is written (sharp drops it unless asked).
 */
export const ENCODE_DEFAULTS = {
  /** Quality of the lossy formats, 1–100. */
  quality: 90,
  pngCompressionLevel: 6,
  webpEffort: 4,
} as const;

/**
 * Formats the Chromium renderer encodes in the page (`RenderOptions.encode`), so only compressed
 * bytes cross the WebSocket: JPEG and WebP (lossy, Chromium's libjpeg-turbo and libwebp, fixed
 * quality, same bytes for the same pixels on one browser build). PNG stays with sharp
 * ({@link encodeImage}): the page's PNG keeps an alpha channel and is not size-optimised, and
 * sharp's lossless RGB PNG is smaller.
 */
export const PAGE_ENCODED_FORMATS: readonly ImageFormat[] = ['jpeg', 'webp'];

/**
 * Encodes `img` (RGBA, rows top to bottom) as `format`, dropping alpha: the renderer's background
 * is opaque. `quality` applies to JPEG and WebP only.
 *
 * @throws RangeError when the pixel buffer does not match `width × height × 4` or the quality is
 * not an integer in [1, 100].
 * @example
 * const jpeg = await encodeImage(rawA, 'jpeg');
 */
export async function encodeImage(img: RawImage, format: ImageFormat, quality: number = ENCODE_DEFAULTS.quality): Promise<Buffer> {
  const { width, height, rgba } = img;
  if (rgba === undefined) throw new TypeError('encodeImage: the image has no RGBA pixels (it arrived encoded)');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`encodeImage: expected positive integer width and height, got ${width}×${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`encodeImage: expected ${width}×${height}×4 = ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  }
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(`encodeImage: expected quality to be an integer in [1, 100], got ${quality}`);
  }
  const input = sharp(rgba, { raw: { width, height, channels: 4 } }).removeAlpha();
  switch (format) {
    case 'jpeg':
      return input
        .jpeg({ quality, mozjpeg: false, chromaSubsampling: '4:2:0', optimiseCoding: true, progressive: false, trellisQuantisation: false })
        .toBuffer();
    case 'png':
      return input
        .png({ compressionLevel: ENCODE_DEFAULTS.pngCompressionLevel, adaptiveFiltering: false, palette: false, progressive: false })
        .toBuffer();
    case 'webp':
      return input.webp({ quality, effort: ENCODE_DEFAULTS.webpEffort, smartSubsample: false, lossless: false, nearLossless: false }).toBuffer();
    default:
      throw new TypeError(`encodeImage: expected format 'jpeg', 'png' or 'webp', got ${JSON.stringify(format)}`);
  }
}

/**
 * Encodes a mask pass (`width × height` label bytes, rows top-down) as an 8-bit greyscale PNG:
 * pixel = 1 + part (or object) index, 0 = background (README, Output). Lossless, fixed settings.
 * @throws RangeError when the buffer does not match the size.
 */
export async function encodeMask(labels: Uint8Array, width: number, height: number): Promise<Buffer> {
  if (labels.length !== width * height) throw new RangeError(`encodeMask: expected ${width}×${height} = ${width * height} label bytes, got ${labels.length}`);
  return sharp(labels, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: ENCODE_DEFAULTS.pngCompressionLevel, palette: false }).toBuffer();
}

/**
 * Encodes a depth pass (`width × height` millimetres, rows top-down) as a 16-bit greyscale PNG:
 * z-depth along the camera's +z (OpenCV) in millimetres, 0 = background (README, Output).
 * @throws RangeError when the buffer does not match the size.
 */
export async function encodeDepth(mm: Uint16Array, width: number, height: number): Promise<Buffer> {
  if (mm.length !== width * height) throw new RangeError(`encodeDepth: expected ${width}×${height} = ${width * height} depths, got ${mm.length}`);
  return sharp(mm, { raw: { width, height, channels: 1 } }).pipelineColourspace('grey16').toColourspace('grey16').png({ compressionLevel: ENCODE_DEFAULTS.pngCompressionLevel }).toBuffer();
}

/**
 * Decodes a pass PNG written by {@link encodeMask} (8-bit) or {@link encodeDepth} (16-bit) back
 * to one value per pixel, rows top-down (for `npm run verify` and the tests).
 */
export async function decodePass(png: Buffer, kind: 'mask' | 'depth'): Promise<{ width: number; height: number; values: Uint8Array | Uint16Array }> {
  if (kind === 'mask') {
    const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, values: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  }
  const { data, info } = await sharp(png).pipelineColourspace('grey16').toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  const values = new Uint16Array(info.width * info.height);
  new Uint8Array(values.buffer).set(data.subarray(0, values.byteLength));
  return { width: info.width, height: info.height, values };
}
