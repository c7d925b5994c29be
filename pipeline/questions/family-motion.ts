/**
 * How a family moves the cameras (and the object) between its two views: each family declares
 * its own {@link FamilyMotion} (pipeline/questions/<family>.ts), and the planner
 * (pipeline/plan/camera-motion.ts) draws it. The family asks about the motion it draws, so the
 * bins it balances and the bins it asks about are one list.
 *
 * A motion draws from the sample's plan stream through a {@link MotionDraw}: the planner has
 * already drawn view A's azimuth, and draws the camera rolls after the motion. The order of
 * draws inside a motion is part of the output (same seed, same bytes).
 */
import type { Rng } from '../rng.js';
import type { CameraPose, ProceduralObjectSpec } from '../types.js';

/** What a motion may draw from: the sample's stream, and the shared draws of the camera ranges. */
export interface MotionDraw {
  rng: Rng;
  /** Vertical field of view of both views, degrees. */
  fovYDeg: number;
  /** Camera distance range of the run (framing built in), metres. */
  radius: [number, number];
  /** Elevation range of the run, degrees. */
  elevationDeg: [number, number];
  /** Nuisance elevations: A inside the range by 10°, B within ±10° of A. */
  nuisanceElevation(): [number, number];
  /** Nuisance radii: A in [min, max/1.1], B within −5 % … +10 % of A. */
  nuisanceRadius(): [number, number];
}

/** What a motion drew. */
export interface DrawnMotion {
  /** Azimuth change B − A, degrees; exactly 0 keeps view B's azimuth bit for bit. */
  deltaAzimuthDeg: number;
  elevationDeg: [number, number];
  radiusM: [number, number];
  /** Pans of the two views, degrees. @default [0, 0] */
  panDeg?: [number, number];
  /** Object yaw change B − A about world +Y, degrees. @default 0 */
  objectTurnDeg?: number;
  /** Both views share one roll (one camera, or a turn in place). @default false */
  sameRoll?: boolean;
}

/** A family's camera motion. */
export interface FamilyMotion {
  /**
   * Answer classes the motion balances (each direction × bin, each of higher / lower / about the
   * same…): the planner passes each sample a balanced class < `classes`. @default 1
   */
  classes?: number;
  /** Draws the motion of class `answerClass`. */
  draw(m: MotionDraw, answerClass: number): DrawnMotion;
  /**
   * A scene family whose answer is an object's own move (`object-move`): returns the scene with
   * the objects that move between the views given their place at view B
   * (`SceneObjectSpec.positionB`), for answer class `answerClass`, seen from camera A. The planner
   * calls it after the cameras, from the same stream. @default none: nothing moves
   */
  moveObjects?(scene: ProceduralObjectSpec, cameraA: CameraPose, rng: Rng, answerClass: number): ProceduralObjectSpec;
}

/** A signed angle of class `cls`: bin ⌊cls / 2⌋ of `edges`, side + for even `cls`, the magnitude uniform inside the bin. */
export function drawBinnedAngle(edges: readonly number[], cls: number, rng: Rng): number {
  const bin = Math.floor(cls / 2) % (edges.length - 1);
  return (cls % 2 === 0 ? 1 : -1) * rng.range(edges[bin], edges[bin + 1]);
}

/** Classes of a binned motion: two sides per bin of `edges`. */
export function binnedClassCount(edges: readonly number[]): number {
  return 2 * (edges.length - 1);
}

/**
 * The motion of a family asking about the signed orbit angle in bins (`orbit`): class k is bin
 * ⌊k / 2⌋, side + when k is even; the angle uniform inside the bin, so the wide bins are not
 * over-represented. Nuisance elevation and radius.
 */
export function binnedOrbitMotion(edges: readonly number[]): FamilyMotion {
  return {
    classes: binnedClassCount(edges),
    draw(m, cls) {
      const deltaAzimuthDeg = drawBinnedAngle(edges, cls, m.rng);
      const elevationDeg = m.nuisanceElevation();
      return { deltaAzimuthDeg, elevationDeg, radiusM: m.nuisanceRadius() };
    },
  };
}

/** Smallest |Δazimuth| of the far-apart motion, degrees. */
export const FAR_APART_MIN_ORBIT_DEG = 60;

/**
 * Views far apart (|Δazimuth| 60–180°, either side), so the second view is a different
 * perspective and a part it hides is often seen in the first (the cross-view rule of
 * `perspective` and `relative-depth`).
 */
export const FAR_APART_MOTION: FamilyMotion = Object.freeze({
  draw(m: MotionDraw) {
    const deltaAzimuthDeg = (m.rng.chance(0.5) ? 1 : -1) * m.rng.range(FAR_APART_MIN_ORBIT_DEG, 180);
    const elevationDeg = m.nuisanceElevation();
    return { deltaAzimuthDeg, elevationDeg, radiusM: m.nuisanceRadius() };
  },
});

/** The motion of a family that declares none: a moderate orbit move (|Δazimuth| < 90°). */
export const MODERATE_MOTION: FamilyMotion = Object.freeze({
  draw(m: MotionDraw) {
    const deltaAzimuthDeg = m.rng.range(-90, 90);
    const elevationDeg = m.nuisanceElevation();
    return { deltaAzimuthDeg, elevationDeg, radiusM: m.nuisanceRadius() };
  },
});

/** Elevation range of scene cameras, degrees: above the ground the objects stand on, looking down on them. */
export const SCENE_ELEVATION_DEG: readonly [number, number] = [15, 50];

/**
 * Distance range of scene cameras from the scene centre, metres: outside the unit sphere that
 * holds every object (so a camera is never inside one) but near enough that the view takes in
 * only part of the scene, and objects at its sides or near its edge fall out of the frame.
 */
export const SCENE_RADIUS_M: readonly [number, number] = [1.15, 1.9];

/** Largest pan of a scene camera away from the scene centre, degrees. */
export const SCENE_PAN_DEG = 14;

/**
 * The motion of the scene families: both cameras above the ground (elevation in
 * {@link SCENE_ELEVATION_DEG}, within the run's range), near the scene ({@link SCENE_RADIUS_M})
 * and panned up to {@link SCENE_PAN_DEG} off its centre, views 40–140° apart on either side, so an
 * object one view hides or leaves out is often seen in the other (the cross-view rule of the
 * static scene families).
 */
export const SCENE_MOTION: FamilyMotion = Object.freeze({
  draw(m: MotionDraw) {
    const deltaAzimuthDeg = (m.rng.chance(0.5) ? 1 : -1) * m.rng.range(40, 140);
    const lo = Math.max(m.elevationDeg[0], SCENE_ELEVATION_DEG[0]);
    const hi = Math.min(m.elevationDeg[1], SCENE_ELEVATION_DEG[1]);
    const elevationDeg: [number, number] = [m.rng.range(lo, hi), m.rng.range(lo, hi)];
    const radiusM: [number, number] = [m.rng.range(SCENE_RADIUS_M[0], SCENE_RADIUS_M[1]), m.rng.range(SCENE_RADIUS_M[0], SCENE_RADIUS_M[1])];
    const panDeg: [number, number] = [m.rng.range(-SCENE_PAN_DEG, SCENE_PAN_DEG), m.rng.range(-SCENE_PAN_DEG, SCENE_PAN_DEG)];
    return { deltaAzimuthDeg, elevationDeg, radiusM, panDeg };
  },
});

/**
 * The motion of `goal-aim` and `action-consequence`: view A an ego view among the objects (0.45–1.05 m
 * from the scene centre, 8–22° up, so about 0.1–0.4 m above the ground, turned up to 75° away from
 * the centre, so objects lie all around it), view B a scene-family view from outside (as
 * {@link SCENE_MOTION}). A camera inside or against an object is re-drawn by the family.
 */
export const EGO_SCENE_MOTION: FamilyMotion = Object.freeze({
  draw(m: MotionDraw) {
    const deltaAzimuthDeg = (m.rng.chance(0.5) ? 1 : -1) * m.rng.range(40, 140);
    const lo = Math.max(m.elevationDeg[0], SCENE_ELEVATION_DEG[0]);
    const hi = Math.min(m.elevationDeg[1], SCENE_ELEVATION_DEG[1]);
    const elevationDeg: [number, number] = [m.rng.range(Math.max(m.elevationDeg[0], 8), Math.min(m.elevationDeg[1], 22)), m.rng.range(lo, hi)];
    const radiusM: [number, number] = [m.rng.range(0.45, 1.05), m.rng.range(SCENE_RADIUS_M[0], SCENE_RADIUS_M[1])];
    const panDeg: [number, number] = [m.rng.range(-75, 75), m.rng.range(-SCENE_PAN_DEG, SCENE_PAN_DEG)];
    return { deltaAzimuthDeg, elevationDeg, radiusM, panDeg };
  },
});
