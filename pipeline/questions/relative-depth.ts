/**
 * Family `relative-depth` (RL stage, SAT style "relative depth"): in the second image, which of
 * two named parts is nearer to the camera? Two options, the two part labels.
 *
 * The answer is the part whose centre has the smaller depth along camera B's viewing axis
 * (OpenCV z of the part centre in camera B, {@link PartView.depthM}).
 *
 * ```text
 * Question: From the camera position of the second image, which is farther forward, that is, closer
 *   to the camera: the purple handle or the black body?
 * Options:  A. the purple handle   B. the black body
 * Answer:   A
 * Reasoning: The second image shows the purple handle and the black body in the centre, with the
 *   purple handle the nearest of them to the camera. Measured along the second camera's line of
 *   sight, the purple handle sits at a depth of about 3.56 m and the black body at about 3.93 m. So
 *   the purple handle is the nearer of the two, by about 0.36 m. So the answer is A: the purple
 *   handle.
 * ```
 * (Generated: seed 0, sample 1, 512 px.)
 *
 * Candidates: parts visible in view B (at least `minPartVisibleFraction` of them seen) with their
 * centre in the image ({@link listQuestionParts}).
 * A pair qualifies when its depths differ by at least `minDepthGapFraction` of the nearer depth
 * (and at least `minDepthGapM`). The pair, the order the question names them in and the option
 * order are drawn with the question's RNG. `difficulty`: margin = the depth gap (m), bin = the gap
 * as a share of the nearer depth ({@link getDepthGapBin}), value = depth of the first-named part
 * minus the second's (m). Re-draw rules ({@link relativeDepthApplies}), in this
 * order: 'out-of-frame' / 'too-small' (either view), 'too-few-parts' (no candidate in view B),
 * 'no-hidden-part' (none carried over from view A), 'similar-depth' (no qualifying pair),
 * 'no-pair-of-class' (none whose nearer part is the balanced answer class's), 'pair-balance'
 * (kept with the mean acceptance of the class's pairs, pipeline/questions/pair-balance.ts, so
 * that every pair kind is asked with each part the nearer one equally often: without it the part
 * names alone gave the answer 81.6 % of the time). The pair is then picked with probability
 * proportional to its acceptance.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { checkFraming, FRAMING_DEFAULTS } from './check-framing.js';
import { answerSentence, carriedSentence, describeView, drawReasoningStyle, fillTemplate, observeViews, type PartMention } from './describe-view.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { FAR_APART_MOTION } from './family-motion.js';
import { meanAcceptance, pickBalancedPair, type PairBalance } from './pair-balance.js';
import { MIN_NAMED_PART_VISIBLE_FRACTION, listCarriedParts, listCrossViewPairs, listQuestionParts, type QuestionPart } from './question-parts.js';
import { RELATIVE_DEPTH_BALANCE } from './relative-depth-balance.js';

const FAMILY = 'relative-depth';

/** Options of the `relative-depth` family. */
export interface RelativeDepthOptions {
  /**
   * Smallest depth difference of the two part centres, as a share of the nearer one's depth.
   * @default 0.05
   */
  minDepthGapFraction: number;
  /**
   * Smallest depth difference of the two part centres, metres.
   * @default 0.05
   */
  minDepthGapM: number;
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

/** Defaults of {@link RelativeDepthOptions}. */
export const RELATIVE_DEPTH_DEFAULTS: Readonly<RelativeDepthOptions> = Object.freeze({
  minDepthGapFraction: 0.05,
  minDepthGapM: 0.05,
  minPartVisibleFraction: MIN_NAMED_PART_VISIBLE_FRACTION,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
});

/** Question phrasings (`{x}`, `{y}`: part labels in the order named); the template id is `relative-depth/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'Seen from where the second image was taken, which part is closer to the camera: {x} or {y}?' },
  { id: 't2', text: 'Think of the camera that took the second image. Which of these two parts is nearer to it, {x} or {y}?' },
  { id: 't3', text: 'From the camera position of the second image, which is farther forward, that is, closer to the camera: {x} or {y}?' },
  { id: 't4', text: 'Using both images, decide which of {x} and {y} is at the smaller distance from the second camera.' },
];
export { TEMPLATES as RELATIVE_DEPTH_TEMPLATES };

/** Evidence phrasings: both depths. */
const EVIDENCE: readonly string[] = [
  'Along the second camera\'s viewing direction, the centre of {near} is about {dn} m away and that of {far} about {df} m.',
  'Measured along the second camera\'s line of sight, {near} sits at a depth of about {dn} m and {far} at about {df} m.',
];

/** Conclusion phrasings. */
const CONCLUSIONS: readonly string[] = [
  'So {near} is the nearer of the two, by about {gap} m.',
  'That makes {near} the closer one to the camera, by roughly {gap} m.',
];

/** Everything the answer and the reasoning are written from. */
export interface RelativeDepthFacts {
  /** The nearer and the farther part in view B. */
  near: QuestionPart;
  far: QuestionPart;
  /** Depth difference of the centres, metres (> 0). */
  gapM: number;
  /** The gap as a share of the nearer depth. */
  gapFraction: number;
}

/** Difficulty bin of a relative depth gap: "gap <10%", "gap 10-20%" or "gap ≥20%" of the nearer depth. */
export function getDepthGapBin(gapFraction: number): string {
  return gapFraction < 0.1 ? 'gap <10%' : gapFraction < 0.2 ? 'gap 10-20%' : 'gap ≥20%';
}

function resolveOptions(options: Partial<RelativeDepthOptions>): RelativeDepthOptions {
  const o: RelativeDepthOptions = { ...RELATIVE_DEPTH_DEFAULTS, ...options };
  if (!(o.minDepthGapFraction >= 0)) throw new RangeError(`${FAMILY}: minDepthGapFraction must be ≥ 0, got ${o.minDepthGapFraction}`);
  if (!(o.minDepthGapM >= 0)) throw new RangeError(`${FAMILY}: minDepthGapM must be ≥ 0, got ${o.minDepthGapM}`);
  if (!(o.minPartVisibleFraction >= 0 && o.minPartVisibleFraction <= 1)) throw new RangeError(`${FAMILY}: minPartVisibleFraction must be in [0, 1], got ${o.minPartVisibleFraction}`);
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  return o;
}

function isClearPair(a: QuestionPart, b: QuestionPart, o: RelativeDepthOptions): boolean {
  const gap = Math.abs(a.view.depthM - b.view.depthM);
  return gap >= o.minDepthGapM && gap >= o.minDepthGapFraction * Math.min(a.view.depthM, b.view.depthM);
}

/** Candidate pairs of view B, `[part hidden in B and seen in A, part seen in B]`. Pure. */
export function listRelativeDepthPairs(truth: GroundTruth, options: Partial<RelativeDepthOptions> = {}): [QuestionPart, QuestionPart][] {
  return pairsWith(truth, resolveOptions(options));
}

/** Cross-view pairs `[carried, visible]` of view B ({@link listCrossViewPairs}) with a clear depth gap. */
function pairsWith(truth: GroundTruth, o: RelativeDepthOptions): [QuestionPart, QuestionPart][] {
  return listCrossViewPairs(truth, 1, o.minPartVisibleFraction, (a, b) => isClearPair(a, b, o));
}

/** The facts of a pair. Pure. */
export function relativeDepthFacts(a: QuestionPart, b: QuestionPart): RelativeDepthFacts {
  const [near, far] = a.view.depthM < b.view.depthM ? [a, b] : [b, a];
  const gapM = far.view.depthM - near.view.depthM;
  return { near, far, gapM, gapFraction: gapM / near.view.depthM };
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function relativeDepthApplies(truth: GroundTruth, options: Partial<RelativeDepthOptions> = {}, answerClass?: number, draw?: Rng): Applicability {
  return appliesWith(truth, resolveOptions(options), RELATIVE_DEPTH_BALANCE, answerClass, draw);
}

/**
 * Answer classes: 0 = the nearer part of the pair is the one whose name comes first in
 * alphabetical order, 1 = the other. Balancing them means that for any two part names asked
 * about together, each is the answer about as often: a blind guesser cannot learn "the body is
 * nearer" (a large central part is rarely the one the second image hides, and a hidden part is
 * usually the farther one).
 */
function ofClass(pairs: [QuestionPart, QuestionPart][], answerClass: number | undefined): [QuestionPart, QuestionPart][] {
  if (answerClass === undefined) return pairs;
  return pairs.filter(([a, b]) => {
    const [first, second] = a.name < b.name ? [a, b] : [b, a];
    return (first.view.depthM < second.view.depthM) === (answerClass % 2 === 0);
  });
}

/**
 * The pairs a sample of `answerClass` may compare (none when the sample cannot be asked about at
 * all): what the pair balance is measured on (pipeline/plan/pair-balance-calibration.ts). Pure.
 */
export function listRelativeDepthPairsOfClass(truth: GroundTruth, answerClass: number, options: Partial<RelativeDepthOptions> = {}): [QuestionPart, QuestionPart][] {
  const o = resolveOptions(options);
  if (!checkFraming(truth, o).ok) return [];
  return ofClass(pairsWith(truth, o), answerClass);
}

function appliesWith(truth: GroundTruth, o: RelativeDepthOptions, balance: PairBalance, answerClass?: number, draw?: Rng): Applicability {
  const framing = checkFraming(truth, o);
  if (!framing.ok) return framing;
  if (listQuestionParts(truth, 1, o.minPartVisibleFraction).length < 1) return { ok: false, reason: 'too-few-parts' };
  if (listCarriedParts(truth, 1, o.minPartVisibleFraction).length === 0) return { ok: false, reason: 'no-hidden-part' };
  const pairs = pairsWith(truth, o);
  if (pairs.length === 0) return { ok: false, reason: 'similar-depth' };
  const ofItsClass = ofClass(pairs, answerClass);
  if (ofItsClass.length === 0) return { ok: false, reason: 'no-pair-of-class' };
  // Pair balance (pipeline/questions/pair-balance.ts): keep the sample with the mean acceptance of its class's pairs.
  if (answerClass !== undefined && draw !== undefined && !(draw.next() < meanAcceptance(balance, ofItsClass, answerClass))) return { ok: false, reason: 'pair-balance' };
  return { ok: true };
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style, pair, order the
 * question names the parts in, option order.
 * @throws Error when the sample does not apply (call {@link relativeDepthApplies} first).
 */
export function buildRelativeDepthQuestion(truth: GroundTruth, rng: Rng, answerSlot: number, options: Partial<RelativeDepthOptions> = {}, answerClass?: number): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options), RELATIVE_DEPTH_BALANCE, answerClass);
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: RelativeDepthOptions, balance: PairBalance, answerClass?: number): BuiltQuestion {
  const verdict = appliesWith(truth, o, balance, answerClass);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const candidates = ofClass(pairsWith(truth, o), answerClass);
  const pair = answerClass === undefined ? rng.pick(candidates) : pickBalancedPair(balance, candidates, answerClass, rng);
  const [carried, seenB] = pair;
  const [x, y] = rng.chance(0.5) ? pair : [pair[1], pair[0]];
  const facts = relativeDepthFacts(x, y);
  const arranged = arrangeOptions(FAMILY, facts.near.label, [facts.far.label], answerSlot, rng);
  // The image sentences list just the two parts where they are seen: the carried one in image A, the other in image B
  // (alone there, so no sentence calls a part of image B the nearest).
  const obs = observeViews(truth);
  const seenIn = (view: 0 | 1, names: string[]) => names.map((n) => obs.visible[view].find((m) => m.name === n)).filter((m): m is PartMention => m !== undefined);
  const depths = { near: facts.near.label, far: facts.far.label, dn: facts.near.view.depthM.toFixed(2), df: facts.far.view.depthM.toFixed(2) };
  const reasoning = [
    describeView(seenIn(0, [x.name, y.name]), 'first', style.views[0], 3),
    carriedSentence(seenIn(0, [carried.name])[0], 'second', style.views[1]),
    describeView(seenIn(1, [seenB.name]), 'second', style.views[1], 3),
    fillTemplate(EVIDENCE[style.change % EVIDENCE.length], depths),
    fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], { near: facts.near.label, gap: facts.gapM.toFixed(2) }),
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { x: x.label, y: y.label }),
    ...arranged,
    reasoning,
    difficulty: { margin: facts.gapM, marginUnit: 'm', bin: getDepthGapBin(facts.gapFraction), value: x.view.depthM - y.view.depthM },
    namedParts: [
      { view: 1, name: x.name },
      { view: 1, name: y.name },
    ],
  };
}

/**
 * Makes the `relative-depth` family with `options` over {@link RELATIVE_DEPTH_DEFAULTS}; `balance`
 * is the pair-balance table (default: the one measured on the planner's default scenes; `{}` keeps
 * every pair). @throws RangeError on bad options.
 */
export function createRelativeDepthFamily(options: Partial<RelativeDepthOptions> = {}, balance: PairBalance = RELATIVE_DEPTH_BALANCE): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'same',
    name: FAMILY,
    stage: 'rl' as const,
    optionCount: 2,
    answerClasses: 2,
    motion: FAR_APART_MOTION,
    namesParts: true,
    applies: (truth: GroundTruth, answerClass?: number, draw?: Rng) => appliesWith(truth, o, balance, answerClass, draw),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, o, balance, answerClass),
  });
}

/** The `relative-depth` family with default options. */
export const relativeDepthFamily: QuestionFamily = createRelativeDepthFamily();
