/**
 * Family `ego-turn` (RL stage, SAT style "ego motion"): the camera stayed where it was and only
 * turned (panned) horizontally between the two images; which way, and by about how much? Multiple
 * choice over direction × bins of |yaw| (0–10°, 10–20°, 20–30°, each left and right).
 *
 * The answer comes from `truth.relative.yawDeg`, the yaw of camera B in camera A's frame
 * (positive = turned right; for a pure pan it equals the change of {@link OrbitParams.panDeg}).
 * For a pure rotation every point of the scene moves the same way in the image, opposite to the
 * turn: turning right moves the object to the left in the frame. The reasoning uses that rule
 * (valid here, unlike for orbits, where parts behind the rotation centre move the other way).
 *
 * ```text
 * Question: The photographer took the first image, then turned on the spot (without walking) and
 *   took the second image. Did they turn to their left or to their right, and through about what
 *   angle?
 * Options:  A. right, 10–20°   B. left, 0–10°   C. left, 10–20°   D. right, 0–10°
 * Answer:   A
 * Reasoning: The first image shows the blue branch arm on the right. In the second image I see the
 *   blue branch arm in the centre. The same parts are visible in both images. The object's centre
 *   moves from about 74% to 40% of the image width: the scene shifts left, as it does when a camera
 *   turns right on the spot. From the two camera poses, the camera turned about 17° to its right
 *   without moving, which is in the 10–20° range. So the answer is A: right, 10–20°.
 * ```
 * (Generated: seed 0, sample 0, 512 px.)
 *
 * Options: the true bin, its mirror, a partner bin (uniform over the other bins) and its mirror
 * (see `signed-bins.ts`). Re-draw rules ({@link egoTurnApplies}), in this order:
 * 'camera-moved' (baseline above `maxBaselineM`), 'not-a-pure-turn' (|pitch| or |roll| of the
 * relative pose above `maxTiltDeg`), 'near-bin-edge' (|yaw| within `edgeMarginDeg` of an edge,
 * 0° included), 'turn-too-large' (|yaw| beyond the last edge plus the margin),
 * 'object-out-of-view' (the object centre projects outside either image, shrunk by
 * `frameMarginFraction` of the width, or behind the camera), 'too-small' (object coverage below
 * `minCoverage` in either view), 'parts-hidden' (no named part visible in one of the views),
 * 'direction-disagrees' (the object does not shift against the turn; never seen, a guard).
 */
import { projectPoint } from '../geometry/project-point.js';
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { FRAMING_DEFAULTS } from './check-framing.js';
import { drawReasoningStyle, fillTemplate, observeViews, writeReasoning, type Observations } from './describe-view.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { binnedClassCount, drawBinnedAngle, type FamilyMotion } from './family-motion.js';
import { checkBinEdges, drawPartnerBin, formatAngleInBin, getBinIndex, getBinRange, getEdgeMargin, uniformPairWeights } from './signed-bins.js';

const FAMILY = 'ego-turn';

/** Which way the camera turned (OpenCV: yaw > 0 = right). */
export type TurnSide = 'left' | 'right';

/** Options of the `ego-turn` family. */
export interface EgoTurnOptions {
  /**
   * Edges of the |yaw| bins, degrees, strictly ascending from 0 (the last edge is the largest
   * turn asked about; the planner keeps the object in view up to it).
   * @default [0, 10, 20, 30]
   */
  binEdgesDeg: readonly number[];
  /**
   * Re-draw when |yaw| is closer than this to any bin edge (0° included), degrees.
   * @default 1.5
   */
  edgeMarginDeg: number;
  /**
   * Re-draw when the camera centre moved more than this, metres.
   * @default 1e-6
   */
  maxBaselineM: number;
  /**
   * Re-draw when the relative pitch or roll exceeds this, degrees (the turn must be a yaw).
   * @default 0.5
   */
  maxTiltDeg: number;
  /**
   * The object centre must project at least this share of the image width inside each border.
   * @default 0.02
   */
  frameMarginFraction: number;
  /**
   * Re-draw when either view's object coverage is below this share of the image.
   * @default 0.04
   */
  minCoverage: number;
}

/** Defaults of {@link EgoTurnOptions}. */
export const EGO_TURN_DEFAULTS: Readonly<EgoTurnOptions> = Object.freeze({
  binEdgesDeg: Object.freeze([0, 10, 20, 30]),
  edgeMarginDeg: 1.5,
  maxBaselineM: 1e-6,
  maxTiltDeg: 0.5,
  frameMarginFraction: 0.02,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
});

/** Question phrasings; the template id is `ego-turn/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  {
    id: 't1',
    text: 'Between the first image and the second image, the camera stayed in the same spot and only turned horizontally. Which way did it turn, and by roughly how many degrees?',
  },
  {
    id: 't2',
    text: 'The photographer took the first image, then turned on the spot (without walking) and took the second image. Did they turn to their left or to their right, and through about what angle?',
  },
  {
    id: 't3',
    text: 'From the first image to the second image the camera pans in place. Which option gives the direction of the pan (to the camera\'s left or right) and its size?',
  },
  {
    id: 't4',
    text: 'Both images were taken from exactly the same position, but the camera was rotated left or right in between. In which direction, and by about how much, did it rotate from the first image to the second?',
  },
];
export { TEMPLATES as EGO_TURN_TEMPLATES };

/** Evidence phrasings: the object's image shift and the rule for a turn in place. */
const EVIDENCE: readonly string[] = [
  'The object\'s centre moves from about {pa}% to {pb}% of the image width: the scene shifts {shift}, as it does when a camera turns {side} on the spot.',
  'The object slides {shift} in the frame, from about {pa}% to {pb}% of its width; a camera turning in place sees everything slide the other way, so it turned {side}.',
];

/** Conclusion phrasings: the actual angle and its bin. */
const CONCLUSIONS: readonly string[] = [
  'From the two camera poses, the camera turned about {deg}° to its {side} without moving, which is in the {bin} range.',
  'The camera poses agree: a turn in place of about {deg}° to the {side}, inside the {bin} range.',
];

/** Everything the answer and the reasoning are written from. */
export interface EgoTurnFacts {
  /** Relative yaw of camera B in camera A's frame, degrees; positive = turned right. */
  yawDeg: number;
  side: TurnSide;
  /** |yaw|, degrees. */
  magnitudeDeg: number;
  /** Index of the |yaw| bin. */
  bin: number;
  /** Distance of |yaw| from the nearest bin edge, degrees. */
  marginDeg: number;
  /** Horizontal pixel of the projected object centre (the world origin) in each view. */
  objectCentreU: [number, number];
  /** Depth of the object centre in each view, metres (≤ 0: behind the camera). */
  objectCentreDepthM: [number, number];
  /** Which way the object moved in the image from A to B. */
  shift: TurnSide;
  observations: Observations;
}

function resolveOptions(options: Partial<EgoTurnOptions>): EgoTurnOptions {
  const o: EgoTurnOptions = { ...EGO_TURN_DEFAULTS, ...options };
  const e = o.binEdgesDeg;
  checkBinEdges(FAMILY, e, e[e.length - 1] ?? Number.NaN);
  if (!(e[e.length - 1] < 90)) throw new RangeError(`${FAMILY}: the last bin edge must be below 90°, got ${e[e.length - 1]}`);
  if (!(o.edgeMarginDeg >= 0)) throw new RangeError(`${FAMILY}: edgeMarginDeg must be ≥ 0, got ${o.edgeMarginDeg}`);
  if (!(o.maxBaselineM >= 0)) throw new RangeError(`${FAMILY}: maxBaselineM must be ≥ 0, got ${o.maxBaselineM}`);
  if (!(o.maxTiltDeg >= 0)) throw new RangeError(`${FAMILY}: maxTiltDeg must be ≥ 0, got ${o.maxTiltDeg}`);
  if (!(o.frameMarginFraction >= 0 && o.frameMarginFraction < 0.5)) throw new RangeError(`${FAMILY}: frameMarginFraction must be in [0, 0.5), got ${o.frameMarginFraction}`);
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  return o;
}

/** Option text of a direction and bin: "right, 10–20°". */
export function egoTurnOptionText(side: TurnSide, bin: number, binEdgesDeg: readonly number[] = EGO_TURN_DEFAULTS.binEdgesDeg): string {
  return `${side}, ${getBinRange(bin, binEdgesDeg)}`;
}

/** The facts of a sample (no applicability check). Pure. */
export function egoTurnFacts(truth: GroundTruth, options: Partial<EgoTurnOptions> = {}): EgoTurnFacts {
  return factsWith(truth, resolveOptions(options));
}

function factsWith(truth: GroundTruth, o: EgoTurnOptions): EgoTurnFacts {
  const yawDeg = truth.relative.yawDeg;
  const magnitudeDeg = Math.abs(yawDeg);
  const [pa, pb] = [0, 1].map((i) => projectPoint(truth.views[i].camera, [0, 0, 0]));
  return {
    yawDeg,
    side: yawDeg > 0 ? 'right' : 'left',
    magnitudeDeg,
    bin: getBinIndex(magnitudeDeg, o.binEdgesDeg),
    marginDeg: getEdgeMargin(magnitudeDeg, o.binEdgesDeg),
    objectCentreU: [pa.u, pb.u],
    objectCentreDepthM: [pa.depthM, pb.depthM],
    shift: pb.u < pa.u ? 'left' : 'right',
    observations: observeViews(truth),
  };
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function egoTurnApplies(truth: GroundTruth, options: Partial<EgoTurnOptions> = {}): Applicability {
  return appliesWith(truth, resolveOptions(options));
}

function appliesWith(truth: GroundTruth, o: EgoTurnOptions): Applicability {
  const rel = truth.relative;
  if (!(rel.baselineM <= o.maxBaselineM)) return { ok: false, reason: 'camera-moved' };
  if (!(Math.abs(rel.pitchDeg) <= o.maxTiltDeg && Math.abs(rel.rollDeg) <= o.maxTiltDeg)) return { ok: false, reason: 'not-a-pure-turn' };
  const m = Math.abs(rel.yawDeg);
  const edges = o.binEdgesDeg;
  if (m === 0 || edges.some((edge) => Math.abs(m - edge) < o.edgeMarginDeg)) return { ok: false, reason: 'near-bin-edge' };
  if (m > edges[edges.length - 1]) return { ok: false, reason: 'turn-too-large' };
  const facts = factsWith(truth, o);
  for (const i of [0, 1] as const) {
    const { width, height } = truth.views[i].camera.K;
    const margin = o.frameMarginFraction * width;
    const u = facts.objectCentreU[i];
    const v = projectPoint(truth.views[i].camera, [0, 0, 0]).v;
    if (!(facts.objectCentreDepthM[i] > 0 && u >= margin && u <= width - margin && v >= margin && v <= height - margin)) {
      return { ok: false, reason: 'object-out-of-view' };
    }
  }
  if (!(truth.views[0].coverage >= o.minCoverage && truth.views[1].coverage >= o.minCoverage)) return { ok: false, reason: 'too-small' };
  if (!truth.views[0].parts.some((p) => p.visible) || !truth.views[1].parts.some((p) => p.visible)) return { ok: false, reason: 'parts-hidden' };
  // A turn to the right slides the scene to the left in the frame, and vice versa.
  if (facts.shift === facts.side) return { ok: false, reason: 'direction-disagrees' };
  return { ok: true };
}

/** Percentage of the image width, whole number. */
function percent(u: number, width: number): string {
  return String(Math.round((100 * u) / width) + 0);
}

/** Each pan keeps at least this far inside the half field of view, degrees. */
export const EGO_TURN_PAN_MARGIN_DEG = 2.5;

/** Elevation range of the cameras, degrees: low, so a pan barely tilts the horizon. */
export const EGO_TURN_ELEVATION_DEG: [number, number] = [-5, 15];

/**
 * The planner's motion: the camera turns in place (one centre, one roll; the pans differ by the
 * turn, drawn bin first, then the angle inside it), both pans within ±(fov/2 −
 * {@link EGO_TURN_PAN_MARGIN_DEG}) so the object centre stays in both images; elevation low.
 */
function egoTurnMotion(edges: readonly number[]): FamilyMotion {
  return {
    classes: binnedClassCount(edges),
    draw(m, cls) {
      const [elMin, elMax] = m.elevationDeg;
      const el = m.rng.range(Math.max(elMin, EGO_TURN_ELEVATION_DEG[0]), Math.min(elMax, EGO_TURN_ELEVATION_DEG[1]));
      const r = m.rng.range(m.radius[0], m.radius[1]);
      const turn = drawBinnedAngle(edges, cls, m.rng);
      // Both pans within ±limit: panA uniform on [−limit, limit] ∩ [−limit − turn, limit − turn].
      const limit = m.fovYDeg / 2 - EGO_TURN_PAN_MARGIN_DEG;
      const lo = Math.max(-limit, -limit - turn);
      const hi = Math.min(limit, limit - turn);
      const panA = lo <= hi ? m.rng.range(lo, hi) : -turn / 2;
      return { deltaAzimuthDeg: 0, elevationDeg: [el, el], radiusM: [r, r], panDeg: [panA, panA + turn], sameRoll: true };
    },
  };
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style, partner bin,
 * distractor order.
 * @throws Error when the sample does not apply (call {@link egoTurnApplies} first).
 */
export function buildEgoTurnQuestion(truth: GroundTruth, rng: Rng, answerSlot: number, options: Partial<EgoTurnOptions> = {}): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options));
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: EgoTurnOptions): BuiltQuestion {
  const verdict = appliesWith(truth, o);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const facts = factsWith(truth, o);
  const edges = o.binEdgesDeg;
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const partner = drawPartnerBin(uniformPairWeights(edges.length - 1), facts.bin, rng);
  const other: TurnSide = facts.side === 'right' ? 'left' : 'right';
  const answer = egoTurnOptionText(facts.side, facts.bin, edges);
  const arranged = arrangeOptions(
    FAMILY,
    answer,
    [egoTurnOptionText(other, facts.bin, edges), egoTurnOptionText(facts.side, partner, edges), egoTurnOptionText(other, partner, edges)],
    answerSlot,
    rng,
  );
  const width = truth.views[0].camera.K.width;
  const evidence = fillTemplate(EVIDENCE[style.change % EVIDENCE.length], {
    pa: percent(facts.objectCentreU[0], width),
    pb: percent(facts.objectCentreU[1], width),
    shift: facts.shift,
    side: facts.side,
  });
  const conclusion = fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], {
    deg: formatAngleInBin(facts.magnitudeDeg, edges[facts.bin], edges[facts.bin + 1]),
    side: facts.side,
    bin: getBinRange(facts.bin, edges),
  });
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: template.text,
    ...arranged,
    reasoning: writeReasoning({
      observations: facts.observations,
      style,
      conclusion: [evidence, conclusion],
      answerLetter: arranged.answerLetter,
      answerText: arranged.answerText,
    }),
    difficulty: {
      margin: facts.marginDeg,
      marginUnit: 'deg',
      bin: `${facts.side} ${edges[facts.bin]}-${edges[facts.bin + 1]}°`,
      value: facts.yawDeg,
    },
  };
}

/** Makes the `ego-turn` family with `options` over {@link EGO_TURN_DEFAULTS}. @throws RangeError on bad options. */
export function createEgoTurnFamily(options: Partial<EgoTurnOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'rl' as const,
    optionCount: 4,
    motion: egoTurnMotion(o.binEdgesDeg),
    applies: (truth: GroundTruth) => appliesWith(truth, o),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot, o),
  });
}

/** The `ego-turn` family with default options. */
export const egoTurnFamily: QuestionFamily = createEgoTurnFamily();
