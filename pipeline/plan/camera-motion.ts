/**
 * Draws the two camera orbits of a sample (and, for `object-rotation`, how far the object turns
 * between the views). Each family gets the motion its question is about, with the answer classes
 * drawn evenly (so a model cannot win by guessing the commonest class), and nuisance motion
 * elsewhere. Framing is built in: radii keep the unit sphere inside the view.
 *
 * Families and their motion:
 * - `orbit`, `orbit-direction`, `elevation`, `distance`: the camera moves on its orbit (pan 0).
 * - `ego-turn`: the camera turns in place: same centre and roll, pans differ by the turn (drawn
 *   bin first, then the angle inside it); both pans stay within ±(fov/2 − {@link EGO_TURN_PAN_MARGIN_DEG})
 *   so the object centre stays in both images; elevation is kept low (see {@link OrbitParams.panDeg}).
 * - `object-rotation`: one camera for both views; the object turns about +Y by an amount drawn
 *   bin first, like the orbit bins.
 * - `perspective`, `relative-depth`: views far apart (|Δazimuth| 60–180°), so the second view is a
 *   different perspective and a part it hides is often seen in the first (their cross-view rule).
 * - anything else: a moderate orbit move (|Δazimuth| < 90°).
 */
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

/** Orbit angle bins the planner balances over (the `orbit` family asks about the same bins). */
export const ORBIT_BIN_EDGES_DEG = [0, 30, 60, 90, 135, 180];

/** Turn-in-place bins the planner balances over (the `ego-turn` family asks about the same bins). */
export const EGO_TURN_BIN_EDGES_DEG = [0, 10, 20, 30];

/** Object-turn bins the planner balances over (the `object-rotation` family asks about the same bins). */
export const OBJECT_TURN_BIN_EDGES_DEG = [0, 30, 60, 90, 135, 180];

/** Each `ego-turn` pan keeps at least this far inside the half field of view, degrees. */
export const EGO_TURN_PAN_MARGIN_DEG = 2.5;

/** Elevation range of `ego-turn` cameras, degrees: low, so a pan barely tilts the horizon. */
export const EGO_TURN_ELEVATION_DEG: [number, number] = [-5, 15];

/** Smallest |Δazimuth| of `perspective` samples, degrees. */
export const PERSPECTIVE_MIN_ORBIT_DEG = 60;

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
 * Answer classes of the camera-motion families: the motion is drawn for the sample's balanced
 * class ({@link answerClass}), so every answer content (each direction × bin, each of higher /
 * lower / about the same…) is equally common whatever the re-draws. Class k of a binned family is
 * bin ⌊k / 2⌋, side + when k is even.
 */
export const MOTION_CLASS_COUNTS: Readonly<Record<string, number>> = Object.freeze({
  orbit: 2 * (ORBIT_BIN_EDGES_DEG.length - 1),
  'orbit-direction': 2,
  elevation: 3,
  distance: 3,
  'ego-turn': 2 * (EGO_TURN_BIN_EDGES_DEG.length - 1),
  'object-rotation': 2 * (OBJECT_TURN_BIN_EDGES_DEG.length - 1),
});

/** A signed angle of class `cls`: bin ⌊cls / 2⌋ of `edges`, side + for even `cls`, the magnitude uniform inside the bin. */
function drawBinned(edges: readonly number[], cls: number, rng: Rng): number {
  const bin = Math.floor(cls / 2) % (edges.length - 1);
  return (cls % 2 === 0 ? 1 : -1) * rng.range(edges[bin], edges[bin + 1]);
}

/**
 * Draws the orbits of views A and B for `family` with the field of view `fovYDeg`, and the
 * object's turn between them. The draws of the viewpoint families come first and in the same
 * order as before pans existed, so their plans did not change.
 */
export function drawCameraMotion(family: string, fovYDeg: number, rng: Rng, ranges: CameraRanges = CAMERA_DEFAULTS, answerClass = 0): CameraMotion {
  const cls = answerClass;
  const rBase = minRadiusForFov(fovYDeg);
  const rMin = rBase * ranges.radiusFactor[0];
  const rMax = rBase * ranges.radiusFactor[1];
  const [elMin, elMax] = ranges.elevationDeg;
  const roll = () => (ranges.rollDeg > 0 ? rng.range(-ranges.rollDeg, ranges.rollDeg) : 0);
  const azA = rng.range(-180, 180);
  let dAz: number;
  let elA: number;
  let elB: number;
  let rA: number;
  let rB: number;
  const nuisanceEl = () => {
    elA = rng.range(elMin + 10, elMax - 10);
    elB = elA + rng.range(-10, 10);
  };
  const nuisanceR = () => {
    rA = rng.range(rMin, rMax / 1.1);
    rB = rA * rng.range(0.95, 1.1);
  };
  let panA = 0;
  let panB = 0;
  let objectTurnDeg = 0;
  let sameRoll = false;
  switch (family) {
    case 'orbit': {
      // The class's (direction, bin), then the angle inside it: every answer is equally common, so
      // the wider 90–135° / 135–180° bins are not over-represented.
      dAz = drawBinned(ORBIT_BIN_EDGES_DEG, cls, rng);
      nuisanceEl();
      nuisanceR();
      break;
    }
    case 'orbit-direction':
      dAz = (cls % 2 === 0 ? 1 : -1) * rng.range(10, 170);
      nuisanceEl();
      nuisanceR();
      break;
    case 'elevation': {
      dAz = rng.range(-45, 45);
      // class 0 higher, 1 lower, 2 about the same
      const d = cls === 2 ? rng.range(-3, 3) : rng.range(12, 45) * (cls === 0 ? 1 : -1);
      elA = rng.range(Math.max(elMin, elMin - d), Math.min(elMax, elMax - d));
      elB = elA + d;
      nuisanceR();
      break;
    }
    case 'distance': {
      dAz = rng.range(-45, 45);
      nuisanceEl();
      // class 0 closer, 1 farther, 2 about the same
      const ratio = cls === 2 ? rng.range(0.98, 1.02) : cls === 0 ? rng.range(0.6, 0.85) : rng.range(1.18, 1.6);
      rA = rng.range(Math.max(rMin, rMin / ratio), Math.min(rMax, rMax / ratio));
      rB = rA * ratio;
      break;
    }
    case 'ego-turn': {
      // Turn in place: one centre, one roll; the pans differ by the turn.
      dAz = 0;
      elA = rng.range(Math.max(elMin, EGO_TURN_ELEVATION_DEG[0]), Math.min(elMax, EGO_TURN_ELEVATION_DEG[1]));
      elB = elA;
      rA = rng.range(rMin, rMax);
      rB = rA;
      const turn = drawBinned(EGO_TURN_BIN_EDGES_DEG, cls, rng);
      // Both pans within ±limit: panA uniform on [−limit, limit] ∩ [−limit − turn, limit − turn].
      const limit = fovYDeg / 2 - EGO_TURN_PAN_MARGIN_DEG;
      const lo = Math.max(-limit, -limit - turn);
      const hi = Math.min(limit, limit - turn);
      panA = lo <= hi ? rng.range(lo, hi) : -turn / 2;
      panB = panA + turn;
      sameRoll = true;
      break;
    }
    case 'object-rotation':
      // One camera for both views; the object turns.
      dAz = 0;
      nuisanceEl();
      elB = elA!;
      rA = rng.range(rMin, rMax);
      rB = rA;
      objectTurnDeg = drawBinned(OBJECT_TURN_BIN_EDGES_DEG, cls, rng);
      sameRoll = true;
      break;
    case 'perspective':
    case 'relative-depth':
      // Far apart, so a part hidden in the second view is often seen in the first (the cross-view rule of both families).
      dAz = (rng.chance(0.5) ? 1 : -1) * rng.range(PERSPECTIVE_MIN_ORBIT_DEG, 180);
      nuisanceEl();
      nuisanceR();
      break;
    default:
      // any other family: a moderate move.
      dAz = rng.range(-90, 90);
      nuisanceEl();
      nuisanceR();
  }
  const rollA = roll();
  const rollB = sameRoll ? rollA : roll();
  return {
    orbits: [
      { azimuthDeg: azA, elevationDeg: elA!, radiusM: rA!, rollDeg: rollA, panDeg: panA },
      // dAz === 0 (a camera that stays put) keeps the azimuth bit for bit, so both centres are identical.
      { azimuthDeg: dAz === 0 ? azA : wrap180(azA + dAz), elevationDeg: elB!, radiusM: rB!, rollDeg: rollB, panDeg: panB },
    ],
    objectTurnDeg,
  };
}
