/**
 * Test helper: draws samples of one family the way the run loop does — `planSample` with a
 * schedule that asks only that family, `computeGroundTruth`, re-drawing with attempt + 1 while
 * `applies` says no — and builds each question with the balanced answer slot and answer class.
 */
import { computeGroundTruth } from '../../pipeline/geometry/ground-truth.js';
import { answerClassOfDraw, answerSlot, buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import { planSample, type PlanConfig } from '../../pipeline/plan/plan-sample.js';
import type { SamplePlan } from '../../pipeline/sample-plan.js';
import type { BuiltQuestion, QuestionFamily } from '../../pipeline/questions/question-family.js';
import { sampleRng } from '../../pipeline/rng.js';
import type { GroundTruth } from '../../pipeline/types.js';

export interface DrawnSample {
  plan: SamplePlan;
  truth: GroundTruth;
  question: BuiltQuestion;
  /** The slot family-schedule.ts asked for. */
  slot: number;
}

/** One rejected draw: its plan, truth and the reason `applies` gave. */
export interface RejectedDraw {
  plan: SamplePlan;
  truth: GroundTruth;
  reason: string;
}

export interface DrawResult {
  samples: DrawnSample[];
  rejected: RejectedDraw[];
  /** Re-draws by reason. */
  redraws: Record<string, number>;
  /** Plans drawn in all (accepted + rejected). */
  attempts: number;
}

const MAX_ATTEMPTS = 64;

/** Draws `count` accepted samples of `family` (global indices 0..count−1). */
export function drawSamples(family: QuestionFamily, count: number, seed = 20240611): DrawResult {
  const config: PlanConfig = { seed, width: 384, height: 384, schedule: buildFamilySchedule([{ family: family.name, weight: 1 }]) };
  const samples: DrawnSample[] = [];
  const rejected: RejectedDraw[] = [];
  const redraws: Record<string, number> = {};
  let attempts = 0;
  for (let index = 0; index < count; index++) {
    for (let attempt = 0; ; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`drawSamples: sample ${index} of ${family.name} stayed ambiguous`);
      const plan = planSample(config, index, attempt);
      const truth = computeGroundTruth(plan);
      attempts++;
      const cls = answerClassOfDraw(seed, family.name, plan.familyIndex, family.answerClasses ?? 1, index, attempt);
      const verdict = family.applies(truth, cls);
      if (!verdict.ok) {
        redraws[verdict.reason] = (redraws[verdict.reason] ?? 0) + 1;
        rejected.push({ plan, truth, reason: verdict.reason });
        continue;
      }
      const slot = answerSlot(seed, family.name, plan.familyIndex, family.optionCount);
      const question = family.build(truth, sampleRng(seed, 'question', index, attempt), slot, cls);
      samples.push({ plan, truth, question, slot });
      break;
    }
  }
  return { samples, rejected, redraws, attempts };
}
