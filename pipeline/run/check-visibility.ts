/**
 * Grounds a sample's ground truth in its pixels (docs/supervision.md, "The pixels are the judge": every
 * statement the reasoning makes about what an image shows must hold in its pixels): the renderer's ID pass of both
 * views decides which parts are seen, where, and whether each seen part shows its named colour.
 * The geometry's ray cast ({@link PartView.visibleFraction}) stays as the fast prior the planner
 * used; the ID pass is the judge.
 *
 * Per view, in this order (the first failure re-draws the sample, counted in the stats):
 * 1. {@link BLANK_VIEW}: the object covers less than {@link ID_PASS_RULES.minObjectShare} of the
 *    ID image (a broken model, an empty render). A library model that does so is quarantined.
 * 2. {@link VISIBILITY_DISAGREES}: a part the ray cast calls clearly visible
 *    (≥ {@link ID_PASS_RULES.rayClearlyVisible} of its samples seen) has no ID pixel, or one the
 *    ray cast sees nothing of shows a solid patch: a pose or geometry bug, never written.
 * 3. {@link COLOUR_MISMATCH}: a seen procedural part whose mean interior colour (ID mask over the
 *    colour image, rims dropped) is not nearer, in CIELAB, to its own colour word than to every
 *    other palette colour by {@link COLOUR_NAME_MARGIN} ΔE.
 *
 * A part is *seen* when its ID pass shows at least {@link ID_PASS_RULES.minSeenInterior}
 * interior pixels (a solid patch, not a rim), *hidden* when it has no ID pixel at all, and a
 * *sliver* in between: a sliver is never named, and never called hidden either. The grounded
 * truth sets `visible` to "seen", `idPixels` to the count, and the image region
 * (`horizontal`/`vertical`) to the third holding the centroid of the seen pixels.
 *
 * Renderers without an ID pass (fakes in tests) leave the truth as the ray cast made it.
 */
import { COLOUR_NAME_MARGIN, nearestNamedColour, showsNamedColour } from '../../assets/procedural/colour-lab.js';
import { LIBRARY_PART_COLOUR } from '../../assets/procedural/stand-in-part.js';
import { imageThirds } from '../geometry/view-facts.js';
import type { GroundTruth, IdPass, PartView, RawImage, ViewFacts } from '../types.js';

/** Re-draw reason when the ray cast and the ID pass disagree about a part. */
export const VISIBILITY_DISAGREES = 'visibility-disagrees';
/** Re-draw reason when a view shows (almost) nothing of the object. */
export const BLANK_VIEW = 'blank-view';
/** Re-draw reason when a seen part does not show its named colour. */
export const COLOUR_MISMATCH = 'colour-mismatch';

/** The thresholds of the grounding rules (ID-pass pixels are at the ID pass's size, 128 px on the longer side). */
export const ID_PASS_RULES = Object.freeze({
  /** Interior ID pixels for a part to count as seen (at 128², 6 px ≈ 0.04 % of the image, a 10×10 px patch at 512²). */
  minSeenInterior: 6,
  /** Smallest share of the ID image the whole object must cover in each view (0.2 %). */
  minObjectShare: 0.002,
  /** A part with at least this share of its ray-cast samples seen must have ID pixels. */
  rayClearlyVisible: 0.25,
});

/** Why a sample cannot be written as rendered. */
export interface GroundingFailure {
  ok: false;
  reason: typeof BLANK_VIEW | typeof VISIBILITY_DISAGREES | typeof COLOUR_MISMATCH;
  view: 0 | 1;
  /** The part concerned (null for a blank view). */
  part: string | null;
  /** Its ID-pass pixels in that view (null for a blank view). */
  idPixels: number | null;
  /** One line for the log: what each side said. */
  message: string;
}

export type GroundingResult = { ok: true; truth: GroundTruth } | GroundingFailure;

function groundView(truth: GroundTruth, facts: ViewFacts, idPass: IdPass, view: 0 | 1): { ok: true; facts: ViewFacts } | GroundingFailure {
  const viewName = view === 0 ? 'A' : 'B';
  const objectPixels = idPass.parts.reduce((n, p) => n + p.pixels, 0);
  if (objectPixels < ID_PASS_RULES.minObjectShare * idPass.width * idPass.height) {
    return { ok: false, reason: BLANK_VIEW, view, part: null, idPixels: null, message: `view ${viewName} shows ${objectPixels} object pixel(s) of ${idPass.width * idPass.height} in the ID pass` };
  }
  const { width, height } = facts.camera.K;
  const parts: PartView[] = [];
  for (const ray of facts.parts) {
    const id = idPass.parts.find((p) => p.name === ray.name);
    const spec = truth.object.parts.find((p) => p.name === ray.name);
    if (id === undefined || spec === undefined) throw new Error(`groundInPixels: part "${ray.name}" is missing from the ID pass of view ${viewName}`);
    const seen = id.interiorPixels >= ID_PASS_RULES.minSeenInterior;
    if ((ray.visibleFraction >= ID_PASS_RULES.rayClearlyVisible && id.pixels === 0) || (ray.visibleFraction === 0 && seen)) {
      return {
        ok: false,
        reason: VISIBILITY_DISAGREES,
        view,
        part: ray.name,
        idPixels: id.pixels,
        message: `part "${ray.name}" has ${Math.round(ray.visibleFraction * 100)} % of its ray-cast samples seen but ${id.pixels} ID-pass pixel(s) in view ${viewName}`,
      };
    }
    // A library model's stand-in (a scene object drawn from --assets) has no colour word to check.
    if (seen && truth.object.kind === 'procedural' && spec.colorName !== LIBRARY_PART_COLOUR && !showsNamedColour(id.meanColour!, spec.colorName)) {
      const nearest = nearestNamedColour(id.meanColour!);
      const shown = id.meanColour!.map((c) => Math.round(c)).join(', ');
      const why = nearest.name === spec.colorName ? `within ${COLOUR_NAME_MARGIN} ΔE of another colour word` : `nearest to "${nearest.name}"`;
      return { ok: false, reason: COLOUR_MISMATCH, view, part: ray.name, idPixels: id.pixels, message: `the ${spec.colorName} ${ray.name} shows rgb(${shown}) in view ${viewName}, ${why}` };
    }
    const region = id.centroidPx === null ? { horizontal: ray.horizontal, vertical: ray.vertical } : imageThirds(id.centroidPx[0], id.centroidPx[1], width, height);
    parts.push({ ...ray, visible: seen, idPixels: id.pixels, ...region });
  }
  return { ok: true, facts: { ...facts, parts } };
}

/**
 * The sample's truth grounded in the ID passes of `images` (see the file header), or the first
 * rule the render breaks. Pure. Images without an ID pass leave `truth` unchanged.
 */
export function groundInPixels(truth: GroundTruth, images: readonly [RawImage, RawImage]): GroundingResult {
  const [idA, idB] = [images[0].idPass, images[1].idPass];
  if (idA === undefined || idB === undefined) return { ok: true, truth };
  const a = groundView(truth, truth.views[0], idA, 0);
  if (!a.ok) return a;
  const b = groundView(truth, truth.views[1], idB, 1);
  if (!b.ok) return b;
  return { ok: true, truth: { ...truth, views: [a.facts, b.facts] } };
}
