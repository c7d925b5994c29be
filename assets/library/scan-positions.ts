/**
 * Scans a glTF model's vertex positions, not only the accessors' declared `min`/`max` (which a
 * broken exporter can write as finite numbers over NaN data): every stored POSITION value must be
 * finite and lie inside its accessor's declared box (with a small tolerance), and the scene's
 * bounding box must have a sane size. A model that fails is skipped by the index as 'bad-geometry'
 * with the reason, so it never reaches the page or a record.
 *
 * What it cannot read is left to the page's empty-render check (pipeline/run/check-visibility.ts,
 * 'blank-view', which quarantines the model): Draco- and meshopt-compressed positions (decoding
 * them needs the decoders the page has) and sparse accessors. Pure.
 */
import { ModelFileError, type GltfJson } from './gltf-container.js';
import type { Box3 } from './gltf-bounds.js';

/** Sane half-diagonal of a scene's bounding box, in file units: a micrometre to a thousand kilometres (whatever the unit, beyond that the file is broken). */
export const SANE_HALF_DIAGONAL = Object.freeze({ min: 1e-6, max: 1e6 });

/** Slack of the declared-box check, as a share of the box's largest side (exporters round min/max). */
const BOX_TOLERANCE = 0.01;

const FLOAT = 5126;

interface BufferView {
  buffer?: unknown;
  byteOffset?: unknown;
  byteLength?: unknown;
  byteStride?: unknown;
  extensions?: Record<string, unknown>;
}

interface PositionAccessor {
  bufferView?: unknown;
  byteOffset?: unknown;
  count?: unknown;
  componentType?: unknown;
  type?: unknown;
  sparse?: unknown;
  min?: unknown;
  max?: unknown;
}

function bad(message: string): ModelFileError {
  return new ModelFileError('bad-geometry', message);
}

/**
 * Checks the scene's bounding box (from {@link sceneBounds}) for a sane size.
 * @throws ModelFileError 'bad-geometry' naming the half-diagonal.
 */
export function checkSceneSize(box: Box3): void {
  const h = Math.hypot(box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]) / 2;
  if (!Number.isFinite(h) || h > SANE_HALF_DIAGONAL.max || (h > 0 && h < SANE_HALF_DIAGONAL.min)) {
    throw bad(`the scene's bounding box has a half-diagonal of ${h.toExponential(3)} file units, outside the sane ${SANE_HALF_DIAGONAL.min}…${SANE_HALF_DIAGONAL.max}`);
  }
}

/**
 * Scans every uncompressed float POSITION accessor of the model's mesh primitives. `buffers[i]`
 * holds buffer i's bytes (null when not available, e.g. a meshopt fallback buffer).
 * @throws ModelFileError 'bad-geometry' naming the accessor and the first bad value, or
 *   'corrupt' when an accessor's data runs past its buffer.
 */
export function scanPositions(json: GltfJson, buffers: readonly (Uint8Array | null)[]): void {
  const views = ((json as { bufferViews?: BufferView[] }).bufferViews ?? []);
  const accessors = (json.accessors ?? []) as PositionAccessor[];
  const seen = new Set<number>();
  for (const mesh of json.meshes ?? []) {
    for (const primitive of mesh.primitives ?? []) {
      const index = primitive.attributes?.POSITION;
      const compressed = (primitive as { extensions?: Record<string, unknown> }).extensions?.KHR_draco_mesh_compression !== undefined;
      if (typeof index !== 'number' || compressed || seen.has(index)) continue;
      seen.add(index);
      const accessor = accessors[index];
      if (accessor === undefined || accessor.componentType !== FLOAT || accessor.type !== 'VEC3' || accessor.sparse !== undefined) continue;
      if (typeof accessor.bufferView !== 'number') continue; // all zeros by the spec
      const view = views[accessor.bufferView];
      if (view === undefined || view.extensions?.EXT_meshopt_compression !== undefined || view.extensions?.KHR_meshopt_compression !== undefined) continue;
      const buffer = typeof view.buffer === 'number' ? buffers[view.buffer] : null;
      if (buffer === null || buffer === undefined) continue;
      scanAccessor(index, accessor, view, buffer);
    }
  }
}

function scanAccessor(index: number, accessor: PositionAccessor, view: BufferView, buffer: Uint8Array): void {
  const count = typeof accessor.count === 'number' ? accessor.count : 0;
  const stride = typeof view.byteStride === 'number' && view.byteStride > 0 ? view.byteStride : 12;
  const start = (typeof view.byteOffset === 'number' ? view.byteOffset : 0) + (typeof accessor.byteOffset === 'number' ? accessor.byteOffset : 0);
  const end = start + (count - 1) * stride + 12;
  if (count > 0 && end > buffer.byteLength) throw new ModelFileError('corrupt', `POSITION accessor ${index} (${count} vertices) runs past the end of its buffer (${end} > ${buffer.byteLength} bytes)`);
  const data = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const min = Array.isArray(accessor.min) ? accessor.min.map(Number) : null;
  const max = Array.isArray(accessor.max) ? accessor.max.map(Number) : null;
  const slack = min !== null && max !== null ? BOX_TOLERANCE * Math.max(...[0, 1, 2].map((k) => max[k] - min[k]), 0) : Infinity;
  for (let v = 0; v < count; v++) {
    for (let k = 0; k < 3; k++) {
      const x = data.getFloat32(start + v * stride + 4 * k, true);
      if (!Number.isFinite(x)) throw bad(`POSITION accessor ${index}: vertex ${v} has a non-finite coordinate (${x})`);
      if (min !== null && max !== null && (x < min[k] - slack || x > max[k] + slack)) {
        throw bad(`POSITION accessor ${index}: vertex ${v} lies outside the accessor's declared min/max (coordinate ${k} = ${x}, declared ${min[k]}…${max[k]})`);
      }
    }
  }
}
