import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { mat3, quat } from '../../pipeline/geometry/gl-matrix-f64.js';
import {
  angleAxisFromMatrix,
  applyMat3,
  determinantMat3,
  identityMat3,
  matrixFromAxisAngle,
  matrixFromQuaternion,
  matrixFromYawPitchRoll,
  multiplyMat3,
  quaternionFromMatrix,
  rotationX,
  rotationY,
  rotationZ,
  transposeMat3,
  yawPitchRollFromMatrix,
  type Quaternion,
} from '../../pipeline/geometry/rotation.js';
import { sampleRng } from '../../pipeline/rng.js';
import type { Mat3, Vec3 } from '../../pipeline/types.js';

function expectMatClose(a: Mat3, b: Mat3, tol = 1e-12): void {
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(a[i][j] - b[i][j])).toBeLessThan(tol);
}

function expectVecClose(a: readonly number[], b: readonly number[], tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(tol));
}

/** Deterministic random rotations (uniform-ish: random unit axis, random angle). */
function randomRotations(count: number): Mat3[] {
  const rng = sampleRng(7, 'rotation-test', 0, 0);
  return Array.from({ length: count }, () => {
    const axis: Vec3 = [rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1)];
    return matrixFromAxisAngle(axis, rng.range(0, 180));
  });
}

describe('matrix basics', () => {
  it('multiplies, transposes and applies row-major matrices', () => {
    const a: Mat3 = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 10],
    ];
    const b: Mat3 = [
      [0, 1, 0],
      [-1, 0, 0],
      [0, 0, 1],
    ];
    expect(multiplyMat3(a, b)).toEqual([
      [-2, 1, 3],
      [-5, 4, 6],
      [-8, 7, 10],
    ]);
    expect(transposeMat3(a)).toEqual([
      [1, 4, 7],
      [2, 5, 8],
      [3, 6, 10],
    ]);
    expect(applyMat3(a, [1, 0, -1])).toEqual([-2, -2, -3]);
    expect(determinantMat3(a)).toBeCloseTo(-3, 12);
    expect(multiplyMat3(a, identityMat3())).toEqual(a);
  });

  it('builds right-handed elementary rotations', () => {
    // +90° about z turns x into y; about x turns y into z; about y turns z into x.
    expectVecClose(applyMat3(rotationZ(90), [1, 0, 0]), [0, 1, 0]);
    expectVecClose(applyMat3(rotationX(90), [0, 1, 0]), [0, 0, 1]);
    expectVecClose(applyMat3(rotationY(90), [0, 0, 1]), [1, 0, 0]);
    expectMatClose(rotationY(37), matrixFromAxisAngle([0, 2, 0], 37));
    expectMatClose(rotationX(-12), matrixFromAxisAngle([1, 0, 0], -12));
  });

  it('keeps rotations orthonormal with det +1', () => {
    for (const R of randomRotations(50)) {
      expectMatClose(multiplyMat3(R, transposeMat3(R)), identityMat3(), 1e-14);
      expect(determinantMat3(R)).toBeCloseTo(1, 13);
    }
  });
});

describe('quaternionFromMatrix', () => {
  it('matches three.js Quaternion.setFromRotationMatrix and gl-matrix quat.fromMat3', () => {
    for (const R of randomRotations(100)) {
      const q = quaternionFromMatrix(R);
      expect(q[3]).toBeGreaterThanOrEqual(0);
      expect(Math.hypot(...q)).toBeCloseTo(1, 14);

      const m4 = new THREE.Matrix4().set(
        R[0][0], R[0][1], R[0][2], 0,
        R[1][0], R[1][1], R[1][2], 0,
        R[2][0], R[2][1], R[2][2], 0,
        0, 0, 0, 1,
      );
      const t = new THREE.Quaternion().setFromRotationMatrix(m4);
      const sign3 = t.w < 0 ? -1 : 1;
      expectVecClose(q, [t.x * sign3, t.y * sign3, t.z * sign3, t.w * sign3], 1e-12);

      // gl-matrix is column-major: its flat array is the transpose of our row-major rows.
      const c = transposeMat3(R); // rows of Rᵀ = columns of R
      const g = quat.fromMat3(quat.create(), mat3.fromValues(...c[0], ...c[1], ...c[2]));
      const signG = g[3] < 0 ? -1 : 1;
      expectVecClose(q, [g[0] * signG, g[1] * signG, g[2] * signG, g[3] * signG], 1e-12);
    }
  });

  it('round-trips through matrixFromQuaternion', () => {
    for (const R of randomRotations(100)) expectMatClose(matrixFromQuaternion(quaternionFromMatrix(R)), R, 1e-14);
  });

  it('gives the hand-computed quaternion of 90° about +y', () => {
    const s = Math.SQRT1_2;
    expectVecClose(quaternionFromMatrix(rotationY(90)), [0, s, 0, s], 1e-15);
    expectVecClose(quaternionFromMatrix(identityMat3()), [0, 0, 0, 1]);
  });

  it('is robust and canonical for half-turns (w = 0)', () => {
    const n = Math.hypot(1, 2, 3);
    for (const axis of [
      [1, 2, 3],
      [-1, -2, -3],
    ] as Vec3[]) {
      const q = quaternionFromMatrix(matrixFromAxisAngle(axis, 180));
      // q and −q are both valid; the largest axis component is made positive.
      expectVecClose(q, [1 / n, 2 / n, 3 / n, 0], 1e-12);
    }
    expectVecClose(quaternionFromMatrix(rotationX(180)), [1, 0, 0, 0], 1e-15);
    expectVecClose(quaternionFromMatrix(rotationY(180)), [0, 1, 0, 0], 1e-15);
    expectVecClose(quaternionFromMatrix(rotationZ(-180)), [0, 0, 1, 0], 1e-15);
  });
});

describe('angleAxisFromMatrix', () => {
  it('returns angle 0 and axis [0, 1, 0] for the identity', () => {
    expect(angleAxisFromMatrix(identityMat3())).toEqual({ angleDeg: 0, axis: [0, 1, 0] });
  });

  it('stays accurate for tiny angles', () => {
    const axis: Vec3 = [0.6, 0, 0.8];
    for (const angle of [1e-9, 1e-6, 1e-3]) {
      const r = angleAxisFromMatrix(matrixFromAxisAngle(axis, angle));
      expect(Math.abs(r.angleDeg - angle) / angle).toBeLessThan(1e-6);
      expectVecClose(r.axis, axis, 1e-6);
    }
  });

  it('stays accurate near and at 180°', () => {
    const n = Math.hypot(1, -2, 0.5);
    const axis: Vec3 = [1 / n, -2 / n, 0.5 / n];
    for (const angle of [179, 179.999999, 180 - 1e-9]) {
      const r = angleAxisFromMatrix(matrixFromAxisAngle(axis, angle));
      expect(r.angleDeg).toBeCloseTo(angle, 6);
      expectVecClose(r.axis, axis, 1e-7);
    }
    const half = angleAxisFromMatrix(matrixFromAxisAngle(axis, 180));
    expect(half.angleDeg).toBeCloseTo(180, 10);
    // Canonical sign at exactly 180°: the largest component (y) positive.
    expectVecClose(half.axis, [-axis[0], -axis[1], -axis[2]], 1e-12);
  });

  it('recovers random axis-angle pairs', () => {
    const rng = sampleRng(3, 'axis-angle-test', 0, 0);
    for (let i = 0; i < 100; i++) {
      const a: Vec3 = [rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1)];
      const n = Math.hypot(...a);
      const angle = rng.range(0.01, 179.99);
      const r = angleAxisFromMatrix(matrixFromAxisAngle(a, angle));
      expect(r.angleDeg).toBeCloseTo(angle, 9);
      expectVecClose(r.axis, [a[0] / n, a[1] / n, a[2] / n], 1e-9);
    }
  });
});

describe('yaw / pitch / roll (OpenCV camera axes: x right, y down, z forward)', () => {
  const forward = (M: Mat3): Vec3 => applyMat3(M, [0, 0, 1]);
  const right = (M: Mat3): Vec3 => applyMat3(M, [1, 0, 0]);

  it('yaw > 0 turns the forward axis to +x (right)', () => {
    const f = forward(matrixFromYawPitchRoll(30, 0, 0));
    expectVecClose(f, [Math.sin(Math.PI / 6), 0, Math.cos(Math.PI / 6)]);
  });

  it('pitch > 0 turns the forward axis to −y (up, since y points down)', () => {
    const f = forward(matrixFromYawPitchRoll(0, 20, 0));
    expect(f[1]).toBeLessThan(0);
    expectVecClose(f, [0, -Math.sin((20 * Math.PI) / 180), Math.cos((20 * Math.PI) / 180)]);
  });

  it('roll > 0 turns the right axis to +y (down): clockwise seen from behind the camera', () => {
    const r = right(matrixFromYawPitchRoll(0, 0, 15));
    expect(r[1]).toBeGreaterThan(0);
    expectVecClose(forward(matrixFromYawPitchRoll(0, 0, 15)), [0, 0, 1]);
  });

  it('is Ry · Rx · Rz', () => {
    expectMatClose(matrixFromYawPitchRoll(40, -25, 70), multiplyMat3(multiplyMat3(rotationY(40), rotationX(-25)), rotationZ(70)));
  });

  it('round-trips over a grid of angles', () => {
    for (const yaw of [-179, -120, -45, 0, 10, 90, 135, 180]) {
      for (const pitch of [-89, -60, -5, 0, 30, 89]) {
        for (const roll of [-170, -30, 0, 45, 180]) {
          const r = yawPitchRollFromMatrix(matrixFromYawPitchRoll(yaw, pitch, roll));
          expect(r.yawDeg).toBeCloseTo(yaw, 8);
          expect(r.pitchDeg).toBeCloseTo(pitch, 8);
          expect(r.rollDeg).toBeCloseTo(roll, 8);
        }
      }
    }
  });

  it('handles gimbal lock (pitch ±90°) by putting everything into yaw', () => {
    for (const pitch of [90, -90]) {
      const M = matrixFromYawPitchRoll(25, pitch, 0);
      const r = yawPitchRollFromMatrix(M);
      expect(r.pitchDeg).toBeCloseTo(pitch, 10);
      expect(r.rollDeg).toBe(0);
      expectMatClose(matrixFromYawPitchRoll(r.yawDeg, r.pitchDeg, r.rollDeg), M, 1e-9);
    }
  });

  it('reports a half-turn yaw as +180, never −180', () => {
    expect(yawPitchRollFromMatrix(rotationY(180)).yawDeg).toBe(180);
    expect(yawPitchRollFromMatrix(rotationY(-180)).yawDeg).toBe(180);
  });

  it('decomposes any rotation so that it can be rebuilt', () => {
    for (const R of randomRotations(100)) {
      const r = yawPitchRollFromMatrix(R);
      expectMatClose(matrixFromYawPitchRoll(r.yawDeg, r.pitchDeg, r.rollDeg), R, 1e-12);
    }
  });
});

describe('quaternion helpers', () => {
  it('matrixFromQuaternion normalises its input', () => {
    const q: Quaternion = [0, 2, 0, 2];
    expectMatClose(matrixFromQuaternion(q), rotationY(90), 1e-15);
  });
});
