/**
 * Family `elevation` (SFT stage, Viewpoint-100K style): is the camera of the second image at a
 * higher, lower, or about the same elevation angle above the object as the camera of the first?
 * Three options: "higher", "lower", "about the same".
 *
 * The answer comes from `truth.deltaElevationDeg` (elevation of B − A, degrees; elevation is the
 * angle of the camera centre above the horizontal plane through the object's centre):
 * higher if Δel > `changeAboveDeg`, lower if Δel < −`changeAboveDeg`, about the same if
 * |Δel| < `sameWithinDeg`.
 *
 * ```text
 * Question: Think about how steeply the camera looks down on (or up at) the object in each image.
 *   From the first image to the second, did the camera end up higher, lower, or at about the same
 *   elevation?
 * Options:  A. higher   B. about the same   C. lower
 * Answer:   A
 * Reasoning: The first image shows the black body, the red knob and the yellow foot in the centre,
 *   with the yellow foot the nearest of them to the camera. The second image shows the black body,
 *   the red knob and the green fin in the centre, with the red knob the nearest of them to the
 *   camera. Compared with the first image, the second image newly shows the green fin but no
 *   longer shows the yellow foot. From the camera poses, the elevation angle rose by about 42°,
 *   from 3° to 44°, so the second camera is higher. So the answer is A: higher.
 * ```
 * (Generated: seed 0, sample 1, 512 px.)
 *
 * Re-draw rules ({@link elevationApplies}), in this order: 'out-of-frame' / 'too-small' (either
 * view), 'near-threshold' (`sameWithinDeg` ≤ |Δel| ≤ `changeAboveDeg`), 'height-disagrees'
 * (higher/lower, but the camera centre's world height `views[i].camera.centre[1]` does not change
 * with the same sign — possible when the radius shrinks or grows a lot).
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { checkFraming, FRAMING_DEFAULTS } from './check-framing.js';
import { drawReasoningStyle, fillTemplate, observeViews, subjectWording, writeReasoning, type Observations } from './describe-view.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import type { FamilyMotion } from './family-motion.js';

const FAMILY = 'elevation';

/** Answer classes, which are also the option texts. */
export type ElevationClass = 'higher' | 'lower' | 'about the same';

/** The three option texts in a fixed order. */
export const ELEVATION_CLASSES: readonly ElevationClass[] = Object.freeze(['higher', 'lower', 'about the same'] as const);

/** Options of the `elevation` family. */
export interface ElevationOptions {
  /**
   * "About the same" when |Δelevation| is below this, degrees.
   * @default 5
   */
  sameWithinDeg: number;
  /**
   * "Higher" when Δelevation is above this, "lower" when below its negative, degrees.
   * Between the two thresholds the sample is re-drawn.
   * @default 10
   */
  changeAboveDeg: number;
  /**
   * Re-draw when either view's object coverage is below this share of the image.
   * @default 0.04
   */
  minCoverage: number;
}

/** Defaults of {@link ElevationOptions}. */
export const ELEVATION_DEFAULTS: Readonly<ElevationOptions> = Object.freeze({
  sameWithinDeg: 5,
  changeAboveDeg: 10,
  minCoverage: FRAMING_DEFAULTS.minCoverage,
});

/** Question phrasings; the template id is `elevation/<id>`. */
const TEMPLATES: readonly { id: string; text: string }[] = [
  {
    id: 't1',
    text: 'Compared with the first image, is the camera in the second image at a higher, a lower, or about the same elevation angle above the object?',
  },
  {
    id: 't2',
    text: 'The camera moved between the first image and the second image. Relative to the object, is the second viewpoint higher, lower, or at about the same elevation as the first?',
  },
  {
    id: 't3',
    text: 'Think about how steeply the camera looks down on (or up at) the object in each image. From the first image to the second, did the camera end up higher, lower, or at about the same elevation?',
  },
];
export { TEMPLATES as ELEVATION_TEMPLATES };

/** Conclusion phrasings per class: the actual change and both elevations. */
const CONCLUSIONS: Readonly<Record<ElevationClass, readonly string[]>> = {
  higher: [
    'From the camera poses, the elevation angle rose by about {d}°, from {a}° to {b}°, so the second camera is higher.',
    'The second viewpoint sees the object from about {b}° of elevation instead of about {a}°, which is about {d}° higher.',
  ],
  lower: [
    'From the camera poses, the elevation angle fell by about {d}°, from {a}° to {b}°, so the second camera is lower.',
    'The second viewpoint sees the object from about {b}° of elevation instead of about {a}°, which is about {d}° lower.',
  ],
  'about the same': [
    'From the camera poses, the elevation angle changed by only about {d}°, from {a}° to {b}°, so it stays about the same.',
    'The second viewpoint sees the object from about {b}° of elevation against about {a}° in the first, a difference of only about {d}°, so about the same.',
  ],
};

/** Everything the answer and the reasoning are written from. */
export interface ElevationFacts {
  /** Elevation of B − A, degrees. */
  deltaElevationDeg: number;
  /** Elevation of each view, degrees. */
  elevationDeg: [number, number];
  /** World height (+Y) of each camera centre, metres. */
  heightM: [number, number];
  /** The class, or null inside the re-draw band between the thresholds. */
  cls: ElevationClass | null;
  /** Distance of Δel from the nearest threshold of its class, degrees (negative inside the re-draw band). */
  marginDeg: number;
  observations: Observations;
}

function resolveOptions(options: Partial<ElevationOptions>): ElevationOptions {
  const o: ElevationOptions = { ...ELEVATION_DEFAULTS, ...options };
  if (!(o.sameWithinDeg > 0 && o.sameWithinDeg <= o.changeAboveDeg)) {
    throw new RangeError(`${FAMILY}: need 0 < sameWithinDeg ≤ changeAboveDeg, got ${o.sameWithinDeg} and ${o.changeAboveDeg}`);
  }
  if (!(o.minCoverage >= 0 && o.minCoverage <= 1)) throw new RangeError(`${FAMILY}: minCoverage must be in [0, 1], got ${o.minCoverage}`);
  return o;
}

/** The class of an elevation change under `options`, or null in the re-draw band. */
export function elevationClass(deltaElevationDeg: number, options: Partial<ElevationOptions> = {}): ElevationClass | null {
  const o = { ...ELEVATION_DEFAULTS, ...options };
  if (deltaElevationDeg > o.changeAboveDeg) return 'higher';
  if (deltaElevationDeg < -o.changeAboveDeg) return 'lower';
  if (Math.abs(deltaElevationDeg) < o.sameWithinDeg) return 'about the same';
  return null;
}

/** The facts of a sample (no applicability check). Pure. */
export function elevationFacts(truth: GroundTruth, options: Partial<ElevationOptions> = {}): ElevationFacts {
  return factsWith(truth, resolveOptions(options));
}

function factsWith(truth: GroundTruth, o: ElevationOptions): ElevationFacts {
  const d = truth.deltaElevationDeg;
  const cls = elevationClass(d, o);
  const marginDeg =
    cls === 'higher' ? d - o.changeAboveDeg
    : cls === 'lower' ? -o.changeAboveDeg - d
    : cls === 'about the same' ? o.sameWithinDeg - Math.abs(d)
    : -Math.min(Math.abs(d) - o.sameWithinDeg, o.changeAboveDeg - Math.abs(d));
  return {
    deltaElevationDeg: d,
    elevationDeg: [truth.views[0].camera.orbit.elevationDeg, truth.views[1].camera.orbit.elevationDeg],
    heightM: [truth.views[0].camera.centre[1], truth.views[1].camera.centre[1]],
    cls,
    marginDeg,
    observations: observeViews(truth),
  };
}

/** Whether the sample can be asked about; see the file header for the rules and their order. */
export function elevationApplies(truth: GroundTruth, options: Partial<ElevationOptions> = {}): Applicability {
  return appliesWith(truth, resolveOptions(options));
}

function appliesWith(truth: GroundTruth, o: ElevationOptions): Applicability {
  const framing = checkFraming(truth, o);
  if (!framing.ok) return framing;
  const cls = elevationClass(truth.deltaElevationDeg, o);
  if (cls === null) return { ok: false, reason: 'near-threshold' };
  const dh = truth.views[1].camera.centre[1] - truth.views[0].camera.centre[1];
  if ((cls === 'higher' && !(dh > 0)) || (cls === 'lower' && !(dh < 0))) return { ok: false, reason: 'height-disagrees' };
  return { ok: true };
}

/** Whole degrees as text, ASCII minus sign. */
function deg(x: number): string {
  return String(Math.round(x) + 0);
}

/**
 * Builds the question. Draws from `rng`, in order: template, reasoning style, distractor order.
 * @throws Error when the sample does not apply (call {@link elevationApplies} first).
 */
export function buildElevationQuestion(truth: GroundTruth, rng: Rng, answerSlot: number, options: Partial<ElevationOptions> = {}): BuiltQuestion {
  return buildWith(truth, rng, answerSlot, resolveOptions(options));
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: ElevationOptions): BuiltQuestion {
  const verdict = appliesWith(truth, o);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const facts = factsWith(truth, o);
  const cls = facts.cls!;
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const arranged = arrangeOptions(FAMILY, cls, ELEVATION_CLASSES.filter((c) => c !== cls), answerSlot, rng);
  const phrasings = CONCLUSIONS[cls];
  const conclusion = fillTemplate(phrasings[style.conclusion % phrasings.length], {
    d: deg(Math.abs(facts.deltaElevationDeg)),
    a: deg(facts.elevationDeg[0]),
    b: deg(facts.elevationDeg[1]),
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
    difficulty: { margin: facts.marginDeg, marginUnit: 'deg', bin: cls, value: facts.deltaElevationDeg },
  };
}

/**
 * The planner's motion: class 0 higher (B 12–45° above A), 1 lower, 2 about the same (within
 * ±3°), both views inside the elevation range; a small orbit (|Δazimuth| < 45°), nuisance radius.
 */
const MOTION: FamilyMotion = {
  classes: 3,
  draw(m, cls) {
    const [elMin, elMax] = m.elevationDeg;
    const deltaAzimuthDeg = m.rng.range(-45, 45);
    const d = cls === 2 ? m.rng.range(-3, 3) : m.rng.range(12, 45) * (cls === 0 ? 1 : -1);
    const elA = m.rng.range(Math.max(elMin, elMin - d), Math.min(elMax, elMax - d));
    return { deltaAzimuthDeg, elevationDeg: [elA, elA + d], radiusM: m.nuisanceRadius() };
  },
};

/** Makes the `elevation` family with `options` over {@link ELEVATION_DEFAULTS}. @throws RangeError on bad options. */
export function createElevationFamily(options: Partial<ElevationOptions> = {}): QuestionFamily {
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

/** The `elevation` family with default options. */
export const elevationFamily: QuestionFamily = createElevationFamily();
