/** `handoff <out>`: hand the shards of a finished folder that the target has not acknowledged yet to training (docs/handoff.md). */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import type { HandoffReport } from '../handoff/handoff-queue.js';
import { HANDOFF_SETTINGS } from '../settings.js';
import { CliError, consoleLogger, EXIT_FAILED, EXIT_USAGE } from './cli-io.js';
import { printHandoffReport } from './render-command.js';
import { addSettingOptions, readGivenSettings } from './setting-options.js';

export function addHandoffCommand(program: Command): void {
  const command = program
    .command('handoff')
    .description('Hand the shards of a finished output folder that the target has not acknowledged yet (see its ledger) to training.')
    .argument('<out>', 'output folder of a finished run (with manifest.json)');
  addSettingOptions(command, HANDOFF_SETTINGS);
  command
    .addHelpText('after', "\nWithout --handoff, the target is the one in the folder's handoff-ledger.jsonl.\nExit codes: 0 every shard acknowledged, 1 some failed or not sent, 2 bad flag.")
    .action(async (out: string, _flags: unknown, cmd: Command) => {
      const given = readGivenSettings(cmd, HANDOFF_SETTINGS) as { handoff?: string; handoffRetries?: number; handoffTokenEnv?: string };
      const { getLedgerTarget, handoffPending } = await import('../handoff/handoff-pending.js');
      const { readHandoffFlags } = await import('../handoff/handoff-flags.js');
      const target = given.handoff ?? (await getLedgerTarget(out));
      if (target === null) throw new CliError(`handoff: no --handoff <target> given, and no ledger in "${out}" names one`, EXIT_USAGE);
      let settings;
      try {
        settings = readHandoffFlags(target, given, process.env);
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(`${err.message} (see --help)`, EXIT_USAGE);
        throw err;
      }
      let report: HandoffReport;
      try {
        report = await handoffPending({ ...settings, outDir: out, logger: consoleLogger, random: Math.random, now: Date.now });
      } catch (err) {
        throw new CliError((err as Error).message, EXIT_FAILED);
      }
      await printHandoffReport(report, out);
    });
}
