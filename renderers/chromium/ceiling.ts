/**
 * The throughput ceiling of a renderer stack: how fast the pages render and read back pixels
 * when nothing leaves the page. End-to-end `render()` throughput is compared with it in the
 * benchmark.
 */
import type { RenderJob } from '../../pipeline/types.js';
import type { PageLoopResult } from './chromium-renderer.js';

/** Anything that can run the page-side loop, i.e. a `ChromiumRenderer`. */
export interface CeilingTarget {
  runPageLoop(jobs: RenderJob[], pages?: number): Promise<PageLoopResult[]>;
}

/** Options of {@link measureCeiling}. */
export interface CeilingOptions {
  /** Pages running the loop at once; their images are summed over the slowest page's time. @default 1 */
  pages?: number;
  /** Jobs rendered first and not timed (shader compilation, buffer allocation). @default 1 */
  warmupJobs?: number;
}

/** Result of {@link measureCeiling}. */
export interface CeilingResult {
  /** Images (two per job) rendered and read back per second, all pages together. */
  imagesPerSecond: number;
  /** Images timed. */
  images: number;
  /** Time of the slowest page, ms. */
  elapsedMs: number;
}

/**
 * Times render + `readPixels` of both views of every job in a page-side loop, without
 * transferring pixels to Node. Time is taken inside the page (`performance.now`), so the one
 * message that starts the loop is not counted.
 *
 * @example
 * const { imagesPerSecond } = await measureCeiling(renderer, jobs, { pages: 2 });
 */
export async function measureCeiling(target: CeilingTarget, jobs: RenderJob[], options: CeilingOptions = {}): Promise<CeilingResult> {
  const pages = options.pages ?? 1;
  const warmupJobs = options.warmupJobs ?? 1;
  if (jobs.length === 0) throw new RangeError('measureCeiling: expected at least one job');
  if (warmupJobs > 0) await target.runPageLoop(jobs.slice(0, warmupJobs), pages);
  const results = await target.runPageLoop(jobs, pages);
  const images = results.reduce((sum, result) => sum + result.images, 0);
  const elapsedMs = Math.max(...results.map((result) => result.elapsedMs));
  return { imagesPerSecond: (images / elapsedMs) * 1000, images, elapsedMs };
}
