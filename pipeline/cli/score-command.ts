/** `score --dataset <out> --predictions <file>`: score model completions with the reference reward (pipeline/score). */
import type { Command } from 'commander';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './cli-io.js';

export function addScoreCommand(program: Command): void {
  program
    .command('score')
    .description('Score model completions against a generated dataset with the reference reward (0.5 format + 0.5 accuracy).')
    .requiredOption('--dataset <out>', 'output folder of a run (reads sft/*.jsonl and rl/*.jsonl)')
    .requiredOption('--predictions <files...>', 'JSONL, one {"id": "<record id>", "completion": "<model output>"} a line ("prediction" or "response" also accepted); or the prediction files of an exported set (VLMEvalKit .xlsx/.tsv, lmms-eval logged samples .jsonl), several scored together')
    .option('--report <file>', 'where to write the JSON report (default: <predictions>.score.json beside the predictions)')
    .addHelpText('after', '\nJSONL completions: accuracy overall, per family, per answer content and per difficulty margin (thirds of each family), and the format rate. Missing or extra ids are reported, not fatal.\nEvaluator files (README, "Evaluation sets"): accuracy, circular accuracy (a group right only when every rotation is) and flip consistency.\nExit codes: 0 scored, 1 failed, 2 bad flag or unreadable input.')
    .action(async (flags: { dataset: string; predictions: string[]; report?: string }) => {
      const { scoreFiles, scoreEvaluatorFiles, isEvaluatorFile, ScoreInputError } = await import('../score/score-files.js');
      try {
        const kinds = await Promise.all(flags.predictions.map(isEvaluatorFile));
        if (kinds.every(Boolean)) {
          const { formatEvalReport } = await import('../score/score-eval-predictions.js');
          const { report, reportPath } = await scoreEvaluatorFiles(flags);
          for (const line of formatEvalReport(report)) console.log(line);
          console.log(`report: ${reportPath}`);
          return;
        }
        if (flags.predictions.length > 1) throw new ScoreInputError('score: give one JSONL of completions, or only evaluator prediction files (.xlsx/.tsv, lmms-eval samples)');
        const { formatScoreReport } = await import('../score/score-predictions.js');
        const { report, reportPath } = await scoreFiles({ ...flags, predictions: flags.predictions[0] });
        for (const line of formatScoreReport(report)) console.log(line);
        console.log(`report: ${reportPath}`);
      } catch (err) {
        throw new CliError((err as Error).message, err instanceof ScoreInputError ? EXIT_USAGE : EXIT_FAILED);
      }
    });
}
