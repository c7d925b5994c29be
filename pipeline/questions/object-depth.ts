/**
 * Family `object-depth` (RL stage; CV-Bench "depth order" on scenes of several objects, README
 * "Scenes"): which of two named objects is closer to the camera of one image? Two options, the two
 * objects' names.
 *
 * The answer is the object whose centre has the smaller depth along that camera's viewing axis
 * (OpenCV z of `meta.scene.objects[j].position` in the camera of `meta.question_view`).
 *
 * ```text
 * Question: Seen from the camera of the second image, which is closer: the blue box or the lamp?
 * Options:  A. lamp   B. blue box
 * Answer:   B
 * Reasoning: The first image shows the blue box. The second image shows the lamp; the blue box is
 *   not visible in it, so its place comes from the first image. Along the second camera's viewing
 *   direction the blue box's centre is about 1.84 m away and the lamp's about 2.37 m. So the blue box
 *   is the closer of the two, by about 0.53 m. So the answer is B: blue box.
 * ```
 *
 * A two-image record must need both images: of the two objects, one (*carried*) is hidden in the
 * asked view and seen in the other, the other is seen in the asked view; neither is a sliver in
 * a view a sentence speaks of. Answer classes: 0 = the carried object is the closer one, 1 = the
 * seen one is; balanced, so "the hidden one is farther" (an occluded object usually is) is no
 * shortcut. Re-draw rules, in this order: 'no-pair' (no carried/seen pair in either view),
 * 'similar-depth' (none with depths apart by `minGapM` and `minGapFraction` of the nearer),
 * 'no-pair-of-class'. `difficulty`: margin = the depth gap (m), bin = the gap as a share of the
 * nearer depth, value = depth of the first-named object minus the second's.
 *
 * As a single-image record (`--single-view-share`): both objects seen in the one image; classes
 * 0 = the nearer one stands left of the farther one in the image, 1 = right of it (balanced, so
 * neither side is a shortcut).
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { SCENE_MOTION } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { describeOneImage, imageName, listSceneObjects, type SceneObjectFacts } from './scene-facts.js';

const FAMILY = 'object-depth';

export interface ObjectDepthOptions {
  /** Smallest depth difference of the two centres, metres. @default 0.12 */
  minGapM: number;
  /** Smallest depth difference as a share of the nearer depth. @default 0.08 */
  minGapFraction: number;
  /** Both centres at least this far in front of the asked camera, metres. @default 0.3 */
  minDepthM: number;
}

export const OBJECT_DEPTH_DEFAULTS: Readonly<ObjectDepthOptions> = Object.freeze({ minGapM: 0.12, minGapFraction: 0.08, minDepthM: 0.3 });

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'Seen from the camera of {image}, which is closer: the {x} or the {y}?' },
  { id: 't2', text: 'Which of the two is nearer to the camera that took {image}, the {x} or the {y}?' },
  { id: 't3', text: 'Using both images, decide which object is at the smaller depth from the camera of {image}: the {x} or the {y}.' },
  { id: 't4', text: 'From where {image} was taken, is the {x} or the {y} closer to the camera?' },
];
export { TEMPLATES as OBJECT_DEPTH_TEMPLATES };

const EVIDENCE: readonly string[] = [
  "Along the {cam} camera's viewing direction, the {near}'s centre is about {dn} m away and the {far}'s about {df} m.",
  "Measured along the line of sight of the {cam} camera, the {near} sits at a depth of about {dn} m and the {far} at about {df} m.",
];

const CONCLUSIONS: readonly string[] = ['So the {near} is the closer of the two, by about {gap} m.', 'That makes the {near} the nearer one, by roughly {gap} m.'];

/** A question pair: in view `view`, `carried` is hidden (seen in the other view) and `seen` is seen. */
export interface ObjectDepthPair {
  view: 0 | 1;
  carried: SceneObjectFacts;
  seen: SceneObjectFacts;
}

function resolveOptions(options: Partial<ObjectDepthOptions>): ObjectDepthOptions {
  const o = { ...OBJECT_DEPTH_DEFAULTS, ...options };
  for (const k of ['minGapM', 'minGapFraction', 'minDepthM'] as const) if (!(o[k] >= 0)) throw new RangeError(`${FAMILY}: ${k} must be ≥ 0, got ${o[k]}`);
  return o;
}

function other(view: 0 | 1): 0 | 1 {
  return view === 0 ? 1 : 0;
}

/** Every cross-view pair of the scene, in both views (no depth rule). Pure. */
export function listObjectDepthPairs(truth: GroundTruth): ObjectDepthPair[] {
  const objects = listSceneObjects(truth);
  const pairs: ObjectDepthPair[] = [];
  for (const view of [0, 1] as const) {
    for (const carried of objects) {
      if (carried.views[view].state !== 'hidden' || carried.views[other(view)].state !== 'seen') continue;
      for (const seen of objects) if (seen !== carried && seen.views[view].state === 'seen') pairs.push({ view, carried, seen });
    }
  }
  return pairs;
}

function isClear(p: ObjectDepthPair, o: ObjectDepthOptions): boolean {
  const a = p.carried.views[p.view].depthM;
  const b = p.seen.views[p.view].depthM;
  const gap = Math.abs(a - b);
  return Math.min(a, b) >= o.minDepthM && gap >= o.minGapM && gap >= o.minGapFraction * Math.min(a, b);
}

/** Class of a pair: 0 when the carried object is the closer. */
function classOf(p: ObjectDepthPair): number {
  return p.carried.views[p.view].depthM < p.seen.views[p.view].depthM ? 0 : 1;
}

/** Difficulty bin of a depth gap as a share of the nearer depth. */
export function getObjectDepthBin(gapFraction: number): string {
  return gapFraction < 0.15 ? 'gap <15%' : gapFraction < 0.3 ? 'gap 15-30%' : 'gap ≥30%';
}

const ONE_IMAGE_TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 'one-t1', text: 'Which is closer to the camera: the {x} or the {y}?' },
  { id: 'one-t2', text: 'In the image, is the {x} or the {y} nearer to the camera?' },
  { id: 'one-t3', text: 'Which of the two stands at the smaller depth from the camera, the {x} or the {y}?' },
];
export { ONE_IMAGE_TEMPLATES as OBJECT_DEPTH_ONE_IMAGE_TEMPLATES };

const ONE_IMAGE_EVIDENCE: readonly string[] = [
  "Along the camera's viewing direction, the {near}'s centre is about {dn} m away and the {far}'s about {df} m.",
  'Measured along the line of sight, the {near} sits at a depth of about {dn} m and the {far} at about {df} m.',
];

/** One image: pairs of objects both seen in it (`carried` and `seen` are just the first and the second, in scene order; no depth rule). */
function oneImagePairs(truth: GroundTruth): ObjectDepthPair[] {
  const seen = listSceneObjects(truth).filter((f) => f.views[0].state === 'seen');
  const pairs: ObjectDepthPair[] = [];
  for (let i = 0; i < seen.length; i++) for (let j = i + 1; j < seen.length; j++) pairs.push({ view: 0, carried: seen[i], seen: seen[j] });
  return pairs;
}

/** Class of a one-image pair: 0 when the nearer object's centre lies left of the farther's in the image (so left/right is no shortcut). */
function oneImageClass({ carried: a, seen: b }: ObjectDepthPair): number {
  const [near, far] = a.views[0].depthM < b.views[0].depthM ? [a, b] : [b, a];
  return near.views[0].centrePx[0] < far.views[0].centrePx[0] ? 0 : 1;
}

/** What differs between the two-image question and the one-image one (README, "Scenes"). */
interface Form {
  templates: readonly { id: string; text: string }[];
  pairs: (truth: GroundTruth) => ObjectDepthPair[];
  classOf: (p: ObjectDepthPair) => number;
  /** The sentences about what the image(s) show of the pair, `x` and `y` in the order the question names them. */
  describe: (p: ObjectDepthPair, x: SceneObjectFacts, y: SceneObjectFacts) => string[];
  evidence: readonly string[];
}

const TWO_IMAGES: Form = {
  templates: TEMPLATES,
  pairs: listObjectDepthPairs,
  classOf,
  describe: ({ view, carried, seen }) => [
    `${capitalise(imageName(other(view)))} shows ${carried.label}.`,
    `${capitalise(imageName(view))} shows ${seen.label}; ${carried.label} is not visible in it, so its place comes from ${imageName(other(view))}.`,
  ],
  evidence: EVIDENCE,
};

const ONE_IMAGE: Form = { templates: ONE_IMAGE_TEMPLATES, pairs: oneImagePairs, classOf: oneImageClass, describe: (_p, x, y) => [describeOneImage([x, y])], evidence: ONE_IMAGE_EVIDENCE };

function appliesWith(truth: GroundTruth, o: ObjectDepthOptions, form: Form, answerClass?: number): Applicability {
  const pairs = form.pairs(truth);
  if (pairs.length === 0) return { ok: false, reason: 'no-pair' };
  const clear = pairs.filter((p) => isClear(p, o));
  if (clear.length === 0) return { ok: false, reason: 'similar-depth' };
  if (answerClass !== undefined && !clear.some((p) => form.classOf(p) === answerClass % 2)) return { ok: false, reason: 'no-pair-of-class' };
  return { ok: true };
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: ObjectDepthOptions, form: Form, answerClass?: number): BuiltQuestion {
  const verdict = appliesWith(truth, o, form, answerClass);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(form.templates);
  const style = drawReasoningStyle(rng);
  const pair = rng.pick(form.pairs(truth).filter((p) => isClear(p, o) && (answerClass === undefined || form.classOf(p) === answerClass % 2)));
  const { view, carried, seen } = pair;
  const [x, y] = rng.chance(0.5) ? [carried, seen] : [seen, carried];
  const [near, far] = carried.views[view].depthM < seen.views[view].depthM ? [carried, seen] : [seen, carried];
  const gap = far.views[view].depthM - near.views[view].depthM;
  const arranged = arrangeOptions(FAMILY, near.spec.name, [far.spec.name], answerSlot, rng);
  const cam = view === 0 ? 'first' : 'second';
  const reasoning = [
    ...form.describe(pair, x, y),
    fillTemplate(form.evidence[style.change % form.evidence.length], { cam, near: near.spec.name, far: far.spec.name, dn: near.views[view].depthM.toFixed(2), df: far.views[view].depthM.toFixed(2) }),
    fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], { near: near.spec.name, gap: gap.toFixed(2) }),
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { image: imageName(view), x: x.spec.name, y: y.spec.name }),
    ...arranged,
    reasoning,
    difficulty: { margin: gap, marginUnit: 'm', bin: getObjectDepthBin(gap / near.views[view].depthM), value: x.views[view].depthM - y.views[view].depthM },
    namedObjects: [x.spec.id, y.spec.id],
    questionView: view,
  };
}

function capitalise(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}

/** Makes the `object-depth` family with `options` over {@link OBJECT_DEPTH_DEFAULTS}. @throws RangeError on bad options. */
export function createObjectDepthFamily(options: Partial<ObjectDepthOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'same',
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

/** The `object-depth` family with default options. */
export const objectDepthFamily: QuestionFamily = createObjectDepthFamily();
