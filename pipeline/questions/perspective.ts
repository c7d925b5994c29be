/**
 * Family `perspective` (RL stage, SAT style "perspective taking"): from the viewpoint of the second
 * image, is part X to the left or to the right of part Y? Two options, "left" and "right".
 *
 * The planner puts the two cameras far apart (|Δazimuth| 60–180°), so the first image often shows
 * the two parts the other way round or not at all: the question is about the second viewpoint.
 * The answer is the sign of x_X − x_Y, the part centres' x in camera B's OpenCV frame (x right);
 * the pair is used only when the projected centres' order in image B (u) agrees and is far
 * enough apart.
 *
 * ```text
 * Question: Imagine standing where the second image was taken, facing the object. From there, is
 *   the orange fin to the left or to the right of the green body?
 * Options:  A. left   B. right
 * Answer:   B
 * Reasoning: In the second image I see the orange fin in the upper right and the green body in the
 *   centre; of these, the green body is closest to the camera. There, the centre of the orange fin
 *   lies about 80 px (16% of the width) to the right of the centre of the green body, and in the
 *   second camera's own frame it sits about 0.42 m further right. From the first viewpoint, by
 *   contrast, the orange fin appears to the left of the green body. So, from the second viewpoint,
 *   the orange fin is to the right of the green body. This matches option B, "right".
 * ```
 * (Generated: seed 0, sample 2, 512 px.)
 *
 * Candidates: parts visible in view B (at least `minPartVisibleFraction` of them seen) with their
 * centre in the image ({@link listQuestionParts}).
 * A pair qualifies when its centres are at least `minSeparationFraction` of the image width apart
 * in image B, at least `minLateralM` apart along camera B's x axis, and both orders agree. The
 * pair and its order are drawn with the question's RNG. Re-draw rules ({@link perspectiveApplies}),
 * in this order: 'out-of-frame' / 'too-small' (either view), 'too-few-parts' (fewer than two
 * candidates in view B), 'parts-too-close' (no qualifying pair).
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { checkFraming, FRAMING_DEFAULTS } from './check-framing.js';
import { answerSentence, carriedSentence, countWords, describeView, drawReasoningStyle, fillTemplate, observeViews, type PartMention } from './describe-view.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { FAR_APART_MOTION } from './family-motion.js';
import { MIN_NAMED_PART_VISIBLE_FRACTION, listCarriedParts, listCrossViewPairs, listQuestionParts, type QuestionPart } from './question-parts.js';

const FAMILY = 'perspective';

/** Which side, from the second viewpoint. */
export type LateralSide = 'left' | 'right';

/** Options of the `perspective` family. */
export interface PerspectiveOptions {
  /**
   * Smallest horizontal distance between the two projected part centres in image B, as a share
   * of the image width.
   * @default 0.06
   */
  minSeparationFraction: number;
  /**
   * Smallest distance between the two part centres along camera B's x axis, metres.
   * @default 0.05
   */
  minLateralM: number;
  /**
   * A part is named only when at least this share of its visibility samples is seen in the view
   * ({@link PartView.visibleFraction}; an unoccluded box scores about 0.6).
   * @default 0.25
   */
  minPartVisibleFraction: number;
  /**
   * Re-draw when either view's object coverage is below this share of the image.
   * @default 0.04
   */
  minCoverage: number;
}

/** Defaults of {@link PerspectiveOptions}. */
export const PERSPECTIVE_DEFAULTS: Readonly<PerspectiveOptions> = Object.freeze({
  minSeparationFraction: 0.06,
  minLateralM: 0.05,
  minPartVisibleFraction: MIN_NAMED_PART_VISIBLE_FRACTION,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
});

/** Question phrasings (`{x}`, `{y}`: part labels); the template id is `perspective/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  {
    id: 't1',
    text: 'Imagine standing where the second image was taken, facing the object. From there, is {x} to the left or to the right of {y}?',
  },
  {
    id: 't2',
    text: 'Take the viewpoint of the camera that took the second image. From that viewpoint, is {x} on the left side or the right side of {y}?',
  },
  {
    id: 't3',
    text: 'The two images show the same object from two quite different directions. Seen from the position of the second camera, does {x} lie to the left or to the right of {y}?',
  },
  {
    id: 't4',
    text: 'Suppose you moved from where the first image was taken to where the second image was taken. Now facing the object, would you see {x} to the left or to the right of {y}?',
  },
];
export { TEMPLATES as PERSPECTIVE_TEMPLATES };

/** Evidence phrasings: where the second camera stands, and the pair's camera-frame offset there. */
const EVIDENCE: readonly string[] = [
  'The second camera looks from about {turn}° further {dir} around the object; in its frame the centre of {x} lies about {m} m to the {side} of the centre of {y}.',
  'Carrying {c} over into the second camera\'s frame, about {turn}° further {dir} around the object, the centre of {x} sits about {m} m further {side} than that of {y}.',
];

/** Phrasings of how the pair looks from the first viewpoint (only when both parts are candidates there). */
const FIRST_VIEW: Readonly<Record<'same' | 'opposite', readonly string[]>> = {
  same: ['From the first viewpoint, too, {x} appears to the {side} of {y}.', 'The first viewpoint shows the same order: {x} to the {side} of {y}.'],
  opposite: ['From the first viewpoint, by contrast, {x} appears to the {side} of {y}.', 'The first viewpoint shows the opposite order, with {x} to the {side} of {y}.'],
};

/** Conclusion phrasings. */
const CONCLUSIONS: readonly string[] = [
  'So, from the second viewpoint, {x} is to the {side} of {y}.',
  'Taking the second camera\'s point of view, {x} is therefore on the {side} of {y}.',
];

/** Everything the answer and the reasoning are written from. */
export interface PerspectiveFacts {
  /** The part asked about (X) and the reference part (Y), as seen in view B. */
  subject: QuestionPart;
  reference: QuestionPart;
  /** Side of X relative to Y from viewpoint B. */
  side: LateralSide;
  /** |u_X − u_Y| in image B, pixels. */
  separationPx: number;
  /** |x_X − x_Y| in camera B's frame, metres. */
  lateralM: number;
  /** Side of X relative to Y in image A, when both are candidates there and far enough apart; else null. */
  sideInA: LateralSide | null;
}

function resolveOptions(options: Partial<PerspectiveOptions>): PerspectiveOptions {
  const o: PerspectiveOptions = { ...PERSPECTIVE_DEFAULTS, ...options };
  if (!(o.minSeparationFraction >= 0 && o.minSeparationFraction < 1)) throw new RangeError(`${FAMILY}: minSeparationFraction must be in [0, 1), got ${o.minSeparationFraction}`);
  if (!(o.minLateralM >= 0)) throw new RangeError(`${FAMILY}: minLateralM must be ≥ 0, got ${o.minLateralM}`);
  if (!(o.minPartVisibleFraction >= 0 && o.minPartVisibleFraction <= 1)) throw new RangeError(`${FAMILY}: minPartVisibleFraction must be in [0, 1], got ${o.minPartVisibleFraction}`);
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  return o;
}

/** Whether the pair's image order and camera-frame order agree and both are clear. */
function isClearPair(a: QuestionPart, b: QuestionPart, width: number, o: PerspectiveOptions): boolean {
  const du = a.view.centrePx[0] - b.view.centrePx[0];
  const dx = a.cameraXyz[0] - b.cameraXyz[0];
  return Math.abs(du) >= o.minSeparationFraction * width && Math.abs(dx) >= o.minLateralM && Math.sign(du) === Math.sign(dx);
}

/** Candidate pairs of view B, `[part hidden in B and seen in A, part seen in B]`. Pure. */
export function listPerspectivePairs(truth: GroundTruth, options: Partial<PerspectiveOptions> = {}): [QuestionPart, QuestionPart][] {
  const o = resolveOptions(options);
  return pairsWith(truth, o);
}

/** Cross-view pairs `[carried, visible]` of view B ({@link listCrossViewPairs}) whose orders agree and are clear. */
function pairsWith(truth: GroundTruth, o: PerspectiveOptions): [QuestionPart, QuestionPart][] {
  const width = truth.views[1].camera.K.width;
  return listCrossViewPairs(truth, 1, o.minPartVisibleFraction, (a, b) => isClearPair(a, b, width, o));
}

/** The facts for subject X and reference Y (both candidates of view B). Pure. */
export function perspectiveFacts(truth: GroundTruth, subject: QuestionPart, reference: QuestionPart, options: Partial<PerspectiveOptions> = {}): PerspectiveFacts {
  return factsWith(truth, subject, reference, resolveOptions(options));
}

function factsWith(truth: GroundTruth, subject: QuestionPart, reference: QuestionPart, o: PerspectiveOptions): PerspectiveFacts {
  const dx = subject.cameraXyz[0] - reference.cameraXyz[0];
  const inA = listQuestionParts(truth, 0, o.minPartVisibleFraction);
  const xa = inA.find((p) => p.name === subject.name);
  const ya = inA.find((p) => p.name === reference.name);
  const widthA = truth.views[0].camera.K.width;
  const sideInA = xa && ya && isClearPair(xa, ya, widthA, o) ? (xa.cameraXyz[0] < ya.cameraXyz[0] ? 'left' : 'right') : null;
  return {
    subject,
    reference,
    side: dx < 0 ? 'left' : 'right',
    separationPx: Math.abs(subject.view.centrePx[0] - reference.view.centrePx[0]),
    lateralM: Math.abs(dx),
    sideInA,
  };
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function perspectiveApplies(truth: GroundTruth, options: Partial<PerspectiveOptions> = {}): Applicability {
  return appliesWith(truth, resolveOptions(options));
}

function appliesWith(truth: GroundTruth, o: PerspectiveOptions): Applicability {
  const framing = checkFraming(truth, o);
  if (!framing.ok) return framing;
  if (listQuestionParts(truth, 1, o.minPartVisibleFraction).length < 1) return { ok: false, reason: 'too-few-parts' };
  if (listCarriedParts(truth, 1, o.minPartVisibleFraction).length === 0) return { ok: false, reason: 'no-hidden-part' };
  if (pairsWith(truth, o).length === 0) return { ok: false, reason: 'parts-too-close' };
  return { ok: true };
}

/** The mention of a question part, for {@link describeView}. */
function mentionOf(obs: PartMention[], name: string): PartMention | undefined {
  return obs.find((m) => m.name === name);
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style, pair, option order;
 * the order the pair is named in makes the answer `answerClass`'s side (0 left, 1 right).
 * @throws Error when the sample does not apply (call {@link perspectiveApplies} first).
 */
export function buildPerspectiveQuestion(truth: GroundTruth, rng: Rng, answerSlot: number, options: Partial<PerspectiveOptions> = {}, answerClass = 0): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options), answerClass);
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: PerspectiveOptions, answerClass = 0): BuiltQuestion {
  const verdict = appliesWith(truth, o);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const pair = rng.pick(pairsWith(truth, o));
  const carried = pair[0];
  // The pair's order decides the answer: X left of Y is Y right of X. Name them so the answer is the balanced class's side.
  const target: LateralSide = answerClass % 2 === 0 ? 'left' : 'right';
  const leftFirst = pair[0].cameraXyz[0] < pair[1].cameraXyz[0];
  const [subject, reference] = leftFirst === (target === 'left') ? pair : [pair[1], pair[0]];
  const facts = factsWith(truth, subject, reference, o);
  const other: LateralSide = facts.side === 'left' ? 'right' : 'left';
  const arranged = arrangeOptions(FAMILY, facts.side, [other], answerSlot, rng);
  const names = { x: subject.label, y: reference.label };
  const obs = observeViews(truth);
  // Image sentences: the two parts first (where visible), at most one more part per image.
  const listFor = (view: 0 | 1): PartMention[] => {
    const pairMentions = [subject.name, reference.name].map((n) => mentionOf(obs.visible[view], n)).filter((m): m is PartMention => m !== undefined);
    const rest = obs.visible[view].filter((m) => m.name !== subject.name && m.name !== reference.name);
    return [...pairMentions, ...rest].slice(0, Math.max(2, pairMentions.length));
  };
  const evidence = fillTemplate(EVIDENCE[style.change % EVIDENCE.length], {
    ...names,
    c: carried.label,
    turn: String(Math.round(Math.abs(truth.deltaAzimuthDeg))),
    dir: truth.deltaAzimuthDeg > 0 ? 'right' : 'left',
    m: facts.lateralM.toFixed(2),
    side: facts.side,
  });
  const hidden = carriedSentence(mentionOf(obs.visible[0], carried.name)!, 'second', style.views[1]);
  const firstView =
    facts.sideInA === null
      ? []
      : [fillTemplate(FIRST_VIEW[facts.sideInA === facts.side ? 'same' : 'opposite'][style.answer % 2], { ...names, side: facts.sideInA })];
  const tail = [
    fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], { ...names, side: facts.side }),
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ];
  const viewA = describeView(listFor(0), 'first', style.views[0], 3);
  const viewB = describeView(listFor(1), 'second', style.views[1], 3);
  // Word budget: drop the first-image sentences before the evidence, never what carries the hidden part over.
  let reasoning = [viewA, hidden, viewB, evidence, ...firstView, ...tail].join(' ');
  if (countWords(reasoning) > 120) reasoning = [hidden, viewB, evidence, ...firstView, ...tail].join(' ');
  if (countWords(reasoning) > 120) reasoning = [hidden, viewB, evidence, ...tail].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, names),
    ...arranged,
    reasoning,
    difficulty: { margin: facts.separationPx, marginUnit: 'px', bin: facts.side, value: subject.view.centrePx[0] - reference.view.centrePx[0] },
    namedParts: [
      { view: 1, name: subject.name },
      { view: 1, name: reference.name },
    ],
  };
}

/** Makes the `perspective` family with `options` over {@link PERSPECTIVE_DEFAULTS}. @throws RangeError on bad options. */
export function createPerspectiveFamily(options: Partial<PerspectiveOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'rl' as const,
    optionCount: 2,
    answerClasses: 2,
    motion: FAR_APART_MOTION,
    turnSensitive: true,
    namesParts: true,
    applies: (truth: GroundTruth) => appliesWith(truth, o),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, o, answerClass),
  });
}

/** The `perspective` family with default options. */
export const perspectiveFamily: QuestionFamily = createPerspectiveFamily();
