/**
 * Test helper: camera maths read straight off a plan's renderer matrices (`job.views[i].c2wGl`)
 * and object pose, written independently of `pipeline/geometry`, for the families' second
 * checks: world → camera (OpenCV axes), object frame → world (yaw about +Y).
 */
import type { SamplePlan } from '../../pipeline/sample-plan.js';
import type { Vec3 } from '../../pipeline/types.js';

type V = [number, number, number];

const dot = (a: V, b: V) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** OpenGL camera axes (x right, y up, z backward) and centre of view `i`, in world coordinates. */
export function glAxes(plan: SamplePlan, i: 0 | 1): { x: V; y: V; z: V; centre: V } {
  const m = plan.job.views[i].c2wGl;
  return {
    x: [m[0][0], m[1][0], m[2][0]],
    y: [m[0][1], m[1][1], m[2][1]],
    z: [m[0][2], m[1][2], m[2][2]],
    centre: [m[0][3], m[1][3], m[2][3]],
  };
}

/** A world point in view `i`'s OpenCV camera frame: x right, y down, z forward. */
export function toCamera(plan: SamplePlan, i: 0 | 1, p: Vec3): V {
  const { x, y, z, centre } = glAxes(plan, i);
  const d: V = [p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]];
  return [dot(d, x), -dot(d, y), -dot(d, z)];
}

/** Pixel column of a world point in view `i` (square pixels, centred principal point). */
export function pixelU(plan: SamplePlan, i: 0 | 1, p: Vec3): number {
  const [x, , z] = toCamera(plan, i, p);
  const f = plan.job.height / 2 / Math.tan(((plan.job.views[i].fovYDeg / 2) * Math.PI) / 180);
  return plan.job.width / 2 + (f * x) / z;
}

/** A point of the object frame in world coordinates for view `i`: a right-handed yaw about +Y. */
export function objectToWorld(plan: SamplePlan, i: 0 | 1, p: Vec3): V {
  const a = (plan.job.objectYawDeg[i] * Math.PI) / 180;
  return [Math.cos(a) * p[0] + Math.sin(a) * p[2], p[1], -Math.sin(a) * p[0] + Math.cos(a) * p[2]];
}

/** Centre of part `name` of the plan's object, in world coordinates for view `i`. */
export function partCentreWorld(plan: SamplePlan, i: 0 | 1, name: string): V {
  const part = plan.job.object.parts.find((p) => p.name === name);
  if (part === undefined) throw new Error(`planCamera: no part "${name}"`);
  return objectToWorld(plan, i, part.position);
}
