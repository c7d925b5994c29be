/**
 * Family `orbit-direction` (SFT stage, Viewpoint-100K style): did the camera move to its left or
 * to its right around the object between the two images? Two options, "left" and "right".
 *
 * The answer is the sign of `truth.deltaAzimuthDeg` (azimuth of B − A wrapped to (−180, 180];
 * positive = the camera moved to its right, along camera A's +x axis; README, Conventions).
 *
 * ```text
 * Question: Suppose you took the first image, then walked around the object and took the second
 *   image. Did you walk to your left or to your right?
 * Options:  A. right   B. left
 * Answer:   B
 * Reasoning: The first image shows the black body, the orange nose and the purple handle in the
 *   centre, with the orange nose the nearest of them to the camera. The second image shows the
 *   black body in the centre and the green fin on the left, with the green fin the nearest of them
 *   to the camera. Compared with the first image, the second image newly shows the green fin but
 *   no longer shows the orange nose and the purple handle. Comparing the two camera positions, the
 *   camera moved about 106° around the object, to its left. So the answer is B: left.
 * ```
 * (Generated: seed 0, sample 1, 512 px.)
 *
 * Re-draw rules ({@link orbitDirectionApplies}), in this order: 'out-of-frame' / 'too-small'
 * (either view), 'near-zero' (|Δazimuth| < `minTurnDeg`), 'near-half-turn' (|Δazimuth| >
 * `maxTurnDeg`: near 180° left and right look alike), 'direction-disagrees' (sign of Δazimuth
 * differs from the sign of `truth.relative.motionInA[0]`, the move along camera A's x axis).
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { checkFraming, FRAMING_DEFAULTS } from './check-framing.js';
import { drawReasoningStyle, fillTemplate, observeViews, subjectWording, writeReasoning, type Observations } from './describe-view.js';
import type { OrbitSide } from './orbit.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import type { FamilyMotion } from './family-motion.js';

const FAMILY = 'orbit-direction';

/** Options of the `orbit-direction` family. */
export interface OrbitDirectionOptions {
  /**
   * Re-draw when |Δazimuth| is below this, degrees.
   * @default 10
   */
  minTurnDeg: number;
  /**
   * Re-draw when |Δazimuth| is above this, degrees.
   * @default 170
   */
  maxTurnDeg: number;
  /**
   * Re-draw when either view's object coverage is below this share of the image.
   * @default 0.04
   */
  minCoverage: number;
}

/** Defaults of {@link OrbitDirectionOptions}. */
export const ORBIT_DIRECTION_DEFAULTS: Readonly<OrbitDirectionOptions> = Object.freeze({
  minTurnDeg: 10,
  maxTurnDeg: 170,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
});

/** Question phrasings; the template id is `orbit-direction/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  {
    id: 't1',
    text: 'The camera moved around the object between the first image and the second image. Did it move to its left or to its right?',
  },
  {
    id: 't2',
    text: 'From the first image to the second image, which way did the camera orbit around the object: to its left or to its right?',
  },
  {
    id: 't3',
    text: 'Suppose you took the first image, then walked around the object and took the second image. Did you walk to your left or to your right?',
  },
];
export { TEMPLATES as ORBIT_DIRECTION_TEMPLATES };

/** Conclusion phrasings: the direction with the actual angle. */
const CONCLUSIONS: readonly string[] = [
  'Comparing the two camera positions, the camera moved about {deg}° around the object, to its {side}.',
  'Putting the two viewpoints together, the camera went around the object to the {side}, by roughly {deg}°.',
];

/** Everything the answer and the reasoning are written from. */
export interface OrbitDirectionFacts {
  /** Signed azimuth change B − A, degrees, (−180, 180]; positive = moved right. */
  deltaAzimuthDeg: number;
  side: OrbitSide;
  /** |Δazimuth|, degrees. */
  magnitudeDeg: number;
  /** Distance of |Δazimuth| from 0° or 180°, whichever is nearer (where the direction flips), degrees. */
  marginDeg: number;
  observations: Observations;
}

function resolveOptions(options: Partial<OrbitDirectionOptions>): OrbitDirectionOptions {
  const o: OrbitDirectionOptions = { ...ORBIT_DIRECTION_DEFAULTS, ...options };
  if (!(o.minTurnDeg >= 0 && o.minTurnDeg < o.maxTurnDeg && o.maxTurnDeg <= 180)) {
    throw new RangeError(`${FAMILY}: need 0 ≤ minTurnDeg < maxTurnDeg ≤ 180, got ${o.minTurnDeg} and ${o.maxTurnDeg}`);
  }
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  return o;
}

/** The facts of a sample (no applicability check). Pure. */
export function orbitDirectionFacts(truth: GroundTruth): OrbitDirectionFacts {
  const d = truth.deltaAzimuthDeg;
  const m = Math.abs(d);
  return { deltaAzimuthDeg: d, side: d > 0 ? 'right' : 'left', magnitudeDeg: m, marginDeg: Math.min(m, 180 - m), observations: observeViews(truth) };
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function orbitDirectionApplies(truth: GroundTruth, options: Partial<OrbitDirectionOptions> = {}): Applicability {
  return appliesWith(truth, resolveOptions(options));
}

function appliesWith(truth: GroundTruth, o: OrbitDirectionOptions): Applicability {
  const framing = checkFraming(truth, o);
  if (!framing.ok) return framing;
  const d = truth.deltaAzimuthDeg;
  const m = Math.abs(d);
  // Magnitude first: at 0° and 180° the sign of the motion is numerical noise, not a disagreement.
  if (m === 0 || m < o.minTurnDeg) return { ok: false, reason: 'near-zero' };
  if (m > o.maxTurnDeg) return { ok: false, reason: 'near-half-turn' };
  if (Math.sign(d) !== Math.sign(truth.relative.motionInA[0])) return { ok: false, reason: 'direction-disagrees' };
  return { ok: true };
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style.
 * @throws Error when the sample does not apply (call {@link orbitDirectionApplies} first).
 */
export function buildOrbitDirectionQuestion(
  truth: GroundTruth,
  rng: Rng,
  answerSlot: number,
  options: Partial<OrbitDirectionOptions> = {},
): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options));
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: OrbitDirectionOptions): BuiltQuestion {
  const verdict = appliesWith(truth, o);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const facts = orbitDirectionFacts(truth);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const other: OrbitSide = facts.side === 'right' ? 'left' : 'right';
  const arranged = arrangeOptions(FAMILY, facts.side, [other], answerSlot, rng);
  const conclusion = fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], {
    deg: String(Math.max(1, Math.round(facts.magnitudeDeg))),
    side: facts.side,
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
    difficulty: { margin: facts.marginDeg, marginUnit: 'deg', bin: facts.side, value: facts.deltaAzimuthDeg },
  };
}

/**
 * The planner's motion: an orbit of 10–170° to the side of the answer class (0 right, 1 left),
 * nuisance elevation and radius.
 */
const MOTION: FamilyMotion = {
  classes: 2,
  draw(m, cls) {
    const deltaAzimuthDeg = (cls % 2 === 0 ? 1 : -1) * m.rng.range(10, 170);
    const elevationDeg = m.nuisanceElevation();
    return { deltaAzimuthDeg, elevationDeg, radiusM: m.nuisanceRadius() };
  },
};

/** Makes the `orbit-direction` family with `options` over {@link ORBIT_DIRECTION_DEFAULTS}. @throws RangeError on bad options. */
export function createOrbitDirectionFamily(options: Partial<OrbitDirectionOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'sft' as const,
    optionCount: 2,
    motion: MOTION,
    turnSensitive: true,
    onScenes: true,
    applies: (truth: GroundTruth) => appliesWith(truth, o),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot, o),
  });
}

/** The `orbit-direction` family with default options. */
export const orbitDirectionFamily: QuestionFamily = createOrbitDirectionFamily();
