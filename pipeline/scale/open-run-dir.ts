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
 */
import { mkdir } from 'node:fs/promises';
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

const short = (hash: string) => `${hash.slice(0, 12)}…`;

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
      throw new EnvironmentError(
        `resume: "${outDir}" holds a run with another configuration (${other[0].path}: config hash ${short(other[0].state.config_hash)}, this run ${short(configHash)}); ` +
          'rerun with exactly the flags of that run (seed, count, size, format, shard size, families…), or pass --overwrite to replace it.',
      );
    }
    if (same.length > 0) return { mode: 'resume', clear: false, states: same };
    if (skeleton && contents.entries.length > 0) return { mode: 'resume', clear: false, states: [] };
    if (resume === true) {
      throw new EnvironmentError(
        `resume: "${outDir}" holds no earlier run to resume (no ${'.viewforge/workers/'}*.json); run without --resume to start one.`,
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
 * Checks that `outDir` is writable, reads what it holds, decides how to start
 * ({@link decideRunStart}) and, for `--overwrite`, removes the old dataset.
 * @throws EnvironmentError (unwritable folder, or a start the table refuses).
 */
export async function openRunDir(request: RunStartRequest): Promise<RunStart> {
  await checkWritable(request.outDir);
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
