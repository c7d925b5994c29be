/**
 * `run()` routing samples to record kinds by their family's stage (`stages: 'family'`), or to
 * both (`stages: 'both'`), and drawing families by a mix; with a fake renderer (no browser).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS, type RunConfig } from '../../pipeline/config.js';
import { getCycleWeights, run } from '../../pipeline/run/run.js';
import { getRecordKinds } from '../../pipeline/run/produce-sample.js';
import type { Renderer } from '../../renderers/renderer.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-run-stages-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function fakeRenderer(): Renderer {
  return {
    info: { name: 'fake', browserVersion: 'none', glRenderer: 'none', glMode: 'swiftshader' },
    render: async (job) => {
      const image = () => ({ width: job.width, height: job.height, rgba: new Uint8Array(job.width * job.height * 4).fill(90) });
      return [image(), image()];
    },
    close: async () => {},
  };
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

async function runWith(overrides: Partial<RunConfig>): Promise<{ out: string; files: string[]; manifest: Record<string, unknown> }> {
  const out = join(root, 'out');
  const config: RunConfig = { ...RUN_DEFAULTS, count: 16, shardSize: 8, size: 32, out, concurrency: 1, ...overrides };
  await run(config, { createRenderer: async () => fakeRenderer(), logger: silent, versions: { viewforge: '0.0.0-test' } });
  const files: string[] = [];
  for (const kind of ['sft', 'rl']) {
    try {
      for (const f of (await readdir(join(out, kind))).sort()) if (f.endsWith('.jsonl')) files.push(`${kind}/${f}`);
    } catch {
      // no folder of this kind
    }
  }
  return { out, files, manifest: JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) };
}

async function readRecords(out: string, path: string): Promise<{ index: number; family: string; stage: string }[]> {
  const lines = (await readFile(join(out, path), 'utf8')).trimEnd().split('\n');
  return lines.map((l) => {
    const rec = JSON.parse(l);
    const meta = path.startsWith('sft/') ? rec.meta : rec.extra_info;
    return { index: meta.index, family: meta.family, stage: meta.stage };
  });
}

describe('run(): record kinds by stage', () => {
  it('by default asks all eight families and writes each sample only to its stage\'s shards', async () => {
    const { out, files, manifest } = await runWith({});
    // Cycle of 8 in registry order: indices 0–3 viewpoint (sft), 4–7 SAT (rl), and again.
    expect(files).toEqual(['sft/shard-00000.jsonl', 'sft/shard-00001.jsonl', 'rl/shard-00000.jsonl', 'rl/shard-00001.jsonl']);
    const seen: Record<string, number[]> = { sft: [], rl: [] };
    for (const f of files) {
      const kind = f.split('/')[0];
      for (const r of await readRecords(out, f)) {
        expect(r.stage).toBe(kind);
        seen[kind].push(r.index);
      }
    }
    expect(seen.sft).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect(seen.rl).toEqual([4, 5, 6, 7, 12, 13, 14, 15]);
    expect(manifest.counts).toMatchObject({ samples: 16, sft_records: 8, rl_records: 8, images: 32 });
    expect(manifest.config).toMatchObject({ families: RUN_DEFAULTS.families, mix: null, stages: 'family' });
    const shards = (manifest.shards as { kind: string; path: string; records: number; first_index: number; last_index: number }[]).filter((s) => s.kind !== 'rl-parquet');
    expect(shards.map((s) => [s.path, s.records, s.first_index, s.last_index])).toEqual([
      ['sft/shard-00000.jsonl', 4, 0, 3],
      ['rl/shard-00000.jsonl', 4, 4, 7],
      ['sft/shard-00001.jsonl', 4, 8, 11],
      ['rl/shard-00001.jsonl', 4, 12, 15],
    ]);
  });

  it('writes no file for a kind a shard has no sample of', async () => {
    const { files } = await runWith({ shardSize: 4, count: 12 });
    // Shard 0 = indices 0–3 (all sft), shard 1 = 4–7 (all rl), shard 2 = 8–11 (all sft).
    expect(files).toEqual(['sft/shard-00000.jsonl', 'sft/shard-00002.jsonl', 'rl/shard-00001.jsonl']);
  });

  it('with stages "both" writes every sample to both kinds', async () => {
    const { out, files, manifest } = await runWith({ stages: 'both', count: 8 });
    expect(files).toEqual(['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl']);
    for (const f of files) expect((await readRecords(out, f)).map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(manifest.counts).toMatchObject({ samples: 8, sft_records: 8, rl_records: 8 });
  });

  it('draws families by the mix', async () => {
    const { out, files, manifest } = await runWith({ families: ['orbit', 'relative-depth'], mix: { orbit: 0.75, 'relative-depth': 0.25 } });
    const families: string[] = [];
    for (const f of files) for (const r of await readRecords(out, f)) families[r.index] = r.family;
    expect(families.filter((f) => f === 'orbit')).toHaveLength(12);
    expect(families.filter((f) => f === 'relative-depth')).toHaveLength(4);
    expect(manifest.config).toMatchObject({ families: ['orbit', 'relative-depth'], mix: { orbit: 0.75, 'relative-depth': 0.25 } });
  });

  it('turns a mix into integer cycle weights and a family into its record kinds', () => {
    expect(getCycleWeights({ families: ['orbit', 'ego-turn', 'perspective'], mix: { orbit: 0.4, 'ego-turn': 0.2, perspective: 0.4 } })).toEqual([
      { family: 'orbit', weight: 2 },
      { family: 'ego-turn', weight: 1 },
      { family: 'perspective', weight: 2 },
    ]);
    expect(getCycleWeights({ families: ['orbit', 'distance'], mix: null })).toEqual([
      { family: 'orbit', weight: 1 },
      { family: 'distance', weight: 1 },
    ]);
    expect(getRecordKinds('orbit', 'family')).toEqual(['sft']);
    expect(getRecordKinds('perspective', 'family')).toEqual(['rl']);
    expect(getRecordKinds('orbit', 'both')).toEqual(['sft', 'rl']);
  });
});
