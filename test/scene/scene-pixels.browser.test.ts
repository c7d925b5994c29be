/**
 * Scenes in real pixels: a small scene run in Chromium with masks; verify passes, every object a
 * record calls visible covers its mask label (1 + object index), and its projected centre lands
 * inside that label's bounding box (a few pixels of slack: a ring's centre is its hole).
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../../pipeline/config.js';
import { SCENE_FAMILY_NAMES } from '../../pipeline/questions/index.js';
import { run } from '../../pipeline/run/run.js';
import { verifyDataset } from '../../pipeline/verify/verify-dataset.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { memoryLogger } from '../scale/fake-run.js';

const SLACK_PX = 4;

describe('scene pixels', () => {
  it('labels each visible object in the mask, around its projected centre (a moved object\'s at position_b in view B), and verifies', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vf-scene-px-'));
    await run(
      { ...RUN_DEFAULTS, count: 22, seed: 2, size: 192, shardSize: 22, out, concurrency: 1, parquet: false, scene: 'multi', families: [...SCENE_FAMILY_NAMES, 'orbit', 'distance'], passes: ['mask'], singleViewShare: 0.5 },
      { createRenderer: () => ChromiumRenderer.create({ glMode: 'auto', pages: 1, env: process.env, logger: { info() {}, warn() {} } }), logger: memoryLogger(), versions: { viewforge: '0.0.0-test' } },
    );
    expect((await verifyDataset(out)).faults).toEqual([]);
    // The scene families' records are in rl/, the viewpoint families' (asked of scenes) in sft/.
    const lines: string[] = [];
    for (const kind of ['rl', 'sft']) lines.push(...(await readFile(join(out, kind, (await readdir(join(out, kind))).find((f) => f.endsWith('.jsonl'))!), 'utf8')).trim().split('\n'));
    let checked = 0;
    let counted = 0;
    let moved = 0;
    let single = 0;
    let viewpoint = 0;
    for (const line of lines) {
      const record = JSON.parse(line);
      const meta = record.meta ?? record.extra_info;
      if (meta.family === 'orbit' || meta.family === 'distance') viewpoint++;
      const labelPixels: number[][] = [[], []];
      // Both views, or view A alone for a single-image record.
      const shown = meta.images.map((_: unknown, v: number) => v) as number[];
      if (shown.length === 1) single++;
      for (const v of shown) {
        const { data, info } = await sharp(join(out, meta.images[v].mask.path)).raw().toBuffer({ resolveWithObject: true });
        for (let k = 0; k < info.width * info.height; k++) {
          const l = data[k * info.channels];
          labelPixels[v][l] = (labelPixels[v][l] ?? 0) + 1;
        }
        const { K, R, t } = meta.views[v];
        meta.scene.objects.forEach((o: { name: string; position: number[]; position_b: number[] | null; visible: boolean[] }, j: number) => {
          if (!o.visible[v]) return;
          // An object that moved between the views (object-move) stands at position_b in view B.
          const at = v === 1 && o.position_b !== null ? o.position_b : o.position;
          if (at !== o.position) moved++;
          const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, n: 0 };
          for (let y = 0; y < info.height; y++) {
            for (let x = 0; x < info.width; x++) {
              if (data[(y * info.width + x) * info.channels] !== j + 1) continue;
              box.n++;
              box.x0 = Math.min(box.x0, x);
              box.y0 = Math.min(box.y0, y);
              box.x1 = Math.max(box.x1, x);
              box.y1 = Math.max(box.y1, y);
            }
          }
          expect(box.n, `${meta.id} view ${v}: ${o.name} is visible but has no mask pixel`).toBeGreaterThan(0);
          const c = [0, 1, 2].map((r) => R[r][0] * at[0] + R[r][1] * at[1] + R[r][2] * at[2] + t[r]);
          const [u, w] = [(K.fx * c[0]) / c[2] + K.cx, (K.fy * c[1]) / c[2] + K.cy];
          if (u < 0 || w < 0 || u >= info.width || w >= info.height) return; // centre out of frame: nothing to land on
          expect(u, `${meta.id} view ${v}: ${o.name}`).toBeGreaterThanOrEqual(box.x0 - SLACK_PX);
          expect(u, `${meta.id} view ${v}: ${o.name}`).toBeLessThanOrEqual(box.x1 + 1 + SLACK_PX);
          expect(w, `${meta.id} view ${v}: ${o.name}`).toBeGreaterThanOrEqual(box.y0 - SLACK_PX);
          expect(w, `${meta.id} view ${v}: ${o.name}`).toBeLessThanOrEqual(box.y1 + 1 + SLACK_PX);
          checked++;
        });
      }
      // object-count: the answer is the number of objects of the category whose label covers a solid patch in some mask.
      if (meta.family === 'object-count') {
        const enough = 12; // full-size mask pixels (the ID pass's 24 pixels at 128 px are more at 192 px)
        const n = meta.scene.objects.filter((o: { category: string }, j: number) => o.category === meta.question_category && shown.some((v) => (labelPixels[v][j + 1] ?? 0) >= enough)).length;
        expect(String(n), `${meta.id}: ${meta.question}`).toBe(meta.answer_text);
        counted++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(counted).toBeGreaterThan(0);
    expect(single, 'a single-image record').toBeGreaterThan(0);
    expect(viewpoint, 'a viewpoint family asked of a scene').toBeGreaterThan(0);
    expect(moved, 'an object-move record whose moved object was checked at position_b').toBeGreaterThan(0);
  }, 180_000);
});
