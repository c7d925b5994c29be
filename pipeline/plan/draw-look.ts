/**
 * Draws the look of a sample (docs/look.md): background (solid or vertical gradient), key and
 * ambient light, an optional HDR environment map from `--env`, and an optional shadow-catching
 * ground plane. Pure data; the page applies it (renderers/page/scene-look.ts).
 *
 * Streams: the five original draws (background, ambient, key azimuth, elevation, intensity) come
 * from the plan stream, in the order they always had; everything added since comes from the
 * sample's own 'look' stream, so adding a look option never shifts an object or camera draw.
 */
import { BACKGROUND_COLORS, GROUND_COLORS } from '../../assets/procedural/palette.js';
import { orbitCentre } from '../geometry/orbit-camera.js';
import type { Rng } from '../rng.js';
import { ROOM_ENVIRONMENT, type EnvironmentSpec, type GroundSpec, type LightingSpec, type ObjectSpec, type OrbitParams, type PartSpec, type SkySpec } from '../types.js';
import { partHalfExtents } from '../../assets/procedural/fit-to-unit-sphere.js';

/** Background modes of `--background`. */
export const BACKGROUND_MODES = ['solid', 'gradient', 'sky', 'mixed'] as const;
export type BackgroundMode = (typeof BACKGROUND_MODES)[number];

/** What the look is drawn from (the look settings of the run). */
export interface LookConfig {
  /** 'solid' colours, vertical 'gradient's, procedural daylight 'sky's, or 'mixed' (each sample one of the three, evenly). @default 'mixed' */
  background: BackgroundMode;
  /** `.hdr` file names of the `--env` folder, sorted; empty = no environment maps. @default [] */
  envFiles: readonly string[];
  /** Share of samples lit by an environment map (when `envFiles` is not empty), 0..1. @default 1 */
  envShare: number;
  /** Share of samples drawn with a ground plane and shadow, 0..1 (a sample whose camera is below the plane has none). @default 0 */
  groundShare: number;
}

export const LOOK_DEFAULTS: LookConfig = { background: 'mixed', envFiles: [], envShare: 1, groundShare: 0 };

/** Both cameras must be at least this far above the ground plane for it to be drawn, metres. */
export const GROUND_CAMERA_CLEARANCE_M = 0.05;

/** Key and ambient light are scaled by this when an environment map lights the scene too. */
export const ENV_LIGHT_SCALE = 0.6;

/** Intensity range of the neutral room environment (every sample without an `--env` map). */
export const ROOM_INTENSITY: readonly [number, number] = [0.15, 0.3];

const DEG = Math.PI / 180;

/**
 * Ranges of the ambient (hemisphere) and key light intensities. Chosen so that every part
 * colour stays nearest to its own colour word in the render (the colour-name check of
 * pipeline/run/check-visibility.ts): with the first release's 0.5–0.9 ambient, faces turned away
 * from the key light showed 10–40 % of their albedo and most parts failed the check (84 % of
 * samples); at these ranges `npx tsx bench/colour-names.ts --count 300 --seed 5` measured 1.7 %.
 */
export const LIGHT_RANGES = Object.freeze({ ambient: [2.6, 3.4] as const, key: [1.4, 2.4] as const });

/** The original light draws, from the plan stream (same draws in the same order since the first release; the ranges are {@link LIGHT_RANGES}). */
export function drawBaseLighting(rng: Rng): LightingSpec {
  return {
    background: rng.pick(BACKGROUND_COLORS),
    ambientIntensity: rng.range(...LIGHT_RANGES.ambient),
    keyAzimuthDeg: rng.range(-180, 180),
    keyElevationDeg: rng.range(30, 70),
    keyIntensity: rng.range(...LIGHT_RANGES.key),
  };
}

/** `hex` (#rrggbb) with each channel scaled by `factor` (0..1), as #rrggbb. */
export function scaleColour(hex: string, factor: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.round(((n >> shift) & 255) * factor).toString(16).padStart(2, '0');
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}

/** The procedural sky's draws (fixed count, whatever the background); its sun is the key light. */
function drawSky(rng: Rng): SkySpec {
  const clear = rng.chance(0.3);
  const coverage = rng.range(0.15, 0.6);
  return {
    turbidity: rng.range(2, 8),
    rayleigh: rng.range(0.6, 2.5),
    mieCoefficient: rng.range(0.002, 0.008),
    mieDirectionalG: rng.range(0.75, 0.9),
    cloudCoverage: clear ? 0 : coverage,
    cloudSeed: rng.range(0, 1000),
    exposure: rng.range(0.35, 0.8),
    ground: scaleColour(rng.pick(GROUND_COLORS), rng.range(0.8, 1)),
  };
}

/** Lowest world y a part can reach, conservatively: its local box turned by its XYZ Euler rotation. */
function partLowestY(part: PartSpec): number {
  const [x, y, z] = part.rotationDeg.map((a) => a * DEG);
  const h = partHalfExtents(part);
  // Row 1 (world y) of Rx(x)·Ry(y)·Rz(z), three's 'XYZ' order.
  const row = [
    Math.sin(x) * Math.sin(y) * Math.cos(z) + Math.cos(x) * Math.sin(z),
    -Math.sin(x) * Math.sin(y) * Math.sin(z) + Math.cos(x) * Math.cos(z),
    -Math.sin(x) * Math.cos(y),
  ];
  return part.position[1] - (Math.abs(row[0]) * h[0] + Math.abs(row[1]) * h[1] + Math.abs(row[2]) * h[2]);
}

/**
 * Lowest world y of the object, at or below its true lowest point: a turn about +Y does not change
 * heights, so it holds for every yaw. Library objects: the bottom of their normalised bounding box.
 */
export function getLowestY(object: ObjectSpec): number {
  if (object.kind === 'library') return -object.halfExtents[1];
  return Math.min(...object.parts.map(partLowestY));
}

/**
 * Draws the look. `base` is the plan stream (the original light draws), `rng` the sample's look
 * stream; `orbits` are the sample's cameras (the ground plane needs both above it).
 */
export function drawLook(base: Rng, rng: Rng, config: LookConfig, object: ObjectSpec, orbits: readonly [OrbitParams, OrbitParams]): LightingSpec {
  const lighting = drawBaseLighting(base);
  // Fixed draw count per option, whatever the outcome, so one option never shifts another.
  const u = rng.next();
  const kind = config.background === 'mixed' ? (u < 1 / 3 ? 'solid' : u < 2 / 3 ? 'gradient' : 'sky') : config.background;
  const bottom = scaleColour(rng.pick(BACKGROUND_COLORS), rng.range(0.78, 0.95));
  const useEnv = rng.chance(config.envShare);
  const env: EnvironmentSpec | null =
    config.envFiles.length > 0
      ? { file: rng.pick(config.envFiles), rotationDeg: rng.range(0, 360), intensity: rng.range(0.6, 1.2), asBackground: rng.chance(0.5) }
      : null;
  // A scene always stands on its ground (when both cameras are above it); a single object has one with --ground's share.
  const isScene = object.kind === 'procedural' && object.scene !== undefined;
  const useGround = rng.chance(config.groundShare) || isScene;
  const shadowOpacity = rng.range(0.25, 0.5);
  const groundY = getLowestY(object);
  const above = orbits.every((o) => orbitCentre(o)[1] > groundY + GROUND_CAMERA_CLEARANCE_M);
  const ground: GroundSpec | null = useGround && (config.groundShare > 0 || isScene) && above ? { y: groundY, shadowOpacity } : null;
  // Every sample is lit by the neutral room the page generates when no --env map lights it: glTF's default material
  // is fully metallic, and a metal lit by point lights alone renders black (docs/look.md, "the neutral room").
  const room: EnvironmentSpec = { file: ROOM_ENVIRONMENT, rotationDeg: rng.range(0, 360), intensity: rng.range(...ROOM_INTENSITY), asBackground: false };
  const environment = env !== null && useEnv && config.envShare > 0 ? env : room;
  const sky = drawSky(rng);
  return {
    ...lighting,
    ambientIntensity: lighting.ambientIntensity * ENV_LIGHT_SCALE,
    keyIntensity: lighting.keyIntensity * ENV_LIGHT_SCALE,
    backgroundBottom: kind === 'gradient' ? bottom : null,
    environment,
    ground,
    sky: kind === 'sky' ? sky : null,
  };
}
