/**
 * `mergeOutputs(options)`: combines the output folders of the n workers of a split run
 * (`render --shard-index i --shard-count n`) into one data set, byte-identical to what one
 * machine would have written (`npm run merge -- <out-dirs…> --into <dir>`).
 *
 * Steps:
 * 1. Read each input's worker state files: every input must come from the same configuration
 *    (config hash) and the same software stack (versions, renderer).
 * 2. Collect the shard sidecars: a shard found in two inputs (overlap) or in none (gap) is refused,
 *    naming the shards; every sealed file and image is checked against its sidecar (sha256, size).
 * 3. Hard-link (or copy, across file systems) every shard file and image into `--into`, then the
 *    sidecar, then the worker state files: `--into` is itself a resumable, mergeable folder.
 * 4. Write `dataset_info.json` and `manifest.json` from the sidecars ({@link finalizeDataset}).
 *
 * `--into` may be one of the inputs (workers that wrote into one shared folder: nothing to copy
 * for that one). Another `--into` that already holds a dataset is refused unless `overwrite`.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { checkWritable, listDatasetEntries, removeDatasetEntries } from './prepare-out-dir.js';
import type { Manifest } from '../shards/manifest.js';
import { formatShardList, getShardTotal } from './assign-shards.js';
import { finalizeDataset } from './finalize-dataset.js';
import { linkOrCopy, type Transfer } from './link-or-copy.js';
import { checkShardSidecar, getSidecarPath, readShardSidecar, SIDECAR_DIR, type ShardSidecar } from './shard-sidecar.js';
import { findStackMismatch, readWorkerStates, type FoundWorkerState } from './worker-state.js';

const NAME = 'merge';

export interface MergeOptions {
  /** Worker output folders (duplicates are ignored). */
  inputs: readonly string[];
  /** Folder of the merged data set; may be one of the inputs. */
  into: string;
  /** Replace a dataset already in `into` (when `into` is not an input). @default false */
  overwrite?: boolean;
  logger: Logger;
}

export interface MergeResult {
  manifest: Manifest;
  /** Shards in the merged data set. */
  shards: number;
  /** Files hard-linked, copied, or already in place. */
  transfers: Record<Transfer, number>;
}

interface Input {
  dir: string;
  states: FoundWorkerState[];
  sidecars: ShardSidecar[];
}

async function readInput(dir: string): Promise<Input> {
  let states: FoundWorkerState[];
  try {
    states = await readWorkerStates(dir);
  } catch (err) {
    throw new EnvironmentError(`${NAME}: ${(err as Error).message}`, { cause: err });
  }
  if (states.length === 0) {
    throw new EnvironmentError(`${NAME}: "${dir}" holds no viewforge run (no .viewforge/workers/*.json); pass the --out folders of the render workers`);
  }
  let names: string[] = [];
  try {
    names = await readdir(join(dir, SIDECAR_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const sidecars: ShardSidecar[] = [];
  for (const name of names.sort()) {
    const m = /^shard-(\d+)\.json$/.exec(name);
    if (!m) continue;
    const found = await readShardSidecar(dir, Number(m[1]));
    if (!found.sidecar) throw new EnvironmentError(`${NAME}: "${dir}": ${found.problem}; rerun that worker with --resume`);
    sidecars.push(found.sidecar);
  }
  return { dir, states, sidecars };
}

/** Merges worker folders; see the file header. @throws EnvironmentError naming what does not fit and the fix. */
export async function mergeOutputs(options: MergeOptions): Promise<MergeResult> {
  const { logger } = options;
  const into = resolve(options.into);
  const dirs = [...new Set(options.inputs.map((d) => resolve(d)))];
  if (dirs.length === 0) throw new EnvironmentError(`${NAME}: no input folders; usage: merge <out-dirs…> --into <dir>`);

  // --- Read every input; one configuration, one software stack
  const inputs: Input[] = [];
  for (const dir of dirs) inputs.push(await readInput(dir));
  const allStates = inputs.flatMap((i) => i.states.map((s) => ({ ...s, path: join(i.dir, s.path) })));
  const first = allStates[0].state;
  const otherConfig = allStates.find((s) => s.state.config_hash !== first.config_hash);
  if (otherConfig) {
    throw new EnvironmentError(
      `${NAME}: the inputs come from different configurations: ${allStates[0].path} has config hash ${first.config_hash.slice(0, 12)}…, ${otherConfig.path} has ${otherConfig.state.config_hash.slice(0, 12)}…; merge only the workers of one run`,
    );
  }
  const mismatch = findStackMismatch(allStates.slice(1), first.versions, first.renderer);
  if (mismatch !== null) {
    throw new EnvironmentError(`${NAME}: the workers ran different software stacks, so their images are not comparable: ${mismatch} (compared with ${allStates[0].path}); rerun the odd workers on the same image and node type`);
  }

  // --- Every shard exactly once
  const total = getShardTotal(first.config.count, first.config.shard_size);
  const owner = new Map<number, Input>();
  const overlaps: string[] = [];
  for (const input of inputs) {
    for (const s of input.sidecars) {
      if (s.shard >= total) throw new EnvironmentError(`${NAME}: "${input.dir}" has shard ${s.shard}, but the run has shards 0…${total - 1}`);
      const other = owner.get(s.shard);
      if (other) overlaps.push(`shard ${s.shard} is in both "${other.dir}" and "${input.dir}"`);
      else owner.set(s.shard, input);
    }
  }
  if (overlaps.length > 0) throw new EnvironmentError(`${NAME}: overlapping inputs: ${overlaps.join('; ')}; pass each worker's folder once, from one split`);
  const missing = Array.from({ length: total }, (_, s) => s).filter((s) => !owner.has(s));
  if (missing.length > 0) {
    throw new EnvironmentError(
      `${NAME}: shard(s) ${formatShardList(missing)} of 0…${total - 1} are in none of the inputs; finish the workers that own them (rerun with --resume) or add their folders`,
    );
  }

  // --- Check what each sidecar lists
  const damaged: string[] = [];
  for (let shard = 0; shard < total; shard++) {
    const input = owner.get(shard)!;
    const sidecar = input.sidecars.find((s) => s.shard === shard)!;
    const problems = await checkShardSidecar(input.dir, sidecar, { configHash: first.config_hash });
    if (problems.length > 0) damaged.push(`"${input.dir}" shard ${shard}: ${problems.slice(0, 3).join('; ')}`);
  }
  if (damaged.length > 0) throw new EnvironmentError(`${NAME}: damaged shards (rerun their workers with --resume): ${damaged.join(' | ')}`);

  // --- Transfer into the merged folder
  const intoIsInput = dirs.includes(into);
  if (!intoIsInput) {
    await checkWritable(into);
    const entries = await listDatasetEntries(into);
    if (entries.length > 0) {
      if (!options.overwrite) throw new EnvironmentError(`${NAME}: --into "${into}" already holds a dataset (${entries.join(', ')}); pass --overwrite to replace it, or choose another folder`);
      await removeDatasetEntries(into, entries);
    }
  }
  const transfers: Record<Transfer, number> = { linked: 0, copied: 0, present: 0 };
  const put = async (dir: string, rel: string) => {
    transfers[await linkOrCopy(join(dir, rel), join(into, rel))] += 1;
  };
  for (let shard = 0; shard < total; shard++) {
    const input = owner.get(shard)!;
    if (input.dir === into) continue;
    const sidecar = input.sidecars.find((s) => s.shard === shard)!;
    for (const img of sidecar.images) await put(input.dir, img.path);
    for (const f of sidecar.files) await put(input.dir, f.path);
    await put(input.dir, getSidecarPath(shard));
  }
  for (const input of inputs) {
    if (input.dir !== into) for (const s of input.states) await put(input.dir, s.path);
  }
  logger.info(`${NAME}: ${transfers.linked} file(s) hard-linked, ${transfers.copied} copied, ${transfers.present} already in place`);

  // --- Manifest and dataset_info from the sidecars
  const manifest = await finalizeDataset({
    outDir: into,
    config: first.config,
    versions: first.versions,
    renderer: first.renderer,
    sidecars: [...owner.entries()].map(([shard, input]) => input.sidecars.find((s) => s.shard === shard)!),
  });
  return { manifest, shards: total, transfers };
}
