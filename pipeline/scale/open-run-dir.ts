/**
 * `openRunDir(options)`: decides, before any work, how a render treats its `--out` folder —
 * start fresh, resume an earlier run of the same configuration, or join sibling workers of a
 * split run in a shared folder — and refuses everything else with a message that says what to do.
 *
 * The decision ({@link decideRunStart}) is pure and reads only what is in the folder: which
 * dataset entries exist and the worker state files (`worker-state.ts`).
 *
 * | folder holds                                         | no flag       | `--resume`        | `--resume auto` | `--overwrite` |
 * | ---------------------------------------------------- | ------------- | ----------------- | --------------- | ------------- |
 * | nothing                                              | fresh         | error: no run     | fresh           | fresh         |
 * | only `.viewforge/`, no state file (stopped at once)  | fresh         | resume (keeps 0)  | resume          | clear, fresh  |
 * | this run (same config hash)                          | error         | resume            | resume          | clear, fresh  |
 * | sibling workers of this split run, no manifest yet   | fresh (join)  | resume            | resume          | error         |
 * | another configuration                                | error         | error             | error           | clear, fresh  |
 * | a dataset without viewforge state                    | error         | error: no run     | error           | clear, fresh  |
 *
 * "Resume" keeps the sealed shards that check out and rebuilds the rest (`plan-shard-work.ts`);
 * "fresh" rebuilds every shard of this worker. `--overwrite` never deletes a folder that sibling
 * workers of the same split are writing into.
 *
 * Before any of that, the run takes the folder's lock (`.viewforge.lock`, folder-lock.ts): a
 * second render into a folder a live run is writing is refused (exit 3) with the holder's pid,
 * host, start and last heartbeat, and so is its `--overwrite`; workers of one split run (same
 * config hash and worker count) share the lock; a lock whose process is gone (same host) or whose
 * heartbeat stopped ({@link RUN_LOCK_STALE_MS}) is taken over with a warning.
 */
import { mkdir } from 'node:fs/promises';
import { acquireBuildLock, BuildLockedError, type HeldLock } from './folder-lock.js';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { checkWritable, listDatasetEntries, removeDatasetEntries } from './prepare-out-dir.js';
import { getWorkerLabel, type WorkerSpec } from './assign-shards.js';
import { readWorkerStates, WORKERS_DIR, type FoundWorkerState } from './worker-state.js';

/** `--resume`: off, required (`true`), or "if there is something to resume" (`'auto'`, for Jobs whose pods restart). */
export type ResumeMode = boolean | 'auto';

export interface RunStartRequest {
  outDir: string;
  worker: WorkerSpec;
  /** `config_hash` of this run's manifest config. */
  configHash: string;
  resume: ResumeMode;
  overwrite: boolean;
}

/** What is in the folder (as read by {@link openRunDir}). */
export interface RunDirContents {
  /** Dataset entries present (`DATASET_ENTRIES` of prepare-out-dir.ts). */
  entries: readonly string[];
  states: readonly FoundWorkerState[];
}

/** How to start. */
export interface RunStart {
  /** `resume`: keep sealed shards that check out; `fresh`: rebuild every shard of this worker. */
  mode: 'fresh' | 'resume';
  /** Remove the dataset entries first (`--overwrite`). */
  clear: boolean;
  /** State files of this run already in the folder (earlier attempts, sibling workers). */
  states: FoundWorkerState[];
}

/** The lock file of a render's `--out` folder. */
export const RUN_LOCK_FILE = '.viewforge.lock';
/** A run's lock with no heartbeat for this long is stale (its writer on another host is gone); heartbeats every 20 s. */
export const RUN_LOCK_STALE_MS = 3 * 60_000;

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** The folder holds a run of another configuration (its config hash differs): resume and plain starts refuse it. */
export class OtherRunError extends EnvironmentError {}

/**
 * Decides how to start (pure; see the table in the file header).
 * @throws EnvironmentError with the reason and the fix.
 */
export function decideRunStart(request: RunStartRequest, contents: RunDirContents): RunStart {
  const { outDir, worker, configHash, resume, overwrite } = request;
  const same = contents.states.filter((s) => s.state.config_hash === configHash);
  const other = contents.states.filter((s) => s.state.config_hash !== configHash);
  const siblings = same.filter((s) => s.state.worker.count === worker.count && s.state.worker.index !== worker.index);
  // Only `.viewforge/` and no state file: a run stopped (or a sibling starting) before it wrote its state; nothing else is here.
  const skeleton = contents.states.length === 0 && contents.entries.every((e) => e === '.viewforge');
  if (resume !== false && !overwrite) {
    if (other.length > 0) {
      throw new OtherRunError(
        `resume: "${outDir}" holds a run with another configuration (${other[0].path}: config hash ${short(other[0].state.config_hash)}, this run ${short(configHash)}); ` +
          'rerun with exactly the flags of that run (seed, count, size, format, shard size, families…), or pass --overwrite to replace it.',
      );
    }
    if (same.length > 0) return { mode: 'resume', clear: false, states: same };
    if (skeleton && contents.entries.length > 0) return { mode: 'resume', clear: false, states: [] };
    if (resume === true) {
      throw new EnvironmentError(
        `resume: "${outDir}" holds no earlier run to resume (no ${'.viewforge/workers/'}*.json): a run stopped before it wrote anything leaves nothing to resume. ` +
          'Run without --resume to start one (or with --resume auto, which starts fresh when there is nothing to resume).',
      );
    }
  }
  if (overwrite) {
    if (worker.count > 1 && siblings.length > 0) {
      throw new EnvironmentError(
        `output: --overwrite would delete the shards of ${siblings.map((s) => getWorkerLabel(s.state.worker)).join(', ')}, which write into "${outDir}" too; ` +
          'clear the folder once before starting the workers, or give each worker its own --out.',
      );
    }
    return { mode: 'fresh', clear: contents.entries.length > 0, states: [] };
  }
  if (skeleton) return { mode: 'fresh', clear: false, states: [] };
  const joinable =
    worker.count > 1 && other.length === 0 && same.length > 0 && !contents.entries.includes('manifest.json') &&
    same.every((s) => s.state.worker.count === worker.count && s.state.worker.index !== worker.index);
  if (joinable) return { mode: 'fresh', clear: false, states: same };
  const hint = same.length > 0 ? 'pass --resume to finish that run, --overwrite to replace it, or choose another --out.' : 'pass --overwrite to replace it, or choose another --out.';
  throw new EnvironmentError(`output: "${outDir}" already holds a dataset (${contents.entries.join(', ')}); ${hint}`);
}

/**
 * Takes the lock of `outDir` (see the file header); the caller releases it when the run ends.
 * @throws EnvironmentError naming the live holder.
 */
export async function lockRunDir(request: Pick<RunStartRequest, 'outDir' | 'worker' | 'configHash'>, warn?: (line: string) => void): Promise<HeldLock> {
  const split = request.worker.count > 1;
  try {
    return await acquireBuildLock(request.outDir, {
      file: RUN_LOCK_FILE,
      label: { prefix: 'output', holder: 'render' },
      staleMs: RUN_LOCK_STALE_MS,
      heartbeatMs: 20_000,
      // Workers of one split run share the folder (and the lock); any other writer is refused.
      buildId: split ? `split run ${request.configHash.slice(0, 12)} of ${request.worker.count} workers` : `run of pid ${process.pid}`,
      joinSameBuild: split,
      warn,
    });
  } catch (err) {
    if (err instanceof BuildLockedError) throw new EnvironmentError(err.message, { cause: err });
    throw err;
  }
}

/**
 * Checks that `outDir` is writable, takes its lock ({@link lockRunDir}), reads what it holds,
 * decides how to start ({@link decideRunStart}) and, for `--overwrite`, removes the old dataset.
 * Resolves to the start and the held lock (released by the caller when the run ends; released
 * here when the start is refused).
 * @throws EnvironmentError (unwritable folder, a live writer, or a start the table refuses).
 */
export async function openRunDir(request: RunStartRequest, warn?: (line: string) => void): Promise<RunStart & { lock: HeldLock }> {
  await checkWritable(request.outDir);
  const lock = await lockRunDir(request, warn);
  try {
    return { ...(await startInLockedDir(request)), lock };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function startInLockedDir(request: RunStartRequest): Promise<RunStart> {
  const entries = await listDatasetEntries(request.outDir);
  let states: FoundWorkerState[];
  try {
    states = await readWorkerStates(request.outDir);
  } catch (err) {
    if (!request.overwrite) throw new EnvironmentError((err as Error).message, { cause: err });
    states = [];
  }
  const start = decideRunStart(request, { entries, states });
  if (start.clear) await removeDatasetEntries(request.outDir, entries);
  // Mark the folder as this run's before the browser starts, so a kill from now on leaves a resumable folder.
  await mkdir(join(request.outDir, WORKERS_DIR), { recursive: true });
  return start;
}
