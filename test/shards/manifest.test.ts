import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateManifest } from '../../pipeline/shards/validate-manifest.js';
import { buildManifest, serializeManifest, writeManifest, type ManifestInput } from '../../pipeline/shards/manifest.js';
import type { SealedShard } from '../../pipeline/shards/shard-writer.js';
import { fakeSha } from '../records/record-input-fixture.js';

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vf-manifest-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

function shard(kind: 'sft' | 'rl', n: number, records: number): SealedShard {
  const path = `${kind}/shard-${String(n).padStart(5, '0')}.jsonl`;
  return { kind, shard: n, path, records, sha256: fakeSha(path), bytes: 1000 * records, firstIndex: n * 4, lastIndex: n * 4 + records - 1 };
}

/** Input as a run would pass it; `order` flips the insertion order of the free-form maps. */
function input(order: 'a' | 'b'): ManifestInput {
  const redraws = order === 'a' ? { orbit: { 'near-bin-edge': 3, 'out-of-frame': 1 } } : { orbit: { 'out-of-frame': 1, 'near-bin-edge': 3 } };
  const shards = [shard('sft', 0, 4), shard('rl', 0, 4), shard('sft', 1, 4), shard('rl', 1, 4), shard('sft', 2, 2), shard('rl', 2, 2)];
  return {
    config: Object.assign(
      { seed: 42, count: 10, size: 512, format: 'jpeg' as const, shard_size: 4, cot_ratio: 0.5, families: ['orbit', 'elevation'], mix: null, stages: 'both' as const, gl: 'auto', dataset_name: 'viewforge', system_prompt: null },
      { concurrency: order === 'a' ? 1 : 8, out: '/tmp/somewhere' },
    ),
    versions: order === 'a' ? { viewforge: '0.1.0', three: 'r187', node: 'v20.20.2' } : { node: 'v20.20.2', three: 'r187', viewforge: '0.1.0' },
    renderer: { name: 'chromium', browserVersion: 'HeadlessChrome/140.0', glRenderer: 'ANGLE (Mesa, llvmpipe)' },
    shards: order === 'a' ? shards : [...shards].reverse(),
    stats: { samples: 10, redraws, skipped: order === 'a' ? { 'too-large': 1, unreadable: 2 } : { unreadable: 2, 'too-large': 1 } },
    counts: { samples: 10, sft_records: 10, rl_records: 10, images: 20 },
  };
}

describe('buildManifest', () => {
  it('builds a valid manifest with keys in fixed order', () => {
    const m = buildManifest(input('a'));
    expect(() => validateManifest(JSON.parse(serializeManifest(m)))).not.toThrow();
    expect(Object.keys(m)).toEqual(['format_version', 'generator', 'versions', 'config', 'config_hash', 'renderer', 'conventions', 'counts', 'shards', 'stats']);
    expect(m.generator).toEqual({ name: 'viewforge', version: '0.1.0' });
    expect(Object.keys(m.config)).toEqual(['seed', 'count', 'size', 'format', 'shard_size', 'cot_ratio', 'families', 'mix', 'stages', 'gl', 'dataset_name', 'system_prompt', 'parquet']);
    expect(m.renderer).toEqual({ name: 'chromium', browser_version: 'HeadlessChrome/140.0', gl_renderer: 'ANGLE (Mesa, llvmpipe)' });
    expect(m.shards[0]).toEqual({ kind: 'sft', path: 'sft/shard-00000.jsonl', records: 4, sha256: fakeSha('sft/shard-00000.jsonl'), bytes: 4000, first_index: 0, last_index: 3 });
    expect(m.shards.map((s) => s.path)).toEqual(['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl', 'sft/shard-00001.jsonl', 'rl/shard-00001.jsonl', 'sft/shard-00002.jsonl', 'rl/shard-00002.jsonl']);
  });

  it('is byte-identical whatever the concurrency and the order things arrived in', () => {
    const a = serializeManifest(buildManifest(input('a')));
    expect(serializeManifest(buildManifest(input('a')))).toBe(a);
    expect(serializeManifest(buildManifest(input('b')))).toBe(a);
    expect(a).not.toContain('concurrency');
    expect(a).not.toContain('/tmp/');
    expect(a.endsWith('}\n')).toBe(true);
    expect(a.split('\n')[1]).toBe('  "format_version": 1,');
  });

  it('takes the generator from createdBy when given', () => {
    expect(buildManifest({ ...input('a'), createdBy: { name: 'vf', version: '9' } }).generator).toEqual({ name: 'vf', version: '9' });
    const { versions: _v, ...rest } = input('a');
    expect(() => buildManifest({ ...rest, versions: {} })).toThrow(/no generator version/);
  });

  it('checks counts against the shards', () => {
    const bad = input('a');
    bad.counts = { ...bad.counts, rl_records: 9 };
    expect(() => buildManifest(bad)).toThrow(/counts.rl_records is 9 but the rl shards hold 10 records/);
    const twice = input('a');
    twice.shards = [...twice.shards, twice.shards[0]];
    expect(() => buildManifest(twice)).toThrow(/listed twice/);
  });

  it('rejects stats that are not counters', () => {
    expect(() => buildManifest({ ...input('a'), stats: { note: 'hello' } })).toThrow(/stats.note must be a number/);
  });
});

describe('writeManifest', () => {
  it('writes pretty JSON atomically after validating it', async () => {
    const m = buildManifest(input('a'));
    await writeManifest(outDir, m);
    const text = await readFile(join(outDir, 'manifest.json'), 'utf8');
    expect(text).toBe(serializeManifest(m));
    expect(await readdir(outDir)).toEqual(['manifest.json']);
  });

  it('writes nothing for an invalid manifest', async () => {
    const m = buildManifest(input('a'));
    (m.shards[0] as { path: string }).path = '/abs/sft/shard-00000.jsonl';
    await expect(writeManifest(outDir, m)).rejects.toThrow(/\/shards\/0\/path must match pattern/);
    expect(await readdir(outDir)).toEqual([]);
  });
});
