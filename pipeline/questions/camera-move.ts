/**
 * Family `camera-move` (RL stage; SAT "ego movement", on scenes, README "Scenes"): how did the
 * camera move between the two images: forward or back, and turning left or right? Four options.
 *
 * The planner's motion ({@link CAMERA_MOVE_MOTION}) keeps the azimuth and elevation, moves the
 * camera 0.2–0.5 m along its viewing axis (towards the scene centre = forward) and turns it
 * 12–35° (pan). The answer is re-derived from the two cameras alone: forward when camera B's
 * centre lies ahead of camera A (positive along A's horizontal viewing direction), and right when
 * B's horizontal viewing direction is turned clockwise seen from above (to A's right).
 *
 * ```text
 * Question: Between the first and the second image, how did the camera move?
 * Options:  A. moved back and turned left   B. moved forward and turned right   C. moved forward and turned left   D. moved back and turned right
 * Answer:   B
 * Reasoning: The red mug is seen in both images: its centre is about 1.71 m from the first camera and
 *   about 1.32 m from the second, so the camera came closer to it. The second camera stands about
 *   0.41 m ahead of the first along its viewing direction, and looks about 23° to the right of where
 *   the first looked. So the camera moved forward and turned right. So the answer is B: moved
 *   forward and turned right.
 * ```
 *
 * Answer classes are the motion's (4, balanced by the planner). Re-draw rules: 'camera-in-object'
 * (the stepped camera stands in or against an object), 'no-shared-object' (no object seen in both
 * images to anchor the reasoning). `difficulty`: margin = the turn (deg; the step is at least
 * 0.2 m by construction), bin = the answer, value = the signed turn.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { SCENE_ELEVATION_DEG, type DrawnMotion, type FamilyMotion, type MotionDraw } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { bearingDeg, distance3, isCameraClear, listSceneObjects } from './scene-facts.js';

const FAMILY = 'camera-move';

/** The four answers, by class: class k moves forward when k < 2, turns right when k is odd. */
const ANSWERS = ['moved forward and turned left', 'moved forward and turned right', 'moved back and turned left', 'moved back and turned right'] as const;

/** Step along the viewing axis, metres, and turn, degrees, drawn by the motion. */
export const CAMERA_MOVE_STEP_M: readonly [number, number] = [0.2, 0.5];
export const CAMERA_MOVE_TURN_DEG: readonly [number, number] = [12, 35];

/**
 * Both views from one azimuth and elevation (15–40° up): view A 1.35–1.9 m from the scene centre
 * looking at it, view B stepped along that axis (forward = closer) and panned by the turn.
 */
export const CAMERA_MOVE_MOTION: FamilyMotion = Object.freeze({
  classes: ANSWERS.length,
  draw(m: MotionDraw, cls: number): DrawnMotion {
    const lo = Math.max(m.elevationDeg[0], SCENE_ELEVATION_DEG[0]);
    const hi = Math.min(m.elevationDeg[1], 40);
    const el = m.rng.range(lo, hi);
    const rA = m.rng.range(1.35, 1.9);
    const step = m.rng.range(CAMERA_MOVE_STEP_M[0], CAMERA_MOVE_STEP_M[1]);
    const turn = m.rng.range(CAMERA_MOVE_TURN_DEG[0], CAMERA_MOVE_TURN_DEG[1]);
    const forward = cls % 4 < 2;
    const right = cls % 2 === 1;
    return { deltaAzimuthDeg: 0, elevationDeg: [el, el], radiusM: [rA, forward ? rA - step : rA + step], panDeg: [0, right ? turn : -turn], sameRoll: true };
  },
});

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'Between the first and the second image, how did the camera move?' },
  { id: 't2', text: 'The two images were taken by one camera that moved in between. Which describes its motion?' },
  { id: 't3', text: 'From the first view to the second, did the camera step forward or back, and did it turn left or right?' },
];
export { TEMPLATES as CAMERA_MOVE_TEMPLATES };

/** The motion between the cameras, from their poses: step along A's horizontal viewing direction (m), and B's heading relative to A's (deg, + right). */
export function cameraMoveFacts(truth: GroundTruth): { stepM: number; turnDeg: number } {
  const [a, b] = [truth.views[0].camera, truth.views[1].camera];
  const fn = Math.hypot(a.R[2][0], a.R[2][2]);
  const stepM = ((b.centre[0] - a.centre[0]) * a.R[2][0] + (b.centre[2] - a.centre[2]) * a.R[2][2]) / fn;
  // B's heading: the bearing from A of a point far along B's horizontal viewing direction.
  const gn = Math.hypot(b.R[2][0], b.R[2][2]);
  const far = [a.centre[0] + (1000 * b.R[2][0]) / gn, a.centre[1], a.centre[2] + (1000 * b.R[2][2]) / gn];
  return { stepM, turnDeg: bearingDeg(a, far) };
}

function appliesWith(truth: GroundTruth): Applicability {
  const objects = listSceneObjects(truth);
  if (!isCameraClear(truth.views[1].camera.centre, objects)) return { ok: false, reason: 'camera-in-object' };
  const shared = objects.filter((o) => o.views.every((v) => v.state === 'seen'));
  if (shared.length === 0) return { ok: false, reason: 'no-shared-object' };
  return { ok: true };
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number): BuiltQuestion {
  const verdict = appliesWith(truth);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(TEMPLATES);
  const style = drawReasoningStyle(rng);
  const { stepM, turnDeg } = cameraMoveFacts(truth);
  const cls = (stepM > 0 ? 0 : 2) + (turnDeg > 0 ? 1 : 0);
  const answer = ANSWERS[cls];
  const arranged = arrangeOptions(FAMILY, answer, ANSWERS.filter((a) => a !== answer), answerSlot, rng);
  const anchor = rng.pick(listSceneObjects(truth).filter((o) => o.views.every((v) => v.state === 'seen')));
  const [da, db] = truth.views.map((v) => distance3(v.camera.centre, anchor.spec.position));
  const label = anchor.label;
  const reasoning = [
    `${label[0].toUpperCase()}${label.slice(1)} is seen in both images: its centre is about ${da.toFixed(2)} m from the first camera and about ${db.toFixed(2)} m from the second, so the camera ${db < da ? 'came closer to' : 'moved away from'} it.`,
    `The second camera stands about ${Math.abs(stepM).toFixed(2)} m ${stepM > 0 ? 'ahead of' : 'behind'} the first along its viewing direction, and looks about ${Math.round(Math.abs(turnDeg))}° to the ${turnDeg > 0 ? 'right' : 'left'} of where the first looked.`,
    `So the camera ${answer}.`,
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, {}),
    ...arranged,
    reasoning,
    difficulty: { margin: Math.abs(turnDeg), marginUnit: 'deg', bin: answer.replace('moved ', '').replace(' and turned ', ', '), value: turnDeg },
    namedObjects: [],
    questionView: null,
  };
}

/** Makes the `camera-move` family. */
export function createCameraMoveFamily(): QuestionFamily {
  return defineFamily({
    mirror: 'swap',
    name: FAMILY,
    stage: 'rl',
    optionCount: ANSWERS.length,
    motion: CAMERA_MOVE_MOTION,
    scene: true,
    applies: (truth: GroundTruth) => appliesWith(truth),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot),
  });
}

/** The `camera-move` family. */
export const cameraMoveFamily: QuestionFamily = createCameraMoveFamily();
