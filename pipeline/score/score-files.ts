/**
 * `npm run score` behind the CLI: reads every record of a generated dataset (`<out>/sft/*.jsonl`
 * and `<out>/rl/*.jsonl`; a sample in both counts once), reads a JSONL file of predictions, scores
 * them ({@link scorePredictions}) and writes the JSON report.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { nonBlankLines } from '../read-lines.js';
import { writeFileAtomic } from '../shards/seal-file.js';
import { findJsonlShards, readShardRecords } from '../stats/read-shard-records.js';
import { parsePredictions, readScoredRecord, scorePredictions, type ScoredRecord, type ScoreReport } from './score-predictions.js';
import { readEvalPredictions, scoreEvalPredictions, type EvalReport } from './score-eval-predictions.js';

const NAME = 'score';

/** Options of {@link scoreFiles}. */
export interface ScoreFilesOptions {
  /** Output folder of a run (holding `sft/` and/or `rl/`). */
  dataset: string;
  /** JSONL file: one `{"id", "completion"}` (or `"prediction"` / `"response"`) a line. */
  predictions: string;
  /** Where the JSON report goes. @default {@link getDefaultReportPath}(predictions) */
  report?: string;
}

/** Thrown when an input cannot be read at all (missing folder or file); the CLI maps it to exit 2. */
export class ScoreInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScoreInputError';
  }
}

/** The default report path: beside the predictions, `preds.jsonl` → `preds.score.json`. */
export function getDefaultReportPath(predictions: string): string {
  const ext = extname(predictions);
  return join(dirname(predictions), `${basename(predictions, ext)}.score.json`);
}

/**
 * Reads the scoring fields of every record in `<dataset>/sft/*.jsonl` and `<dataset>/rl/*.jsonl`
 * (shard files in name order; parquet copies are not read).
 * @throws ScoreInputError when neither folder holds a shard; Error naming file and line for a bad record.
 */
export async function readDatasetRecords(dataset: string): Promise<ScoredRecord[]> {
  let shards;
  try {
    shards = await findJsonlShards(dataset);
  } catch (err) {
    throw new ScoreInputError(`${NAME}: ${(err as Error).message}`, { cause: err });
  }
  if (shards.length === 0) throw new ScoreInputError(`${NAME}: no shards in "${dataset}" (expected sft/*.jsonl or rl/*.jsonl); is --dataset the output folder of a run?`);
  const records: ScoredRecord[] = [];
  for await (const r of readShardRecords(dataset, shards)) {
    try {
      records.push(readScoredRecord(r.record));
    } catch (err) {
      throw new Error(`${NAME}: ${join(dataset, r.path)}:${r.line + 1}: ${(err as Error).message}`, { cause: err });
    }
  }
  return records;
}

/** Reads, scores and writes the report; resolves to the report and where it was written. */
export async function scoreFiles(options: ScoreFilesOptions): Promise<{ report: ScoreReport; reportPath: string }> {
  const records = await readDatasetRecords(options.dataset);
  let text: string;
  try {
    text = await readFile(options.predictions, 'utf8');
  } catch (err) {
    throw new ScoreInputError(`${NAME}: cannot read --predictions "${options.predictions}": ${(err as Error).message}`, { cause: err });
  }
  const { predictions, bad } = parsePredictions(text);
  const report = scorePredictions(records, predictions, bad);
  return { report, reportPath: await writeReport(report, options.report ?? getDefaultReportPath(options.predictions)) };
}

/** Writes a JSON report (its folder made if needed); resolves to its path. */
async function writeReport(report: object, reportPath: string): Promise<string> {
  await mkdir(dirname(reportPath), { recursive: true });
  await writeFileAtomic(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return reportPath;
}

/**
 * Whether `file` is an evaluator's prediction file (VLMEvalKit `.xlsx`/`.tsv`/`.csv`, lmms-eval
 * logged samples: JSONL lines with a `doc`) rather than a JSONL of `{"id", "completion"}` lines.
 */
export async function isEvaluatorFile(file: string): Promise<boolean> {
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.tsv' || ext === '.csv') return true;
  // Only the first line is read: a file of logged samples may be large, and it is read whole once it is scored.
  let first: string | undefined;
  try {
    for await (const line of nonBlankLines(file)) {
      first = line;
      break;
    }
  } catch (err) {
    throw new ScoreInputError(`${NAME}: cannot read --predictions "${file}": ${(err as Error).message}`, { cause: err });
  }
  try {
    return first !== undefined && typeof (JSON.parse(first) as { doc?: unknown }).doc === 'object';
  } catch {
    return false;
  }
}

/** Scores evaluator prediction files together (pipeline/score/score-eval-predictions.ts) and writes the JSON report. */
export async function scoreEvaluatorFiles(options: { dataset: string; predictions: string[]; report?: string }): Promise<{ report: EvalReport; reportPath: string }> {
  const { readEvalRecords } = await import('../export/eval-records.js');
  let records;
  try {
    records = await readEvalRecords(options.dataset);
  } catch (err) {
    throw new ScoreInputError(`${NAME}: ${(err as Error).message}`, { cause: err });
  }
  const rows = [];
  for (const file of options.predictions) {
    try {
      rows.push(...(await readEvalPredictions(file)));
    } catch (err) {
      throw new ScoreInputError(`${NAME}: --predictions ${(err as Error).message}`, { cause: err });
    }
  }
  const report = scoreEvalPredictions(records, rows, options.predictions);
  return { report, reportPath: await writeReport(report, options.report ?? getDefaultReportPath(options.predictions[0])) };
}
