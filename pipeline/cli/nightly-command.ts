/**
 * `nightly` (pipeline/nightly/, docs/nightly.md): reads the config file and the flags, and runs
 * `runNightly`, which renders through the render command's body ({@link renderSettings}) with
 * the file's settings as values; the logic lives in run-nightly.ts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../errors.js';
import type { NightlyFlags } from '../nightly/nightly-settings.js';
import { CliError, consoleLogger, reportError } from './cli-io.js';
import { pickSettings, renderSettings } from './render-command.js';
import type { RenderOutcome } from '../nightly/run-nightly.js'; // type only: erased, the module still loads lazily

/** The `'file'` settings of a nightly render are the file's; `out`, `seed` and `resume` are the build's. */
const BUILD_KEYS = new Set(['out', 'seed', 'resume']);

/** Renders as `render --config <file>` would with the build's folder and seed; resolves with the exit code. */
async function renderBuild(settings: Readonly<Record<string, unknown>>, configPath: string): Promise<RenderOutcome> {
  try {
    await renderSettings({ values: pickSettings(settings), sourceOf: (key) => (BUILD_KEYS.has(key) ? 'default' : 'file'), configPath, resumeHint: 'rerun nightly with the same config' });
    return { exitCode: 0 };
  } catch (err) {
    const { OtherRunError } = await import('../scale/open-run-dir.js');
    // A build folder of another configuration is not an error to print: nightly closes that build and starts a new one.
    if (err instanceof CliError && err.cause instanceof OtherRunError) return { exitCode: err.exitCode, otherConfiguration: err.cause.message };
    return { exitCode: reportError(err) };
  }
}

const fail = (message: string, exitCode: number) => new CliError(message, exitCode);

/**
 * Exit codes of `nightly`: 0 passed; 1 failed part-way (render or I/O; rerun to resume); 2 bad
 * flag or config; 4 another build holds the lock; 5 the build finished but failed verify or a gate
 * (latest unchanged); 130/143 stopped by a signal (rerun to resume).
 */
export const NIGHTLY_EXIT = { passed: 0, failed: 1, usage: 2, locked: 4, rejected: 5 } as const;

export function addNightlyCommand(program: Command): void {
  program
    .command('nightly')
    .description('Build a versioned nightly release into <root>/<build-id>/: render (resumable), verify, quality gates; on success move <root>/latest; record it in <root>/builds.json.')
    .requiredOption('--config <file>', 'config file (JSON; keys of `render --config` plus "nightly": {root, keep, lockStaleMinutes, gates})')
    .option('--root <dir>', 'folder holding the builds, latest and builds.json (default: nightly.root of the config file)')
    .option('--build-id <id>', 'name of the build folder (default: UTC date plus sequence number, YYYYMMDD-NN)')
    .option('--keep <n>', 'finished builds kept; older ones are removed (never latest, never the build in progress)', (v) => {
      if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw new InvalidArgumentError(`--keep must be an integer ≥ 1, got "${v}".`);
      return Number(v);
    })
    .addHelpText('after', '\nExit codes: 0 build passed (latest moved); 1 failed part-way (rerun to resume); 2 bad flag or config; 4 another build is running for this root; 5 the build failed verify or a quality gate (latest unchanged); 130/143 stopped by SIGINT/SIGTERM (rerun to resume).')
    .action(async (flags: NightlyFlags & { config: string }) => {
      let file;
      let settings;
      try {
        const { readConfigFile } = await import('../config-file.js');
        const { getNightlySettings } = await import('../nightly/nightly-settings.js');
        file = await readConfigFile(flags.config);
        settings = getNightlySettings(file, flags, process.env);
      } catch (err) {
        if (err instanceof ConfigError) throw fail(err.message, NIGHTLY_EXIT.usage);
        throw err;
      }
      const { BuildLockedError } = await import('../scale/folder-lock.js');
      let report;
      try {
        const { runNightly } = await import('../nightly/run-nightly.js'); // lazy: it loads the whole pipeline
        report = await runNightly(file, settings, { render: renderBuild, now: () => new Date(), log: consoleLogger.info, warn: consoleLogger.warn });
      } catch (err) {
        if (err instanceof BuildLockedError) throw fail(err.message, NIGHTLY_EXIT.locked);
        if (err instanceof ConfigError) throw fail(err.message, NIGHTLY_EXIT.usage); // e.g. a --build-id that exists
        throw fail((err as Error).message, NIGHTLY_EXIT.failed);
      }
      const { formatNightlySummary } = await import('../nightly/run-nightly.js');
      for (const line of formatNightlySummary(report, settings.root)) console.log(line);
      if (report.verdict === 'render-failed') throw fail('', report.renderExitCode);
      if (report.verdict !== 'passed' && report.verdict !== 'worker-done') throw fail(`nightly: build ${report.id} failed its checks; latest stays on ${report.latest ?? '(none)'}`, NIGHTLY_EXIT.rejected);
    });
}
