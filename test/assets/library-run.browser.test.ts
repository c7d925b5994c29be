/**
 * A library run end to end through the library API (`renderDataset`, real Chromium, in this process): a library holding the generated fixtures plus a
 * truncated GLB, a `.gltf` with a missing buffer, a symlink out of the root and oversized files
 * still writes exactly `--count` samples, logs each skipped file with its reason and counts them
 * in the manifest's `stats.skipped`; a model that fails in the page is quarantined and its samples
 * re-drawn; every record names a good library asset with its normalisation.
 */
import { cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_DEFAULTS, validateConfig } from '../../pipeline/config.js';
import { FAMILIES, LIBRARY_FAMILIES } from '../../pipeline/questions/index.js';
import { renderDataset } from '../../pipeline/render-dataset.js';
import { FIXTURES, makeHostileLibrary } from './library-fixtures.js';

describe('render --assets', () => {
  it('skips hostile files with their reasons and still writes --count samples', async () => {
    const { dir } = await makeHostileLibrary();
    const out = join(await mkdtemp(join(tmpdir(), 'vf-lib-run-')), 'out');
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    await renderDataset({ assets: dir, maxAssetMb: 2, count: 6, size: 96, out, format: 'png', shardSize: 3 }, { logger });
    const log = lines.join('\n');
    for (const [path, reason] of [
      ['broken/truncated.glb', 'corrupt'],
      ['broken/missing-buffer.gltf', 'missing-file'],
      ['broken/escape.glb', 'outside-root'],
      ['broken/huge.glb', 'too-large'],
      ['Helmet.glb', 'too-large'],
    ]) {
      expect(log).toContain(`skipped "${path}" (${reason})`);
    }
    // The model that fails in the page is quarantined once, and the samples that drew it are re-drawn.
    expect(log.match(/skipped "broken\/bad-accessor.glb" for the rest of the run \(render-failed\)/g)).toHaveLength(1);
    // The model that renders nothing is quarantined too (at most once), never written.
    expect((log.match(/skipped "broken\/empty.glb" for the rest of the run \(render-failed\)/g) ?? []).length).toBeLessThanOrEqual(1);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    // The card's licence table: the fixtures' library gives no licence.
    expect(await readFile(join(out, 'README.md'), 'utf8')).toMatch(/Asset licences[\s\S]*\| not given \| 6 \| 100\.0 % \|/);
    expect(manifest.counts.samples).toBe(6);
    expect(manifest.stats.skipped).toEqual({ corrupt: 1, 'missing-file': 1, 'outside-root': 1, 'too-large': 2 });
    expect(manifest.config.assets.max_asset_mb).toBe(2);
    const failedRedraws = Object.values(manifest.stats.redraws as Record<string, Record<string, number>>).reduce((n, r) => n + (r['asset-render-failed'] ?? 0), 0);
    expect(failedRedraws).toBeGreaterThan(0);
    const records = [];
    for (const kind of ['sft', 'rl']) {
      for (const f of (await readdir(join(out, kind))).filter((n) => n.endsWith('.jsonl'))) {
        // SFT records carry the meta as `meta`, verl RL records as `extra_info`.
        records.push(...(await readFile(join(out, kind, f), 'utf8')).trim().split('\n').map((l) => JSON.parse(l)).map((r) => r.meta ?? r.extra_info));
      }
    }
    const metas = records;
    expect(new Set(metas.map((m) => m.index)).size).toBe(6);
    for (const m of metas) {
      expect(m.asset.source).toBe('library');
      expect(['Box.glb', 'BoxTextured/BoxTextured.gltf', 'BoxVertexColors.glb']).toContain(m.asset.path);
      expect(m.asset.normalisation.matrix).toHaveLength(4);
      expect(['orbit', 'orbit-direction', 'elevation', 'distance', 'ego-turn', 'object-rotation']).toContain(m.family);
      expect(m.reasoning).not.toMatch(/named part/);
    }
  }, 120_000);

  it('labels symmetry on a model\'s first draw: the same records cold or cached, in any order', async () => {
    const base = await mkdtemp(join(tmpdir(), 'vf-lib-lazy-'));
    const lib = join(base, 'lib');
    await cp(FIXTURES, lib, { recursive: true });
    const run = async (name: string, concurrency: number) => {
      const lines: string[] = [];
      const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
      const out = join(base, name);
      await renderDataset(
        { assets: lib, assetCache: join(base, 'cache'), count: 6, size: 64, out, format: 'png', shardSize: 6, concurrency, families: ['orbit', 'object-rotation'] },
        { logger },
      );
      const sft = await readFile(join(out, 'sft', 'shard-00000.jsonl'), 'utf8');
      const rl = await readFile(join(out, 'rl', 'shard-00000.jsonl'), 'utf8');
      return { log: lines.join('\n'), records: sft + rl };
    };
    const cold = await run('cold', 1);
    const estimated = Number(/(\d+) estimated on a model's first draw/.exec(cold.log)?.[1]);
    expect(estimated).toBeGreaterThanOrEqual(1);
    expect(estimated).toBeLessThanOrEqual(4);
    const warm = await run('warm', 3);
    expect(warm.log).toMatch(new RegExp(`${estimated} label\\(s\\) from the index cache, 0 estimated`));
    expect(warm.records).toBe(cold.records);
    // The cube is labelled c4 whenever a sample draws it (the estimator's fixture result, estimate-symmetry.browser.test.ts).
    for (const line of cold.records.trim().split('\n')) {
      const meta = JSON.parse(line).meta ?? JSON.parse(line).extra_info;
      if (meta.asset.path === 'Box.glb') expect(meta.asset.symmetry).toBe('c4');
    }
  }, 120_000);

  it('refuses families that name parts with a library', () => {
    const config = { ...RUN_DEFAULTS, assets: '/some/library', families: ['orbit', 'perspective'] };
    expect(() => validateConfig(config, FAMILIES.map((f) => f.name))).toThrow(/"families" perspective name object parts/);
    expect(validateConfig({ ...config, families: [...LIBRARY_FAMILIES] }, FAMILIES.map((f) => f.name)).assets).toBe('/some/library');
  });
});
