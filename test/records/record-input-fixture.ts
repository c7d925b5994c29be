/**
 * A hand-built {@link SampleRecordInput} for the record and shard tests: two orbit cameras
 * (azimuth 10° → 52.5°, elevation 20° → 25°, radius 3 → 3.3 m), a two-part object, an "orbit"
 * question whose answer is B. Ground-truth numbers are computed here with plain maths so the
 * fixture depends only on `orbitCamera` / `intrinsicsFromFov`.
 */
import { createHash } from 'node:crypto';
import { intrinsicsFromFov, orbitCamera } from '../../pipeline/geometry/orbit-camera.js';
import type { SamplePlan } from '../../pipeline/sample-plan.js';
import type { BuiltQuestion } from '../../pipeline/questions/question-family.js';
import type { SampleRecordInput } from '../../pipeline/records/record-input.js';
import type { GroundTruth, Mat3, ObjectSpec, OrbitParams, PartView, Vec3 } from '../../pipeline/types.js';

const DEG = 180 / Math.PI;

function mul(a: Mat3, b: Mat3): Mat3 {
  const r = (i: number, j: number) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
  return [
    [r(0, 0), r(0, 1), r(0, 2)],
    [r(1, 0), r(1, 1), r(1, 2)],
    [r(2, 0), r(2, 1), r(2, 2)],
  ];
}

function transpose(m: Mat3): Mat3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

function apply(m: Mat3, v: Vec3): Vec3 {
  return [0, 1, 2].map((i) => m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]) as Vec3;
}

/** SHA-256 of a label, to stand in for file hashes. */
export function fakeSha(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

export function fixtureId(index: number): string {
  return `vf-0000002a-${String(index).padStart(8, '0')}`;
}

export interface FixtureOptions {
  index?: number;
  withCot?: boolean;
  systemPrompt?: string | null;
}

/** Builds the fixture for sample `index` (default 7). */
export function makeRecordInput(options: FixtureOptions = {}): SampleRecordInput {
  const index = options.index ?? 7;
  const id = fixtureId(index);
  const K = intrinsicsFromFov(45, 512, 512);
  const orbitA: OrbitParams = { azimuthDeg: 10, elevationDeg: 20, radiusM: 3, rollDeg: 0, panDeg: 0 };
  const orbitB: OrbitParams = { azimuthDeg: 52.5, elevationDeg: 25, radiusM: 3.3, rollDeg: 0, panDeg: 0 };
  const camA = orbitCamera(orbitA, K);
  const camB = orbitCamera(orbitB, K);
  const R_AB = mul(camB.R, transpose(camA.R));
  const tA = apply(R_AB, camA.t);
  const t_AB: Vec3 = [camB.t[0] - tA[0], camB.t[1] - tA[1], camB.t[2] - tA[2]];
  const trace = R_AB[0][0] + R_AB[1][1] + R_AB[2][2];
  const angle = Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2)));
  const s = 2 * Math.sin(angle);
  const axis: Vec3 = [(R_AB[2][1] - R_AB[1][2]) / s, (R_AB[0][2] - R_AB[2][0]) / s, (R_AB[1][0] - R_AB[0][1]) / s];
  const half = Math.sin(angle / 2);
  const dC: Vec3 = [camB.centre[0] - camA.centre[0], camB.centre[1] - camA.centre[1], camB.centre[2] - camA.centre[2]];

  const object: ObjectSpec = {
    kind: 'procedural',
    generator: 'gadget',
    name: `gadget-${id.slice(-8)}`,
    symmetry: 'none',
    parts: [
      { name: 'body', colorName: 'red', colorHex: '#d62728', shape: 'box', size: [0.6, 0.7, 0.9], position: [0, 0, 0], rotationDeg: [0, 0, 0], material: 'standard' },
      { name: 'handle', colorName: 'blue', colorHex: '#1f77b4', shape: 'torus', size: [0.2, 0.05], position: [0.46, 0.05, 0], rotationDeg: [0, 0, 0], material: 'standard' },
    ],
  };
  // Views list parts in a different order than the object spec: records must follow the spec.
  const partsA: PartView[] = [
    { name: 'handle', centrePx: [301.25, 250.5], depthM: 2.6123456789, visibleFraction: 0.8, visible: true, horizontal: 'right', vertical: 'middle' },
    { name: 'body', centrePx: [256, 256], depthM: 3, visibleFraction: 1, visible: true, horizontal: 'centre', vertical: 'middle' },
  ];
  const partsB: PartView[] = [
    { name: 'body', centrePx: [256, -1e-12], depthM: 3.3, visibleFraction: 0.95, visible: true, horizontal: 'centre', vertical: 'top' },
    { name: 'handle', centrePx: [120.75, 262.125], depthM: 3.5, visibleFraction: 0.1, visible: false, horizontal: 'left', vertical: 'middle' },
  ];
  const truth: GroundTruth = {
    views: [
      { camera: camA, parts: partsA, inFrame: true, coverage: 0.31 },
      { camera: camB, parts: partsB, inFrame: true, coverage: 0.27 },
    ],
    relative: {
      R_AB,
      t_AB,
      angleDeg: angle * DEG,
      axis,
      quaternion: [axis[0] * half, axis[1] * half, axis[2] * half, Math.cos(angle / 2)],
      yawDeg: -42.1,
      pitchDeg: 4.3,
      rollDeg: -0,
      baselineM: Math.hypot(...dC),
      motionInA: apply(camA.R, dC),
    },
    deltaAzimuthDeg: 42.5,
    deltaElevationDeg: 5,
    radiusRatio: 3.3 / 3,
    deltaObjectYawDeg: -0,
    object,
  };
  const question: BuiltQuestion = {
    family: 'orbit',
    templateId: 'orbit/t1',
    question: 'Image 1 and image 2 show the same object from two camera positions. How did the camera move around the object from image 1 to image 2?',
    options: ['left by 0-30°', 'right by 30-60°', 'left by 30-60°', 'right by 0-30°'],
    answerIndex: 1,
    answerLetter: 'B',
    answerText: 'right by 30-60°',
    reasoning: 'In image 1 the blue handle is on the right of the red body; in image 2 it has moved to the left edge. The camera went right around the object by about 40°. So the answer is B.',
    difficulty: { margin: 12.5, marginUnit: 'deg', bin: 'right 30-60°', value: 42.5 },
  };
  const plan: SamplePlan = {
    id,
    index,
    seed: 42,
    attempt: 1,
    family: 'orbit',
    familyIndex: index,
    asset: { source: 'procedural', name: object.name, contentHash: fakeSha(object.name), symmetry: 'none' },
    orbits: [orbitA, orbitB],
    intrinsics: K,
    job: {
      id,
      width: 512,
      height: 512,
      object,
      objectYawDeg: [123.456789012, 123.456789012],
      lighting: { background: '#eeeeee', ambientIntensity: 0.6, keyAzimuthDeg: 30, keyElevationDeg: 45, keyIntensity: 2 },
      views: [
        { c2wGl: camA.c2wGl, fovYDeg: 45, near: 0.1, far: 10 },
        { c2wGl: camB.c2wGl, fovYDeg: 45, near: 0.1, far: 10 },
      ],
    },
  };
  const shard = String(Math.floor(index / 1000)).padStart(5, '0');
  return {
    plan,
    truth,
    question,
    images: [
      { path: `images/${shard}/${id}_a.jpg`, sha256: fakeSha(`${id}_a`), width: 512, height: 512, format: 'jpeg', bytes: 23456, mask: null, depth: null },
      { path: `images/${shard}/${id}_b.jpg`, sha256: fakeSha(`${id}_b`), width: 512, height: 512, format: 'jpeg', bytes: 24567, mask: null, depth: null },
    ],
    withCot: options.withCot ?? true,
    systemPrompt: options.systemPrompt ?? null,
    datasetName: 'viewforge',
  };
}
