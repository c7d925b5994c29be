/**
 * `npm run bench [-- --count 500 --size 512 --concurrency 2 --gl auto --json out.json]`
 *
 * Times the main job end to end (render, read-back, encode, write, validate, seal) on the
 * embedded procedural default, samples the peak RSS of Node plus the browser processes, then in
 * the same process measures the ceiling: in-page render + readPixels of the same scenes with no
 * transfer. Prints one table and writes the figures as JSON.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { RUN_DEFAULTS, type RunConfig } from '../pipeline/config.js';
import { SILENT_LOGGER } from '../pipeline/logger.js';
import { buildFamilySchedule } from '../pipeline/plan/family-schedule.js';
import { getFamily } from '../pipeline/questions/index.js';
import { resolveSample, run } from '../pipeline/run/run.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import { measureCeiling } from '../renderers/chromium/ceiling.js';
import type { GlMode } from '../renderers/chromium/gl-flags.js';
import { startRssSampler } from './process-rss.js';

const program = new Command('bench')
  .option('--count <n>', 'pairs to render', (v) => Number(v), 500)
  .option('--size <px>', 'image size', (v) => Number(v), 512)
  .option('--concurrency <n>', 'renderer pages', (v) => Number(v), RUN_DEFAULTS.concurrency)
  .option('--gl <mode>', 'auto | llvmpipe | swiftshader | gpu', 'auto')
  .option('--ceiling-count <n>', 'pairs timed for the ceiling', (v) => Number(v), 200)
  .option('--json <path>', 'also write the figures here', 'bench-result.json')
  .parse();
const opts = program.opts<{ count: number; size: number; concurrency: number; gl: GlMode; ceilingCount: number; json: string }>();

const MB = 1024 * 1024;
const out = await mkdtemp(join(tmpdir(), 'vf-bench-'));
const config: RunConfig = { ...RUN_DEFAULTS, count: opts.count, size: opts.size, concurrency: opts.concurrency, gl: opts.gl, out, seed: 1 };

// --- End to end
let glRenderer = '';
const rss = startRssSampler();
const t0 = performance.now();
await run(config, {
  createRenderer: () => ChromiumRenderer.create({ glMode: config.gl, pages: config.concurrency, env: process.env }),
  onRenderer: (r) => (glRenderer = r.info.glRenderer),
  logger: SILENT_LOGGER,
  versions: { viewforge: 'bench' },
});
const seconds = (performance.now() - t0) / 1000;
const peakRss = rss.stop();
await rm(out, { recursive: true, force: true });
const pairsPerSecond = opts.count / seconds;

// --- Ceiling: the same scenes, rendered and read back inside the page, nothing transferred
const schedule = buildFamilySchedule(config.families.map((f) => ({ family: getFamily(f).name, weight: 1 })));
const jobs = Array.from({ length: Math.min(opts.ceilingCount, opts.count) }, (_, i) =>
  resolveSample({ seed: config.seed, width: config.size, height: config.size, schedule }, i, () => {}).plan.job,
);
const renderer = await ChromiumRenderer.create({ glMode: config.gl, pages: config.concurrency, env: process.env });
const ceiling = await measureCeiling(renderer, jobs, { pages: config.concurrency });
await renderer.close();
const ceilingPairs = ceiling.imagesPerSecond / 2;

const result = {
  count: opts.count,
  size: opts.size,
  format: config.format,
  concurrency: opts.concurrency,
  gl: opts.gl,
  gl_renderer: glRenderer,
  seconds: Number(seconds.toFixed(2)),
  pairs_per_second: Number(pairsPerSecond.toFixed(2)),
  ceiling_images_per_second: Number(ceiling.imagesPerSecond.toFixed(2)),
  ceiling_pairs_per_second: Number(ceilingPairs.toFixed(2)),
  ratio_to_ceiling: Number((pairsPerSecond / ceilingPairs).toFixed(3)),
  peak_rss_mb: Number((peakRss / MB).toFixed(1)),
};
const rows: [string, string][] = [
  ['pairs', `${opts.count} @ ${opts.size}×${opts.size} ${config.format}, ${opts.concurrency} page(s), gl ${opts.gl}`],
  ['renderer', glRenderer],
  ['end to end', `${result.pairs_per_second} pairs/s (${result.seconds} s)`],
  ['ceiling (render + readPixels in page)', `${result.ceiling_images_per_second} images/s = ${result.ceiling_pairs_per_second} pairs/s`],
  ['end to end ÷ ceiling', `${(result.ratio_to_ceiling * 100).toFixed(1)} %`],
  ['peak RSS, Node + browser', `${result.peak_rss_mb} MB`],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
await writeFile(opts.json, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nJSON: ${opts.json}`);
