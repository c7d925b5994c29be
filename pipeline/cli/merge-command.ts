/** `merge <out-dirs…> --into <dir>`: join the folders of a split run into the one-machine bytes (pipeline/scale/merge-outputs.ts). */
import type { Command } from 'commander';
import { EnvironmentError } from '../errors.js';
import { CliError, consoleLogger, EXIT_ENVIRONMENT, EXIT_FAILED } from './cli-io.js';

export function addMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('Merge the output folders of the workers of a split run (--shard-index/--shard-count) into one data set, byte-identical to a one-machine run.')
    .argument('<out-dirs...>', "the workers' --out folders (or the one folder they shared)")
    .requiredOption('--into <dir>', 'folder of the merged data set (may be one of the inputs: nothing is copied for that one)')
    .option('--overwrite', 'replace a dataset already in --into', false)
    .addHelpText('after', '\nShards are hard-linked when on the same file system, copied otherwise; overlapping or missing shards are refused.\nExit codes: 0 merged, 1 failed, 2 bad flag, 3 inputs that do not fit (other configuration or stack, overlaps, gaps, damaged shards).')
    .action(async (outDirs: string[], flags: { into: string; overwrite: boolean }) => {
      try {
        const { mergeOutputs } = await import('../scale/merge-outputs.js');
        const result = await mergeOutputs({ inputs: outDirs, into: flags.into, overwrite: flags.overwrite, logger: consoleLogger });
        console.log(`merge: ${result.shards} shards, ${result.manifest.counts.samples} samples from ${outDirs.length} folder(s) → ${flags.into} (manifest.json written)`);
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof EnvironmentError ? EXIT_ENVIRONMENT : EXIT_FAILED);
      }
    });
}
