/**
 * Symmetry of library assets about the up axis, from the estimator (issue 3b) that renders an
 * object and compares views: `estimateSymmetry(renderer, object)` in
 * `assets/symmetry/estimate-symmetry.ts`.
 */
import type { Renderer } from '../../renderers/renderer.js';
import type { LibraryObjectSpec } from '../../pipeline/types.js';
import { estimateSymmetry } from '../symmetry/estimate-symmetry.js';
import type { IndexCache } from './index-cache.js';

const LABELS: readonly LibraryObjectSpec['symmetry'][] = ['none', 'c2', 'c4', 'continuous'];

/**
 * Sets each object's `symmetry`: the label the index cache holds for its content hash, else the
 * estimator's (in index order, one at a time), which the cache then keeps. An object whose
 * estimate renders fail (the model breaks the page) is returned in `failed` with the error, for
 * the run to quarantine (no label is cached for it). `onNote` hears the result.
 */
export async function withSymmetry(
  objects: readonly LibraryObjectSpec[],
  renderer: Renderer,
  onNote: (text: string) => void,
  cache?: IndexCache,
): Promise<{ objects: LibraryObjectSpec[]; failed: { object: LibraryObjectSpec; message: string }[]; estimated: number }> {
  const out: LibraryObjectSpec[] = [];
  const failed: { object: LibraryObjectSpec; message: string }[] = [];
  let estimated = 0;
  for (const object of objects) {
    const known = cache?.symmetryOf(object.contentHash) as LibraryObjectSpec['symmetry'] | undefined;
    if (known !== undefined && LABELS.includes(known)) {
      out.push({ ...object, symmetry: known });
      continue;
    }
    try {
      const { symmetry } = await estimateSymmetry(renderer, object);
      estimated++;
      cache?.setSymmetry(object.contentHash, symmetry);
      out.push({ ...object, symmetry });
    } catch (error) {
      failed.push({ object, message: error instanceof Error ? error.message : String(error) });
      out.push({ ...object, symmetry: 'none' });
    }
  }
  const listed = out.length <= 20 ? `: ${out.map((o) => `${o.name} ${o.symmetry}`).join(', ')}` : '';
  onNote(`assets: symmetry about the up axis of ${out.length} model(s), ${out.length - estimated - failed.length} from the index cache${listed}`);
  return { objects: out, failed, estimated };
}
