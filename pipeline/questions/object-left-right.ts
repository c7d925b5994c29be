/**
 * Family `object-left-right` (RL stage; 3DSRBench / CV-Bench "spatial relation" on scenes, README
 * "Scenes"): seen from the camera of one image, is X to the left or to the right of Y, where X is
 * hidden in that image (behind another object or out of frame) and seen in the other one, so its
 * place must be carried over. Two options: "left" and "right".
 *
 * The answer compares the bearings of the two centres from the asked camera about the world's up
 * axis ({@link bearingDeg}: 0 ahead, positive to the right): X is on the left when its bearing is
 * smaller. Both must be in front of the camera (|bearing| ≤ {@link ObjectLeftRightOptions.maxBearingDeg}).
 *
 * ```text
 * Question: From the viewpoint of the second image, is the red mug to the left or to the right of the lamp?
 * Options:  A. right   B. left
 * Answer:   B
 * Reasoning: The first image shows the red mug. The second image shows the lamp; the red mug is not
 *   visible in it, so its place comes from the first image. Seen from the second camera, the lamp lies
 *   about 6° to the right of straight ahead and the red mug about 31° to the left. So the red mug is
 *   to the left of the lamp. So the answer is B: left.
 * ```
 *
 * Answer classes: 0 = left, 1 = right, balanced. Re-draw rules, in this order: 'no-pair' (no
 * carried X with a seen Y in either view), 'similar-bearing' (none whose bearings differ by
 * `minGapDeg`), 'no-pair-of-class'. `difficulty`: margin = the bearing gap (deg), bin = "gap
 * <15°" / "gap 15-40°" / "gap ≥40°", value = bearing of X minus that of Y.
 *
 * As a single-image record (`--single-view-share`): X and Y both seen in the one image.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { SCENE_MOTION } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { bearingDeg, carriedInto, describeOneImage, imageName, listSceneObjects, type SceneObjectFacts } from './scene-facts.js';

const FAMILY = 'object-left-right';

export interface ObjectLeftRightOptions {
  /** Smallest bearing difference of the two centres, degrees. @default 8 */
  minGapDeg: number;
  /** Both centres within this bearing of straight ahead, degrees. @default 80 */
  maxBearingDeg: number;
}

export const OBJECT_LEFT_RIGHT_DEFAULTS: Readonly<ObjectLeftRightOptions> = Object.freeze({ minGapDeg: 8, maxBearingDeg: 80 });

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'From the viewpoint of {image}, is the {x} to the left or to the right of the {y}?' },
  { id: 't2', text: 'Looking from where {image} was taken, does the {x} stand left or right of the {y}?' },
  { id: 't3', text: 'Using both images: seen from the camera of {image}, is the {x} on the left or on the right of the {y}?' },
];
export { TEMPLATES as OBJECT_LEFT_RIGHT_TEMPLATES };

const SIDES = ['left', 'right'] as const;

/** A question pair in view `view`: `x` hidden there and seen in the other view (one image: seen there too), `y` seen there. */
interface Pair {
  view: 0 | 1;
  x: SceneObjectFacts;
  y: SceneObjectFacts;
  bx: number;
  by: number;
}

/** The pair (x, y) seen from the camera of `view`, or null when either centre is beyond the bearing limit. */
function pairAt(truth: GroundTruth, view: 0 | 1, x: SceneObjectFacts, y: SceneObjectFacts, o: ObjectLeftRightOptions): Pair | null {
  const camera = truth.views[view].camera;
  const bx = bearingDeg(camera, x.spec.position);
  const by = bearingDeg(camera, y.spec.position);
  return Math.abs(bx) <= o.maxBearingDeg && Math.abs(by) <= o.maxBearingDeg ? { view, x, y, bx, by } : null;
}

/** Two images: x carried into `view` (hidden there, seen in the other), y seen there; both views. */
function pairsOf(truth: GroundTruth, o: ObjectLeftRightOptions): Pair[] {
  const objects = listSceneObjects(truth);
  const pairs: Pair[] = [];
  for (const view of [0, 1] as const) {
    for (const x of carriedInto(objects, view)) {
      for (const y of objects) {
        if (y === x || y.views[view].state !== 'seen') continue;
        const p = pairAt(truth, view, x, y, o);
        if (p !== null) pairs.push(p);
      }
    }
  }
  return pairs;
}

/** One image: ordered pairs of objects both seen in it. */
function oneImagePairs(truth: GroundTruth, o: ObjectLeftRightOptions): Pair[] {
  const seen = listSceneObjects(truth).filter((f) => f.views[0].state === 'seen');
  return seen.flatMap((x) => seen.flatMap((y) => (x === y ? [] : [pairAt(truth, 0, x, y, o)].filter((p): p is Pair => p !== null))));
}

const classOf = (p: Pair) => (p.bx < p.by ? 0 : 1);

/** "about 31° to the left", "about 6° to the right", "almost straight ahead". */
export function describeBearing(deg: number): string {
  const r = Math.round(Math.abs(deg));
  return r === 0 ? 'straight ahead' : `about ${r}° to the ${deg < 0 ? 'left' : 'right'} of straight ahead`;
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

const ONE_IMAGE_TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 'one-t1', text: 'From the camera\'s viewpoint, is the {x} to the left or to the right of the {y}?' },
  { id: 'one-t2', text: 'In the image, does the {x} stand left or right of the {y}?' },
];
export { ONE_IMAGE_TEMPLATES as OBJECT_LEFT_RIGHT_ONE_IMAGE_TEMPLATES };

/** What differs between the two-image question and the one-image one (README, "Scenes"). */
interface Form {
  templates: readonly { id: string; text: string }[];
  pairs: (truth: GroundTruth, o: ObjectLeftRightOptions) => Pair[];
  /** The sentences about what the image(s) show of the pair. */
  describe: (p: Pair) => string[];
  /** "the first camera", "the camera". */
  camera: (p: Pair) => string;
}

const TWO_IMAGES: Form = {
  templates: TEMPLATES,
  pairs: pairsOf,
  describe: (p) => {
    const other = p.view === 0 ? 1 : 0;
    return [
      `${cap(imageName(other))} shows ${p.x.label}.`,
      `${cap(imageName(p.view))} shows ${p.y.label}; ${p.x.label} is not visible in it, so its place comes from ${imageName(other)}.`,
    ];
  },
  camera: (p) => `the ${p.view === 0 ? 'first' : 'second'} camera`,
};

const ONE_IMAGE: Form = { templates: ONE_IMAGE_TEMPLATES, pairs: oneImagePairs, describe: (p) => [describeOneImage([p.x, p.y])], camera: () => 'the camera' };

function appliesWith(truth: GroundTruth, o: ObjectLeftRightOptions, form: Form, answerClass?: number): Applicability {
  const pairs = form.pairs(truth, o);
  if (pairs.length === 0) return { ok: false, reason: 'no-pair' };
  const clear = pairs.filter((p) => Math.abs(p.bx - p.by) >= o.minGapDeg);
  if (clear.length === 0) return { ok: false, reason: 'similar-bearing' };
  if (answerClass !== undefined && !clear.some((p) => classOf(p) === answerClass % 2)) return { ok: false, reason: 'no-pair-of-class' };
  return { ok: true };
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: ObjectLeftRightOptions, form: Form, answerClass?: number): BuiltQuestion {
  const verdict = appliesWith(truth, o, form, answerClass);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(form.templates);
  const style = drawReasoningStyle(rng);
  const p = rng.pick(form.pairs(truth, o).filter((q) => Math.abs(q.bx - q.by) >= o.minGapDeg && (answerClass === undefined || classOf(q) === answerClass % 2)));
  const side = SIDES[classOf(p)];
  const arranged = arrangeOptions(FAMILY, side, [side === 'left' ? 'right' : 'left'], answerSlot, rng);
  const reasoning = [
    ...form.describe(p),
    `Seen from ${form.camera(p)}, ${p.y.label} lies ${describeBearing(p.by)} and ${p.x.label} ${describeBearing(p.bx)}.`,
    `So ${p.x.label} is to the ${side} of ${p.y.label}.`,
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  const gap = Math.abs(p.bx - p.by);
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { image: imageName(p.view), x: p.x.spec.name, y: p.y.spec.name }),
    ...arranged,
    reasoning,
    difficulty: { margin: gap, marginUnit: 'deg', bin: gap < 15 ? 'gap <15°' : gap < 40 ? 'gap 15-40°' : 'gap ≥40°', value: p.bx - p.by },
    namedObjects: [p.x.spec.id, p.y.spec.id],
    questionView: p.view,
  };
}

/** Makes the `object-left-right` family with `options` over {@link OBJECT_LEFT_RIGHT_DEFAULTS}. @throws RangeError on bad options. */
export function createObjectLeftRightFamily(options: Partial<ObjectLeftRightOptions> = {}): QuestionFamily {
  const o = { ...OBJECT_LEFT_RIGHT_DEFAULTS, ...options };
  if (!(o.minGapDeg >= 0)) throw new RangeError(`${FAMILY}: minGapDeg must be ≥ 0, got ${o.minGapDeg}`);
  if (!(o.maxBearingDeg > 0 && o.maxBearingDeg <= 90)) throw new RangeError(`${FAMILY}: maxBearingDeg must be in (0, 90], got ${o.maxBearingDeg}`);
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'rl',
    optionCount: 2,
    answerClasses: 2,
    motion: SCENE_MOTION,
    scene: true,
    applies: (truth: GroundTruth, answerClass?: number) => appliesWith(truth, o, TWO_IMAGES, answerClass),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, o, TWO_IMAGES, answerClass),
    oneImage: {
      applies: (truth: GroundTruth, answerClass?: number) => appliesWith(truth, o, ONE_IMAGE, answerClass),
      build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, o, ONE_IMAGE, answerClass),
    },
  });
}

/** The `object-left-right` family with default options. */
export const objectLeftRightFamily: QuestionFamily = createObjectLeftRightFamily();
