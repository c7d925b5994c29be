/**
 * `planShardWork(options)`: for the shards a worker owns, which are already sealed (kept) and
 * which must be built — and it clears what the unsealed ones left behind, so a rebuild starts
 * from nothing.
 *
 * A shard is kept only when resuming, its sidecar is present and belongs to this configuration,
 * and every file and image it lists is on disk with the recorded sha256 and size
 * ({@link verifySealedShard}); temporary files (`*.tmp-*`) next to its files are removed. Any other shard is discarded: first its sidecar (so a crash during
 * the clean-up cannot leave a sidecar pointing at removed files), then its record files in every
 * kind folder (`sft/shard-NNNNN.*`, `rl/shard-NNNNN.*`, temporary `*.tmp-*` names included), its
 * image folder `images/NNNNN/`, and temporary sidecars. Only this worker's shards are touched:
 * sibling workers in a shared folder write other shard numbers.
 */
import { readdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Logger } from '../logger.js';
import { getShardName, getShardPath, SHARD_KINDS, type ShardKind } from '../shards/shard-writer.js';
import { getSidecarPath, SIDECAR_DIR, verifySealedShard, type ShardSidecar } from './shard-sidecar.js';

export interface PlanShardWorkOptions {
  outDir: string;
  /** This worker's shards, ascending. */
  shards: readonly number[];
  configHash: string;
  /** Keep shards that check out (`--resume`); else rebuild all. */
  keepSealed: boolean;
  /** Kinds of shard files; their folders (`sft/`, `rl/`) hold files named `shard-NNNNN.*`. @default SHARD_KINDS */
  kinds?: readonly ShardKind[];
  logger: Logger;
}

export interface ShardWork {
  /** Sealed shards kept as they are, with their sidecars. */
  keep: ShardSidecar[];
  /** Shards to build, ascending. */
  build: number[];
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Groups `shard-NNNNN.<anything>` names by their shard name ("NNNNN"). */
function byShardName(names: readonly string[], prefix: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of names) {
    const m = new RegExp(`^${prefix}(\\d+)\\.`).exec(name);
    if (!m) continue;
    const list = out.get(m[1]) ?? [];
    list.push(name);
    out.set(m[1], list);
  }
  return out;
}

/** Decides keep/build for each shard and clears the leftovers of those to build; see the file header. */
export async function planShardWork(options: PlanShardWorkOptions): Promise<ShardWork> {
  const { outDir, shards, configHash, keepSealed, kinds = SHARD_KINDS, logger } = options;
  const keep: ShardSidecar[] = [];
  const build: number[] = [];
  const folders = [...new Set(kinds.map((kind) => posix.dirname(getShardPath(kind, 0))))];
  const folderFiles = new Map<string, Map<string, string[]>>();
  for (const folder of folders) folderFiles.set(folder, byShardName(await listNames(join(outDir, folder)), 'shard-'));
  const sidecarFiles = byShardName(await listNames(join(outDir, SIDECAR_DIR)), 'shard-');
  for (const shard of shards) {
    const name = getShardName(shard);
    if (keepSealed) {
      const found = await verifySealedShard(outDir, shard, configHash);
      const { problems } = found;
      if (found.sidecar && problems.length === 0) {
        // --- Keep: only temporaries of an interrupted write go
        const temps = [...(sidecarFiles.get(name) ?? []).map((f) => join(SIDECAR_DIR, f))];
        for (const folder of folders) temps.push(...(folderFiles.get(folder)!.get(name) ?? []).map((f) => join(folder, f)));
        temps.push(...(await listNames(join(outDir, 'images', name))).map((f) => join('images', name, f)));
        for (const temp of temps.filter((t) => t.includes('.tmp-'))) await rm(join(outDir, temp), { force: true });
        keep.push(found.sidecar);
        continue;
      }
      if (problems.length > 0) logger.warn(`resume: shard ${shard} is rebuilt: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`);
    }
    // --- Discard: sidecar first, then the shard's files, images and temporaries
    await rm(join(outDir, getSidecarPath(shard)), { force: true });
    for (const leftover of sidecarFiles.get(name) ?? []) await rm(join(outDir, SIDECAR_DIR, leftover), { force: true });
    for (const folder of folders) {
      for (const file of folderFiles.get(folder)!.get(name) ?? []) await rm(join(outDir, folder, file), { force: true });
    }
    await rm(join(outDir, 'images', name), { recursive: true, force: true });
    build.push(shard);
  }
  return { keep, build };
}
