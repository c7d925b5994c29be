/**
 * `findFinishedRun(options)`: whether `--resume` finds nothing to build, decided before any
 * browser starts. A folder holds a finished run of this configuration when its `manifest.json`
 * has this run's `config_hash` (the manifest is written only once every shard is sealed) and
 * every shard this worker owns is sealed and checks out as `--resume` checks it
 * ({@link verifySealedShard}: sidecar, files and images with their recorded sha256 and size).
 * Then the run keeps every shard and starts nothing; anything less (no manifest, another config,
 * a shard that does not check out) is left to the normal resume, which rebuilds what is missing.
 * Reads only: it removes and writes nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../shards/manifest.js';
import { assignShards, getShardTotal, type WorkerSpec } from './assign-shards.js';
import { verifySealedShard, type ShardSidecar } from './shard-sidecar.js';

export interface FindFinishedRunOptions {
  outDir: string;
  worker: WorkerSpec;
  configHash: string;
  count: number;
  shardSize: number;
}

/** The sealed shards of this worker when the run in `outDir` is finished (see the file header), else null. */
export async function findFinishedRun(options: FindFinishedRunOptions): Promise<ShardSidecar[] | null> {
  const { outDir, worker, configHash, count, shardSize } = options;
  let manifest: { config_hash?: unknown };
  try {
    manifest = JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8')) as { config_hash?: unknown };
  } catch {
    return null; // no manifest (or an unreadable one): the normal resume decides
  }
  if (manifest.config_hash !== configHash) return null;
  const kept: ShardSidecar[] = [];
  for (const shard of assignShards(worker, getShardTotal(count, shardSize))) {
    const found = await verifySealedShard(outDir, shard, configHash);
    if (!found.sidecar || found.problems.length > 0) return null;
    kept.push(found.sidecar);
  }
  return kept;
}
