/**
 * Counters a run keeps while it works that the records cannot tell afterwards: samples built,
 * re-draws by family and reason, inputs skipped. Everything the records can tell (families,
 * answer letters, CoT share, image sizes…) is counted from them instead, once, into
 * `stats.distributions` of the manifest (pipeline/stats/dataset-stats.ts), so no count appears
 * twice under two names. Every counter is a function of the samples, not of timing, so the
 * manifest that embeds them stays byte-identical across concurrency settings.
 */
export interface RunStats {
  samples: number;
  redraws: Record<string, Record<string, number>>;
  /**
   * Inputs left out, by reason (asset libraries: `assets/library/index-library.ts` SkipReason).
   * Present only when something was skipped, so runs without inputs to skip keep their bytes.
   */
  skipped?: Record<string, number>;
}

export function createRunStats(): RunStats {
  return { samples: 0, redraws: {} };
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Counts one re-draw of `family` for `reason`. */
export function countRedraw(stats: RunStats, family: string, reason: string): void {
  bump((stats.redraws[family] ??= {}), reason);
}

/** Counts `n` inputs skipped for `reason`. */
export function countSkipped(stats: RunStats, reason: string, n = 1): void {
  bump((stats.skipped ??= {}), reason, n);
}

/** Counts one finished sample. */
export function countSample(stats: RunStats): void {
  stats.samples++;
}

/**
 * Adds the counters of `b` to those of `a` (a new object; neither input changes). Every counter is
 * a sum, so stats kept per shard (resume, `merge`, `pipeline/scale/`) add up to exactly the stats
 * of one uninterrupted run, whatever the grouping. A field added to {@link RunStats} must be
 * merged here too. Counters that sidecars of earlier versions also hold (families, answer
 * letters…) are not read: the manifest counts those from the records.
 */
export function mergeRunStats(a: RunStats, b: RunStats): RunStats {
  const out = structuredClone(a);
  out.samples += b.samples;
  for (const [family, reasons] of Object.entries(b.redraws)) {
    for (const [reason, n] of Object.entries(reasons)) bump((out.redraws[family] ??= {}), reason, n);
  }
  for (const [reason, n] of Object.entries(b.skipped ?? {})) bump((out.skipped ??= {}), reason, n);
  return out;
}

/** Returns a copy with every object's keys sorted, so JSON output does not depend on arrival order. */
export function sortedStats(stats: RunStats): RunStats {
  const sortKeys = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
      : v;
  return sortKeys(stats) as RunStats;
}
