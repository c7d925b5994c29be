/**
 * One sample's plan, truth and question before rendering: plan it (pure, seeded), compute the
 * ground truth by ray casting, and ask its family's question, re-drawing until the family can
 * ask an unambiguous one. Pure: no browser, no disk.
 */
import { sceneModels } from '../../assets/procedural/scene-at-view.js';
import { computeGroundTruth } from '../geometry/ground-truth.js';
import { answerClassOfDraw, answerSlot } from '../plan/family-schedule.js';
import { planSample, type PlanConfig } from '../plan/plan-sample.js';
import { getFamily } from '../questions/index.js';
import type { BuiltQuestion } from '../questions/question-family.js';
import { checkSymmetryAmbiguity } from '../questions/symmetry-ambiguity.js';
import { sampleRng } from '../rng.js';
import type { SamplePlan } from '../sample-plan.js';
import type { GroundTruth, LibraryObjectSpec } from '../types.js';

/** Re-draw reason when a sample's library asset failed to load or render (the asset is quarantined for the rest of the run). */
export const ASSET_FAILED = 'asset-render-failed';

/**
 * Thrown by {@link resolveSample} when a draw shows a library model whose symmetry label is not
 * known yet (assets/library/library-symmetry.ts labels it on its first draw): the caller labels
 * it and resolves the sample again from the same first draw, so every decision is taken with the
 * true label.
 */
export class SymmetryPending extends Error {
  constructor(readonly object: LibraryObjectSpec) {
    super(`plan: the symmetry of "${object.path}" is not known yet`);
    this.name = 'SymmetryPending';
  }
}

/** A sample whose plan could not be made unambiguous within this many draws fails the run. */
export const MAX_ATTEMPTS = 128;

/**
 * Draws of a sample on which a family may thin the samples it could ask about (the `accept`
 * stream given to `applies`: `relative-depth`'s pair balance keeps about 1 in 4); later draws
 * take what comes, so the thinning never makes a sample fail (it keeps 1 in 11 draws of
 * `relative-depth`, and reaches this many draws for about 0.3 % of its samples).
 */
export const BALANCE_KEPT_DRAWS = 64;

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
  // A single-image sample asks the family's one-image form (view B is view A's camera).
  const form = plan.singleView === true ? family.oneImage : family;
  if (form === undefined) throw new Error(`plan: sample ${plan.index} is planned as one image, but family "${plan.family}" cannot be asked of one image`);
  const verdict = form.applies(truth, cls, draw);
  if (!verdict.ok) return verdict;
  const slot = answerSlot(plan.seed, plan.family, plan.familyIndex, family.optionCount);
  return { ok: true, question: form.build(truth, sampleRng(plan.seed, 'question', plan.index, plan.attempt), slot, cls) };
}

/**
 * Plans sample `index`, re-drawing until its family can ask an unambiguous question. Starts at
 * draw `firstAttempt` (> 0 after the renderer rejected an earlier draw, see
 * {@link findVisibilityDisagreement}). `pending` holds content hashes of library models whose
 * symmetry label is not known yet: a draw that shows one throws {@link SymmetryPending}.
 */
export function resolveSample(
  planConfig: PlanConfig,
  index: number,
  onRedraw: (family: string, reason: string) => void,
  firstAttempt = 0,
  quarantined?: ReadonlySet<string>,
  pending?: { has(contentHash: string): boolean },
): { plan: SamplePlan; truth: GroundTruth; question: BuiltQuestion } {
  let symmetricDraws = 0;
  for (let attempt = firstAttempt; attempt < MAX_ATTEMPTS; attempt++) {
    const plan = planSample(planConfig, index, attempt);
    // A library asset that failed to render earlier in this run is re-drawn without rendering it again
    // (same reason as a fresh failure, so the counts do not depend on which sample met it first).
    const models = sceneModels(plan.job.object);
    if ((plan.asset.source === 'library' && quarantined?.has(plan.asset.contentHash) === true) || models.some((m) => quarantined?.has(m.contentHash) === true)) {
      onRedraw(plan.family, ASSET_FAILED);
      continue;
    }
    if (plan.job.object.kind === 'library' && pending?.has(plan.job.object.contentHash) === true) throw new SymmetryPending(plan.job.object);
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
