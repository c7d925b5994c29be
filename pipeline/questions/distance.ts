/**
 * Family `distance` (SFT stage, Viewpoint-100K style): is the camera of the second image closer
 * to the object, farther from it, or at about the same distance as the camera of the first?
 * Three options: "closer", "farther", "about the same".
 *
 * The answer comes from `truth.radiusRatio` (distance of camera B from the object's centre over
 * that of camera A): closer if below `closerBelow`, farther if above `fartherAbove`, about the
 * same if within [`sameMin`, `sameMax`].
 *
 * ```text
 * Question: Judging by the apparent size of the object and its parts, is the camera in the second
 *   image closer to the object, farther from it, or at about the same distance as in the first
 *   image?
 * Options:  A. about the same   B. closer   C. farther
 * Answer:   C
 * Reasoning: The first image shows the green fourth arm, the blue third arm and the cyan second
 *   arm in the centre, with the green fourth arm the nearest of them to the camera. In the second
 *   image I see the green fourth arm, the blue third arm and the cyan second arm in the centre; of
 *   these, the cyan second arm is closest to the camera. The same parts are visible in both
 *   images. The object's outline spans about 23% of the first image and 10% of the second. From
 *   the camera poses, the camera's distance to the object's centre went from about 2.91 m to
 *   4.29 m (ratio 1.47), so it moved farther away. So the answer is C: farther.
 * ```
 * (Generated: seed 0, sample 0, 512 px.)
 *
 * Re-draw rules ({@link distanceApplies}), in this order: 'out-of-frame' / 'too-small' (either
 * view), 'near-threshold' (the ratio lies in neither class's range).
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { checkFraming, FRAMING_DEFAULTS } from './check-framing.js';
import { drawReasoningStyle, fillTemplate, observeViews, subjectWording, writeReasoning, type Observations } from './describe-view.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import type { FamilyMotion } from './family-motion.js';

const FAMILY = 'distance';

/** Answer classes, which are also the option texts. */
export type DistanceClass = 'closer' | 'farther' | 'about the same';

/** The three option texts in a fixed order. */
export const DISTANCE_CLASSES: readonly DistanceClass[] = Object.freeze(['closer', 'farther', 'about the same'] as const);

/** Options of the `distance` family (all ratios radius_B / radius_A). */
export interface DistanceOptions {
  /**
   * "Closer" when the ratio is below this.
   * @default 0.88
   */
  closerBelow: number;
  /**
   * "Farther" when the ratio is above this.
   * @default 1.12
   */
  fartherAbove: number;
  /**
   * "About the same" when the ratio is at least this (and at most `sameMax`).
   * @default 0.96
   */
  sameMin: number;
  /**
   * "About the same" when the ratio is at most this (and at least `sameMin`).
   * @default 1.04
   */
  sameMax: number;
  /**
   * Re-draw when either view's object coverage is below this share of the image.
   * @default 0.04
   */
  minCoverage: number;
}

/** Defaults of {@link DistanceOptions}. */
export const DISTANCE_DEFAULTS: Readonly<DistanceOptions> = Object.freeze({
  closerBelow: 0.88,
  fartherAbove: 1.12,
  sameMin: 0.96,
  sameMax: 1.04,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
});

/** Question phrasings; the template id is `distance/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  {
    id: 't1',
    text: 'Compared with the first image, was the second image taken from closer to the object, from farther away, or from about the same distance?',
  },
  {
    id: 't2',
    text: 'Did the camera move closer to the object, farther away from it, or stay at about the same distance between the first image and the second image?',
  },
  {
    id: 't3',
    text: 'Judging by the apparent size of the object and its parts, is the camera in the second image closer to the object, farther from it, or at about the same distance as in the first image?',
  },
];
export { TEMPLATES as DISTANCE_TEMPLATES };

/** Conclusion phrasings per class: both distances and their ratio. */
const CONCLUSIONS: Readonly<Record<DistanceClass, readonly string[]>> = {
  closer: [
    'From the camera poses, the camera\'s distance to the object\'s centre went from about {a} m to {b} m (ratio {r}), so it moved closer.',
    'The second camera is about {b} m from the object\'s centre against about {a} m for the first (ratio {r}), so it is closer.',
  ],
  farther: [
    'From the camera poses, the camera\'s distance to the object\'s centre went from about {a} m to {b} m (ratio {r}), so it moved farther away.',
    'The second camera is about {b} m from the object\'s centre against about {a} m for the first (ratio {r}), so it is farther.',
  ],
  'about the same': [
    'From the camera poses, the camera\'s distance to the object\'s centre went from about {a} m to {b} m (ratio {r}), so it stayed about the same.',
    'The second camera is about {b} m from the object\'s centre against about {a} m for the first (ratio {r}), which is about the same.',
  ],
};

/** Phrasings of the apparent-size sentence (used only when it points the same way as the answer). */
const SIZE_SENTENCES: readonly string[] = [
  'The object\'s outline spans about {ca}% of the first image and {cb}% of the second.',
  'The object\'s bounding box covers about {ca}% of the first image against {cb}% of the second.',
];

/** Everything the answer and the reasoning are written from. */
export interface DistanceFacts {
  /** radius_B / radius_A. */
  radiusRatio: number;
  /** Distance of each camera centre from the object's centre, metres. */
  radiusM: [number, number];
  /** The class, or null when the ratio lies in no class's range. */
  cls: DistanceClass | null;
  /** Distance of the ratio from the nearest threshold of its class (negative when `cls` is null). */
  marginRatio: number;
  /**
   * Whether the bounding-box coverage changes the way the class says (larger when closer, smaller
   * when farther, within ±15 % when about the same); the size sentence is written only then.
   */
  coverageAgrees: boolean;
  observations: Observations;
}

function resolveOptions(options: Partial<DistanceOptions>): DistanceOptions {
  const o: DistanceOptions = { ...DISTANCE_DEFAULTS, ...options };
  if (!(o.closerBelow > 0 && o.closerBelow <= o.sameMin && o.sameMin < 1 && o.sameMax > 1 && o.sameMax <= o.fartherAbove)) {
    throw new RangeError(
      `${FAMILY}: need 0 < closerBelow ≤ sameMin < 1 < sameMax ≤ fartherAbove, got ${o.closerBelow}, ${o.sameMin}, ${o.sameMax}, ${o.fartherAbove}`,
    );
  }
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  return o;
}

/** The class of a radius ratio under `options`, or null when it lies in no class's range. */
export function distanceClass(radiusRatio: number, options: Partial<DistanceOptions> = {}): DistanceClass | null {
  const o = { ...DISTANCE_DEFAULTS, ...options };
  if (radiusRatio < o.closerBelow) return 'closer';
  if (radiusRatio > o.fartherAbove) return 'farther';
  if (radiusRatio >= o.sameMin && radiusRatio <= o.sameMax) return 'about the same';
  return null;
}

/** The facts of a sample (no applicability check). Pure. */
export function distanceFacts(truth: GroundTruth, options: Partial<DistanceOptions> = {}): DistanceFacts {
  return factsWith(truth, resolveOptions(options));
}

function factsWith(truth: GroundTruth, o: DistanceOptions): DistanceFacts {
  const r = truth.radiusRatio;
  const cls = distanceClass(r, o);
  const marginRatio =
    cls === 'closer' ? o.closerBelow - r
    : cls === 'farther' ? r - o.fartherAbove
    : cls === 'about the same' ? Math.min(r - o.sameMin, o.sameMax - r)
    : -Math.min(Math.abs(r - o.closerBelow), Math.abs(r - o.sameMin), Math.abs(r - o.sameMax), Math.abs(r - o.fartherAbove));
  const [ca, cb] = [truth.views[0].coverage, truth.views[1].coverage];
  const coverageAgrees =
    cls === 'closer' ? cb > ca : cls === 'farther' ? cb < ca : cls === 'about the same' ? ca > 0 && Math.abs(cb / ca - 1) <= 0.15 : false;
  return {
    radiusRatio: r,
    radiusM: [truth.views[0].camera.orbit.radiusM, truth.views[1].camera.orbit.radiusM],
    cls,
    marginRatio,
    coverageAgrees,
    observations: observeViews(truth),
  };
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function distanceApplies(truth: GroundTruth, options: Partial<DistanceOptions> = {}): Applicability {
  return appliesWith(truth, resolveOptions(options));
}

function appliesWith(truth: GroundTruth, o: DistanceOptions): Applicability {
  const framing = checkFraming(truth, o);
  if (!framing.ok) return framing;
  if (distanceClass(truth.radiusRatio, o) === null) return { ok: false, reason: 'near-threshold' };
  return { ok: true };
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style, distractor order.
 * @throws Error when the sample does not apply (call {@link distanceApplies} first).
 */
export function buildDistanceQuestion(truth: GroundTruth, rng: Rng, answerSlot: number, options: Partial<DistanceOptions> = {}): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options));
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: DistanceOptions): BuiltQuestion {
  const verdict = appliesWith(truth, o);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const facts = factsWith(truth, o);
  const cls = facts.cls!;
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const arranged = arrangeOptions(FAMILY, cls, DISTANCE_CLASSES.filter((c) => c !== cls), answerSlot, rng);
  const sentences: string[] = [];
  if (facts.coverageAgrees) {
    const [ca, cb] = facts.observations.coverage;
    sentences.push(
      fillTemplate(SIZE_SENTENCES[style.conclusion % SIZE_SENTENCES.length], { ca: String(Math.round(ca * 100)), cb: String(Math.round(cb * 100)) }),
    );
  }
  const phrasings = CONCLUSIONS[cls];
  sentences.push(
    fillTemplate(phrasings[style.conclusion % phrasings.length], {
      a: facts.radiusM[0].toFixed(2),
      b: facts.radiusM[1].toFixed(2),
      r: facts.radiusRatio.toFixed(2),
    }),
  );
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: subjectWording(truth)(template.text),
    ...arranged,
    reasoning: writeReasoning({
      observations: facts.observations,
      style,
      conclusion: sentences.map(subjectWording(truth)),
      answerLetter: arranged.answerLetter,
      answerText: arranged.answerText,
    }),
    difficulty: { margin: facts.marginRatio, marginUnit: 'ratio', bin: cls, value: facts.radiusRatio },
  };
}

/**
 * The planner's motion: class 0 closer (B at 0.6–0.85 of A's distance), 1 farther (1.18–1.6),
 * 2 about the same (0.98–1.02), both views inside the distance range; a small orbit
 * (|Δazimuth| < 45°), nuisance elevation.
 */
const MOTION: FamilyMotion = {
  classes: 3,
  draw(m, cls) {
    const [rMin, rMax] = m.radius;
    const deltaAzimuthDeg = m.rng.range(-45, 45);
    const elevationDeg = m.nuisanceElevation();
    const ratio = cls === 2 ? m.rng.range(0.98, 1.02) : cls === 0 ? m.rng.range(0.6, 0.85) : m.rng.range(1.18, 1.6);
    const rA = m.rng.range(Math.max(rMin, rMin / ratio), Math.min(rMax, rMax / ratio));
    return { deltaAzimuthDeg, elevationDeg, radiusM: [rA, rA * ratio] };
  },
};

/** Makes the `distance` family with `options` over {@link DISTANCE_DEFAULTS}. @throws RangeError on bad options. */
export function createDistanceFamily(options: Partial<DistanceOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'same',
    name: FAMILY,
    stage: 'sft' as const,
    optionCount: 3,
    motion: MOTION,
    onScenes: true,
    applies: (truth: GroundTruth) => appliesWith(truth, o),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot, o),
  });
}

/** The `distance` family with default options. */
export const distanceFamily: QuestionFamily = createDistanceFamily();
