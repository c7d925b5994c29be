/**
 * `run(config, deps)`: the main job, as a recipe (CONTRIBUTING.md, "The flow of one render"):
 *
 *   open the output folder (scale/open-run-dir.ts) → start the renderer → this worker's shards
 *   (scale/worker-run.ts: keep the sealed ones, build the rest) → each sample
 *   (produce-sample.ts: plan, truth, question, render, ground in pixels, images, records) →
 *   shards in index order (shards/shard-writer.ts) → each shard's sidecar → manifest,
 *   dataset_info and card once the folder holds every shard (scale/finalize-dataset.ts)
 *
 * Samples are produced by a bounded set of concurrent workers and handed to the shard writer
 * strictly in index order (run/ordered-pool.ts), so the bytes written never depend on
 * `concurrency` or timing. Each sample is counted once, into its shard (`WorkerRun`), whose
 * totals are the run's.
 *
 * Scale-out and crash safety (`pipeline/scale/`, docs/scale-out.md): a run builds only its
 * worker's shards (`--shard-index/--shard-count`), keeps the shards an earlier attempt sealed
 * (`--resume`), writes a sidecar after each sealed shard, and writes the manifest from the
 * sidecars once the folder holds every shard. On `deps.signal` it takes no new sample, seals
 * nothing partial and rejects with {@link RunInterruptedError}; any other failure rejects with
 * {@link RunFailedError} (sealed shards intact, `--resume` finishes the run).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../config.js';
import { EnvironmentError, RunFailedError, RunInterruptedError } from '../errors.js';
import type { HandoffReport, HandoffSink } from '../handoff/handoff-queue.js';
import type { Logger } from '../logger.js';
import { CAMERA_DEFAULTS } from '../plan/camera-motion.js';
import type { LookConfig } from '../plan/draw-look.js';
import { buildFamilySchedule, mixToCycleWeights, type FamilyWeight } from '../plan/family-schedule.js';
import type { PlanConfig } from '../plan/plan-sample.js';
import { getFamily } from '../questions/index.js';
import type { SampleRecordInput } from '../records/record-input.js';
import { createRunStats, type RunStats } from '../run-stats.js';
import type { WorkerSpec } from '../scale/assign-shards.js';
import { describeRunFailure, isOutputFailure } from '../scale/describe-run-failure.js';
import { findFinishedRun } from '../scale/find-finished-run.js';
import { openRunDir, type RunStart } from '../scale/open-run-dir.js';
import type { ShardSidecar } from '../scale/shard-sidecar.js';
import { WorkerRun } from '../scale/worker-run.js';
import { projectManifestConfig } from '../settings.js';
import { copyManifestConfig, getConfigHash, type ManifestConfig } from '../shards/manifest.js';
import { ShardWriter, type SealedShard } from '../shards/shard-writer.js';
import type { EnvMaps } from '../../assets/env/list-env-maps.js';
import type { AssetLibrary } from '../../assets/library/index-library.js';
import { libraryObjects } from '../../assets/library/library-objects.js';
import { SymmetryLabels } from '../../assets/library/library-symmetry.js';
import { splitSeed } from '../plan/split-seed.js';
import type { Holdout } from '../../assets/library/holdout.js';
import { saveOrDrop } from '../../assets/library/index-library.js';
import type { EnvMapRoutes } from '../../renderers/chromium/page-server.js';
import type { Renderer } from '../../renderers/renderer.js';
import { runOrdered } from './ordered-pool.js';
import { createSampleProducer } from './produce-sample.js';
import { shardOf } from './sample-files.js';

/** The planner's look settings from the run config and the listed `--env` maps (docs/look.md). */
export function getLookConfig(config: RunConfig, envMaps: EnvMapRoutes | undefined): LookConfig {
  if (config.env !== null && envMaps === undefined) throw new Error(`run: "env" is ${config.env} but no environment maps were listed (RunDeps.envMaps)`);
  return { background: config.background, envFiles: config.env === null ? [] : envMaps!.files, envShare: config.envShare, groundShare: config.ground };
}

export interface RunProgress {
  done: number;
  total: number;
  redraws: number;
}

export interface RunDeps {
  /**
   * Starts the renderer. Called after the output folder is checked, so a bad `--out` fails
   * before a browser starts; `run` closes the renderer when it ends.
   */
  createRenderer: () => Promise<Renderer>;
  /** Told which renderer was started (for logs). */
  onRenderer?: (renderer: Renderer) => void;
  logger: Logger;
  /** Versions recorded in the manifest (viewforge, three, node…). */
  versions: Record<string, string>;
  onProgress?: (p: RunProgress) => void;
  /**
   * Hand-off to training (`pipeline/handoff/`): each shard is enqueued as soon as it is sealed,
   * and the run drains the queue before it returns (after a failure too).
   */
  handoff?: HandoffSink;
  /**
   * Stops the run (the CLI aborts it on SIGINT/SIGTERM): no new sample starts, nothing partial is
   * sealed, and `run` rejects with {@link RunInterruptedError}; `--resume` finishes it.
   */
  signal?: AbortSignal;
  /** Test hooks; the CLI sets them only from `VIEWFORGE_TEST_*` environment variables. */
  hooks?: RunHooks;
  /**
   * The indexed asset library, required when `config.assets` is set (index it with
   * `indexLibrary` before creating the renderer: the page server must serve its files).
   */
  library?: AssetLibrary;
  /** The `--env` folder's environment maps (assets/env/list-env-maps.ts); required when `config.env` is set. */
  envMaps?: EnvMaps;
  /** The read `--holdout` file (assets/library/holdout.ts); `library` is then already the split's part of the library. */
  holdout?: Holdout;
}

/** Points where tests stop a run (to kill it there). */
export interface RunHooks {
  /** Awaited before the last record of shard `shard` is appended: its images are on disk, nothing of it is sealed. */
  beforeSeal?(shard: number): Promise<void>;
  /** Awaited after shard `shard`'s files are sealed, before its sidecar is written. */
  beforeSidecar?(shard: number): Promise<void>;
  /** Replaces a sample's record input before its records are built (the nightly pose-corruption test hook). */
  beforeRecords?(input: SampleRecordInput): SampleRecordInput;
}

export interface RunResult {
  outDir: string;
  /** Samples built by this process (kept shards excluded). */
  samples: number;
  /** Shard files (JSONL) sealed by this process. */
  shards: number;
  /** Counters of the samples built by this process (the manifest adds up every shard's). */
  stats: RunStats;
  /** This worker of a split run (`{ index: 0, count: 1 }` on one machine). */
  worker: WorkerSpec;
  /** Shards kept from an earlier attempt (`--resume`). */
  kept: number;
  /** Whether this process wrote `manifest.json` (the folder holds every shard of the run). */
  manifestWritten: boolean;
  /** Shards of the run not in this folder yet (other workers'); empty once complete. */
  missing: number[];
  /** What the hand-off did, when `deps.handoff` was given. */
  handoff?: HandoffReport;
}

/**
 * The `config` block of the manifest (what determines the output bytes) for a run configuration:
 * each setting's manifest projection (pipeline/settings.ts), in the manifest's key order.
 */
export function getManifestConfig(config: RunConfig, library?: AssetLibrary, envMaps?: EnvMaps, holdout?: Holdout): ManifestConfig {
  return copyManifestConfig(projectManifestConfig(config, { library, envMaps, holdout }) as unknown as ManifestConfig);
}

/**
 * The family cycle weights of a run: the mix turned into integers ({@link mixToCycleWeights}),
 * or 1 per family when there is no mix; in `config.families` order.
 */
export function getCycleWeights(config: Pick<RunConfig, 'families' | 'mix'>): FamilyWeight[] {
  const { mix } = config;
  if (mix === null) return config.families.map((family) => ({ family, weight: 1 }));
  return mixToCycleWeights(config.families.map((family) => ({ family, weight: mix[family] })));
}


/** Runs the main job; see the file header. Closes the renderer it starts. */
export async function run(config: RunConfig, deps: RunDeps): Promise<RunResult> {
  const outDir = config.out;
  const worker: WorkerSpec = { index: config.shardIndex, count: config.shardCount };
  const manifestConfig = getManifestConfig(config, deps.library, deps.envMaps, deps.holdout);
  // --- Output folder (fresh, resumed, or shared with sibling workers), then the renderer (both fail early, before any sample)
  const configHash = getConfigHash(manifestConfig);
  const start = await openRunDir({ outDir, worker, configHash, resume: config.resume, overwrite: config.overwrite }, (line) => deps.logger.warn(line));
  try {
    return await runLocked(config, deps, worker, manifestConfig, configHash, start);
  } finally {
    // The folder's lock goes with the run, however it ends (a worker of a split run leaves it to the others while they write).
    await start.lock.release();
  }
}

async function runLocked(config: RunConfig, deps: RunDeps, worker: WorkerSpec, manifestConfig: ManifestConfig, configHash: string, start: RunStart): Promise<RunResult> {
  const outDir = config.out;
  // --- `--resume` on a finished run: every shard sealed and verified, so nothing to build and no browser to start
  if (start.mode === 'resume') {
    const finished = await findFinishedRun({ outDir, worker, configHash, count: config.count, shardSize: config.shardSize });
    if (finished !== null) return finishedRunResult(config, deps, worker, finished);
  }
  const renderer = await deps.createRenderer();
  deps.onRenderer?.(renderer);
  let result: RunResult;
  let handoff: HandoffReport | undefined;
  let work: WorkerRun | undefined;
  try {
    // --- This worker's shards: keep those an earlier attempt sealed, build the rest
    work = await WorkerRun.begin({ outDir, worker, start, config: manifestConfig, versions: deps.versions, renderer: renderer.info, logger: deps.logger });
    result = await produceDataset(config, deps, renderer, work);
  } catch (err) {
    if (err instanceof RunInterruptedError || err instanceof EnvironmentError) throw err;
    // Before any shard work (e.g. the state file could not be written): an output problem is the environment's
    if (work === undefined) throw isOutputFailure(err, outDir) ? new EnvironmentError(describeRunFailure(err, outDir), { cause: err }) : err;
    throw new RunFailedError(describeRunFailure(err, outDir), work.progress, { cause: err });
  } finally {
    await renderer.close();
    // --- Hand-off: wait for the shards still queued (also after a failure: sealed shards are complete)
    handoff = await deps.handoff?.drain();
  }
  return handoff === undefined ? result : { ...result, handoff };
}

/** Queues the JSONL shards of kept shards for the hand-off, when there is one. */
async function handOffKept(deps: RunDeps, kept: readonly ShardSidecar[]): Promise<void> {
  for (const sidecar of kept) {
    for (const f of sidecar.files) if (f.kind === 'sft' || f.kind === 'rl') await deps.handoff?.enqueue(f as SealedShard);
  }
}

/** The result of a `--resume` that found the run finished: its kept shards still go to the hand-off (the ledger skips those acknowledged). */
async function finishedRunResult(config: RunConfig, deps: RunDeps, worker: WorkerSpec, kept: readonly ShardSidecar[]): Promise<RunResult> {
  deps.logger.info(`resume: the run in ${config.out} is complete (${kept.length} shard(s) sealed and verified); nothing to build, so no browser was started`);
  await handOffKept(deps, kept);
  const result: RunResult = { outDir: config.out, samples: 0, shards: 0, stats: createRunStats(), worker, kept: kept.length, manifestWritten: false, missing: [] };
  const handoff = await deps.handoff?.drain();
  return handoff === undefined ? result : { ...result, handoff };
}

async function produceDataset(config: RunConfig, deps: RunDeps, renderer: Renderer, work: WorkerRun): Promise<RunResult> {
  const { logger } = deps;
  const outDir = config.out;
  for (const name of config.families) getFamily(name); // unknown family: fail before any sample
  const planConfig: PlanConfig = {
    // A held-out split draws from its own streams (split-seed.ts); train's are the seed's own.
    seed: splitSeed(config.seed, config.split),
    ...(config.split !== 'train' ? { split: config.split } : {}),
    width: config.size,
    height: config.size,
    schedule: buildFamilySchedule(getCycleWeights(config)),
    camera: { ...CAMERA_DEFAULTS, fovYDeg: config.fov, radiusFactor: config.distance },
    look: getLookConfig(config, deps.envMaps),
    sceneObjects: config.objects,
    sceneMode: config.scene,
    singleViewShare: config.singleViewShare,
    materials: config.materials,
  };
  // --- Asset library: its objects; symmetry labels from the index cache, the rest estimated on a model's first draw
  //     (library-symmetry.ts); a model that fails in the page is quarantined when a sample first draws it
  const quarantined = new Set<string>();
  let labels: SymmetryLabels | undefined;
  if (config.assets !== null) {
    if (deps.library === undefined) throw new Error(`run: "assets" is ${config.assets} but no indexed library was passed (RunDeps.library)`);
    const known = new SymmetryLabels(deps.library.assets.length, renderer, deps.library.cache);
    planConfig.library = libraryObjects(deps.library.assets, (contentHash) => known.symmetryOf(contentHash));
    labels = known;
  }
  const recordCounts = { sft: 0, rl: 0 };
  const writer = new ShardWriter({ outDir, shardSize: config.shardSize, kinds: ['sft', 'rl'], parquet: config.parquet });
  const aborted = () => deps.signal?.aborted === true;
  // --- Hand-off: shards kept from an earlier attempt go too (the ledger skips those already acknowledged)
  await handOffKept(deps, work.kept);
  const produce = createSampleProducer({ config, planConfig, renderer, work, logger, library: deps.library, quarantined, labels, beforeRecords: deps.hooks?.beforeRecords, aborted });
  // New labels go into the index cache however the run ends (a later run or worker takes them without rendering).
  const saveLabels = async () => {
    if (labels === undefined || deps.library === undefined) return;
    logger.info(labels.summary());
    deps.library.cache = await saveOrDrop(deps.library.cache, (message) => logger.warn(message));
  };

  // --- A sealed shard: its sidecar (from now on the shard is done), then the hand-off
  const commit = async (shard: number, sealed: readonly SealedShard[]) => {
    await deps.hooks?.beforeSidecar?.(shard);
    const files = writer.getSealedFiles().filter((f) => f.shard === shard);
    try {
      await work.commitShard(shard, files);
    } catch (err) {
      // Without its sidecar the shard is not done: its files go again (a full disk, say), so no shard file stands without one.
      await Promise.all(files.map((f) => rm(join(outDir, f.path), { force: true }).catch(() => undefined)));
      throw err;
    }
    for (const s of sealed) await deps.handoff?.enqueue(s); // --- Hand-off (waits only when its queue is full)
  };

  // --- Samples in parallel, handed to the writer in index order (positions: this worker's shards to build, WorkerRun.indexAt)
  const outcome = await runOrdered({
    count: work.positions,
    workers: config.concurrency * 2,
    maxAhead: Math.max(4, config.concurrency * 4),
    produce: (position) => produce(work.indexAt(position)),
    consume: async (position, done) => {
      const index = work.indexAt(position);
      const shard = shardOf(index, config.shardSize);
      if (work.isLastOfShard(index)) await deps.hooks?.beforeSeal?.(shard);
      const sealed = await writer.append(index, done.records);
      if (done.records.sft !== undefined) recordCounts.sft++;
      if (done.records.rl !== undefined) recordCounts.rl++;
      work.countSample(index, { images: done.input.images });
      if (sealed.length > 0) await commit(shard, sealed);
      deps.onProgress?.({ done: position + 1, total: work.positions, redraws: work.builtRedraws });
    },
    signal: deps.signal,
  }).finally(saveLabels);
  if (outcome === 'aborted') throw new RunInterruptedError(String(deps.signal!.reason ?? 'aborted'), work.progress);

  // --- Seal the last shard (partial, when this worker owns it) and commit it
  const sealedBefore = writer.getSealedShards().length;
  const shards = await writer.finish();
  const lastSealed = shards.slice(sealedBefore);
  if (lastSealed.length > 0) await commit(lastSealed[0].shard, lastSealed);

  // --- This worker is done; the manifest, dataset_info and card once the folder holds every shard
  const end = await work.complete();
  const stats = work.builtStats;
  logger.info(`run: wrote ${stats.samples} samples (${recordCounts.sft} sft and ${recordCounts.rl} rl records) in ${shards.length} shard file(s) to ${outDir}`);
  return { outDir, samples: stats.samples, shards: shards.length, stats, worker: work.worker, kept: work.kept.length, manifestWritten: end.manifest !== null, missing: end.missing };
}
