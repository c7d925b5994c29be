/**
 * `run(config, deps)`: the main job. Reads as a recipe (STYLE §4):
 *
 *   plan (pure, seeded) → ground truth (pure) → question (pure) → render (browser)
 *   → encode + write images (disk) → records (pure, ajv-validated) → shards in index order (disk)
 *   → manifest + dataset_info (disk)
 *
 * Samples are produced by a bounded set of concurrent workers and handed to the shard writer
 * strictly in index order, so the bytes written never depend on `concurrency` or timing.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../config.js';
import { computeGroundTruth } from '../geometry/ground-truth.js';
import type { HandoffReport, HandoffSink } from '../handoff/handoff-queue.js';
import type { Logger } from '../logger.js';
import { answerSlot, buildFamilySchedule } from '../plan/family-schedule.js';
import { planSample, type PlanConfig } from '../plan/plan-sample.js';
import type { SamplePlan } from '../plan/sample-plan.js';
import { getFamily } from '../questions/index.js';
import type { BuiltQuestion } from '../questions/question-family.js';
import type { ImageInfo, SampleRecordInput } from '../records/record-input.js';
import { buildRlRecord } from '../records/rl-record.js';
import { buildSftRecord } from '../records/sft-record.js';
import { sampleRng } from '../rng.js';
import { countRedraw, countSample, createRunStats, sortedStats, type RunStats } from '../run-stats.js';
import { buildManifest, writeManifest } from '../shards/manifest.js';
import { writeDatasetInfo } from '../shards/dataset-info.js';
import { ShardWriter } from '../shards/shard-writer.js';
import type { GroundTruth } from '../types.js';
import type { Renderer } from '../../renderers/renderer.js';
import { encodeImage } from '../../renderers/encode-image.js';
import { prepareOutDir } from './prepare-out-dir.js';
import { writeImageFile } from './write-image.js';

/** A sample whose plan could not be made unambiguous within this many draws fails the run. */
export const MAX_ATTEMPTS = 64;

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
}

export interface RunResult {
  outDir: string;
  samples: number;
  shards: number;
  stats: RunStats;
  /** What the hand-off did, when `deps.handoff` was given. */
  handoff?: HandoffReport;
}

/** Shard number of a global index. */
export function shardOf(index: number, shardSize: number): number {
  return Math.floor(index / shardSize);
}

/** Relative image path of view `view` ('a' | 'b') of a sample. */
export function imagePath(plan: SamplePlan, shardSize: number, view: 'a' | 'b', format: RunConfig['format']): string {
  return `images/${String(shardOf(plan.index, shardSize)).padStart(5, '0')}/${plan.id}_${view}.${EXTENSIONS[format]}`;
}

/** Plans sample `index`, re-drawing until its family can ask an unambiguous question. */
export function resolveSample(
  planConfig: PlanConfig,
  index: number,
  onRedraw: (family: string, reason: string) => void,
): { plan: SamplePlan; truth: GroundTruth; question: BuiltQuestion } {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const plan = planSample(planConfig, index, attempt);
    const truth = computeGroundTruth(plan);
    const family = getFamily(plan.family);
    const verdict = family.applies(truth);
    if (!verdict.ok) {
      onRedraw(plan.family, verdict.reason);
      continue;
    }
    const slot = answerSlot(plan.seed, plan.family, plan.familyIndex, family.optionCount);
    const question = family.build(truth, sampleRng(plan.seed, 'question', index, attempt), slot);
    return { plan, truth, question };
  }
  throw new Error(`plan: sample ${index} stayed ambiguous after ${MAX_ATTEMPTS} draws; the camera ranges cannot serve its family`);
}

async function encodeAndWrite(
  outDir: string,
  path: string,
  rgba: Awaited<ReturnType<Renderer['render']>>[number],
  format: RunConfig['format'],
): Promise<ImageInfo> {
  const data = await encodeImage(rgba, format);
  await writeImageFile(join(outDir, path), data);
  return {
    path,
    sha256: createHash('sha256').update(data).digest('hex'),
    width: rgba.width,
    height: rgba.height,
    format,
    bytes: data.length,
  };
}

/** Runs the main job; see the file header. Closes the renderer it starts. */
export async function run(config: RunConfig, deps: RunDeps): Promise<RunResult> {
  const outDir = config.out;
  // --- Output folder, then the renderer (both fail early, before any sample)
  await prepareOutDir(outDir, config.overwrite);
  const renderer = await deps.createRenderer();
  deps.onRenderer?.(renderer);
  let result: RunResult;
  let handoff: HandoffReport | undefined;
  try {
    result = await produceDataset(config, deps, renderer);
  } finally {
    await renderer.close();
    // --- Hand-off: wait for the shards still queued (also after a failure: sealed shards are complete)
    handoff = await deps.handoff?.drain();
  }
  return handoff === undefined ? result : { ...result, handoff };
}

async function produceDataset(config: RunConfig, deps: RunDeps, renderer: Renderer): Promise<RunResult> {
  const { logger } = deps;
  const outDir = config.out;
  const families = config.families.map((name) => getFamily(name));
  const planConfig: PlanConfig = {
    seed: config.seed,
    width: config.size,
    height: config.size,
    schedule: buildFamilySchedule(families.map((f) => ({ family: f.name, weight: 1 }))),
  };
  const stats = createRunStats();
  const writer = new ShardWriter({ outDir, shardSize: config.shardSize, kinds: ['sft', 'rl'] });
  const madeDirs = new Set<number>();

  // --- One sample, start to finish (everything but the ordered hand-over to the writer)
  const produce = async (index: number) => {
    const { plan, truth, question } = resolveSample(planConfig, index, (family, reason) => countRedraw(stats, family, reason));
    const shard = shardOf(index, config.shardSize);
    if (!madeDirs.has(shard)) {
      await mkdir(join(outDir, 'images', String(shard).padStart(5, '0')), { recursive: true });
      madeDirs.add(shard);
    }
    const [rawA, rawB] = await renderer.render(plan.job);
    const images = (await Promise.all([
      encodeAndWrite(outDir, imagePath(plan, config.shardSize, 'a', config.format), rawA, config.format),
      encodeAndWrite(outDir, imagePath(plan, config.shardSize, 'b', config.format), rawB, config.format),
    ])) as [ImageInfo, ImageInfo];
    const input: SampleRecordInput = {
      plan,
      truth,
      question,
      images,
      withCot: sampleRng(config.seed, 'cot', index).chance(config.cotRatio),
      systemPrompt: config.systemPrompt,
      datasetName: config.datasetName,
    };
    return { input, sft: buildSftRecord(input), rl: buildRlRecord(input) };
  };

  // --- Workers pull indices; results are handed to the writer in index order
  type Done = Awaited<ReturnType<typeof produce>>;
  const ready = new Map<number, Done>();
  const maxAhead = Math.max(4, config.concurrency * 4);
  let nextIndex = 0;
  let nextFlush = 0;
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
    while (ready.has(nextFlush)) {
      const done = ready.get(nextFlush)!;
      ready.delete(nextFlush);
      const sealed = await writer.append(nextFlush, { sft: done.sft, rl: done.rl });
      for (const s of sealed) await deps.handoff?.enqueue(s); // --- Hand-off (waits only when its queue is full)
      countSample(stats, done.input.plan.family, done.input.question.answerLetter, done.input.withCot, done.input.images.map((i) => i.bytes));
      nextFlush++;
      deps.onProgress?.({ done: nextFlush, total: config.count, redraws: Object.values(stats.redraws).reduce((s, r) => s + Object.values(r).reduce((a, b) => a + b, 0), 0) });
    }
    signal();
  };
  const worker = async () => {
    while (failure === null && nextIndex < config.count) {
      if (nextIndex >= nextFlush + maxAhead) {
        await waitForFlush();
        continue;
      }
      const index = nextIndex++;
      try {
        ready.set(index, await produce(index));
        flushing = flushing.then(flush);
        await flushing;
      } catch (err) {
        failure ??= err;
        signal();
      }
    }
  };
  const workers = Math.max(1, config.concurrency * 2);
  await Promise.all(Array.from({ length: workers }, worker));
  await flushing.catch((err) => (failure ??= err));
  if (failure !== null) throw failure;

  // --- Seal the last shard, write the manifest
  const sealedBefore = writer.getSealedShards().length;
  const shards = await writer.finish();
  for (const s of shards.slice(sealedBefore)) await deps.handoff?.enqueue(s); // --- Hand-off
  const manifest = buildManifest({
    config: {
      seed: config.seed,
      count: config.count,
      size: config.size,
      format: config.format,
      shard_size: config.shardSize,
      cot_ratio: config.cotRatio,
      families: config.families,
      gl: config.gl,
      dataset_name: config.datasetName,
      system_prompt: config.systemPrompt,
    },
    versions: deps.versions,
    renderer: renderer.info,
    shards,
    stats: sortedStats(stats),
    counts: { samples: stats.samples, sft_records: stats.samples, rl_records: stats.samples, images: stats.samples * 2 },
  });
  await writeDatasetInfo(outDir, config.datasetName);
  await writeManifest(outDir, manifest);
  logger.info(`run: wrote ${stats.samples} samples in ${new Set(shards.map((s) => s.path.split('/').pop())).size} shard(s) per kind to ${outDir}`);
  return { outDir, samples: stats.samples, shards: shards.length, stats };
}
