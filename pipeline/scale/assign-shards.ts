/**
 * Which shards a worker builds when a run is split over machines (docs/scale-out.md).
 *
 * Worker `i` of `n` builds every shard `s` with `s mod n === i` (round robin). Shard `s` always
 * holds the global indices `s·shardSize … min((s+1)·shardSize, count) − 1`, and a sample is a pure
 * function of `(seed, index, config)`, so a shard's bytes do not depend on which worker built it:
 * the union of the n workers' shards equals a one-machine run byte for byte.
 *
 * Round robin rather than contiguous ranges: neighbouring shards cost about the same, so every
 * worker gets a fair share of the work even when the shard count is not a multiple of n, and the
 * first shards of the data set are sealed (and handed off) early by all workers at once.
 *
 * @example
 * ```ts
 * assignShards({ index: 1, count: 3 }, 8); // [1, 4, 7]
 * ```
 */

const NAME = 'assignShards';

/** One worker of a split run: `index` in `0 … count − 1`. A one-machine run is `{ index: 0, count: 1 }`. */
export interface WorkerSpec {
  /** This worker's number, 0-based (`--shard-index`, `JOB_COMPLETION_INDEX`). */
  index: number;
  /** Number of workers (`--shard-count`, `JOB_COMPLETION_COUNT`). */
  count: number;
}

/** The one-machine run. */
export const SINGLE_WORKER: WorkerSpec = { index: 0, count: 1 };

/** Number of shards of a run: `⌈count / shardSize⌉`. */
export function getShardTotal(count: number, shardSize: number): number {
  return Math.ceil(count / shardSize);
}

/** First and last global index of shard `shard` (inclusive). */
export function getShardRange(shard: number, shardSize: number, count: number): { first: number; last: number } {
  return { first: shard * shardSize, last: Math.min((shard + 1) * shardSize, count) - 1 };
}

/**
 * The shards worker `worker` builds out of `total`, ascending.
 * @throws TypeError when the worker is not `0 ≤ index < count`.
 */
export function assignShards(worker: WorkerSpec, total: number): number[] {
  const { index, count } = worker;
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new TypeError(`${NAME}: expected a worker index in [0, count) and count ≥ 1, got index ${index} of ${count}`);
  }
  const shards: number[] = [];
  for (let s = index; s < total; s += count) shards.push(s);
  return shards;
}

/** Label used in file names and messages: "worker-00001-of-00003". */
export function getWorkerLabel(worker: WorkerSpec): string {
  return `worker-${String(worker.index).padStart(5, '0')}-of-${String(worker.count).padStart(5, '0')}`;
}

/** Formats shard numbers compactly: "0, 3–5, 9". */
export function formatShardList(shards: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < shards.length; i++) {
    let j = i;
    while (j + 1 < shards.length && shards[j + 1] === shards[j] + 1) j++;
    parts.push(j === i ? String(shards[i]) : `${shards[i]}–${shards[j]}`);
    i = j;
  }
  return parts.join(', ');
}
