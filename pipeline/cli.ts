#!/usr/bin/env node
/**
 * viewforge command line. The only file that reads `process.argv` and `process.env`, prints, and
 * sets the exit code; everything else is a library call (CONTRIBUTING.md, Style).
 *
 * Exit codes: 0 done; 2 bad flag or config; 3 environment unusable (no Chromium, no WebGL,
 * unwritable output); 1 the run failed part-way (sealed shards stay intact); 130 / 143 stopped by
 * SIGINT / SIGTERM (sealed shards intact, `--resume` finishes the run).
 *
 * Test-only environment variables (no flag reaches these; see docs/scale-out.md):
 * `VIEWFORGE_TEST_FAULTS` (renderer faults), `VIEWFORGE_TEST_PAUSE_BEFORE_SEAL`,
 * `VIEWFORGE_TEST_PAUSE_BEFORE_SIDECAR` (a shard number to pause at) and
 * `VIEWFORGE_TEST_PAUSE_RELEASE` (a file whose existence ends the pause); `VIEWFORGE_TEST_CORRUPT_POSES`
 * (n: the written camera of view A of every n-th sample is shifted, see docs/nightly.md).
 */
import { createRequire } from 'node:module';
import { Command, InvalidArgumentError, Option } from 'commander';
import type cliProgressModule from 'cli-progress';
import { ConfigError, RUN_DEFAULTS, parseMix, type RunConfig } from './config.js';
import { applyConfigFile, readConfigFile } from './config-file.js'; // --- Config files and nightly builds (docs/nightly.md)
import { addNightlyCommand } from './cli-nightly.js';
import { nameSetting } from './name-setting.js';
import { EtaEstimator } from './progress-eta.js';
import { EnvironmentError, RunFailedError, RunInterruptedError, type ShardProgress } from './errors.js';
import { formatHandoffReport, HANDOFF_FLAG_HELP, readHandoffFlags, type HandoffFlags } from './handoff/handoff-flags.js';
import type { HandoffReport } from './handoff/handoff-queue.js';
import { RETRY_DEFAULTS } from './handoff/retry.js';
import type { Logger } from './logger.js';
import { FAMILIES, LIBRARY_FAMILIES } from './questions/index.js';
import type { RunHooks, RunProgress } from './run/run.js';
import { getWorkerLabel, type WorkerSpec } from './scale/assign-shards.js';
import { readWorkerFlags, WORKER_ENV } from './scale/read-worker-flags.js';
import { PREVIEW_DEFAULTS } from './preview/preview-options.js';
import type { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';

const require = createRequire(import.meta.url);
const PKG = require('../package.json') as { version: string };

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_ENVIRONMENT = 3;
/** Exit codes after a signal stopped a run (128 + signal number, as shells report it). */
const EXIT_SIGNAL: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** An error that carries the exit code the CLI should end with. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function intFlag(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer, got "${value}".`);
    return Number(value);
  };
}

function numberFlag(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${value}".`);
    return n;
  };
}

/** Parses `min,max` (two numbers) for a range flag such as `--fov 35,55`. */
function rangeFlag(name: string) {
  return (value: string): [number, number] => {
    const parts = value.split(',').map((p) => p.trim());
    const nums = parts.map(Number);
    if (parts.length !== 2 || parts.some((p) => p === '') || !nums.every(Number.isFinite)) {
      throw new InvalidArgumentError(`${name} must be two numbers min,max (e.g. 35,55), got "${value}".`);
    }
    return [nums[0], nums[1]];
  };
}

/** Parses `--passes mask,depth` (each at most once; "none" or "" for none). */
function passesFlag(value: string): RunConfig['passes'] {
  const names = value.split(',').map((p) => p.trim()).filter((p) => p !== '' && p !== 'none');
  for (const name of names) if (name !== 'mask' && name !== 'depth') throw new InvalidArgumentError(`--passes takes mask and/or depth, comma-separated; got "${name}".`);
  if (new Set(names).size !== names.length) throw new InvalidArgumentError(`--passes names a pass twice: "${value}".`);
  return names as RunConfig['passes'];
}

/** While a progress bar is drawn on the terminal: clears its line before a log line and redraws it after. */
let barOnScreen: { render: () => void } | null = null;
const logLine = (line: string) => {
  if (barOnScreen !== null) process.stderr.write('\r\x1b[K');
  console.error(line);
  barOnScreen?.render();
};
const consoleLogger: Logger = {
  info: (m) => logLine(m),
  warn: (m) => logLine(`warning: ${m}`),
  error: (m) => logLine(`error: ${m}`),
};

/** Progress display: a bar with rate and ETA on a terminal, plain lines every few seconds otherwise. */
function progressReporter(cliProgress: typeof cliProgressModule, total: number, isTTY: boolean): { update: (p: RunProgress) => void; stop: () => void } {
  const started = performance.now();
  const estimate = new EtaEstimator();
  if (isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'render |{bar}| {value}/{total} pairs | {rate} pairs/s | ETA {eta_text} | redraws {redraws}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0.0', redraws: 0, eta_text: estimate.eta(total) });
    barOnScreen = bar;
    return {
      update: (p) => {
        if (p.total !== bar.getTotal()) bar.setTotal(p.total); // a resumed or split run builds fewer than --count
        estimate.note(p.done, performance.now());
        bar.update(p.done, { rate: (estimate.rate() ?? p.done / ((performance.now() - started) / 1000)).toFixed(1), redraws: p.redraws, eta_text: estimate.eta(p.total) });
      },
      stop: () => {
        barOnScreen = null;
        bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update: (p) => {
      const now = performance.now();
      estimate.note(p.done, now);
      if (now - last < 5000 && p.done !== p.total) return;
      last = now;
      const rate = estimate.rate() ?? p.done / ((now - started) / 1000);
      console.error(`render: ${p.done}/${p.total} pairs, ${rate.toFixed(1)} pairs/s, ETA ${estimate.eta(p.total)}, redraws ${p.redraws}`);
    },
    stop: () => {},
  };
}

// --- Hand-off (pipeline/handoff/, docs/handoff.md): flags → settings, report → lines and exit code

function handoffSettings(target: string, flags: HandoffFlags) {
  try {
    return readHandoffFlags(target, flags, process.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message} (see --help)`, EXIT_USAGE);
    throw err;
  }
}

function printHandoffReport(report: HandoffReport, outDir: string): void {
  const { ok, lines } = formatHandoffReport(report, outDir);
  for (const line of lines) console.error(line);
  if (!ok) throw new CliError(`hand-off incomplete: ${report.failed.length} failed, ${report.pending.length} not sent (see above)`, EXIT_FAILED);
}

async function handoffCommand(out: string, flags: HandoffFlags): Promise<void> {
  const { getLedgerTarget, handoffPending } = await import('./handoff/handoff-pending.js');
  const target = flags.handoff ?? (await getLedgerTarget(out));
  if (target === null) throw new CliError(`handoff: no --handoff <target> given, and no ledger in "${out}" names one`, EXIT_USAGE);
  const settings = handoffSettings(target, flags);
  let report: HandoffReport;
  try {
    report = await handoffPending({ ...settings, outDir: out, logger: consoleLogger, random: Math.random, now: Date.now });
  } catch (err) {
    throw new CliError((err as Error).message, EXIT_FAILED);
  }
  printHandoffReport(report, out);
}

// --- End of hand-off helpers

async function scoreCommand(flags: { dataset: string; predictions: string; report?: string }): Promise<void> {
  const { scoreFiles, ScoreInputError } = await import('./score/score-files.js');
  const { formatScoreReport } = await import('./score/score-predictions.js');
  try {
    const { report, reportPath } = await scoreFiles(flags);
    for (const line of formatScoreReport(report)) console.log(line);
    console.log(`report: ${reportPath}`);
  } catch (err) {
    throw new CliError((err as Error).message, err instanceof ScoreInputError ? EXIT_USAGE : EXIT_FAILED);
  }
}

interface RenderFlags extends HandoffFlags {
  /** `--config <file>`: settings from a JSON file; flags given on the command line win. */
  config?: string;
  count: number;
  seed: number;
  out: string;
  size: number;
  format: RunConfig['format'];
  shardSize: number;
  concurrency: number;
  cotRatio: number;
  families: string;
  mix?: string;
  stages: RunConfig['stages'];
  gl: RunConfig['gl'];
  datasetName: string;
  systemPrompt?: string;
  /** `--no-parquet` sets it to false. */
  parquet: boolean;
  overwrite: boolean;
  // --- Scale-out and crash safety
  shardIndex?: number;
  shardCount?: number;
  /** `--resume` → true, `--resume auto` → 'auto'. */
  resume?: true | 'auto';
  renderTimeout: number;
  renderRetries: number;
  // --- Asset library
  assets?: string;
  maxAssetMb: number;
  // --- Look and camera ranges
  fov: [number, number];
  distance: [number, number];
  background: RunConfig['background'];
  env?: string;
  envShare: number;
  ground: number;
  passes: RunConfig['passes'];
}

// --- Scale-out and crash safety (pipeline/scale/, docs/scale-out.md): test hooks, stop lines, verify, merge

/** Test hooks from `VIEWFORGE_TEST_PAUSE_*` (undefined when none is set). */
async function readTestHooks(signal: AbortSignal): Promise<RunHooks | undefined> {
  const { createPauseHook } = await import('./scale/pause-hook.js');
  const { createPoseCorruptionHook } = await import('./nightly/corrupt-poses.js');
  const hook = (name: string, label: string) => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^\d+$/.test(raw)) throw new CliError(`${name} must be a shard number, got "${raw}"`, EXIT_USAGE);
    return createPauseHook({ shard: Number(raw), label, releaseFile: process.env.VIEWFORGE_TEST_PAUSE_RELEASE || undefined, signal, log: (line) => console.error(line) });
  };
  const hooks: RunHooks = { beforeSeal: hook('VIEWFORGE_TEST_PAUSE_BEFORE_SEAL', 'before sealing'), beforeSidecar: hook('VIEWFORGE_TEST_PAUSE_BEFORE_SIDECAR', 'before the sidecar of') };
  const corrupt = process.env.VIEWFORGE_TEST_CORRUPT_POSES; // proves the nightly pose↔pixel gate (docs/nightly.md)
  if (corrupt !== undefined && corrupt !== '') {
    if (!/^[1-9]\d*$/.test(corrupt)) throw new CliError(`VIEWFORGE_TEST_CORRUPT_POSES must be a positive integer n (every n-th sample), got "${corrupt}"`, EXIT_USAGE);
    hooks.beforeRecords = createPoseCorruptionHook(Number(corrupt));
  }
  return hooks.beforeSeal || hooks.beforeSidecar || hooks.beforeRecords ? hooks : undefined;
}

function describeProgress(progress: ShardProgress, worker: WorkerSpec): string {
  return `${worker.count > 1 ? `${getWorkerLabel(worker)}: ` : ''}${progress.sealed} of ${progress.total} shards sealed`;
}

async function verifyCommand(out: string): Promise<void> {
  const { verifyDataset } = await import('./verify/verify-dataset.js');
  const report = await verifyDataset(out);
  const { checked } = report;
  const what = `${checked.samples} samples, ${checked.records} records in ${checked.shardFiles} shard files, ${checked.images} images`;
  if (report.faults.length === 0) {
    console.log(`verify: OK: ${what} in ${out}`);
    return;
  }
  const shown = report.faults.slice(0, 200);
  for (const f of shown) console.error(`fault: ${f.path || '(dataset)'}: ${f.problem}`);
  if (report.faults.length > shown.length) console.error(`fault: … and ${report.faults.length - shown.length} more`);
  throw new CliError(`verify: ${report.faults.length} fault(s) in "${out}" (checked ${what})`, EXIT_FAILED);
}

async function mergeCommand(outDirs: string[], flags: { into: string; overwrite: boolean }): Promise<void> {
  try {
    const { mergeOutputs } = await import('./scale/merge-outputs.js');
    const result = await mergeOutputs({ inputs: outDirs, into: flags.into, overwrite: flags.overwrite, logger: consoleLogger });
    console.log(`merge: ${result.shards} shards, ${result.manifest.counts.samples} samples from ${outDirs.length} folder(s) → ${flags.into} (manifest.json written)`);
  } catch (err) {
    throw new CliError((err as Error).message, err instanceof EnvironmentError ? EXIT_ENVIRONMENT : EXIT_FAILED);
  }
}

// --- End of scale-out helpers

async function previewCommand(out: string, flags: { n: number; out?: string; embedImages: boolean }): Promise<void> {
  if (flags.n < 1) throw new CliError(`preview: --n must be at least 1, got ${flags.n}`, EXIT_USAGE);
  try {
    const { writePreview } = await import('./preview/write-preview.js');
    const result = await writePreview(out, { n: flags.n, file: flags.out, embed: flags.embedImages });
    console.log(`preview: ${result.samples} samples → ${result.path}`);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT_FAILED);
  }
}

async function renderCommand(flags: RenderFlags, command: Command): Promise<void> {
  const { renderDataset, resolveRunConfig } = await import('./render-dataset.js');
  const { readSystemPrompt } = await import('./run/read-system-prompt.js');
  let config: RunConfig;
  try {
    if (flags.config !== undefined) applyConfigFile(flags as unknown as Record<string, unknown>, command, await readConfigFile(flags.config)); // --- Config file
    const mix = flags.mix === undefined ? null : parseMix(flags.mix);
    // Without --families, resolveRunConfig picks them: the mix's, a library's part-free ones, or all.
    const familiesGiven = command.getOptionValueSource('families') !== 'default';
    const families = familiesGiven ? flags.families.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const split = readWorkerFlags({ shardIndex: flags.shardIndex, shardCount: flags.shardCount }, process.env); // flags, else the Job's variables
    config = resolveRunConfig(
      {
        count: flags.count,
        seed: flags.seed,
        out: flags.out,
        size: flags.size,
        format: flags.format,
        shardSize: flags.shardSize,
        concurrency: flags.concurrency,
        cotRatio: flags.cotRatio,
        families,
        mix,
        stages: flags.stages,
        gl: flags.gl,
        datasetName: flags.datasetName,
        systemPrompt: await readSystemPrompt(flags.systemPrompt),
        parquet: flags.parquet,
        overwrite: flags.overwrite,
        shardIndex: split.index,
        shardCount: split.count,
        resume: flags.resume ?? false,
        renderTimeoutMs: flags.renderTimeout,
        renderRetries: flags.renderRetries,
        assets: flags.assets ?? null,
        maxAssetMb: flags.maxAssetMb,
        fov: flags.fov,
        distance: flags.distance,
        background: flags.background,
        env: flags.env ?? null,
        envShare: flags.envShare,
        ground: flags.ground,
        passes: flags.passes,
      },
    );
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${nameSetting(err, command, flags.config)} (see --help)`, EXIT_USAGE);
    throw err;
  }
  const handoffConfig = flags.handoff === undefined ? undefined : handoffSettings(flags.handoff, flags); // --- Hand-off
  const started = performance.now();
  const progress = progressReporter((await import('cli-progress')).default, config.count, Boolean(process.stderr.isTTY));
  // --- SIGINT/SIGTERM: stop taking samples, seal nothing partial, say how to resume; a second signal exits at once
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    progress.stop();
    if (stop.signal.aborted) {
      consoleLogger.error(`received ${sig} again; exiting now (sealed shards are intact; rerun the same command with --resume to finish)`);
      process.exit(EXIT_SIGNAL[sig] ?? EXIT_FAILED);
    }
    consoleLogger.warn(`received ${sig}: stopping (no new samples, nothing partial is sealed); send it again to exit at once`);
    stop.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const worker: WorkerSpec = { index: config.shardIndex, count: config.shardCount };
  const { FaultInjectingRenderer, parseRenderFaults } = await import('../renderers/chromium/fault-injecting-renderer.js'); // test only
  const faults = process.env.VIEWFORGE_TEST_FAULTS ? parseRenderFaults(process.env.VIEWFORGE_TEST_FAULTS) : undefined;
  let chromium: ChromiumRenderer | undefined;
  const reportRepairs = () => {
    const s = chromium?.stats;
    if (s && (s.pageReplacements > 0 || s.retries > 0)) consoleLogger.info(`renderer: ${s.pageReplacements} page(s) replaced, ${s.retries} job(s) retried`);
  };
  try {
    // --- Hand-off: opened here (reads the ledger), handed to run() which enqueues each sealed shard
    const { openHandoff } = await import('./handoff/open-handoff.js');
    const handoff = handoffConfig && (await openHandoff({ ...handoffConfig, outDir: config.out, datasetName: config.datasetName, logger: consoleLogger, random: Math.random, now: Date.now }));
    const result = await renderDataset(config, {
      onChromium: (c) => (chromium = c),
      ...(faults ? { wrapRenderer: (c: ChromiumRenderer) => new FaultInjectingRenderer(c, faults, consoleLogger) } : {}),
      onRenderer: (r) => consoleLogger.info(`renderer: ${r.info.name}, ${r.info.browserVersion}, ${r.info.glRenderer}`),
      logger: consoleLogger,
      onProgress: progress.update,
      handoff,
      signal: stop.signal,
      hooks: await readTestHooks(stop.signal),
    });
    progress.stop();
    reportRepairs();
    const secs = (performance.now() - started) / 1000;
    const kept = result.kept > 0 ? `, ${result.kept} sealed shard(s) kept from the earlier run` : '';
    console.log(`done: ${result.samples} pairs in ${secs.toFixed(1)} s (${(result.samples / secs).toFixed(1)} pairs/s)${kept} → ${result.outDir}`);
    if (result.manifestWritten && worker.count > 1) console.log(`${getWorkerLabel(worker)}: every shard of the run is in ${result.outDir}; manifest.json written`);
    if (!result.manifestWritten && result.missing.length > 0) {
      console.log(
        `${getWorkerLabel(worker)}: its shards are sealed; ${result.missing.length} shard(s) of the run are not in ${result.outDir} yet (other workers'). ` +
          'In a shared folder the last worker to finish writes manifest.json; with one folder per worker, run: npm run merge -- <out-dirs…> --into <dir>',
      );
    }
    if (result.handoff !== undefined) printHandoffReport(result.handoff, result.outDir); // --- Hand-off
  } catch (err) {
    progress.stop();
    reportRepairs();
    if (err instanceof RunInterruptedError) {
      console.error(`interrupted: ${describeProgress(err.progress, worker)}; rerun the same command with --resume to finish`);
      throw new CliError('', EXIT_SIGNAL[err.reason as NodeJS.Signals] ?? EXIT_FAILED);
    }
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT_USAGE); // --assets, --env
    if (err instanceof RunFailedError) {
      console.error(`error: ${err.message}`);
      console.error(`run: ${describeProgress(err.progress, worker)} and intact; fix the cause, then rerun the same command with --resume to finish`);
      throw new CliError('', EXIT_FAILED);
    }
    throw new CliError((err as Error).message, err instanceof EnvironmentError ? EXIT_ENVIRONMENT : EXIT_FAILED);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Example command lines shown at the end of `render --help`. */
const RENDER_EXAMPLES = `
Examples:
  npm run render -- --count 100000 --seed 7 --out /data/vf-nightly     the main job (every family, SFT + RL shards)
  npm run render -- --assets ./models --count 5000 --out out-lib       library models instead of procedural objects
  npm run render -- --count 100000 --shard-index 0 --shard-count 4 --out /shared/vf
                                                                       worker 0 of a 4-way split (one command per worker)
  npm run render -- --count 100000 --out /data/vf --resume             finish a stopped run (sealed shards are kept)
  npm run nightly -- --config nightly.json                             a versioned nightly build with quality gates`;

/** Builds the command tree (exported for in-process tests). */
export function buildProgram(): Command {
  const program = new Command('viewforge')
    .description('Synthetic multi-view spatial-reasoning data for multimodal LLMs (SFT + GRPO).')
    .version(PKG.version)
    .showHelpAfterError('(run with --help for usage)')
    // Before any subcommand is added, so they inherit it: errors reach main() as exceptions.
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('render')
    .description('Render image pairs and write SFT/RL JSONL shards, manifest.json and dataset_info.json.')
    .option('--config <file>', 'JSON config file whose keys are the settings (camelCase, see docs/nightly.md); flags given here override it')
    .option('--count <n>', 'number of samples (image pairs)', intFlag('--count'), RUN_DEFAULTS.count)
    .option('--seed <n>', 'run seed, 0..4294967295; same seed + flags = same bytes', intFlag('--seed'), RUN_DEFAULTS.seed)
    .option('--out <dir>', 'output folder', RUN_DEFAULTS.out)
    .option('--size <px>', 'image width and height in pixels', intFlag('--size'), RUN_DEFAULTS.size)
    .addOption(new Option('--format <fmt>', 'image format').choices(['jpeg', 'png', 'webp']).default(RUN_DEFAULTS.format))
    .option('--shard-size <n>', 'records per shard', intFlag('--shard-size'), RUN_DEFAULTS.shardSize)
    .option('--concurrency <n>', 'renderer pages working at once (does not change the output)', intFlag('--concurrency'), RUN_DEFAULTS.concurrency)
    .option('--cot-ratio <r>', 'share of SFT records with <think> reasoning (hybrid cold start), 0..1', numberFlag('--cot-ratio'), RUN_DEFAULTS.cotRatio)
    .option('--families <list>', `comma-separated question families (${FAMILIES.map((f) => f.name).join(', ')})`, RUN_DEFAULTS.families.join(','))
    .option('--mix <weights>', 'share of each family, family=weight,… (e.g. orbit=0.4,ego-turn=0.2,perspective=0.4); without --families, the families are the mix\'s')
    .addOption(
      new Option('--stages <mode>', 'record files per sample: family (viewpoint families to sft/, SAT families to rl/) or both (every sample to both)')
        .choices(['family', 'both'])
        .default(RUN_DEFAULTS.stages),
    )
    .addOption(
      new Option('--gl <mode>', 'WebGL back-end: auto (fastest software that works), llvmpipe, swiftshader, gpu')
        .choices(['auto', 'llvmpipe', 'swiftshader', 'gpu'])
        .default(RUN_DEFAULTS.gl),
    )
    .option('--dataset-name <name>', 'dataset name (verl data_source, LLaMA-Factory key prefix)', RUN_DEFAULTS.datasetName)
    .option('--system-prompt <text|@file>', 'system message added to SFT records; @path reads it from a file (default: none)')
    .option('--no-parquet', 'skip the verl-native rl/shard-NNNNN.parquet copies (images embedded) of the RL shards')
    .option('--overwrite', 'replace a dataset already in --out', false)
    // --- Scale-out and crash safety flags
    .option('--shard-index <i>', `this worker's number in a split run, 0..n-1; it builds the shards s with s mod n = i (default: $${WORKER_ENV.index}, else 0)`, intFlag('--shard-index'))
    .option('--shard-count <n>', `workers in a split run (default: $${WORKER_ENV.count}, else 1)`, intFlag('--shard-count'))
    .addOption(
      new Option('--resume [when]', 'finish the run in --out: keep sealed shards whose checksums verify, rebuild the rest; "--resume auto" starts fresh when there is nothing to resume')
        .choices(['auto']),
    )
    .option('--render-timeout <ms>', 'time limit of one render in the browser; a page past it is replaced and the sample retried', intFlag('--render-timeout'), RUN_DEFAULTS.renderTimeoutMs)
    .option('--render-retries <n>', 'retries of a sample whose page crashed or hung, before the run fails', intFlag('--render-retries'), RUN_DEFAULTS.renderRetries)
    // --- Asset library (docs/assets.md)
    .option('--assets <dir|manifest.jsonl>', `render .glb/.gltf models from a folder (recursively) or a JSONL manifest instead of procedural objects; families default to ${LIBRARY_FAMILIES.join(', ')}`)
    .option('--max-asset-mb <mb>', 'skip library models larger than this (with their referenced files), MiB', numberFlag('--max-asset-mb'), RUN_DEFAULTS.maxAssetMb)
    // --- Look and camera ranges (docs/look.md)
    .option('--fov <min,max>', 'vertical field of view range of the cameras, degrees', rangeFlag('--fov'), RUN_DEFAULTS.fov)
    .option('--distance <min,max>', 'camera distance range as factors of the closest distance that keeps the object in frame (≥ 1)', rangeFlag('--distance'), RUN_DEFAULTS.distance)
    .addOption(
      new Option('--background <mode>', 'background: solid colours, vertical gradients, or mixed (half and half)')
        .choices(['solid', 'gradient', 'mixed'])
        .default(RUN_DEFAULTS.background),
    )
    .option('--env <dir>', 'folder of .hdr environment maps lighting the object (image-based lighting; default: none)')
    .option('--env-share <p>', 'share of samples lit by an environment map when --env is given, 0..1', numberFlag('--env-share'), RUN_DEFAULTS.envShare)
    .option('--ground <share>', 'share of samples with a shadow-catching ground plane under the object, 0..1', numberFlag('--ground'), RUN_DEFAULTS.ground)
    .option('--passes <list>', 'also write full-size passes beside each image: mask (8-bit PNG, 1 + part index) and/or depth (16-bit PNG, mm), e.g. mask,depth (default: none)', passesFlag, RUN_DEFAULTS.passes)
    // --- Hand-off flags
    .option('--handoff <target>', HANDOFF_FLAG_HELP.handoff)
    .option('--handoff-retries <n>', HANDOFF_FLAG_HELP.handoffRetries, intFlag('--handoff-retries'), RETRY_DEFAULTS.retries)
    .option('--handoff-token-env <NAME>', HANDOFF_FLAG_HELP.handoffTokenEnv)
    .addHelpText(
      'after',
      '\nEnvironment: CHROMIUM_PATH overrides the browser binary (default /usr/bin/chromium); JOB_COMPLETION_INDEX and JOB_COMPLETION_COUNT (Kubernetes Indexed Job) default --shard-index and --shard-count.' +
        '\nExit codes: 0 done, 1 run failed (rerun with --resume), 2 bad flag, 3 environment (browser, WebGL, output folder), 130/143 stopped by SIGINT/SIGTERM (rerun with --resume).',
    )
    .addHelpText('after', RENDER_EXAMPLES)
    .action(renderCommand);
  // --- Hand-off subcommand
  program
    .command('handoff')
    .description('Hand the shards of a finished output folder that the target has not acknowledged yet (see its ledger) to training.')
    .argument('<out>', 'output folder of a finished run (with manifest.json)')
    .option('--handoff <target>', `${HANDOFF_FLAG_HELP.handoff}; default: the target in the folder's handoff-ledger.jsonl`)
    .option('--handoff-retries <n>', HANDOFF_FLAG_HELP.handoffRetries, intFlag('--handoff-retries'), RETRY_DEFAULTS.retries)
    .option('--handoff-token-env <NAME>', HANDOFF_FLAG_HELP.handoffTokenEnv)
    .addHelpText('after', '\nExit codes: 0 every shard acknowledged, 1 some failed or not sent, 2 bad flag.')
    .action(handoffCommand);
  // --- End of hand-off subcommand
  // --- Scale-out subcommands
  program
    .command('verify')
    .description('Check an output folder: every shard checksum, every record against the schemas, every image (existence, size, sha256), id uniqueness and counts.')
    .argument('<out>', 'output folder of a finished run (with manifest.json)')
    .addHelpText('after', '\nPrints one line per fault. Exit codes: 0 no fault, 1 faults found.')
    .action(verifyCommand);
  program
    .command('merge')
    .description('Merge the output folders of the workers of a split run (--shard-index/--shard-count) into one data set, byte-identical to a one-machine run.')
    .argument('<out-dirs...>', 'the workers\' --out folders (or the one folder they shared)')
    .requiredOption('--into <dir>', 'folder of the merged data set (may be one of the inputs: nothing is copied for that one)')
    .option('--overwrite', 'replace a dataset already in --into', false)
    .addHelpText('after', '\nShards are hard-linked when on the same file system, copied otherwise; overlapping or missing shards are refused.\nExit codes: 0 merged, 1 failed, 2 bad flag, 3 inputs that do not fit (other configuration or stack, overlaps, gaps, damaged shards).')
    .action(mergeCommand);
  // --- End of scale-out subcommands
  program
    .command('score')
    .description('Score model completions against a generated dataset with the reference reward (0.5 format + 0.5 accuracy).')
    .requiredOption('--dataset <out>', 'output folder of a run (reads sft/*.jsonl and rl/*.jsonl)')
    .requiredOption('--predictions <file>', 'JSONL, one {"id": "<record id>", "completion": "<model output>"} a line ("prediction" or "response" also accepted)')
    .option('--report <file>', 'where to write the JSON report (default: <predictions>.score.json beside the predictions)')
    .addHelpText('after', '\nPrints accuracy overall, per family, per answer content and per difficulty margin (thirds of each family), and the format rate. Missing or extra ids are reported, not fatal.\nExit codes: 0 scored, 1 failed, 2 bad flag or unreadable input.')
    .action(scoreCommand);
  // --- Preview subcommand (pipeline/preview/)
  program
    .command('preview')
    .description('Write a self-contained HTML gallery of samples (both images, question, options with the answer marked, reasoning, ground truth) with family and answer filters.')
    .argument('<out>', 'output folder of a finished run (with manifest.json)')
    .option('--n <count>', 'samples shown at most, spread over the families', intFlag('--n'), PREVIEW_DEFAULTS.n)
    .option('--out <file>', 'where to write the page (default: <out>/preview.html); image links are relative to its folder')
    .option('--embed-images', 'embed the images as data URIs (a larger file that can be moved on its own)', PREVIEW_DEFAULTS.embed)
    .addHelpText('after', '\nThe page opens from disk in any browser: no server, no network.\nExit codes: 0 written, 1 failed (e.g. no manifest.json), 2 bad flag.')
    .action(previewCommand);
  // --- End of preview subcommand
  // --- Nightly builds (pipeline/nightly/, docs/nightly.md): `render` runs in this process
  addNightlyCommand(program, {
    render: async (args) => {
      try {
        await buildProgram().parseAsync(['node', 'viewforge', 'render', ...args]);
        return 0;
      } catch (err) {
        return reportError(err);
      }
    },
    fail: (message, exitCode) => new CliError(message, exitCode),
    print: (line) => console.log(line),
    log: consoleLogger.info,
    warn: consoleLogger.warn,
    env: process.env,
  });
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

/** Prints what `err` says (unless already reported) and returns the exit code it stands for. */
function reportError(err: unknown): number {
  const e = err as { code?: string; exitCode?: number; message: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
  if (e.code?.startsWith('commander.')) return EXIT_USAGE;
  if (err instanceof CliError) {
    if (err.message !== '') console.error(`error: ${err.message}`); // '' = already reported
    return err.exitCode;
  }
  console.error(`error: ${(err as Error).stack ?? String(err)}`);
  return EXIT_FAILED;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('pipeline/cli.ts');
if (isMain) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
