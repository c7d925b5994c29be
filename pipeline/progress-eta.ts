/**
 * Time-left estimates for the progress line that are not wildly off at the start: the browser's
 * warm-up (launch, shader compiles) makes the first pairs slow, so the rate is measured from the
 * first finished pair on, and until enough pairs and seconds have passed the estimate reads
 * "estimating…" instead of a number (a 7 s run used to start at "ETA 217s").
 */

/** Pairs after the first, and seconds since it, before a rate is trusted. */
export const ETA_MIN_PAIRS = 5;
export const ETA_MIN_SECONDS = 3;

export class EtaEstimator {
  private first: { done: number; ms: number } | null = null;
  private latest: { done: number; ms: number } | null = null;

  /** Notes that `done` pairs are finished at time `ms` (milliseconds, any monotonic clock). */
  note(done: number, ms: number): void {
    if (done <= 0) return;
    if (this.first === null) this.first = { done, ms };
    this.latest = { done, ms };
  }

  /** Steady pairs per second, or null while still estimating. */
  rate(): number | null {
    if (this.first === null || this.latest === null) return null;
    const pairs = this.latest.done - this.first.done;
    const secs = (this.latest.ms - this.first.ms) / 1000;
    if (pairs < ETA_MIN_PAIRS || secs < ETA_MIN_SECONDS) return null;
    return pairs / secs;
  }

  /** Time left for `total` pairs: "estimating…", or e.g. "42s" / "3m05s" / "1h02m". */
  eta(total: number): string {
    const rate = this.rate();
    if (rate === null || this.latest === null) return 'estimating…';
    return formatSeconds(Math.max(0, Math.round((total - this.latest.done) / rate)));
  }
}

/** `s` seconds as "42s", "3m05s" or "1h02m". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
