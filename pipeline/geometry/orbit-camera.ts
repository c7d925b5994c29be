/**
 * Builds a fully resolved camera (K, R, t, centre, c2w_gl) from orbit parameters.
 *
 * The camera sits at `C = r · (cos el · sin az, sin el, cos el · cos az)` and looks at the world
 * origin with world +Y as up, then pans (turns in place) about its own down axis (positive pan =
 * turned right), then rolls about its viewing axis (positive roll = clockwise as seen from behind
 * the camera). With pan 0 the world origin projects to the principal point. The OpenGL
 * camera-to-world matrix has columns x right, y up, z backward; the OpenCV world-to-camera
 * rotation flips y and z: `R = diag(1, −1, −1) · R_c2w_glᵀ`.
 *
 * Pan, precisely: with the look-at frame (x0 right, y0 up, z0 backward; OpenGL axes), a pan of
 * p degrees is the right-handed rotation by −p about y0, i.e. by +p about the OpenCV down axis
 * −y0: `x1 = cos p · x0 + sin p · z0`, `z1 = cos p · z0 − sin p · x0`, `y1 = y0`, so the forward
 * axis −z1 = cos p · (−z0) + sin p · x0 swings towards the right. Two cameras on the same orbit
 * whose pans differ by θ (rolls 0) therefore have `R_ABᵀ = Ry(θ)` about OpenCV axes: relative
 * `yawDeg = θ`, pitch 0, roll 0, baseline 0.
 */
import type { CameraPose, Intrinsics, Mat3, Mat4, OrbitParams, Vec3 } from '../types.js';

const DEG = Math.PI / 180;

/**
 * Pinhole intrinsics for a square-pixel camera with a vertical field of view.
 * The principal point is the image centre (`cx = width / 2` with pixel centres at i + 0.5).
 */
export function intrinsicsFromFov(fovYDeg: number, width: number, height: number): Intrinsics {
  if (!(fovYDeg > 0 && fovYDeg < 180)) throw new RangeError(`intrinsicsFromFov: fovYDeg must be in (0, 180), got ${fovYDeg}`);
  const fy = height / 2 / Math.tan((fovYDeg * DEG) / 2);
  return { fx: fy, fy, cx: width / 2, cy: height / 2, width, height, fovYDeg };
}

/** Camera centre in world coordinates for an orbit (metres). */
export function orbitCentre(orbit: OrbitParams): Vec3 {
  const az = orbit.azimuthDeg * DEG;
  const el = orbit.elevationDeg * DEG;
  const r = orbit.radiusM;
  return [r * Math.cos(el) * Math.sin(az), r * Math.sin(el), r * Math.cos(el) * Math.cos(az)];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Resolves an orbit into a {@link CameraPose}.
 * @throws RangeError when |elevation| ≥ 89.9° (the look-at frame degenerates), radius ≤ 0 or
 *   the pan is not a finite number.
 */
export function orbitCamera(orbit: OrbitParams, K: Intrinsics): CameraPose {
  if (!(Math.abs(orbit.elevationDeg) < 89.9)) {
    throw new RangeError(`orbitCamera: |elevationDeg| must be < 89.9, got ${orbit.elevationDeg}`);
  }
  if (!(orbit.radiusM > 0)) throw new RangeError(`orbitCamera: radiusM must be > 0, got ${orbit.radiusM}`);
  if (!Number.isFinite(orbit.panDeg)) throw new RangeError(`orbitCamera: panDeg must be a finite number of degrees (0 = look at the object), got ${orbit.panDeg}`);
  const C = orbitCentre(orbit);
  // OpenGL camera axes in world coordinates of the look-at frame.
  const z0 = normalize(C); // backward: from the target (origin) to the camera
  const x0 = normalize(cross([0, 1, 0], z0));
  const y0 = cross(z0, x0);
  // Pan: rotate x and z about y0 by −pan (turning right swings the forward axis −z towards x).
  const cp = Math.cos(orbit.panDeg * DEG);
  const sp = Math.sin(orbit.panDeg * DEG);
  const zGl: Vec3 = [cp * z0[0] - sp * x0[0], cp * z0[1] - sp * x0[1], cp * z0[2] - sp * x0[2]];
  const xPan: Vec3 = [cp * x0[0] + sp * z0[0], cp * x0[1] + sp * z0[1], cp * x0[2] + sp * z0[2]];
  // Roll: rotate the image axes about the viewing axis; positive = clockwise seen from behind,
  // i.e. the right axis turns towards image-down (−y_gl).
  const c = Math.cos(orbit.rollDeg * DEG);
  const s = Math.sin(orbit.rollDeg * DEG);
  const xGl: Vec3 = [c * xPan[0] - s * y0[0], c * xPan[1] - s * y0[1], c * xPan[2] - s * y0[2]];
  const yGl: Vec3 = [s * xPan[0] + c * y0[0], s * xPan[1] + c * y0[1], s * xPan[2] + c * y0[2]];
  const c2wGl: Mat4 = [
    [xGl[0], yGl[0], zGl[0], C[0]],
    [xGl[1], yGl[1], zGl[1], C[1]],
    [xGl[2], yGl[2], zGl[2], C[2]],
    [0, 0, 0, 1],
  ];
  // OpenCV camera axes: x = x_gl, y = −y_gl, z = −z_gl; rows of R are those axes in world coords.
  const R: Mat3 = [
    [xGl[0], xGl[1], xGl[2]],
    [-yGl[0], -yGl[1], -yGl[2]],
    [-zGl[0], -zGl[1], -zGl[2]],
  ];
  const t: Vec3 = [
    -(R[0][0] * C[0] + R[0][1] * C[1] + R[0][2] * C[2]),
    -(R[1][0] * C[0] + R[1][1] * C[1] + R[1][2] * C[2]),
    -(R[2][0] * C[0] + R[2][1] * C[1] + R[2][2] * C[2]),
  ];
  return { K, R, t, centre: C, c2wGl, orbit: { ...orbit } };
}
