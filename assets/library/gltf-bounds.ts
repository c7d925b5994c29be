/**
 * Bounding box of a glTF scene from its JSON alone: every mesh primitive's POSITION accessor
 * carries `min`/`max` (required by glTF 2.0, also for Draco- and meshopt-compressed data), and
 * the node hierarchy's transforms place those boxes in the scene. The eight corners of each
 * accessor box are transformed, so rotated nodes give the (exact) box of the transformed box —
 * never smaller than the true bounds, equal to them for axis-aligned nodes. Pure.
 */
import type { Vec3 } from '../../pipeline/types.js';
import { ModelFileError, type GltfJson } from './gltf-container.js';

/** An axis-aligned box. */
export interface Box3 {
  min: Vec3;
  max: Vec3;
}

/** Column-major 4×4, as glTF stores `node.matrix`. */
type Mat4c = number[];

const IDENTITY: Mat4c = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** Largest magnitude of each normalised integer component type (glTF `componentType`). */
const NORMALISED_DIVISOR: Readonly<Record<number, number>> = { 5120: 127, 5121: 255, 5122: 32767, 5123: 65535 };

/**
 * The bounding box of the default scene (`scene`, else scene 0, else every root node).
 * @throws ModelFileError 'no-geometry' when no mesh primitive has a POSITION accessor with a
 *   finite min/max, 'corrupt' for a node cycle or an out-of-range index.
 */
export function sceneBounds(json: GltfJson): Box3 {
  const nodes = json.nodes ?? [];
  const roots = rootNodes(json);
  const box: Box3 = { min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] };
  const visiting = new Set<number>();
  const visit = (index: number, parent: Mat4c) => {
    const node = nodes[index];
    if (node === undefined || !Number.isInteger(index)) throw new ModelFileError('corrupt', `glTF node index ${index} is out of range`);
    if (visiting.has(index)) throw new ModelFileError('corrupt', `glTF node ${index} is its own ancestor`);
    visiting.add(index);
    const world = multiply(parent, localMatrix(node));
    if (typeof node.mesh === 'number') addMesh(json, node.mesh, world, box);
    if (Array.isArray(node.children)) for (const child of node.children) visit(child as number, world);
    visiting.delete(index);
  };
  for (const root of roots) visit(root, IDENTITY);
  if (!box.min.every(Number.isFinite) || !box.max.every(Number.isFinite)) {
    throw new ModelFileError('no-geometry', 'glTF scene has no mesh primitive with POSITION min/max');
  }
  return box;
}

function rootNodes(json: GltfJson): number[] {
  const scenes = json.scenes ?? [];
  const pick = typeof json.scene === 'number' ? json.scene : 0;
  const scene = scenes[pick];
  if (scene !== undefined && Array.isArray(scene.nodes)) return scene.nodes as number[];
  // No scene: every node that is nobody's child.
  const nodes = json.nodes ?? [];
  const children = new Set<number>();
  for (const n of nodes) if (Array.isArray(n.children)) for (const c of n.children) children.add(c as number);
  return nodes.map((_, i) => i).filter((i) => !children.has(i));
}

function addMesh(json: GltfJson, meshIndex: number, world: Mat4c, box: Box3): void {
  const mesh = json.meshes?.[meshIndex];
  if (mesh === undefined) throw new ModelFileError('corrupt', `glTF mesh index ${meshIndex} is out of range`);
  for (const primitive of mesh.primitives ?? []) {
    const index = primitive.attributes?.POSITION;
    if (typeof index !== 'number') continue;
    const accessor = json.accessors?.[index];
    if (accessor === undefined) throw new ModelFileError('corrupt', `glTF accessor index ${index} is out of range`);
    const min = readVec3(accessor.min);
    const max = readVec3(accessor.max);
    if (min === null || max === null) throw new ModelFileError('corrupt', `glTF POSITION accessor ${index} has no finite min/max`);
    const divisor = accessor.normalized === true ? NORMALISED_DIVISOR[accessor.componentType as number] : undefined;
    if (divisor !== undefined) {
      // min/max hold the stored integers; the shader sees them divided (signed values clamp at −1).
      for (let k = 0; k < 3; k++) {
        min[k] = Math.max(min[k] / divisor, -1);
        max[k] = Math.max(max[k] / divisor, -1);
      }
    }
    for (let corner = 0; corner < 8; corner++) {
      const p: Vec3 = [corner & 1 ? max[0] : min[0], corner & 2 ? max[1] : min[1], corner & 4 ? max[2] : min[2]];
      const q = transformPoint(world, p);
      for (let k = 0; k < 3; k++) {
        box.min[k] = Math.min(box.min[k], q[k]);
        box.max[k] = Math.max(box.max[k], q[k]);
      }
    }
  }
}

function readVec3(value: unknown): Vec3 | null {
  if (!Array.isArray(value) || value.length < 3) return null;
  const v = value.slice(0, 3).map(Number) as Vec3;
  return v.every(Number.isFinite) ? v : null;
}

/** A node's local matrix: `matrix` when given, else T · R · S. */
function localMatrix(node: NonNullable<GltfJson['nodes']>[number]): Mat4c {
  if (Array.isArray(node.matrix) && node.matrix.length === 16 && node.matrix.every((x) => Number.isFinite(x))) return node.matrix as number[];
  const t = numbers(node.translation, 3) ?? [0, 0, 0];
  const [x, y, z, w] = numbers(node.rotation, 4) ?? [0, 0, 0, 1];
  const s = numbers(node.scale, 3) ?? [1, 1, 1];
  // Column-major rotation of a unit quaternion, columns scaled by s.
  return [
    (1 - 2 * (y * y + z * z)) * s[0], 2 * (x * y + z * w) * s[0], 2 * (x * z - y * w) * s[0], 0,
    2 * (x * y - z * w) * s[1], (1 - 2 * (x * x + z * z)) * s[1], 2 * (y * z + x * w) * s[1], 0,
    2 * (x * z + y * w) * s[2], 2 * (y * z - x * w) * s[2], (1 - 2 * (x * x + y * y)) * s[2], 0,
    t[0], t[1], t[2], 1,
  ];
}

function numbers(value: unknown, n: number): number[] | null {
  return Array.isArray(value) && value.length === n && value.every((x) => Number.isFinite(x)) ? (value as number[]) : null;
}

function multiply(a: Mat4c, b: Mat4c): Mat4c {
  const out = new Array<number>(16);
  for (let col = 0; col < 4; col++) {
    for (let row = 0; row < 4; row++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += a[k * 4 + row] * b[col * 4 + k];
      out[col * 4 + row] = sum;
    }
  }
  return out;
}

function transformPoint(m: Mat4c, p: Vec3): Vec3 {
  return [
    m[0] * p[0] + m[4] * p[1] + m[8] * p[2] + m[12],
    m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13],
    m[2] * p[0] + m[6] * p[1] + m[10] * p[2] + m[14],
  ];
}
