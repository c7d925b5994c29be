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
import type { LibraryObjects, LibraryObjectSpec, PartSpec, ProceduralObjectSpec, SceneObjectSpec, Vec3 } from '../types.js';
import { standInPart } from '../../assets/procedural/stand-in-part.js';

/** Generator name of scene objects. */
export const SCENE = 'scene';

/** Fewest and most objects a scene may hold. */
export const SCENE_OBJECT_LIMITS: readonly [number, number] = [2, 6];

/** Chance that an object repeats a category already in the scene. */
export const REPEAT_CATEGORY_CHANCE = 0.35;

/** Chance that a scene object is a library model, when the run has a library (`--assets`). */
export const LIBRARY_OBJECT_SHARE = 0.5;

/** Height range of a library model in a scene, metres before the fit (the procedural categories' range). */
export const LIBRARY_HEIGHT_M: readonly [number, number] = [0.25, 0.5];

/** Largest horizontal half-extent of a library model in a scene, metres before the fit (a flat model is scaled down to it). */
export const LIBRARY_MAX_HALF_WIDTH_M = 0.35;

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

/** An object drawn for a scene: a procedural one (with its colour), or a library model standing in its box (colour null). */
interface DrawnObject {
  category: string;
  colorName: string | null;
  parts: PartSpec[];
  halfExtents: Vec3;
  model?: { asset: LibraryObjectSpec; scale: number };
}

/**
 * The category word of a library model: its manifest `category`, else its file name without the
 * extension, in lower-case words ("BoxTextured.gltf" → "boxtextured", "office_chair.glb" →
 * "office chair").
 */
export function libraryCategory(asset: Pick<LibraryObjectSpec, 'category' | 'path'>): string {
  const raw = asset.category ?? (asset.path.split('/').pop() ?? asset.path).replace(/\.(glb|gltf)$/i, '');
  const words = raw.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  return words.length > 0 ? words : 'model';
}

/**
 * A library model as a scene object: scaled so its box is {@link LIBRARY_HEIGHT_M} tall (and at
 * most {@link LIBRARY_MAX_HALF_WIDTH_M} across), standing on the ground, its one part the box.
 */
function libraryObject(asset: LibraryObjectSpec, category: string, rng: Rng): DrawnObject {
  const [hx, hy, hz] = asset.halfExtents;
  const height = rng.range(LIBRARY_HEIGHT_M[0], LIBRARY_HEIGHT_M[1]);
  const scale = Math.min(height / (2 * Math.max(hy, 1e-6)), LIBRARY_MAX_HALF_WIDTH_M / Math.max(hx, hz, 1e-6));
  const half: Vec3 = [hx * scale, hy * scale, hz * scale];
  const stand = standInPart(half);
  return { category, colorName: null, parts: [{ ...stand, name: `${category.replace(/ /g, '-')}.${stand.name}`, position: [0, half[1], 0] }], halfExtents: half, model: { asset, scale } };
}

/**
 * Draws the categories and colours of `n` objects; with a `library`, each object is a library
 * model with chance {@link LIBRARY_OBJECT_SHARE}. No two objects share a name: a library model's
 * category is in the scene once (its name has no colour), and no procedural object takes it.
 */
function drawObjects(rng: Rng, n: number, library?: LibraryObjects): DrawnObject[] {
  const objects: DrawnObject[] = [];
  const modelCategories = new Set<string>();
  for (let i = 0; i < n; i++) {
    if (library !== undefined && library.length > 0 && rng.chance(LIBRARY_OBJECT_SHARE)) {
      const asset = library.at(rng.int(0, library.length - 1))!;
      const category = libraryCategory(asset);
      if (!objects.some((o) => o.category === category)) {
        modelCategories.add(category);
        objects.push(libraryObject(asset, category, rng));
        continue;
      }
    }
    const procedural = objects.filter((o) => o.model === undefined);
    const repeat = procedural.length > 0 && rng.chance(REPEAT_CATEGORY_CHANCE);
    const category = (repeat ? rng.pick(procedural).category : rng.pick(SCENE_CATEGORIES.filter((c) => !modelCategories.has(c)))) as SceneCategory;
    const used = new Set(objects.filter((o) => o.category === category).map((o) => o.colorName));
    const color = rng.pick(SCENE_COLORS.filter((c) => !used.has(c.name)));
    const built: SceneObject = buildSceneObject(category, color, rng);
    objects.push({ category, colorName: color.name, parts: built.parts, halfExtents: built.halfExtents });
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
export function drawScene(rng: Rng, name: string, range: readonly [number, number], library?: LibraryObjects): ProceduralObjectSpec {
  const n = rng.int(range[0], range[1]);
  const objects = drawObjects(rng, n, library);
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
  const names = nameSceneObjects(objects.map((o) => ({ category: o.category, color: o.colorName ?? '' })));
  const parts: PartSpec[] = [];
  const specs: SceneObjectSpec[] = objects.map((o, i) => {
    const first = parts.length;
    for (const p of placed[i]) parts.push({ ...p, name: `o${i}.${p.name}`, size: p.size.map((v) => v * s), position: [p.position[0] * s, p.position[1] * s, p.position[2] * s] });
    const half: Vec3 = [o.halfExtents[0] * s, o.halfExtents[1] * s, o.halfExtents[2] * s];
    return {
      id: `o${i}`,
      name: names[i],
      category: o.category,
      color: o.colorName,
      position: [centres[i][0] * s, half[1], centres[i][1] * s],
      yawDeg: yaws[i],
      halfExtents: half,
      parts: [first, parts.length],
      ...(o.model !== undefined ? { model: { asset: o.model.asset, scale: o.model.scale * s } } : {}),
    };
  });
  return { kind: 'procedural', generator: SCENE, name, parts, symmetry: 'none', scene: { objects: specs } };
}
