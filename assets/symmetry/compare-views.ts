/**
 * Pure image comparison for the symmetry estimator: how alike two renders of one object are
 * (same camera, object turned about the up axis between them), and the symmetry class a set of
 * such comparisons implies. No rendering here; see estimate-symmetry.ts.
 */

/** Symmetry class of an object about the up axis. */
export type SymmetryClass = 'none' | 'c2' | 'c4' | 'continuous';

/** The RGBA pixels of one render (rows top to bottom); {@link RawImage} fits. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** How alike two renders are. */
export interface ViewDifference {
  /** Intersection over union of the two foreground masks, 0..1 (1 when both are empty). */
  silhouetteIoU: number;
  /** Mean |ΔR| + |ΔG| + |ΔB| over 3·255 across the union of the masks, 0..1 (0 when both are empty). */
  colourDiff: number;
}

/** When two renders count as the same view of the object. */
export interface SameViewThresholds {
  /** Smallest silhouette IoU. @default 0.95 */
  minIoU: number;
  /** Largest colour difference. @default 0.04 */
  maxColourDiff: number;
}

export const SAME_VIEW_DEFAULTS: SameViewThresholds = { minIoU: 0.95, maxColourDiff: 0.04 };

/**
 * Foreground mask: 1 where a pixel differs from `background` (sRGB 0..255) by more than
 * `tolerance` in any channel.
 */
export function foregroundMask(image: RgbaImage, background: readonly [number, number, number], tolerance = 24): Uint8Array {
  const n = image.width * image.height;
  const mask = new Uint8Array(n);
  const px = image.rgba;
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    const d = Math.max(Math.abs(px[k] - background[0]), Math.abs(px[k + 1] - background[1]), Math.abs(px[k + 2] - background[2]));
    mask[i] = d > tolerance ? 1 : 0;
  }
  return mask;
}

/** Compares two equally sized renders on the same `background`. */
export function compareViews(a: RgbaImage, b: RgbaImage, background: readonly [number, number, number]): ViewDifference {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`compareViews: sizes differ (${a.width}×${a.height} vs ${b.width}×${b.height})`);
  const ma = foregroundMask(a, background);
  const mb = foregroundMask(b, background);
  let inter = 0;
  let union = 0;
  let diff = 0;
  for (let i = 0, k = 0; i < ma.length; i++, k += 4) {
    if (ma[i] === 0 && mb[i] === 0) continue;
    union += 1;
    if (ma[i] === 1 && mb[i] === 1) inter += 1;
    diff += Math.abs(a.rgba[k] - b.rgba[k]) + Math.abs(a.rgba[k + 1] - b.rgba[k + 1]) + Math.abs(a.rgba[k + 2] - b.rgba[k + 2]);
  }
  if (union === 0) return { silhouetteIoU: 1, colourDiff: 0 };
  return { silhouetteIoU: inter / union, colourDiff: diff / (union * 3 * 255) };
}

/** The worse of several differences: lowest IoU, highest colour difference. */
export function worstDifference(diffs: readonly ViewDifference[]): ViewDifference {
  if (diffs.length === 0) throw new Error('worstDifference: no differences');
  return {
    silhouetteIoU: Math.min(...diffs.map((d) => d.silhouetteIoU)),
    colourDiff: Math.max(...diffs.map((d) => d.colourDiff)),
  };
}

/** Whether a difference is small enough to call the two renders the same view. */
export function isSameView(d: ViewDifference, t: SameViewThresholds = SAME_VIEW_DEFAULTS): boolean {
  return d.silhouetteIoU >= t.minIoU && d.colourDiff <= t.maxColourDiff;
}

/**
 * Symmetry class from the differences between the object at yaw 0 and turned by each angle
 * (degrees, keys as numbers): needs 180; 90 for c4; `oddAnglesDeg` (angles that are no multiple
 * of 90°) for continuous.
 * - continuous: the same after every turn asked about (90, 180 and each odd angle);
 * - c4: the same after 90° and 180°;
 * - c2: the same after 180°;
 * - none: otherwise.
 */
export function classifySymmetry(byAngle: ReadonlyMap<number, ViewDifference>, oddAnglesDeg: readonly number[], t: SameViewThresholds = SAME_VIEW_DEFAULTS): SymmetryClass {
  const same = (angle: number) => {
    const d = byAngle.get(angle);
    if (d === undefined) throw new Error(`classifySymmetry: no comparison for ${angle}°`);
    return isSameView(d, t);
  };
  if (!same(180)) return 'none';
  if (!same(90)) return 'c2';
  if (oddAnglesDeg.length > 0 && oddAnglesDeg.every(same)) return 'continuous';
  return 'c4';
}
