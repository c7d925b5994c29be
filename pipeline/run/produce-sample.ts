/**
 * One sample, start to finish, except the ordered hand-over to the shard writer:
 *
 *   plan + ray-cast truth + question (resolve-sample.ts) → render both views with their ID passes
 *   → ground the truth in those pixels and ask again (check-visibility.ts; a disagreement
 *   re-draws) → encode + write the images (sample-files.ts) → records (pure, ajv-validated).
 *
 * A library asset that fails in the page (load error, crash or hang past the renderer's retries,
 * an empty render) is quarantined for the rest of the run and the sample re-drawn. Every re-draw
 * and skip is counted once, into the sample's shard (`WorkerRun`).
 */
import { sceneModelOfPart, sceneModels } from '../../assets/procedural/scene-at-view.js';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { PlanConfig } from '../plan/plan-sample.js';
import { getFamily } from '../questions/index.js';
import type { SampleRecordInput } from '../records/record-input.js';
import { buildRlRecord } from '../records/rl-record.js';
import { buildSftRecord } from '../records/sft-record.js';
import { sampleRng } from '../rng.js';
import type { WorkerRun } from '../scale/worker-run.js';
import type { ShardRecords } from '../shards/shard-writer.js';
import type { RawImage } from '../types.js';
import type { AssetLibrary } from '../../assets/library/index-library.js';
import { ENCODE_DEFAULTS, PAGE_ENCODED_FORMATS } from '../../renderers/encode-image.js';
import type { Renderer, RenderOptions } from '../../renderers/renderer.js';
import { BLANK_VIEW, groundInPixels, VISIBILITY_DISAGREES } from './check-visibility.js';
import { ASSET_FAILED, askQuestion, resolveSample, SymmetryPending } from './resolve-sample.js';
import type { SymmetryLabels } from '../../assets/library/library-symmetry.js';
import { encodeAndWrite, imagePath, shardOf } from './sample-files.js';
import { toObjectLabels } from './scene-mask.js';

/** What a sample needs from its run. */
export interface SampleContext {
  config: RunConfig;
  planConfig: PlanConfig;
  renderer: Renderer;
  /** This worker's shards: where re-draws, skips and finished samples are counted. */
  work: WorkerRun;
  logger: Logger;
  /** The indexed library (its skipped files are counted with sample 0). */
  library?: AssetLibrary;
  /** Content hashes of library assets quarantined so far; grows during the run. */
  quarantined: Set<string>;
  /** Symmetry labels of the library, filled on each model's first draw. */
  labels?: SymmetryLabels;
  /** Replaces a sample's record input before its records are built (test hook). */
  beforeRecords?: (input: SampleRecordInput) => SampleRecordInput;
  /** Whether the run is stopping (a render failure is then not the asset's fault). */
  aborted(): boolean;
}

/** A finished sample: what its records were built from, and the records of its kinds. */
export interface ProducedSample {
  input: SampleRecordInput;
  records: ShardRecords;
}

/**
 * Which record kinds a sample of `family` is written to: its family's stage (`stages: 'family'`)
 * or both (`stages: 'both'`).
 */
export function getRecordKinds(family: string, stages: RunConfig['stages']): ('sft' | 'rl')[] {
  return stages === 'both' ? ['sft', 'rl'] : [getFamily(family).stage];
}

/** The sample function of a run: `produce(index)` builds sample `index` (see the file header). */
export function createSampleProducer(ctx: SampleContext): (index: number) => Promise<ProducedSample> {
  const { config, planConfig, renderer, work, logger, quarantined } = ctx;
  const outDir = config.out;
  const madeDirs = new Set<number>();
  const renderOptions: RenderOptions = {
    idPass: [true, true],
    passes: { mask: config.passes.includes('mask'), depth: config.passes.includes('depth') },
    ...(PAGE_ENCODED_FORMATS.includes(config.format) ? { encode: { format: config.format, quality: ENCODE_DEFAULTS.quality } } : {}),
  };
  return async (index) => {
    const onRedraw = (family: string, reason: string) => work.countRedraw(index, family, reason);
    // --- Library files skipped while indexing: counted once per run, with sample 0 (whichever worker builds it)
    if (index === 0 && ctx.library !== undefined && config.assets !== null) {
      for (const skipped of ctx.library.skipped) work.countSkipped(0, skipped.reason);
    }
    const shard = shardOf(index, config.shardSize);
    if (!madeDirs.has(shard)) {
      await mkdir(join(outDir, 'images', String(shard).padStart(5, '0')), { recursive: true });
      madeDirs.add(shard);
    }
    // --- Plan (the ray cast is the prior), render both views with their ID passes, ground the truth in those pixels
    //     and ask the question of the grounded truth; a render that breaks a grounding rule, or whose grounded
    //     truth the family cannot ask about, is re-drawn (check-visibility.ts)
    // Only library models are quarantined: the sample's object, or one model of its scene.
    const quarantine = (model: { contentHash: string; path: string }, message: string, cause?: unknown) => {
      const { path } = model;
      if (!quarantined.has(model.contentHash)) {
        quarantined.add(model.contentHash);
        logger.warn(`assets: skipped "${path}" for the rest of the run (render-failed): ${message}`);
      }
      if (quarantined.size >= (planConfig.library?.length ?? 0)) {
        throw new Error(`assets: every library model failed to render (last: "${path}": ${message})`, { cause });
      }
    };
    // A draw that shows a model not labelled yet: label it (or quarantine it when its estimate fails), then resolve
    // again from the same first draw; the re-draws of the abandoned pass are not counted (they are drawn again).
    const resolve = async (firstAttempt: number) => {
      for (;;) {
        const redraws: [string, string][] = [];
        try {
          const resolved = resolveSample(planConfig, index, (family, reason) => redraws.push([family, reason]), firstAttempt, quarantined, ctx.labels?.pending);
          for (const [family, reason] of redraws) onRedraw(family, reason);
          return resolved;
        } catch (err) {
          if (!(err instanceof SymmetryPending) || ctx.labels === undefined) throw err;
          const labelled = await ctx.labels.label(err.object);
          if (!labelled.ok) quarantine(err.object, labelled.message);
        }
      }
    };
    let { plan, truth, question } = await resolve(0);
    const redraw = async () => ({ plan, truth, question } = await resolve(plan.attempt + 1));
    const renderPlan = async (): Promise<[RawImage, RawImage]> => {
      for (;;) {
        const { object } = plan.job;
        const models = sceneModels(object);
        if (object.kind !== 'library' && models.length === 0) return renderer.render(plan.job, renderOptions);
        try {
          return await renderer.render(plan.job, renderOptions);
        } catch (err) {
          if (ctx.aborted()) throw err;
          const message = (err as Error).message;
          // A scene's model that failed names itself in the page's message ('library asset "<path>" failed to load').
          const culprit = object.kind === 'library' ? object : models.find((m) => message.includes(`"${m.path}"`));
          if (culprit === undefined) throw err;
          quarantine(culprit, message, err);
          onRedraw(plan.family, ASSET_FAILED);
          await redraw();
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
        // An empty render of a library model is a broken model: quarantined like one that fails to load; so is a
        // scene's model that shows no pixel where the ray cast clearly sees its box.
        const ghost = grounded.reason === VISIBILITY_DISAGREES && grounded.idPixels === 0 ? sceneModelOfPart(plan.job.object, grounded.part) : undefined;
        if (grounded.reason === BLANK_VIEW && plan.job.object.kind === 'library') {
          quarantine(plan.job.object, `its render is empty (${grounded.message})`);
          onRedraw(plan.family, ASSET_FAILED);
        } else if (ghost !== undefined) {
          quarantine(ghost, `it draws nothing where its box is in view (${grounded.message})`);
          onRedraw(plan.family, ASSET_FAILED);
        } else {
          onRedraw(plan.family, grounded.reason);
        }
        await redraw();
        continue;
      }
      const asked = askQuestion(plan, grounded.truth);
      if (!asked.ok) {
        onRedraw(plan.family, asked.reason);
        await redraw();
        continue;
      }
      truth = grounded.truth;
      question = asked.question;
      break;
    }
    // A scene's mask labels its objects (1 + object index), not their parts.
    const scene = plan.job.object.kind === 'procedural' ? plan.job.object.scene : undefined;
    if (scene !== undefined) [rawA, rawB] = [rawA, rawB].map((raw) => (raw.mask === undefined ? raw : { ...raw, mask: toObjectLabels(raw.mask, scene) })) as [RawImage, RawImage];
    // A single-image sample (README, "Scenes") shows image A only: view B, the same camera, is not written.
    const images: SampleRecordInput['images'] =
      plan.singleView === true
        ? [await encodeAndWrite(outDir, imagePath(plan, config.shardSize, 'a', config.format), rawA, config.format)]
        : await Promise.all([
            encodeAndWrite(outDir, imagePath(plan, config.shardSize, 'a', config.format), rawA, config.format),
            encodeAndWrite(outDir, imagePath(plan, config.shardSize, 'b', config.format), rawB, config.format),
          ]);
    let input: SampleRecordInput = {
      plan,
      truth,
      question,
      images,
      withCot: sampleRng(planConfig.seed, 'cot', index).chance(config.cotRatio),
      systemPrompt: config.systemPrompt,
      datasetName: config.datasetName,
    };
    if (ctx.beforeRecords) input = ctx.beforeRecords(input);
    // --- Records: the sample's family stage decides its shard kind (or both, with --stages both)
    const kinds = getRecordKinds(plan.family, config.stages);
    const records: ShardRecords = {};
    if (kinds.includes('sft')) records.sft = buildSftRecord(input);
    if (kinds.includes('rl')) records.rl = buildRlRecord(input);
    return { input, records };
  };
}
