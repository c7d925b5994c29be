/**
 * `readShardRecords(outDir, shards)`: streams the records of JSONL shards, one parsed line at a
 * time, shard by shard in the order given, so a data set of any size is read in constant memory.
 * Parquet copies (`rl-parquet`) are skipped: they hold the same rows as the `rl` JSONL shards.
 *
 * @example
 * for await (const { kind, record } of readShardRecords('out', manifest.shards)) { … }
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { createInterface } from 'node:readline';

const NAME = 'readShardRecords';

/** A shard file as listed in the manifest (or a sealed file of the shard writer). */
export interface ShardFileRef {
  kind: string;
  path: string;
}

/** One parsed line. */
export interface ShardRecord {
  kind: 'sft' | 'rl';
  /** Shard path relative to the output root. */
  path: string;
  /** Line number in the shard, 0-based. */
  line: number;
  record: Record<string, unknown>;
}

/** The JSONL shards among `shards` (kinds `sft` and `rl`), in the order given. */
export function listJsonlShards(shards: readonly ShardFileRef[]): (ShardFileRef & { kind: 'sft' | 'rl' })[] {
  return shards.filter((s): s is ShardFileRef & { kind: 'sft' | 'rl' } => s.kind === 'sft' || s.kind === 'rl');
}

/**
 * The JSONL shards of `<outDir>/sft/` and `<outDir>/rl/` as they lie on disk, file names sorted,
 * for readers that take a folder without its manifest (`score`, `export`); a missing folder is
 * skipped.
 * @throws Error when a folder exists but cannot be read.
 */
export async function findJsonlShards(outDir: string): Promise<(ShardFileRef & { kind: 'sft' | 'rl' })[]> {
  const found: (ShardFileRef & { kind: 'sft' | 'rl' })[] = [];
  for (const kind of ['sft', 'rl'] as const) {
    let names: string[];
    try {
      names = await readdir(join(outDir, kind));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`cannot read "${join(outDir, kind)}": ${(err as Error).message}`, { cause: err });
    }
    for (const name of names.filter((n) => n.endsWith('.jsonl')).sort()) found.push({ kind, path: posix.join(kind, name) });
  }
  return found;
}

/**
 * Yields every record of the JSONL shards among `shards`; see the file header.
 * @throws Error naming the shard and line of a line that is not a JSON object.
 */
export async function* readShardRecords(outDir: string, shards: readonly ShardFileRef[]): AsyncGenerator<ShardRecord> {
  for (const shard of listJsonlShards(shards)) {
    const lines = createInterface({ input: createReadStream(join(outDir, shard.path), 'utf8'), crlfDelay: Infinity });
    let line = 0;
    try {
      for await (const text of lines) {
        if (text.length === 0) continue;
        let record: unknown;
        try {
          record = JSON.parse(text);
        } catch (err) {
          throw new Error(`${NAME}: ${shard.path} line ${line + 1} is not JSON: ${(err as Error).message}`, { cause: err });
        }
        if (record === null || typeof record !== 'object' || Array.isArray(record)) {
          throw new Error(`${NAME}: ${shard.path} line ${line + 1} is not a JSON object`);
        }
        yield { kind: shard.kind, path: shard.path, line, record: record as Record<string, unknown> };
        line++;
      }
    } finally {
      lines.close();
    }
  }
}

/** The `meta` (SFT) or `extra_info` (RL) object of a record. */
export function getRecordMeta(r: Pick<ShardRecord, 'kind' | 'record' | 'path' | 'line'>): Record<string, unknown> {
  const meta = r.kind === 'sft' ? r.record.meta : r.record.extra_info;
  if (meta === null || typeof meta !== 'object') {
    throw new Error(`${NAME}: ${r.path} line ${r.line + 1} has no ${r.kind === 'sft' ? 'meta' : 'extra_info'} object`);
  }
  return meta as Record<string, unknown>;
}
