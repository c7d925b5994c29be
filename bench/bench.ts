/**
 * `npm run bench [-- --count 500 --size 512 --concurrency 2 --gl auto --json out.json]`
 *
 * Times the main job end to end (render, read-back, encode, write, validate, seal) on the
 * embedded procedural default, samples the peak RSS of Node plus the browser processes, then in
 * the same process measures the ceiling: in-page render + readPixels of the same scenes with no
 * transfer. The end-to-end run is made twice, with `--no-parquet` first and then with the RL
 * parquet shards (the default), and the parquet output is measured: bytes per 1,000 RL rows and
 * the time to encode them. Prints one table and writes the figures as JSON.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { RUN_DEFAULTS, type RunConfig } from '../pipeline/config.js';
import { SILENT_LOGGER } from '../pipeline/logger.js';
import { buildFamilySchedule } from '../pipeline/plan/family-schedule.js';
import { getFamily } from '../pipeline/questions/index.js';
import type { RlRecord } from '../pipeline/records/rl-record.js';
import { resolveSample, run } from '../pipeline/run/run.js';
import type { Manifest } from '../pipeline/shards/manifest.js';
import { encodeRlParquet } from '../pipeline/shards/parquet-shard.js';
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

// --- End to end, without the parquet shards (--no-parquet), then with them (the default)
let glRenderer = '';
const outPlain = await mkdtemp(join(tmpdir(), 'vf-bench-plain-'));
const t0Plain = performance.now();
await run({ ...config, out: outPlain, parquet: false }, {
  createRenderer: () => ChromiumRenderer.create({ glMode: config.gl, pages: config.concurrency, env: process.env }),
  logger: SILENT_LOGGER,
  versions: { viewforge: 'bench' },
});
const secondsPlain = (performance.now() - t0Plain) / 1000;
await rm(outPlain, { recursive: true, force: true });

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
const pairsPerSecond = opts.count / seconds;

// --- Parquet output: size per 1,000 RL rows, and the time to encode the run's RL rows again
const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
const parquetShards = manifest.shards.filter((s) => s.kind === 'rl-parquet');
const rlRows = parquetShards.reduce((n, s) => n + s.records, 0);
const parquetBytes = parquetShards.reduce((n, s) => n + s.bytes, 0);
const rlRecords: RlRecord[] = [];
for (const s of manifest.shards.filter((x) => x.kind === 'rl')) {
  const text = await readFile(join(out, s.path), 'utf8');
  for (const line of text.trimEnd().split('\n')) rlRecords.push(JSON.parse(line) as RlRecord);
}
const images = new Map<string, Uint8Array>();
for (const r of rlRecords) for (const p of r.images) images.set(p, await readFile(join(out, p)));
const encodeAll = async (): Promise<number> => {
  let n = 0;
  for await (const chunk of encodeRlParquet(rlRecords, async (p) => images.get(p)!)) n += chunk.length;
  return n;
};
if (rlRecords.length > 0) await encodeAll(); // warm-up (JIT), as a long run is after its first shard
const tEncode = performance.now();
const encodedBytes = rlRecords.length > 0 ? await encodeAll() : 0;
const encodeMs = performance.now() - tEncode;
await rm(out, { recursive: true, force: true });

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
  seconds_no_parquet: Number(secondsPlain.toFixed(2)),
  pairs_per_second_no_parquet: Number((opts.count / secondsPlain).toFixed(2)),
  rl_rows: rlRows,
  parquet_bytes: parquetBytes,
  parquet_bytes_per_1000_rl_rows: rlRows > 0 ? Math.round((parquetBytes / rlRows) * 1000) : null,
  parquet_encode_ms_per_1000_rl_rows: rlRows > 0 && encodedBytes > 0 ? Number(((encodeMs / rlRows) * 1000).toFixed(1)) : null,
  ceiling_images_per_second: Number(ceiling.imagesPerSecond.toFixed(2)),
  ceiling_pairs_per_second: Number(ceilingPairs.toFixed(2)),
  ratio_to_ceiling: Number((pairsPerSecond / ceilingPairs).toFixed(3)),
  peak_rss_mb: Number((peakRss / MB).toFixed(1)),
};
const rows: [string, string][] = [
  ['pairs', `${opts.count} @ ${opts.size}×${opts.size} ${config.format}, ${opts.concurrency} page(s), gl ${opts.gl}`],
  ['renderer', glRenderer],
  ['end to end', `${result.pairs_per_second} pairs/s (${result.seconds} s)`],
  ['end to end, --no-parquet (run first)', `${result.pairs_per_second_no_parquet} pairs/s (${result.seconds_no_parquet} s)`],
  [
    'RL parquet shards',
    `${result.rl_rows} rows, ${(parquetBytes / MB).toFixed(2)} MB = ${((result.parquet_bytes_per_1000_rl_rows ?? 0) / MB).toFixed(2)} MB per 1,000 rows; encode ${result.parquet_encode_ms_per_1000_rl_rows} ms per 1,000 rows`,
  ],
  ['ceiling (render + readPixels in page)', `${result.ceiling_images_per_second} images/s = ${result.ceiling_pairs_per_second} pairs/s`],
  ['end to end ÷ ceiling', `${(result.ratio_to_ceiling * 100).toFixed(1)} %`],
  ['peak RSS, Node + browser', `${result.peak_rss_mb} MB`],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
await writeFile(opts.json, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nJSON: ${opts.json}`);
