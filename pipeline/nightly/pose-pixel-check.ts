/**
 * The pose↔pixel self-check of one written sample: do the written cameras (K, R, t of the record)
 * put the object where the written images show it?
 *
 * For each view: rebuild the sample's procedural object from (seed, index, attempt) — the same
 * draw as `planSample`, confirmed by the record's `asset.content_hash` — pose it at the record's
 * object yaw, project every part centre with the record's K, R, t and the BVH visibility of
 * `pipeline/geometry/view-facts.ts`, and look at the written image there: the centre of a part
 * that this pose says is visible must lie on object pixels, i.e. differ from every background
 * estimate (the median border colour; the two ends of its row when they agree) by more than 24 in some channel. A view
 * passes when the pose says some part is visible and at least half of the visible part centres
 * land on object pixels (a part may share the background's colour, or be a torus whose centre
 * is its hole). Everything comes from the files, so a written pose that is off is caught.
 *
 * Library assets are not rebuilt here: such samples are reported as not checkable. A procedural
 * object that cannot be rebuilt (the planner's draw changed) counts as a failure, so the gate
 * cannot pass by checking nothing.
 */
import sharp from 'sharp';
import { join } from 'node:path';
import { contentHash, drawProceduralObject } from '../plan/plan-sample.js';
import { sampleRng } from '../rng.js';
import { buildVisibilityModel, viewFactsFromModel } from '../geometry/view-facts.js';
import type { CameraPose, Mat3, ObjectSpec, Vec3 } from '../types.js';

/** The part of a record's `meta` the check reads. */
export interface PoseCheckMeta {
  id: string;
  seed: number;
  index: number;
  attempt: number;
  asset: { source: string; content_hash: string };
  object_pose: { yaw_deg: number[] };
  views: { K: { fx: number; fy: number; cx: number; cy: number; width: number; height: number; fov_y_deg: number }; R: number[][]; t: number[] }[];
  images: { path: string }[];
}

export type PoseCheckResult = { status: 'passed' } | { status: 'failed'; reason: string } | { status: 'not-checkable'; reason: string };

/** Least per-channel difference (0–255) from the background colour that counts as object. */
const MIN_CONTRAST = 24;

/** The object `planSample` drew for (seed, index, attempt): its first draws from the 'plan' stream. */
export function rebuildProceduralObject(seed: number, index: number, attempt: number, id: string): ObjectSpec {
  return drawProceduralObject(sampleRng(seed, 'plan', index, attempt), id);
}

function cameraFromRecord(view: PoseCheckMeta['views'][number]): CameraPose {
  const R = view.R as Mat3;
  const t = view.t as Vec3;
  // Camera centre −Rᵀt (used by the visibility rays).
  const centre: Vec3 = [0, 1, 2].map((j) => -(R[0][j] * t[0] + R[1][j] * t[1] + R[2][j] * t[2])) as Vec3;
  const { fx, fy, cx, cy, width, height, fov_y_deg } = view.K;
  return { K: { fx, fy, cx, cy, width, height, fovYDeg: fov_y_deg }, R, t, centre } as CameraPose;
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function readPixels(path: string): Promise<Pixels> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Per-channel median of the image border. */
export function borderColour(p: Pixels): number[] {
  const values: number[][] = Array.from({ length: p.channels }, () => []);
  const push = (x: number, y: number) => {
    for (let c = 0; c < p.channels; c++) values[c].push(p.data[(y * p.width + x) * p.channels + c]);
  };
  for (let x = 0; x < p.width; x++) (push(x, 0), push(x, p.height - 1));
  for (let y = 1; y < p.height - 1; y++) (push(0, y), push(p.width - 1, y));
  return values.map((v) => v.sort((a, b) => a - b)[v.length >> 1]);
}

/** The colour at (x, y), one number per channel. */
function colourAt(p: Pixels, x: number, y: number): number[] {
  const at = (y * p.width + x) * p.channels;
  return Array.from({ length: p.channels }, (_, c) => p.data[at + c]);
}

/**
 * Whether the 3×3 mean around (u, v) is object rather than background: it differs by more than the
 * contrast in some channel from every background candidate — the median border colour, and the
 * colour of the two ends of the same row when they agree (vertical gradients and a ground plane
 * change the background from row to row, not along a row; an object touching one edge does not
 * count as background).
 */
function isObjectPixel(p: Pixels, u: number, v: number, bg: number[]): boolean {
  const x0 = Math.floor(u);
  const y0 = Math.floor(v);
  const sum = new Array<number>(p.channels).fill(0);
  let n = 0;
  for (let y = y0 - 1; y <= y0 + 1; y++) {
    for (let x = x0 - 1; x <= x0 + 1; x++) {
      if (x < 0 || y < 0 || x >= p.width || y >= p.height) continue;
      for (let c = 0; c < p.channels; c++) sum[c] += p.data[(y * p.width + x) * p.channels + c];
      n++;
    }
  }
  if (n === 0) return false;
  const mean = sum.map((s) => s / n);
  const row = Math.min(p.height - 1, Math.max(0, y0));
  const left = colourAt(p, 0, row);
  const right = colourAt(p, p.width - 1, row);
  // The row's ends stand for its background only when they agree (the object may touch one edge).
  const rowAgrees = left.every((l, c) => Math.abs(l - right[c]) <= MIN_CONTRAST);
  const candidates = rowAgrees ? [bg, left.map((l, c) => (l + right[c]) / 2)] : [bg];
  return candidates.every((b) => mean.some((m, c) => Math.abs(m - b[c]) > MIN_CONTRAST));
}

/** Checks one sample's written poses against its written images (in `outDir`). */
export async function checkPoseAgainstPixels(outDir: string, meta: PoseCheckMeta): Promise<PoseCheckResult> {
  if (meta.asset.source !== 'procedural') return { status: 'not-checkable', reason: `asset source "${meta.asset.source}"` };
  const object = rebuildProceduralObject(meta.seed, meta.index, meta.attempt, meta.id);
  // A planner this check cannot follow any more must not pass the gate silently: a failure.
  if (contentHash(object) !== meta.asset.content_hash) return { status: 'failed', reason: 'the object could not be rebuilt from (seed, index, attempt): content hash differs from the record' };
  const model = buildVisibilityModel(object);
  for (let v = 0; v < 2; v++) {
    const camera = cameraFromRecord(meta.views[v]);
    const facts = viewFactsFromModel(model, meta.object_pose.yaw_deg[v], camera);
    const { width, height } = camera.K;
    const visible = facts.parts.filter((p) => p.visible && p.centrePx[0] >= 0 && p.centrePx[0] < width && p.centrePx[1] >= 0 && p.centrePx[1] < height);
    const view = v === 0 ? 'A' : 'B';
    if (visible.length === 0) return { status: 'failed', reason: `view ${view}: the written pose shows no part of the object` };
    const pixels = await readPixels(join(outDir, meta.images[v].path));
    const bg = borderColour(pixels);
    const sx = pixels.width / width;
    const sy = pixels.height / height;
    const hits = visible.filter((p) => isObjectPixel(pixels, p.centrePx[0] * sx, p.centrePx[1] * sy, bg)).length;
    if (hits * 2 < visible.length) {
      return { status: 'failed', reason: `view ${view}: ${visible.length - hits} of ${visible.length} visible part centres land on background pixels` };
    }
  }
  return { status: 'passed' };
}
