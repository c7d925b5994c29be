/**
 * Near-black object pixels of library models with glTF's default material (issue 13; docs/look.md,
 * "Library models: the neutral room"): a library of generated box models without a material
 * (glTF's default: metallic 1, roughness 1), rendered with masks; for every image, the share of the
 * object's pixels (mask label > 0) whose brightest channel is under 25 (near-black), and whose
 * darkest channel is over 245 (near-white: a metal that only mirrors a bright room). Prints each
 * share over all object pixels and the worst image's. Run: `npx tsx bench/near-black.ts [--models 20] [--count 40]`.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { renderDataset } from '../pipeline/render-dataset.js';
import { writeBoxLibrary } from '../test/fixtures/box-library.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};

const base = await mkdtemp(join(tmpdir(), 'vf-near-black-'));
try {
  const lib = join(base, 'lib');
  await writeBoxLibrary(lib, arg('--models', 20), 7);
  const out = join(base, 'out');
  await renderDataset({ assets: lib, assetCache: 'off', count: arg('--count', 40), size: 256, seed: 3, out, passes: ['mask'] });
  let dark = 0;
  let white = 0;
  let total = 0;
  let worst = 0;
  let worstWhite = 0;
  const images: { path: string; mask: { path: string } }[] = [];
  for (const kind of ['sft', 'rl']) {
    for (const f of (await readdir(join(out, kind))).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of (await readFile(join(out, kind, f), 'utf8')).trim().split('\n')) images.push(...(JSON.parse(line).meta ?? JSON.parse(line).extra_info).images);
    }
  }
  for (const image of images) {
    const rgb = await sharp(join(out, image.path)).removeAlpha().raw().toBuffer();
    const mask = await sharp(join(out, image.mask.path)).raw().toBuffer({ resolveWithObject: true });
    let d = 0;
    let w = 0;
    let n = 0;
    for (let k = 0; k < mask.info.width * mask.info.height; k++) {
      if (mask.data[k * mask.info.channels] === 0) continue;
      n++;
      if (Math.max(rgb[k * 3], rgb[k * 3 + 1], rgb[k * 3 + 2]) < 25) d++;
      if (Math.min(rgb[k * 3], rgb[k * 3 + 1], rgb[k * 3 + 2]) > 245) w++;
    }
    dark += d;
    white += w;
    total += n;
    if (n > 0) worst = Math.max(worst, d / n);
    if (n > 0) worstWhite = Math.max(worstWhite, w / n);
  }
  console.log(JSON.stringify({ images: images.length, object_pixels: total, near_black_share: Number((dark / total).toFixed(4)), worst_image_share: Number(worst.toFixed(4)), near_white_share: Number((white / total).toFixed(4)), worst_image_white_share: Number(worstWhite.toFixed(4)) }));
} finally {
  await rm(base, { recursive: true, force: true });
}
