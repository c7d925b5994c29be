/**
 * Times the main job (`run`) end to end on one configuration, with checkpoints: at each given
 * pair count it notes the elapsed time, the pairs/s so far and the peak RSS so far of Node plus
 * the browser processes, so one long run tells both whether throughput stays linear and whether
 * memory stays flat.
 */
import type { RunConfig } from '../pipeline/config.js';
import { SILENT_LOGGER } from '../pipeline/logger.js';
import { run } from '../pipeline/run/run.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import { startRssSampler } from './process-rss.js';

/** Figures at one checkpoint. */
export interface Checkpoint {
  pairs: number;
  seconds: number;
  pairsPerSecond: number;
  /** Peak RSS of Node + browser processes from the start to this checkpoint, bytes. */
  peakRssBytes: number;
}

/** What {@link benchEndToEnd} measured. */
export interface EndToEndResult {
  glRenderer: string;
  seconds: number;
  pairsPerSecond: number;
  peakRssBytes: number;
  /** One per requested checkpoint below the count, then one for the whole run. */
  checkpoints: Checkpoint[];
}

/** Runs `config` end to end (a real run into `config.out`) and measures it; see the file header. */
export async function benchEndToEnd(config: RunConfig, checkpointPairs: number[] = []): Promise<EndToEndResult> {
  let glRenderer = '';
  const wanted = [...new Set(checkpointPairs.filter((n) => n > 0 && n < config.count))].sort((a, b) => a - b);
  const checkpoints: Checkpoint[] = [];
  const rss = startRssSampler();
  const t0 = performance.now();
  const mark = (pairs: number): Checkpoint => {
    const seconds = (performance.now() - t0) / 1000;
    return { pairs, seconds, pairsPerSecond: pairs / seconds, peakRssBytes: rss.peak() };
  };
  await run(config, {
    createRenderer: () => ChromiumRenderer.create({ glMode: config.gl, pages: config.concurrency, env: process.env }),
    onRenderer: (r) => (glRenderer = r.info.glRenderer),
    onProgress: (p) => {
      if (wanted.length > 0 && p.done >= wanted[0]) checkpoints.push(mark(wanted.shift()!));
    },
    logger: SILENT_LOGGER,
    versions: { viewforge: 'bench' },
  });
  const end = mark(config.count);
  rss.stop();
  checkpoints.push(end);
  return { glRenderer, seconds: end.seconds, pairsPerSecond: end.pairsPerSecond, peakRssBytes: end.peakRssBytes, checkpoints };
}
