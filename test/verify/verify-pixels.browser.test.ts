/**
 * `--passes mask,depth` end to end with real Chromium, and `npm run verify`'s pixel checks
 * (pipeline/verify/check-pixels.ts) against those real renders: a fresh build passes; a record
 * that calls a seen part hidden, a mask with a part erased, a depth pass that disagrees with the
 * mask, and a blank image are each found.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordMeta } from '../../pipeline/records/record-meta.js';
import { checkViewPixels, MAX_HIDDEN_MASK_SHARE, viewClaims } from '../../pipeline/verify/check-pixels.js';
import { verifyDataset } from '../../pipeline/verify/verify-dataset.js';
import { decodePass, encodeDepth, encodeMask } from '../../renderers/encode-image.js';
import { renderDataset } from '../../pipeline/render-dataset.js';

let root: string;
let out: string;
let records: { meta: RecordMeta; line: number; file: string }[];

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-passes-'));
  out = join(root, 'out');
  await renderDataset({ count: 16, size: 160, seed: 3, out, passes: ['mask', 'depth'], shardSize: 16, concurrency: 2 });
  records = [];
  for (const file of ['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl']) {
    const lines = (await readFile(join(out, file), 'utf8')).trimEnd().split('\n');
    lines.forEach((l, i) => {
      const rec = JSON.parse(l);
      records.push({ meta: rec.meta ?? rec.extra_info, line: i + 1, file });
    });
  }
}, 180_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('--passes mask,depth (Chromium)', () => {
  it('writes a mask and a depth PNG beside every image, named with their sha256, that agree with the records', async () => {
    expect(records).toHaveLength(16);
    for (const { meta } of records) {
      for (const [v, image] of meta.images.entries()) {
        expect(image.mask!.path).toBe(image.path.replace(/\.jpg$/, '.mask.png'));
        expect(image.depth!.path).toBe(image.path.replace(/\.jpg$/, '.depth.png'));
        const maskPng = await readFile(join(out, image.mask!.path));
        expect(sha(maskPng)).toBe(image.mask!.sha256);
        const mask = await decodePass(maskPng, 'mask');
        expect([mask.width, mask.height]).toEqual([image.width, image.height]);
        // Every part with ID-pass pixels has mask pixels; the ID pass (128 px) and the mask (160 px) count about the same area.
        const counts = new Map<number, number>();
        for (const label of mask.values) counts.set(label, (counts.get(label) ?? 0) + 1);
        meta.parts.forEach((p, i) => {
          const idPixels = (v === 0 ? p.view_a : p.view_b).id_pixels!;
          const maskPixels = counts.get(i + 1) ?? 0;
          const scaled = (maskPixels * 128 * 128) / (image.width * image.height);
          if (idPixels >= 20) expect(Math.abs(scaled - idPixels) / idPixels, `${meta.id} ${p.name}`).toBeLessThan(0.35);
        });
        const depth = await decodePass(await readFile(join(out, image.depth!.path)), 'depth');
        // Depth is exactly where the mask is, in millimetres within the object's unit sphere seen from the camera.
        const r = meta.views[v].orbit.radius_m * 1000;
        for (let k = 0; k < depth.values.length; k++) {
          expect(depth.values[k] > 0).toBe(mask.values[k] > 0);
          if (depth.values[k] > 0) {
            expect(depth.values[k]).toBeGreaterThan(r * Math.cos((meta.views[v].orbit.pan_deg * Math.PI) / 180) - 1005);
            expect(depth.values[k]).toBeLessThan(r + 1005);
          }
        }
      }
    }
    const report = await verifyDataset(out);
    expect(report.faults).toEqual([]);
  });

  it('every colour word, every cross-view question and every instruction holds against the written files', async () => {
    const { showsNamedColour } = await import('../../assets/procedural/colour-lab.js');
    const { formatOfInstruction } = await import('../../pipeline/records/answer-instruction.js');
    let colours = 0;
    for (const { meta } of records) {
      const masks = await Promise.all(meta.images.map(async (im) => (await decodePass(await readFile(join(out, im.mask!.path)), 'mask')).values as Uint8Array));
      const pixels = await Promise.all(meta.images.map(async (im) => (await sharp(await readFile(join(out, im.path))).removeAlpha().raw().toBuffer()) as Buffer));
      // A seen part's mask interior (2 px from any other label) in the JPEG reads as its colour word.
      meta.images.forEach((im, v) => {
        const { width } = im;
        meta.parts.forEach((p, j) => {
          if (!(v === 0 ? p.view_a : p.view_b).visible) return;
          const sum = [0, 0, 0, 0];
          const m = masks[v];
          for (let k = 2 * width; k < m.length - 2 * width; k++) {
            if (m[k] !== j + 1 || k % width < 2 || k % width >= width - 2) continue;
            let inside = true;
            for (let dy = -2; inside && dy <= 2; dy++) for (let dx = -2; inside && dx <= 2; dx++) if (m[k + dy * width + dx] !== j + 1) inside = false;
            if (!inside) continue;
            for (let c = 0; c < 3; c++) sum[c] += pixels[v][3 * k + c];
            sum[3]++;
          }
          if (sum[3] < 40) return; // too thin to read at this size
          colours++;
          expect(showsNamedColour([sum[0] / sum[3], sum[1] / sum[3], sum[2] / sum[3]], p.color), `${meta.id} view ${v}: the ${p.color} ${p.name}`).toBe(true);
        });
      });
      // Cross-view: a named part is hidden in the asked view's mask and seen in the other's.
      if (meta.family === 'perspective' || meta.family === 'relative-depth') {
        const v = meta.question_view!;
        const count = (view: number, j: number) => masks[view].reduce((n: number, l: number) => n + (l === j + 1 ? 1 : 0), 0);
        expect(meta.question_parts.some((j) => count(v, j) <= MAX_HIDDEN_MASK_SHARE * masks[v].length && count(1 - v, j) > 50), meta.id).toBe(true);
      }
    }
    expect(colours).toBeGreaterThan(50);
    // Every instruction asks for its target's format.
    for (const file of ['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl']) {
      for (const line of (await readFile(join(out, file), 'utf8')).trimEnd().split('\n')) {
        const rec = JSON.parse(line);
        const user: string = rec.messages ? rec.messages.find((m: { role: string }) => m.role === 'user').content : rec.prompt[0].content;
        const target: string = rec.messages ? rec.messages.find((m: { role: string }) => m.role === 'assistant').content : '<think>';
        expect(formatOfInstruction(user.split('\n').at(-1)!)).toBe(target.startsWith('<think>') ? 'think-answer' : 'answer-only');
      }
    }
  });

  it('verify finds a seen part called hidden, an erased part, a depth pass off the mask and a blank image', async () => {
    // A record claiming a seen part has no ID pixel: its mask says otherwise.
    const { meta } = records.find(({ meta }) => meta.parts.some((p) => p.view_a.visible && (p.view_a.id_pixels ?? 0) > 100))!;
    const part = meta.parts.findIndex((p) => p.view_a.visible && (p.view_a.id_pixels ?? 0) > 100);
    const lying = structuredClone(meta);
    lying.parts[part].view_a = { ...lying.parts[part].view_a, visible: false, id_pixels: 0 };
    const read = (path: string) => readFile(join(out, path));
    expect(await checkViewPixels(viewClaims(lying, 'r')[0], read)).toEqual([expect.stringMatching(new RegExp(`part "${meta.parts[part].name}" has no ID-pass pixel \\(hidden\\) but covers \\d+ mask pixel`))]);
    // The mask with that part erased: the true record now calls a part visible that the mask does not show.
    const image = meta.images[0];
    const mask = await decodePass(await read(image.mask!.path), 'mask');
    const erased = Uint8Array.from(mask.values, (l) => (l === part + 1 ? 0 : l));
    const files = new Map<string, Buffer>([[image.mask!.path, await encodeMask(erased, image.width, image.height)]]);
    const readPatched = async (path: string) => files.get(path) ?? read(path);
    const problems = await checkViewPixels(viewClaims(meta, 'r')[0], readPatched);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`part "${meta.parts[part].name}" is called visible but covers 0 mask pixel`)));
    // …and the unchanged depth pass now disagrees with it.
    expect(problems).toContainEqual(expect.stringMatching(/the depth pass and the mask disagree on \d+ pixel/));
    // A depth pass of the right shape whose values are off by a metre and more.
    const depth = await decodePass(await read(image.depth!.path), 'depth');
    files.set(image.depth!.path, await encodeDepth(Uint16Array.from(depth.values, (d) => (d === 0 ? 0 : d + 2500)), image.width, image.height));
    files.delete(image.mask!.path);
    expect(await checkViewPixels(viewClaims(meta, 'r')[0], readPatched)).toEqual([expect.stringMatching(/depth value\(s\) lie outside/)]);
    // A blank image: the recorded background only, as the JPEG a broken model would leave.
    const bg = meta.look.background;
    const blank = await sharp({ create: { width: image.width, height: image.height, channels: 3, background: bg } }).jpeg().toBuffer();
    const flat = { ...meta, look: { ...meta.look, background_bottom: bg } };
    files.clear();
    files.set(image.path, blank);
    expect((await checkViewPixels(viewClaims(flat, 'r')[0], readPatched))[0]).toMatch(/the image is blank \(0\.000 %/);
  });

  it('verify reports a damaged mask file in a build', async () => {
    const dir = join(root, 'damaged');
    await cp(out, dir, { recursive: true });
    const path = records[0].meta.images[1].mask!.path;
    const mask = await decodePass(await readFile(join(dir, path)), 'mask');
    await writeFile(join(dir, path), await encodeMask(new Uint8Array(mask.values.length), mask.width, mask.height));
    const faults = (await verifyDataset(dir)).faults.map((f) => `${f.path}: ${f.problem}`);
    expect(faults).toContainEqual(`${path}: sha256 differs from the records (pass file changed or damaged)`);
    expect(faults).toContainEqual(expect.stringMatching(/the mask covers 0 pixel/));
  });
});
