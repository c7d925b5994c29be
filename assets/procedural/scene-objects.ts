/**
 * Objects a person would name, for scenes of several objects (issue 12; README, "Scenes"): a mug,
 * a lamp, a box, a cone, a chair, a table, a bottle, a ring and a ball, each built from the
 * procedural primitives and painted in one colour of the palette, so "the red mug" names it.
 *
 * Object frame: +Y up, the object's footprint centred on the Y axis, its lowest point at y = 0
 * (it stands on the ground); +Z is its front (a mug's handle is on +X, a chair's back at −Z).
 * Sizes are metres of a table-top scene: every category is between about 0.2 and 0.6 m tall, so
 * no object is a speck beside another (the ratios are not those of real furniture; a chair is
 * drawn toy-sized beside a mug).
 */
import type { Rng } from '../../pipeline/rng.js';
import type { PartSpec, ProceduralObjectSpec, Vec3 } from '../../pipeline/types.js';
import { partHalfExtents } from './fit-to-unit-sphere.js';
import { PART_COLORS, type NamedColor } from './palette.js';

/** The categories, in a fixed order (part of the output: the planner draws by index). */
export const SCENE_CATEGORIES = ['mug', 'lamp', 'box', 'cone', 'chair', 'table', 'bottle', 'ring', 'ball'] as const;

export type SceneCategory = (typeof SCENE_CATEGORIES)[number];

/** A named object of a scene, in its own frame. */
export interface SceneObject {
  category: SceneCategory;
  color: NamedColor;
  /** Parts in the object frame (see the file header), all in the object's colour; names `<category>.<part>`. */
  parts: PartSpec[];
  /** Half-extents of its axis-aligned box in the object frame (x, y, z), metres; the box centre is at (0, halfExtents[1], 0). */
  halfExtents: Vec3;
  /** Symmetry about the up axis (as `ProceduralObjectSpec.symmetry`). */
  symmetry: ProceduralObjectSpec['symmetry'];
}

type Shape = Omit<PartSpec, 'colorName' | 'colorHex' | 'material' | 'name'> & { part: string };

/** The parts of one category, lowest point anywhere (they are lifted to stand on y = 0 afterwards). */
function shapesOf(category: SceneCategory, rng: Rng): { shapes: Shape[]; symmetry: SceneObject['symmetry'] } {
  switch (category) {
    case 'mug': {
      const r = rng.range(0.09, 0.12);
      const h = rng.range(0.2, 0.26);
      return {
        shapes: [
          { part: 'body', shape: 'cylinder', size: [r, r * 0.92, h], position: [0, 0, 0], rotationDeg: [0, 0, 0] },
          { part: 'handle', shape: 'torus', size: [h * 0.28, r * 0.22], position: [r + h * 0.18, 0, 0], rotationDeg: [0, 0, 0] },
        ],
        symmetry: 'none',
      };
    }
    case 'lamp': {
      const h = rng.range(0.42, 0.55);
      const shade = rng.range(0.12, 0.16);
      return {
        shapes: [
          { part: 'base', shape: 'cylinder', size: [0.1, 0.12, 0.04], position: [0, 0.02, 0], rotationDeg: [0, 0, 0] },
          { part: 'pole', shape: 'cylinder', size: [0.015, 0.015, h], position: [0, h / 2, 0], rotationDeg: [0, 0, 0] },
          { part: 'shade', shape: 'cone', size: [shade, shade * 1.1], position: [0, h, 0], rotationDeg: [0, 0, 0] },
        ],
        symmetry: 'continuous',
      };
    }
    case 'box': {
      const w = rng.range(0.25, 0.4);
      const d = rng.range(0.25, 0.4);
      const h = rng.range(0.2, 0.35);
      return { shapes: [{ part: 'box', shape: 'box', size: [w, h, d], position: [0, 0, 0], rotationDeg: [0, 0, 0] }], symmetry: Math.abs(w - d) < 0.02 ? 'c4' : 'c2' };
    }
    case 'cone': {
      const r = rng.range(0.12, 0.17);
      return { shapes: [{ part: 'cone', shape: 'cone', size: [r, rng.range(0.3, 0.42)], position: [0, 0, 0], rotationDeg: [0, 0, 0] }], symmetry: 'continuous' };
    }
    case 'chair': {
      const s = rng.range(0.26, 0.32); // seat side
      const seatY = rng.range(0.2, 0.26);
      const back = rng.range(0.22, 0.3);
      const leg = (x: number, z: number): Shape => ({ part: `leg-${x > 0 ? 'r' : 'l'}${z > 0 ? 'f' : 'b'}`, shape: 'box', size: [0.03, seatY, 0.03], position: [x, seatY / 2, z], rotationDeg: [0, 0, 0] });
      const o = s / 2 - 0.02;
      return {
        shapes: [
          { part: 'seat', shape: 'box', size: [s, 0.04, s], position: [0, seatY + 0.02, 0], rotationDeg: [0, 0, 0] },
          { part: 'back', shape: 'box', size: [s, back, 0.035], position: [0, seatY + 0.04 + back / 2, -s / 2 + 0.0175], rotationDeg: [0, 0, 0] },
          leg(o, o), leg(-o, o), leg(o, -o), leg(-o, -o),
        ],
        symmetry: 'none',
      };
    }
    case 'table': {
      const w = rng.range(0.45, 0.6);
      const d = rng.range(0.3, 0.4);
      const h = rng.range(0.25, 0.33);
      const leg = (x: number, z: number): Shape => ({ part: `leg-${x > 0 ? 'r' : 'l'}${z > 0 ? 'f' : 'b'}`, shape: 'box', size: [0.035, h, 0.035], position: [x, h / 2, z], rotationDeg: [0, 0, 0] });
      return {
        shapes: [
          { part: 'top', shape: 'box', size: [w, 0.035, d], position: [0, h + 0.0175, 0], rotationDeg: [0, 0, 0] },
          leg(w / 2 - 0.04, d / 2 - 0.04), leg(-w / 2 + 0.04, d / 2 - 0.04), leg(w / 2 - 0.04, -d / 2 + 0.04), leg(-w / 2 + 0.04, -d / 2 + 0.04),
        ],
        symmetry: 'c2',
      };
    }
    case 'bottle': {
      const r = rng.range(0.07, 0.09);
      const h = rng.range(0.26, 0.34);
      return {
        shapes: [
          { part: 'body', shape: 'cylinder', size: [r, r, h], position: [0, h / 2, 0], rotationDeg: [0, 0, 0] },
          { part: 'neck', shape: 'cylinder', size: [r * 0.35, r * 0.5, h * 0.35], position: [0, h + h * 0.175, 0], rotationDeg: [0, 0, 0] },
        ],
        symmetry: 'continuous',
      };
    }
    case 'ring': {
      const R = rng.range(0.13, 0.17);
      // Standing on its edge, facing +Z: a thin disc from the front, a bar from the side.
      return { shapes: [{ part: 'ring', shape: 'torus', size: [R, R * 0.25], position: [0, 0, 0], rotationDeg: [0, 0, 0] }], symmetry: 'c2' };
    }
    case 'ball': {
      return { shapes: [{ part: 'ball', shape: 'sphere', size: [rng.range(0.11, 0.15)], position: [0, 0, 0], rotationDeg: [0, 0, 0] }], symmetry: 'continuous' };
    }
  }
}

/** Axis-aligned bounds of a part (rotation ignored: every scene part is unrotated but for the shade's cone, which is axis-aligned). */
function partBounds(p: PartSpec): { min: Vec3; max: Vec3 } {
  const h = partHalfExtents(p);
  return { min: [p.position[0] - h[0], p.position[1] - h[1], p.position[2] - h[2]], max: [p.position[0] + h[0], p.position[1] + h[1], p.position[2] + h[2]] };
}

/**
 * Builds one object of `category` in `color`: its parts lifted to stand on y = 0 with the
 * footprint centred on the Y axis, and its half-extents. Draws its sizes from `rng`.
 */
export function buildSceneObject(category: SceneCategory, color: NamedColor, rng: Rng): SceneObject {
  const { shapes, symmetry } = shapesOf(category, rng);
  const parts: PartSpec[] = shapes.map(({ part, ...s }) => ({ ...s, name: `${category}.${part}`, colorName: color.name, colorHex: color.hex, material: 'standard' }));
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of parts) {
    const b = partBounds(p);
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], b.min[k]);
      max[k] = Math.max(max[k], b.max[k]);
    }
  }
  const shift: Vec3 = [-(min[0] + max[0]) / 2, -min[1], -(min[2] + max[2]) / 2];
  return {
    category,
    color,
    parts: parts.map((p) => ({ ...p, position: [p.position[0] + shift[0], p.position[1] + shift[1], p.position[2] + shift[2]] })),
    halfExtents: [(max[0] - min[0]) / 2, (max[1] - min[1]) / 2, (max[2] - min[2]) / 2],
    symmetry,
  };
}

/** The colours a scene object may take (the part palette; black excepted, which shading makes hard to tell from a shadow). */
export const SCENE_COLORS: readonly NamedColor[] = PART_COLORS.filter((c) => c.name !== 'black');
