/**
 * The named parts a part-pair question (`perspective`, `relative-depth`) may ask about in one
 * view, and the pairs among them: only parts the ray cast found visible in that view
 * ({@link PartView.visible}), whose projected centre lies inside the image and in front of the
 * camera. A question never names a part that is hidden where it looks.
 */
import type { GroundTruth, PartView } from '../types.js';
import { isHidden, partLabel } from './describe-view.js';

/** One part a question may name, as seen in one view. */
export interface QuestionPart {
  /** {@link PartSpec.name}. */
  name: string;
  /** "the red handle". */
  label: string;
  /** The part's facts in the view. */
  view: PartView;
  /** Part centre in the view's OpenCV camera frame (x right, y down, z forward), metres. */
  cameraXyz: [number, number, number];
}

/** Default smallest {@link PartView.visibleFraction} of a part a question names (a clearly visible part, not a sliver). */
export const MIN_NAMED_PART_VISIBLE_FRACTION = 0.25;

/**
 * Parts of view `view` (0 = A, 1 = B) a question may name, in object-spec order: visible (and at
 * least `minVisibleFraction` of its sample points seen), centre in front of the camera and
 * inside the image.
 */
export function listQuestionParts(truth: GroundTruth, view: 0 | 1, minVisibleFraction = MIN_NAMED_PART_VISIBLE_FRACTION): QuestionPart[] {
  const facts = truth.views[view];
  const { K } = facts.camera;
  const colours = new Map(truth.object.parts.map((p) => [p.name, p.colorName]));
  const out: QuestionPart[] = [];
  for (const p of facts.parts) {
    const [u, v] = p.centrePx;
    if (!p.visible || !(p.visibleFraction >= minVisibleFraction) || !(p.depthM > 0) || !(u >= 0 && u <= K.width && v >= 0 && v <= K.height)) continue;
    const colour = colours.get(p.name);
    if (colour === undefined) throw new Error(`questionParts: part "${p.name}" of the view facts is not in object "${truth.object.name}"`);
    // Back-project the centre pixel at its depth: x = (u − cx)·z / fx, y = (v − cy)·z / fy.
    out.push({ name: p.name, label: partLabel(colour, p.name), view: p, cameraXyz: [((u - K.cx) * p.depthM) / K.fx, ((v - K.cy) * p.depthM) / K.fy, p.depthM] });
  }
  return out;
}

/**
 * Parts a cross-view question may name in view `view` although they are hidden there (docs/supervision.md,
 * "Questions that need both images": at least one named part is hidden in the view it asks about and
 * visible in the other, so its place must be carried across views): hidden in `view` ({@link isHidden}: no ID-pass pixel), clearly
 * visible in the other view ({@link listQuestionParts} there), and with its centre in front of
 * camera `view`. Returned as seen from `view` (its facts and camera coordinates there), in
 * object-spec order.
 */
export function listCarriedParts(truth: GroundTruth, view: 0 | 1, minVisibleFraction = MIN_NAMED_PART_VISIBLE_FRACTION): QuestionPart[] {
  const other = listQuestionParts(truth, view === 0 ? 1 : 0, minVisibleFraction);
  const facts = truth.views[view];
  const { K } = facts.camera;
  const out: QuestionPart[] = [];
  for (const seen of other) {
    const p = facts.parts.find((q) => q.name === seen.name)!;
    if (!isHidden(facts, p.name) || !(p.depthM > 0)) continue;
    const [u, v] = p.centrePx;
    out.push({ name: p.name, label: seen.label, view: p, cameraXyz: [((u - K.cx) * p.depthM) / K.fx, ((v - K.cy) * p.depthM) / K.fy, p.depthM] });
  }
  return out;
}

/**
 * The cross-view pairs of view `view`: one part carried over from the other view
 * ({@link listCarriedParts}) and one part visible in `view` ({@link listQuestionParts}), as
 * `[carried, visible]`, that `keep` accepts.
 */
export function listCrossViewPairs(truth: GroundTruth, view: 0 | 1, minVisibleFraction: number, keep: (a: QuestionPart, b: QuestionPart) => boolean): [QuestionPart, QuestionPart][] {
  const visible = listQuestionParts(truth, view, minVisibleFraction);
  return listCarriedParts(truth, view, minVisibleFraction).flatMap((c) => visible.filter((v) => keep(c, v)).map((v): [QuestionPart, QuestionPart] => [c, v]));
}

/** Every unordered pair of `parts` (i < j in list order) that `keep` accepts. */
export function listPartPairs<T>(parts: readonly T[], keep: (a: T, b: T) => boolean): [T, T][] {
  const pairs: [T, T][] = [];
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) if (keep(parts[i], parts[j])) pairs.push([parts[i], parts[j]]);
  }
  return pairs;
}
