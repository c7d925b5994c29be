/**
 * Small pure functions over row-major 3×3 rotation matrices ({@link Mat3}, `m[row][col]`).
 *
 * Conventions: rotations are active and right-handed (a positive angle turns counter-clockwise
 * when the axis points at the viewer); every angle is in degrees; quaternions are `[x, y, z, w]`
 * with `w ≥ 0`. The functions do not care which frame a matrix lives in; the yaw/pitch/roll pair
 * {@link yawPitchRollFromMatrix} / {@link matrixFromYawPitchRoll} names its axes after the OpenCV
 * camera frame (x right, y down, z forward) because that is where {@link RelativePose} uses it.
 *
 * CONTRIBUTOR NOTES
 * - Plain arithmetic rather than gl-matrix: gl-matrix is column-major and flat, so every call would
 *   need a transpose at the edge and the intent (`m[row][col]`) would be harder to read. The tests
 *   check the quaternion against gl-matrix `quat.fromMat3` and three.js
 *   `Quaternion.setFromRotationMatrix`.
 * - Angle and axis come from the quaternion (Shepperd's method, then `2·atan2(|v|, w)`), which
 *   stays accurate near 0° (where `acos((tr − 1) / 2)` loses half its digits) and near 180°
 *   (where the skew-symmetric part vanishes).
 */
import type { Mat3, RelativePose, Vec3 } from '../types.js';

const DEG = Math.PI / 180;
/** Below this `|w|` a quaternion is treated as a half-turn and its sign made canonical. */
const HALF_TURN_EPS = 1e-12;

/** Unit quaternion `[x, y, z, w]`, `w ≥ 0`. */
export type Quaternion = [number, number, number, number];

/** The 3×3 identity. */
export function identityMat3(): Mat3 {
  return [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
}

/** Matrix product `a · b` (row-major). */
export function multiplyMat3(a: Mat3, b: Mat3): Mat3 {
  const out = identityMat3();
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
    }
  }
  return out;
}

/** Transpose `mᵀ` (the inverse of a rotation). */
export function transposeMat3(m: Mat3): Mat3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

/** Matrix–vector product `m · v`. */
export function applyMat3(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
    m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
    m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
  ];
}

/** Determinant of `m` (+1 for a proper rotation). */
export function determinantMat3(m: Mat3): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

/**
 * Unit quaternion `[x, y, z, w]` (w ≥ 0) of a rotation matrix, by Shepperd's method: the largest
 * of `w², x², y², z²` is taken from the diagonal and the rest from off-diagonal sums, so no step
 * divides by a small number, at any angle.
 *
 * For a half-turn (`|w| < 1e-12`) `q` and `−q` both have `w ≥ 0`; the sign is then chosen so the
 * largest-magnitude axis component is positive, which makes the result deterministic.
 * Assumes `m` is a rotation (orthonormal, det +1); the result is renormalised.
 *
 * @example quaternionFromMatrix(matrixFromAxisAngle([0, 1, 0], 90)) // [0, 0.7071…, 0, 0.7071…]
 */
export function quaternionFromMatrix(m: Mat3): Quaternion {
  const m00 = m[0][0];
  const m11 = m[1][1];
  const m22 = m[2][2];
  const trace = m00 + m11 + m22;
  let x: number;
  let y: number;
  let z: number;
  let w: number;
  if (trace >= m00 && trace >= m11 && trace >= m22) {
    const s = 2 * Math.sqrt(Math.max(0, 1 + trace)); // s = 4w
    w = s / 4;
    x = (m[2][1] - m[1][2]) / s;
    y = (m[0][2] - m[2][0]) / s;
    z = (m[1][0] - m[0][1]) / s;
  } else if (m00 >= m11 && m00 >= m22) {
    const s = 2 * Math.sqrt(Math.max(0, 1 + m00 - m11 - m22)); // s = 4x
    x = s / 4;
    w = (m[2][1] - m[1][2]) / s;
    y = (m[0][1] + m[1][0]) / s;
    z = (m[0][2] + m[2][0]) / s;
  } else if (m11 >= m22) {
    const s = 2 * Math.sqrt(Math.max(0, 1 - m00 + m11 - m22)); // s = 4y
    y = s / 4;
    w = (m[0][2] - m[2][0]) / s;
    x = (m[0][1] + m[1][0]) / s;
    z = (m[1][2] + m[2][1]) / s;
  } else {
    const s = 2 * Math.sqrt(Math.max(0, 1 - m00 - m11 + m22)); // s = 4z
    z = s / 4;
    w = (m[1][0] - m[0][1]) / s;
    x = (m[0][2] + m[2][0]) / s;
    y = (m[1][2] + m[2][1]) / s;
  }
  const n = Math.hypot(x, y, z, w);
  let sign = w < 0 ? -1 : 1;
  if (Math.abs(w) < HALF_TURN_EPS * n) {
    const ax = Math.abs(x);
    const ay = Math.abs(y);
    const az = Math.abs(z);
    const largest = ax >= ay && ax >= az ? x : ay >= az ? y : z;
    sign = largest < 0 ? -1 : 1;
  }
  return [(sign * x) / n, (sign * y) / n, (sign * z) / n, Math.abs(w) / n];
}

/** Rotation matrix of a quaternion `[x, y, z, w]` (normalised first). */
export function matrixFromQuaternion(q: Quaternion): Mat3 {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const x = q[0] / n;
  const y = q[1] / n;
  const z = q[2] / n;
  const w = q[3] / n;
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
  ];
}

/**
 * Rotation angle (degrees, in [0, 180]) and unit axis of a rotation matrix.
 *
 * Computed from {@link quaternionFromMatrix} as `angle = 2·atan2(|v|, w)`, `axis = v / |v|`,
 * accurate near 0° and near 180°. When the angle is 0 the axis is `[0, 1, 0]` by convention
 * (as on {@link RelativePose}); at 180° the axis sign follows the quaternion's rule (largest
 * component positive).
 */
export function angleAxisFromMatrix(m: Mat3): { angleDeg: number; axis: Vec3 } {
  const q = quaternionFromMatrix(m);
  const vNorm = Math.hypot(q[0], q[1], q[2]);
  if (vNorm === 0) return { angleDeg: 0, axis: [0, 1, 0] };
  const angleDeg = (2 * Math.atan2(vNorm, q[3])) / DEG;
  return { angleDeg, axis: [q[0] / vNorm, q[1] / vNorm, q[2] / vNorm] };
}

/**
 * Rotation matrix for a right-handed rotation of `angleDeg` degrees about `axis` (Rodrigues).
 * The axis need not be unit length; a zero axis throws.
 */
export function matrixFromAxisAngle(axis: Vec3, angleDeg: number): Mat3 {
  const n = Math.hypot(axis[0], axis[1], axis[2]);
  if (!(n > 0)) throw new RangeError('matrixFromAxisAngle: axis must be a non-zero vector');
  const half = (angleDeg * DEG) / 2;
  const s = Math.sin(half) / n;
  return matrixFromQuaternion([axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(half)]);
}

/** Right-handed rotation about x by `deg` degrees: `[[1,0,0],[0,c,−s],[0,s,c]]`. */
export function rotationX(deg: number): Mat3 {
  const c = Math.cos(deg * DEG);
  const s = Math.sin(deg * DEG);
  return [
    [1, 0, 0],
    [0, c, -s],
    [0, s, c],
  ];
}

/** Right-handed rotation about y by `deg` degrees: `[[c,0,s],[0,1,0],[−s,0,c]]`. */
export function rotationY(deg: number): Mat3 {
  const c = Math.cos(deg * DEG);
  const s = Math.sin(deg * DEG);
  return [
    [c, 0, s],
    [0, 1, 0],
    [-s, 0, c],
  ];
}

/** Right-handed rotation about z by `deg` degrees: `[[c,−s,0],[s,c,0],[0,0,1]]`. */
export function rotationZ(deg: number): Mat3 {
  const c = Math.cos(deg * DEG);
  const s = Math.sin(deg * DEG);
  return [
    [c, -s, 0],
    [s, c, 0],
    [0, 0, 1],
  ];
}

/** Yaw, pitch and roll in degrees; see {@link yawPitchRollFromMatrix}. */
export interface YawPitchRoll {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/**
 * Builds `M = Ry(yaw) · Rx(pitch) · Rz(roll)` (right-handed rotations, degrees), the inverse of
 * {@link yawPitchRollFromMatrix}.
 *
 * Read about OpenCV camera axes (x right, y down, z forward) with `M` the orientation of a camera
 * B in a camera A's frame (columns = B's axes in A coordinates, i.e. `R_ABᵀ`): yaw > 0 turns the
 * forward axis towards +x (turned right), pitch > 0 turns it towards −y (tilted up), roll > 0
 * turns B's right axis towards +y, image-down (clockwise about the viewing axis, seen from behind
 * the camera).
 */
export function matrixFromYawPitchRoll(yawDeg: number, pitchDeg: number, rollDeg: number): Mat3 {
  return multiplyMat3(multiplyMat3(rotationY(yawDeg), rotationX(pitchDeg)), rotationZ(rollDeg));
}

/**
 * Decomposes a rotation `M = Ry(yaw) · Rx(pitch) · Rz(roll)` into degrees:
 * yaw in (−180, 180], pitch in [−90, 90], roll in (−180, 180].
 *
 * With `M = R_ABᵀ` (the orientation of camera B in camera A's OpenCV frame) yaw > 0 means B is
 * turned right, pitch > 0 tilted up, roll > 0 rotated clockwise about its viewing axis; this is
 * the decomposition stored on {@link RelativePose}. Gimbal lock (|pitch| = 90°): roll is set to 0
 * and the whole turn about the vertical goes into yaw.
 *
 * Formulas (`M` expanded): `M[0][2] = sin y·cos p`, `M[2][2] = cos y·cos p`, `M[1][2] = −sin p`,
 * `M[1][0] = cos p·sin r`, `M[1][1] = cos p·cos r`.
 */
export function yawPitchRollFromMatrix(m: Mat3): YawPitchRoll {
  const cosPitch = Math.hypot(m[1][0], m[1][1]);
  const pitchDeg = Math.atan2(-m[1][2], cosPitch) / DEG;
  let yawDeg: number;
  let rollDeg: number;
  if (cosPitch > 1e-9) {
    yawDeg = Math.atan2(m[0][2], m[2][2]) / DEG;
    rollDeg = Math.atan2(m[1][0], m[1][1]) / DEG;
  } else {
    yawDeg = Math.atan2(-m[2][0], m[0][0]) / DEG;
    rollDeg = 0;
  }
  return { yawDeg: halfOpen(yawDeg), pitchDeg, rollDeg: halfOpen(rollDeg) };
}

/** atan2 returns [−180, 180]; map −180 to 180 so the range is (−180, 180], and −0 to 0. */
function halfOpen(deg: number): number {
  return deg === -180 ? 180 : deg + 0;
}
