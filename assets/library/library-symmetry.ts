/**
 * Symmetry of library assets about the up axis, labelled lazily: a model's label comes from the
 * index cache when it holds one for the model's content hash, else from the estimator
 * (`estimateSymmetry(renderer, object)`, assets/symmetry/estimate-symmetry.ts) on the model's
 * first draw, and the cache keeps it. A run of 100,000 models therefore renders estimates only
 * for the models its samples draw, not for the whole library before its first sample.
 *
 * The label is a function of the model's bytes and the renderer stack alone (the estimator's
 * renders are fixed), so it does not depend on which worker, which sample or which order
 * computed it; and a sample is planned only once every model it draws is labelled
 * (pipeline/run/resolve-sample.ts re-plans it after {@link SymmetryLabels.label}), so its plan is
 * the one it would have had with every label known from the start.
 */
import type { Renderer } from '../../renderers/renderer.js';
import type { LibraryObjectSpec } from '../../pipeline/types.js';
import { estimateSymmetry } from '../symmetry/estimate-symmetry.js';
import type { IndexCache } from './index-cache.js';

const LABELS: readonly LibraryObjectSpec['symmetry'][] = ['none', 'c2', 'c4', 'continuous'];

/** The labels of a run's library: fills `library` (the planner's array) in place as labels become known. */
export class SymmetryLabels {
  /** Content hashes whose label is not known yet. */
  readonly pending = new Set<string>();
  /** Labels taken from the cache, and estimated in this run. */
  fromCache = 0;
  estimated = 0;
  /** Models whose estimate failed (quarantined by the run). */
  failed = 0;
  private readonly where = new Map<string, number[]>();
  private readonly running = new Map<string, Promise<{ ok: true } | { ok: false; message: string }>>();

  /**
   * @param library - the planner's library objects (index order); entries are replaced by labelled copies.
   * @param cache - the index cache (labels read from and written to it), if any.
   */
  constructor(
    private readonly library: LibraryObjectSpec[],
    private readonly renderer: Renderer,
    private readonly cache?: IndexCache,
  ) {
    library.forEach((object, i) => {
      const at = this.where.get(object.contentHash);
      if (at !== undefined) at.push(i);
      else this.where.set(object.contentHash, [i]);
      const known = cache?.symmetryOf(object.contentHash) as LibraryObjectSpec['symmetry'] | undefined;
      if (known !== undefined && LABELS.includes(known)) {
        library[i] = { ...object, symmetry: known };
        if (at === undefined) this.fromCache++;
      } else {
        this.pending.add(object.contentHash);
      }
    });
  }

  /**
   * Labels `object` (once, however many samples ask at the same time): estimates its symmetry,
   * writes it into the library and the cache. Resolves `{ ok: false, message }` when the
   * estimate's renders fail (the model breaks the page): the caller quarantines it; no label is
   * cached for it.
   */
  label(object: LibraryObjectSpec): Promise<{ ok: true } | { ok: false; message: string }> {
    const hash = object.contentHash;
    if (!this.pending.has(hash)) return Promise.resolve({ ok: true });
    let running = this.running.get(hash);
    if (running === undefined) {
      running = estimateSymmetry(this.renderer, object).then(
        ({ symmetry }) => {
          for (const i of this.where.get(hash) ?? []) this.library[i] = { ...this.library[i], symmetry };
          this.cache?.setSymmetry(hash, symmetry);
          this.estimated++;
          this.pending.delete(hash);
          return { ok: true as const };
        },
        (error: unknown) => {
          // Stays pending: every sample that draws it waits here and quarantines it (resolve-sample.ts skips quarantined models first).
          this.failed++;
          return { ok: false as const, message: error instanceof Error ? error.message : String(error) };
        },
      );
      this.running.set(hash, running);
    }
    return running;
  }

  /** One line for the log: how many labels came from where. */
  summary(): string {
    return `assets: symmetry about the up axis: ${this.fromCache} label(s) from the index cache, ${this.estimated} estimated on a model's first draw this run, ${this.failed} failed, ${this.pending.size - this.failed} model(s) not drawn`;
  }
}
