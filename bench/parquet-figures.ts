/**
 * Parquet figures of a finished run folder: bytes per 1,000 RL rows, and the time to encode the
 * run's RL rows again (after one warm-up pass, as a long run is after its first shard).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RlRecord } from '../pipeline/records/rl-record.js';
import type { Manifest } from '../pipeline/shards/manifest.js';
import { encodeRlParquet } from '../pipeline/shards/parquet-shard.js';

export interface ParquetFigures {
  rlRows: number;
  parquetBytes: number;
  /** null when the run wrote no RL rows. */
  bytesPer1000Rows: number | null;
  encodeMsPer1000Rows: number | null;
}

/** Reads `outDir`'s manifest and RL shards and measures their parquet output. */
export async function measureParquet(outDir: string): Promise<ParquetFigures> {
  const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  const parquetShards = manifest.shards.filter((s) => s.kind === 'rl-parquet');
  const rlRows = parquetShards.reduce((n, s) => n + s.records, 0);
  const parquetBytes = parquetShards.reduce((n, s) => n + s.bytes, 0);
  const records: RlRecord[] = [];
  for (const s of manifest.shards.filter((x) => x.kind === 'rl')) {
    const text = await readFile(join(outDir, s.path), 'utf8');
    for (const line of text.trimEnd().split('\n')) records.push(JSON.parse(line) as RlRecord);
  }
  if (records.length === 0 || rlRows === 0) return { rlRows, parquetBytes, bytesPer1000Rows: null, encodeMsPer1000Rows: null };
  const images = new Map<string, Uint8Array>();
  for (const r of records) for (const p of r.images) images.set(p, await readFile(join(outDir, p)));
  const encodeAll = async (): Promise<number> => {
    let n = 0;
    for await (const chunk of encodeRlParquet(records, async (p) => images.get(p)!)) n += chunk.length;
    return n;
  };
  await encodeAll();
  const t0 = performance.now();
  await encodeAll();
  const encodeMs = performance.now() - t0;
  return { rlRows, parquetBytes, bytesPer1000Rows: Math.round((parquetBytes / rlRows) * 1000), encodeMsPer1000Rows: Number(((encodeMs / records.length) * 1000).toFixed(1)) };
}
