/**
 * Commander wiring of `nightly` (pipeline/nightly/, docs/nightly.md). cli.ts passes in how to run
 * `render` in this process and how to end with an exit code; the logic lives in run-nightly.ts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from './config.js';
import { readConfigFile } from './config-file.js';
import { BuildLockedError } from './nightly/build-lock.js';
import { getNightlySettings, type NightlyFlags } from './nightly/nightly-settings.js';

export interface NightlyWiring {
  /** Runs `render <args>` in this process; resolves with its exit code. */
  render(args: string[]): Promise<number>;
  /** An error that ends the CLI with `exitCode` ('' = already reported). */
  fail(message: string, exitCode: number): Error;
  /** A line to stdout (the summary). */
  print(line: string): void;
  /** A line to stderr. */
  log(line: string): void;
  warn(line: string): void;
  /** The environment (`JOB_COMPLETION_INDEX` / `JOB_COMPLETION_COUNT` of an Indexed Job). */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Exit codes of `nightly`: 0 passed; 1 failed part-way (render or I/O; rerun to resume); 2 bad
 * flag or config; 4 another build holds the lock; 5 the build finished but failed verify or a gate
 * (latest unchanged); 130/143 stopped by a signal (rerun to resume).
 */
export const NIGHTLY_EXIT = { passed: 0, failed: 1, usage: 2, locked: 4, rejected: 5 } as const;

export function addNightlyCommand(program: Command, wiring: NightlyWiring): void {
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
        file = await readConfigFile(flags.config);
        settings = getNightlySettings(file, flags, wiring.env);
      } catch (err) {
        if (err instanceof ConfigError) throw wiring.fail(err.message, NIGHTLY_EXIT.usage);
        throw err;
      }
      let report;
      try {
        const { runNightly } = await import('./nightly/run-nightly.js'); // lazy: it loads the whole pipeline
        report = await runNightly(file, settings, { render: wiring.render, now: () => new Date(), log: wiring.log, warn: wiring.warn });
      } catch (err) {
        if (err instanceof BuildLockedError) throw wiring.fail(err.message, NIGHTLY_EXIT.locked);
        if (err instanceof ConfigError) throw wiring.fail(err.message, NIGHTLY_EXIT.usage); // e.g. a --build-id that exists
        throw wiring.fail((err as Error).message, NIGHTLY_EXIT.failed);
      }
      const { formatNightlySummary } = await import('./nightly/run-nightly.js');
      for (const line of formatNightlySummary(report, settings.root)) wiring.print(line);
      if (report.verdict === 'render-failed') throw wiring.fail('', report.renderExitCode);
      if (report.verdict !== 'passed' && report.verdict !== 'worker-done') throw wiring.fail(`nightly: build ${report.id} failed its checks; latest stays on ${report.latest ?? '(none)'}`, NIGHTLY_EXIT.rejected);
    });
}
