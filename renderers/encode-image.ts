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
