/**
 * Held-out splits (`--split`, `--holdout`; README "Evaluation sets"): a val or test set of the
 * same seed shares no id, object draw, camera draw or image with the train set; held-out models
 * are never in train and are the only models of val/test; the manifest and the card say so.
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyHoldout, readHoldout } from '../../assets/library/holdout.js';
import { indexLibrary } from '../../assets/library/index-library.js';
import { SPLITS, splitSeed } from '../../pipeline/plan/split-seed.js';
import { renderDataset } from '../../pipeline/render-dataset.js';
import { FIXTURES } from '../fixtures/fixture-files.js';
import { fakeRenderer } from '../scale/fake-run.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-split-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

type Meta = { id: string; split: string; seed: number; asset: { content_hash: string; path?: string }; views: { c2w_gl: number[][] }[]; images: { sha256: string }[] };

async function readMetas(out: string): Promise<Meta[]> {
  const metas: Meta[] = [];
  for (const f of (await readdir(join(out, 'sft'))).filter((n) => n.endsWith('.jsonl'))) {
    metas.push(...(await readFile(join(out, 'sft', f), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).meta as Meta));
  }
  return metas;
}

const render = (out: string, over: Record<string, unknown>) =>
  renderDataset({ count: 12, shardSize: 6, size: 64, seed: 3, concurrency: 1, parquet: false, stages: 'both', out, ...over }, { createRenderer: async () => fakeRenderer() });

describe('splitSeed', () => {
  it('keeps train on the seed and gives val and test streams of their own', () => {
    for (const seed of [0, 1, 3, 4294967295]) {
      expect(splitSeed(seed, 'train')).toBe(seed);
      const derived = SPLITS.map((s) => splitSeed(seed, s));
      expect(new Set(derived).size).toBe(3);
      expect(splitSeed(seed, 'val')).toBe(splitSeed(seed, 'val'));
      for (const d of derived) expect(Number.isInteger(d) && d >= 0 && d <= 4294967295).toBe(true);
    }
  });
});

describe('--split', () => {
  it('writes a val set disjoint from train of the same seed: ids, objects, cameras, images', async () => {
    await render(join(tmp, 'train'), {});
    await render(join(tmp, 'val'), { split: 'val' });
    const train = await readMetas(join(tmp, 'train'));
    const val = await readMetas(join(tmp, 'val'));
    expect(train.every((m) => m.split === 'train' && m.seed === 3)).toBe(true);
    expect(val.every((m) => m.split === 'val' && m.seed === splitSeed(3, 'val'))).toBe(true);
    const disjoint = (f: (m: Meta) => string) => expect(val.filter((m) => new Set(train.map(f)).has(f(m)))).toEqual([]);
    disjoint((m) => m.id);
    disjoint((m) => m.asset.content_hash);
    disjoint((m) => JSON.stringify(m.views[0].c2w_gl));
    disjoint((m) => m.images[0].sha256);
    const manifest = JSON.parse(await readFile(join(tmp, 'val', 'manifest.json'), 'utf8'));
    expect(manifest.config.split).toBe('val');
    expect(JSON.parse(await readFile(join(tmp, 'train', 'manifest.json'), 'utf8')).config.split).toBeUndefined();
    const card = await readFile(join(tmp, 'val', 'README.md'), 'utf8');
    expect(card).toMatch(/split: `val`, a held-out set: its samples come from streams derived from seed 3 and the name "val"/);
    expect(card).toMatch(/- split: val\n/); // the YAML front matter's data_files split
    // The RL records carry the split too.
    const rl = (await readFile(join(tmp, 'val', 'rl', 'shard-00000.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rl.every((r) => r.extra_info.split === 'val')).toBe(true);
  });
});

describe('--holdout', () => {
  it('reads hashes and categories, ignoring comments, and names a bad file', async () => {
    const file = join(tmp, 'holdout.txt');
    await writeFile(file, `# held out\n${'a'.repeat(64)}\n\nmugs  # a category\nmugs\n`);
    const holdout = await readHoldout(file);
    expect(holdout.entries).toEqual(['a'.repeat(64), 'mugs']);
    expect(holdout.digest).toMatch(/^[0-9a-f]{64}$/);
    await expect(readHoldout(join(tmp, 'none.txt'))).rejects.toThrow(/holdout file ".*none\.txt" cannot be read \(ENOENT\)/);
    await writeFile(join(tmp, 'empty.txt'), '# nothing\n\n');
    await expect(readHoldout(join(tmp, 'empty.txt'))).rejects.toThrow(/lists no content hash or category/);
  });

  it('keeps held-out models out of train and makes them the only models of val and test', async () => {
    const lib = join(tmp, 'lib');
    await cp(FIXTURES, lib, { recursive: true });
    const indexed = await indexLibrary(lib, { maxAssetBytes: 1e9, cacheDir: 'off' });
    const box = indexed.assets.toArray().find((a) => a.path === 'Box.glb')!;
    const file = join(tmp, 'box.txt');
    await writeFile(file, `${box.contentHash}\n`);
    const holdout = await readHoldout(file);
    expect(applyHoldout(indexed, holdout, 'train').assets.toArray().map((a) => a.path)).not.toContain('Box.glb');
    expect(applyHoldout(indexed, holdout, 'test').assets.toArray().map((a) => [a.path, a.index])).toEqual([['Box.glb', 0]]);
    expect(() => applyHoldout(indexed, { entries: ['nothing'], digest: '' }, 'val')).toThrow(/no library model is held out.*split "val" has none to draw/);

    const settings = { assets: lib, assetCache: 'off', holdout: file, families: ['orbit', 'elevation', 'distance'] };
    await render(join(tmp, 'lib-train'), settings);
    await render(join(tmp, 'lib-test'), { ...settings, split: 'test' });
    const train = await readMetas(join(tmp, 'lib-train'));
    const test = await readMetas(join(tmp, 'lib-test'));
    expect(train.some((m) => m.asset.content_hash === box.contentHash)).toBe(false);
    expect(test.every((m) => m.asset.content_hash === box.contentHash)).toBe(true);
    const manifest = JSON.parse(await readFile(join(tmp, 'lib-test', 'manifest.json'), 'utf8'));
    expect(manifest.config.holdout).toBe(holdout.digest);
    expect(await readFile(join(tmp, 'lib-train', 'README.md'), 'utf8')).toMatch(/the library models listed in the holdout file \(sha256 `[0-9a-f]{64}`\) are never drawn/);
    await expect(render(join(tmp, 'no-lib'), { holdout: file })).rejects.toThrow(/"holdout".*needs --assets/);
  });
});
