/**
 * Golden outputs (issue 11): small fixed-seed runs whose records and manifest are committed under
 * `test/golden/`. A refactor must keep them byte-identical; a change that alters the data on
 * purpose regenerates them (`VF_UPDATE_GOLDEN=1 npx vitest run test/golden`) in its own commit
 * saying why.
 *
 * - `fake/`: every family, the fake renderer (no browser), two shards, RL parquet included: every
 *   text output whole, every other file (images, parquet, plots, sidecars) by hash.
 * - `chromium/`: a real Chromium run (software WebGL), records and manifest with the
 *   rasteriser-dependent values (image hashes and sizes, ID-pass pixel counts, browser name)
 *   masked, since they differ between Chromium builds and CPUs (the dataset card, which quotes
 *   them in prose, is left out); every question, answer, reasoning sentence and camera must still match.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../../pipeline/config.js';
import { run } from '../../pipeline/run/run.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { memoryLogger, runFake, smallConfig } from '../scale/fake-run.js';
import { goldenFiles, maskRasterFields, readGolden, UPDATE_GOLDEN, writeGolden } from './golden-tree.js';

const GOLDEN = import.meta.dirname;
const RASTER_KEYS = new Set(['sha256', 'bytes', 'id_pixels', 'browser_version', 'gl_renderer', 'imageBytes', 'image_bytes']);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-golden-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function compare(name: string, files: Map<string, string>): Promise<void> {
  const dir = join(GOLDEN, name);
  if (UPDATE_GOLDEN) await writeGolden(dir, files);
  const golden = await readGolden(dir);
  expect([...files.keys()].sort(), `${name}: the set of output files`).toEqual([...golden.keys()].sort());
  for (const [path, text] of files) expect(text, `${name}/${path} differs from the golden copy`).toBe(golden.get(path));
}

describe('golden outputs', () => {
  it('fake renderer, every family: records, manifest and file hashes unchanged', async () => {
    const out = join(tmp, 'fake');
    await runFake(smallConfig(out, { count: 24, seed: 3, size: 32, shardSize: 12, parquet: true }));
    await compare('fake', await goldenFiles(out));
  });

  it('real Chromium: records and manifest unchanged (rasteriser-dependent values masked)', async () => {
    const out = join(tmp, 'chromium');
    await run(
      { ...RUN_DEFAULTS, count: 8, seed: 5, size: 64, shardSize: 8, out, concurrency: 1, parquet: false },
      {
        createRenderer: () => ChromiumRenderer.create({ glMode: 'auto', pages: 1, env: process.env, logger: { info() {}, warn() {} } }),
        logger: memoryLogger(),
        versions: { viewforge: '0.0.0-test' },
      },
    );
    await compare('chromium', await goldenFiles(out, { hashes: false, omit: /^README\.md$/, mask: (path, text) => maskRasterFields(path, text, RASTER_KEYS) }));
  }, 120_000);
});
