import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../pipeline/types.js';
import { encodeImage } from '../../renderers/encode-image.js';

/** A deterministic RGBA gradient with opaque alpha, like a render. */
function gradient(width: number, height: number): RawImage {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      rgba[i] = (x * 255) / (width - 1);
      rgba[i + 1] = (y * 255) / (height - 1);
      rgba[i + 2] = (x * y) % 256;
      rgba[i + 3] = 255;
    }
  }
  return { width, height, rgba };
}

describe('encodeImage', () => {
  const img = gradient(96, 64);

  it.each(['jpeg', 'png', 'webp'] as const)('%s decodes back to the right size, 3 channels, no metadata', async (format) => {
    const bytes = await encodeImage(img, format);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe(format);
    expect([meta.width, meta.height]).toEqual([96, 64]);
    expect(meta.channels).toBe(3);
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
  });

  it('png is lossless: the RGB bytes round-trip exactly', async () => {
    const decoded = await sharp(await encodeImage(img, 'png')).raw().toBuffer();
    const rgb = new Uint8Array(96 * 64 * 3);
    for (let p = 0; p < 96 * 64; p++) rgb.set(img.rgba!.subarray(p * 4, p * 4 + 3), p * 3);
    expect(Buffer.compare(decoded, Buffer.from(rgb))).toBe(0);
  });

  it.each(['jpeg', 'png', 'webp'] as const)('%s: the same input gives the same bytes', async (format) => {
    const a = await encodeImage(img, format);
    const b = await encodeImage({ ...img, rgba: img.rgba!.slice() }, format);
    expect(a.equals(b)).toBe(true);
  });

  it('quality changes lossy output and is validated', async () => {
    expect((await encodeImage(img, 'jpeg', 50)).equals(await encodeImage(img, 'jpeg'))).toBe(false);
    await expect(encodeImage(img, 'jpeg', 0)).rejects.toThrow(/quality to be an integer in \[1, 100\], got 0/);
  });

  it('rejects a buffer of the wrong size and unknown formats', async () => {
    await expect(encodeImage({ width: 4, height: 4, rgba: new Uint8Array(10) }, 'png')).rejects.toThrow(
      'encodeImage: expected 4×4×4 = 64 RGBA bytes, got 10',
    );
    await expect(encodeImage(img, 'gif' as never)).rejects.toThrow(/expected format 'jpeg', 'png' or 'webp', got "gif"/);
  });
});
