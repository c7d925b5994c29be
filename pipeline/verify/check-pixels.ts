/**
 * The pixel checks of `npm run verify` (pipeline/verify/verify-dataset.ts): what a record claims
 * about its images, held against the images and pass files themselves.
 *
 * - Every colour image is non-blank: at least {@link MIN_OBJECT_SHARE} of its pixels differ
 *   clearly from the recorded background (solid or vertical gradient). Images whose background is
 *   an environment map cannot be judged this way; with a mask they are judged by the mask.
 * - A mask (`--passes mask`) has the image's size, only labels of the record's parts, covers at
 *   least {@link MIN_OBJECT_SHARE} of the image, and agrees with the record's visibility claims:
 *   a part the record calls visible has a patch of its label (at least
 *   {@link MIN_SEEN_MASK_SHARE} of the image) whose centroid lies in the image third the record
 *   names (within {@link REGION_SLACK} of a third's edge); a part with no ID-pass pixel
 *   (`id_pixels` 0, which the reasoning may call hidden) covers at most
 *   {@link MAX_HIDDEN_MASK_SHARE}.
 * - A depth pass (`--passes depth`) has the image's size, is non-zero exactly where the mask
 *   shows the object (when both exist), and every depth lies where the object can be: within the
 *   unit sphere around the orbit centre seen from the recorded camera.
 *
 * Not covered: the colour words (the run checks them against the ID pass when it renders; the
 * written JPEG cannot tell a part's pixels from another's without the mask), and pixel-exact
 * agreement of the mask with a fresh render.
 */
import sharp from 'sharp';
import { decodePass } from '../../renderers/encode-image.js';
import type { RecordMeta } from '../records/record-meta.js';

/** Smallest share of an image the object must cover (the run's blank-view rule). */
export const MIN_OBJECT_SHARE = 0.002;
/** A channel differing from the background by more than this counts as object (JPEG and filtering noise stay below it). */
export const BACKGROUND_TOLERANCE = 40;
/** A part called visible covers at least this share of the mask (the run's 6 interior ID pixels of 128², halved for rasterisation differences). */
export const MIN_SEEN_MASK_SHARE = 3 / (128 * 128);
/**
 * A part with no ID-pass pixel covers at most this share of the mask: a strip thinner than one
 * ID-pass pixel (4 px at 512) can fall between the ID pass's pixel centres and still show at full
 * size (measured: up to 149 px of 512², 0.057 %, in 4,000 views).
 */
export const MAX_HIDDEN_MASK_SHARE = 0.001;
/** Slack around the image thirds for the region check, as a share of the width or height. */
export const REGION_SLACK = 0.03;

/** What one record says about one of its views. */
export interface ViewClaim {
  /** Where the claim comes from, for messages ("sft/shard-00000.jsonl line 3, view A"). */
  where: string;
  image: RecordMeta['images'][number];
  look: RecordMeta['look'];
  /**
   * What the mask labels (label = 1 + index): the object's parts, or a scene's objects (whose image
   * region the record does not state: `horizontal`/`vertical` null, not checked).
   */
  parts: { name: string; visible: boolean; idPixels: number | null; horizontal: string | null; vertical: string | null }[];
  radiusM: number;
  panDeg: number;
}

/** The claims of each view a record shows: both, or view A alone for a single-image record. */
export function viewClaims(meta: RecordMeta, where: string): ViewClaim[] {
  return meta.images.map((_, v) => ({
    where: `${where}, view ${v === 0 ? 'A' : 'B'}`,
    image: meta.images[v],
    look: meta.look,
    // A scene's mask labels its objects (1 + object index), each with the ID-pass pixels of its parts.
    parts:
      meta.scene !== null
        ? meta.scene.objects.map((o) => ({ name: o.name, visible: o.visible[v], idPixels: o.id_pixels[v], horizontal: null, vertical: null }))
        : meta.parts.map((p) => {
            const pv = v === 0 ? p.view_a : p.view_b;
            return { name: p.name, visible: pv.visible, idPixels: pv.id_pixels, horizontal: pv.horizontal, vertical: pv.vertical };
          }),
    radiusM: meta.views[v].orbit.radius_m,
    panDeg: meta.views[v].orbit.pan_deg,
  }));
}

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Share of `rgb` (3 bytes a pixel) that differs clearly from the recorded background; null when the background is an environment map or a sky. */
export function objectShare(rgb: Uint8Array, width: number, height: number, look: RecordMeta['look']): number | null {
  if (look.env_as_background === true || look.background_kind === 'sky') return null;
  const top = hexRgb(look.background);
  const bottom = hexRgb(look.background_bottom);
  let object = 0;
  for (let y = 0; y < height; y++) {
    const t = (y + 0.5) / height; // 0 at the top edge, 1 at the bottom
    const bg = [0, 1, 2].map((c) => top[c] * (1 - t) + bottom[c] * t);
    for (let x = 0, k = y * width * 3; x < width; x++, k += 3) {
      if (Math.abs(rgb[k] - bg[0]) > BACKGROUND_TOLERANCE || Math.abs(rgb[k + 1] - bg[1]) > BACKGROUND_TOLERANCE || Math.abs(rgb[k + 2] - bg[2]) > BACKGROUND_TOLERANCE) object++;
    }
  }
  return object / (width * height);
}

function third(value: number, size: number, names: [string, string, string]): string[] {
  // Every third the value lies in or within the slack of.
  const out: string[] = [];
  const slack = REGION_SLACK * size;
  if (value < size / 3 + slack) out.push(names[0]);
  if (value >= size / 3 - slack && value < (2 * size) / 3 + slack) out.push(names[1]);
  if (value >= (2 * size) / 3 - slack) out.push(names[2]);
  return out;
}

/**
 * Checks one view against its image and pass files (`read(path)` gives a file's bytes). Returns
 * the problems found, each a sentence naming the claim.
 */
export async function checkViewPixels(claim: ViewClaim, read: (path: string) => Promise<Buffer>): Promise<string[]> {
  const problems: string[] = [];
  const { width, height } = claim.image;
  const area = width * height;
  const { data } = await sharp(await read(claim.image.path)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const share = objectShare(data, width, height, claim.look);
  if (share !== null && share < MIN_OBJECT_SHARE) problems.push(`${claim.where}: the image is blank (${(100 * share).toFixed(3)} % of its pixels differ from the background; at least ${100 * MIN_OBJECT_SHARE} % must)`);
  let mask: Uint8Array | null = null;
  if (claim.image.mask !== null) {
    const decoded = await decodePass(await read(claim.image.mask.path), 'mask');
    if (decoded.width !== width || decoded.height !== height) {
      problems.push(`${claim.where}: the mask is ${decoded.width}×${decoded.height}, the image ${width}×${height}`);
    } else {
      mask = decoded.values as Uint8Array;
      const counts = new Array<number>(claim.parts.length + 1).fill(0);
      const sumX = new Array<number>(claim.parts.length + 1).fill(0);
      const sumY = new Array<number>(claim.parts.length + 1).fill(0);
      let unknown = 0;
      for (let y = 0, k = 0; y < height; y++) {
        for (let x = 0; x < width; x++, k++) {
          const label = mask[k];
          if (label > claim.parts.length) unknown++;
          else if (label > 0) {
            counts[label]++;
            sumX[label] += x + 0.5;
            sumY[label] += y + 0.5;
          }
        }
      }
      if (unknown > 0) problems.push(`${claim.where}: the mask has ${unknown} pixel(s) with a label beyond the record's ${claim.parts.length} part(s)`);
      const covered = counts.slice(1).reduce((a, b) => a + b, 0);
      if (covered < MIN_OBJECT_SHARE * area) problems.push(`${claim.where}: the mask covers ${covered} pixel(s), under ${100 * MIN_OBJECT_SHARE} % of the image`);
      claim.parts.forEach((part, i) => {
        const n = counts[i + 1];
        if (part.visible) {
          if (n < MIN_SEEN_MASK_SHARE * area) {
            problems.push(`${claim.where}: part "${part.name}" is called visible but covers ${n} mask pixel(s)`);
            return;
          }
          const h = third(sumX[i + 1] / n, width, ['left', 'centre', 'right']);
          const v = third(sumY[i + 1] / n, height, ['top', 'middle', 'bottom']);
          if (part.horizontal !== null && part.vertical !== null && (!h.includes(part.horizontal) || !v.includes(part.vertical))) {
            problems.push(`${claim.where}: part "${part.name}" is said to be ${part.vertical}/${part.horizontal}, its mask centroid lies ${v.join('|')}/${h.join('|')}`);
          }
        } else if (part.idPixels === 0 && n > MAX_HIDDEN_MASK_SHARE * area) {
          problems.push(`${claim.where}: part "${part.name}" has no ID-pass pixel (hidden) but covers ${n} mask pixel(s)`);
        }
      });
    }
  }
  if (claim.image.depth !== null) {
    const decoded = await decodePass(await read(claim.image.depth.path), 'depth');
    if (decoded.width !== width || decoded.height !== height) {
      problems.push(`${claim.where}: the depth pass is ${decoded.width}×${decoded.height}, the image ${width}×${height}`);
    } else {
      const depth = decoded.values as Uint16Array;
      // The object lies within the unit sphere around the orbit centre, which sits radius·cos(pan) ahead of the camera.
      const lo = (claim.radiusM * Math.cos((claim.panDeg * Math.PI) / 180) - 1) * 1000 - 5;
      const hi = (claim.radiusM + 1) * 1000 + 5;
      let outside = 0;
      let disagree = 0;
      for (let k = 0; k < depth.length; k++) {
        const d = depth[k];
        if (mask !== null && (d > 0) !== (mask[k] > 0)) disagree++;
        if (d > 0 && (d < lo || d > hi)) outside++;
      }
      if (disagree > 0) problems.push(`${claim.where}: the depth pass and the mask disagree on ${disagree} pixel(s) about where the object is`);
      if (outside > 0) problems.push(`${claim.where}: ${outside} depth value(s) lie outside ${Math.round(lo)}…${Math.round(hi)} mm, where the object can be`);
    }
  }
  return problems;
}
