import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { intrinsicsFromFov, orbitCamera, orbitCentre } from '../../pipeline/geometry/orbit-camera.js';
import { projectPoint, worldToCamera } from '../../pipeline/geometry/project-point.js';
import { relativePose } from '../../pipeline/geometry/relative-pose.js';
import { applyMat3, determinantMat3, identityMat3, multiplyMat3, rotationY, transposeMat3 } from '../../pipeline/geometry/rotation.js';
import type { CameraPose, Mat3, OrbitParams, Vec3 } from '../../pipeline/types.js';

const DEG = Math.PI / 180;
const K = intrinsicsFromFov(45, 640, 480);

function expectMatClose(a: readonly (readonly number[])[], b: readonly (readonly number[])[], tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - b[i][j])).toBeLessThan(tol)));
}

function expectVecClose(a: readonly number[], b: readonly number[], tol = 1e-12): void {
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(tol));
}

const ORBITS: OrbitParams[] = [];
for (const azimuthDeg of [-170, -90, -30, 0, 45, 120, 180]) {
  for (const elevationDeg of [-60, -10, 0, 25, 80]) {
    for (const rollDeg of [-20, 0, 35]) ORBITS.push({ azimuthDeg, elevationDeg, radiusM: 2.5 + azimuthDeg / 200, rollDeg, panDeg: 0 });
  }
}

/** Recovers orbit parameters from the OpenCV extrinsics alone (R, t). */
function orbitFromExtrinsics(R: Mat3, t: Vec3): OrbitParams {
  const c = applyMat3(transposeMat3(R), t);
  const C: Vec3 = [-c[0], -c[1], -c[2]];
  const radiusM = Math.hypot(...C);
  const elevationDeg = Math.asin(C[1] / radiusM) / DEG;
  const azimuthDeg = Math.atan2(C[0], C[2]) / DEG;
  // Unrolled frame: right = normalise(up × backward), down = forward × right (OpenCV).
  const f = R[2];
  const back: Vec3 = [-f[0], -f[1], -f[2]];
  const x0: Vec3 = [back[2], 0, -back[0]]; // [0, 1, 0] × back
  const n = Math.hypot(...x0);
  const right0: Vec3 = [x0[0] / n, x0[1] / n, x0[2] / n];
  const down0: Vec3 = [
    f[1] * right0[2] - f[2] * right0[1],
    f[2] * right0[0] - f[0] * right0[2],
    f[0] * right0[1] - f[1] * right0[0],
  ];
  const x = R[0];
  const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const rollDeg = Math.atan2(dot(x, down0), dot(x, right0)) / DEG;
  return { azimuthDeg, elevationDeg, radiusM, rollDeg, panDeg: 0 };
}

describe('intrinsicsFromFov', () => {
  it('puts the principal point at the image centre and derives fy from the vertical FOV', () => {
    expect(K.cx).toBe(320);
    expect(K.cy).toBe(240);
    expect(K.fy).toBeCloseTo(240 / Math.tan(22.5 * DEG), 12);
    expect(K.fx).toBe(K.fy);
  });
});

describe('orbitCamera conventions (OpenCV R, t; OpenGL c2w)', () => {
  it('R is orthonormal with det +1 and C = −Rᵀt is the orbit centre', () => {
    for (const orbit of ORBITS) {
      const cam = orbitCamera(orbit, K);
      expectMatClose(multiplyMat3(cam.R, transposeMat3(cam.R)), identityMat3(), 1e-14);
      expect(determinantMat3(cam.R)).toBeCloseTo(1, 13);
      const c = applyMat3(transposeMat3(cam.R), cam.t);
      expectVecClose([-c[0], -c[1], -c[2]], orbitCentre(orbit), 1e-12);
      expectVecClose(cam.centre, orbitCentre(orbit), 1e-15);
    }
  });

  it("c2w_gl's rotation is Rᵀ · diag(1, −1, −1) and its translation the centre", () => {
    const flip: Mat3 = [
      [1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
    ];
    for (const orbit of ORBITS) {
      const cam = orbitCamera(orbit, K);
      const rot = cam.c2wGl.slice(0, 3).map((row) => row.slice(0, 3));
      expectMatClose(rot, multiplyMat3(transposeMat3(cam.R), flip), 1e-15);
      expectVecClose(cam.c2wGl.slice(0, 3).map((row) => row[3]), cam.centre, 1e-15);
      expect(cam.c2wGl[3]).toEqual([0, 0, 0, 1]);
    }
  });

  it('recovers azimuth, elevation, radius and roll from R and t', () => {
    for (const orbit of ORBITS) {
      const cam = orbitCamera(orbit, K);
      const back = orbitFromExtrinsics(cam.R, cam.t);
      const dAz = ((back.azimuthDeg - orbit.azimuthDeg + 540) % 360) - 180;
      expect(Math.abs(dAz)).toBeLessThan(1e-9);
      expect(back.elevationDeg).toBeCloseTo(orbit.elevationDeg, 9);
      expect(back.radiusM).toBeCloseTo(orbit.radiusM, 12);
      expect(back.rollDeg).toBeCloseTo(orbit.rollDeg, 9);
    }
  });

  it('looks at the origin: it projects to the principal point at depth = radius', () => {
    for (const orbit of ORBITS) {
      const p = projectPoint(orbitCamera(orbit, K), [0, 0, 0]);
      expect(p.u).toBeCloseTo(K.cx, 9);
      expect(p.v).toBeCloseTo(K.cy, 9);
      expect(p.depthM).toBeCloseTo(orbit.radiusM, 12);
    }
  });

  it('shows world +X on the right and world +Y at the top from azimuth 0 (camera on +Z)', () => {
    const cam = orbitCamera({ azimuthDeg: 0, elevationDeg: 0, radiusM: 3, rollDeg: 0, panDeg: 0 }, K);
    expectMatClose(cam.R, [
      [1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
    ]);
    expectVecClose(worldToCamera(cam, [0.5, 0.25, 0]), [0.5, -0.25, 3]);
    const p = projectPoint(cam, [0.5, 0.25, 0]);
    expect(p.u).toBeCloseTo(K.cx + (K.fx * 0.5) / 3, 9);
    expect(p.v).toBeCloseTo(K.cy - (K.fy * 0.25) / 3, 9);
  });

  it('azimuth > 0 moves the camera towards +X', () => {
    expectVecClose(orbitCentre({ azimuthDeg: 90, elevationDeg: 0, radiusM: 2, rollDeg: 0, panDeg: 0 }), [2, 0, 0], 1e-15);
    expectVecClose(orbitCentre({ azimuthDeg: 0, elevationDeg: 30, radiusM: 2, rollDeg: 0, panDeg: 0 }), [0, 1, Math.sqrt(3)], 1e-15);
  });

  it('positive roll turns the camera clockwise, so the scene appears turned counter-clockwise', () => {
    const cam = orbitCamera({ azimuthDeg: 0, elevationDeg: 0, radiusM: 3, rollDeg: 30, panDeg: 0 }, K);
    // The camera's right axis tilts towards world −Y (image-down seen from behind the camera)…
    expect(cam.R[0][1]).toBeLessThan(0);
    // …so a point on the world's +X side shows up right of centre and above the middle row.
    const p = projectPoint(cam, [1, 0, 0]);
    expect(p.u).toBeGreaterThan(K.cx);
    expect(p.v).toBeLessThan(K.cy);
  });

  it('maps the top edge of the vertical FOV to v = 0 and the bottom edge to v = height', () => {
    const cam = orbitCamera({ azimuthDeg: 0, elevationDeg: 0, radiusM: 3, rollDeg: 0, panDeg: 0 }, K);
    const h = 3 * Math.tan(22.5 * DEG); // half-height of the view at depth 3 (the world origin plane)
    expect(projectPoint(cam, [0, h, 0]).v).toBeCloseTo(0, 9);
    expect(projectPoint(cam, [0, -h, 0]).v).toBeCloseTo(K.height, 9);
  });

  it('projects like a three.js PerspectiveCamera placed with c2w_gl (the renderer path)', () => {
    const points: Vec3[] = [
      [0.3, -0.2, 0.1],
      [-0.5, 0.4, -0.3],
      [0.05, 0.6, 0.45],
    ];
    for (const orbit of ORBITS) {
      const cam: CameraPose = orbitCamera(orbit, K);
      const three = new THREE.PerspectiveCamera(K.fovYDeg, K.width / K.height, 0.05, 100);
      three.matrixWorld.set(...(cam.c2wGl.flat() as Parameters<THREE.Matrix4['set']>));
      three.matrixWorldInverse.copy(three.matrixWorld).invert();
      for (const X of points) {
        const ndc = new THREE.Vector3(...X).project(three);
        const p = projectPoint(cam, X);
        expect(p.u).toBeCloseTo(((ndc.x + 1) / 2) * K.width, 6);
        expect(p.v).toBeCloseTo(((1 - ndc.y) / 2) * K.height, 6);
      }
    }
  });

  it('rejects degenerate orbits', () => {
    expect(() => orbitCamera({ azimuthDeg: 0, elevationDeg: 90, radiusM: 2, rollDeg: 0, panDeg: 0 }, K)).toThrow(RangeError);
    expect(() => orbitCamera({ azimuthDeg: 0, elevationDeg: 0, radiusM: 0, rollDeg: 0, panDeg: 0 }, K)).toThrow(RangeError);
  });
});

describe('orbitCamera pan (turn in place)', () => {
  const base = (o: Partial<OrbitParams> = {}): OrbitParams => ({ azimuthDeg: 30, elevationDeg: 0, radiusM: 3, rollDeg: 0, panDeg: 0, ...o });

  it('keeps the centre and gives a relative yaw of exactly +θ for a pan of +θ (pitch 0, roll 0)', () => {
    for (const azimuthDeg of [-150, 0, 30, 95]) {
      for (const elevationDeg of [-20, 0, 15, 45]) {
        for (const [panA, theta] of [[0, 10], [-12, 25], [7, -18], [0, -3]]) {
          const a = orbitCamera(base({ azimuthDeg, elevationDeg, panDeg: panA }), K);
          const b = orbitCamera(base({ azimuthDeg, elevationDeg, panDeg: panA + theta }), K);
          expectVecClose(a.centre, b.centre, 1e-15);
          const rel = relativePose(a, b);
          expect(rel.yawDeg).toBeCloseTo(theta, 10);
          expect(rel.pitchDeg).toBeCloseTo(0, 10);
          expect(rel.rollDeg).toBeCloseTo(0, 10);
          expect(rel.baselineM).toBe(0);
          expect(rel.angleDeg).toBeCloseTo(Math.abs(theta), 10);
          // R_ABᵀ = Ry(θ) about OpenCV axes: B's forward axis swings towards A's +x (right) for θ > 0.
          expectMatClose(transposeMat3(rel.R_AB), rotationY(theta), 1e-12);
        }
      }
    }
  });

  it('a pan to the right moves the object to the left of the image, by f · tan(pan)', () => {
    for (const panDeg of [-20, -5, 5, 20]) {
      const cam = orbitCamera(base({ panDeg, elevationDeg: 10 }), K);
      const p = projectPoint(cam, [0, 0, 0]);
      expect(p.u).toBeCloseTo(K.cx - K.fx * Math.tan(panDeg * DEG), 9);
      expect(p.v).toBeCloseTo(K.cy, 9);
      expect(p.depthM).toBeCloseTo(3 * Math.cos(panDeg * DEG), 12);
    }
  });

  it('at elevation 0 is a turn about the world vertical (the horizon stays level)', () => {
    const cam = orbitCamera(base({ panDeg: 25 }), K);
    expect(cam.R[0][1]).toBeCloseTo(0, 15); // right axis horizontal
    expect(cam.R[1][1]).toBeCloseTo(-1, 15); // down axis = world −Y
    // Forward axis turned 25° clockwise seen from above: from −centre direction towards the camera's right.
    const look = orbitCamera(base(), K);
    const cosTurn = look.R[2][0] * cam.R[2][0] + look.R[2][1] * cam.R[2][1] + look.R[2][2] * cam.R[2][2];
    expect(Math.acos(cosTurn) / DEG).toBeCloseTo(25, 9);
    expect(look.R[0][0] * cam.R[2][0] + look.R[0][2] * cam.R[2][2]).toBeGreaterThan(0);
  });

  it('composes with roll and stays a proper rotation; pan 0 is the look-at camera', () => {
    const cam = orbitCamera(base({ panDeg: 17, rollDeg: 12, elevationDeg: 35 }), K);
    expectMatClose(multiplyMat3(cam.R, transposeMat3(cam.R)), identityMat3(), 1e-14);
    expect(determinantMat3(cam.R)).toBeCloseTo(1, 13);
    expect(orbitCamera(base({ panDeg: 0 }), K)).toEqual(orbitCamera({ azimuthDeg: 30, elevationDeg: 0, radiusM: 3, rollDeg: 0, panDeg: 0 }, K));
    const three = new THREE.PerspectiveCamera(K.fovYDeg, K.width / K.height, 0.05, 100);
    three.matrixWorld.set(...(cam.c2wGl.flat() as Parameters<THREE.Matrix4['set']>));
    three.matrixWorldInverse.copy(three.matrixWorld).invert();
    const X: Vec3 = [0.2, -0.1, 0.3];
    const ndc = new THREE.Vector3(...X).project(three);
    const p = projectPoint(cam, X);
    expect(p.u).toBeCloseTo(((ndc.x + 1) / 2) * K.width, 6);
    expect(p.v).toBeCloseTo(((1 - ndc.y) / 2) * K.height, 6);
  });

  it('rejects a pan that is not a finite number', () => {
    expect(() => orbitCamera(base({ panDeg: Number.NaN }), K)).toThrow(/panDeg/);
    expect(() => orbitCamera({ azimuthDeg: 0, elevationDeg: 0, radiusM: 2, rollDeg: 0 } as OrbitParams, K)).toThrow(/panDeg/);
  });
});
