/**
 * Inline render jobs for the renderer tests and benchmarks: a six-part lit "gadget" and
 * unlit marker spheres at known points.
 */
import { intrinsicsFromFov, orbitCamera } from '../../pipeline/geometry/orbit-camera.js';
import type { CameraPose, LightingSpec, ObjectSpec, OrbitParams, PartSpec, RenderJob, Vec3, ViewSpec } from '../../pipeline/types.js';

/** Lighting used by every test job. */
export const TEST_LIGHTING: LightingSpec = {
  background: '#000000',
  ambientIntensity: 0.8,
  keyAzimuthDeg: 40,
  keyElevationDeg: 50,
  keyIntensity: 2.5,
};

function part(name: string, colorHex: string, shape: PartSpec['shape'], size: number[], position: Vec3, rotationDeg: Vec3 = [0, 0, 0]): PartSpec {
  return { name, colorName: name, colorHex, shape, size, position, rotationDeg, material: 'standard' };
}

/** A six-part asymmetric object with lit materials (box body, torus handle, knob, fin, leg, cone). */
export function gadgetObject(name = 'gadget-test'): ObjectSpec {
  return {
    kind: 'procedural',
    generator: 'gadget',
    name,
    symmetry: 'none',
    parts: [
      part('body', '#1f77b4', 'box', [0.8, 0.5, 0.5], [0, 0, 0]),
      part('handle', '#d62728', 'torus', [0.18, 0.05], [0.52, 0.05, 0], [0, 0, 90]),
      part('knob', '#2ca02c', 'sphere', [0.12], [-0.15, 0.36, 0.05]),
      part('fin', '#ff7f0e', 'box', [0.05, 0.3, 0.3], [-0.2, 0.2, -0.32], [20, 0, 0]),
      part('leg', '#9467bd', 'cylinder', [0.06, 0.06, 0.3], [0.25, -0.38, 0.12]),
      part('nose', '#e7e700', 'cone', [0.12, 0.25], [-0.52, 0, 0.1], [0, 0, 90]),
    ],
  };
}

/** Camera of one view: orbit + square image. */
export function camera(orbit: Partial<OrbitParams>, size = 512, fovYDeg = 45): CameraPose {
  return orbitCamera(
    { azimuthDeg: 0, elevationDeg: 20, radiusM: 3.2, rollDeg: 0, panDeg: 0, ...orbit },
    intrinsicsFromFov(fovYDeg, size, size),
  );
}

/** The renderer's view of a camera pose. */
export function viewOf(pose: CameraPose): ViewSpec {
  return { c2wGl: pose.c2wGl, fovYDeg: pose.K.fovYDeg, near: 0.05, far: 50 };
}

/** A job of `object` seen by two cameras. */
export function jobOf(id: string, object: ObjectSpec, cameras: [CameraPose, CameraPose], objectYawDeg: [number, number] = [0, 0]): RenderJob {
  return {
    id,
    width: cameras[0].K.width,
    height: cameras[0].K.height,
    object,
    objectYawDeg,
    lighting: TEST_LIGHTING,
    views: [viewOf(cameras[0]), viewOf(cameras[1])],
  };
}

/** `count` gadget jobs with varied cameras (deterministic, no RNG needed). */
export function gadgetJobs(count: number, size = 512): RenderJob[] {
  return Array.from({ length: count }, (_, i) =>
    jobOf(`gadget-${i}`, gadgetObject(`gadget-${i}`), [
      camera({ azimuthDeg: (i * 37) % 360, elevationDeg: 10 + (i % 5) * 5 }, size),
      camera({ azimuthDeg: (i * 37 + 60) % 360, elevationDeg: 25 - (i % 3) * 5, radiusM: 3.6 }, size),
    ]),
  );
}

/** One unlit marker: a small sphere of a pure colour at a known point of the object frame. */
export interface Marker {
  name: string;
  rgb: [number, number, number];
  point: Vec3;
}

const hex = (rgb: [number, number, number]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** Marker spheres spread within the unit sphere, one at the origin, of distinct pure colours. */
export const MARKERS: Marker[] = [
  { name: 'origin', rgb: [255, 255, 255], point: [0, 0, 0] },
  { name: 'red', rgb: [255, 0, 0], point: [0.6, 0.1, 0.2] },
  { name: 'green', rgb: [0, 255, 0], point: [-0.5, 0.4, 0.3] },
  { name: 'blue', rgb: [0, 0, 255], point: [0.1, -0.6, 0.4] },
  { name: 'yellow', rgb: [255, 255, 0], point: [-0.3, -0.3, -0.6] },
  { name: 'cyan', rgb: [0, 255, 255], point: [0.3, 0.7, -0.3] },
  { name: 'magenta', rgb: [255, 0, 255], point: [0.55, -0.2, -0.5] },
  { name: 'orange', rgb: [255, 128, 0], point: [-0.7, 0.05, -0.1] },
];

/** Radius of a marker sphere, metres. */
export const MARKER_RADIUS_M = 0.045;

/** The markers as an object of unlit spheres. */
export function markerObject(markers: Marker[] = MARKERS): ObjectSpec {
  return {
    kind: 'procedural',
    generator: 'markers',
    name: 'markers',
    symmetry: 'none',
    parts: markers.map((m) => ({
      name: m.name,
      colorName: m.name,
      colorHex: hex(m.rgb),
      shape: 'sphere',
      size: [MARKER_RADIUS_M],
      position: m.point,
      rotationDeg: [0, 0, 0],
      material: 'basic',
    })),
  };
}
