/**
 * Symmetry of library assets about the up axis, labelled lazily: a model's label comes from the
 * index cache when it holds one for the model's content hash, else from the estimator
 * (`estimateSymmetry(renderer, object)`, assets/symmetry/estimate-symmetry.ts) on the model's
 * first draw, and the cache keeps it. A run of 100,000 models therefore renders estimates only
 * for the models its samples draw, not for the whole library before its first sample; it keeps
 * in memory the labels it estimated, and looks the others up in the cache's compact table
 * (index-cache.ts) when a sample draws their model.
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

type Symmetry = LibraryObjectSpec['symmetry'];

const LABELS: readonly Symmetry[] = ['none', 'c2', 'c4', 'continuous'];

/** The labels of a run's library, looked up by content hash (the library's models are distinct by content hash). */
export class SymmetryLabels {
  /** Whether a content hash's label is not known yet (answered without listing the library). */
  readonly pending: { has(contentHash: string): boolean } = { has: (contentHash) => this.symmetryOf(contentHash) === undefined };
  /** Labels taken from the cache (models drawn in this run), and estimated in this run. */
  fromCache = 0;
  estimated = 0;
  /** Models whose estimate failed (quarantined by the run). */
  failed = 0;
  private readonly estimates = new Map<string, Symmetry>();
  private readonly takenFromCache = new Set<string>();
  private readonly running = new Map<string, Promise<{ ok: true } | { ok: false; message: string }>>();

  /**
   * @param models - how many models the library has (for the summary).
   * @param cache - the index cache (labels read from and written to it), if any.
   */
  constructor(
    private readonly models: number,
    private readonly renderer: Renderer,
    private readonly cache?: IndexCache,
  ) {}

  /** The label of the model with `contentHash`: estimated in this run, else from the cache; undefined while unknown. */
  symmetryOf(contentHash: string): Symmetry | undefined {
    const estimated = this.estimates.get(contentHash);
    if (estimated !== undefined) return estimated;
    const cached = this.cache?.symmetryOf(contentHash) as Symmetry | undefined;
    if (cached === undefined || !LABELS.includes(cached)) return undefined;
    if (!this.takenFromCache.has(contentHash)) {
      this.takenFromCache.add(contentHash);
      this.fromCache++;
    }
    return cached;
  }

  /**
   * Labels `object` (once, however many samples ask at the same time): estimates its symmetry and
   * keeps it (in the cache too). Resolves `{ ok: false, message }` when the estimate's renders
   * fail (the model breaks the page): the caller quarantines it; no label is cached for it.
   */
  label(object: LibraryObjectSpec): Promise<{ ok: true } | { ok: false; message: string }> {
    const hash = object.contentHash;
    if (!this.pending.has(hash)) return Promise.resolve({ ok: true });
    let running = this.running.get(hash);
    if (running === undefined) {
      running = estimateSymmetry(this.renderer, object).then(
        ({ symmetry }) => {
          this.estimates.set(hash, symmetry);
          this.cache?.setSymmetry(hash, symmetry);
          this.estimated++;
          this.running.delete(hash);
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
    return `assets: symmetry about the up axis: ${this.fromCache} label(s) from the index cache, ${this.estimated} estimated on a model's first draw this run, ${this.failed} failed, ${this.models - this.fromCache - this.estimated - this.failed} model(s) not drawn`;
  }
}
