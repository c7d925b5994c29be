/**
 * Where a sample's files go and how they are written: image paths by shard, the mask and depth
 * passes beside each image, encoding (in the page, or here with sharp) and the sha256 of every
 * file written.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RunConfig } from '../config.js';
import type { ImageInfo } from '../records/record-input.js';
import type { SamplePlan } from '../sample-plan.js';
import type { RawImage } from '../types.js';
import { encodeDepth, encodeImage, encodeMask } from '../../renderers/encode-image.js';
import { writeImageFile } from './write-image.js';

const EXTENSIONS: Record<RunConfig['format'], string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

/** Shard number of a global index. */
export function shardOf(index: number, shardSize: number): number {
  return Math.floor(index / shardSize);
}

/** Relative image path of view `view` ('a' | 'b') of a sample. */
export function imagePath(plan: SamplePlan, shardSize: number, view: 'a' | 'b', format: RunConfig['format']): string {
  return `images/${String(shardOf(plan.index, shardSize)).padStart(5, '0')}/${plan.id}_${view}.${EXTENSIONS[format]}`;
}

/** Path of a pass image beside the colour image `path`: `…/<id>_a.mask.png`, `…/<id>_a.depth.png`. */
export function passPath(path: string, pass: 'mask' | 'depth'): string {
  return path.replace(/\.[a-z]+$/, `.${pass}.png`);
}

async function writeAndHash(outDir: string, path: string, data: Buffer): Promise<{ path: string; sha256: string }> {
  await writeImageFile(join(outDir, path), data);
  return { path, sha256: createHash('sha256').update(data).digest('hex') };
}

/** Encodes (unless the page did) and writes a view and its passes under `outDir`; the image facts the records name. */
export async function encodeAndWrite(outDir: string, path: string, raw: RawImage, format: RunConfig['format']): Promise<ImageInfo> {
  // The Chromium renderer encodes in the page (RenderOptions.encode); a renderer that returns RGBA is encoded here with sharp.
  const data = raw.encoded !== undefined ? Buffer.from(raw.encoded.buffer, raw.encoded.byteOffset, raw.encoded.byteLength) : await encodeImage(raw, format);
  const [image, mask, depth] = await Promise.all([
    writeAndHash(outDir, path, data),
    raw.mask === undefined ? null : encodeMask(raw.mask, raw.width, raw.height).then((png) => writeAndHash(outDir, passPath(path, 'mask'), png)),
    raw.depth === undefined ? null : encodeDepth(raw.depth, raw.width, raw.height).then((png) => writeAndHash(outDir, passPath(path, 'depth'), png)),
  ]);
  return { path, sha256: image.sha256, width: raw.width, height: raw.height, format, bytes: data.length, mask, depth };
}
