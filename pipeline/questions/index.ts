/**
 * The question-family registry (docs/supervision.md). Families are listed one by one in a fixed order; the
 * order is part of the output contract (CLI help, config validation, stats keys), so new
 * families are appended, never inserted.
 */
import { distanceFamily } from './distance.js';
import { egoTurnFamily } from './ego-turn.js';
import { elevationFamily } from './elevation.js';
import { objectRotationFamily } from './object-rotation.js';
import { orbitDirectionFamily } from './orbit-direction.js';
import { orbitFamily } from './orbit.js';
import { perspectiveFamily } from './perspective.js';
import type { QuestionFamily, Stage } from './question-family.js';
import { relativeDepthFamily } from './relative-depth.js';
import { objectDepthFamily } from './object-depth.js';
import { objectDistanceFamily } from './object-distance.js';
import { goalAimFamily } from './goal-aim.js';
import { perspectiveTakingFamily } from './perspective-taking.js';
import { objectCountFamily } from './object-count.js';
import { objectLeftRightFamily } from './object-left-right.js';
import { actionConsequenceFamily } from './action-consequence.js';
import { cameraMoveFamily } from './camera-move.js';
import { objectMoveFamily } from './object-move.js';

const NAME = 'questions';

/** The Viewpoint-100K-style families of the SFT stage, in registry order. */
export const VIEWPOINT_FAMILIES: readonly QuestionFamily[] = Object.freeze([orbitFamily, orbitDirectionFamily, elevationFamily, distanceFamily]);

/** The SAT-style families of the RL stage, in registry order. */
export const SAT_FAMILIES: readonly QuestionFamily[] = Object.freeze([egoTurnFamily, objectRotationFamily, perspectiveFamily, relativeDepthFamily]);

/** The families of scenes of several objects (README, "Scenes"), in registry order. */
export const SCENE_FAMILIES: readonly QuestionFamily[] = Object.freeze([objectDepthFamily, objectDistanceFamily, goalAimFamily, perspectiveTakingFamily, objectCountFamily, objectLeftRightFamily, actionConsequenceFamily, cameraMoveFamily, objectMoveFamily]);

/** Every registered family, in a fixed order. */
export const FAMILIES: readonly QuestionFamily[] = Object.freeze([...VIEWPOINT_FAMILIES, ...SAT_FAMILIES, ...SCENE_FAMILIES]);

/**
 * Families a library model may be asked (docs/assets.md): those that name no coloured part
 * (`namesParts` false; a library model has none), in registry order. They ask about the camera
 * or object motion only, and their reasoning speaks of "the whole object".
 */
export const LIBRARY_FAMILIES: readonly string[] = Object.freeze(FAMILIES.filter((f) => !f.namesParts && !f.scene).map((f) => f.name));

/** Families of single objects (the default `--scene single`), in registry order. */
export const SINGLE_OBJECT_FAMILIES: readonly string[] = Object.freeze(FAMILIES.filter((f) => !f.scene).map((f) => f.name));

/** Families of scenes (`--scene multi`), in registry order. */
export const SCENE_FAMILY_NAMES: readonly string[] = Object.freeze(SCENE_FAMILIES.map((f) => f.name));

/** Names of every registered family, in registry order. */
export function listFamilyNames(): string[] {
  return FAMILIES.map((f) => f.name);
}

/**
 * The registered family called `name`.
 * @throws Error naming the unknown family and listing the known ones.
 */
export function getFamily(name: string): QuestionFamily {
  const family = FAMILIES.find((f) => f.name === name);
  if (family === undefined) throw new Error(`${NAME}: unknown question family "${name}"; known families: ${listFamilyNames().join(', ')}`);
  return family;
}

/** Names of the registered families of `stage`, in registry order. */
export function listFamilyNamesOfStage(stage: Stage): string[] {
  return FAMILIES.filter((f) => f.stage === stage).map((f) => f.name);
}

export { defineFamily, type Applicability, type BuiltQuestion, type Difficulty, type FamilyDefinition, type NamedPart, type QuestionFamily, type Stage } from './question-family.js';
export { ORBIT_DEFAULTS, createOrbitFamily, orbitFamily, type OrbitOptions } from './orbit.js';
export { ORBIT_DIRECTION_DEFAULTS, createOrbitDirectionFamily, orbitDirectionFamily, type OrbitDirectionOptions } from './orbit-direction.js';
export { ELEVATION_DEFAULTS, createElevationFamily, elevationFamily, type ElevationOptions } from './elevation.js';
export { DISTANCE_DEFAULTS, createDistanceFamily, distanceFamily, type DistanceOptions } from './distance.js';
export { EGO_TURN_DEFAULTS, createEgoTurnFamily, egoTurnFamily, type EgoTurnOptions } from './ego-turn.js';
export { OBJECT_ROTATION_DEFAULTS, createObjectRotationFamily, objectRotationFamily, type ObjectRotationOptions } from './object-rotation.js';
export { PERSPECTIVE_DEFAULTS, createPerspectiveFamily, perspectiveFamily, type PerspectiveOptions } from './perspective.js';
export { RELATIVE_DEPTH_DEFAULTS, createRelativeDepthFamily, relativeDepthFamily, type RelativeDepthOptions } from './relative-depth.js';
export { OBJECT_DEPTH_DEFAULTS, createObjectDepthFamily, objectDepthFamily, type ObjectDepthOptions } from './object-depth.js';
export { OBJECT_DISTANCE_DEFAULTS, createObjectDistanceFamily, objectDistanceFamily, type ObjectDistanceOptions } from './object-distance.js';
export { GOAL_AIM_DEFAULTS, GOAL_AIM_BIN_EDGES_DEG, createGoalAimFamily, goalAimFamily, type GoalAimOptions } from './goal-aim.js';
export { PERSPECTIVE_TAKING_DEFAULTS, createPerspectiveTakingFamily, perspectiveTakingFamily, type PerspectiveTakingOptions } from './perspective-taking.js';
export { createObjectCountFamily, objectCountFamily } from './object-count.js';
export { CAMERA_MOVE_MOTION, cameraMoveFacts, createCameraMoveFamily, cameraMoveFamily } from './camera-move.js';
export { OBJECT_MOVE_MOTION, classOfMove, createObjectMoveFamily, moveInCameraFrame, objectMoveFamily } from './object-move.js';
export { ACTION_CONSEQUENCE_DEFAULTS, createActionConsequenceFamily, actionConsequenceFamily, type ActionConsequenceOptions } from './action-consequence.js';
export { OBJECT_LEFT_RIGHT_DEFAULTS, createObjectLeftRightFamily, objectLeftRightFamily, type ObjectLeftRightOptions } from './object-left-right.js';
