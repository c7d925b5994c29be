/**
 * The library API (`pipeline/render-dataset.ts`): camelCase options over the defaults, validated
 * before any renderer starts; the same records as `run()` with the same config.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY_FAMILIES } from '../../pipeline/questions/index.js';
import { ConfigError, RUN_DEFAULTS, renderDataset, resolveRunConfig } from '../../pipeline/index.js';
import { fakeRenderer, runFake, smallConfig } from '../scale/fake-run.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-api-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('resolveRunConfig', () => {
  it('fills the defaults and picks families as the CLI does', () => {
    expect(resolveRunConfig({ count: 4 })).toEqual({ ...RUN_DEFAULTS, count: 4 });
    expect(resolveRunConfig({ count: 4, seed: undefined }).seed).toBe(RUN_DEFAULTS.seed);
    expect(resolveRunConfig({ mix: { 'ego-turn': 2, orbit: 1 } }).families).toEqual(['ego-turn', 'orbit']);
    expect(resolveRunConfig({ assets: 'models' }).families).toEqual([...LIBRARY_FAMILIES]);
  });

  it('names the bad key and why', () => {
    expect(() => resolveRunConfig({ size: -3 })).toThrow(ConfigError);
    expect(() => resolveRunConfig({ size: -3 })).toThrow(/"size"/);
    expect(() => resolveRunConfig({ families: ['orbitt'] })).toThrow(/unknown family "orbitt"/);
    expect(() => resolveRunConfig({ colour: 'red' } as never)).toThrow(/"colour" is not a known setting/);
  });
});

describe('renderDataset', () => {
  it('refuses bad options before starting a renderer', async () => {
    let started = false;
    const createRenderer = async () => {
      started = true;
      return fakeRenderer();
    };
    await expect(renderDataset({ count: 0, out: join(tmp, 'bad') }, { createRenderer })).rejects.toThrow(/"count"/);
    await expect(renderDataset({ count: 2, out: join(tmp, 'bad'), assets: join(tmp, 'no-such-folder') }, { createRenderer })).rejects.toThrow(ConfigError);
    expect(started).toBe(false);
  });

  it('writes the same records as run() with the same settings', async () => {
    const settings = { count: 6, shardSize: 3, size: 64, seed: 9, concurrency: 1, parquet: false };
    const viaApi = join(tmp, 'api');
    const result = await renderDataset({ ...settings, out: viaApi }, { createRenderer: async () => fakeRenderer() });
    expect(result.samples).toBe(6);
    const viaRun = join(tmp, 'run');
    await runFake(smallConfig(viaRun, settings));
    for (const kind of ['sft', 'rl']) {
      const files = (await readdir(join(viaApi, kind))).sort();
      expect(files).toEqual((await readdir(join(viaRun, kind))).sort());
      for (const f of files) expect(await readFile(join(viaApi, kind, f), 'utf8')).toBe(await readFile(join(viaRun, kind, f), 'utf8'));
    }
  });
});
