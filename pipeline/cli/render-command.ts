/**
 * `render`: the settings from flags and a config file (merged as values: defaults < file <
 * flags), then `renderDataset` with a progress bar, signal handling, the hand-off and the lines a
 * user reads. `nightly` renders through {@link renderSettings} too, with its config file's values.
 *
 * Exit codes: 0 done; 2 bad flag or config; 3 environment unusable (no Chromium, no WebGL,
 * unwritable output); 1 the run failed part-way (sealed shards stay intact); 130 / 143 stopped by
 * SIGINT / SIGTERM (sealed shards intact, `--resume` finishes the run).
 */
import type { Command } from 'commander';
import { ConfigError, EnvironmentError, RunFailedError, RunInterruptedError, type ShardProgress } from '../errors.js';
import type { HandoffReport } from '../handoff/handoff-queue.js';
import type { RunHooks } from '../run/run.js';
import { getWorkerLabel, type WorkerSpec } from '../scale/assign-shards.js';
import { HANDOFF_SETTINGS, RUN_SETTINGS, type AnySetting } from '../settings.js';
import type { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { CliError, consoleLogger, EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_SIGNAL, EXIT_USAGE } from './cli-io.js';
import { addSettingOptions, nameSetting, readGivenSettings, type SettingSource } from './setting-options.js';

/** The settings `render` takes: the run settings and the hand-off settings. */
export const RENDER_SETTINGS: Readonly<Record<string, AnySetting>> = { ...RUN_SETTINGS, ...HANDOFF_SETTINGS };

/** What to render: setting values by key (any subset), and where each came from (for messages). */
export interface RenderRequest {
  values: Readonly<Record<string, unknown>>;
  sourceOf: (key: string) => SettingSource;
  /** The config file the `'file'` values came from. */
  configPath?: string;
  /** How to finish an interrupted or failed run, for the messages. @default 'rerun the same command with --resume' */
  resumeHint?: string;
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

/** Adds `render` to `program`. */
export function addRenderCommand(program: Command): void {
  const command = program
    .command('render')
    .description('Render image pairs and write SFT/RL JSONL shards, manifest.json and dataset_info.json.')
    .option('--config <file>', 'JSON config file whose keys are the settings (camelCase, see docs/nightly.md); flags given here override it');
  addSettingOptions(command, RENDER_SETTINGS);
  command
    .addHelpText(
      'after',
      '\nEnvironment: CHROMIUM_PATH overrides the browser binary (default /usr/bin/chromium); JOB_COMPLETION_INDEX and JOB_COMPLETION_COUNT (Kubernetes Indexed Job) default --shard-index and --shard-count.' +
        '\nExit codes: 0 done, 1 run failed (rerun with --resume), 2 bad flag, 3 environment (browser, WebGL, output folder), 130/143 stopped by SIGINT/SIGTERM (rerun with --resume).',
    )
    .addHelpText('after', RENDER_EXAMPLES)
    .action(async (flags: { config?: string }, cmd: Command) => renderSettings(await readRenderRequest(flags.config, cmd)));
}

/**
 * The settings of a `render` command line: the config file's values (when `--config` is given)
 * under the flags given on the command line.
 * @throws CliError (exit 2) naming the file's bad key.
 */
export async function readRenderRequest(configPath: string | undefined, command: Command): Promise<RenderRequest> {
  let fileValues: Record<string, unknown> = {};
  if (configPath !== undefined) {
    try {
      const { readConfigFile } = await import('../config-file.js'); // ajv: only when a file is given
      fileValues = pickSettings((await readConfigFile(configPath)).values);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(`${err.message} (see --help)`, EXIT_USAGE);
      throw err;
    }
  }
  const given = readGivenSettings(command, RENDER_SETTINGS);
  return {
    values: { ...fileValues, ...given },
    sourceOf: (key) => (Object.hasOwn(given, key) ? 'flag' : Object.hasOwn(fileValues, key) ? 'file' : 'default'),
    configPath,
  };
}

/** The keys of `values` that are render settings (a config file also holds its `nightly` section). */
export function pickSettings(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => Object.hasOwn(RENDER_SETTINGS, key)));
}

/** A repeat of the stop signal this soon after the first is the same request (one group signal delivered twice), not "exit at once". */
export const SIGNAL_REPEAT_WINDOW_MS = 2000;

/** Test hooks from `VIEWFORGE_TEST_PAUSE_*` and `VIEWFORGE_TEST_CORRUPT_POSES` (undefined when none is set; docs/scale-out.md, docs/nightly.md). */
async function readTestHooks(signal: AbortSignal): Promise<RunHooks | undefined> {
  const { createPauseHook } = await import('../scale/pause-hook.js');
  const { createPoseCorruptionHook } = await import('../nightly/corrupt-poses.js');
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

/** The hand-off's settings from the request (undefined without a target). @throws CliError (exit 2) for bad ones. */
async function readHandoff(request: RenderRequest) {
  const target = request.values.handoff as string | undefined;
  if (target === undefined || target === null) return undefined;
  const { readHandoffFlags } = await import('../handoff/handoff-flags.js');
  try {
    return readHandoffFlags(target, request.values as { handoffRetries?: number; handoffTokenEnv?: string }, process.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message} (see --help)`, EXIT_USAGE);
    throw err;
  }
}

/** Prints the hand-off's lines. @throws CliError (exit 1) when it is incomplete. */
export async function printHandoffReport(report: HandoffReport, outDir: string): Promise<void> {
  const { formatHandoffReport } = await import('../handoff/handoff-flags.js');
  const { ok, lines } = formatHandoffReport(report, outDir);
  for (const line of lines) console.error(line);
  if (!ok) throw new CliError(`hand-off incomplete: ${report.failed.length} failed, ${report.pending.length} not sent (see above)`, EXIT_FAILED);
}

/**
 * Renders the data set `request` describes, printing progress and the result.
 * @throws CliError with the exit code the run ends with.
 */
export async function renderSettings(request: RenderRequest): Promise<void> {
  const resumeHint = request.resumeHint ?? 'rerun the same command with --resume';
  const { renderDataset, resolveRunConfig } = await import('../render-dataset.js');
  const { readSystemPrompt } = await import('../run/read-system-prompt.js');
  const { readWorkerFlags } = await import('../scale/read-worker-flags.js');
  const v = request.values as Record<string, never>;
  let config;
  try {
    const split = readWorkerFlags({ shardIndex: v.shardIndex, shardCount: v.shardCount }, process.env); // settings, else the Job's variables
    const runValues = Object.fromEntries(Object.entries(request.values).filter(([key]) => Object.hasOwn(RUN_SETTINGS, key)));
    // Without families, resolveRunConfig picks them: the mix's, a library's part-free ones, or all.
    config = resolveRunConfig({ ...runValues, systemPrompt: await readSystemPrompt(v.systemPrompt), shardIndex: split.index, shardCount: split.count });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${nameSetting(err, RENDER_SETTINGS, request.sourceOf, request.configPath)} (see --help)`, EXIT_USAGE);
    throw err;
  }
  const handoffSettings = await readHandoff(request);
  const started = performance.now();
  const { progressReporter } = await import('./progress-reporter.js');
  const progress = progressReporter((await import('cli-progress')).default, config.count, Boolean(process.stderr.isTTY));
  // --- SIGINT/SIGTERM: stop taking samples, seal nothing partial, say how to resume. A second signal exits at once, unless
  //     it comes within SIGNAL_REPEAT_WINDOW_MS of the first: a signal sent to a process group reaches the render both
  //     directly and through a wrapper that forwards it (npm, a shell), and that is still one request to stop.
  const stop = new AbortController();
  let firstSignalAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    progress.stop();
    if (stop.signal.aborted) {
      if (performance.now() - firstSignalAt < SIGNAL_REPEAT_WINDOW_MS) return;
      consoleLogger.error(`received ${sig} again; exiting now (sealed shards are intact; ${resumeHint} to finish)`);
      process.exit(EXIT_SIGNAL[sig] ?? EXIT_FAILED);
    }
    firstSignalAt = performance.now();
    consoleLogger.warn(`received ${sig}: stopping (no new samples, nothing partial is sealed); send it again (after ${SIGNAL_REPEAT_WINDOW_MS / 1000} s) to exit at once`);
    stop.abort(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const worker: WorkerSpec = { index: config.shardIndex, count: config.shardCount };
  const { FaultInjectingRenderer, parseRenderFaults } = await import('../../renderers/chromium/fault-injecting-renderer.js'); // test only
  const faults = process.env.VIEWFORGE_TEST_FAULTS ? parseRenderFaults(process.env.VIEWFORGE_TEST_FAULTS) : undefined;
  let chromium: ChromiumRenderer | undefined;
  const reportRepairs = () => {
    const s = chromium?.stats;
    if (s && (s.pageReplacements > 0 || s.retries > 0)) consoleLogger.info(`renderer: ${s.pageReplacements} page(s) replaced, ${s.retries} job(s) retried`);
  };
  try {
    // --- Hand-off: opened here (reads the ledger), handed to the run, which enqueues each sealed shard
    const { openHandoff } = await import('../handoff/open-handoff.js');
    const handoff = handoffSettings && (await openHandoff({ ...handoffSettings, outDir: config.out, datasetName: config.datasetName, logger: consoleLogger, random: Math.random, now: Date.now }));
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
    if (result.handoff !== undefined) await printHandoffReport(result.handoff, result.outDir);
  } catch (err) {
    progress.stop();
    reportRepairs();
    if (err instanceof CliError) throw err;
    if (err instanceof RunInterruptedError) {
      console.error(`interrupted: ${describeProgress(err.progress, worker)}; ${resumeHint} to finish`);
      throw new CliError('', EXIT_SIGNAL[err.reason as NodeJS.Signals] ?? EXIT_FAILED);
    }
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT_USAGE); // --assets, --env
    if (err instanceof RunFailedError) {
      console.error(`error: ${err.message}`);
      console.error(`run: ${describeProgress(err.progress, worker)} and intact; fix the cause, then ${resumeHint} to finish`);
      throw new CliError('', EXIT_FAILED);
    }
    throw new CliError((err as Error).message, err instanceof EnvironmentError ? EXIT_ENVIRONMENT : EXIT_FAILED, { cause: err });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
