/**
 * The original-to-normalised transform of a library asset (docs/assets.md): optional up-axis
 * correction, then centre the bounding box at the origin and scale it so its half-diagonal is
 * {@link TARGET_RADIUS} (the same bound as the procedural objects, inside the unit sphere). Pure.
 */
import type { AssetNormalisation, LibraryObjectSpec, Mat4, Vec3 } from '../../pipeline/types.js';
import type { Box3 } from './gltf-bounds.js';

/** Half-diagonal of the normalised bounding box (procedural objects use the same). */
export const TARGET_RADIUS = 0.98;


/** Row-major rotation taking the file's up axis to +Y: identity for 'y', −90° about +X for 'z' (+Z → +Y, +Y → −Z). */
export function upAxisRotation(upAxis: 'y' | 'z'): [Vec3, Vec3, Vec3] {
  return upAxis === 'y'
    ? [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    : [[1, 0, 0], [0, 0, 1], [0, -1, 0]];
}

/**
 * Normalisation of a scene whose bounding box (file units) is `box`.
 * @throws RangeError for an empty or degenerate (zero-size) box.
 */
export function normaliseBox(box: Box3, upAxis: 'y' | 'z', metresPerUnit: number | null): { normalisation: AssetNormalisation; halfExtents: Vec3 } {
  const U = upAxisRotation(upAxis);
  // Rotating an axis-aligned box by an axis permutation gives an axis-aligned box: rotate min/max and re-sort.
  const a = rotate(U, box.min);
  const b = rotate(U, box.max);
  const min: Vec3 = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.min(a[2], b[2])];
  const max: Vec3 = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.max(a[2], b[2])];
  const centre: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  const halfDiagonal = Math.hypot(max[0] - min[0], max[1] - min[1], max[2] - min[2]) / 2;
  if (!(halfDiagonal > 0) || !Number.isFinite(halfDiagonal)) throw new RangeError(`bounding box is degenerate (half-diagonal ${halfDiagonal})`);
  const scale = TARGET_RADIUS / halfDiagonal;
  const matrix: Mat4 = [
    [scale * U[0][0], scale * U[0][1], scale * U[0][2], -scale * centre[0]],
    [scale * U[1][0], scale * U[1][1], scale * U[1][2], -scale * centre[1]],
    [scale * U[2][0], scale * U[2][1], scale * U[2][2], -scale * centre[2]],
    [0, 0, 0, 1],
  ];
  const halfExtents: Vec3 = [scale * (max[0] - min[0]) / 2, scale * (max[1] - min[1]) / 2, scale * (max[2] - min[2]) / 2];
  return { normalisation: { upAxis, centre, scale, metresPerUnit, matrix }, halfExtents };
}

/** The 8 corners of the normalised bounding box of a library object (object frame). */
export function boxCorners(object: Pick<LibraryObjectSpec, 'halfExtents'>): Vec3[] {
  const [x, y, z] = object.halfExtents;
  const out: Vec3[] = [];
  for (let c = 0; c < 8; c++) out.push([c & 1 ? x : -x, c & 2 ? y : -y, c & 4 ? z : -z]);
  return out;
}

function rotate(m: [Vec3, Vec3, Vec3], p: Vec3): Vec3 {
  return [
    m[0][0] * p[0] + m[0][1] * p[1] + m[0][2] * p[2],
    m[1][0] * p[0] + m[1][1] * p[1] + m[1][2] * p[2],
    m[2][0] * p[0] + m[2][1] * p[1] + m[2][2] * p[2],
  ];
}
