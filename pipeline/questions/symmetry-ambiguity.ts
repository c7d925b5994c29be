/**
 * Which rotation questions an object's symmetry about the up axis leaves answerable.
 *
 * What the two images show of a turn is the object's turn relative to the camera: the object's
 * yaw change minus the camera's azimuth change (both about world +Y; the background and the
 * lighting are not counted as cues). An object with symmetry period P (c2: 180°, c4: 90°) looks
 * the same after a relative turn of θ and θ + k·P, so only the representative nearest 0 can be
 * told from the images: a question is answerable when |θ| < P/2 − margin (the turn is then the
 * smallest one that explains the images, and far enough from the tie at P/2 where even its
 * direction flips). A 'continuous' object shows no turn at all; a 'none' object shows every turn.
 *
 * Families whose answer depends on that relative turn declare it (`QuestionFamily.turnSensitive`:
 * orbit, orbit-direction, object-rotation, perspective). The others (elevation, distance,
 * ego-turn — a turn in place moves the object in the image whatever its shape — and
 * relative-depth) are unaffected.
 */
import type { GroundTruth, ObjectSpec } from '../types.js';
import type { QuestionFamily } from './question-family.js';

/** Kept from each ambiguous angle, degrees (the same as the rotation families' bin-edge margin). */
export const SYMMETRY_MARGIN_DEG = 5;

/** Re-draw reason when the symmetry hides the turn. */
export const SYMMETRIC_OBJECT = 'symmetric-object';

/** Period of the object's look under turns about the up axis, degrees: none 360, c2 180, c4 90, continuous 0. */
export function getSymmetryPeriodDeg(symmetry: ObjectSpec['symmetry']): number {
  return symmetry === 'none' ? 360 : symmetry === 'c2' ? 180 : symmetry === 'c4' ? 90 : 0;
}

/** Wraps an angle to (−180, 180]. */
function wrap180(a: number): number {
  const w = ((((a + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

/**
 * The turn of the object relative to the camera between the views, degrees in (−180, 180]:
 * object yaw change minus camera azimuth change (a camera orbiting by +a looks like the object
 * turning by −a).
 */
export function getRelativeTurnDeg(truth: Pick<GroundTruth, 'deltaAzimuthDeg' | 'deltaObjectYawDeg'>): number {
  return wrap180(truth.deltaObjectYawDeg - truth.deltaAzimuthDeg);
}

/**
 * Whether a relative turn of `turnDeg` can be read from images of an object with `symmetry`:
 * always for 'none', never for 'continuous', else when |turn| < period/2 − `marginDeg`.
 */
export function isTurnAnswerable(symmetry: ObjectSpec['symmetry'], turnDeg: number, marginDeg = SYMMETRY_MARGIN_DEG): boolean {
  if (symmetry === 'none') return true;
  if (symmetry === 'continuous') return false;
  return Math.abs(wrap180(turnDeg)) < getSymmetryPeriodDeg(symmetry) / 2 - marginDeg;
}

/**
 * Whether `family` may be asked about a sample with this ground truth, as far as the object's
 * symmetry goes: `{ ok: false, reason: 'symmetric-object' }` when the family's answer is the
 * relative turn (`turnSensitive`) and the turn is not answerable. Pure.
 */
export function checkSymmetryAmbiguity(family: Pick<QuestionFamily, 'turnSensitive'>, truth: GroundTruth, marginDeg = SYMMETRY_MARGIN_DEG): { ok: true } | { ok: false; reason: string } {
  if (!family.turnSensitive) return { ok: true };
  return isTurnAnswerable(truth.object.symmetry, getRelativeTurnDeg(truth), marginDeg) ? { ok: true } : { ok: false, reason: SYMMETRIC_OBJECT };
}
