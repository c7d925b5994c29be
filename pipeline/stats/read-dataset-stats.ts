/**
 * `readDatasetStats(outDir, shards)`: computes the {@link DatasetStats} of a data set from its
 * JSONL shards on disk, streamed shard by shard ({@link readShardRecords}). Shards are read in
 * a fixed order (kind `sft` before `rl`, then by path, i.e. by shard number), so the result does
 * not depend on the order of the list passed in, nor on how the shards were produced (one run,
 * `--resume`, several workers merged).
 *
 * @example
 * const distributions = await readDatasetStats(outDir, sealedFiles);
 * buildManifest({ …, stats: { ...sortedStats(runStats), distributions } });
 */
import { addRecordToStats, createStatsAccumulator, finishDatasetStats, type DatasetStats, type StatsMeta } from './dataset-stats.js';
import { getRecordMeta, listJsonlShards, readShardRecords, type ShardFileRef } from './read-shard-records.js';

const KIND_ORDER = ['sft', 'rl'];

/**
 * Reads the JSONL shards among `shards` and returns their statistics; see the file header.
 * `onRecord` sees every record's meta in the same pass (finalize collects the blind prior's
 * records there instead of reading the shards again).
 */
export async function readDatasetStats(outDir: string, shards: readonly ShardFileRef[], onRecord?: (meta: Record<string, unknown>) => void): Promise<DatasetStats> {
  const ordered = [...listJsonlShards(shards)].sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const acc = createStatsAccumulator();
  for await (const r of readShardRecords(outDir, ordered)) {
    const meta = getRecordMeta(r);
    addRecordToStats(acc, r.kind, meta as unknown as StatsMeta);
    onRecord?.(meta as unknown as Record<string, unknown>);
  }
  return finishDatasetStats(acc);
}
