/**
 * What the geometry says about each named part in one view: where its centre projects, how deep
 * it is, how much of it is visible, and whether the whole object is in frame. Runs in Node with
 * three.js meshes only (no WebGL), from the same {@link buildObject} triangles the page draws.
 *
 * Frames: the object frame is the one {@link buildObject} builds in; {@link poseObject} turns it
 * into the world frame (yaw about world +Y, degrees). Projection uses the record's OpenCV camera
 * (x right, y down, z forward; `x_cam = R X + t`) and pixel convention (see {@link projectPoint}).
 *
 * CONTRIBUTOR NOTES
 * - Visibility is decided per sample point: a point counts as visible when it projects inside the
 *   image (depth > 0, 0 ≤ u ≤ width, 0 ≤ v ≤ height) and the segment from the camera centre to it
 *   crosses no triangle of the object (any part, the point's own part included) closer than the
 *   point minus `occlusionEpsilonM`. Self-occlusion therefore counts: the back of a sphere is
 *   hidden by its front, so an unoccluded round part scores about 0.5, a box about 0.6. Sample
 *   points lie on the tessellated surface: unique vertices plus triangle centroids (so flat faces
 *   get interior points, not only corners), thinned to 256 by stride and then to
 *   `maxSamplesPerPart` by farthest-point sampling. The part centre is NOT a visibility sample:
 *   it lies inside every solid part and would always count as hidden.
 * - Ray casting. `THREE.Raycaster.intersectObject` (far = point distance − ε, DoubleSide) was
 *   tried first and gives the same fractions (a test keeps it as the reference), but it tests
 *   every triangle of every mesh whose bounding sphere the ray touches, builds a full
 *   intersection record per hit and sorts them; three.js has no first-hit-only mode without
 *   three-mesh-bvh (not a dependency). Measured on planner gadgets and cube chains (~5.4 parts,
 *   ~1,500 triangles, ≤ 24 samples a part, 512², Node 20, a shared 2-core CPU): Raycaster
 *   ~4.5 ms a view. Here the part triangles are copied once per object into a flat float64 BVH
 *   in the object frame (midpoint split of the centroid box, ≤ 4 triangles a leaf), the camera
 *   centre is moved into the object frame for each view, and an any-hit segment query (slab
 *   test + double-sided Möller–Trumbore) stops at the first occluder: ~0.2 ms a view, plus
 *   ~2–3 ms per object to build the model (of which ~1 ms is {@link buildObject} itself).
 *   Double-sided so a point seen through a back face (which Raycaster's FrontSide default
 *   would skip) still counts as hidden.
 * - `inFrame` and `coverage` use every unique vertex of the object (not only the thinned samples),
 *   so the bounding box is that of the tessellated mesh the page draws.
 */
import * as THREE from 'three';
import { buildObject, poseObject } from '../../assets/procedural/build-object.js';
import type { CameraPose, ObjectSpec, PartView, Vec3, ViewFacts } from '../types.js';
import { projectPoint } from './project-point.js';

const NAME = 'computeViewFacts';

/** Options of {@link computeViewFacts} and {@link buildVisibilityModel}. */
export interface ViewFactsOptions {
  /**
   * A part is `visible` when its `visibleFraction` is at least this share.
   * @default 0.15
   */
  minVisibleFraction: number;
  /**
   * `inFrame` requires every vertex to lie at least this far inside the image border, as a share
   * of the image width (applied to all four borders).
   * @default 0.02
   */
  frameMarginFraction: number;
  /**
   * Upper bound on visibility sample points per part (chosen when the model is built).
   * @default 24
   */
  maxSamplesPerPart: number;
  /**
   * A hit counts as occluding only if it is closer to the camera than the sample point by more
   * than this, metres (absorbs rounding where the ray meets the point's own triangles).
   * @default 1e-4
   */
  occlusionEpsilonM: number;
}

/** Defaults of {@link ViewFactsOptions}. */
export const VIEW_FACTS_DEFAULTS: Readonly<ViewFactsOptions> = Object.freeze({
  minVisibleFraction: 0.15,
  frameMarginFraction: 0.02,
  maxSamplesPerPart: 24,
  occlusionEpsilonM: 1e-4,
});

/** Per-part data of a {@link VisibilityModel}, object frame, metres. */
export interface PartSamples {
  /** Part name ({@link PartSpec.name}). */
  name: string;
  /** Part centre in the object frame ({@link PartSpec.position}). */
  centre: Vec3;
  /** Visibility sample points on the part's surface, object frame, xyz packed. */
  samples: Float64Array;
}

/**
 * An object prepared for visibility queries: its three.js group (built by {@link buildObject}),
 * sample points per part and a triangle BVH, all in the object frame. Build it once per object
 * with {@link buildVisibilityModel} and query it for every view and object yaw with
 * {@link viewFactsFromModel}. Each query re-poses `group` to its yaw and leaves it there.
 */
export interface VisibilityModel {
  object: ObjectSpec;
  /** The meshes, as the renderer builds them; re-posed by each query. */
  group: THREE.Group;
  /** One entry per part, in {@link ObjectSpec.parts} order. */
  parts: PartSamples[];
  /** Every unique vertex of the object, object frame, xyz packed (for `inFrame` and `coverage`). */
  hull: Float64Array;
  /** Triangle BVH in the object frame. */
  bvh: TriangleBvh;
  /** The `maxSamplesPerPart` the model was built with. */
  maxSamplesPerPart: number;
}

/**
 * Builds the meshes of `object` once and prepares them for {@link viewFactsFromModel}: the
 * triangles of every part (posed within the object frame) go into a BVH, and each part gets at
 * most `maxSamplesPerPart` well-spread surface points. Deterministic: same spec, same model.
 */
export function buildVisibilityModel(
  object: ObjectSpec,
  options: Partial<Pick<ViewFactsOptions, 'maxSamplesPerPart'>> = {},
): VisibilityModel {
  const maxSamplesPerPart = options.maxSamplesPerPart ?? VIEW_FACTS_DEFAULTS.maxSamplesPerPart;
  if (!(Number.isInteger(maxSamplesPerPart) && maxSamplesPerPart >= 1)) {
    throw new RangeError(`${NAME}: maxSamplesPerPart must be an integer ≥ 1, got ${maxSamplesPerPart}`);
  }
  if (object.parts.length === 0) throw new Error(`${NAME}: object "${object.name}" has no parts`);
  const group = buildObject(object);
  poseObject(group, 0); // mesh.matrixWorld = part → object frame
  const partTris: Float64Array[] = [];
  const partHulls: Float64Array[] = [];
  const parts: PartSamples[] = object.parts.map((spec, p) => {
    const { vertices, tris } = meshTriangles(group.children[p] as THREE.Mesh);
    const unique = uniqueVertices(vertices);
    partTris.push(tris);
    partHulls.push(unique);
    const samples = farthestPointSample(sampleCandidates(unique, tris), maxSamplesPerPart);
    return { name: spec.name, centre: [...spec.position] as Vec3, samples };
  });
  return {
    object,
    group,
    parts,
    hull: concat(partHulls),
    bvh: buildBvh(concat(partTris)),
    maxSamplesPerPart,
  };
}

/**
 * Computes {@link ViewFacts} for one view of an object posed at `objectYawDeg` (degrees about
 * world +Y). Builds the meshes every call; when several views share an object, build a
 * {@link VisibilityModel} once and call {@link viewFactsFromModel} instead.
 *
 * @example
 * const facts = computeViewFacts(spec, 30, orbitCamera(orbit, K));
 * facts.parts.find((p) => p.name === 'handle')?.horizontal; // 'left' | 'centre' | 'right'
 */
export function computeViewFacts(
  object: ObjectSpec,
  objectYawDeg: number,
  camera: CameraPose,
  options: Partial<ViewFactsOptions> = {},
): ViewFacts {
  return viewFactsFromModel(buildVisibilityModel(object, options), objectYawDeg, camera, options);
}

/**
 * Computes {@link ViewFacts} for one view from a prebuilt {@link VisibilityModel}.
 *
 * Per part (in {@link ObjectSpec.parts} order): `centrePx` = projected part centre (pixels, may
 * be outside the image), `depthM` = its OpenCV z, `visibleFraction` = share of sample points
 * inside the image and unoccluded (see the file notes), `visible` = `visibleFraction ≥
 * minVisibleFraction`, `horizontal`/`vertical` = the image third holding the centre (u < W/3 is
 * 'left', u ≥ 2W/3 is 'right'; v < H/3 is 'top', v ≥ 2H/3 is 'bottom'). Per view: `inFrame` = every
 * vertex has depth > 0 and lies inside the image shrunk by `frameMarginFraction · width` on each
 * side; `coverage` = area of the projected vertices' bounding box, clipped to the image, over
 * the image area (vertices behind the camera are left out of the box).
 * `options.maxSamplesPerPart` is ignored here (fixed when the model was built).
 */
/** The image thirds holding pixel position (u, v): u < W/3 is 'left', u ≥ 2W/3 'right', else 'centre'; the same vertically. */
export function imageThirds(u: number, v: number, width: number, height: number): Pick<PartView, 'horizontal' | 'vertical'> {
  return {
    horizontal: u < width / 3 ? 'left' : u >= (2 * width) / 3 ? 'right' : 'centre',
    vertical: v < height / 3 ? 'top' : v >= (2 * height) / 3 ? 'bottom' : 'middle',
  };
}

export function viewFactsFromModel(
  model: VisibilityModel,
  objectYawDeg: number,
  camera: CameraPose,
  options: Partial<ViewFactsOptions> = {},
): ViewFacts {
  const opts = resolveOptions(options);
  const { width, height } = camera.K;
  poseObject(model.group, objectYawDeg);
  const m = model.group.matrixWorld.elements; // object → world, column-major
  const toWorld = (x: number, y: number, z: number): Vec3 => [
    m[0] * x + m[4] * y + m[8] * z + m[12],
    m[1] * x + m[5] * y + m[9] * z + m[13],
    m[2] * x + m[6] * y + m[10] * z + m[14],
  ];
  // Camera centre in the object frame (the pose is rigid: inverse = transpose of the rotation).
  const C = camera.centre;
  const d: Vec3 = [C[0] - m[12], C[1] - m[13], C[2] - m[14]];
  const origin: Vec3 = [
    m[0] * d[0] + m[1] * d[1] + m[2] * d[2],
    m[4] * d[0] + m[5] * d[1] + m[6] * d[2],
    m[8] * d[0] + m[9] * d[1] + m[10] * d[2],
  ];

  const parts: PartView[] = model.parts.map((part) => {
    const centre = projectPoint(camera, toWorld(part.centre[0], part.centre[1], part.centre[2]));
    const s = part.samples;
    const count = s.length / 3;
    let seen = 0;
    for (let i = 0; i < s.length; i += 3) {
      const q = projectPoint(camera, toWorld(s[i], s[i + 1], s[i + 2]));
      if (!(q.depthM > 0 && q.u >= 0 && q.u <= width && q.v >= 0 && q.v <= height)) continue;
      if (!segmentBlocked(model.bvh, origin, s[i], s[i + 1], s[i + 2], opts.occlusionEpsilonM)) seen++;
    }
    const visibleFraction = count > 0 ? seen / count : 0;
    return {
      name: part.name,
      centrePx: [centre.u, centre.v],
      depthM: centre.depthM,
      visibleFraction,
      visible: visibleFraction >= opts.minVisibleFraction,
      ...imageThirds(centre.u, centre.v, width, height),
    };
  });

  const margin = opts.frameMarginFraction * width;
  let inFrame = true;
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  const h = model.hull;
  for (let i = 0; i < h.length; i += 3) {
    const q = projectPoint(camera, toWorld(h[i], h[i + 1], h[i + 2]));
    if (!(q.depthM > 0)) {
      inFrame = false;
      continue;
    }
    if (q.u < margin || q.u > width - margin || q.v < margin || q.v > height - margin) inFrame = false;
    if (q.u < uMin) uMin = q.u;
    if (q.u > uMax) uMax = q.u;
    if (q.v < vMin) vMin = q.v;
    if (q.v > vMax) vMax = q.v;
  }
  const boxW = Math.max(0, Math.min(uMax, width) - Math.max(uMin, 0));
  const boxH = Math.max(0, Math.min(vMax, height) - Math.max(vMin, 0));
  const coverage = Number.isFinite(boxW * boxH) ? (boxW * boxH) / (width * height) : 0;
  return { camera, parts, inFrame, coverage };
}

/** Defaults overlaid with the options that are set (an explicit `undefined` keeps the default). */
function resolveOptions(options: Partial<ViewFactsOptions>): ViewFactsOptions {
  const out: ViewFactsOptions = { ...VIEW_FACTS_DEFAULTS };
  for (const key of Object.keys(out) as (keyof ViewFactsOptions)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

// --- Mesh extraction and sampling -------------------------------------------------------------

/**
 * Triangles of a mesh in its parent's (object) frame: vertices packed xyz, and 9 numbers a
 * triangle (degenerate ones, e.g. at sphere poles, dropped: they can never be hit).
 */
function meshTriangles(mesh: THREE.Mesh): { vertices: Float64Array; tris: Float64Array } {
  const geometry = mesh.geometry as THREE.BufferGeometry;
  const position = geometry.getAttribute('position');
  const e = mesh.matrixWorld.elements;
  const vertices = new Float64Array(position.count * 3);
  for (let i = 0; i < position.count; i++) {
    const x = position.getX(i);
    const y = position.getY(i);
    const z = position.getZ(i);
    vertices[i * 3] = e[0] * x + e[4] * y + e[8] * z + e[12];
    vertices[i * 3 + 1] = e[1] * x + e[5] * y + e[9] * z + e[13];
    vertices[i * 3 + 2] = e[2] * x + e[6] * y + e[10] * z + e[14];
  }
  const index = geometry.getIndex();
  const n = Math.floor((index ? index.count : position.count) / 3);
  const tris = new Float64Array(n * 9);
  let kept = 0;
  for (let f = 0; f < n; f++) {
    const a = (index ? index.getX(f * 3) : f * 3) * 3;
    const b = (index ? index.getX(f * 3 + 1) : f * 3 + 1) * 3;
    const c = (index ? index.getX(f * 3 + 2) : f * 3 + 2) * 3;
    const ux = vertices[b] - vertices[a], uy = vertices[b + 1] - vertices[a + 1], uz = vertices[b + 2] - vertices[a + 2];
    const wx = vertices[c] - vertices[a], wy = vertices[c + 1] - vertices[a + 1], wz = vertices[c + 2] - vertices[a + 2];
    const area2 = Math.hypot(uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx);
    if (area2 < 1e-12) continue;
    for (let k = 0; k < 3; k++) {
      tris[kept * 9 + k] = vertices[a + k];
      tris[kept * 9 + 3 + k] = vertices[b + k];
      tris[kept * 9 + 6 + k] = vertices[c + k];
    }
    kept++;
  }
  return { vertices, tris: tris.slice(0, kept * 9) };
}

/** Vertices (xyz packed) with duplicates within 0.1 µm (seams, poles, cone tips) removed, first kept. */
function uniqueVertices(vertices: Float64Array): Float64Array {
  const seen = new Set<string>();
  const out: number[] = [];
  for (let i = 0; i < vertices.length; i += 3) {
    const x = vertices[i], y = vertices[i + 1], z = vertices[i + 2];
    const key = `${Math.round(x * 1e7)},${Math.round(y * 1e7)},${Math.round(z * 1e7)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(x, y, z);
  }
  return Float64Array.from(out);
}

/** Most candidate points handed to farthest-point sampling per part (bounds its O(n·k) cost). */
const CANDIDATE_POOL = 256;

/**
 * Candidate sample points of a part, xyz packed: its unique vertices followed by its triangle
 * centroids (so flat faces get interior points, not only corners and rims), thinned to at most
 * {@link CANDIDATE_POOL} by keeping every k-th.
 */
function sampleCandidates(unique: Float64Array, tris: Float64Array): Float64Array {
  const nv = unique.length / 3;
  const total = nv + tris.length / 9;
  const step = Math.ceil(total / CANDIDATE_POOL);
  const out = new Float64Array(Math.ceil(total / step) * 3);
  let o = 0;
  for (let c = 0; c < total; c += step, o += 3) {
    if (c < nv) {
      out[o] = unique[c * 3];
      out[o + 1] = unique[c * 3 + 1];
      out[o + 2] = unique[c * 3 + 2];
    } else {
      const i = (c - nv) * 9;
      out[o] = (tris[i] + tris[i + 3] + tris[i + 6]) / 3;
      out[o + 1] = (tris[i + 1] + tris[i + 4] + tris[i + 7]) / 3;
      out[o + 2] = (tris[i + 2] + tris[i + 5] + tris[i + 8]) / 3;
    }
  }
  return out;
}

/**
 * Deterministic farthest-point sampling over xyz-packed points: start from the point farthest
 * from their mean, then repeatedly add the point farthest from everything chosen (ties: lowest
 * index). Returns at most `max` points, xyz packed.
 */
function farthestPointSample(points: Float64Array, max: number): Float64Array {
  const n = points.length / 3;
  if (n <= max) return points.slice();
  let mx = 0, my = 0, mz = 0;
  for (let i = 0; i < points.length; i += 3) {
    mx += points[i];
    my += points[i + 1];
    mz += points[i + 2];
  }
  mx /= n;
  my /= n;
  mz /= n;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    dist[i] = (points[i * 3] - mx) ** 2 + (points[i * 3 + 1] - my) ** 2 + (points[i * 3 + 2] - mz) ** 2;
  }
  const out = new Float64Array(max * 3);
  let k = 0;
  for (; k < max; k++) {
    let best = 0;
    for (let i = 1; i < n; i++) if (dist[i] > dist[best]) best = i;
    if (k > 0 && dist[best] === 0) break; // only duplicates of chosen points are left
    const bx = points[best * 3], by = points[best * 3 + 1], bz = points[best * 3 + 2];
    out[k * 3] = bx;
    out[k * 3 + 1] = by;
    out[k * 3 + 2] = bz;
    // From here on dist[i] is the squared distance from point i to the chosen set.
    for (let i = 0; i < n; i++) {
      const d2 = (points[i * 3] - bx) ** 2 + (points[i * 3 + 1] - by) ** 2 + (points[i * 3 + 2] - bz) ** 2;
      dist[i] = k === 0 || d2 < dist[i] ? d2 : dist[i];
    }
  }
  return out.slice(0, k * 3);
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

// --- Triangle BVH and any-hit segment query -----------------------------------------------------

/** Flat bounding-volume hierarchy over triangles (object frame). */
export interface TriangleBvh {
  /** Per triangle, 9 numbers: v0 (3), e1 = v1 − v0 (3), e2 = v2 − v0 (3); in leaf order. */
  tris: Float64Array;
  /** Per node: min xyz, max xyz. */
  bounds: Float64Array;
  /** Per node: [first triangle, count] for a leaf (count > 0); [left child, 0] for an inner node (right = left + 1). */
  nodes: Int32Array;
}

const LEAF_SIZE = 4;

/**
 * Builds a {@link TriangleBvh} from packed triangles (9 numbers each: v0, v1, v2). Each node
 * splits its triangles at the midpoint of the longest axis of their centroids' box (an O(n)
 * in-place partition), or in half by order when that puts everything on one side.
 */
function buildBvh(raw: Float64Array): TriangleBvh {
  const n = raw.length / 9;
  const centroid = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) centroid[i * 3 + k] = (raw[i * 9 + k] + raw[i * 9 + 3 + k] + raw[i * 9 + 6 + k]) / 3;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const maxNodes = 2 * n + 1; // a binary tree with at most n leaves
  const bounds = new Float64Array(maxNodes * 6);
  const nodes = new Int32Array(maxNodes * 2);
  let used = 1;
  // Work list of [node, start, end).
  const work = new Int32Array(maxNodes * 3);
  let top = 0;
  work[top++] = 0;
  work[top++] = 0;
  work[top++] = n;
  while (top > 0) {
    const end = work[--top];
    const start = work[--top];
    const node = work[--top];
    const count = end - start;
    if (count <= LEAF_SIZE) {
      nodes[node * 2] = start;
      nodes[node * 2 + 1] = count;
      continue;
    }
    let clx = Infinity, cly = Infinity, clz = Infinity, chx = -Infinity, chy = -Infinity, chz = -Infinity;
    for (let i = start; i < end; i++) {
      const t = order[i] * 3;
      const cx = centroid[t], cy = centroid[t + 1], cz = centroid[t + 2];
      if (cx < clx) clx = cx;
      if (cx > chx) chx = cx;
      if (cy < cly) cly = cy;
      if (cy > chy) chy = cy;
      if (cz < clz) clz = cz;
      if (cz > chz) chz = cz;
    }
    const ex = chx - clx, ey = chy - cly, ez = chz - clz;
    const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
    const split = axis === 0 ? (clx + chx) / 2 : axis === 1 ? (cly + chy) / 2 : (clz + chz) / 2;
    // Partition [start, end) so centroids below `split` come first.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (centroid[order[i] * 3 + axis] < split) i++;
      else {
        const swap = order[i];
        order[i] = order[j];
        order[j] = swap;
        j--;
      }
    }
    const mid = i === start || i === end ? start + (count >> 1) : i;
    const left = used;
    used += 2;
    nodes[node * 2] = left;
    nodes[node * 2 + 1] = 0;
    work[top++] = left;
    work[top++] = start;
    work[top++] = mid;
    work[top++] = left + 1;
    work[top++] = mid;
    work[top++] = end;
  }
  const tris = new Float64Array(n * 9);
  for (let i = 0; i < n; i++) {
    const t = order[i] * 9;
    for (let k = 0; k < 3; k++) {
      tris[i * 9 + k] = raw[t + k];
      tris[i * 9 + 3 + k] = raw[t + 3 + k] - raw[t + k];
      tris[i * 9 + 6 + k] = raw[t + 6 + k] - raw[t + k];
    }
  }
  // Node boxes bottom-up: children are always numbered after their parent.
  for (let node = used - 1; node >= 0; node--) {
    const b = node * 6;
    let lx = Infinity, ly = Infinity, lz = Infinity, hx = -Infinity, hy = -Infinity, hz = -Infinity;
    const count = nodes[node * 2 + 1];
    if (count > 0) {
      const first = nodes[node * 2];
      for (let i = first; i < first + count; i++) {
        for (let v = order[i] * 9; v < order[i] * 9 + 9; v += 3) {
          const x = raw[v], y = raw[v + 1], z = raw[v + 2];
          if (x < lx) lx = x;
          if (x > hx) hx = x;
          if (y < ly) ly = y;
          if (y > hy) hy = y;
          if (z < lz) lz = z;
          if (z > hz) hz = z;
        }
      }
    } else {
      const l = nodes[node * 2] * 6;
      const r = l + 6;
      lx = Math.min(bounds[l], bounds[r]);
      ly = Math.min(bounds[l + 1], bounds[r + 1]);
      lz = Math.min(bounds[l + 2], bounds[r + 2]);
      hx = Math.max(bounds[l + 3], bounds[r + 3]);
      hy = Math.max(bounds[l + 4], bounds[r + 4]);
      hz = Math.max(bounds[l + 5], bounds[r + 5]);
    }
    bounds[b] = lx;
    bounds[b + 1] = ly;
    bounds[b + 2] = lz;
    bounds[b + 3] = hx;
    bounds[b + 4] = hy;
    bounds[b + 5] = hz;
  }
  return { tris, bounds: bounds.slice(0, used * 6), nodes: nodes.slice(0, used * 2) };
}

const traversalStack = new Int32Array(256);

/**
 * True when the segment from `o` to `(px, py, pz)` crosses a triangle more than `eps` metres
 * before reaching the point. Double-sided Möller–Trumbore, stops at the first such hit.
 */
function segmentBlocked(bvh: TriangleBvh, o: Vec3, px: number, py: number, pz: number, eps: number): boolean {
  const dx = px - o[0];
  const dy = py - o[1];
  const dz = pz - o[2];
  const len = Math.hypot(dx, dy, dz);
  const tMax = 1 - eps / len; // parametric: the point is at t = 1
  if (!(tMax > 0)) return false;
  const ix = 1 / dx;
  const iy = 1 / dy;
  const iz = 1 / dz;
  const { bounds, nodes, tris } = bvh;
  let sp = 0;
  traversalStack[sp++] = 0;
  while (sp > 0) {
    const node = traversalStack[--sp];
    const b = node * 6;
    // Slab test of the segment t ∈ [0, tMax] against the node box.
    let t0 = 0;
    let t1 = tMax;
    let ta = (bounds[b] - o[0]) * ix;
    let tb = (bounds[b + 3] - o[0]) * ix;
    if (ta > tb) {
      const swap = ta;
      ta = tb;
      tb = swap;
    }
    if (ta > t0) t0 = ta;
    if (tb < t1) t1 = tb;
    ta = (bounds[b + 1] - o[1]) * iy;
    tb = (bounds[b + 4] - o[1]) * iy;
    if (ta > tb) {
      const swap = ta;
      ta = tb;
      tb = swap;
    }
    if (ta > t0) t0 = ta;
    if (tb < t1) t1 = tb;
    ta = (bounds[b + 2] - o[2]) * iz;
    tb = (bounds[b + 5] - o[2]) * iz;
    if (ta > tb) {
      const swap = ta;
      ta = tb;
      tb = swap;
    }
    if (ta > t0) t0 = ta;
    if (tb < t1) t1 = tb;
    if (t0 > t1) continue; // NaN (0 · ∞ on an axis-parallel segment) leaves that slab unchecked: conservative
    const count = nodes[node * 2 + 1];
    if (count === 0) {
      const left = nodes[node * 2];
      traversalStack[sp++] = left;
      traversalStack[sp++] = left + 1;
      continue;
    }
    const first = nodes[node * 2];
    for (let i = first; i < first + count; i++) {
      const k = i * 9;
      const e1x = tris[k + 3], e1y = tris[k + 4], e1z = tris[k + 5];
      const e2x = tris[k + 6], e2y = tris[k + 7], e2z = tris[k + 8];
      const qx = dy * e2z - dz * e2y;
      const qy = dz * e2x - dx * e2z;
      const qz = dx * e2y - dy * e2x;
      const det = e1x * qx + e1y * qy + e1z * qz;
      if (det === 0) continue;
      const inv = 1 / det;
      const sx = o[0] - tris[k], sy = o[1] - tris[k + 1], sz = o[2] - tris[k + 2];
      const u = (sx * qx + sy * qy + sz * qz) * inv;
      if (u < 0 || u > 1) continue;
      const rx = sy * e1z - sz * e1y;
      const ry = sz * e1x - sx * e1z;
      const rz = sx * e1y - sy * e1x;
      const v = (dx * rx + dy * ry + dz * rz) * inv;
      if (v < 0 || u + v > 1) continue;
      const t = (e2x * rx + e2y * ry + e2z * rz) * inv;
      if (t > 0 && t < tMax) return true;
    }
  }
  return false;
}
