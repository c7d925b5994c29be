/**
 * Counters a run keeps while it works: re-draws by family and reason, samples and answer letters
 * per family, CoT share, image bytes. Every counter is a function of the samples, not of timing,
 * so the manifest that embeds them stays byte-identical across concurrency settings.
 */
export interface RunStats {
  samples: number;
  redraws: Record<string, Record<string, number>>;
  families: Record<string, number>;
  answerLetters: Record<string, Record<string, number>>;
  cotRecords: number;
  imageBytes: { total: number; min: number; max: number };
  /**
   * Inputs left out, by reason (asset libraries: `assets/library/index-library.ts` SkipReason).
   * Present only when something was skipped, so runs without inputs to skip keep their bytes.
   */
  skipped?: Record<string, number>;
}

export function createRunStats(): RunStats {
  return { samples: 0, redraws: {}, families: {}, answerLetters: {}, cotRecords: 0, imageBytes: { total: 0, min: 0, max: 0 } };
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
export function countSample(stats: RunStats, family: string, letter: string, withCot: boolean, imageBytes: number[]): void {
  stats.samples++;
  bump(stats.families, family);
  bump((stats.answerLetters[family] ??= {}), letter);
  if (withCot) stats.cotRecords++;
  for (const b of imageBytes) {
    stats.imageBytes.min = stats.imageBytes.total === 0 ? b : Math.min(stats.imageBytes.min, b);
    stats.imageBytes.max = Math.max(stats.imageBytes.max, b);
    stats.imageBytes.total += b;
  }
}

/**
 * Adds the counters of `b` to those of `a` (a new object; neither input changes). Every counter is
 * a sum, except `imageBytes.min` / `.max`, so stats kept per shard (resume, `merge`,
 * `pipeline/scale/`) add up to exactly the stats of one uninterrupted run, whatever the grouping.
 * A field added to {@link RunStats} must be merged here too.
 */
export function mergeRunStats(a: RunStats, b: RunStats): RunStats {
  const out = structuredClone(a);
  out.samples += b.samples;
  for (const [family, reasons] of Object.entries(b.redraws)) {
    for (const [reason, n] of Object.entries(reasons)) bump((out.redraws[family] ??= {}), reason, n);
  }
  for (const [family, n] of Object.entries(b.families)) bump(out.families, family, n);
  for (const [family, letters] of Object.entries(b.answerLetters)) {
    for (const [letter, n] of Object.entries(letters)) bump((out.answerLetters[family] ??= {}), letter, n);
  }
  for (const [reason, n] of Object.entries(b.skipped ?? {})) bump((out.skipped ??= {}), reason, n);
  out.cotRecords += b.cotRecords;
  if (b.imageBytes.total > 0) {
    out.imageBytes.min = out.imageBytes.total === 0 ? b.imageBytes.min : Math.min(out.imageBytes.min, b.imageBytes.min);
    out.imageBytes.max = Math.max(out.imageBytes.max, b.imageBytes.max);
    out.imageBytes.total += b.imageBytes.total;
  }
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
