/**
 * Builds the fixed-shape metadata object that every record carries: `meta` in SFT lines,
 * `extra_info` in RL lines (schema: `schemas/meta.schema.json`).
 *
 * One shape for every line of every family (README, Output): the same keys in the same order with the
 * same types; a value that does not apply would be `null`, never a missing key; family-specific
 * numbers live under the fixed `difficulty` keys. Key order (fixed):
 *
 * ```text
 * id, index, split, seed, attempt, family, stage, template_id,
 * question, options, answer, answer_text, reasoning, has_cot,
 * asset { source, name, content_hash, symmetry },
 * object_pose { yaw_deg: [A, B] },
 * look { background, background_bottom, ambient_intensity, key_azimuth_deg, key_elevation_deg, key_intensity,
 *        env_map, env_rotation_deg, env_intensity, env_as_background, ground_y, ground_shadow_opacity, materials,
 *        background_kind, sky_turbidity, sky_rayleigh, sky_mie_coefficient, sky_mie_g, sky_cloud_coverage,
 *        sky_cloud_seed, sky_exposure, sky_ground },
 * views [A, B] { K { fx, fy, cx, cy, width, height, fov_y_deg }, R, t, centre, c2w_gl,
 *                orbit { azimuth_deg, elevation_deg, radius_m, roll_deg, pan_deg } },
 * relative { R_AB, t_AB, angle_deg, axis, quaternion_xyzw, yaw_deg, pitch_deg, roll_deg,
 *            baseline_m, motion_in_a, delta_azimuth_deg, delta_elevation_deg, radius_ratio,
 *            delta_object_yaw_deg },
 * images [A, B] (or [A] for a single-image record: its view B is view A's camera) { path, sha256, width, height, format, bytes },
 * difficulty { margin, margin_unit, bin, value },
 * parts [ { name, color, view_a { visible, visible_fraction, id_pixels, centre_px, depth_m,
 *           horizontal, vertical }, view_b { … } } ]     (object-spec order),
 * question_view, question_parts, scene, question_objects, question_category
 * ```
 *
 * Conventions: `R`, `t` OpenCV (x right, y down, z forward; `x_cam = R·X + t`), `c2w_gl`
 * camera-to-world with OpenGL camera axes, matrices row-major, angles in degrees, lengths in
 * metres. Floats are rounded by {@link roundTo}: {@link LINEAR_DECIMALS} places for matrices,
 * vectors, metres and ratios, {@link ANGLE_DECIMALS} for degrees, {@link PIXEL_DECIMALS} for
 * pixels and fractions.
 *
 * This is the only place where the camelCase pipeline types are mapped to snake_case record
 * keys (CONTRIBUTING.md, Style).
 */
import { optionLetter } from '../questions/arrange-options.js';
import { getFamily } from '../questions/index.js';
import { getScene, listSceneObjects } from '../questions/scene-facts.js';
import type { Difficulty, Stage } from '../questions/question-family.js';
import type { CameraPose, LightingSpec, PartView } from '../types.js';
import type { ImageInfo, SampleRecordInput } from './record-input.js';
import { ANGLE_DECIMALS, LINEAR_DECIMALS, PIXEL_DECIMALS, roundMatrix, roundTo, roundVector } from './round-numbers.js';
import { libraryAssetMeta } from '../../assets/library/library-objects.js';

const NAME = 'buildMeta';

/** Value of `split` in every record (training data only; evaluation sets are built elsewhere). */
export const RECORD_SPLIT = 'train';
export type RecordSplit = 'train' | 'val' | 'test';

/**
 * Strings that must never appear in question, option, reasoning or system text: the image
 * placeholders LLaMA-Factory counts in every message (their count must equal the number of
 * images) and the tags the answer format and the reward parse.
 */
export const RESERVED_TOKENS: readonly string[] = ['<image>', '<video>', '<audio>', '<think>', '</think>', '<answer>', '</answer>'];

/** Pinhole intrinsics as written in records (pixels, degrees). */
export interface RecordIntrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
  fov_y_deg: number;
}

/** Orbit parameters as written in records (degrees, metres). */
export interface RecordOrbit {
  azimuth_deg: number;
  elevation_deg: number;
  radius_m: number;
  roll_deg: number;
  /** Turn in place about the camera's down axis, degrees, positive = turned right (0 = looking at the object centre). */
  pan_deg: number;
}

/** One camera as written in records: OpenCV `R`, `t`, world `centre`, OpenGL `c2w_gl`. */
export interface RecordView {
  K: RecordIntrinsics;
  /** Row-major 3×3 world-to-camera rotation, OpenCV axes. */
  R: number[][];
  /** World-to-camera translation, OpenCV axes, metres. */
  t: number[];
  /** Camera centre in world coordinates, metres. */
  centre: number[];
  /** Row-major 4×4 camera-to-world, OpenGL camera axes (x right, y up, z backward). */
  c2w_gl: number[][];
  orbit: RecordOrbit;
}

/** Relative pose A → B as written in records (README, Conventions). */
export interface RecordRelative {
  R_AB: number[][];
  t_AB: number[];
  angle_deg: number;
  axis: number[];
  quaternion_xyzw: number[];
  yaw_deg: number;
  pitch_deg: number;
  roll_deg: number;
  baseline_m: number;
  motion_in_a: number[];
  delta_azimuth_deg: number;
  delta_elevation_deg: number;
  radius_ratio: number;
  delta_object_yaw_deg: number;
}

/** One image file as written in records; `path` is relative to the output root. */
export interface RecordImage {
  path: string;
  sha256: string;
  width: number;
  height: number;
  format: ImageInfo['format'];
  bytes: number;
  /** The mask pass beside the image (`--passes mask`): 8-bit PNG, 1 + part index; null without it. */
  mask: { path: string; sha256: string } | null;
  /** The depth pass beside the image (`--passes depth`): 16-bit PNG, millimetres; null without it. */
  depth: { path: string; sha256: string } | null;
}

/** What the geometry says about one part in one view. */
export interface RecordPartView {
  /** From the ID pass once the truth is grounded in pixels (pipeline/run/check-visibility.ts). */
  visible: boolean;
  /** The ray cast's share of sample points seen (the geometric prior). */
  visible_fraction: number;
  /** ID-pass pixels of the part in this view; null without an ID pass. */
  id_pixels: number | null;
  /** Projected centre [u, v], pixels. */
  centre_px: number[];
  /** Depth along the OpenCV camera z axis, metres. */
  depth_m: number;
  horizontal: PartView['horizontal'];
  vertical: PartView['vertical'];
}

/** One named part with its facts in both views. */
export interface RecordPart {
  name: string;
  /** Colour word, e.g. "red". */
  color: string;
  view_a: RecordPartView;
  view_b: RecordPartView;
}

/** The metadata object shared by SFT (`meta`) and RL (`extra_info`) records. */
export interface RecordMeta {
  id: string;
  index: number;
  split: RecordSplit;
  seed: number;
  attempt: number;
  family: string;
  /**
   * Training stage of the family (the family's own `stage`): the kind of shard the record is written
   * to by default (`--stages family`); with `--stages both` the sample is in both kinds and this
   * still names its family's stage.
   */
  stage: Stage;
  template_id: string;
  question: string;
  options: string[];
  answer: string;
  answer_text: string;
  reasoning: string;
  /** Whether the SFT assistant message carries `<think>`; null in RL records (an RL prompt has no target). */
  has_cot: boolean | null;
  /** Library objects add `path`, `category`, `normalisation` (original → normalised) and `half_extents` ({@link libraryAssetMeta}). */
  asset: { source: 'procedural' | 'library'; name: string; content_hash: string; symmetry: 'none' | 'c2' | 'c4' | 'continuous' } & Partial<ReturnType<typeof libraryAssetMeta>>;
  object_pose: { yaw_deg: number[] };
  look: RecordLook;
  views: RecordView[];
  relative: RecordRelative;
  images: RecordImage[];
  difficulty: { margin: number; margin_unit: Difficulty['marginUnit']; bin: string; value: number };
  parts: RecordPart[];
  /** The view the question asks about (0 = A, 1 = B), or null when it asks about the motion between them. */
  question_view: 0 | 1 | null;
  /** Indices into `parts` of the parts the question names, in question order. */
  question_parts: number[];
  /** The objects of a scene of several objects (README, "Scenes"); null for a single object. */
  scene: { objects: RecordSceneObject[] } | null;
  /** Ids (`scene.objects[j].id`) of the objects the question names, in question order; null for a single object. */
  question_objects: string[] | null;
  /** The category an `object-count` question counts; null otherwise. */
  question_category: string | null;
}

/** One object of a scene as recorded. */
export interface RecordSceneObject {
  id: string;
  name: string;
  category: string;
  color: string | null;
  /** Centre of its box in the world at view A, metres. */
  position: number[];
  yaw_deg: number;
  half_extents: number[];
  /** Where it stands at view B when it moved (null: it did not). */
  position_b: number[] | null;
  yaw_deg_b: number | null;
  /** Seen in view A / B (from the ID pass once grounded; pipeline/questions/scene-facts.ts). */
  visible: [boolean, boolean];
  /** Mean ray-cast visible fraction of its parts in view A / B. */
  visible_fraction: [number, number];
  /** ID-pass pixels of its parts in view A / B (0: hidden); null before grounding in an ID pass. */
  id_pixels: [number | null, number | null];
  /** The library model drawn for it (`--assets` with scenes); null for a procedural object. */
  model: { path: string; content_hash: string; licence: string | null } | null;
}

function mapScene(truth: SampleRecordInput['truth']): RecordMeta['scene'] {
  if (getScene(truth) === null) return null;
  return {
    objects: listSceneObjects(truth).map(({ spec, views }) => ({
      id: spec.id,
      name: spec.name,
      category: spec.category,
      color: spec.color,
      position: roundVector(spec.position, LINEAR_DECIMALS),
      yaw_deg: roundTo(spec.yawDeg, ANGLE_DECIMALS),
      half_extents: roundVector(spec.halfExtents, LINEAR_DECIMALS),
      position_b: spec.positionB === undefined ? null : roundVector(spec.positionB, LINEAR_DECIMALS),
      yaw_deg_b: spec.yawDegB === undefined ? null : roundTo(spec.yawDegB, ANGLE_DECIMALS),
      visible: [views[0].state === 'seen', views[1].state === 'seen'],
      visible_fraction: [roundTo(views[0].visibleFraction, LINEAR_DECIMALS), roundTo(views[1].visibleFraction, LINEAR_DECIMALS)],
      id_pixels: [views[0].idPixels, views[1].idPixels],
      model: spec.model === undefined ? null : { path: spec.model.asset.path, content_hash: spec.model.asset.contentHash, licence: spec.model.asset.licence },
    })),
  };
}

/** The look of a sample as recorded (docs/look.md): flat, null for an option the sample does not use. */
export interface RecordLook {
  background: string;
  /** Colour at the bottom edge: the gradient's, or `background` again for a solid background. */
  background_bottom: string;
  ambient_intensity: number;
  key_azimuth_deg: number;
  key_elevation_deg: number;
  key_intensity: number;
  env_map: string | null;
  env_rotation_deg: number | null;
  env_intensity: number | null;
  env_as_background: boolean | null;
  ground_y: number | null;
  ground_shadow_opacity: number | null;
  /** Procedural part surfaces (`--materials`): 'plain' or 'varied'. */
  materials: 'plain' | 'varied';
  /** What is drawn behind the object (an environment map shown as the background covers it: `env_as_background`). */
  background_kind: 'solid' | 'gradient' | 'sky';
  /** The procedural sky ({@link SkySpec}); null unless `background_kind` is 'sky'. */
  sky_turbidity: number | null;
  sky_rayleigh: number | null;
  sky_mie_coefficient: number | null;
  sky_mie_g: number | null;
  sky_cloud_coverage: number | null;
  sky_cloud_seed: number | null;
  sky_exposure: number | null;
  sky_ground: string | null;
}

/** Records a {@link LightingSpec}: rounded, absent options as null. */
export function mapLook(l: LightingSpec): RecordLook {
  const env = l.environment ?? null;
  const ground = l.ground ?? null;
  const sky = l.sky ?? null;
  return {
    background: l.background.toLowerCase(),
    // A solid background is recorded as a gradient between equal colours: a string on every line, so a shard whose
    // samples all have solid backgrounds does not type the column null (JSON loaders infer types file by file).
    background_bottom: (l.backgroundBottom ?? l.background).toLowerCase(),
    ambient_intensity: roundTo(l.ambientIntensity, LINEAR_DECIMALS),
    key_azimuth_deg: roundTo(l.keyAzimuthDeg, ANGLE_DECIMALS),
    key_elevation_deg: roundTo(l.keyElevationDeg, ANGLE_DECIMALS),
    key_intensity: roundTo(l.keyIntensity, LINEAR_DECIMALS),
    env_map: env?.file ?? null,
    env_rotation_deg: env === null ? null : roundTo(env.rotationDeg, ANGLE_DECIMALS),
    env_intensity: env === null ? null : roundTo(env.intensity, LINEAR_DECIMALS),
    env_as_background: env?.asBackground ?? null,
    ground_y: ground === null ? null : roundTo(ground.y, LINEAR_DECIMALS),
    ground_shadow_opacity: ground === null ? null : roundTo(ground.shadowOpacity, LINEAR_DECIMALS),
    materials: l.materials ?? 'plain',
    background_kind: sky !== null ? 'sky' : l.backgroundBottom !== undefined && l.backgroundBottom !== null ? 'gradient' : 'solid',
    sky_turbidity: sky === null ? null : roundTo(sky.turbidity, LINEAR_DECIMALS),
    sky_rayleigh: sky === null ? null : roundTo(sky.rayleigh, LINEAR_DECIMALS),
    sky_mie_coefficient: sky === null ? null : roundTo(sky.mieCoefficient, LINEAR_DECIMALS),
    sky_mie_g: sky === null ? null : roundTo(sky.mieDirectionalG, LINEAR_DECIMALS),
    sky_cloud_coverage: sky === null ? null : roundTo(sky.cloudCoverage, LINEAR_DECIMALS),
    sky_cloud_seed: sky === null ? null : roundTo(sky.cloudSeed, LINEAR_DECIMALS),
    sky_exposure: sky === null ? null : roundTo(sky.exposure, LINEAR_DECIMALS),
    sky_ground: sky === null ? null : sky.ground.toLowerCase(),
  };
}

/** Training stage of a family: the registry's (each family declares its own). @throws Error for an unknown family. */
export function getFamilyStage(family: string): Stage {
  return getFamily(family).stage;
}

/**
 * Throws when `text` contains one of the {@link RESERVED_TOKENS}.
 * @param what - what the text is, for the message (e.g. "question").
 * @param id - sample id, for the message.
 */
export function assertNoReservedTokens(text: string, what: string, id: string): void {
  for (const token of RESERVED_TOKENS) {
    if (text.includes(token)) {
      throw new Error(`${NAME}: sample "${id}": ${what} contains the reserved token "${token}"; question families must not emit it`);
    }
  }
}

function checkQuestion(input: SampleRecordInput): void {
  const { plan, question: q } = input;
  const id = plan.id;
  const fail = (msg: string): never => {
    throw new Error(`${NAME}: sample "${id}": ${msg}`);
  };
  if (q.family !== plan.family) fail(`question family "${q.family}" differs from the planned family "${plan.family}"`);
  if (!q.templateId.startsWith(`${q.family}/`)) fail(`template id "${q.templateId}" does not start with "${q.family}/"`);
  if (q.options.length < 2 || q.options.length > 26) fail(`needs 2..26 options, got ${q.options.length}`);
  if (new Set(q.options).size !== q.options.length) fail(`options are not unique: ${JSON.stringify(q.options)}`);
  if (!Number.isInteger(q.answerIndex) || q.answerIndex < 0 || q.answerIndex >= q.options.length) {
    fail(`answerIndex ${q.answerIndex} is outside 0..${q.options.length - 1}`);
  }
  if (q.answerLetter !== optionLetter(q.answerIndex)) {
    fail(`answerLetter "${q.answerLetter}" does not match answerIndex ${q.answerIndex}`);
  }
  if (q.options[q.answerIndex] !== q.answerText) {
    fail(`answerText "${q.answerText}" differs from option ${q.answerLetter} "${q.options[q.answerIndex]}"`);
  }
  assertNoReservedTokens(q.question, 'question', id);
  q.options.forEach((o, i) => {
    if (/[\r\n]/.test(o)) fail(`option ${optionLetter(i)} contains a line break`);
    assertNoReservedTokens(o, `option ${optionLetter(i)}`, id);
  });
  assertNoReservedTokens(q.reasoning, 'reasoning', id);
}

function mapView(camera: CameraPose): RecordView {
  const { K, orbit } = camera;
  return {
    K: {
      fx: roundTo(K.fx, PIXEL_DECIMALS),
      fy: roundTo(K.fy, PIXEL_DECIMALS),
      cx: roundTo(K.cx, PIXEL_DECIMALS),
      cy: roundTo(K.cy, PIXEL_DECIMALS),
      width: K.width,
      height: K.height,
      fov_y_deg: roundTo(K.fovYDeg, ANGLE_DECIMALS),
    },
    R: roundMatrix(camera.R, LINEAR_DECIMALS),
    t: roundVector(camera.t, LINEAR_DECIMALS),
    centre: roundVector(camera.centre, LINEAR_DECIMALS),
    c2w_gl: roundMatrix(camera.c2wGl, LINEAR_DECIMALS),
    orbit: {
      azimuth_deg: roundTo(orbit.azimuthDeg, ANGLE_DECIMALS),
      elevation_deg: roundTo(orbit.elevationDeg, ANGLE_DECIMALS),
      radius_m: roundTo(orbit.radiusM, LINEAR_DECIMALS),
      roll_deg: roundTo(orbit.rollDeg, ANGLE_DECIMALS),
      pan_deg: roundTo(orbit.panDeg, ANGLE_DECIMALS),
    },
  };
}

function mapImage(image: ImageInfo): RecordImage {
  return {
    path: image.path,
    sha256: image.sha256,
    width: image.width,
    height: image.height,
    format: image.format,
    bytes: image.bytes,
    mask: image.mask === null ? null : { path: image.mask.path, sha256: image.mask.sha256 },
    depth: image.depth === null ? null : { path: image.depth.path, sha256: image.depth.sha256 },
  };
}

function mapPartView(p: PartView): RecordPartView {
  return {
    visible: p.visible,
    visible_fraction: roundTo(p.visibleFraction, PIXEL_DECIMALS),
    id_pixels: p.idPixels ?? null,
    centre_px: roundVector(p.centrePx, PIXEL_DECIMALS),
    depth_m: roundTo(p.depthM, LINEAR_DECIMALS),
    horizontal: p.horizontal,
    vertical: p.vertical,
  };
}

function findPartView(parts: readonly PartView[], name: string, view: string, id: string): PartView {
  const found = parts.find((p) => p.name === name);
  if (found === undefined) throw new Error(`${NAME}: sample "${id}": part "${name}" has no facts for view ${view}`);
  return found;
}

function decimalsForUnit(unit: Difficulty['marginUnit']): number {
  return unit === 'deg' ? ANGLE_DECIMALS : unit === 'px' ? PIXEL_DECIMALS : LINEAR_DECIMALS;
}

function buildMetaUnchecked(input: SampleRecordInput): RecordMeta {
  const { plan, truth, question: q, images } = input;
  const rel = truth.relative;
  const [factsA, factsB] = truth.views;
  const d = q.difficulty;
  const dDecimals = decimalsForUnit(d.marginUnit);
  return {
    id: plan.id,
    index: plan.index,
    split: plan.split ?? RECORD_SPLIT,
    seed: plan.seed,
    attempt: plan.attempt,
    family: q.family,
    stage: getFamilyStage(q.family),
    template_id: q.templateId,
    question: q.question,
    options: [...q.options],
    answer: q.answerLetter,
    answer_text: q.answerText,
    reasoning: q.reasoning,
    has_cot: input.withCot,
    asset: {
      source: plan.asset.source,
      name: plan.asset.name,
      content_hash: plan.asset.contentHash,
      symmetry: plan.asset.symmetry,
      ...(truth.object.kind === 'library' ? libraryAssetMeta(truth.object) : {}),
    },
    object_pose: { yaw_deg: roundVector(plan.job.objectYawDeg, ANGLE_DECIMALS) },
    look: mapLook(plan.job.lighting),
    views: [mapView(factsA.camera), mapView(factsB.camera)],
    relative: {
      R_AB: roundMatrix(rel.R_AB, LINEAR_DECIMALS),
      t_AB: roundVector(rel.t_AB, LINEAR_DECIMALS),
      angle_deg: roundTo(rel.angleDeg, ANGLE_DECIMALS),
      axis: roundVector(rel.axis, LINEAR_DECIMALS),
      quaternion_xyzw: roundVector(rel.quaternion, LINEAR_DECIMALS),
      yaw_deg: roundTo(rel.yawDeg, ANGLE_DECIMALS),
      pitch_deg: roundTo(rel.pitchDeg, ANGLE_DECIMALS),
      roll_deg: roundTo(rel.rollDeg, ANGLE_DECIMALS),
      baseline_m: roundTo(rel.baselineM, LINEAR_DECIMALS),
      motion_in_a: roundVector(rel.motionInA, LINEAR_DECIMALS),
      delta_azimuth_deg: roundTo(truth.deltaAzimuthDeg, ANGLE_DECIMALS),
      delta_elevation_deg: roundTo(truth.deltaElevationDeg, ANGLE_DECIMALS),
      radius_ratio: roundTo(truth.radiusRatio, LINEAR_DECIMALS),
      delta_object_yaw_deg: roundTo(truth.deltaObjectYawDeg, ANGLE_DECIMALS),
    },
    images: images.map(mapImage),
    difficulty: {
      margin: roundTo(d.margin, dDecimals),
      margin_unit: d.marginUnit,
      bin: d.bin,
      value: roundTo(d.value, dDecimals),
    },
    parts: truth.object.parts.map((part) => ({
      name: part.name,
      color: part.colorName,
      view_a: mapPartView(findPartView(factsA.parts, part.name, 'A', plan.id)),
      view_b: mapPartView(findPartView(factsB.parts, part.name, 'B', plan.id)),
    })),
    question_view: q.questionView !== undefined ? q.questionView : (q.namedParts?.[0]?.view ?? null),
    question_parts: (q.namedParts ?? []).map(({ name }) => {
      const i = truth.object.parts.findIndex((p) => p.name === name);
      if (i < 0) throw new Error(`${NAME}: sample "${plan.id}": the question names part "${name}", which the object does not have`);
      return i;
    }),
    scene: mapScene(truth),
    question_objects: getScene(truth) === null ? null : [...(q.namedObjects ?? [])],
    question_category: q.questionCategory ?? null,
  };
}

/**
 * Builds the {@link RecordMeta} of one sample: a pure function of its input, rounded and in the
 * fixed key order above, so equal inputs give byte-identical JSON.
 *
 * Checks the invariants a record relies on and throws (naming the sample id) when one breaks:
 * planned and asked family agree, the answer letter, index and text agree, options are unique
 * and 2..26, no text holds a {@link RESERVED_TOKENS reserved token}, every part of the object
 * has facts in both views, every number is finite. Schema validation happens later, in the
 * shard writer, on the serialized line.
 *
 * @example
 * const meta = buildMeta(input);
 * meta.relative.delta_azimuth_deg; // e.g. 42.5 (degrees, positive = camera moved right)
 */
export function buildMeta(input: SampleRecordInput): RecordMeta {
  checkQuestion(input);
  try {
    return buildMetaUnchecked(input);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (msg.startsWith(`${NAME}:`)) throw err;
    throw new Error(`${NAME}: sample "${input.plan.id}": ${msg}`, { cause: err });
  }
}
