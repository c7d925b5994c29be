/** `export <out> --to vlmevalkit|lmms-eval --into <dir>`: a built dataset in the evaluators' layouts (pipeline/export/). */
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './cli-io.js';

export function addExportCommand(program: Command): void {
  program
    .command('export')
    .description('Write a built dataset as a VLMEvalKit multiple-choice TSV (with circular and flip variants) or an lmms-eval task folder.')
    .argument('<out>', 'output folder of a run (reads sft/*.jsonl and rl/*.jsonl and the images)')
    .addOption(new Option('--to <evaluator>', 'target layout').choices(['vlmevalkit', 'lmms-eval']).makeOptionMandatory())
    .requiredOption('--into <dir>', 'folder the files go to (created)')
    .option('--name <Name>', "dataset / task name (default: <dataset_name>_<split> from the run's manifest)")
    .option('--circular', 'vlmevalkit: also <Name>_circular.tsv, every rotation of each row\'s options grouped by g_index', false)
    .option('--flip', 'vlmevalkit: also <Name>_flip.tsv, mirrored images with mirrored answers (families where that answer is exact)', false)
    .addHelpText('after', '\nREADME, "Evaluation sets", shows the run.py and lmms_eval lines.\nExit codes: 0 written, 1 failed, 2 bad flag or unreadable dataset.')
    .action(async (out: string, flags: { to: 'vlmevalkit' | 'lmms-eval'; into: string; name?: string; circular: boolean; flip: boolean }) => {
      let name = flags.name;
      if (name === undefined) {
        let manifest: { config?: { dataset_name?: string; split?: string } };
        try {
          manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
        } catch (err) {
          throw new CliError(`export: cannot read "${join(out, 'manifest.json')}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); is "${out}" a finished run's folder? (or pass --name)`, EXIT_USAGE);
        }
        name = `${manifest.config?.dataset_name ?? 'viewforge'}_${manifest.config?.split ?? 'train'}`;
      }
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) throw new CliError(`export: --name "${name}" must be letters, digits, "_", "." or "-" (it names files)`, EXIT_USAGE);
      if (flags.to === 'lmms-eval' && (flags.circular || flags.flip)) throw new CliError('export: --circular and --flip are for --to vlmevalkit (lmms-eval scores each row on its own)', EXIT_USAGE);
      try {
        if (flags.to === 'vlmevalkit') {
          const { exportVlmEvalKit } = await import('../export/vlmevalkit-export.js');
          const report = await exportVlmEvalKit({ out, into: flags.into, name, circular: flags.circular, flip: flags.flip });
          for (const f of report.files) console.log(`export: ${f.rows} rows → ${f.path}`);
          const left = Object.entries(report.notFlipped);
          if (left.length > 0) console.log(`export: not in the flip file (no exact mirrored answer): ${left.map(([family, n]) => `${family} ${n}`).join(', ')}`);
        } else {
          const { exportLmmsEval } = await import('../export/lmms-eval-export.js');
          const report = await exportLmmsEval({ out, into: flags.into, name });
          console.log(`export: ${report.rows} rows → ${report.files.join(', ')}`);
          console.log(`export: run with lmms_eval --include_path ${flags.into} --tasks ${name}`);
        }
      } catch (err) {
        throw new CliError(`export: ${(err as Error).message}`, (err as NodeJS.ErrnoException).code === 'ENOENT' ? EXIT_USAGE : EXIT_FAILED);
      }
    });
}
