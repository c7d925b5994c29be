/**
 * Family `object-move` (RL stage; SAT "object movement", on scenes, README "Scenes"): one object
 * of the scene moved between the two images, taken from one camera that stayed put. Which way did
 * it move, as seen from the camera: to the left, to the right, towards the camera or away from it?
 * Four options.
 *
 * The planner's motion ({@link OBJECT_MOVE_MOTION}) keeps the camera (one azimuth, elevation,
 * distance, pan and roll for both views, a scene view from outside) and moves one object 0.18–0.4 m
 * over the ground, in the answer class's direction give or take 30°, to a free spot (its footprint
 * clear of every other object's, every part inside the unit sphere) where its centre projects into
 * both images. The record's `position` and `position_b` hold where it stood and where it stands.
 *
 * The answer is re-derived from those two positions and camera A: the move's components along the
 * camera's viewing direction on the ground plane and along its right there (that direction turned
 * 90° clockwise seen from above); the larger one names the answer (right / left, away / towards).
 *
 * ```text
 * Question: One object was moved between the two images. Seen from the camera, which way did the red mug move?
 * Options:  A. towards the camera   B. to the left   C. away from the camera   D. to the right
 * Answer:   D
 * Reasoning: Both images were taken from the same place, and every other object stands where it stood.
 *   The red mug is seen in both images: in the first its centre lies about 12° to the left of
 *   straight ahead, 1.48 m from the camera; in the second about 4° to the right, 1.52 m away. So it
 *   moved about 0.34 m: about 0.32 m to the right and 0.10 m away from the camera. So it moved to the
 *   right. So the answer is D: to the right.
 * ```
 *
 * Answer classes are the motion's (4, balanced by the planner). Re-draw rules: 'no-move' (no free
 * spot was found for the class), 'moved-object-not-seen' (the moved object is not seen in both
 * images), 'near-diagonal' (the move lies within {@link OBJECT_MOVE_MIN_MARGIN_DEG} of a diagonal
 * between two answers). `difficulty`: margin = the move's angle from the nearest diagonal (deg),
 * bin = the answer, value = the move's angle in the camera's ground frame (0 right, 90 away).
 */
import { partHalfExtents } from '../../assets/procedural/fit-to-unit-sphere.js';
import { objectPositionAt, partsAtView } from '../../assets/procedural/scene-at-view.js';
import { projectPoint } from '../geometry/project-point.js';
import type { Rng } from '../rng.js';
import type { CameraPose, GroundTruth, ProceduralObjectSpec, Vec3 } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { SCENE_ELEVATION_DEG, SCENE_PAN_DEG, SCENE_RADIUS_M, type DrawnMotion, type FamilyMotion, type MotionDraw } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { describeBearing } from './object-left-right.js';
import { bearingDeg, distance3, listSceneObjects } from './scene-facts.js';

const FAMILY = 'object-move';

/** The four answers, by class; class k lies along {@link CLASS_ANGLE_DEG}[k] in the camera's ground frame. */
const ANSWERS = ['to the left', 'to the right', 'towards the camera', 'away from the camera'] as const;

/** Direction of each class in the camera's ground frame, degrees: 0 = its right, 90 = ahead (away from it). */
const CLASS_ANGLE_DEG = [180, 0, -90, 90] as const;

/** How far the object moves over the ground, metres. */
export const OBJECT_MOVE_STEP_M: readonly [number, number] = [0.18, 0.4];

/** Largest angle between the move and its class's direction, degrees (so the margin is at least 15°). */
export const OBJECT_MOVE_SPREAD_DEG = 30;

/** Smallest angle between the move and a diagonal between two answers, degrees. */
export const OBJECT_MOVE_MIN_MARGIN_DEG = 10;

/** Smallest gap between the moved object's footprint and any other's, metres. */
const FOOTPRINT_GAP_M = 0.04;

/** Every part of a moved object stays within this radius of the scene centre (the cameras stand beyond 1.15 m). */
const MAX_RADIUS_M = 1.0;

/** Tries at a free spot before the scene is left unmoved (and the sample re-drawn). */
const TRIES = 32;

/** Image margin the moved object's centre keeps in both views, as a share of the width. */
const FRAME_MARGIN = 0.1;

const DEG = Math.PI / 180;

/**
 * The camera's viewing direction on the ground plane and its right there (that direction turned
 * 90° clockwise seen from above: facing −Z, the right is +X), unit (x, z) vectors.
 */
function groundAxes(camera: Pick<CameraPose, 'R'>): { right: [number, number]; ahead: [number, number] } {
  const fn = Math.hypot(camera.R[2][0], camera.R[2][2]);
  const ahead: [number, number] = [camera.R[2][0] / fn, camera.R[2][2] / fn];
  return { right: [-ahead[1], ahead[0]], ahead };
}

/** A move from `from` to `to` seen from `camera`: its components along the camera's ground right and ahead, metres, and its angle (0 right, 90 away), degrees. */
export function moveInCameraFrame(camera: Pick<CameraPose, 'R'>, from: readonly number[], to: readonly number[]): { rightM: number; aheadM: number; angleDeg: number } {
  const { right, ahead } = groundAxes(camera);
  const d = [to[0] - from[0], to[2] - from[2]];
  const rightM = d[0] * right[0] + d[1] * right[1];
  const aheadM = d[0] * ahead[0] + d[1] * ahead[1];
  return { rightM, aheadM, angleDeg: Math.atan2(aheadM, rightM) / DEG };
}

/** The answer class of a move's angle (the nearest of the four directions), and its margin from the nearest diagonal, degrees. */
export function classOfMove(angleDeg: number): { cls: number; marginDeg: number } {
  let cls = 0;
  let best = Infinity;
  CLASS_ANGLE_DEG.forEach((a, k) => {
    const off = Math.abs(((((angleDeg - a) % 360) + 540) % 360) - 180);
    if (off < best) [best, cls] = [off, k];
  });
  return { cls, marginDeg: 45 - best };
}

function inFrame(camera: CameraPose, p: Vec3): boolean {
  const q = projectPoint(camera, p);
  const m = FRAME_MARGIN * camera.K.width;
  return q.depthM > 0 && q.u >= m && q.u <= camera.K.width - m && q.v >= m && q.v <= camera.K.height - m;
}

/**
 * Moves one object of `scene` in class `cls`'s direction seen from `camera` (both views share it):
 * up to {@link TRIES} draws of object, direction and step; the first free spot wins. Returns the
 * scene unchanged when none is found (the family then re-draws the sample: 'no-move').
 */
export function moveOneObject(scene: ProceduralObjectSpec, camera: CameraPose, rng: Rng, cls: number): ProceduralObjectSpec {
  if (scene.scene === undefined) return scene;
  const objects = scene.scene.objects;
  const { right, ahead } = groundAxes(camera);
  const footprint = (i: number) => Math.hypot(objects[i].halfExtents[0], objects[i].halfExtents[2]);
  for (let t = 0; t < TRIES; t++) {
    const i = rng.int(0, objects.length - 1);
    const angle = (CLASS_ANGLE_DEG[cls % 4] + rng.range(-OBJECT_MOVE_SPREAD_DEG, OBJECT_MOVE_SPREAD_DEG)) * DEG;
    const step = rng.range(OBJECT_MOVE_STEP_M[0], OBJECT_MOVE_STEP_M[1]);
    const o = objects[i];
    const dx = step * (Math.cos(angle) * right[0] + Math.sin(angle) * ahead[0]);
    const dz = step * (Math.cos(angle) * right[1] + Math.sin(angle) * ahead[1]);
    const to: Vec3 = [o.position[0] + dx, o.position[1], o.position[2] + dz];
    if (!inFrame(camera, o.position) || !inFrame(camera, to)) continue;
    const clear = objects.every((p, j) => j === i || Math.hypot(to[0] - p.position[0], to[2] - p.position[2]) >= footprint(i) + footprint(j) + FOOTPRINT_GAP_M);
    if (!clear) continue;
    const moved: ProceduralObjectSpec = { ...scene, scene: { objects: objects.map((p, j) => (j === i ? { ...p, positionB: to, yawDegB: p.yawDeg } : p)) } };
    const parts = partsAtView(moved, 1);
    let inside = true;
    for (let k = o.parts[0]; k < o.parts[1] && inside; k++) inside = Math.hypot(...parts[k].position) + Math.hypot(...partHalfExtents(parts[k])) <= MAX_RADIUS_M;
    if (inside) return moved;
  }
  return scene;
}

/**
 * One scene view from outside (as the static scene families' view A) for both images, and one
 * object moved in the class's direction ({@link moveOneObject}).
 */
export const OBJECT_MOVE_MOTION: FamilyMotion = Object.freeze({
  classes: ANSWERS.length,
  draw(m: MotionDraw): DrawnMotion {
    const lo = Math.max(m.elevationDeg[0], SCENE_ELEVATION_DEG[0]);
    const hi = Math.min(m.elevationDeg[1], SCENE_ELEVATION_DEG[1]);
    const el = m.rng.range(lo, hi);
    const r = m.rng.range(SCENE_RADIUS_M[0], SCENE_RADIUS_M[1]);
    const pan = m.rng.range(-SCENE_PAN_DEG, SCENE_PAN_DEG);
    return { deltaAzimuthDeg: 0, elevationDeg: [el, el], radiusM: [r, r], panDeg: [pan, pan], sameRoll: true };
  },
  moveObjects: moveOneObject,
});

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'One object was moved between the two images. Seen from the camera, which way did the {x} move?' },
  { id: 't2', text: 'Both images come from the same camera, and the {x} was moved in between. In which direction did it move, as seen from the camera?' },
  { id: 't3', text: 'Compare the two images: the {x} is not where it was. Seen from the camera, where did it go?' },
];
export { TEMPLATES as OBJECT_MOVE_TEMPLATES };

/** The moved object of a sample (null when nothing moved). */
function movedObject(truth: GroundTruth) {
  return listSceneObjects(truth).find((o) => o.spec.positionB !== undefined) ?? null;
}

function appliesWith(truth: GroundTruth): Applicability {
  const x = movedObject(truth);
  if (x === null) return { ok: false, reason: 'no-move' };
  if (!x.views.every((v) => v.state === 'seen')) return { ok: false, reason: 'moved-object-not-seen' };
  const { angleDeg } = moveInCameraFrame(truth.views[0].camera, x.spec.position, objectPositionAt(x.spec, 1));
  if (classOfMove(angleDeg).marginDeg < OBJECT_MOVE_MIN_MARGIN_DEG) return { ok: false, reason: 'near-diagonal' };
  return { ok: true };
}

/** "about 0.32 m to the right and 0.10 m away from the camera". */
function describeComponents(rightM: number, aheadM: number): string {
  const side = `${Math.abs(rightM).toFixed(2)} m to the ${rightM > 0 ? 'right' : 'left'}`;
  const depth = `${Math.abs(aheadM).toFixed(2)} m ${aheadM > 0 ? 'away from' : 'towards'} the camera`;
  return Math.abs(rightM) >= Math.abs(aheadM) ? `about ${side} and ${depth}` : `about ${depth} and ${side}`;
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number): BuiltQuestion {
  const verdict = appliesWith(truth);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const x = movedObject(truth)!;
  const camera = truth.views[0].camera;
  const from = x.spec.position;
  const to = objectPositionAt(x.spec, 1);
  const move = moveInCameraFrame(camera, from, to);
  const { cls, marginDeg } = classOfMove(move.angleDeg);
  const answer = ANSWERS[cls];
  const arranged = arrangeOptions(FAMILY, answer, ANSWERS.filter((a) => a !== answer), answerSlot, rng);
  const label = x.label;
  const where = (p: Vec3) => `${describeBearing(bearingDeg(camera, p))}, ${distance3(camera.centre, p).toFixed(2)} m from the camera`;
  const reasoning = [
    'Both images were taken from the same place, and every other object stands where it stood.',
    `${label[0].toUpperCase()}${label.slice(1)} is seen in both images: in the first its centre lies ${where(from)}; in the second ${where(to)}.`,
    `So it moved about ${distance3(from, to).toFixed(2)} m: ${describeComponents(move.rightM, move.aheadM)}.`,
    `So it moved ${answer}.`,
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { x: x.spec.name }),
    ...arranged,
    reasoning,
    difficulty: { margin: marginDeg, marginUnit: 'deg', bin: answer, value: move.angleDeg },
    namedObjects: [x.spec.id],
    questionView: 0,
  };
}

/** Makes the `object-move` family. */
export function createObjectMoveFamily(): QuestionFamily {
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'rl',
    optionCount: ANSWERS.length,
    motion: OBJECT_MOVE_MOTION,
    scene: true,
    applies: (truth: GroundTruth) => appliesWith(truth),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot),
  });
}

/** The `object-move` family. */
export const objectMoveFamily: QuestionFamily = createObjectMoveFamily();
