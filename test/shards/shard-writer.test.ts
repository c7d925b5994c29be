import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRlRecord } from '../../pipeline/records/rl-record.js';
import { serializeRecord } from '../../pipeline/records/serialize-record.js';
import { buildSftRecord } from '../../pipeline/records/sft-record.js';
import { getShardPath, ShardWriter, type ShardRecords } from '../../pipeline/shards/shard-writer.js';
import { makeRecordInput } from '../records/record-input-fixture.js';

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vf-shards-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

function recordsOf(index: number): Required<ShardRecords> {
  const input = makeRecordInput({ index, withCot: index % 2 === 0 });
  return { sft: buildSftRecord(input), rl: buildRlRecord(input) };
}

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

describe('ShardWriter', () => {
  it('writes 2.5 shards worth of records into 3 sealed shards per kind', async () => {
    const writer = new ShardWriter({ outDir, shardSize: 4, kinds: ['sft', 'rl'] });
    const sealedByAppend: string[] = [];
    for (let i = 0; i < 10; i++) {
      for (const s of await writer.append(i, recordsOf(i))) sealedByAppend.push(s.path);
    }
    expect(sealedByAppend).toEqual(['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl', 'sft/shard-00001.jsonl', 'rl/shard-00001.jsonl']);
    const shards = await writer.finish();
    expect(shards.map((s) => [s.kind, s.path, s.records, s.firstIndex, s.lastIndex])).toEqual([
      ['sft', 'sft/shard-00000.jsonl', 4, 0, 3],
      ['rl', 'rl/shard-00000.jsonl', 4, 0, 3],
      ['sft', 'sft/shard-00001.jsonl', 4, 4, 7],
      ['rl', 'rl/shard-00001.jsonl', 4, 4, 7],
      ['sft', 'sft/shard-00002.jsonl', 2, 8, 9],
      ['rl', 'rl/shard-00002.jsonl', 2, 8, 9],
    ]);
    for (const s of shards) {
      const data = await readFile(join(outDir, s.path));
      expect(s.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect(s.bytes).toBe(data.length);
      const lines = data.toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(s.records);
      const indices = lines.map((l) => {
        const rec = JSON.parse(l);
        return s.kind === 'sft' ? rec.meta.index : rec.extra_info.index;
      });
      expect(indices).toEqual(Array.from({ length: s.records }, (_, k) => s.firstIndex + k));
    }
    const first = (await readFile(join(outDir, 'sft/shard-00000.jsonl'), 'utf8')).split('\n')[0];
    expect(first).toBe(serializeRecord('sft', recordsOf(0).sft)); // JSON with whole floats written as 1.0
    expect(JSON.parse(first)).toEqual(JSON.parse(JSON.stringify(recordsOf(0).sft)));
    const files = await listAll(outDir);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(files).toEqual(['rl', ...shards.filter((s) => s.kind === 'rl').map((s) => s.path), 'sft', ...shards.filter((s) => s.kind === 'sft').map((s) => s.path)]);
  });

  it('rejects an invalid record without touching sealed shards or writing a partial one', async () => {
    const writer = new ShardWriter({ outDir, shardSize: 3 });
    for (let i = 0; i < 5; i++) await writer.append(i, recordsOf(i));
    const sealedPath = join(outDir, getShardPath('sft', 0));
    const before = await readFile(sealedPath);
    const mtime = (await stat(sealedPath)).mtimeMs;
    const bad = recordsOf(5);
    (bad.rl.extra_info.images[0] as { sha256: string }).sha256 = 'not-a-hash';
    await expect(writer.append(5, bad)).rejects.toThrow(/validateRlRecord: record "vf-0000002a-00000005" is invalid: \/extra_info\/images\/0\/sha256 must match pattern/);
    expect(await readFile(sealedPath)).toEqual(before);
    expect((await stat(sealedPath)).mtimeMs).toBe(mtime);
    expect(await listAll(outDir)).toEqual(['rl', 'rl/shard-00000.jsonl', 'sft', 'sft/shard-00000.jsonl']);
    // The writer's state did not change: the valid record 5 still completes shard 1.
    const sealed = await writer.append(5, recordsOf(5));
    expect(sealed.map((s) => [s.path, s.records])).toEqual([['sft/shard-00001.jsonl', 3], ['rl/shard-00001.jsonl', 3]]);
  });

  it('rejects a record whose index differs from the one appended', async () => {
    const writer = new ShardWriter({ outDir, shardSize: 3 });
    await expect(writer.append(0, recordsOf(1))).rejects.toThrow(/sft record "vf-0000002a-00000001" has index 1, appended as 0/);
  });

  it('enforces index order', async () => {
    const writer = new ShardWriter({ outDir, shardSize: 3 });
    await expect(writer.append(1, recordsOf(1))).rejects.toThrow(/would open shard 0 in its middle/);
    await writer.append(0, recordsOf(0));
    await expect(writer.append(2, recordsOf(2))).rejects.toThrow(/expected index 1/);
    await writer.append(1, recordsOf(1));
    await writer.append(2, recordsOf(2));
    await expect(writer.append(0, recordsOf(0))).rejects.toThrow(/shard 0 is already sealed/);
    // Whole shards may be skipped (scale-out, resume).
    expect(await writer.append(9, recordsOf(9))).toEqual([]);
    const shards = await writer.finish();
    expect(shards.map((s) => s.path)).toEqual(['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl', 'sft/shard-00003.jsonl', 'rl/shard-00003.jsonl']);
    await expect(writer.append(10, recordsOf(10))).rejects.toThrow(/after finish/);
  });

  it('refuses overlapping calls', async () => {
    const writer = new ShardWriter({ outDir, shardSize: 1 });
    const first = writer.append(0, recordsOf(0));
    await expect(writer.append(1, recordsOf(1))).rejects.toThrow(/another call is pending/);
    await first;
  });

  it('writes only the configured kinds', async () => {
    const writer = new ShardWriter({ outDir, shardSize: 2, kinds: ['sft'] });
    await writer.append(0, { sft: recordsOf(0).sft });
    expect((await writer.finish()).map((s) => s.path)).toEqual(['sft/shard-00000.jsonl']);
    expect(await listAll(outDir)).toEqual(['sft', 'sft/shard-00000.jsonl']);
    const rlOnly = new ShardWriter({ outDir, shardSize: 2, kinds: ['rl'] });
    await expect(rlOnly.append(0, { sft: recordsOf(0).sft })).rejects.toThrow(/sample 0 has no record of a kind this writer writes \(rl\)/);
  });

  it('sends each sample to the kinds it has records for; a shard with no record of a kind writes no file of it', async () => {
    const writer = new ShardWriter({ outDir, shardSize: 4 });
    // 0–3 sft only, 4–5 rl only, 6 both, 7 sft; 8–9 rl only: shard 2 has no sft file.
    const kindsOf = (i: number): ('sft' | 'rl')[] => (i < 4 || i === 7 ? ['sft'] : i === 6 ? ['sft', 'rl'] : ['rl']);
    for (let i = 0; i < 10; i++) {
      const all = recordsOf(i);
      await writer.append(i, Object.fromEntries(kindsOf(i).map((k) => [k, all[k]])));
    }
    const shards = await writer.finish();
    expect(shards.map((s) => [s.path, s.records, s.firstIndex, s.lastIndex])).toEqual([
      ['sft/shard-00000.jsonl', 4, 0, 3],
      ['sft/shard-00001.jsonl', 2, 6, 7],
      ['rl/shard-00001.jsonl', 3, 4, 6],
      ['rl/shard-00002.jsonl', 2, 8, 9],
    ]);
    expect(await listAll(outDir)).toEqual(['rl', 'rl/shard-00001.jsonl', 'rl/shard-00002.jsonl', 'sft', 'sft/shard-00000.jsonl', 'sft/shard-00001.jsonl']);
    for (const s of shards) {
      const lines = (await readFile(join(outDir, s.path), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
      const indices = lines.map((rec) => (s.kind === 'sft' ? rec.meta.index : rec.extra_info.index));
      expect(indices).toEqual(Array.from({ length: 10 }, (_, i) => i).filter((i) => Math.floor(i / 4) === s.shard && kindsOf(i).includes(s.kind)));
    }
  });

  it('checks its options', () => {
    expect(() => new ShardWriter({ outDir, shardSize: 0 })).toThrow(TypeError);
    expect(() => new ShardWriter({ outDir: '', shardSize: 1 })).toThrow(/outDir/);
    expect(() => new ShardWriter({ outDir, shardSize: 1, kinds: [] })).toThrow(/kinds/);
    expect(() => new ShardWriter({ outDir, shardSize: 1, kinds: ['sft', 'sft'] })).toThrow(/kinds/);
  });

  it('stops after a failed seal', async () => {
    const blocked = join(outDir, 'file');
    await (await import('node:fs/promises')).writeFile(blocked, 'x'); // a file where the output folder should be
    const writer = new ShardWriter({ outDir: blocked, shardSize: 1 });
    await expect(writer.append(0, recordsOf(0))).rejects.toThrow(/could not seal shard 0/);
    await expect(writer.append(1, recordsOf(1))).rejects.toThrow(/after a failed seal/);
  });
});
