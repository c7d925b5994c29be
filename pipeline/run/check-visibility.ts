/**
 * Cross-check of a question's named parts between the geometry's ray cast
 * ({@link PartView.visible}) and the renderer's ID pass ({@link RawImage.idPass}): a part the
 * question names must be seen by both where the question looks. A disagreement sends the sample
 * back to be re-drawn (reason {@link VISIBILITY_DISAGREES}), counted in the stats.
 *
 * CONTRIBUTOR NOTES
 * - Why this cannot make the data depend on the GL stack in practice: a named part is ray-cast
 *   visible with at least a quarter of its sample points seen (the part-pair families' floor), so
 *   the ID pass (128 px) shows it with many pixels on any rasteriser; zero pixels there means a
 *   real disagreement (a geometry or pose bug, or a part far smaller than the samples suggest),
 *   not a rounding difference between llvmpipe and SwiftShader. The reverse (ray cast hidden, ID
 *   pixels present) cannot occur for parts the families name, and is checked for completeness.
 * - Renderers without an ID pass (fakes in tests, `idPass: false`) are not checked.
 */
import type { BuiltQuestion } from '../questions/question-family.js';
import type { GroundTruth, RawImage } from '../types.js';

/** Re-draw reason when the ray cast and the ID pass disagree about a named part. */
export const VISIBILITY_DISAGREES = 'visibility-disagrees';

/** One disagreement: which part, in which view, what each side said. */
export interface VisibilityDisagreement {
  view: 0 | 1;
  name: string;
  rayVisible: boolean;
  idPixels: number;
}

/**
 * The first named part of `question` on which the ray cast and the ID pass disagree (ray cast
 * visible but no ID pixels, or hidden but with ID pixels), or null when they agree, the question
 * names no part, or the images carry no ID pass. Pure.
 */
export function findVisibilityDisagreement(truth: GroundTruth, question: BuiltQuestion, images: readonly [RawImage, RawImage]): VisibilityDisagreement | null {
  for (const { view, name } of question.namedParts ?? []) {
    const idPass = images[view].idPass;
    if (idPass === undefined) continue;
    const ray = truth.views[view].parts.find((p) => p.name === name);
    const id = idPass.parts.find((p) => p.name === name);
    if (ray === undefined || id === undefined) {
      throw new Error(`checkVisibility: part "${name}" named by ${question.templateId} is missing from the ${ray === undefined ? 'ray cast' : 'ID pass'} of view ${view === 0 ? 'A' : 'B'}`);
    }
    if (ray.visible !== id.pixels > 0) return { view, name, rayVisible: ray.visible, idPixels: id.pixels };
  }
  return null;
}
