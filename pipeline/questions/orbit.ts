/**
 * Family `orbit` (SFT stage, Viewpoint-100K style): which way, and through about what angle, the
 * camera moved around the object between the two images — multiple choice over direction × angle
 * bins of |Δazimuth| (0–30°, 30–60°, 60–90°, 90–135°, 135–180°, each left and right).
 *
 * The answer comes from `truth.deltaAzimuthDeg` (azimuth of B − A wrapped to (−180, 180];
 * positive = the camera moved to its right, i.e. along camera A's +x axis; README, Conventions).
 *
 * ```text
 * Question: Suppose you took the first image, then walked around the object and took the second
 *   image. Which way did you walk, and through about how many degrees around the object?
 * Options:  A. left, 60–90°   B. right, 30–60°   C. right, 60–90°   D. left, 30–60°
 * Answer:   B
 * Reasoning: The first image shows the red fin on the right, the cyan body in the centre, and the
 *   orange foot at the bottom centre, with the red fin the nearest of them to the camera. In the
 *   second image I see the red fin and the cyan body in the centre, and the black handle on the
 *   right; of these, the red fin is closest to the camera. Compared with the first image, the
 *   second image newly shows the black handle but no longer shows the orange foot. Comparing the
 *   two camera positions, the camera orbited about 45° to the right around the object, which falls
 *   in the 30–60° bin. This matches option B, "right, 30–60°".
 * ```
 * (Generated: seed 0, sample 3, 512 px.)
 *
 * Options: the true bin, the same bin in the opposite direction, a nearby bin in the true
 * direction and that bin's mirror. Re-draw rules ({@link orbitApplies}), in this order:
 * 'out-of-frame' / 'too-small' (either view), 'near-bin-edge' (|Δazimuth| within
 * `edgeMarginDeg` of any bin edge, 0° and 180° included), 'direction-disagrees' (sign of
 * Δazimuth differs from the sign of `truth.relative.motionInA[0]`, the move along camera A's x
 * axis; checked after the edges, where near 0° and 180° that sign is numerical noise).
 *
 * CONTRIBUTOR NOTES
 * - Distractors. The first layout tried was "true bin, its mirror, and the two nearest bins in
 *   the true direction". It gives the answer away through the option list alone: three options
 *   share the true direction ("pick the majority direction" is always right), and the true range
 *   is the only one offered in both directions ("pick the range that has a mirror" is always
 *   right). Measured on 2,000 seed-0 samples, a text-only guesser scored 100% with that layout.
 *   A model trained on it learns to read the options, not the images.
 *   The layout used now is symmetric in direction — {true bin, its mirror, partner bin, its
 *   mirror}: two lefts and two rights, same two magnitudes — and the partner bin is drawn from a
 *   symmetric matrix W with zero diagonal whose rows sum to 1 (`pairWeights`). Then
 *   P(option set | true bin a) = W[a][b] = W[b][a] = P(option set | true bin b), so the option set
 *   says nothing about which of its two magnitudes is true beyond the planner's own prior. The
 *   default W keeps partners close (every partner is within two bins; end bins pair with their
 *   neighbour 3 times in 4), so the magnitude distractor is a hard one, and the mirror teaches
 *   direction. Measured the same way, the best text-only guesser (the commonest answer per option
 *   set) scored 28.8% against 25% chance while the planner drew Δazimuth uniformly (45°-wide bins
 *   came up 1.75× as often); the planner now draws the bin first, which removes that prior.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { checkFraming, FRAMING_DEFAULTS } from './check-framing.js';
import { drawReasoningStyle, fillTemplate, observeViews, subjectWording, writeReasoning, type Observations } from './describe-view.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { binnedOrbitMotion } from './family-motion.js';
import { checkBinEdges, checkPairWeights, drawPartnerBin, formatAngleInBin, getBinIndex, getBinRange, getEdgeMargin, uniformPairWeights } from './signed-bins.js';

const FAMILY = 'orbit';

/** Direction of a camera move along camera A's x axis (OpenCV: x right). */
export type OrbitSide = 'left' | 'right';

/** Options of the `orbit` family. */
export interface OrbitOptions {
  /**
   * Edges of the |Δazimuth| bins, degrees, strictly ascending from 0 to 180.
   * @default [0, 30, 60, 90, 135, 180]
   */
  binEdgesDeg: readonly number[];
  /**
   * Re-draw when |Δazimuth| is closer than this to any bin edge (0° and 180° included), degrees.
   * @default 5
   */
  edgeMarginDeg: number;
  /**
   * Re-draw when either view's object coverage is below this share of the image.
   * @default 0.04
   */
  minCoverage: number;
  /**
   * Partner-bin weights (one row and column per bin): symmetric, zero diagonal, rows summing to 1
   * (see the file notes). Row i is the distribution of the magnitude distractor when bin i is
   * true. `null` = the default matrix for the default five bins, else uniform over the other bins.
   * @default null
   */
  pairWeights: readonly (readonly number[])[] | null;
}

/**
 * Partner weights for the five default bins: every partner within two bins; end bins pair with
 * their neighbour with probability 3/4, the middle bin with each other bin with 1/4.
 */
export const ORBIT_PAIR_WEIGHTS_5: readonly (readonly number[])[] = Object.freeze([
  [0, 0.75, 0.25, 0, 0],
  [0.75, 0, 0.25, 0, 0],
  [0.25, 0.25, 0, 0.25, 0.25],
  [0, 0, 0.25, 0, 0.75],
  [0, 0, 0.25, 0.75, 0],
]);

/** Defaults of {@link OrbitOptions}. */
export const ORBIT_DEFAULTS: Readonly<OrbitOptions> = Object.freeze({
  binEdgesDeg: Object.freeze([0, 30, 60, 90, 135, 180]),
  edgeMarginDeg: 5,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
  pairWeights: null,
});

/** Question phrasings; the template id is `orbit/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  {
    id: 't1',
    text: 'The camera moved around the object between the first image and the second image. In which direction, to its left or to its right, and by roughly what angle did it orbit?',
  },
  {
    id: 't2',
    text: 'From the first image to the second image, the camera circles around the object. Which option gives the direction (to the camera\'s left or right) and the angle range of that move?',
  },
  {
    id: 't3',
    text: 'Suppose you took the first image, then walked around the object and took the second image. Which way did you walk, and through about how many degrees around the object?',
  },
  {
    id: 't4',
    text: 'Both images show the same object from different viewpoints on a circle around it. How far, and in which direction, did the viewpoint move around the object from the first image to the second?',
  },
];
export { TEMPLATES as ORBIT_TEMPLATES };

/** Conclusion phrasings: the actual angle and its bin. */
const CONCLUSIONS: readonly string[] = [
  'Comparing the two camera positions, the camera orbited about {deg}° to the {side} around the object, which falls in the {bin} bin.',
  'Putting the two viewpoints together, the camera swung about {deg}° around the object to its {side}, inside the {bin} range.',
];

/** Everything the answer and the reasoning are written from. */
export interface OrbitFacts {
  /** Signed azimuth change B − A, degrees, (−180, 180]; positive = moved right. */
  deltaAzimuthDeg: number;
  side: OrbitSide;
  /** |Δazimuth|, degrees. */
  magnitudeDeg: number;
  /** Index of the |Δazimuth| bin. */
  bin: number;
  /** Distance of |Δazimuth| from the nearest bin edge, degrees. */
  marginDeg: number;
  observations: Observations;
}

function resolveOptions(options: Partial<OrbitOptions>): OrbitOptions {
  const o: OrbitOptions = { ...ORBIT_DEFAULTS, ...options };
  const e = o.binEdgesDeg;
  checkBinEdges(FAMILY, e, 180);
  if (!(o.edgeMarginDeg >= 0)) throw new RangeError(`${FAMILY}: edgeMarginDeg must be ≥ 0, got ${o.edgeMarginDeg}`);
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  const n = e.length - 1;
  const W = o.pairWeights ?? (n === 5 ? ORBIT_PAIR_WEIGHTS_5 : uniformPairWeights(n));
  checkPairWeights(FAMILY, W, n);
  return { ...o, pairWeights: W };
}

/** Index of the bin holding `magnitudeDeg` ∈ [0, 180]: edges[i] ≤ m < edges[i + 1]; 180 is in the last bin. */
export function orbitBin(magnitudeDeg: number, binEdgesDeg: readonly number[] = ORBIT_DEFAULTS.binEdgesDeg): number {
  return getBinIndex(magnitudeDeg, binEdgesDeg);
}

/** Bin range as text: "30–60°". */
export function orbitBinRange(bin: number, binEdgesDeg: readonly number[] = ORBIT_DEFAULTS.binEdgesDeg): string {
  return getBinRange(bin, binEdgesDeg);
}

/** Option text of a direction and bin: "right, 30–60°". */
export function orbitOptionText(side: OrbitSide, bin: number, binEdgesDeg: readonly number[] = ORBIT_DEFAULTS.binEdgesDeg): string {
  return `${side}, ${orbitBinRange(bin, binEdgesDeg)}`;
}

/** The facts of a sample (no applicability check). Pure. */
export function orbitFacts(truth: GroundTruth, options: Partial<OrbitOptions> = {}): OrbitFacts {
  const o = resolveOptions(options);
  return factsWith(truth, o);
}

function factsWith(truth: GroundTruth, o: OrbitOptions): OrbitFacts {
  const d = truth.deltaAzimuthDeg;
  const magnitudeDeg = Math.abs(d);
  return {
    deltaAzimuthDeg: d,
    side: d > 0 ? 'right' : 'left',
    magnitudeDeg,
    bin: orbitBin(magnitudeDeg, o.binEdgesDeg),
    marginDeg: getEdgeMargin(magnitudeDeg, o.binEdgesDeg),
    observations: observeViews(truth),
  };
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function orbitApplies(truth: GroundTruth, options: Partial<OrbitOptions> = {}): Applicability {
  return appliesWith(truth, resolveOptions(options));
}

function appliesWith(truth: GroundTruth, o: OrbitOptions): Applicability {
  const framing = checkFraming(truth, o);
  if (!framing.ok) return framing;
  const d = truth.deltaAzimuthDeg;
  const m = Math.abs(d);
  // Edges first: at 0° and 180° the sign of the motion is numerical noise, not a disagreement.
  // m === 0 has no direction at all (only reachable with edgeMarginDeg = 0).
  if (m === 0 || o.binEdgesDeg.some((edge) => Math.abs(m - edge) < o.edgeMarginDeg)) return { ok: false, reason: 'near-bin-edge' };
  if (Math.sign(d) !== Math.sign(truth.relative.motionInA[0])) return { ok: false, reason: 'direction-disagrees' };
  return { ok: true };
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style, partner bin,
 * distractor order.
 * @throws Error when the sample does not apply (call {@link orbitApplies} first).
 */
export function buildOrbitQuestion(truth: GroundTruth, rng: Rng, answerSlot: number, options: Partial<OrbitOptions> = {}): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options));
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: OrbitOptions): BuiltQuestion {
  const verdict = appliesWith(truth, o);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const facts = factsWith(truth, o);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const partner = drawPartnerBin(o.pairWeights!, facts.bin, rng);
  const other: OrbitSide = facts.side === 'right' ? 'left' : 'right';
  const edges = o.binEdgesDeg;
  const answer = orbitOptionText(facts.side, facts.bin, edges);
  const arranged = arrangeOptions(
    FAMILY,
    answer,
    [orbitOptionText(other, facts.bin, edges), orbitOptionText(facts.side, partner, edges), orbitOptionText(other, partner, edges)],
    answerSlot,
    rng,
  );
  const conclusion = fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], {
    deg: formatAngleInBin(facts.magnitudeDeg, edges[facts.bin], edges[facts.bin + 1]),
    side: facts.side,
    bin: orbitBinRange(facts.bin, edges),
  });
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: subjectWording(truth)(template.text),
    ...arranged,
    reasoning: writeReasoning({
      observations: facts.observations,
      style,
      conclusion: [subjectWording(truth)(conclusion)],
      answerLetter: arranged.answerLetter,
      answerText: arranged.answerText,
    }),
    difficulty: {
      margin: facts.marginDeg,
      marginUnit: 'deg',
      bin: `${facts.side} ${edges[facts.bin]}-${edges[facts.bin + 1]}°`,
      value: facts.deltaAzimuthDeg,
    },
  };
}

/** Makes the `orbit` family with `options` over {@link ORBIT_DEFAULTS}. @throws RangeError on bad options. */
export function createOrbitFamily(options: Partial<OrbitOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'sft' as const,
    optionCount: 4,
    motion: binnedOrbitMotion(o.binEdgesDeg),
    turnSensitive: true,
    onScenes: true,
    applies: (truth: GroundTruth) => appliesWith(truth, o),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot, o),
  });
}

/** The `orbit` family with default options. */
export const orbitFamily: QuestionFamily = createOrbitFamily();
