/**
 * Draws a scene of several named objects (README, "Scenes"; issue 12): how many (within
 * `objects`), which categories and colours, where each stands on the ground plane and how it is
 * yawed. Pure and seeded: everything comes from the sample's plan stream.
 *
 * - Categories: each object a category of assets/procedural/scene-objects.ts, drawn uniformly,
 *   or (with chance {@link REPEAT_CATEGORY_CHANCE}) one already in the scene, so counting
 *   questions have something to count.
 * - Names: an object is called by its category when it is the only one of it ("the chair"), else
 *   by colour and category ("the red mug"); objects of one category never share a colour, so
 *   every name is unique by construction.
 * - Layout: footprints (the circle around each object's rotated box) at least
 *   {@link FOOTPRINT_GAP_M} apart, centres in a disc that grows with the count; then the whole
 *   scene is scaled so every part lies in the unit sphere about the origin (the camera framing of
 *   single objects holds unchanged). The world origin is the scene's centre on the ground (y = 0).
 */
import { buildSceneObject, SCENE_CATEGORIES, SCENE_COLORS, type SceneCategory, type SceneObject } from '../../assets/procedural/scene-objects.js';
import { partHalfExtents } from '../../assets/procedural/fit-to-unit-sphere.js';
import type { Rng } from '../rng.js';
import type { PartSpec, ProceduralObjectSpec, SceneObjectSpec, Vec3 } from '../types.js';

/** Generator name of scene objects. */
export const SCENE = 'scene';

/** Fewest and most objects a scene may hold. */
export const SCENE_OBJECT_LIMITS: readonly [number, number] = [2, 6];

/** Chance that an object repeats a category already in the scene. */
export const REPEAT_CATEGORY_CHANCE = 0.35;

/** Smallest gap between two footprints, metres before the fit. */
export const FOOTPRINT_GAP_M = 0.06;

/** Layout tries per object before the disc is widened. */
const TRIES = 64;

/** Every part of the fitted scene lies within this radius of the origin. */
const TARGET_RADIUS = 0.98;

const DEG = Math.PI / 180;

/** Rotates `v` about +Y by `deg` (three.js's rotation.y, right-handed). */
function yawVec(v: Vec3, deg: number): Vec3 {
  const c = Math.cos(deg * DEG);
  const s = Math.sin(deg * DEG);
  return [c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]];
}

/** Draws the categories and colours of `n` objects. */
function drawObjects(rng: Rng, n: number): SceneObject[] {
  const objects: SceneObject[] = [];
  for (let i = 0; i < n; i++) {
    const repeat = objects.length > 0 && rng.chance(REPEAT_CATEGORY_CHANCE);
    const category: SceneCategory = repeat ? rng.pick(objects).category : rng.pick(SCENE_CATEGORIES);
    const used = new Set(objects.filter((o) => o.category === category).map((o) => o.color.name));
    const color = rng.pick(SCENE_COLORS.filter((c) => !used.has(c.name)));
    objects.push(buildSceneObject(category, color, rng));
  }
  return objects;
}

/** Centres (x, z) of the footprints, apart by the gap, in a disc that widens until they fit. */
function layOut(rng: Rng, radii: readonly number[]): [number, number][] {
  let disc = 0.35 * Math.sqrt(radii.length) + Math.max(...radii);
  for (;;) {
    const placed: [number, number][] = [];
    for (const r of radii) {
      let spot: [number, number] | null = null;
      for (let t = 0; t < TRIES && spot === null; t++) {
        const a = rng.range(0, 2 * Math.PI);
        const d = disc * Math.sqrt(rng.next());
        const x = d * Math.cos(a);
        const z = d * Math.sin(a);
        if (placed.every(([px, pz], j) => Math.hypot(x - px, z - pz) >= r + radii[j] + FOOTPRINT_GAP_M)) spot = [x, z];
      }
      if (spot === null) break;
      placed.push(spot);
    }
    if (placed.length === radii.length) return placed;
    disc *= 1.25;
  }
}

/** Names: the category alone when it is the only one of it, else colour and category. */
export function nameSceneObjects(objects: readonly { category: string; color: string }[]): string[] {
  return objects.map((o) => (objects.filter((p) => p.category === o.category).length === 1 ? o.category : `${o.color} ${o.category}`));
}

/**
 * Draws a scene of `min…max` objects as one procedural object whose parts are every object's
 * parts placed in the world, with its {@link SceneSpec}.
 */
export function drawScene(rng: Rng, name: string, range: readonly [number, number]): ProceduralObjectSpec {
  const n = rng.int(range[0], range[1]);
  const objects = drawObjects(rng, n);
  const radii = objects.map((o) => Math.hypot(o.halfExtents[0], o.halfExtents[2]));
  const centres = layOut(rng, radii);
  const yaws = objects.map(() => rng.range(0, 360));
  // Place every part in the world: yaw about the object's footprint centre, then move it there.
  const placed = objects.map((o, i) =>
    o.parts.map((p): PartSpec => {
      const at = yawVec(p.position, yaws[i]);
      return { ...p, position: [at[0] + centres[i][0], at[1], at[2] + centres[i][1]], rotationDeg: [0, yaws[i], 0] };
    }),
  );
  // Fit: every part (centre plus the half-diagonal of its box) inside the target radius of the origin.
  let bound = 0;
  for (const parts of placed) for (const p of parts) bound = Math.max(bound, Math.hypot(...p.position) + Math.hypot(...partHalfExtents(p)));
  const s = TARGET_RADIUS / bound;
  const names = nameSceneObjects(objects.map((o) => ({ category: o.category, color: o.color.name })));
  const parts: PartSpec[] = [];
  const specs: SceneObjectSpec[] = objects.map((o, i) => {
    const first = parts.length;
    for (const p of placed[i]) parts.push({ ...p, name: `o${i}.${p.name}`, size: p.size.map((v) => v * s), position: [p.position[0] * s, p.position[1] * s, p.position[2] * s] });
    const half: Vec3 = [o.halfExtents[0] * s, o.halfExtents[1] * s, o.halfExtents[2] * s];
    return { id: `o${i}`, name: names[i], category: o.category, color: o.color.name, position: [centres[i][0] * s, half[1], centres[i][1] * s], yawDeg: yaws[i], halfExtents: half, parts: [first, parts.length] };
  });
  return { kind: 'procedural', generator: SCENE, name, parts, symmetry: 'none', scene: { objects: specs } };
}
