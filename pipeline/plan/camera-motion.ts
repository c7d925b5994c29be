/**
 * Draws the two camera orbits of a sample (and how far the object turns between the views) from
 * the motion its family declares (`QuestionFamily.motion`, pipeline/questions/family-motion.ts):
 * each family gets the motion its question is about, with the answer classes drawn evenly (so a
 * model cannot win by guessing the commonest class), and nuisance motion elsewhere. Framing is
 * built in: radii keep the unit sphere inside the view.
 *
 * Order of draws from the plan stream: view A's azimuth, the family's motion, then the rolls.
 */
import type { QuestionFamily } from '../questions/question-family.js';
import type { MotionDraw } from '../questions/family-motion.js';
import type { Rng } from '../rng.js';
import type { OrbitParams } from '../types.js';

/** Ranges the planner draws cameras from. */
export interface CameraRanges {
  /** Vertical field of view range, degrees. @default [35, 55] */
  fovYDeg: [number, number];
  /** Elevation range for any view, degrees. @default [-20, 70] */
  elevationDeg: [number, number];
  /** Camera roll range (symmetric ±), degrees. @default 0 */
  rollDeg: number;
  /**
   * Radius range as multiples of the distance at which the unit sphere just fills 90% of the
   * half field of view. @default [1, 1.7]
   */
  radiusFactor: [number, number];
}

export const CAMERA_DEFAULTS: CameraRanges = {
  fovYDeg: [35, 55],
  elevationDeg: [-20, 70],
  rollDeg: 0,
  radiusFactor: [1, 1.7],
};

const DEG = Math.PI / 180;

/** What {@link drawCameraMotion} draws for one sample. */
export interface CameraMotion {
  /** Orbit (with pan) of view A and view B. */
  orbits: [OrbitParams, OrbitParams];
  /** Object yaw change B − A about world +Y, degrees (positive = counter-clockwise seen from above); 0 unless the family turns the object. */
  objectTurnDeg: number;
}

/** Smallest camera distance that keeps the unit sphere within 90% of the half field of view. */
export function minRadiusForFov(fovYDeg: number): number {
  return 1 / Math.sin(0.9 * (fovYDeg / 2) * DEG);
}

function wrap180(a: number): number {
  const w = ((((a + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

/**
 * Draws the orbits of views A and B for `family` with the field of view `fovYDeg`, and the
 * object's turn between them; `answerClass` < `family.motion.classes` is the balanced class.
 */
export function drawCameraMotion(family: Pick<QuestionFamily, 'motion'>, fovYDeg: number, rng: Rng, ranges: CameraRanges = CAMERA_DEFAULTS, answerClass = 0): CameraMotion {
  const rBase = minRadiusForFov(fovYDeg);
  const rMin = rBase * ranges.radiusFactor[0];
  const rMax = rBase * ranges.radiusFactor[1];
  const [elMin, elMax] = ranges.elevationDeg;
  const roll = () => (ranges.rollDeg > 0 ? rng.range(-ranges.rollDeg, ranges.rollDeg) : 0);
  const draw: MotionDraw = {
    rng,
    fovYDeg,
    radius: [rMin, rMax],
    elevationDeg: [elMin, elMax],
    nuisanceElevation() {
      const elA = rng.range(elMin + 10, elMax - 10);
      return [elA, elA + rng.range(-10, 10)];
    },
    nuisanceRadius() {
      const rA = rng.range(rMin, rMax / 1.1);
      return [rA, rA * rng.range(0.95, 1.1)];
    },
  };
  const azA = rng.range(-180, 180);
  const m = family.motion.draw(draw, answerClass);
  const [panA, panB] = m.panDeg ?? [0, 0];
  const rollA = roll();
  const rollB = m.sameRoll === true ? rollA : roll();
  const dAz = m.deltaAzimuthDeg;
  return {
    orbits: [
      { azimuthDeg: azA, elevationDeg: m.elevationDeg[0], radiusM: m.radiusM[0], rollDeg: rollA, panDeg: panA },
      // dAz === 0 (a camera that stays put) keeps the azimuth bit for bit, so both centres are identical.
      { azimuthDeg: dAz === 0 ? azA : wrap180(azA + dAz), elevationDeg: m.elevationDeg[1], radiusM: m.radiusM[1], rollDeg: rollB, panDeg: panB },
    ],
    objectTurnDeg: m.objectTurnDeg ?? 0,
  };
}
