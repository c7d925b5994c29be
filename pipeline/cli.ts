#!/usr/bin/env node
/**
 * viewforge command line. The only file that reads `process.argv` and `process.env`, prints, and
 * sets the exit code; everything else is a library call (STYLE §6).
 *
 * Exit codes: 0 done; 2 bad flag or config; 3 environment unusable (no Chromium, no WebGL,
 * unwritable output); 1 the run failed part-way (sealed shards stay intact).
 */
import { createRequire } from 'node:module';
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { REVISION } from 'three';
import { ConfigError, RUN_DEFAULTS, validateConfig, type RunConfig } from './config.js';
import { EnvironmentError } from './errors.js';
import { formatHandoffReport, HANDOFF_FLAG_HELP, readHandoffFlags, type HandoffFlags } from './handoff/handoff-flags.js';
import { getLedgerTarget, handoffPending } from './handoff/handoff-pending.js';
import type { HandoffReport } from './handoff/handoff-queue.js';
import { openHandoff } from './handoff/open-handoff.js';
import { RETRY_DEFAULTS } from './handoff/retry.js';
import type { Logger } from './logger.js';
import { FAMILIES } from './questions/index.js';
import { run, type RunProgress } from './run/run.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';

const require = createRequire(import.meta.url);
const PKG = require('../package.json') as { version: string };

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_ENVIRONMENT = 3;

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

const consoleLogger: Logger = {
  info: (m) => console.error(m),
  warn: (m) => console.error(`warning: ${m}`),
  error: (m) => console.error(`error: ${m}`),
};

/** Progress display: a bar with rate and ETA on a terminal, plain lines every few seconds otherwise. */
function progressReporter(total: number, isTTY: boolean): { update: (p: RunProgress) => void; stop: () => void } {
  const started = performance.now();
  if (isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'render |{bar}| {value}/{total} pairs | {rate} pairs/s | ETA {eta_formatted} | redraws {redraws}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0.0', redraws: 0 });
    return {
      update: (p) => bar.update(p.done, { rate: (p.done / ((performance.now() - started) / 1000)).toFixed(1), redraws: p.redraws }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (p) => {
      const now = performance.now();
      if (now - last < 5000 && p.done !== p.total) return;
      last = now;
      const secs = (now - started) / 1000;
      const rate = p.done / secs;
      const eta = rate > 0 ? Math.round((p.total - p.done) / rate) : 0;
      console.error(`render: ${p.done}/${p.total} pairs, ${rate.toFixed(1)} pairs/s, ETA ${eta}s, redraws ${p.redraws}`);
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

interface RenderFlags extends HandoffFlags {
  count: number;
  seed: number;
  out: string;
  size: number;
  format: RunConfig['format'];
  shardSize: number;
  concurrency: number;
  cotRatio: number;
  families: string;
  gl: RunConfig['gl'];
  datasetName: string;
  systemPrompt?: string;
  overwrite: boolean;
}

async function renderCommand(flags: RenderFlags): Promise<void> {
  let config: RunConfig;
  try {
    config = validateConfig(
      {
        count: flags.count,
        seed: flags.seed,
        out: flags.out,
        size: flags.size,
        format: flags.format,
        shardSize: flags.shardSize,
        concurrency: flags.concurrency,
        cotRatio: flags.cotRatio,
        families: flags.families.split(',').map((s) => s.trim()).filter(Boolean),
        gl: flags.gl,
        datasetName: flags.datasetName,
        systemPrompt: flags.systemPrompt ?? null,
        overwrite: flags.overwrite,
      },
      FAMILIES.map((f) => f.name),
    );
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message} (see --help)`, EXIT_USAGE);
    throw err;
  }
  const handoffConfig = flags.handoff === undefined ? undefined : handoffSettings(flags.handoff, flags); // --- Hand-off
  const started = performance.now();
  const progress = progressReporter(config.count, Boolean(process.stderr.isTTY));
  const onSignal = (sig: NodeJS.Signals) => {
    progress.stop();
    consoleLogger.error(`received ${sig}; sealed shards are complete, the unsealed one was not written`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // --- Hand-off: opened here (reads the ledger), handed to run() which enqueues each sealed shard
    const handoff = handoffConfig && (await openHandoff({ ...handoffConfig, outDir: config.out, datasetName: config.datasetName, logger: consoleLogger, random: Math.random, now: Date.now }));
    const result = await run(config, {
      createRenderer: async () => {
        try {
          return await ChromiumRenderer.create({ glMode: config.gl, pages: config.concurrency, env: process.env, logger: consoleLogger });
        } catch (err) {
          throw new EnvironmentError((err as Error).message, { cause: err });
        }
      },
      onRenderer: (r) => consoleLogger.info(`renderer: ${r.info.name}, ${r.info.browserVersion}, ${r.info.glRenderer}`),
      logger: consoleLogger,
      versions: { viewforge: PKG.version, three: `r${REVISION}`, node: process.version },
      onProgress: progress.update,
      handoff,
    });
    progress.stop();
    const secs = (performance.now() - started) / 1000;
    console.log(`done: ${result.samples} pairs in ${secs.toFixed(1)} s (${(result.samples / secs).toFixed(1)} pairs/s) → ${result.outDir}`);
    if (result.handoff !== undefined) printHandoffReport(result.handoff, result.outDir); // --- Hand-off
  } catch (err) {
    progress.stop();
    throw new CliError((err as Error).message, err instanceof EnvironmentError ? EXIT_ENVIRONMENT : EXIT_FAILED);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

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
    .option('--count <n>', 'number of samples (image pairs)', intFlag('--count'), RUN_DEFAULTS.count)
    .option('--seed <n>', 'run seed, 0..4294967295; same seed + flags = same bytes', intFlag('--seed'), RUN_DEFAULTS.seed)
    .option('--out <dir>', 'output folder', RUN_DEFAULTS.out)
    .option('--size <px>', 'image width and height in pixels', intFlag('--size'), RUN_DEFAULTS.size)
    .addOption(new Option('--format <fmt>', 'image format').choices(['jpeg', 'png', 'webp']).default(RUN_DEFAULTS.format))
    .option('--shard-size <n>', 'records per shard', intFlag('--shard-size'), RUN_DEFAULTS.shardSize)
    .option('--concurrency <n>', 'renderer pages working at once (does not change the output)', intFlag('--concurrency'), RUN_DEFAULTS.concurrency)
    .option('--cot-ratio <r>', 'share of SFT records with <think> reasoning (hybrid cold start), 0..1', numberFlag('--cot-ratio'), RUN_DEFAULTS.cotRatio)
    .option('--families <list>', `comma-separated question families (${FAMILIES.map((f) => f.name).join(', ')})`, RUN_DEFAULTS.families.join(','))
    .addOption(
      new Option('--gl <mode>', 'WebGL back-end: auto (fastest software that works), llvmpipe, swiftshader, gpu')
        .choices(['auto', 'llvmpipe', 'swiftshader', 'gpu'])
        .default(RUN_DEFAULTS.gl),
    )
    .option('--dataset-name <name>', 'dataset name (verl data_source, LLaMA-Factory key prefix)', RUN_DEFAULTS.datasetName)
    .option('--system-prompt <text>', 'system message added to SFT records (default: none)')
    .option('--overwrite', 'replace a dataset already in --out', false)
    // --- Hand-off flags
    .option('--handoff <target>', HANDOFF_FLAG_HELP.handoff)
    .option('--handoff-retries <n>', HANDOFF_FLAG_HELP.handoffRetries, intFlag('--handoff-retries'), RETRY_DEFAULTS.retries)
    .option('--handoff-token-env <NAME>', HANDOFF_FLAG_HELP.handoffTokenEnv)
    .addHelpText(
      'after',
      '\nEnvironment: CHROMIUM_PATH overrides the browser binary (default /usr/bin/chromium).\nExit codes: 0 done, 1 run failed, 2 bad flag, 3 environment (browser, WebGL, output folder).',
    )
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
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (e.code?.startsWith('commander.')) return EXIT_USAGE;
    if (err instanceof CliError) {
      console.error(`error: ${err.message}`);
      return err.exitCode;
    }
    console.error(`error: ${(err as Error).stack ?? String(err)}`);
    return EXIT_FAILED;
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('pipeline/cli.ts');
if (isMain) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
