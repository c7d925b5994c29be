/** `verify <out>`: check an output folder, one line per fault (pipeline/verify). */
import type { Command } from 'commander';
import { CliError, EXIT_FAILED } from './cli-io.js';

/** Faults printed at most; the rest are counted. */
const MAX_SHOWN = 200;

export function addVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('Check an output folder: every shard checksum and sidecar, every record against the schemas, every image (existence, size, sha256, pixels against the records\' claims), id uniqueness and counts, and the dataset card and plots against a regenerated copy.')
    .argument('<out>', 'output folder of a finished run (with manifest.json)')
    .addHelpText('after', '\nPrints one line per fault. Exit codes: 0 no fault, 1 faults found.')
    .action(async (out: string) => {
      const { verifyDataset } = await import('../verify/verify-dataset.js');
      const report = await verifyDataset(out);
      const { checked } = report;
      const what = `${checked.samples} samples, ${checked.records} records in ${checked.shardFiles} shard files, ${checked.images} images`;
      const notCovered = () => {
        for (const line of report.notCovered) console.log(`verify: not covered: ${line}`);
      };
      if (report.faults.length === 0) {
        console.log(`verify: OK: ${what} in ${out}`);
        notCovered();
        return;
      }
      notCovered();
      const shown = report.faults.slice(0, MAX_SHOWN);
      for (const f of shown) console.error(`fault: ${f.path || '(dataset)'}: ${f.problem}`);
      if (report.faults.length > shown.length) console.error(`fault: … and ${report.faults.length - shown.length} more`);
      throw new CliError(`verify: ${report.faults.length} fault(s) in "${out}" (checked ${what})`, EXIT_FAILED);
    });
}
