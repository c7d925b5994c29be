/**
 * Ground truth of one sample, from its plan only (never from pixels): both cameras, per-view
 * facts about the object's parts, the relative pose and the orbit/object-pose deltas that the
 * question families read.
 */
import type { SamplePlan } from '../sample-plan.js';
import type { CameraPose, GroundTruth } from '../types.js';
import { hasMovedObjects, partsAtView } from '../../assets/procedural/scene-at-view.js';
import { orbitCamera } from './orbit-camera.js';
import { relativePose } from './relative-pose.js';
import { buildVisibilityModel, viewFactsFromModel, type ViewFactsOptions } from './view-facts.js';
import { wrapDeg } from './wrap-angle.js';

const NAME = 'computeGroundTruth';
/** Largest tolerated difference between `plan.job.views[i].c2wGl` and the orbit camera's. */
const C2W_TOLERANCE = 1e-9;

/**
 * Computes the {@link GroundTruth} of a sample.
 *
 * - Cameras: `orbitCamera(plan.orbits[i], plan.intrinsics)` (OpenCV R, t; OpenGL c2w).
 * - Views: {@link viewFactsFromModel} with the object at `plan.job.objectYawDeg[i]`; the meshes
 *   and BVH are built once and shared by both views, unless an object of a scene moved between
 *   them (assets/procedural/scene-at-view.ts), when view B gets its own.
 * - `relative`: {@link relativePose} from view A (index 0) to view B (index 1).
 * - `deltaAzimuthDeg = wrapDeg(az_B − az_A)` (positive = camera moved right),
 *   `deltaElevationDeg = el_B − el_A`, `radiusRatio = r_B / r_A`,
 *   `deltaObjectYawDeg = wrapDeg(yaw_B − yaw_A)`; all angles in degrees.
 *
 * @throws Error when `plan.job.views[i].c2wGl` does not match the camera built from
 *   `plan.orbits[i]` (the planner must build both from {@link orbitCamera}); a broken plan.
 */
export function computeGroundTruth(plan: SamplePlan, options: Partial<ViewFactsOptions> = {}): GroundTruth {
  const cameras = [0, 1].map((i) => orbitCamera(plan.orbits[i], plan.intrinsics)) as [CameraPose, CameraPose];
  cameras.forEach((camera, i) => checkJobView(plan, i, camera));
  const object = plan.job.object;
  const model = buildVisibilityModel(object, options);
  // A scene whose object moved between the views (object-move) stands otherwise in view B.
  const modelB = object.kind === 'procedural' && hasMovedObjects(object) ? buildVisibilityModel({ ...object, parts: partsAtView(object, 1) }, options) : model;
  const [a, b] = plan.orbits;
  const [yawA, yawB] = plan.job.objectYawDeg;
  return {
    views: [
      viewFactsFromModel(model, yawA, cameras[0], options),
      viewFactsFromModel(modelB, yawB, cameras[1], options),
    ],
    relative: relativePose(cameras[0], cameras[1]),
    deltaAzimuthDeg: wrapDeg(b.azimuthDeg - a.azimuthDeg),
    deltaElevationDeg: b.elevationDeg - a.elevationDeg,
    radiusRatio: b.radiusM / a.radiusM,
    deltaObjectYawDeg: wrapDeg(yawB - yawA),
    object: plan.job.object,
  };
}

function checkJobView(plan: SamplePlan, i: number, camera: CameraPose): void {
  const job = plan.job.views[i].c2wGl;
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      if (!(Math.abs(job[r][c] - camera.c2wGl[r][c]) <= C2W_TOLERANCE)) {
        throw new Error(
          `${NAME}: plan "${plan.id}" job.views[${i}].c2wGl[${r}][${c}] = ${job[r][c]} but orbitCamera(plan.orbits[${i}]) ` +
            `gives ${camera.c2wGl[r][c]}; build the job's views from orbitCamera in the planner`,
        );
      }
    }
  }
}
