#!/usr/bin/env node
/**
 * viewforge command line: the program and its commands, one thin file per command in
 * `pipeline/cli/` (each imports what it runs only when it runs, so `--help` starts fast). The CLI
 * is the only code that reads `process.argv` and `process.env`, prints, and sets the exit code;
 * everything else is a library call (`import { renderDataset } from 'viewforge'`).
 *
 * Exit codes: 0 done; 2 bad flag or config; 3 environment unusable (no Chromium, no WebGL,
 * unwritable output); 1 the run failed part-way (sealed shards stay intact); 130 / 143 stopped by
 * SIGINT / SIGTERM (sealed shards intact, `--resume` finishes the run). `nightly` adds 4 and 5.
 *
 * Test-only environment variables (no flag reaches these; see docs/scale-out.md):
 * `VIEWFORGE_TEST_FAULTS` (renderer faults), `VIEWFORGE_TEST_PAUSE_BEFORE_SEAL`,
 * `VIEWFORGE_TEST_PAUSE_BEFORE_SIDECAR` (a shard number to pause at) and
 * `VIEWFORGE_TEST_PAUSE_RELEASE` (a file whose existence ends the pause); `VIEWFORGE_TEST_CORRUPT_POSES`
 * (n: the written camera of view A of every n-th sample is shifted, see docs/nightly.md).
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { reportError } from './cli/cli-io.js';
import { addExportCommand } from './cli/export-command.js';
import { addHandoffCommand } from './cli/handoff-command.js';
import { addMergeCommand } from './cli/merge-command.js';
import { addNightlyCommand } from './cli/nightly-command.js';
import { addPreviewCommand } from './cli/preview-command.js';
import { addRenderCommand } from './cli/render-command.js';
import { addScoreCommand } from './cli/score-command.js';
import { addVerifyCommand } from './cli/verify-command.js';

const require = createRequire(import.meta.url);
const PKG = require('../package.json') as { version: string };

/** Builds the command tree (exported for in-process tests). */
export function buildProgram(): Command {
  const program = new Command('viewforge')
    .description('Synthetic multi-view spatial-reasoning data for multimodal LLMs (SFT + GRPO).')
    .version(PKG.version)
    .showHelpAfterError('(run with --help for usage)')
    // Before any subcommand is added, so they inherit it: errors reach main() as exceptions.
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  addRenderCommand(program);
  addHandoffCommand(program);
  addVerifyCommand(program);
  addMergeCommand(program);
  addScoreCommand(program);
  addExportCommand(program);
  addPreviewCommand(program);
  addNightlyCommand(program);
  return program;
}

/** Runs the CLI on `argv` (as `process.argv`) and returns its exit code (pipeline/launch-cli.mjs calls it). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('pipeline/cli.ts');
if (isMain) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
