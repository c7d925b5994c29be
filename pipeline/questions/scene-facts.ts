/**
 * What each view shows of each object of a scene (README, "Scenes"), from the part facts of the
 * ground truth: once the run has grounded the truth in the ID pass (pipeline/run/check-visibility.ts),
 * an object is *seen* in a view when its parts show at least {@link OBJECT_RULES.minSeenPixels}
 * ID-pass pixels with a solid patch among them, *hidden* when they show none, and a *sliver* in
 * between (never named as seen or as hidden: a question about it is re-drawn). Before grounding
 * (the planner's prior, or a renderer without an ID pass) the ray cast decides the same three
 * states from the parts' visible fractions.
 *
 * Positions are the objects' box centres (`SceneObjectSpec.position`, in view B `positionB` when the
 * object moved: `objectPositionAt`); depth is along the camera's viewing axis (OpenCV z), metres.
 */
import { objectPositionAt } from '../../assets/procedural/scene-at-view.js';
import { projectPoint } from '../geometry/project-point.js';
import type { GroundTruth, PartView, SceneObjectSpec, SceneSpec, Vec3 } from '../types.js';
import { joinList } from './describe-view.js';

/** Thresholds of the object states. */
export const OBJECT_RULES = Object.freeze({
  /** ID-pass pixels (at 128 px on the longer side) the parts of a seen object show together. */
  minSeenPixels: 24,
  /** Ray-cast share (of one part's samples) that makes an object seen before grounding. */
  minRayVisible: 0.25,
});

/** An object in one view. */
export interface ObjectView {
  state: 'seen' | 'hidden' | 'sliver';
  /** Depth of its centre along the camera's viewing axis, metres. */
  depthM: number;
  /** Its centre projected into the image, pixels (may lie outside). */
  centrePx: [number, number];
  /** Mean ray-cast visible fraction of its parts, 0..1. */
  visibleFraction: number;
  /** ID-pass pixels of its parts together once the truth is grounded in pixels (0: hidden), else null. */
  idPixels: number | null;
}

/** An object with its two views. */
export interface SceneObjectFacts {
  spec: SceneObjectSpec;
  /** "the red mug". */
  label: string;
  views: [ObjectView, ObjectView];
}

/** The scene of a sample's truth, or null for a single object. */
export function getScene(truth: Pick<GroundTruth, 'object'>): SceneSpec | null {
  return truth.object.kind === 'procedural' && truth.object.scene !== undefined ? truth.object.scene : null;
}

function objectView(truth: GroundTruth, spec: SceneObjectSpec, view: 0 | 1): ObjectView {
  const facts = truth.views[view];
  const parts: PartView[] = facts.parts.slice(spec.parts[0], spec.parts[1]);
  const grounded = parts.every((p) => p.idPixels !== undefined);
  let state: ObjectView['state'];
  const pixels = grounded ? parts.reduce((n, p) => n + (p.idPixels ?? 0), 0) : null;
  if (pixels !== null) {
    state = pixels === 0 ? 'hidden' : pixels >= OBJECT_RULES.minSeenPixels && parts.some((p) => p.visible) ? 'seen' : 'sliver';
  } else {
    const best = Math.max(...parts.map((p) => p.visibleFraction));
    state = best === 0 ? 'hidden' : best >= OBJECT_RULES.minRayVisible ? 'seen' : 'sliver';
  }
  const projected = projectPoint(facts.camera, objectPositionAt(spec, view));
  return {
    state,
    depthM: projected.depthM,
    centrePx: [projected.u, projected.v],
    visibleFraction: parts.reduce((s, p) => s + p.visibleFraction, 0) / parts.length,
    idPixels: pixels,
  };
}

/** Every object of the scene with its two views (empty for a single object). Pure. */
export function listSceneObjects(truth: GroundTruth): SceneObjectFacts[] {
  const scene = getScene(truth);
  if (scene === null) return [];
  return scene.objects.map((spec) => ({ spec, label: `the ${spec.name}`, views: [objectView(truth, spec, 0), objectView(truth, spec, 1)] }));
}

/** Distance between two points, metres. */
export function distance3(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** "the first image" / "the second image". */
export function imageName(view: 0 | 1): string {
  return view === 0 ? 'the first image' : 'the second image';
}

/**
 * Bearing of a world point from a camera about the world's up axis, degrees in (−180, 180]: 0
 * straight ahead (the camera's viewing direction on the ground plane), positive to its right.
 * The camera's right is its OpenCV x axis (no roll: it lies in the ground plane).
 */
export function bearingDeg(camera: { R: number[][]; centre: readonly number[] }, point: readonly number[]): number {
  const fn = Math.hypot(camera.R[2][0], camera.R[2][2]);
  const rn = Math.hypot(camera.R[0][0], camera.R[0][2]);
  const f = [camera.R[2][0] / fn, camera.R[2][2] / fn];
  const r = [camera.R[0][0] / rn, camera.R[0][2] / rn];
  const d = [point[0] - camera.centre[0], point[2] - camera.centre[2]];
  return (Math.atan2(d[0] * r[0] + d[1] * r[1], d[0] * f[0] + d[1] * f[1]) * 180) / Math.PI;
}

/**
 * Side of `z` for someone standing at `x` and facing `y` on the ground plane, as the signed angle
 * from the facing direction to `z`, degrees in (−180, 180]: positive on their right.
 */
export function sideAngleDeg(x: readonly number[], y: readonly number[], z: readonly number[]): number {
  const f = [y[0] - x[0], y[2] - x[2]];
  const right = [-f[1], f[0]]; // f × up on the ground plane: facing −Z, the right is +X
  const d = [z[0] - x[0], z[2] - x[2]];
  return (Math.atan2(d[0] * right[0] + d[1] * right[1], d[0] * f[0] + d[1] * f[1]) * 180) / Math.PI;
}

/** Objects hidden in `view` and seen in the other view (their place must come from the other image). */
export function carriedInto(objects: readonly SceneObjectFacts[], view: 0 | 1): SceneObjectFacts[] {
  return objects.filter((o) => o.views[view].state === 'hidden' && o.views[view === 0 ? 1 : 0].state === 'seen');
}

/**
 * What one image shows of `objects`, true in every word: "The first image shows the red mug and
 * the chair; the green ball is not visible in it." Slivers are left out of both lists.
 */
export function describeSceneView(view: 0 | 1, objects: readonly SceneObjectFacts[]): string {
  const seen = objects.filter((f) => f.views[view].state === 'seen').map((f) => f.label);
  const hidden = objects.filter((f) => f.views[view].state === 'hidden').map((f) => f.label);
  const image = imageName(view);
  const Image = `${image[0].toUpperCase()}${image.slice(1)}`;
  if (seen.length === 0) return hidden.length === 1 ? `${Image} does not show ${hidden[0]}.` : hidden.length === 2 ? `${Image} shows neither ${hidden[0]} nor ${hidden[1]}.` : `${Image} shows none of ${joinList(hidden)}.`;
  const shows = `${Image} shows ${joinList(seen)}`;
  return hidden.length === 0 ? `${shows}.` : `${shows}; ${joinList(hidden)} ${hidden.length === 1 ? 'is' : 'are'} not visible in it.`;
}

/**
 * What the one image of a single-image record shows of `objects` (README, "Scenes"): "The image
 * shows the red mug and the chair." Only the seen ones; a single-image record never names an
 * object its image does not show.
 */
export function describeOneImage(objects: readonly SceneObjectFacts[]): string {
  const seen = objects.filter((f) => f.views[0].state === 'seen').map((f) => f.label);
  return `The image shows ${joinList(seen)}.`;
}

/** Whether a camera centre stands clear of every object: outside each object's box grown by `clearanceM`. */
export function isCameraClear(centre: readonly number[], objects: readonly SceneObjectFacts[], clearanceM = 0.06): boolean {
  return objects.every(({ spec }) => {
    // The box in the object's frame: undo its yaw about the box centre.
    const dx = centre[0] - spec.position[0];
    const dz = centre[2] - spec.position[2];
    const c = Math.cos((spec.yawDeg * Math.PI) / 180);
    const s = Math.sin((spec.yawDeg * Math.PI) / 180);
    const local = [c * dx - s * dz, centre[1] - spec.position[1], s * dx + c * dz];
    return local.some((v, k) => Math.abs(v) > spec.halfExtents[k] + clearanceM);
  });
}
