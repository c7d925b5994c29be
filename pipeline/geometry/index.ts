/**
 * Geometry stage: cameras, relative poses, projection and per-view facts, all from plain data.
 * Conventions (README, Conventions): world right-handed, +Y up, metres; extrinsics in OpenCV axes
 * (x right, y down, z forward, `x_cam = R X + t`); `c2wGl` in OpenGL axes (x right, y up,
 * z backward); angles in degrees; matrices row-major.
 */
export { intrinsicsFromFov, orbitCamera, orbitCentre } from './orbit-camera.js';
export {
  angleAxisFromMatrix,
  applyMat3,
  determinantMat3,
  identityMat3,
  matrixFromAxisAngle,
  matrixFromQuaternion,
  matrixFromYawPitchRoll,
  multiplyMat3,
  quaternionFromMatrix,
  rotationX,
  rotationY,
  rotationZ,
  transposeMat3,
  yawPitchRollFromMatrix,
  type Quaternion,
  type YawPitchRoll,
} from './rotation.js';
export { wrapDeg } from './wrap-angle.js';
export { relativePose } from './relative-pose.js';
export { projectPoint, worldToCamera, type ProjectedPoint } from './project-point.js';
export {
  VIEW_FACTS_DEFAULTS,
  buildVisibilityModel,
  computeViewFacts,
  viewFactsFromModel,
  type PartSamples,
  type TriangleBvh,
  type ViewFactsOptions,
  type VisibilityModel,
} from './view-facts.js';
export { computeGroundTruth } from './ground-truth.js';
