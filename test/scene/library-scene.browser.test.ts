/**
 * Library models in scenes (`--assets` with `--scene multi`; README, "Scenes"), in real Chromium:
 * a hostile library made by code (the generated fixtures plus models that fail to load or render)
 * still gives every sample; the model that fails in the page is quarantined and its scenes
 * re-drawn, and the one that draws nothing is never called seen; verify passes; each library object has no colour and its category word as its name;
 * and every library object a record calls visible covers its mask label around its projected centre.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderDataset } from '../../pipeline/render-dataset.js';
import { verifyDataset } from '../../pipeline/verify/verify-dataset.js';
import { makeHostileLibrary } from '../assets/library-fixtures.js';

const SLACK_PX = 4;

interface SceneObject { name: string; category: string; color: string | null; position: number[]; visible: boolean[]; model: { path: string; content_hash: string; licence: string | null } | null }

describe('library models in scenes', () => {
  it('renders scenes of library and procedural objects, quarantines a model that fails in the page, and labels each model in the mask', async () => {
    const { dir } = await makeHostileLibrary();
    const out = join(await mkdtemp(join(tmpdir(), 'vf-lib-scene-')), 'out');
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    await renderDataset({ out, assets: dir, maxAssetMb: 2, scene: 'multi', count: 12, size: 160, seed: 1, shardSize: 12, concurrency: 2, passes: ['mask'], parquet: false }, { logger });
    const log = lines.join('\n');
    expect(log).toMatch(/skipped "broken\/bad-accessor.glb" for the rest of the run \(render-failed\)/);
    expect((await verifyDataset(out)).faults, log.slice(-3000)).toEqual([]);
    const metas = (await readFile(join(out, 'rl', (await readdir(join(out, 'rl'))).find((f) => f.endsWith('.jsonl'))!), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).extra_info);
    expect(metas).toHaveLength(12);
    let checked = 0;
    for (const meta of metas) {
      const objects = meta.scene.objects as SceneObject[];
      // Every name unique; a library object (no colour) is named by its category word alone.
      expect(new Set(objects.map((o) => o.name)).size).toBe(objects.length);
      for (const o of objects.filter((p) => p.color !== null)) expect(o.model).toBeNull();
      for (const o of objects.filter((p) => p.color === null)) {
        expect(['box', 'boxtextured', 'boxvertexcolors', 'empty']).toContain(o.category);
        expect(o.name).toBe(o.category);
        // The record names the model drawn: its library path (whose file name is the category) and content hash.
        expect(o.model!.path.toLowerCase()).toContain(o.category);
        expect(o.model!.content_hash).toMatch(/^[0-9a-f]{64}$/);
        // The model that draws nothing is never seen: a scene where the ray cast sees its box is re-drawn and it is quarantined.
        if (o.category === 'empty') expect(o.visible).toEqual([false, false]);
      }
      for (let v = 0; v < meta.images.length; v++) {
        const { data, info } = await sharp(join(out, meta.images[v].mask.path)).raw().toBuffer({ resolveWithObject: true });
        const { K, R, t } = meta.views[v];
        objects.forEach((o, j) => {
          if (o.color !== null || !o.visible[v]) return;
          const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, n: 0 };
          for (let y = 0; y < info.height; y++) {
            for (let x = 0; x < info.width; x++) {
              if (data[(y * info.width + x) * info.channels] !== j + 1) continue;
              box.n++;
              [box.x0, box.y0, box.x1, box.y1] = [Math.min(box.x0, x), Math.min(box.y0, y), Math.max(box.x1, x), Math.max(box.y1, y)];
            }
          }
          expect(box.n, `${meta.id} view ${v}: the model ${o.name} is visible but has no mask pixel`).toBeGreaterThan(0);
          const c = [0, 1, 2].map((r) => R[r][0] * o.position[0] + R[r][1] * o.position[1] + R[r][2] * o.position[2] + t[r]);
          const [u, w] = [(K.fx * c[0]) / c[2] + K.cx, (K.fy * c[1]) / c[2] + K.cy];
          if (u < 0 || w < 0 || u >= info.width || w >= info.height) return;
          expect(u, `${meta.id} view ${v}: ${o.name}`).toBeGreaterThanOrEqual(box.x0 - SLACK_PX);
          expect(u, `${meta.id} view ${v}: ${o.name}`).toBeLessThanOrEqual(box.x1 + 1 + SLACK_PX);
          expect(w, `${meta.id} view ${v}: ${o.name}`).toBeGreaterThanOrEqual(box.y0 - SLACK_PX);
          expect(w, `${meta.id} view ${v}: ${o.name}`).toBeLessThanOrEqual(box.y1 + 1 + SLACK_PX);
          checked++;
        });
      }
    }
    expect(checked, 'library objects checked against their mask').toBeGreaterThan(5);
  }, 180_000);
});
