/**
 * Draws the two camera orbits of a sample. Each family gets the motion its question is about,
 * with the answer classes drawn evenly (so a model cannot win by guessing the commonest class),
 * and nuisance motion elsewhere. Framing is built in: radii keep the unit sphere inside the view.
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

/** Smallest camera distance that keeps the unit sphere within 90% of the half field of view. */
export function minRadiusForFov(fovYDeg: number): number {
  return 1 / Math.sin(0.9 * (fovYDeg / 2) * DEG);
}

function wrap180(a: number): number {
  const w = ((((a + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

/** Draws the orbits of views A and B for `family` with the field of view `fovYDeg`. */
export function drawCameraMotion(family: string, fovYDeg: number, rng: Rng, ranges: CameraRanges = CAMERA_DEFAULTS): [OrbitParams, OrbitParams] {
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
  switch (family) {
    case 'orbit': {
      // Bin first, then the angle inside it: every (direction, bin) answer is equally common, so
      // the wider 90–135° / 135–180° bins are not over-represented.
      const bin = rng.int(0, ORBIT_BIN_EDGES_DEG.length - 2);
      dAz = (rng.chance(0.5) ? 1 : -1) * rng.range(ORBIT_BIN_EDGES_DEG[bin], ORBIT_BIN_EDGES_DEG[bin + 1]);
      nuisanceEl();
      nuisanceR();
      break;
    }
    case 'orbit-direction':
      dAz = (rng.chance(0.5) ? 1 : -1) * rng.range(10, 170);
      nuisanceEl();
      nuisanceR();
      break;
    case 'elevation': {
      dAz = rng.range(-45, 45);
      const cls = rng.int(0, 2); // 0 higher, 1 lower, 2 about the same
      const d = cls === 2 ? rng.range(-3, 3) : rng.range(12, 45) * (cls === 0 ? 1 : -1);
      elA = rng.range(Math.max(elMin, elMin - d), Math.min(elMax, elMax - d));
      elB = elA + d;
      nuisanceR();
      break;
    }
    case 'distance': {
      dAz = rng.range(-45, 45);
      nuisanceEl();
      const cls = rng.int(0, 2); // 0 closer, 1 farther, 2 about the same
      const ratio = cls === 2 ? rng.range(0.98, 1.02) : cls === 0 ? rng.range(0.6, 0.85) : rng.range(1.18, 1.6);
      rA = rng.range(Math.max(rMin, rMin / ratio), Math.min(rMax, rMax / ratio));
      rB = rA * ratio;
      break;
    }
    default:
      dAz = rng.range(-90, 90);
      nuisanceEl();
      nuisanceR();
  }
  return [
    { azimuthDeg: azA, elevationDeg: elA!, radiusM: rA!, rollDeg: roll() },
    { azimuthDeg: wrap180(azA + dAz), elevationDeg: elB!, radiusM: rB!, rollDeg: roll() },
  ];
}
