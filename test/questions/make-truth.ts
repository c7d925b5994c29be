/**
 * Test helper: a hand-made {@link GroundTruth} from two orbits and hand-written part facts, built
 * with `orbitCamera` and `relativePose` (no ray casting), for exact cases such as "Δazimuth = +47°".
 */
import { orbitCamera, intrinsicsFromFov } from '../../pipeline/geometry/orbit-camera.js';
import { relativePose } from '../../pipeline/geometry/relative-pose.js';
import type { GroundTruth, ObjectSpec, OrbitParams, PartView, ViewFacts } from '../../pipeline/types.js';

export const TEST_OBJECT: ObjectSpec = {
  kind: 'procedural',
  generator: 'gadget',
  name: 'gadget-test',
  symmetry: 'none',
  parts: [
    { name: 'body', colorName: 'green', colorHex: '#2ca02c', shape: 'box', size: [0.6, 0.8, 0.9], position: [0, 0, 0], rotationDeg: [0, 0, 0], material: 'standard' },
    { name: 'handle', colorName: 'red', colorHex: '#d62728', shape: 'torus', size: [0.2, 0.05], position: [0.5, 0, 0], rotationDeg: [0, 0, 0], material: 'standard' },
    { name: 'knob', colorName: 'blue', colorHex: '#1f57c4', shape: 'sphere', size: [0.1], position: [-0.1, 0.5, 0], rotationDeg: [0, 0, 0], material: 'standard' },
    { name: 'fin', colorName: 'yellow', colorHex: '#f2d21b', shape: 'box', size: [0.05, 0.3, 0.3], position: [0, 0.3, -0.55], rotationDeg: [-15, 0, 0], material: 'standard' },
  ],
};

function part(name: string, visible: boolean, horizontal: PartView['horizontal'], vertical: PartView['vertical'], depthM: number): PartView {
  return { name, centrePx: [0, 0], depthM, visibleFraction: visible ? 0.6 : 0, visible, horizontal, vertical };
}

/** Part facts of view A: body centre, handle left (nearest), knob top centre; fin hidden. */
export const PARTS_A: PartView[] = [
  part('body', true, 'centre', 'middle', 3),
  part('handle', true, 'left', 'middle', 2.6),
  part('knob', true, 'centre', 'top', 2.9),
  part('fin', false, 'centre', 'top', 3.5),
];

/** Part facts of view B: body centre, handle hidden, knob top right, fin top centre (nearest). */
export const PARTS_B: PartView[] = [
  part('body', true, 'centre', 'middle', 3),
  part('handle', false, 'right', 'middle', 3.4),
  part('knob', true, 'right', 'top', 2.9),
  part('fin', true, 'centre', 'top', 2.7),
];

const BASE: OrbitParams = { azimuthDeg: 0, elevationDeg: 20, radiusM: 3, rollDeg: 0, panDeg: 0 };

function wrap(deg: number): number {
  let d = deg % 360;
  if (d > 180) d -= 360;
  if (d <= -180) d += 360;
  return d;
}

export interface MakeTruthOptions {
  parts?: [PartView[], PartView[]];
  inFrame?: [boolean, boolean];
  coverage?: [number, number];
}

/** A hand-made truth for cameras on orbits `a` and `b` (missing fields from a 20°, 3 m orbit). */
export function makeTruth(a: Partial<OrbitParams>, b: Partial<OrbitParams>, options: MakeTruthOptions = {}): GroundTruth {
  const K = intrinsicsFromFov(45, 384, 384);
  const oa = { ...BASE, ...a };
  const ob = { ...BASE, ...b };
  const ca = orbitCamera(oa, K);
  const cb = orbitCamera(ob, K);
  const parts = options.parts ?? [PARTS_A, PARTS_B];
  const inFrame = options.inFrame ?? [true, true];
  const coverage = options.coverage ?? [0.3, 0.3];
  const view = (i: 0 | 1, camera: typeof ca): ViewFacts => ({ camera, parts: parts[i], inFrame: inFrame[i], coverage: coverage[i] });
  return {
    views: [view(0, ca), view(1, cb)],
    relative: relativePose(ca, cb),
    deltaAzimuthDeg: wrap(ob.azimuthDeg - oa.azimuthDeg),
    deltaElevationDeg: ob.elevationDeg - oa.elevationDeg,
    radiusRatio: ob.radiusM / oa.radiusM,
    deltaObjectYawDeg: 0,
    object: TEST_OBJECT,
  };
}
