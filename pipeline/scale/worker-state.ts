/**
 * Worker state files, `<out>/.viewforge/workers/worker-IIIII-of-NNNNN.json`: which run wrote into
 * this folder (its manifest config and config hash), with which software (versions, renderer),
 * as which worker of how many, and whether it finished. One file per worker, written only by
 * that worker, so n workers sharing one folder never write the same file.
 *
 * `--resume` needs one of these (with the same config hash) to know that the folder holds this
 * run; `merge` reads them to write the manifest's `config`, `versions` and `renderer` blocks
 * without a browser. Which shards are done is not recorded here but in the shard sidecars
 * (`shard-sidecar.ts`), each written right after its shard is sealed.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ManifestConfig, ManifestRendererInput } from '../shards/manifest.js';
import { writeFileAtomic } from '../shards/seal-file.js';
import { getWorkerLabel, type WorkerSpec } from './assign-shards.js';
import { STATE_DIR } from './shard-sidecar.js';

const NAME = 'workerState';

/** Folder of the worker state files, relative to the output root. */
export const WORKERS_DIR = posix.join(STATE_DIR, 'workers');

/** One worker state file. */
export interface WorkerState {
  format_version: 1;
  worker: WorkerSpec;
  /** `running` from the start; `complete` once every shard of this worker is sealed. */
  status: 'running' | 'complete';
  config: ManifestConfig;
  config_hash: string;
  /** Versions written into the manifest (sorted keys). */
  versions: Record<string, string>;
  renderer: ManifestRendererInput;
}

/** A state file as found on disk. */
export interface FoundWorkerState {
  /** Path relative to the output root. */
  path: string;
  state: WorkerState;
}

/** Path of a worker's state file relative to the output root. */
export function getWorkerStatePath(worker: WorkerSpec): string {
  return posix.join(WORKERS_DIR, `${getWorkerLabel(worker)}.json`);
}

function isWorkerState(v: unknown): v is WorkerState {
  const s = v as WorkerState;
  return (
    typeof s === 'object' && s !== null && s.format_version === 1 &&
    typeof s.worker?.index === 'number' && typeof s.worker?.count === 'number' &&
    (s.status === 'running' || s.status === 'complete') &&
    typeof s.config === 'object' && s.config !== null && typeof s.config_hash === 'string' &&
    typeof s.versions === 'object' && s.versions !== null &&
    typeof s.renderer?.name === 'string' && typeof s.renderer?.browserVersion === 'string' && typeof s.renderer?.glRenderer === 'string'
  );
}

/**
 * Reads every worker state file of an output folder (none when there is no `.viewforge/`).
 * @throws Error naming the file when one is not a worker state (e.g. edited by hand).
 */
export async function readWorkerStates(outDir: string): Promise<FoundWorkerState[]> {
  let names: string[];
  try {
    names = await readdir(join(outDir, WORKERS_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
  const found: FoundWorkerState[] = [];
  for (const name of names.filter((n) => /^worker-\d+-of-\d+\.json$/.test(n)).sort()) {
    const path = posix.join(WORKERS_DIR, name);
    let value: unknown;
    try {
      value = JSON.parse(await readFile(join(outDir, path), 'utf8'));
    } catch (err) {
      throw new Error(`${NAME}: "${join(outDir, path)}" cannot be read: ${(err as Error).message}; move it aside or use --overwrite`, { cause: err });
    }
    if (!isWorkerState(value)) throw new Error(`${NAME}: "${join(outDir, path)}" is not a viewforge worker state; move it aside or use --overwrite`);
    found.push({ path, state: value });
  }
  return found;
}

/** Writes (or replaces) this worker's state file atomically. */
export async function writeWorkerState(outDir: string, state: WorkerState): Promise<void> {
  await mkdir(join(outDir, WORKERS_DIR), { recursive: true });
  await writeFileAtomic(join(outDir, getWorkerStatePath(state.worker)), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Compares the software stack of earlier workers of the same run with this one. A resumed or
 * sibling worker on another renderer or library version would make images whose bytes differ,
 * and the manifest could not name one stack; resolves to a message for the first difference, or
 * null.
 */
export function findStackMismatch(
  states: readonly FoundWorkerState[],
  versions: Readonly<Record<string, string>>,
  renderer: ManifestRendererInput,
): string | null {
  const mine = JSON.stringify(Object.fromEntries(Object.entries(versions).sort()));
  for (const { path, state } of states) {
    const r = state.renderer;
    if (r.name !== renderer.name || r.browserVersion !== renderer.browserVersion || r.glRenderer !== renderer.glRenderer) {
      return `${path} was written with renderer ${r.name} / ${r.browserVersion} / ${r.glRenderer}, this process runs ${renderer.name} / ${renderer.browserVersion} / ${renderer.glRenderer}`;
    }
    const theirs = JSON.stringify(Object.fromEntries(Object.entries(state.versions).sort()));
    if (theirs !== mine) return `${path} was written with versions ${theirs}, this process has ${mine}`;
  }
  return null;
}
