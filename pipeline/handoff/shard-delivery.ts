/**
 * `readShardDelivery(outDir, shard, dataset)`: what a transport needs to hand over one sealed
 * shard: the shard (kind, path, sha256, records, index range), its dataset name, the output root,
 * and the images its records point at.
 *
 * The shard file is read once: its sha256 and line count are checked against the sealed shard
 * (so a file changed or damaged since sealing is never handed off), and the image paths are
 * collected from each record's `images` array (paths relative to the output root; SFT and RL
 * lines both carry it), first occurrence order, without repeats. {@link listShardImages} is the
 * pure part, tested on inline text.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { SealedShard, ShardKind } from '../shards/shard-writer.js';
import { HandoffError } from './retry.js';

const NAME = 'handoff';

/** One sealed shard, ready to hand over. */
export interface ShardDelivery {
  /** Dataset name (`--dataset-name`). */
  dataset: string;
  kind: ShardKind;
  /** Shard number. */
  shard: number;
  /** Path of the JSONL relative to `outDir`, POSIX separators, e.g. "sft/shard-00000.jsonl". */
  path: string;
  /** sha256 of the JSONL bytes, lower-case hex. */
  sha256: string;
  records: number;
  bytes: number;
  firstIndex: number;
  lastIndex: number;
  /** The output root the paths are relative to. */
  outDir: string;
  /** Image paths relative to `outDir`, in first-use order, each once. */
  images: string[];
}

/** True for a relative POSIX path that stays inside its root (no "..", no absolute path, no backslash). */
function isInsideRoot(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  const normal = posix.normalize(path);
  return normal === path && normal !== '.' && !normal.startsWith('../') && normal !== '..';
}

/**
 * Lists the image paths of a shard's JSONL text (pure): each record's `images`, then the mask and
 * depth files its meta names beside them (`--passes`).
 * @throws Error when a line is not JSON, has no `images` array of strings, or names a path that
 *   leaves the output root.
 */
export function listShardImages(text: string, shardPath: string): { images: string[]; lines: number } {
  const images: string[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      throw new Error(`${NAME}: line ${i + 1} of ${shardPath} is not JSON`, { cause: err });
    }
    const list = (record as { images?: unknown }).images;
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
      throw new Error(`${NAME}: line ${i + 1} of ${shardPath} has no "images" array of paths`);
    }
    // The pass files (`--passes`) beside each image travel with it: `meta` (SFT) or `extra_info` (RL) `.images[i].mask/.depth`.
    const meta = ((record as { meta?: unknown }).meta ?? (record as { extra_info?: unknown }).extra_info) as { images?: { mask?: { path?: unknown } | null; depth?: { path?: unknown } | null }[] } | undefined;
    const passes = (meta?.images ?? []).flatMap((im) => [im?.mask?.path, im?.depth?.path]).filter((p): p is string => typeof p === 'string');
    for (const path of [...(list as string[]), ...passes]) {
      if (!isInsideRoot(path)) throw new Error(`${NAME}: line ${i + 1} of ${shardPath} names image "${path}", which is not a relative path inside the output folder`);
      if (!seen.has(path)) {
        seen.add(path);
        images.push(path);
      }
    }
  });
  return { images, lines: lines.length };
}

/**
 * Reads a sealed shard and builds its {@link ShardDelivery}.
 * @throws HandoffError (not retryable) when the file is missing, its sha256 or record count is
 *   not the sealed one, or a record is malformed.
 */
export async function readShardDelivery(outDir: string, shard: SealedShard, dataset: string): Promise<ShardDelivery> {
  let data: Buffer;
  try {
    data = await readFile(join(outDir, shard.path));
  } catch (err) {
    throw new HandoffError(`${NAME}: cannot read ${shard.path} in "${outDir}": ${(err as Error).message}`, { retryable: false, cause: err });
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (sha256 !== shard.sha256) {
    throw new HandoffError(
      `${NAME}: ${shard.path} has sha256 ${sha256}, but it was sealed as ${shard.sha256}; the file changed after sealing and is not handed off (re-render it)`,
      { retryable: false },
    );
  }
  let listed: { images: string[]; lines: number };
  try {
    listed = listShardImages(data.toString('utf8'), shard.path);
  } catch (err) {
    throw new HandoffError((err as Error).message, { retryable: false, cause: err });
  }
  if (listed.lines !== shard.records) {
    throw new HandoffError(`${NAME}: ${shard.path} holds ${listed.lines} records, sealed as ${shard.records}`, { retryable: false });
  }
  return {
    dataset,
    kind: shard.kind,
    shard: shard.shard,
    path: shard.path,
    sha256: shard.sha256,
    records: shard.records,
    bytes: shard.bytes,
    firstIndex: shard.firstIndex,
    lastIndex: shard.lastIndex,
    outDir,
    images: listed.images,
  };
}
