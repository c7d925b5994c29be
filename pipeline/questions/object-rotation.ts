/**
 * Family `object-rotation` (RL stage, SAT style "object motion"): the camera did not move, the
 * object was turned about its vertical axis between the two images; seen from above, which way
 * (clockwise or counter-clockwise) and by about how much? Multiple choice over direction × bins
 * of |Δyaw| (0–30°, 30–60°, 60–90°, 90–135°, 135–180°, each way).
 *
 * The answer comes from `truth.deltaObjectYawDeg` (object yaw of B − A about world +Y, wrapped to
 * (−180, 180]). A positive yaw is a right-handed turn about +Y, which is counter-clockwise seen
 * from above (looking down −Y with −Z up the page, +X goes towards −Z).
 *
 * ```text
 * Question: Someone turned the object in place after the first image was taken, without moving the
 *   camera, and then took the second image. Looking down on the object from above, which way and
 *   how far did it turn?
 * Options:  A. counter-clockwise, 0–30°   B. clockwise, 60–90°
 *           C. counter-clockwise, 60–90°   D. clockwise, 0–30°
 * Answer:   B
 * Reasoning: The first image shows the cyan stem arm and the blue branch arm in the centre, with the
 *   blue branch arm the nearest of them to the camera. In the second image I see the cyan stem arm
 *   and the blue branch arm in the centre; of these, the cyan stem arm is closest to the camera.
 *   The same parts are visible in both images. The cyan stem arm, on the side of the object facing
 *   the camera, moves towards the left of the frame. Since the camera stayed fixed, the change
 *   comes from the object itself: it turned about 71° clockwise as seen from above, which falls in
 *   the 60–90° bin. So the answer is B: clockwise, 60–90°.
 * ```
 * (Generated: seed 0, sample 0, 512 px.)
 *
 * Options: the true bin, its mirror, a partner bin (the orbit family's partner matrix) and its
 * mirror. Re-draw rules ({@link objectRotationApplies}), in this order: 'out-of-frame' /
 * 'too-small' (either view), 'camera-moved' (the two cameras differ), 'symmetric-object' (the
 * asset's symmetry makes the turn ambiguous: 'continuous' always; 'c2' unless |Δ| < 90° − margin,
 * since a turn by Δ looks like Δ − 180°; 'c4' unless |Δ| < 45° − margin), 'near-bin-edge'
 * (|Δ| within `edgeMarginDeg` of a bin edge, 0° and 180° included).
 */
import { projectPoint } from '../geometry/project-point.js';
import type { Rng } from '../rng.js';
import type { GroundTruth, ObjectSpec } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { checkFraming, FRAMING_DEFAULTS } from './check-framing.js';
import { drawReasoningStyle, fillTemplate, observeViews, writeReasoning, type Observations } from './describe-view.js';
import { ORBIT_PAIR_WEIGHTS_5 } from './orbit.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { binnedClassCount, drawBinnedAngle, type FamilyMotion } from './family-motion.js';
import { checkBinEdges, checkPairWeights, drawPartnerBin, formatAngleInBin, getBinIndex, getBinRange, getEdgeMargin, uniformPairWeights } from './signed-bins.js';

const FAMILY = 'object-rotation';

/** Direction of the object's turn, seen from above. */
export type SpinDirection = 'clockwise' | 'counter-clockwise';

/** Options of the `object-rotation` family. */
export interface ObjectRotationOptions {
  /**
   * Edges of the |Δyaw| bins, degrees, strictly ascending from 0 to 180.
   * @default [0, 30, 60, 90, 135, 180]
   */
  binEdgesDeg: readonly number[];
  /**
   * Re-draw when |Δyaw| is closer than this to any bin edge (0° and 180° included), degrees;
   * also the margin kept from the symmetry limits.
   * @default 5
   */
  edgeMarginDeg: number;
  /**
   * Re-draw when the two cameras differ by more than this (centre distance in metres, rotation in degrees).
   * @default 1e-6
   */
  maxCameraChange: number;
  /**
   * Re-draw when either view's object coverage is below this share of the image.
   * @default 0.04
   */
  minCoverage: number;
  /**
   * Partner-bin weights (symmetric, zero diagonal, rows summing to 1). `null` = the orbit
   * family's matrix for five bins, else uniform.
   * @default null
   */
  pairWeights: readonly (readonly number[])[] | null;
}

/** Defaults of {@link ObjectRotationOptions}. */
export const OBJECT_ROTATION_DEFAULTS: Readonly<ObjectRotationOptions> = Object.freeze({
  binEdgesDeg: Object.freeze([0, 30, 60, 90, 135, 180]),
  edgeMarginDeg: 5,
  maxCameraChange: 1e-6,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
  pairWeights: null,
});

/** Question phrasings; the template id is `object-rotation/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  {
    id: 't1',
    text: 'The camera did not move between the first image and the second image, but the object was turned about its vertical axis. Seen from above, did it turn clockwise or counter-clockwise, and by about how much?',
  },
  {
    id: 't2',
    text: 'Between the two images the object was rotated on the spot while the camera stayed put. Which option describes that rotation as seen from above: its direction and roughly how many degrees?',
  },
  {
    id: 't3',
    text: 'Someone turned the object in place after the first image was taken, without moving the camera, and then took the second image. Looking down on the object from above, which way and how far did it turn?',
  },
];
export { TEMPLATES as OBJECT_ROTATION_TEMPLATES };

/** Evidence phrasings: a near-side part moving the way the turn carries it. */
const EVIDENCE: readonly string[] = [
  '{Part}, on the side of the object facing the camera, moves towards the {dir} of the frame.',
  'On the side facing the camera, {part} is carried towards the {dir} of the image.',
];

/** Conclusion phrasings: the actual angle and its bin. */
const CONCLUSIONS: readonly string[] = [
  'Since the camera stayed fixed, the change comes from the object itself: it turned about {deg}° {side} as seen from above, which falls in the {bin} bin.',
  'With the camera unchanged, the object must have rotated: about {deg}° {side} when viewed from above, inside the {bin} range.',
];

/** A part that shows the turn: near the camera, and moving in the image the way the turn carries the near side. */
export interface SpinWitness {
  label: string;
  /** Image direction of its move from A to B. */
  dir: 'left' | 'right';
}

/** Everything the answer and the reasoning are written from. */
export interface ObjectRotationFacts {
  /** Object yaw change B − A, degrees, (−180, 180]; positive = counter-clockwise seen from above. */
  deltaYawDeg: number;
  side: SpinDirection;
  /** |Δyaw|, degrees. */
  magnitudeDeg: number;
  /** Index of the |Δyaw| bin. */
  bin: number;
  /** Distance of |Δyaw| from the nearest bin edge, degrees. */
  marginDeg: number;
  /** A part whose image motion shows the turn, when one exists. */
  witness: SpinWitness | null;
  observations: Observations;
}

function resolveOptions(options: Partial<ObjectRotationOptions>): ObjectRotationOptions {
  const o: ObjectRotationOptions = { ...OBJECT_ROTATION_DEFAULTS, ...options };
  checkBinEdges(FAMILY, o.binEdgesDeg, 180);
  if (!(o.edgeMarginDeg >= 0)) throw new RangeError(`${FAMILY}: edgeMarginDeg must be ≥ 0, got ${o.edgeMarginDeg}`);
  if (!(o.maxCameraChange >= 0)) throw new RangeError(`${FAMILY}: maxCameraChange must be ≥ 0, got ${o.maxCameraChange}`);
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  const n = o.binEdgesDeg.length - 1;
  const W = o.pairWeights ?? (n === 5 ? ORBIT_PAIR_WEIGHTS_5 : uniformPairWeights(n));
  checkPairWeights(FAMILY, W, n);
  return { ...o, pairWeights: W };
}

/** Option text of a direction and bin: "counter-clockwise, 30–60°". */
export function objectRotationOptionText(side: SpinDirection, bin: number, binEdgesDeg: readonly number[] = OBJECT_ROTATION_DEFAULTS.binEdgesDeg): string {
  return `${side}, ${getBinRange(bin, binEdgesDeg)}`;
}

/**
 * Largest |Δyaw| (degrees, exclusive) at which a turn of an object with `symmetry` is still
 * unambiguous, before the margin: 180 for 'none', 90 for 'c2', 45 for 'c4', 0 for 'continuous'.
 */
export function getSymmetryLimitDeg(symmetry: ObjectSpec['symmetry']): number {
  return symmetry === 'none' ? 180 : symmetry === 'c2' ? 90 : symmetry === 'c4' ? 45 : 0;
}

/** The facts of a sample (no applicability check). Pure. */
export function objectRotationFacts(truth: GroundTruth, options: Partial<ObjectRotationOptions> = {}): ObjectRotationFacts {
  return factsWith(truth, resolveOptions(options));
}

function factsWith(truth: GroundTruth, o: ObjectRotationOptions): ObjectRotationFacts {
  const d = truth.deltaObjectYawDeg;
  const magnitudeDeg = Math.abs(d);
  const side: SpinDirection = d > 0 ? 'counter-clockwise' : 'clockwise';
  const observations = observeViews(truth);
  return {
    deltaYawDeg: d,
    side,
    magnitudeDeg,
    bin: getBinIndex(magnitudeDeg, o.binEdgesDeg),
    marginDeg: getEdgeMargin(magnitudeDeg, o.binEdgesDeg),
    witness: findWitness(truth, observations, side),
    observations,
  };
}

/** A witness part's centre must be at least this much nearer the camera than the object centre in view A, metres. */
const WITNESS_MIN_DEPTH_LEAD_M = 0.15;

/**
 * The most visible part, visible in both views, whose centre lies at least
 * {@link WITNESS_MIN_DEPTH_LEAD_M} nearer the camera than the object centre in view A and whose
 * image position moves (by at least 2% of the width) the way the turn carries the near side:
 * right for counter-clockwise seen from above, left for clockwise.
 */
function findWitness(truth: GroundTruth, obs: Observations, side: SpinDirection): SpinWitness | null {
  const [a, b] = truth.views;
  const centreDepth = projectPoint(a.camera, [0, 0, 0]).depthM - WITNESS_MIN_DEPTH_LEAD_M;
  const dir = side === 'counter-clockwise' ? 'right' : 'left';
  const minShift = 0.02 * a.camera.K.width;
  for (const m of obs.visible[1]) {
    const pa = a.parts.find((p) => p.name === m.name);
    const pb = b.parts.find((p) => p.name === m.name);
    if (!pa?.visible || !pb?.visible || !(pa.depthM < centreDepth)) continue;
    const du = pb.centrePx[0] - pa.centrePx[0];
    if ((dir === 'right' && du >= minShift) || (dir === 'left' && du <= -minShift)) return { label: m.label, dir };
  }
  return null;
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function objectRotationApplies(truth: GroundTruth, options: Partial<ObjectRotationOptions> = {}): Applicability {
  return appliesWith(truth, resolveOptions(options));
}

function appliesWith(truth: GroundTruth, o: ObjectRotationOptions): Applicability {
  const framing = checkFraming(truth, o);
  if (!framing.ok) return framing;
  if (!(truth.relative.baselineM <= o.maxCameraChange && truth.relative.angleDeg <= o.maxCameraChange)) return { ok: false, reason: 'camera-moved' };
  const m = Math.abs(truth.deltaObjectYawDeg);
  if (!(m < getSymmetryLimitDeg(truth.object.symmetry) - o.edgeMarginDeg) && truth.object.symmetry !== 'none') return { ok: false, reason: 'symmetric-object' };
  if (m === 0 || o.binEdgesDeg.some((edge) => Math.abs(m - edge) < o.edgeMarginDeg)) return { ok: false, reason: 'near-bin-edge' };
  return { ok: true };
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style, partner bin,
 * distractor order.
 * @throws Error when the sample does not apply (call {@link objectRotationApplies} first).
 */
export function buildObjectRotationQuestion(truth: GroundTruth, rng: Rng, answerSlot: number, options: Partial<ObjectRotationOptions> = {}): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options));
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: ObjectRotationOptions): BuiltQuestion {
  const verdict = appliesWith(truth, o);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const facts = factsWith(truth, o);
  const edges = o.binEdgesDeg;
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const partner = drawPartnerBin(o.pairWeights!, facts.bin, rng);
  const other: SpinDirection = facts.side === 'clockwise' ? 'counter-clockwise' : 'clockwise';
  const answer = objectRotationOptionText(facts.side, facts.bin, edges);
  const arranged = arrangeOptions(
    FAMILY,
    answer,
    [objectRotationOptionText(other, facts.bin, edges), objectRotationOptionText(facts.side, partner, edges), objectRotationOptionText(other, partner, edges)],
    answerSlot,
    rng,
  );
  const sentences: string[] = [];
  if (facts.witness !== null) {
    sentences.push(fillTemplate(EVIDENCE[style.change % EVIDENCE.length], { part: facts.witness.label, dir: facts.witness.dir }));
  }
  sentences.push(
    fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], {
      deg: formatAngleInBin(facts.magnitudeDeg, edges[facts.bin], edges[facts.bin + 1]),
      side: facts.side,
      bin: getBinRange(facts.bin, edges),
    }),
  );
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: template.text,
    ...arranged,
    reasoning: writeReasoning({
      observations: facts.observations,
      style,
      conclusion: sentences,
      answerLetter: arranged.answerLetter,
      answerText: arranged.answerText,
    }),
    difficulty: {
      margin: facts.marginDeg,
      marginUnit: 'deg',
      bin: `${facts.side} ${edges[facts.bin]}-${edges[facts.bin + 1]}°`,
      value: facts.deltaYawDeg,
    },
  };
}

/**
 * The planner's motion: one camera for both views (nuisance elevation, a radius in the range);
 * the object turns about +Y by an amount drawn bin first, then inside the bin.
 */
function objectTurnMotion(edges: readonly number[]): FamilyMotion {
  return {
    classes: binnedClassCount(edges),
    draw(m, cls) {
      const [el] = m.nuisanceElevation();
      const r = m.rng.range(m.radius[0], m.radius[1]);
      const objectTurnDeg = drawBinnedAngle(edges, cls, m.rng);
      return { deltaAzimuthDeg: 0, elevationDeg: [el, el], radiusM: [r, r], objectTurnDeg, sameRoll: true };
    },
  };
}

/** Makes the `object-rotation` family with `options` over {@link OBJECT_ROTATION_DEFAULTS}. @throws RangeError on bad options. */
export function createObjectRotationFamily(options: Partial<ObjectRotationOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'rl' as const,
    optionCount: 4,
    motion: objectTurnMotion(o.binEdgesDeg),
    turnSensitive: true,
    applies: (truth: GroundTruth) => appliesWith(truth, o),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot, o),
  });
}

/** The `object-rotation` family with default options. */
export const objectRotationFamily: QuestionFamily = createObjectRotationFamily();
