/**
 * `planSample(config, index, attempt)`: the pure, seeded description of one sample — which
 * object, how it is posed and lit, where the two cameras are, which family is asked. The only
 * place where randomness is drawn; nothing here depends on time, workers or the renderer.
 */
import { createHash } from 'node:crypto';
import { CUBE_CHAIN, generateCubeChain } from '../../assets/procedural/cube-chain.js';
import { GADGET, generateGadget } from '../../assets/procedural/gadget.js';
import { intrinsicsFromFov, orbitCamera } from '../geometry/orbit-camera.js';
import { sampleRng, type Rng } from '../rng.js';
import type { LibraryObjects, LibraryObjectSpec, ObjectSpec, ViewSpec } from '../types.js';
import { getFamily } from '../questions/index.js';
import { drawCameraMotion, CAMERA_DEFAULTS, type CameraRanges } from './camera-motion.js';
import { drawLook, LOOK_DEFAULTS, type LookConfig } from './draw-look.js';
import { drawScene, SCENE } from './plan-scene.js';
import { withFinishes } from '../../assets/procedural/part-finish.js';
import { answerClassOfDraw, type FamilySchedule } from './family-schedule.js';
import type { SamplePlan } from '../sample-plan.js';

/** Objects per scene when the config names none. */
const SCENE_OBJECTS_DEFAULT: readonly [number, number] = [3, 5];

/** Lowest camera elevation of a viewpoint family asked of a scene, degrees: above the ground the objects stand on. */
export const SCENE_MIN_ELEVATION_DEG = 5;

/** Procedural generators of the embedded default, with their share of samples. */
export const PROCEDURAL_GENERATORS: readonly { name: string; weight: number; generate: (rng: Rng, name: string) => ObjectSpec }[] = [
  { name: GADGET, weight: 0.7, generate: generateGadget },
  { name: CUBE_CHAIN, weight: 0.3, generate: generateCubeChain },
];

export interface PlanConfig {
  /** Run seed, an unsigned 32-bit integer. */
  seed: number;
  /** Image width and height, pixels. */
  width: number;
  height: number;
  schedule: FamilySchedule;
  camera?: CameraRanges;
  /**
   * Asset library objects (`--assets`), in the library's index order (sorted by content hash).
   * When given, every sample shows one of them, drawn uniformly by the sample's seeded stream;
   * the procedural generators are not used.
   */
  library?: LibraryObjects;
  /** The split (`--split`) when not train: recorded on every plan; `seed` is then already the split's stream seed. */
  split?: 'val' | 'test';
  /** Background, environment map and ground plane settings (pipeline/plan/draw-look.ts). @default LOOK_DEFAULTS */
  look?: LookConfig;
  /** Objects per scene, [min, max], for the scene families' samples (pipeline/plan/plan-scene.ts). @default [3, 5] */
  sceneObjects?: readonly [number, number];
  /** 'multi': the families that can also ask scenes (`onScenes`) ask scenes. @default 'single' */
  sceneMode?: 'single' | 'multi' | 'mixed';
  /** 'varied': procedural parts get seeded finishes (assets/procedural/part-finish.ts). @default 'plain' */
  materials?: 'plain' | 'varied';
  /** Share of the samples of one-image families written as single-image records. @default 0 */
  singleViewShare?: number;
}

/** Sample id for a seed and global index: `vf-<seed, 8 hex>-<index, 8 digits>`. */
export function sampleId(seed: number, index: number): string {
  return `vf-${(seed >>> 0).toString(16).padStart(8, '0')}-${String(index).padStart(8, '0')}`;
}

/** sha256 of a value's JSON (key order as built, which is fixed by the generators). */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The procedural object of a plan: its first draws from the sample's 'plan' stream. */
export function drawProceduralObject(rng: Rng, id: string): ObjectSpec {
  const u = rng.next();
  let acc = 0;
  for (const g of PROCEDURAL_GENERATORS) {
    acc += g.weight;
    if (u < acc) return g.generate(rng, `${g.name}-${id.slice(-8)}`);
  }
  const last = PROCEDURAL_GENERATORS[PROCEDURAL_GENERATORS.length - 1];
  return last.generate(rng, `${last.name}-${id.slice(-8)}`);
}

/** One library object, uniformly: a pure function of the stream, so of (seed, index, attempt). */
function drawLibraryObject(rng: Rng, library: LibraryObjects): LibraryObjectSpec {
  if (library.length === 0) throw new Error('plan: the asset library has no usable asset');
  return library.at(rng.int(0, library.length - 1))!;
}

/**
 * Plans sample `index`. `attempt` > 0 re-draws everything but the family (a re-draw after an
 * ambiguous or badly framed sample), so family and answer-letter balance do not depend on how
 * many re-draws happened.
 */
export function planSample(config: PlanConfig, index: number, attempt = 0): SamplePlan {
  const { family, familyIndex } = config.schedule.familyAt(index);
  const id = sampleId(config.seed, index);
  const rng = sampleRng(config.seed, 'plan', index, attempt);
  const familySpec = getFamily(family);
  // --- Object: a scene of several objects for a scene family, and with --scene multi for a family that can also ask scenes
  // (its objects yawed inside it, so the scene itself is not), else one object
  const isScene = familySpec.scene || (familySpec.onScenes && config.sceneMode === 'multi');
  let drawn: ObjectSpec = isScene
    ? drawScene(rng, `${SCENE}-${id.slice(-8)}`, config.sceneObjects ?? SCENE_OBJECTS_DEFAULT, config.library)
    : config.library === undefined
      ? drawProceduralObject(rng, id)
      : drawLibraryObject(rng, config.library);
  const yaw = isScene ? 0 : rng.range(0, 360);
  // --- Cameras (a viewpoint family's cameras above a scene's ground: at least SCENE_MIN_ELEVATION_DEG up)
  const runRanges = config.camera ?? CAMERA_DEFAULTS;
  const ranges = isScene && !familySpec.scene ? { ...runRanges, elevationDeg: [Math.max(runRanges.elevationDeg[0], SCENE_MIN_ELEVATION_DEG), runRanges.elevationDeg[1]] as [number, number] } : runRanges;
  const fovYDeg = rng.range(ranges.fovYDeg[0], ranges.fovYDeg[1]);
  const intrinsics = intrinsicsFromFov(fovYDeg, config.width, config.height);
  const { motion } = familySpec;
  const motionClass = answerClassOfDraw(config.seed, family, familyIndex, motion.classes ?? 1, index, attempt);
  const { orbits, objectTurnDeg } = drawCameraMotion({ motion }, fovYDeg, rng, ranges, motionClass);
  // --- One image (its own stream, one decision per sample across re-draws): view B takes view A's camera
  const singleView = familySpec.oneImage !== undefined && (config.singleViewShare ?? 0) > 0 && sampleRng(config.seed, 'single-view', index, 0).chance(config.singleViewShare ?? 0);
  if (singleView) orbits[1] = { ...orbits[0] };
  // --- Objects that move between the views (object-move), seen from camera A
  if (motion.moveObjects !== undefined && drawn.kind === 'procedural') drawn = motion.moveObjects(drawn, orbitCamera(orbits[0], intrinsics), rng, motionClass);
  // --- Surface finishes (--materials varied), from their own stream so the plain look's draws stay as they were
  if (config.materials === 'varied' && drawn.kind === 'procedural') drawn = withFinishes(drawn, sampleRng(config.seed, 'materials', index, attempt));
  const object = drawn;
  // --- Look
  const drawnLook = drawLook(rng, sampleRng(config.seed, 'look', index, attempt), config.look ?? LOOK_DEFAULTS, object, orbits);
  const lighting = config.materials === 'varied' ? { ...drawnLook, materials: 'varied' as const } : drawnLook;
  const views = orbits.map((o): ViewSpec => {
    const cam = orbitCamera(o, intrinsics);
    return { c2wGl: cam.c2wGl, fovYDeg, near: 0.05, far: 100 };
  }) as [ViewSpec, ViewSpec];
  return {
    id,
    index,
    seed: config.seed,
    ...(config.split !== undefined ? { split: config.split } : {}),
    attempt,
    family,
    familyIndex,
    asset:
      object.kind === 'library'
        ? { source: 'library', name: object.name, contentHash: object.contentHash, symmetry: object.symmetry }
        : { source: 'procedural', name: object.name, contentHash: contentHash(object), symmetry: object.symmetry },
    orbits,
    intrinsics,
    job: { id, width: config.width, height: config.height, object, objectYawDeg: [yaw, singleView ? yaw : yaw + objectTurnDeg], lighting, views },
    ...(singleView ? { singleView: true as const } : {}),
  };
}
