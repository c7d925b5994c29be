/**
 * Symmetry of library assets about the up axis. The estimator (issue 3b) renders an object and
 * compares views: `estimateSymmetry(renderer, object)` in `assets/symmetry/estimate-symmetry.ts`.
 * This module uses it when that module is installed in the tree; without it every library asset
 * counts as 'none' (as the procedural objects, which are built asymmetric) and the run logs so.
 */
import type { Renderer } from '../../renderers/renderer.js';
import type { LibraryObjectSpec } from '../../pipeline/types.js';

type Symmetry = LibraryObjectSpec['symmetry'];
type Estimator = (renderer: Renderer, object: LibraryObjectSpec) => Promise<{ symmetry: Symmetry }>;

/** Where the estimator lives, relative to this file (a variable, so a tree without it still typechecks). */
const ESTIMATOR_MODULE = '../symmetry/estimate-symmetry.js';

/** The estimator, or null when its module is not in the tree. Other import errors are thrown. */
export async function loadSymmetryEstimator(): Promise<Estimator | null> {
  try {
    const module = (await import(/* @vite-ignore */ ESTIMATOR_MODULE)) as { estimateSymmetry?: Estimator };
    return typeof module.estimateSymmetry === 'function' ? module.estimateSymmetry : null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return null;
    throw error;
  }
}

/**
 * Sets each object's `symmetry` from the estimator (in index order, one at a time), or to 'none'
 * when there is no estimator. An object whose estimate renders fail (the model breaks the page)
 * is returned in `failed` with the error, for the run to quarantine. `onNote` hears which way it went.
 */
export async function withSymmetry(
  objects: readonly LibraryObjectSpec[],
  renderer: Renderer,
  onNote: (text: string) => void,
): Promise<{ objects: LibraryObjectSpec[]; failed: { object: LibraryObjectSpec; message: string }[] }> {
  const estimate = await loadSymmetryEstimator();
  if (estimate === null) {
    onNote('assets: no symmetry estimator in this build (assets/symmetry/estimate-symmetry.ts); library assets count as asymmetric');
    return { objects: objects.map((o) => ({ ...o, symmetry: 'none' })), failed: [] };
  }
  const out: LibraryObjectSpec[] = [];
  const failed: { object: LibraryObjectSpec; message: string }[] = [];
  for (const object of objects) {
    try {
      const result = await estimate(renderer, object);
      out.push({ ...object, symmetry: typeof result === 'string' ? result : result.symmetry });
    } catch (error) {
      failed.push({ object, message: error instanceof Error ? error.message : String(error) });
      out.push({ ...object, symmetry: 'none' });
    }
  }
  onNote(`assets: symmetry about the up axis: ${out.map((o) => `${o.name} ${o.symmetry}`).join(', ')}`);
  return { objects: out, failed };
}
