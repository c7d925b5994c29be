/**
 * `run(config, deps)`: the main job. Reads as a recipe (CONTRIBUTING.md, Style):
 *
 *   plan (pure, seeded) → ground truth (pure) → question (pure) → render (browser; the ID pass
 *   cross-checks the parts a question names, a disagreement re-draws) → encode + write images (disk) → records (pure, ajv-validated) → shards in index order (disk)
 *   → shard sidecar (disk) → manifest + dataset_info (disk)
 *
 * Samples are produced by a bounded set of concurrent workers and handed to the shard writer
 * strictly in index order, so the bytes written never depend on `concurrency` or timing.
 *
 * Scale-out and crash safety (`pipeline/scale/`, docs/scale-out.md): a run builds only its
 * worker's shards (`--shard-index/--shard-count`), keeps the shards an earlier attempt sealed
 * (`--resume`), writes a sidecar after each sealed shard, and writes the manifest from the
 * sidecars once the folder holds every shard. On `deps.signal` it takes no new sample, seals
 * nothing partial and rejects with {@link RunInterruptedError}; any other failure rejects with
 * {@link RunFailedError} (sealed shards intact, `--resume` finishes the run).
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../config.js';
import { projectManifestConfig } from '../settings.js';
import { EnvironmentError, RunFailedError, RunInterruptedError } from '../errors.js';
import { computeGroundTruth } from '../geometry/ground-truth.js';
import type { HandoffReport, HandoffSink } from '../handoff/handoff-queue.js';
import type { Logger } from '../logger.js';
import { answerClassOfDraw, answerSlot, buildFamilySchedule, mixToCycleWeights, type FamilyWeight } from '../plan/family-schedule.js';
import { planSample, type PlanConfig } from '../plan/plan-sample.js';
import type { SamplePlan } from '../sample-plan.js';
import { getFamily } from '../questions/index.js';
import type { BuiltQuestion } from '../questions/question-family.js';
import type { ImageInfo, SampleRecordInput } from '../records/record-input.js';
import { buildRlRecord } from '../records/rl-record.js';
import { buildSftRecord } from '../records/sft-record.js';
import { sampleRng } from '../rng.js';
import { countRedraw, countSample, countSkipped, createRunStats, type RunStats } from '../run-stats.js';
import type { WorkerSpec } from '../scale/assign-shards.js';
import { describeRunFailure, isOutputFailure } from '../scale/describe-run-failure.js';
import { findFinishedRun } from '../scale/find-finished-run.js';
import type { ShardSidecar } from '../scale/shard-sidecar.js';
import { openRunDir } from '../scale/open-run-dir.js';
import { WorkerRun } from '../scale/worker-run.js';
import { copyManifestConfig, getConfigHash, type ManifestConfig } from '../shards/manifest.js';
import { ShardWriter, type SealedShard, type ShardRecords } from '../shards/shard-writer.js';
import type { GroundTruth, RawImage } from '../types.js';
import type { AssetLibrary } from '../../assets/library/index-library.js';
import { toLibraryObject } from '../../assets/library/library-objects.js';
import { withSymmetry } from '../../assets/library/library-symmetry.js';
import { checkSymmetryAmbiguity } from '../questions/symmetry-ambiguity.js';
import type { Renderer, RenderOptions } from '../../renderers/renderer.js';
import type { EnvMapRoutes } from '../../renderers/chromium/page-server.js';
import type { EnvMaps } from '../../assets/env/list-env-maps.js';
import { CAMERA_DEFAULTS } from '../plan/camera-motion.js';
import type { LookConfig } from '../plan/draw-look.js';
import { ENCODE_DEFAULTS, PAGE_ENCODED_FORMATS, encodeDepth, encodeImage, encodeMask } from '../../renderers/encode-image.js';
import { BLANK_VIEW, groundInPixels } from './check-visibility.js';
import { writeImageFile } from './write-image.js';

/** The planner's look settings from the run config and the listed `--env` maps (docs/look.md). */
export function getLookConfig(config: RunConfig, envMaps: EnvMapRoutes | undefined): LookConfig {
  if (config.env !== null && envMaps === undefined) throw new Error(`run: "env" is ${config.env} but no environment maps were listed (RunDeps.envMaps)`);
  return { background: config.background, envFiles: config.env === null ? [] : envMaps!.files, envShare: config.envShare, groundShare: config.ground };
}

/** Re-draw reason when a sample's library asset failed to load or render (the asset is quarantined for the rest of the run). */
export const ASSET_FAILED = 'asset-render-failed';

/** A sample whose plan could not be made unambiguous within this many draws fails the run. */
export const MAX_ATTEMPTS = 128;

/**
 * Draws of a sample on which a family may thin the samples it could ask about (the `accept`
 * stream given to `applies`: `relative-depth`'s pair balance keeps about 1 in 4); later draws
 * take what comes, so the thinning never makes a sample fail (it keeps 1 in 11 draws of
 * `relative-depth`, and reaches this many draws for about 0.3 % of its samples).
 */
export const BALANCE_KEPT_DRAWS = 64;

const EXTENSIONS: Record<RunConfig['format'], string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

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
export function getManifestConfig(config: RunConfig, library?: AssetLibrary, envMaps?: EnvMaps): ManifestConfig {
  return copyManifestConfig(projectManifestConfig(config, { library, envMaps }) as unknown as ManifestConfig);
}

/** Shard number of a global index. */
export function shardOf(index: number, shardSize: number): number {
  return Math.floor(index / shardSize);
}

/** Relative image path of view `view` ('a' | 'b') of a sample. */
export function imagePath(plan: SamplePlan, shardSize: number, view: 'a' | 'b', format: RunConfig['format']): string {
  return `images/${String(shardOf(plan.index, shardSize)).padStart(5, '0')}/${plan.id}_${view}.${EXTENSIONS[format]}`;
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

/**
 * Which record kinds a sample of `family` is written to: its family's stage (`stages: 'family'`)
 * or both (`stages: 'both'`).
 */
export function getRecordKinds(family: string, stages: RunConfig['stages']): ('sft' | 'rl')[] {
  return stages === 'both' ? ['sft', 'rl'] : [getFamily(family).stage];
}

/**
 * Asks the question of `plan`'s family about `truth` (the ray-cast truth while planning, the
 * truth grounded in the ID pass after rendering): whether the family applies (with the draw's own
 * `accept` stream for the first {@link BALANCE_KEPT_DRAWS} draws), then its question
 * with the sample's balanced answer slot and its own `question` stream, so asking twice of the
 * same truth gives the same question. Pure.
 */
export function askQuestion(plan: SamplePlan, truth: GroundTruth): { ok: true; question: BuiltQuestion } | { ok: false; reason: string } {
  const family = getFamily(plan.family);
  const cls = answerClassOfDraw(plan.seed, plan.family, plan.familyIndex, family.answerClasses ?? 1, plan.index, plan.attempt);
  const draw = plan.attempt < BALANCE_KEPT_DRAWS ? sampleRng(plan.seed, 'accept', plan.index, plan.attempt) : undefined;
  const verdict = family.applies(truth, cls, draw);
  if (!verdict.ok) return verdict;
  const slot = answerSlot(plan.seed, plan.family, plan.familyIndex, family.optionCount);
  return { ok: true, question: family.build(truth, sampleRng(plan.seed, 'question', plan.index, plan.attempt), slot, cls) };
}

/**
 * Plans sample `index`, re-drawing until its family can ask an unambiguous question. Starts at
 * draw `firstAttempt` (> 0 after the renderer rejected an earlier draw, see
 * {@link findVisibilityDisagreement}).
 */
export function resolveSample(
  planConfig: PlanConfig,
  index: number,
  onRedraw: (family: string, reason: string) => void,
  firstAttempt = 0,
  quarantined?: ReadonlySet<string>,
): { plan: SamplePlan; truth: GroundTruth; question: BuiltQuestion } {
  let symmetricDraws = 0;
  for (let attempt = firstAttempt; attempt < MAX_ATTEMPTS; attempt++) {
    const plan = planSample(planConfig, index, attempt);
    // A library asset that failed to render earlier in this run is re-drawn without rendering it again
    // (same reason as a fresh failure, so the counts do not depend on which sample met it first).
    if (plan.asset.source === 'library' && quarantined?.has(plan.asset.contentHash) === true) {
      onRedraw(plan.family, ASSET_FAILED);
      continue;
    }
    const truth = computeGroundTruth(plan);
    // A turn the object's symmetry hides is re-drawn first (pipeline/questions/symmetry-ambiguity.ts; a no-op for 'none').
    const symmetric = checkSymmetryAmbiguity(getFamily(plan.family), truth);
    const asked = !symmetric.ok ? symmetric : askQuestion(plan, truth);
    if (!asked.ok) {
      if (!symmetric.ok) symmetricDraws += 1;
      onRedraw(plan.family, asked.reason);
      continue;
    }
    return { plan, truth, question: asked.question };
  }
  if (symmetricDraws === MAX_ATTEMPTS - firstAttempt) {
    throw new Error(
      `plan: sample ${index} stayed ambiguous after ${MAX_ATTEMPTS} draws: every draw showed an object whose symmetry hides the turn its family asks about (docs/look.md#symmetry); leave the rotation families out or add asymmetric models`,
    );
  }
  throw new Error(`plan: sample ${index} stayed ambiguous after ${MAX_ATTEMPTS} draws; the camera ranges cannot serve its family`);
}

/** Path of a pass image beside the colour image `path`: `…/<id>_a.mask.png`, `…/<id>_a.depth.png`. */
export function passPath(path: string, pass: 'mask' | 'depth'): string {
  return path.replace(/\.[a-z]+$/, `.${pass}.png`);
}

async function writeAndHash(outDir: string, path: string, data: Buffer): Promise<{ path: string; sha256: string }> {
  await writeImageFile(join(outDir, path), data);
  return { path, sha256: createHash('sha256').update(data).digest('hex') };
}

async function encodeAndWrite(outDir: string, path: string, raw: RawImage, format: RunConfig['format']): Promise<ImageInfo> {
  // The Chromium renderer encodes in the page (RenderOptions.encode); a renderer that returns RGBA is encoded here with sharp.
  const data = raw.encoded !== undefined ? Buffer.from(raw.encoded.buffer, raw.encoded.byteOffset, raw.encoded.byteLength) : await encodeImage(raw, format);
  const [image, mask, depth] = await Promise.all([
    writeAndHash(outDir, path, data),
    raw.mask === undefined ? null : encodeMask(raw.mask, raw.width, raw.height).then((png) => writeAndHash(outDir, passPath(path, 'mask'), png)),
    raw.depth === undefined ? null : encodeDepth(raw.depth, raw.width, raw.height).then((png) => writeAndHash(outDir, passPath(path, 'depth'), png)),
  ]);
  return { path, sha256: image.sha256, width: raw.width, height: raw.height, format, bytes: data.length, mask, depth };
}

/** Runs the main job; see the file header. Closes the renderer it starts. */
export async function run(config: RunConfig, deps: RunDeps): Promise<RunResult> {
  const outDir = config.out;
  const worker: WorkerSpec = { index: config.shardIndex, count: config.shardCount };
  const manifestConfig = getManifestConfig(config, deps.library, deps.envMaps);
  // --- Output folder (fresh, resumed, or shared with sibling workers), then the renderer (both fail early, before any sample)
  const configHash = getConfigHash(manifestConfig);
  const start = await openRunDir({ outDir, worker, configHash, resume: config.resume, overwrite: config.overwrite });
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
    seed: config.seed,
    width: config.size,
    height: config.size,
    schedule: buildFamilySchedule(getCycleWeights(config)),
    camera: { ...CAMERA_DEFAULTS, fovYDeg: config.fov, radiusFactor: config.distance },
    look: getLookConfig(config, deps.envMaps),
  };
  // --- Asset library: its objects (symmetry from the estimator when there is one); assets that fail in the page are quarantined
  const quarantined = new Set<string>();
  if (config.assets !== null) {
    if (deps.library === undefined) throw new Error(`run: "assets" is ${config.assets} but no indexed library was passed (RunDeps.library)`);
    const { objects, failed } = await withSymmetry(deps.library.assets.map((a) => toLibraryObject(a, 'none')), renderer, (text) => logger.info(text));
    planConfig.library = objects;
    for (const { object, message } of failed) {
      quarantined.add(object.contentHash);
      logger.warn(`assets: skipped "${object.path}" for the rest of the run (render-failed): ${message}`);
    }
    if (failed.length > 0 && failed.length === objects.length) throw new Error(`assets: every library model failed to render (last: "${failed[failed.length - 1].object.path}": ${failed[failed.length - 1].message})`);
  }
  const stats = createRunStats();
  const recordCounts = { sft: 0, rl: 0 };
  const writer = new ShardWriter({ outDir, shardSize: config.shardSize, kinds: ['sft', 'rl'], parquet: config.parquet });
  const madeDirs = new Set<number>();
  const aborted = () => deps.signal?.aborted === true;
  // --- Hand-off: shards kept from an earlier attempt go too (the ledger skips those already acknowledged)
  await handOffKept(deps, work.kept);

  // --- One sample, start to finish (everything but the ordered hand-over to the writer)
  const produce = async (index: number) => {
    const onRedraw = (family: string, reason: string) => {
      countRedraw(stats, family, reason);
      work.countRedraw(index, family, reason);
    };
    // --- Library files skipped while indexing: counted once per run, with sample 0 (whichever worker builds it)
    if (index === 0 && deps.library !== undefined && config.assets !== null) {
      for (const skipped of deps.library.skipped) {
        countSkipped(stats, skipped.reason);
        work.countSkipped(0, skipped.reason);
      }
    }
    const shard = shardOf(index, config.shardSize);
    if (!madeDirs.has(shard)) {
      await mkdir(join(outDir, 'images', String(shard).padStart(5, '0')), { recursive: true });
      madeDirs.add(shard);
    }
    // --- Plan (the ray cast is the prior), render both views with their ID passes, ground the truth in those pixels
    //     and ask the question of the grounded truth; a render that breaks a grounding rule, or whose grounded
    //     truth the family cannot ask about, is re-drawn (check-visibility.ts)
    let { plan, truth, question } = resolveSample(planConfig, index, onRedraw, 0, quarantined);
    const quarantine = (message: string, cause?: unknown) => {
      const { object } = plan.job;
      const path = object.kind === 'library' ? object.path : object.name; // only library assets are quarantined
      if (!quarantined.has(plan.asset.contentHash)) {
        quarantined.add(plan.asset.contentHash);
        logger.warn(`assets: skipped "${path}" for the rest of the run (render-failed): ${message}`);
      }
      if (quarantined.size >= (planConfig.library?.length ?? 0)) {
        throw new Error(`assets: every library model failed to render (last: "${path}": ${message})`, { cause });
      }
    };
    const redraw = () => ({ plan, truth, question } = resolveSample(planConfig, index, onRedraw, plan.attempt + 1, quarantined));
    const renderOptions: RenderOptions = {
      idPass: [true, true],
      passes: { mask: config.passes.includes('mask'), depth: config.passes.includes('depth') },
      ...(PAGE_ENCODED_FORMATS.includes(config.format) ? { encode: { format: config.format, quality: ENCODE_DEFAULTS.quality } } : {}),
    };
    // A library asset that fails in the page (load error, crash or hang past the renderer's retries) is quarantined and the sample re-drawn.
    const renderPlan = async (): Promise<[RawImage, RawImage]> => {
      for (;;) {
        if (plan.job.object.kind !== 'library') return renderer.render(plan.job, renderOptions);
        try {
          return await renderer.render(plan.job, renderOptions);
        } catch (err) {
          if (aborted()) throw err;
          quarantine((err as Error).message, err);
          onRedraw(plan.family, ASSET_FAILED);
          redraw();
        }
      }
    };
    let rawA: RawImage;
    let rawB: RawImage;
    for (;;) {
      [rawA, rawB] = await renderPlan();
      const grounded = groundInPixels(truth, [rawA, rawB]);
      if (!grounded.ok) {
        logger.warn(`run: sample ${index} (${plan.id}, draw ${plan.attempt}): ${grounded.message}; re-drawing`);
        // An empty render of a library model is a broken model: quarantined like one that fails to load.
        if (grounded.reason === BLANK_VIEW && plan.job.object.kind === 'library') {
          quarantine(`its render is empty (${grounded.message})`);
          onRedraw(plan.family, ASSET_FAILED);
        } else {
          onRedraw(plan.family, grounded.reason);
        }
        redraw();
        continue;
      }
      const asked = askQuestion(plan, grounded.truth);
      if (!asked.ok) {
        onRedraw(plan.family, asked.reason);
        redraw();
        continue;
      }
      truth = grounded.truth;
      question = asked.question;
      break;
    }
    const images = (await Promise.all([
      encodeAndWrite(outDir, imagePath(plan, config.shardSize, 'a', config.format), rawA, config.format),
      encodeAndWrite(outDir, imagePath(plan, config.shardSize, 'b', config.format), rawB, config.format),
    ])) as [ImageInfo, ImageInfo];
    let input: SampleRecordInput = {
      plan,
      truth,
      question,
      images,
      withCot: sampleRng(config.seed, 'cot', index).chance(config.cotRatio),
      systemPrompt: config.systemPrompt,
      datasetName: config.datasetName,
    };
    if (deps.hooks?.beforeRecords) input = deps.hooks.beforeRecords(input);
    // --- Records: the sample's family stage decides its shard kind (or both, with --stages both)
    const kinds = getRecordKinds(plan.family, config.stages);
    const records: ShardRecords = {};
    if (kinds.includes('sft')) records.sft = buildSftRecord(input);
    if (kinds.includes('rl')) records.rl = buildRlRecord(input);
    return { input, records };
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

  // --- Workers pull positions (the indices of this worker's shards to build, see WorkerRun.indexAt);
  //     results are handed to the writer in index order
  type Done = Awaited<ReturnType<typeof produce>>;
  const ready = new Map<number, Done>();
  const maxAhead = Math.max(4, config.concurrency * 4);
  let nextIndex = 0; // next position to produce
  let nextFlush = 0; // next position to append
  let failure: unknown = null;
  let waiters: (() => void)[] = [];
  const signal = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const waitForFlush = () => new Promise<void>((resolve) => waiters.push(resolve));
  let flushing = Promise.resolve();
  const flush = async () => {
    while (ready.has(nextFlush) && !aborted()) {
      const done = ready.get(nextFlush)!;
      ready.delete(nextFlush);
      const index = work.indexAt(nextFlush);
      const shard = shardOf(index, config.shardSize);
      if (work.isLastOfShard(index)) await deps.hooks?.beforeSeal?.(shard);
      const sealed = await writer.append(index, done.records);
      if (done.records.sft !== undefined) recordCounts.sft++;
      if (done.records.rl !== undefined) recordCounts.rl++;
      countSample(stats);
      work.countSample(index, { images: done.input.images });
      if (sealed.length > 0) await commit(shard, sealed);
      nextFlush++;
      deps.onProgress?.({ done: nextFlush, total: work.positions, redraws: Object.values(stats.redraws).reduce((s, r) => s + Object.values(r).reduce((a, b) => a + b, 0), 0) });
    }
    signal();
  };
  const worker = async () => {
    while (failure === null && !aborted() && nextIndex < work.positions) {
      if (nextIndex >= nextFlush + maxAhead) {
        await waitForFlush();
        continue;
      }
      const position = nextIndex++;
      try {
        ready.set(position, await produce(work.indexAt(position)));
        flushing = flushing.then(flush);
        await flushing;
      } catch (err) {
        failure ??= err;
        signal();
      }
    }
  };
  const workers = Math.max(1, config.concurrency * 2);
  // --- On abort, stop waiting for samples still rendering: they cannot complete a shard now
  const stopped = new Promise<void>((resolve) => {
    if (aborted()) resolve();
    deps.signal?.addEventListener('abort', () => {
      signal();
      resolve();
    }, { once: true });
  });
  await Promise.race([Promise.all(Array.from({ length: workers }, worker)), stopped]);
  await flushing.catch((err) => (failure ??= err));
  if (aborted()) throw new RunInterruptedError(String(deps.signal!.reason ?? 'aborted'), work.progress);
  if (failure !== null) throw failure;

  // --- Seal the last shard (partial, when this worker owns it) and commit it
  const sealedBefore = writer.getSealedShards().length;
  const shards = await writer.finish();
  const lastSealed = shards.slice(sealedBefore);
  if (lastSealed.length > 0) await commit(lastSealed[0].shard, lastSealed);

  // --- This worker is done; the manifest, dataset_info and card once the folder holds every shard
  const end = await work.complete();
  logger.info(`run: wrote ${stats.samples} samples (${recordCounts.sft} sft and ${recordCounts.rl} rl records) in ${shards.length} shard file(s) to ${outDir}`);
  return { outDir, samples: stats.samples, shards: shards.length, stats, worker: work.worker, kept: work.kept.length, manifestWritten: end.manifest !== null, missing: end.missing };
}
