/**
 * Estimates an object's rotational symmetry about the up axis from renders: the object is drawn
 * at yaw 0 and turned by 90°, 180° and two odd angles, from two fixed elevated cameras, under
 * fixed neutral lighting on a flat magenta background; each turned render is compared with the
 * yaw-0 render of the same camera (compare-views.ts). Turns that leave every view unchanged are
 * the object's symmetries.
 *
 * Used once per library model, on its first draw (assets/library/library-symmetry.ts); procedural
 * objects are built asymmetric and need no estimate. Deterministic: fixed jobs, a deterministic
 * renderer.
 */
import { intrinsicsFromFov, orbitCamera } from '../../pipeline/geometry/orbit-camera.js';
import { minRadiusForFov } from '../../pipeline/plan/camera-motion.js';
import type { LightingSpec, ObjectSpec, OrbitParams, RawImage, RenderJob, ViewSpec } from '../../pipeline/types.js';
import type { Renderer } from '../../renderers/renderer.js';
import { classifySymmetry, compareViews, isSameView, SAME_VIEW_DEFAULTS, worstDifference, type RgbaImage, type SameViewThresholds, type SymmetryClass, type ViewDifference } from './compare-views.js';

/** Options of {@link estimateSymmetry}. */
export interface SymmetryOptions {
  /** Render size (square), pixels. @default 112 */
  sizePx: number;
  /** Odd turns (no multiple of 90°) that a 'continuous' object must also survive, degrees. @default [37, 143] */
  oddAnglesDeg: readonly number[];
  /** When two renders count as the same. @default SAME_VIEW_DEFAULTS */
  thresholds: SameViewThresholds;
}

export const SYMMETRY_DEFAULTS: SymmetryOptions = { sizePx: 112, oddAnglesDeg: [37, 143], thresholds: SAME_VIEW_DEFAULTS };

/** What {@link estimateSymmetry} found. */
export interface SymmetryEstimate {
  symmetry: SymmetryClass;
  /** Per turn (degrees): the worst difference over the cameras between the turned and the yaw-0 render. */
  scores: Record<string, ViewDifference>;
}

/** Background of the estimate renders: magenta, a colour neither the part palette nor usual assets use. */
const BACKGROUND_HEX = '#ff00ff';
const BACKGROUND_RGB: [number, number, number] = [255, 0, 255];
const FOV_DEG = 40;

/** Neutral light from high above, so no turn changes how a symmetric object is lit. */
const NEUTRAL_LIGHTING: LightingSpec = {
  background: BACKGROUND_HEX,
  ambientIntensity: 0.8,
  keyAzimuthDeg: 30,
  keyElevationDeg: 60,
  keyIntensity: 2.2,
};

/** Two fixed cameras: one low, one high, on opposite sides. */
const CAMERAS: readonly OrbitParams[] = [
  { azimuthDeg: 20, elevationDeg: 20, radiusM: 1.1 * minRadiusForFov(FOV_DEG), rollDeg: 0, panDeg: 0 },
  { azimuthDeg: 200, elevationDeg: 50, radiusM: 1.1 * minRadiusForFov(FOV_DEG), rollDeg: 0, panDeg: 0 },
];

/** The job that renders `object` turned by `yawDeg` from both cameras. */
export function symmetryJob(object: ObjectSpec, yawDeg: number, sizePx: number): RenderJob {
  const K = intrinsicsFromFov(FOV_DEG, sizePx, sizePx);
  const views = CAMERAS.map((o): ViewSpec => ({ c2wGl: orbitCamera(o, K).c2wGl, fovYDeg: FOV_DEG, near: 0.05, far: 100 })) as [ViewSpec, ViewSpec];
  return {
    id: `symmetry-${object.name}-${yawDeg}`,
    width: sizePx,
    height: sizePx,
    object,
    objectYawDeg: [yawDeg, yawDeg],
    lighting: NEUTRAL_LIGHTING,
    views,
  };
}

/** The RGBA pixels of a view rendered without `encode` (the renderer returns RGBA then). */
function rgbaOf(image: RawImage): RgbaImage {
  if (image.rgba === undefined) throw new Error('estimateSymmetry: the renderer returned an encoded image; the estimate needs RGBA');
  return { width: image.width, height: image.height, rgba: image.rgba };
}

/**
 * Renders `object` at yaw 0 and turned by 180°, then (only while the turns so far leave it
 * unchanged) by 90°, then by each odd angle, and labels its symmetry about the up axis ('none',
 * 'c2', 'c4', 'continuous'). The label is the one {@link classifySymmetry} gives with every turn
 * rendered: a turn it would not look at is not rendered (an object that changes under 180° is
 * 'none' whatever 90° shows; one that changes under 90° is 'c2'). An asymmetric model costs 2
 * jobs, a c2 one 3, instead of 5. `scores` holds the comparisons that were made.
 */
export async function estimateSymmetry(renderer: Renderer, object: ObjectSpec, options: Partial<SymmetryOptions> = {}): Promise<SymmetryEstimate> {
  const o = { ...SYMMETRY_DEFAULTS, ...options };
  const render = (yaw: number): Promise<[RawImage, RawImage]> => renderer.render(symmetryJob(object, yaw, o.sizePx), { idPass: [false, false] });
  const byAngle = new Map<number, ViewDifference>();
  const scores: Record<string, ViewDifference> = {};
  const [base, half] = await Promise.all([render(0), render(180)]);
  const compare = (angle: number, turned: [RawImage, RawImage]) => {
    const d = worstDifference([0, 1].map((v) => compareViews(rgbaOf(base[v]), rgbaOf(turned[v]), BACKGROUND_RGB)));
    byAngle.set(angle, d);
    scores[String(angle)] = d;
    return isSameView(d, o.thresholds);
  };
  // Each stage renders only what classifySymmetry reads once the earlier turns left the object unchanged.
  if (compare(180, half) && compare(90, await render(90))) {
    const odd = await Promise.all(o.oddAnglesDeg.map(render));
    o.oddAnglesDeg.forEach((angle, i) => compare(angle, odd[i]));
  }
  return { symmetry: classifySymmetry(byAngle, o.oddAnglesDeg, o.thresholds), scores };
}
