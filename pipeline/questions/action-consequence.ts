/**
 * Family `action-consequence` (RL stage; SAT "action consequence", on scenes, README "Scenes"):
 * standing at the first camera, after a stated turn (left or right by 45° or 90°, or around), is X ahead of
 * you, on your left, on your right or behind you? Four options.
 *
 * The answer is X's bearing from camera A about the world's up axis ({@link bearingDeg}: 0 ahead,
 * positive to the right) minus the turn (right positive), wrapped to (−180, 180]: ahead within
 * 45°, right 45–135°, behind beyond 135°, left −45…−135°. X is hidden in the first image and seen
 * in the second, so the record needs both images.
 *
 * ```text
 * Question: You stand where the first image was taken and turn right by 90°. Where is the red mug now: ahead of you, on your left, on your right, or behind you?
 * Options:  A. on your left   B. behind you   C. ahead of you   D. on your right
 * Answer:   C
 * Reasoning: The red mug is not visible in the first image; the second image shows it. From the first
 *   camera, its centre lies about 97° to the right of the viewing direction. After turning right by
 *   90°, that is about 7° to the right of the new direction. So the red mug is ahead of you. So the
 *   answer is C: ahead of you.
 * ```
 *
 * View A is an ego view among the objects ({@link EGO_SCENE_MOTION}). Answer classes: the four
 * places, balanced; the turn is drawn among those that put some target in the class's place.
 * Re-draw rules: 'camera-in-object' (camera A inside or against an object), 'no-target' (no object hidden in the first image and seen
 * in the second), 'no-target-of-class' (no turn puts one in the class's place at least
 * `edgeMarginDeg` from the 45° / 135° edges). `difficulty`: margin = distance from the nearest
 * edge (deg), bin = the place, value = the bearing after the turn.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { EGO_SCENE_MOTION } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { bearingDeg, carriedInto, isCameraClear, listSceneObjects, type SceneObjectFacts } from './scene-facts.js';

const FAMILY = 'action-consequence';

export interface ActionConsequenceOptions {
  /** Keep the bearing after the turn at least this far from the 45° and 135° edges, degrees. @default 10 */
  edgeMarginDeg: number;
}

export const ACTION_CONSEQUENCE_DEFAULTS: Readonly<ActionConsequenceOptions> = Object.freeze({ edgeMarginDeg: 10 });

/** The places, by answer class, and their difficulty bins. */
const PLACES = ['ahead of you', 'on your right', 'behind you', 'on your left'] as const;
const BINS = ['ahead', 'right', 'behind', 'left'] as const;

/** The turns a question may state: text, and the turn in degrees (right positive). */
const TURNS: readonly { text: string; past: string; deg: number }[] = [
  { text: 'turn left by 45°', past: 'turning left by 45°', deg: -45 },
  { text: 'turn right by 45°', past: 'turning right by 45°', deg: 45 },
  { text: 'turn left by 90°', past: 'turning left by 90°', deg: -90 },
  { text: 'turn right by 90°', past: 'turning right by 90°', deg: 90 },
  { text: 'turn around (by 180°)', past: 'turning around', deg: 180 },
];

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'You stand where the first image was taken and {turn}. Where is the {x} now: ahead of you, on your left, on your right, or behind you?' },
  { id: 't2', text: 'Imagine you are the first camera. If you {turn}, is the {x} in front of you, to your left, to your right, or behind you?' },
  { id: 't3', text: 'Starting from the first camera\'s position and direction, you {turn}. Where does that leave the {x}?' },
];
export { TEMPLATES as ACTION_CONSEQUENCE_TEMPLATES };

function wrap180(a: number): number {
  const w = ((((a + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

/** Class of a bearing after the turn, and its distance from the class's edges. */
export function placeOf(after: number): { cls: number; margin: number } {
  const m = Math.abs(after);
  const cls = m < 45 ? 0 : m > 135 ? 2 : after > 0 ? 1 : 3;
  return { cls, margin: Math.min(Math.abs(m - 45), Math.abs(m - 135)) };
}

interface Option {
  x: SceneObjectFacts;
  bearing: number;
  turn: (typeof TURNS)[number];
  after: number;
}

function optionsOf(truth: GroundTruth, o: ActionConsequenceOptions): Option[] {
  const out: Option[] = [];
  for (const x of carriedInto(listSceneObjects(truth), 0)) {
    const bearing = bearingDeg(truth.views[0].camera, x.spec.position);
    for (const turn of TURNS) {
      const after = wrap180(bearing - turn.deg);
      if (placeOf(after).margin >= o.edgeMarginDeg) out.push({ x, bearing, turn, after });
    }
  }
  return out;
}

function appliesWith(truth: GroundTruth, o: ActionConsequenceOptions, answerClass?: number): Applicability {
  if (!isCameraClear(truth.views[0].camera.centre, listSceneObjects(truth))) return { ok: false, reason: 'camera-in-object' };
  if (carriedInto(listSceneObjects(truth), 0).length === 0) return { ok: false, reason: 'no-target' };
  const all = optionsOf(truth, o);
  if (all.length === 0 || (answerClass !== undefined && !all.some((c) => placeOf(c.after).cls === answerClass % PLACES.length))) return { ok: false, reason: 'no-target-of-class' };
  return { ok: true };
}

function side(deg: number): string {
  const r = Math.round(Math.abs(deg));
  return r === 0 ? 'straight along' : `about ${r}° to the ${deg < 0 ? 'left' : 'right'} of`;
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: ActionConsequenceOptions, answerClass?: number): BuiltQuestion {
  const verdict = appliesWith(truth, o, answerClass);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const c = rng.pick(optionsOf(truth, o).filter((k) => answerClass === undefined || placeOf(k.after).cls === answerClass % PLACES.length));
  const { cls, margin } = placeOf(c.after);
  const place = PLACES[cls];
  const arranged = arrangeOptions(FAMILY, place, PLACES.filter((p) => p !== place), answerSlot, rng);
  const label = c.x.label;
  const reasoning = [
    `${label[0].toUpperCase()}${label.slice(1)} is not visible in the first image; the second image shows it.`,
    `From the first camera, its centre lies ${side(c.bearing)} the viewing direction.`,
    `After ${c.turn.past}, that is ${side(c.after)} the new direction.`,
    `So ${label} is ${place}.`,
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { turn: c.turn.text, x: c.x.spec.name }),
    ...arranged,
    reasoning,
    difficulty: { margin, marginUnit: 'deg', bin: BINS[cls], value: c.after },
    namedObjects: [c.x.spec.id],
    questionView: 0,
  };
}

/** Makes the `action-consequence` family with `options` over {@link ACTION_CONSEQUENCE_DEFAULTS}. @throws RangeError on bad options. */
export function createActionConsequenceFamily(options: Partial<ActionConsequenceOptions> = {}): QuestionFamily {
  const o = { ...ACTION_CONSEQUENCE_DEFAULTS, ...options };
  if (!(o.edgeMarginDeg >= 0 && o.edgeMarginDeg < 45)) throw new RangeError(`${FAMILY}: edgeMarginDeg must be in [0, 45), got ${o.edgeMarginDeg}`);
  return defineFamily({
    name: FAMILY,
    stage: 'rl',
    optionCount: PLACES.length,
    answerClasses: PLACES.length,
    motion: EGO_SCENE_MOTION,
    scene: true,
    applies: (truth: GroundTruth, answerClass?: number) => appliesWith(truth, o, answerClass),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, o, answerClass),
  });
}

/** The `action-consequence` family with default options. */
export const actionConsequenceFamily: QuestionFamily = createActionConsequenceFamily();
