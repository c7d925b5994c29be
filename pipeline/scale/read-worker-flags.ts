/**
 * Turns `--shard-index` / `--shard-count` and the environment of a Kubernetes Indexed Job
 * (`JOB_COMPLETION_INDEX`, plus `JOB_COMPLETION_COUNT`, which the Job sets from `completions` in
 * `deploy/k8s/render-job.yaml`) into a {@link WorkerSpec}. Flags win over the environment; with
 * neither, the run is the one-machine run. A Slurm array maps the same way (docs/scale-out.md).
 *
 * The environment arrives as an argument: only the CLI reads `process.env`.
 *
 * @example
 * ```ts
 * readWorkerFlags({}, { JOB_COMPLETION_INDEX: '2', JOB_COMPLETION_COUNT: '8' }); // { index: 2, count: 8 }
 * readWorkerFlags({ shardIndex: 0, shardCount: 1 }, process.env);              // { index: 0, count: 1 }
 * ```
 */
import { ConfigError } from '../config.js';
import { SINGLE_WORKER, type WorkerSpec } from './assign-shards.js';

/** Largest accepted worker count. */
export const MAX_WORKERS = 100_000;

/** Environment variables read for the defaults. */
export const WORKER_ENV = { index: 'JOB_COMPLETION_INDEX', count: 'JOB_COMPLETION_COUNT' } as const;

/** The two flags, as parsed (undefined when not given). */
export interface WorkerFlags {
  shardIndex?: number;
  shardCount?: number;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name === WORKER_ENV.index ? 'shardIndex' : 'shardCount', `config: ${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

/**
 * Resolves this worker's place in a split run.
 * @throws ConfigError when only one of index and count is known (count 1 excepted), or the index
 *   is not in `[0, count)`.
 */
export function readWorkerFlags(flags: WorkerFlags, env: Readonly<Record<string, string | undefined>>): WorkerSpec {
  const index = flags.shardIndex ?? fromEnv(env, WORKER_ENV.index);
  const count = flags.shardCount ?? fromEnv(env, WORKER_ENV.count);
  if (index === undefined && count === undefined) return { ...SINGLE_WORKER };
  if (count === undefined) {
    throw new ConfigError(
      'shardCount',
      `config: a shard index (${index}) without a shard count; pass --shard-count <n> or set ${WORKER_ENV.count} to the Job's completions`,
    );
  }
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_WORKERS) {
    throw new ConfigError('shardCount', `config: "shardCount" must be an integer in [1, ${MAX_WORKERS}], got ${count}`);
  }
  if (index === undefined) {
    if (count === 1) return { ...SINGLE_WORKER };
    throw new ConfigError('shardIndex', `config: a shard count (${count}) without a shard index; pass --shard-index <i> or set ${WORKER_ENV.index}`);
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new ConfigError('shardIndex', `config: "shardIndex" must be an integer in [0, ${count - 1}] for ${count} worker(s), got ${index}`);
  }
  return { index, count };
}
