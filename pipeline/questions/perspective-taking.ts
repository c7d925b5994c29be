/**
 * Family `perspective-taking` (RL stage; SAT "perspective", on scenes, README "Scenes"): standing
 * at X and facing Y, is Z on your left or on your right? Two options: "left" and "right".
 *
 * The answer is the side of Z's centre from the line X → Y on the ground plane
 * ({@link sideAngleDeg}: the signed angle from the facing direction to Z, positive on the right).
 * Z must be clearly to one side: its angle at least {@link PerspectiveTakingOptions.minAngleDeg}
 * away from straight ahead and from straight behind.
 *
 * ```text
 * Question: Imagine standing at the chair and facing the green ball. Is the red mug on your left or on your right?
 * Options:  A. left   B. right
 * Answer:   B
 * Reasoning: The first image shows the chair and the green ball; the red mug is not visible in it.
 *   The second image shows the chair and the red mug. Putting the two views together, from the chair
 *   the green ball lies ahead and the red mug about 64° to the right of that direction. So the red mug
 *   is on your right. So the answer is B: right.
 * ```
 *
 * A two-image record must need both images: each of the three objects is seen in at least one
 * view, and at least one is hidden in one view and seen in the other. Answer classes: 0 = left, 1 =
 * right, balanced. Re-draw rules: 'no-triple', 'ambiguous-side' (no triple with Z clearly to one
 * side), 'no-triple-of-class'. `difficulty`: margin = the angle's distance from ahead/behind
 * (deg), bin by that margin, value = the signed angle.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { SCENE_MOTION } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { describeSceneView, listSceneObjects, sideAngleDeg, type SceneObjectFacts } from './scene-facts.js';

const FAMILY = 'perspective-taking';

export interface PerspectiveTakingOptions {
  /** Z at least this far from straight ahead and from straight behind, degrees. @default 20 */
  minAngleDeg: number;
}

export const PERSPECTIVE_TAKING_DEFAULTS: Readonly<PerspectiveTakingOptions> = Object.freeze({ minAngleDeg: 20 });

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'Imagine standing at the {x} and facing the {y}. Is the {z} on your left or on your right?' },
  { id: 't2', text: 'If you stood where the {x} is, looking towards the {y}, would the {z} be to your left or to your right?' },
  { id: 't3', text: 'Take the point of view of the {x}, turned to face the {y}. On which side is the {z}: left or right?' },
];
export { TEMPLATES as PERSPECTIVE_TAKING_TEMPLATES };

interface Triple {
  x: SceneObjectFacts;
  y: SceneObjectFacts;
  z: SceneObjectFacts;
  angle: number;
}

const seenSomewhere = (f: SceneObjectFacts) => f.views.some((v) => v.state === 'seen');
const noSliver = (f: SceneObjectFacts) => f.views.every((v) => v.state !== 'sliver');
const carried = (f: SceneObjectFacts) => (f.views[0].state === 'hidden' && f.views[1].state === 'seen') || (f.views[1].state === 'hidden' && f.views[0].state === 'seen');

function triplesOf(truth: GroundTruth): Triple[] {
  const objects = listSceneObjects(truth).filter((f) => seenSomewhere(f) && noSliver(f));
  const out: Triple[] = [];
  for (const x of objects) {
    for (const y of objects) {
      if (y === x) continue;
      for (const z of objects) {
        if (z === x || z === y || ![x, y, z].some(carried)) continue;
        out.push({ x, y, z, angle: sideAngleDeg(x.spec.position, y.spec.position, z.spec.position) });
      }
    }
  }
  return out;
}

/** Distance of the angle from straight ahead (0) and straight behind (±180), degrees. */
const marginOf = (angle: number) => Math.min(Math.abs(angle), 180 - Math.abs(angle));
const classOf = (t: Triple) => (t.angle < 0 ? 0 : 1);

function appliesWith(truth: GroundTruth, o: PerspectiveTakingOptions, answerClass?: number): Applicability {
  const triples = triplesOf(truth);
  if (triples.length === 0) return { ok: false, reason: 'no-triple' };
  const clear = triples.filter((t) => marginOf(t.angle) >= o.minAngleDeg);
  if (clear.length === 0) return { ok: false, reason: 'ambiguous-side' };
  if (answerClass !== undefined && !clear.some((t) => classOf(t) === answerClass % 2)) return { ok: false, reason: 'no-triple-of-class' };
  return { ok: true };
}


function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: PerspectiveTakingOptions, answerClass?: number): BuiltQuestion {
  const verdict = appliesWith(truth, o, answerClass);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const t = rng.pick(triplesOf(truth).filter((c) => marginOf(c.angle) >= o.minAngleDeg && (answerClass === undefined || classOf(c) === answerClass % 2)));
  const side = t.angle < 0 ? 'left' : 'right';
  const arranged = arrangeOptions(FAMILY, side, [side === 'left' ? 'right' : 'left'], answerSlot, rng);
  const named = [t.x, t.y, t.z];
  const r = Math.round(Math.abs(t.angle));
  const reasoning = [
    describeSceneView(0, named),
    describeSceneView(1, named),
    `Putting the two views together, from ${t.x.label} ${t.y.label} lies ahead and ${t.z.label} about ${r}° to the ${side} of that direction.`,
    `So ${t.z.label} is on your ${side}.`,
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  const margin = marginOf(t.angle);
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { x: t.x.spec.name, y: t.y.spec.name, z: t.z.spec.name }),
    ...arranged,
    reasoning,
    difficulty: { margin, marginUnit: 'deg', bin: margin < 40 ? 'margin <40°' : margin < 70 ? 'margin 40-70°' : 'margin ≥70°', value: t.angle },
    namedObjects: [t.x.spec.id, t.y.spec.id, t.z.spec.id],
    questionView: null,
  };
}

/** Makes the `perspective-taking` family with `options` over {@link PERSPECTIVE_TAKING_DEFAULTS}. @throws RangeError on bad options. */
export function createPerspectiveTakingFamily(options: Partial<PerspectiveTakingOptions> = {}): QuestionFamily {
  const o = { ...PERSPECTIVE_TAKING_DEFAULTS, ...options };
  if (!(o.minAngleDeg >= 0 && o.minAngleDeg < 90)) throw new RangeError(`${FAMILY}: minAngleDeg must be in [0, 90), got ${o.minAngleDeg}`);
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'rl',
    optionCount: 2,
    answerClasses: 2,
    motion: SCENE_MOTION,
    scene: true,
    applies: (truth: GroundTruth, answerClass?: number) => appliesWith(truth, o, answerClass),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, o, answerClass),
  });
}

/** The `perspective-taking` family with default options. */
export const perspectiveTakingFamily: QuestionFamily = createPerspectiveTakingFamily();
