/**
 * Relative pose from view A to view B (README, Conventions), from the OpenCV extrinsics of both cameras.
 *
 * With `x_A = R_A X + t_A` and `x_B = R_B X + t_B` (OpenCV camera axes: x right, y down,
 * z forward), `x_B = R_AB x_A + t_AB` where `R_AB = R_B · R_Aᵀ` and `t_AB = t_B − R_AB · t_A`.
 */
import type { CameraPose, RelativePose, Vec3 } from '../types.js';
import {
  angleAxisFromMatrix,
  applyMat3,
  multiplyMat3,
  quaternionFromMatrix,
  transposeMat3,
  yawPitchRollFromMatrix,
} from './rotation.js';

/**
 * Computes the {@link RelativePose} from camera A to camera B.
 *
 * - `R_AB = R_B · R_Aᵀ` maps camera-A coordinates to camera-B coordinates; `t_AB = t_B − R_AB · t_A`.
 * - `angleDeg` ∈ [0, 180], `axis` (unit, camera-A OpenCV axes, `[0, 1, 0]` at 0°) and
 *   `quaternion` `[x, y, z, w]` (w ≥ 0) all describe `R_AB`.
 * - `yawDeg`, `pitchDeg`, `rollDeg` decompose `R_ABᵀ` (camera B's orientation in A's frame) as
 *   `Ry(yaw) · Rx(pitch) · Rz(roll)` about OpenCV camera axes: yaw > 0 = B turned right,
 *   pitch > 0 = tilted up, roll > 0 = clockwise about the viewing axis.
 * - `baselineM = |C_B − C_A|` (metres) and `motionInA = R_A · (C_B − C_A)`: the camera's move in
 *   camera A's OpenCV axes (x > 0 = moved right, y > 0 = moved down, z > 0 = moved forward).
 *   The centres are taken from {@link CameraPose.centre} (`= −Rᵀ t`, exact for orbit cameras, so
 *   a camera turning in place has a baseline of exactly 0).
 *
 * Example: two orbit cameras at elevation 0 whose azimuths differ by θ > 0 (B further towards +X)
 * give `R_AB` = a rotation by θ about camera +y (down), `yawDeg = −θ` (B turned left to keep the
 * object centred) and `motionInA.x > 0` (B moved right).
 */
export function relativePose(a: CameraPose, b: CameraPose): RelativePose {
  const R_AB = multiplyMat3(b.R, transposeMat3(a.R));
  const rt = applyMat3(R_AB, a.t);
  const t_AB: Vec3 = [b.t[0] - rt[0], b.t[1] - rt[1], b.t[2] - rt[2]];
  const { angleDeg, axis } = angleAxisFromMatrix(R_AB);
  const { yawDeg, pitchDeg, rollDeg } = yawPitchRollFromMatrix(transposeMat3(R_AB));
  const cA = a.centre;
  const cB = b.centre;
  const d: Vec3 = [cB[0] - cA[0], cB[1] - cA[1], cB[2] - cA[2]];
  return {
    R_AB,
    t_AB,
    angleDeg,
    axis,
    quaternion: quaternionFromMatrix(R_AB),
    yawDeg,
    pitchDeg,
    rollDeg,
    baselineM: Math.hypot(d[0], d[1], d[2]),
    motionInA: applyMat3(a.R, d),
  };
}

