/**
 * Family `goal-aim` (RL stage; SAT "goal aiming", on scenes, README "Scenes"): standing where the
 * first image was taken, which way (left or right) and about how far must you turn to face X? Four
 * options: side × turn bin (0–45°, 45–90°, 90–180°), the true one, its mirror, a partner
 * bin and its mirror (signed-bins.ts), so the option list gives neither side nor size away.
 *
 * The answer is the bearing of X's centre from camera A about the world's up axis
 * ({@link bearingDeg}: 0 ahead, positive to the right): its sign is the side, its size the turn.
 * X is hidden in the first image (out of frame or behind another object) and seen in the second,
 * so the record needs both images.
 *
 * ```text
 * Question: Standing where the first image was taken, which way would you turn to face the green ball, and by about how much?
 * Options:  A. right, 45–90°   B. left, 0–45°   C. left, 45–90°   D. right, 0–45°
 * Answer:   A
 * Reasoning: The green ball is not visible in the first image; the second image shows it. From the
 *   first camera, its centre lies about 58° to the right of the viewing direction. So you would turn
 *   right by about 58°, in the 45–90° range. So the answer is A: right, 45–90°.
 * ```
 *
 * View A is an ego view among the objects ({@link EGO_SCENE_MOTION}), so targets lie all around it.
 * Answer classes: side × bin (6), balanced. Re-draw rules: 'camera-in-object' (camera A inside or
 * against an object), 'no-target' (no object hidden in the first image and seen in the second),
 * 'near-bin-edge' (every such object within `edgeMarginDeg` of a bin edge), 'no-target-of-class'.
 * `difficulty`: margin = distance from the nearest bin edge (deg), bin = "<side> <lo>-<hi>°",
 * value = the signed bearing.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { EGO_SCENE_MOTION } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { bearingDeg, carriedInto, isCameraClear, listSceneObjects, type SceneObjectFacts } from './scene-facts.js';
import { drawPartnerBin, formatAngleInBin, getBinIndex, getBinRange, getEdgeMargin, uniformPairWeights } from './signed-bins.js';

const FAMILY = 'goal-aim';

/** Turn bins, degrees. */
export const GOAL_AIM_BIN_EDGES_DEG: readonly number[] = Object.freeze([0, 45, 90, 180]);

export interface GoalAimOptions {
  /** Keep the bearing at least this far from every bin edge, degrees. @default 5 */
  edgeMarginDeg: number;
}

export const GOAL_AIM_DEFAULTS: Readonly<GoalAimOptions> = Object.freeze({ edgeMarginDeg: 5 });

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'Standing where the first image was taken, which way would you turn to face the {x}, and by about how much?' },
  { id: 't2', text: 'From the position of the first camera, how should you turn to look straight at the {x}?' },
  { id: 't3', text: 'You stand at the first camera, looking where it looks. To face the {x}, which way and how far do you turn?' },
];
export { TEMPLATES as GOAL_AIM_TEMPLATES };

const PAIR_WEIGHTS = uniformPairWeights(GOAL_AIM_BIN_EDGES_DEG.length - 1);

interface Target {
  x: SceneObjectFacts;
  bearing: number;
}

function targetsOf(truth: GroundTruth): Target[] {
  return carriedInto(listSceneObjects(truth), 0).map((x) => ({ x, bearing: bearingDeg(truth.views[0].camera, x.spec.position) }));
}

/** Class k: bin ⌊k / 2⌋, right when k is even (as the binned motions' classes). */
const classOf = (t: Target) => 2 * getBinIndex(Math.abs(t.bearing), GOAL_AIM_BIN_EDGES_DEG) + (t.bearing > 0 ? 0 : 1);
const CLASSES = 2 * (GOAL_AIM_BIN_EDGES_DEG.length - 1);
const clearOf = (t: Target, o: GoalAimOptions) => t.bearing !== 0 && getEdgeMargin(Math.abs(t.bearing), GOAL_AIM_BIN_EDGES_DEG) >= o.edgeMarginDeg;

function appliesWith(truth: GroundTruth, o: GoalAimOptions, answerClass?: number): Applicability {
  if (!isCameraClear(truth.views[0].camera.centre, listSceneObjects(truth))) return { ok: false, reason: 'camera-in-object' };
  const targets = targetsOf(truth);
  if (targets.length === 0) return { ok: false, reason: 'no-target' };
  const clear = targets.filter((t) => clearOf(t, o));
  if (clear.length === 0) return { ok: false, reason: 'near-bin-edge' };
  if (answerClass !== undefined && !clear.some((t) => classOf(t) === answerClass % CLASSES)) return { ok: false, reason: 'no-target-of-class' };
  return { ok: true };
}

/** Option text: "right, 45–90°". */
export function goalAimOptionText(side: 'left' | 'right', bin: number): string {
  return `${side}, ${getBinRange(bin, GOAL_AIM_BIN_EDGES_DEG)}`;
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: GoalAimOptions, answerClass?: number): BuiltQuestion {
  const verdict = appliesWith(truth, o, answerClass);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const t = rng.pick(targetsOf(truth).filter((c) => clearOf(c, o) && (answerClass === undefined || classOf(c) === answerClass % CLASSES)));
  const side = t.bearing > 0 ? 'right' : 'left';
  const mirror = side === 'right' ? 'left' : 'right';
  const magnitude = Math.abs(t.bearing);
  const bin = getBinIndex(magnitude, GOAL_AIM_BIN_EDGES_DEG);
  const partner = drawPartnerBin(PAIR_WEIGHTS, bin, rng);
  const answer = goalAimOptionText(side, bin);
  const arranged = arrangeOptions(FAMILY, answer, [goalAimOptionText(mirror, bin), goalAimOptionText(side, partner), goalAimOptionText(mirror, partner)], answerSlot, rng);
  const [lo, hi] = [GOAL_AIM_BIN_EDGES_DEG[bin], GOAL_AIM_BIN_EDGES_DEG[bin + 1]];
  const deg = formatAngleInBin(magnitude, lo, hi);
  const label = t.x.label;
  const reasoning = [
    `${label[0].toUpperCase()}${label.slice(1)} is not visible in the first image; the second image shows it.`,
    `From the first camera, its centre lies about ${deg}° to the ${side} of the viewing direction.`,
    `So you would turn ${side} by about ${deg}°, in the ${getBinRange(bin, GOAL_AIM_BIN_EDGES_DEG)} range.`,
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { x: t.x.spec.name }),
    ...arranged,
    reasoning,
    difficulty: { margin: getEdgeMargin(magnitude, GOAL_AIM_BIN_EDGES_DEG), marginUnit: 'deg', bin: `${side} ${lo}-${hi}°`, value: t.bearing },
    namedObjects: [t.x.spec.id],
    questionView: 0,
  };
}

/** Makes the `goal-aim` family with `options` over {@link GOAL_AIM_DEFAULTS}. @throws RangeError on bad options. */
export function createGoalAimFamily(options: Partial<GoalAimOptions> = {}): QuestionFamily {
  const o = { ...GOAL_AIM_DEFAULTS, ...options };
  if (!(o.edgeMarginDeg >= 0)) throw new RangeError(`${FAMILY}: edgeMarginDeg must be ≥ 0, got ${o.edgeMarginDeg}`);
  return defineFamily({
    name: FAMILY,
    stage: 'rl',
    optionCount: 4,
    answerClasses: CLASSES,
    motion: EGO_SCENE_MOTION,
    scene: true,
    applies: (truth: GroundTruth, answerClass?: number) => appliesWith(truth, o, answerClass),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, o, answerClass),
  });
}

/** The `goal-aim` family with default options. */
export const goalAimFamily: QuestionFamily = createGoalAimFamily();
