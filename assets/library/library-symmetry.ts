/**
 * Symmetry of library assets about the up axis, from the estimator (issue 3b) that renders an
 * object and compares views: `estimateSymmetry(renderer, object)` in
 * `assets/symmetry/estimate-symmetry.ts`.
 */
import type { Renderer } from '../../renderers/renderer.js';
import type { LibraryObjectSpec } from '../../pipeline/types.js';
import { estimateSymmetry } from '../symmetry/estimate-symmetry.js';

/**
 * Sets each object's `symmetry` from the estimator (in index order, one at a time). An object
 * whose estimate renders fail (the model breaks the page) is returned in `failed` with the error,
 * for the run to quarantine. `onNote` hears the result.
 */
export async function withSymmetry(
  objects: readonly LibraryObjectSpec[],
  renderer: Renderer,
  onNote: (text: string) => void,
): Promise<{ objects: LibraryObjectSpec[]; failed: { object: LibraryObjectSpec; message: string }[] }> {
  const out: LibraryObjectSpec[] = [];
  const failed: { object: LibraryObjectSpec; message: string }[] = [];
  for (const object of objects) {
    try {
      const { symmetry } = await estimateSymmetry(renderer, object);
      out.push({ ...object, symmetry });
    } catch (error) {
      failed.push({ object, message: error instanceof Error ? error.message : String(error) });
      out.push({ ...object, symmetry: 'none' });
    }
  }
  onNote(`assets: symmetry about the up axis: ${out.map((o) => `${o.name} ${o.symmetry}`).join(', ')}`);
  return { objects: out, failed };
}
