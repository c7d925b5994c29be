/**
 * Pinhole projection with the extrinsics and intrinsics written in the records (README, Conventions).
 *
 * OpenCV camera axes (x right, y down, z forward): `x_cam = R · X_world + t`, then
 * `u = fx · x/z + cx`, `v = fy · y/z + cy`. Pixel coordinates follow {@link Intrinsics}: (0, 0) is
 * the top-left corner of the top-left pixel and pixel (i, j) has its centre at (i + 0.5, j + 0.5),
 * so `u` grows to the right and `v` grows downwards. No lens distortion.
 */
import type { CameraPose, Vec3 } from '../types.js';

/** A projected point: pixel coordinates and depth along the camera's optical axis. */
export interface ProjectedPoint {
  /** Horizontal pixel coordinate, growing to the right. */
  u: number;
  /** Vertical pixel coordinate, growing downwards. */
  v: number;
  /**
   * Depth along the OpenCV camera z axis (forward), metres. `depthM ≤ 0` means the point is at or
   * behind the camera plane; `u` and `v` are then not meaningful (mirrored or infinite).
   */
  depthM: number;
}

/**
 * Transforms a world point (metres, world Y up) into camera coordinates with OpenCV axes
 * (x right, y down, z forward): `x_cam = R · X_world + t`.
 */
export function worldToCamera(camera: Pick<CameraPose, 'R' | 't'>, Xworld: Vec3): Vec3 {
  const { R, t } = camera;
  return [
    R[0][0] * Xworld[0] + R[0][1] * Xworld[1] + R[0][2] * Xworld[2] + t[0],
    R[1][0] * Xworld[0] + R[1][1] * Xworld[1] + R[1][2] * Xworld[2] + t[1],
    R[2][0] * Xworld[0] + R[2][1] * Xworld[1] + R[2][2] * Xworld[2] + t[2],
  ];
}

/**
 * Projects a world point (metres) to pixels with the camera's K, R, t.
 *
 * @example
 * // The orbit camera looks at the origin, which lands on the principal point:
 * projectPoint(orbitCamera(orbit, K), [0, 0, 0]) // { u: K.cx, v: K.cy, depthM: orbit.radiusM }
 */
export function projectPoint(camera: Pick<CameraPose, 'K' | 'R' | 't'>, Xworld: Vec3): ProjectedPoint {
  const [x, y, z] = worldToCamera(camera, Xworld);
  const { fx, fy, cx, cy } = camera.K;
  return { u: (fx * x) / z + cx, v: (fy * y) / z + cy, depthM: z };
}
