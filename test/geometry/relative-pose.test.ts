import { describe, expect, it } from 'vitest';
import { computeGroundTruth } from '../../pipeline/geometry/ground-truth.js';
import { intrinsicsFromFov, orbitCamera } from '../../pipeline/geometry/orbit-camera.js';
import { worldToCamera } from '../../pipeline/geometry/project-point.js';
import { relativePose } from '../../pipeline/geometry/relative-pose.js';
import {
  applyMat3,
  identityMat3,
  matrixFromAxisAngle,
  matrixFromQuaternion,
  matrixFromYawPitchRoll,
  multiplyMat3,
  rotationX,
  rotationY,
  transposeMat3,
} from '../../pipeline/geometry/rotation.js';
import { wrapDeg } from '../../pipeline/geometry/wrap-angle.js';
import type { SamplePlan } from '../../pipeline/sample-plan.js';
import type { CameraPose, Mat3, Mat4, ObjectSpec, OrbitParams, Vec3 } from '../../pipeline/types.js';

const DEG = Math.PI / 180;
const K = intrinsicsFromFov(50, 512, 512);

function expectMatClose(a: readonly (readonly number[])[], b: readonly (readonly number[])[], tol = 1e-12): void {
  a.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - b[i][j])).toBeLessThan(tol)));
}

function expectVecClose(a: readonly number[], b: readonly number[], tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(tol));
}

/** A camera from its OpenCV world-to-camera rotation and its centre: t = −R C. */
function cameraFrom(R: Mat3, C: Vec3): CameraPose {
  const rc = applyMat3(R, C);
  const Rt = transposeMat3(R);
  const c2wGl: Mat4 = [
    [Rt[0][0], -Rt[0][1], -Rt[0][2], C[0]],
    [Rt[1][0], -Rt[1][1], -Rt[1][2], C[1]],
    [Rt[2][0], -Rt[2][1], -Rt[2][2], C[2]],
    [0, 0, 0, 1],
  ];
  return { K, R, t: [-rc[0], -rc[1], -rc[2]], centre: C, c2wGl, orbit: { azimuthDeg: 0, elevationDeg: 0, radiusM: 1, rollDeg: 0, panDeg: 0 } };
}

/** Camera B whose orientation in camera A's frame is `M` (columns = B's axes in A coordinates). */
function turnedCamera(a: CameraPose, M: Mat3, C: Vec3 = a.centre): CameraPose {
  // World axes of B = R_Aᵀ · M, so R_B = (R_Aᵀ M)ᵀ = Mᵀ R_A.
  return cameraFrom(multiplyMat3(transposeMat3(M), a.R), C);
}

const orbit = (azimuthDeg: number, elevationDeg = 0, radiusM = 3, rollDeg = 0, panDeg = 0): OrbitParams => ({ azimuthDeg, elevationDeg, radiusM, rollDeg, panDeg });

describe('wrapDeg', () => {
  it('wraps to (−180, 180]', () => {
    expect(wrapDeg(0)).toBe(0);
    expect(wrapDeg(180)).toBe(180);
    expect(wrapDeg(-180)).toBe(180);
    expect(wrapDeg(190)).toBe(-170);
    expect(wrapDeg(-190)).toBe(170);
    expect(wrapDeg(540)).toBe(180);
    expect(wrapDeg(-540)).toBe(180);
    expect(wrapDeg(360)).toBe(0);
    expect(wrapDeg(725)).toBe(5);
    expect(wrapDeg(-170 - 170)).toBe(20);
    expect(Object.is(wrapDeg(-0), 0)).toBe(true);
    for (let a = -1000; a <= 1000; a += 7.3) {
      const w = wrapDeg(a);
      expect(w).toBeGreaterThan(-180);
      expect(w).toBeLessThanOrEqual(180);
      expect(Math.abs(Math.sin(w * DEG) - Math.sin(a * DEG))).toBeLessThan(1e-9);
    }
  });

  it('throws on non-finite input', () => {
    expect(() => wrapDeg(Number.NaN)).toThrow(RangeError);
    expect(() => wrapDeg(Infinity)).toThrow(RangeError);
  });
});

describe('relativePose: hand-computed cases', () => {
  // Camera A: identity orientation at the world origin plus an offset, so camera-A axes = world axes.
  const a = cameraFrom(identityMat3(), [0.2, -0.1, 0.3]);

  it('pure yaw: the camera turns right in place', () => {
    const b = turnedCamera(a, rotationY(30));
    const rel = relativePose(a, b);
    // B's forward axis points to +x of A.
    expect(applyMat3(transposeMat3(rel.R_AB), [0, 0, 1])[0]).toBeGreaterThan(0);
    expect(rel.yawDeg).toBeCloseTo(30, 12);
    expect(rel.pitchDeg).toBeCloseTo(0, 12);
    expect(rel.rollDeg).toBeCloseTo(0, 12);
    // R_AB = Ry(30)ᵀ = −30° about +y = 30° about −y.
    expectMatClose(rel.R_AB, rotationY(-30));
    expect(rel.angleDeg).toBeCloseTo(30, 12);
    expectVecClose(rel.axis, [0, -1, 0]);
    expectVecClose(rel.quaternion, [0, -Math.sin(15 * DEG), 0, Math.cos(15 * DEG)]);
    expect(rel.baselineM).toBe(0);
    expectVecClose(rel.motionInA, [0, 0, 0]);
  });

  it('pure pitch: the camera tilts up in place', () => {
    const b = turnedCamera(a, rotationX(20));
    const rel = relativePose(a, b);
    expect(applyMat3(transposeMat3(rel.R_AB), [0, 0, 1])[1]).toBeLessThan(0); // forward towards −y = up
    expect(rel.yawDeg).toBeCloseTo(0, 12);
    expect(rel.pitchDeg).toBeCloseTo(20, 12);
    expect(rel.rollDeg).toBeCloseTo(0, 12);
    expect(rel.angleDeg).toBeCloseTo(20, 12);
    expectVecClose(rel.axis, [-1, 0, 0]);
  });

  it('combined yaw, pitch and roll come back from R_AB', () => {
    const rel = relativePose(a, turnedCamera(a, matrixFromYawPitchRoll(-40, 15, 25)));
    expect(rel.yawDeg).toBeCloseTo(-40, 10);
    expect(rel.pitchDeg).toBeCloseTo(15, 10);
    expect(rel.rollDeg).toBeCloseTo(25, 10);
  });

  it('translation only: the camera slides right', () => {
    const cA = orbitCamera(orbit(35, 20), K);
    const right: Vec3 = cA.R[0]; // camera A's x axis in world coordinates
    const CB: Vec3 = [cA.centre[0] + 0.5 * right[0], cA.centre[1] + 0.5 * right[1], cA.centre[2] + 0.5 * right[2]];
    const rel = relativePose(cA, cameraFrom(cA.R, CB));
    expectMatClose(rel.R_AB, identityMat3(), 1e-15);
    expect(rel.angleDeg).toBe(0);
    expect(rel.axis).toEqual([0, 1, 0]);
    expectVecClose(rel.quaternion, [0, 0, 0, 1]);
    expectVecClose(rel.motionInA, [0.5, 0, 0]);
    expect(rel.baselineM).toBeCloseTo(0.5, 14);
    // t_AB = t_B − t_A = −R (C_B − C_A): points move left in B's camera.
    expectVecClose(rel.t_AB, [-0.5, 0, 0]);
  });

  it('180° turns give angle 180 and a canonical axis and quaternion', () => {
    const rel = relativePose(a, turnedCamera(a, rotationY(180)));
    expect(rel.angleDeg).toBeCloseTo(180, 12);
    expectVecClose(rel.axis, [0, 1, 0]);
    expectVecClose(rel.quaternion, [0, 1, 0, 0]);
    expect(rel.yawDeg).toBeCloseTo(180, 12);

    const n = Math.SQRT1_2;
    const diag = relativePose(a, turnedCamera(a, matrixFromAxisAngle([1, 1, 0], 180)));
    expect(diag.angleDeg).toBeCloseTo(180, 12);
    expectVecClose(diag.axis, [n, n, 0]);
    expect(diag.quaternion[3]).toBeGreaterThanOrEqual(0);
    expectMatClose(matrixFromQuaternion(diag.quaternion), diag.R_AB);

    // Orbit cameras on opposite sides of the object, same elevation: a half-turn about camera y.
    const opposite = relativePose(orbitCamera(orbit(10), K), orbitCamera(orbit(190), K));
    expect(opposite.angleDeg).toBeCloseTo(180, 10);
    expectVecClose(opposite.axis.map(Math.abs), [0, 1, 0], 1e-10);
    expectMatClose(matrixFromQuaternion(opposite.quaternion), opposite.R_AB, 1e-12);
    expect(Math.abs(opposite.yawDeg)).toBeCloseTo(180, 10);
    expect(opposite.baselineM).toBeCloseTo(6, 12);
  });
});

describe('relativePose: from matrices versus from orbit parameters', () => {
  it('maps camera-A coordinates to camera-B coordinates: x_B = R_AB x_A + t_AB', () => {
    const cA = orbitCamera(orbit(-30, 15, 2.5, 10), K);
    const cB = orbitCamera(orbit(55, -20, 3.5, -5), K);
    const rel = relativePose(cA, cB);
    for (const X of [
      [0, 0, 0],
      [0.3, -0.4, 0.2],
      [-1, 2, 0.5],
    ] as Vec3[]) {
      const xA = worldToCamera(cA, X);
      const viaA = applyMat3(rel.R_AB, xA).map((v, i) => v + rel.t_AB[i]);
      expectVecClose(viaA, worldToCamera(cB, X), 1e-12);
    }
  });

  it('same elevation 0, azimuth +θ: rotation by θ about camera +y, yaw −θ, moved right', () => {
    const r = 3;
    for (const theta of [5, 30, 90, 150]) {
      const cA = orbitCamera(orbit(0, 0, r), K);
      const cB = orbitCamera(orbit(theta, 0, r), K);
      const rel = relativePose(cA, cB);
      // Camera A at +Z looking at −Z: its OpenCV axes are world (x, −y, −z). B sits θ further
      // towards +X and looks back at the origin, so its forward in A's frame is (−sin θ, 0, cos θ):
      // B turned left by θ while moving right.
      expectMatClose(rel.R_AB, rotationY(theta));
      expect(rel.angleDeg).toBeCloseTo(theta, 10);
      expectVecClose(rel.axis, [0, 1, 0], 1e-12);
      expect(rel.yawDeg).toBeCloseTo(-theta, 10);
      expect(rel.pitchDeg).toBeCloseTo(0, 10);
      expect(rel.rollDeg).toBeCloseTo(0, 10);
      const s = Math.sin(theta * DEG);
      const c = Math.cos(theta * DEG);
      expectVecClose(rel.motionInA, [r * s, 0, r * (1 - c)], 1e-12);
      expect(rel.motionInA[0]).toBeGreaterThan(0);
      expect(rel.baselineM).toBeCloseTo(2 * r * Math.sin((theta * DEG) / 2), 12);
    }
  });

  it('the same azimuth step gives the same relative pose anywhere on the equator', () => {
    const ref = relativePose(orbitCamera(orbit(0), K), orbitCamera(orbit(40), K));
    for (const az of [-170, -60, 33, 120, 175]) {
      const rel = relativePose(orbitCamera(orbit(az), K), orbitCamera(orbit(az + 40), K));
      expectMatClose(rel.R_AB, ref.R_AB, 1e-12);
      expectVecClose(rel.motionInA, ref.motionInA, 1e-12);
    }
  });

  it('azimuth wrap-around: 170° → −170° is +20° and the camera moved right', () => {
    const cA = orbitCamera(orbit(170), K);
    const cB = orbitCamera(orbit(-170), K);
    const rel = relativePose(cA, cB);
    expect(wrapDeg(-170 - 170)).toBe(20);
    expect(rel.motionInA[0]).toBeGreaterThan(0);
    expect(rel.yawDeg).toBeCloseTo(-20, 10);
    expect(rel.angleDeg).toBeCloseTo(20, 10);
  });

  it('orbit moves to the left give motionInA.x < 0 and yaw > 0', () => {
    const rel = relativePose(orbitCamera(orbit(20, 10), K), orbitCamera(orbit(-25, 10), K));
    expect(rel.motionInA[0]).toBeLessThan(0);
    expect(rel.yawDeg).toBeGreaterThan(0);
  });

  it('rising in elevation: the camera moves up and tilts down', () => {
    const phi = 25;
    const rel = relativePose(orbitCamera(orbit(0, 0), K), orbitCamera(orbit(0, phi), K));
    expect(rel.pitchDeg).toBeCloseTo(-phi, 10);
    expect(rel.yawDeg).toBeCloseTo(0, 10);
    expect(rel.motionInA[1]).toBeLessThan(0); // OpenCV y points down
    expectMatClose(rel.R_AB, rotationX(phi)); // R_ABᵀ = Rx(−φ)
  });

  it('orbit roll shows up as relative roll', () => {
    const rel = relativePose(orbitCamera(orbit(30, 10, 3, 0), K), orbitCamera(orbit(30, 10, 3, 15), K));
    expect(rel.rollDeg).toBeCloseTo(15, 10);
    expect(rel.yawDeg).toBeCloseTo(0, 10);
    expect(rel.pitchDeg).toBeCloseTo(0, 10);
    expect(rel.baselineM).toBeCloseTo(0, 12);
  });

  it('moving closer: motion along +z of camera A', () => {
    const rel = relativePose(orbitCamera(orbit(70, 30, 4), K), orbitCamera(orbit(70, 30, 2.5), K));
    expectVecClose(rel.motionInA, [0, 0, 1.5], 1e-12);
    expect(rel.angleDeg).toBeCloseTo(0, 6);
  });
});

describe('computeGroundTruth', () => {
  const object: ObjectSpec = {
    kind: 'procedural',
    generator: 'test',
    name: 'test-block',
    symmetry: 'none',
    parts: [
      { name: 'body', colorName: 'red', colorHex: '#d62728', shape: 'box', size: [0.6, 0.4, 0.4], position: [0, 0, 0], rotationDeg: [0, 0, 0], material: 'standard' },
      { name: 'knob', colorName: 'blue', colorHex: '#1f77b4', shape: 'sphere', size: [0.1], position: [0.4, 0.2, 0], rotationDeg: [0, 0, 0], material: 'standard' },
    ],
  };

  function plan(orbits: [OrbitParams, OrbitParams], yaw: [number, number]): SamplePlan {
    const views = orbits.map((o) => ({ c2wGl: orbitCamera(o, K).c2wGl, fovYDeg: K.fovYDeg, near: 0.05, far: 100 }));
    return {
      id: 'vf-00000001-00000000',
      index: 0,
      seed: 1,
      attempt: 0,
      family: 'orbit',
      familyIndex: 0,
      asset: { source: 'procedural', name: object.name, contentHash: 'x', symmetry: 'none' },
      orbits,
      intrinsics: K,
      job: {
        id: 'vf-00000001-00000000',
        width: K.width,
        height: K.height,
        object,
        objectYawDeg: yaw,
        lighting: { background: '#ffffff', ambientIntensity: 0.6, keyAzimuthDeg: 30, keyElevationDeg: 45, keyIntensity: 2 },
        views: views as SamplePlan['job']['views'],
      },
    };
  }

  it('wraps the azimuth change and agrees with the relative pose', () => {
    const truth = computeGroundTruth(plan([orbit(170, 10, 3), orbit(-170, 25, 3.6)], [350, 20]));
    expect(truth.deltaAzimuthDeg).toBeCloseTo(20, 12);
    expect(truth.deltaElevationDeg).toBeCloseTo(15, 12);
    expect(truth.radiusRatio).toBeCloseTo(1.2, 12);
    expect(truth.deltaObjectYawDeg).toBeCloseTo(30, 12);
    expect(truth.relative.motionInA[0]).toBeGreaterThan(0);
    expect(truth.object).toBe(object);
    expect(truth.views[0].camera.c2wGl).toEqual(orbitCamera(orbit(170, 10, 3), K).c2wGl);
    expect(truth.views.map((v) => v.parts.map((p) => p.name))).toEqual([
      ['body', 'knob'],
      ['body', 'knob'],
    ]);
    expect(truth.relative).toEqual(relativePose(truth.views[0].camera, truth.views[1].camera));
  });

  it('throws when the job views were not built from the orbits', () => {
    const p = plan([orbit(0), orbit(30)], [0, 0]);
    p.job.views[1].c2wGl = orbitCamera(orbit(31), K).c2wGl;
    expect(() => computeGroundTruth(p)).toThrow(/job\.views\[1\]\.c2wGl/);
  });
});
