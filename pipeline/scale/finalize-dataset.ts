/**
 * `finalizeDataset(input)`: writes the files that make a folder of sealed shards a data set —
 * `dataset_info.json`, the dataset card `README.md` with its plots `plots/*.svg`, then `manifest.json` last (its presence says
 * "complete") — from the shard sidecars alone. The one-machine run, the last worker of a split run in a shared folder and
 * `merge` all call it with the same sidecars, so they write the same bytes.
 *
 * Stats and counts are added up from the sidecars ({@link mergeRunStats}), never from what this
 * process happened to render, so shards kept by `--resume` or built by other machines count the
 * same as shards built here.
 * `stats.distributions` (histograms, letters, image sizes) is counted from the sealed JSONL
 * records themselves ({@link readDatasetStats}), with the same effect.
 *
 * In a folder shared by n workers, only the worker that takes the finalize lock
 * (`.viewforge/finalize.lock`, created exclusively) writes these files, so two workers never
 * write the same file ({@link claimFinalize}).
 */
import { open, readFile, readdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { writeDatasetCard } from '../card/dataset-card.js';
import { createRunStats, mergeRunStats, sortedStats } from '../run-stats.js';
import { writeDatasetInfo } from '../shards/dataset-info.js';
import type { DatasetStats } from '../stats/dataset-stats.js';
import { BlindPriorCollector } from '../stats/blind-prior.js';
import { prepareCardSections } from '../stats/prepare-card-sections.js';
import { readDatasetStats } from '../stats/read-dataset-stats.js';
import { buildManifest, MANIFEST_FILE, writeManifest, type Manifest, type ManifestConfig, type ManifestRendererInput } from '../shards/manifest.js';
import { getWorkerLabel, type WorkerSpec } from './assign-shards.js';
import { readShardSidecar, STATE_DIR, type ShardSidecar } from './shard-sidecar.js';

const NAME = 'finalizeDataset';

/** The finalize lock, relative to the output root. */
export const FINALIZE_LOCK = posix.join(STATE_DIR, 'finalize.lock');

export interface FinalizeInput {
  outDir: string;
  config: ManifestConfig;
  versions: Readonly<Record<string, string>>;
  renderer: ManifestRendererInput;
  /** One sidecar per shard of the run, every shard present. */
  sidecars: readonly ShardSidecar[];
}

/**
 * Builds the manifest from the sidecars (pure).
 * @throws Error when a shard is missing or listed twice, or from {@link buildManifest}.
 */
export function buildManifestFromSidecars(input: Omit<FinalizeInput, 'outDir'>, distributions?: DatasetStats): Manifest {
  const total = Math.ceil(input.config.count / input.config.shard_size);
  const sidecars = [...input.sidecars].sort((a, b) => a.shard - b.shard);
  const numbers = sidecars.map((s) => s.shard);
  if (numbers.length !== total || numbers.some((n, i) => n !== i)) {
    throw new Error(`${NAME}: expected shards 0…${total - 1} once each, got ${numbers.join(', ') || 'none'}`);
  }
  const stats = sidecars.reduce((acc, s) => mergeRunStats(acc, s.stats), createRunStats());
  const files = sidecars.flatMap((s) => s.files);
  const records = (kind: string) => files.filter((f) => f.kind === kind).reduce((n, f) => n + f.records, 0);
  return buildManifest({
    config: input.config,
    versions: input.versions,
    renderer: input.renderer,
    shards: files,
    stats: distributions === undefined ? sortedStats(stats) : { ...sortedStats(stats), distributions }, // distributions: counted from the records
    counts: {
      samples: stats.samples,
      sft_records: records('sft'),
      rl_records: records('rl'),
      images: sidecars.reduce((n, s) => n + s.images.length, 0),
    },
  });
}

/**
 * Writes `dataset_info.json`, `README.md` and then `manifest.json` (see the file header); stale
 * temporary files of these are removed first. Resolves to the manifest written.
 */
export async function finalizeDataset(input: FinalizeInput): Promise<Manifest> {
  // One pass over the records: the stats of the manifest, and the blind prior of the card.
  const blind = new BlindPriorCollector();
  const distributions = await readDatasetStats(input.outDir, input.sidecars.flatMap((s) => s.files), (meta) => blind.add(meta)); // pipeline/stats/
  const manifest = buildManifestFromSidecars(input, distributions);
  for (const name of await readdir(input.outDir)) {
    if (/^(manifest\.json|dataset_info\.json|README\.md)\.tmp-/.test(name)) await rm(join(input.outDir, name), { force: true });
  }
  await writeDatasetInfo(input.outDir, input.config.dataset_name);
  await writeDatasetCard(input.outDir, manifest, { sections: await prepareCardSections(input.outDir, manifest, blind.measure()) }); // plots/*.svg; README.md: dataset card (configs for `datasets`)
  await writeManifest(input.outDir, manifest);
  return manifest;
}

/**
 * Reads the sidecars of shards `0 … total − 1` (parsed, not re-hashed). Resolves to those found
 * for this configuration and the shard numbers still missing.
 * @throws Error naming a damaged sidecar.
 */
export async function collectSidecars(outDir: string, total: number, configHash: string): Promise<{ sidecars: ShardSidecar[]; missing: number[] }> {
  const sidecars: ShardSidecar[] = [];
  const missing: number[] = [];
  for (let shard = 0; shard < total; shard++) {
    const found = await readShardSidecar(outDir, shard);
    if (found.sidecar && found.sidecar.config_hash === configHash) sidecars.push(found.sidecar);
    else if (found.problem) throw new Error(`${NAME}: ${found.problem}`);
    else missing.push(shard);
  }
  return { sidecars, missing };
}

/**
 * Takes the finalize lock of a shared folder for `worker`: resolves to true when this worker
 * created it (and must finalize), false when another worker holds it.
 */
export async function claimFinalize(outDir: string, worker: WorkerSpec): Promise<boolean> {
  try {
    const fh = await open(join(outDir, FINALIZE_LOCK), 'wx');
    await fh.writeFile(`${getWorkerLabel(worker)}\n`);
    await fh.sync();
    await fh.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Removes the finalize lock when `worker` holds it (a worker that died while finalizing, now
 * resumed). A lock held by another worker stays.
 */
export async function releaseStaleFinalize(outDir: string, worker: WorkerSpec): Promise<void> {
  let holder: string;
  try {
    holder = (await readFile(join(outDir, FINALIZE_LOCK), 'utf8')).trim();
  } catch {
    return;
  }
  if (holder === getWorkerLabel(worker)) await rm(join(outDir, FINALIZE_LOCK), { force: true });
}

/** Whether `manifest.json` exists in `outDir`. */
export async function hasManifest(outDir: string): Promise<boolean> {
  try {
    await (await open(join(outDir, MANIFEST_FILE), 'r')).close();
    return true;
  } catch {
    return false;
  }
}
