/**
 * `npm run bench [-- --count 2000 --checkpoints 200 --size 512 --concurrency 2 --gl auto]`
 *
 * Times the main job end to end (render, read-back, encode, write, validate, seal) on the
 * embedded procedural default, with checkpoints (pairs/s and peak RSS of Node + browser so far,
 * so one run of 20,000 tells whether throughput is linear and memory flat). In the same process
 * it then measures the ceiling: in-page render + readPixels of the same scenes, nothing
 * transferred. Optional rows: the same run with `--no-parquet` and the parquet figures
 * (`--parquet-compare`), and Blender Cycles rendering a GLB from the same camera set as our
 * renderer (`--blender auto|off`, on when `blender` is installed). Prints one table and writes
 * the figures as JSON (`--json`). `--library <dir|off>` adds pairs/s on an asset library against the
 * procedural default in one pair of runs of `--library-count` pairs (default: the generated glTF fixtures of `test/fixtures/`).
 * `--scene-count <n>` (default 300, 0 skips) times scenes of several objects (`--scene multi`, the
 * scene families) against single objects in one pair of runs of n pairs each (target: at least half).
 * `--startup-models <n>` (default 0: skipped) times library start-up over n generated models, with
 * an empty index cache and then a full one (bench/library-startup.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { RUN_DEFAULTS, type RunConfig } from '../pipeline/config.js';
import { buildFamilySchedule } from '../pipeline/plan/family-schedule.js';
import { getFamily, SCENE_FAMILY_NAMES } from '../pipeline/questions/index.js';
import { resolveSample } from '../pipeline/run/resolve-sample.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import { measureCeiling } from '../renderers/chromium/ceiling.js';
import { GL_MODES, type GlMode } from '../renderers/chromium/gl-flags.js';
import { existsSync } from 'node:fs';
import { compareWithBlender, type BlenderComparison } from './blender-compare.js';
import { benchLibraryStartup } from './library-startup.js';
import { benchLibrary, FIXTURE_LIBRARY, type LibraryBenchResult } from './library-bench.js';
import { benchEndToEnd, type EndToEndResult } from './end-to-end.js';
import { measureParquet, type ParquetFigures } from './parquet-figures.js';
import { ensureFixtures, FIXTURES } from '../test/fixtures/fixture-files.js';
import { writeBoxLibrary } from '../test/fixtures/box-library.js';

const DEFAULT_GLB = join(FIXTURES, 'Helmet.glb');

const intArg = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench: ${name} must be a positive integer, got "${v}"`);
  return n;
};
const program = new Command('bench')
  .option('--count <n>', 'pairs of the end-to-end run', intArg('--count'), 2000)
  .option('--checkpoints <list>', 'pair counts (comma-separated) at which to note pairs/s and peak RSS so far', '')
  .option('--size <px>', 'image size', intArg('--size'), 512)
  .option('--concurrency <n>', 'renderer pages', intArg('--concurrency'), RUN_DEFAULTS.concurrency)
  .addOption(new Option('--gl <mode>', 'WebGL back-end').choices([...GL_MODES]).default('auto'))
  .option('--ceiling-count <n>', 'pairs timed for the ceiling', intArg('--ceiling-count'), 300)
  .option('--parquet-compare', 'also run end to end with --no-parquet first, and measure the parquet output', false)
  .addOption(new Option('--blender <when>', 'time Blender Cycles on --blender-glb: auto = when `blender` is installed').choices(['auto', 'off']).default('auto'))
  .option('--blender-glb <file>', 'GLB rendered by Blender and by us for the comparison', DEFAULT_GLB)
  .option('--blender-views <n>', 'camera views of the Blender comparison', intArg('--blender-views'), 8)
  .option('--blender-samples <n>', 'Cycles samples per pixel', intArg('--blender-samples'), 16)
  .option('--library <dir|generated:N|lopsided:N|off>', 'asset library (folder or manifest) timed against the procedural default; generated:N writes N distinct box models (every sample draws a model not drawn before, index cache empty: indexing and first-draw symmetry included; every box is symmetric under a half turn, so the rotation families re-draw often, each re-draw a new model to estimate), lopsided:N the same boxes with one raised corner (asymmetric, as most real models are); "off" skips it', FIXTURE_LIBRARY)
  .option('--library-count <n>', 'pairs of each run of the library comparison', intArg('--library-count'), 300)
  .option('--scene-count <n>', 'pairs of each run of the scene comparison (scenes of several objects against single objects); 0 skips it', (v: string) => (v === '0' ? 0 : intArg('--scene-count')(v)), 300)
  .option('--startup-models <n>', 'library start-up, cold and cached: a 4-pair run over n generated box models, twice (docs/assets.md, "Index cache"); 0 skips it', (v: string) => (v === '0' ? 0 : intArg('--startup-models')(v)), 0)
  .option('--json <path>', 'also write the figures here', 'bench-result.json')
  .parse();
const opts = program.opts<{
  count: number;
  checkpoints: string;
  size: number;
  concurrency: number;
  gl: GlMode;
  ceilingCount: number;
  parquetCompare: boolean;
  blender: 'auto' | 'off';
  blenderGlb: string;
  blenderViews: number;
  blenderSamples: number;
  library: string;
  libraryCount: number;
  startupModels: number;
  sceneCount: number;
  json: string;
}>();
const checkpoints = opts.checkpoints === '' ? [] : opts.checkpoints.split(',').map((s) => intArg('--checkpoints')(s.trim()));

await ensureFixtures();
const MB = 1024 * 1024;
const config: RunConfig = { ...RUN_DEFAULTS, count: opts.count, size: opts.size, concurrency: opts.concurrency, gl: opts.gl, out: '', seed: 1 };
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

// --- End to end: optionally --no-parquet first, then the default (with the RL parquet shards)
let plain: EndToEndResult | null = null;
if (opts.parquetCompare) {
  const out = await mkdtemp(join(tmpdir(), 'vf-bench-plain-'));
  plain = await benchEndToEnd({ ...config, out, parquet: false });
  await rm(out, { recursive: true, force: true });
}
const out = await mkdtemp(join(tmpdir(), 'vf-bench-'));
const e2e = await benchEndToEnd({ ...config, out }, checkpoints);
const parquet: ParquetFigures | null = opts.parquetCompare ? await measureParquet(out) : null;
await rm(out, { recursive: true, force: true });

// --- Ceiling: the same scenes, rendered and read back inside the page, nothing transferred
const schedule = buildFamilySchedule(config.families.map((f) => ({ family: getFamily(f).name, weight: 1 })));
const jobs = Array.from({ length: Math.min(opts.ceilingCount, opts.count) }, (_, i) =>
  resolveSample({ seed: config.seed, width: config.size, height: config.size, schedule }, i, () => {}).plan.job,
);
const renderer = await ChromiumRenderer.create({ glMode: config.gl, pages: config.concurrency, env: process.env });
let ceilingImages: number;
try {
  ceilingImages = (await measureCeiling(renderer, jobs, { pages: config.concurrency })).imagesPerSecond;
} finally {
  await renderer.close();
}
// --- Blender (Cycles, CPU) against our renderer on one GLB, same cameras and size
const blender: BlenderComparison | null =
  opts.blender === 'auto'
    ? await compareWithBlender({ glb: opts.blenderGlb, size: opts.size, views: opts.blenderViews, samples: opts.blenderSamples, gl: config.gl, pages: config.concurrency })
    : null;
// --- Asset library against the procedural default, same count, size and pages
const generated = /^(generated|lopsided):(\d+)$/.exec(opts.library);
let librarySource = opts.library;
if (generated !== null) {
  librarySource = join(await mkdtemp(join(tmpdir(), 'vf-bench-boxes-')), 'lib');
  await writeBoxLibrary(librarySource, Number(generated[2]), 5, generated[1] === 'lopsided' ? 'lopsided' : 'box');
}
const library: LibraryBenchResult | null =
  opts.library !== 'off' && existsSync(librarySource)
    ? await benchLibrary({ count: opts.libraryCount, size: opts.size, concurrency: opts.concurrency, gl: config.gl, assets: librarySource })
    : null;
if (generated !== null) await rm(dirname(librarySource), { recursive: true, force: true });
// --- Library start-up over generated models, with an empty index cache and then a full one
const startup = opts.startupModels > 0 ? await benchLibraryStartup({ models: opts.startupModels, gl: config.gl, concurrency: opts.concurrency }) : null;
// --- Scenes of several objects against single objects, same count, size and pages (README, "Scenes")
let scene: { single: number; scenes: number } | null = null;
if (opts.sceneCount > 0) {
  const timed = async (over: Partial<RunConfig>) => {
    const dir = await mkdtemp(join(tmpdir(), 'vf-bench-scene-'));
    try {
      return (await benchEndToEnd({ ...config, count: opts.sceneCount, out: dir, ...over })).pairsPerSecond;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  scene = { single: await timed({}), scenes: await timed({ scene: 'multi', families: [...SCENE_FAMILY_NAMES] }) };
}
const ceilingPairs = ceilingImages / 2;
const first = e2e.checkpoints[0];
const last = e2e.checkpoints[e2e.checkpoints.length - 1];

const result = {
  count: opts.count,
  size: opts.size,
  format: config.format,
  concurrency: opts.concurrency,
  gl: opts.gl,
  gl_renderer: e2e.glRenderer,
  seconds: round(e2e.seconds),
  pairs_per_second: round(e2e.pairsPerSecond),
  ceiling_images_per_second: round(ceilingImages),
  ceiling_pairs_per_second: round(ceilingPairs),
  ratio_to_ceiling: round(e2e.pairsPerSecond / ceilingPairs, 3),
  peak_rss_mb: round(e2e.peakRssBytes / MB, 1),
  checkpoints: e2e.checkpoints.map((c) => ({ pairs: c.pairs, seconds: round(c.seconds), pairs_per_second: round(c.pairsPerSecond), peak_rss_mb: round(c.peakRssBytes / MB, 1) })),
  // Last checkpoint against the first: 1.0 = perfectly linear / flat
  rate_ratio_last_to_first: e2e.checkpoints.length > 1 ? round(last.pairsPerSecond / first.pairsPerSecond, 3) : null,
  rss_ratio_last_to_first: e2e.checkpoints.length > 1 ? round(last.peakRssBytes / first.peakRssBytes, 3) : null,
  pairs_per_second_no_parquet: plain === null ? null : round(plain.pairsPerSecond),
  parquet: parquet && {
    rl_rows: parquet.rlRows,
    bytes: parquet.parquetBytes,
    bytes_per_1000_rl_rows: parquet.bytesPer1000Rows,
    encode_ms_per_1000_rl_rows: parquet.encodeMsPer1000Rows,
  },
  blender: blender && {
    glb: blender.glb,
    version: blender.blender.version,
    samples: opts.blenderSamples,
    views: blender.blender.images,
    blender_images_per_second: round(blender.blender.imagesPerSecond, 3),
    blender_ms_per_image: round(blender.blender.msPerImage, 1),
    ours_images_per_second: round(blender.oursImagesPerSecond),
    ours_over_blender: round(blender.oursImagesPerSecond / blender.blender.imagesPerSecond, 1),
  },
  library: library && {
    source: opts.library,
    // generated:N / lopsided:N: every sample draws a model the run has not drawn before, with an empty index cache
    pairs: opts.libraryCount,
    assets: library.libraryAssets,
    procedural_pairs_per_second: round(library.proceduralPairsPerSecond),
    library_pairs_per_second: round(library.libraryPairsPerSecond),
    index_seconds: round(library.indexSeconds),
  },
  library_startup: startup && {
    models: startup.models,
    cold_run_seconds: round(startup.coldRunSeconds),
    cached_run_seconds: round(startup.cachedRunSeconds),
    index_cold_seconds: round(startup.indexColdSeconds),
    index_cached_seconds: round(startup.indexCachedSeconds),
  },
  scene: scene && {
    pairs: opts.sceneCount,
    single_pairs_per_second: round(scene.single),
    scene_pairs_per_second: round(scene.scenes),
    scene_over_single: round(scene.scenes / scene.single, 3),
  },
  blender_skipped: blender === null ? (opts.blender === 'off' ? '--blender off' : 'blender not installed (apt-get install blender python3-numpy)') : null,
};

const rows: [string, string][] = [
  ['pairs', `${opts.count} @ ${opts.size}×${opts.size} ${config.format}, ${opts.concurrency} page(s), gl ${opts.gl}`],
  ['renderer', e2e.glRenderer],
  ['end to end', `${result.pairs_per_second} pairs/s (${result.seconds} s)`],
  ['ceiling (render + readPixels in page)', `${result.ceiling_images_per_second} images/s = ${result.ceiling_pairs_per_second} pairs/s`],
  ['end to end ÷ ceiling', `${(result.ratio_to_ceiling * 100).toFixed(1)} %`],
  ['peak RSS, Node + browser', `${result.peak_rss_mb} MB`],
];
result.checkpoints.forEach((c, i) => {
  const prev = i === 0 ? null : result.checkpoints[i - 1];
  const since = prev === null ? '' : `; ${round((c.pairs - prev.pairs) / (c.seconds - prev.seconds))} pairs/s since ${prev.pairs}`;
  rows.push([`  after ${c.pairs} pairs`, `${c.pairs_per_second} pairs/s, peak RSS ${c.peak_rss_mb} MB (${c.seconds} s${since})`]);
});
if (result.rate_ratio_last_to_first !== null) {
  rows.push([`pairs/s ${last.pairs} ÷ ${first.pairs}`, `${result.rate_ratio_last_to_first}`]);
  rows.push([`peak RSS ${last.pairs} ÷ ${first.pairs}`, `${result.rss_ratio_last_to_first}`]);
}
if (result.pairs_per_second_no_parquet !== null) rows.push(['end to end, --no-parquet (run first)', `${result.pairs_per_second_no_parquet} pairs/s`]);
if (parquet !== null && parquet.bytesPer1000Rows !== null) {
  rows.push(['RL parquet shards', `${parquet.rlRows} rows, ${(parquet.bytesPer1000Rows / MB).toFixed(2)} MB per 1,000 rows; encode ${parquet.encodeMsPer1000Rows} ms per 1,000 rows`]);
}
if (result.library) {
  const l = result.library;
  rows.push([`library vs procedural, ${l.pairs} pairs each`, `${l.library_pairs_per_second} vs ${l.procedural_pairs_per_second} pairs/s = ${Math.round((100 * l.library_pairs_per_second) / l.procedural_pairs_per_second)} % (${l.assets} models of ${l.source}; indexing ${l.index_seconds} s)`]);
}
if (result.library_startup) {
  const s = result.library_startup;
  rows.push([`library start-up, ${s.models} models, 4 pairs`, `${s.cold_run_seconds} s with an empty index cache, ${s.cached_run_seconds} s cached (indexing alone ${s.index_cold_seconds} s / ${s.index_cached_seconds} s)`]);
}
if (result.scene) {
  const s = result.scene;
  rows.push([`scenes vs single objects, ${s.pairs} pairs each`, `${s.scene_pairs_per_second} vs ${s.single_pairs_per_second} pairs/s (${s.scene_over_single}×; target ≥ 0.5×)`]);
}
if (result.blender) {
  const b = result.blender;
  rows.push([`Blender ${b.version} Cycles ${b.samples} spp, CPU`, `${b.blender_images_per_second} images/s (${b.blender_ms_per_image} ms/image, ${b.views} views of ${b.glb})`]);
  rows.push(['ours on the same GLB and cameras', `${b.ours_images_per_second} images/s (render + read-back + JPEG)`]);
  rows.push(['ours ÷ Blender', `${b.ours_over_blender}×`]);
} else {
  rows.push(['Blender', `skipped: ${result.blender_skipped}`]);
}
const w = Math.max(...rows.map((r) => r[0].length));
console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
await writeFile(opts.json, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nJSON: ${opts.json}`);
