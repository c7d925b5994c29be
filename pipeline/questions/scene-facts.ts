/**
 * What each view shows of each object of a scene (README, "Scenes"), from the part facts of the
 * ground truth: once the run has grounded the truth in the ID pass (pipeline/run/check-visibility.ts),
 * an object is *seen* in a view when its parts show at least {@link OBJECT_RULES.minSeenPixels}
 * ID-pass pixels with a solid patch among them, *hidden* when they show none, and a *sliver* in
 * between (never named as seen or as hidden: a question about it is re-drawn). Before grounding
 * (the planner's prior, or a renderer without an ID pass) the ray cast decides the same three
 * states from the parts' visible fractions.
 *
 * Positions are the objects' box centres (`SceneObjectSpec.position`); depth is along the camera's
 * viewing axis (OpenCV z), metres.
 */
import { projectPoint } from '../geometry/project-point.js';
import type { GroundTruth, PartView, SceneObjectSpec, SceneSpec, Vec3 } from '../types.js';

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
  if (grounded) {
    const pixels = parts.reduce((n, p) => n + (p.idPixels ?? 0), 0);
    state = pixels === 0 ? 'hidden' : pixels >= OBJECT_RULES.minSeenPixels && parts.some((p) => p.visible) ? 'seen' : 'sliver';
  } else {
    const best = Math.max(...parts.map((p) => p.visibleFraction));
    state = best === 0 ? 'hidden' : best >= OBJECT_RULES.minRayVisible ? 'seen' : 'sliver';
  }
  const projected = projectPoint(facts.camera, spec.position);
  return {
    state,
    depthM: projected.depthM,
    centrePx: [projected.u, projected.v],
    visibleFraction: parts.reduce((s, p) => s + p.visibleFraction, 0) / parts.length,
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
