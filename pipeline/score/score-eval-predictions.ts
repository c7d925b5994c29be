/**
 * Scores the prediction files the evaluators write for an exported set (README "Evaluation
 * sets"): VLMEvalKit's `<model>_<Name>.xlsx` / `.tsv` (every column of the exported TSV plus
 * `prediction`) and lmms-eval's logged samples (`--log_samples`: a JSONL line per document with
 * `doc` and `filtered_resps` / `resps`). Several files may be scored together (the plain, circular
 * and flip files of one set); rows are matched to the dataset by `id`.
 *
 * The expected answer of each row comes from the dataset, never from the file: the row's own
 * options are searched for the record's correct option text (or, for a flipped row, its mirrored
 * one), so rotated and mirrored rows are scored against what they showed. Reported:
 * - accuracy over the plain rows (no `g_index`, not flipped), overall and per family;
 * - circular accuracy: a `g_index` group counts only when every rotation is right;
 * - flip: accuracy on the mirrored rows, and consistency: the share of samples predicted both
 *   plain and mirrored whose mirrored choice is the mirror of the plain choice (right or wrong).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { EvalRecord } from '../export/eval-records.js';
import { optionIndex, optionLetter } from '../questions/arrange-options.js';
import { mirroredAnswerIndex } from '../export/mirror-answer.js';
import { FLIP_SUFFIX } from '../export/vlmevalkit-export.js';
import { extractLetter } from './extract-letter.js';

/** One prediction row. */
export interface EvalPrediction {
  /** The record id (without the flip suffix). */
  id: string;
  flip: boolean;
  /** The options as the row showed them, or null when the file does not carry them (then the record's). */
  options: string[] | null;
  /** Circular group (`g_index`), or null outside a circular file. */
  group: string | null;
  prediction: string;
}

/** Accuracy of a group of rows. */
export interface Accuracy {
  n: number;
  correct: number;
  accuracy: number;
}

export interface EvalReport {
  files: string[];
  rows: number;
  /** Rows whose id is no record of the dataset. */
  unmatched: number;
  /** Rows whose output names no option. */
  unanswered: number;
  plain: Accuracy & { by_family: Record<string, Accuracy> };
  circular: (Accuracy & { groups_incomplete: number }) | null;
  flip: { rows: Accuracy; consistency: Accuracy } | null;
}

const accuracy = (n: number, correct: number): Accuracy => ({ n, correct, accuracy: n === 0 ? 0 : correct / n });

/** The letter columns (A, B, …) of a row, in order, up to the first missing one; empty cells end it. */
function rowOptions(row: Record<string, string>): string[] | null {
  const options: string[] = [];
  for (let i = 0; i < 26; i++) {
    const cell = row[optionLetter(i)];
    if (cell === undefined || cell === '') break;
    options.push(cell);
  }
  return options.length === 0 ? null : options;
}

function fromTableRows(rows: Record<string, string>[], file: string): EvalPrediction[] {
  if (rows.length > 0 && (!('prediction' in rows[0]) || !('id' in rows[0]))) {
    throw new Error(`"${file}" has no "prediction" and "id" columns: is it a prediction file of an exported set (VLMEvalKit writes the TSV's columns plus "prediction")?`);
  }
  return rows.map((row) => {
    const flip = row.id.endsWith(FLIP_SUFFIX);
    return {
      id: flip ? row.id.slice(0, -FLIP_SUFFIX.length) : row.id,
      flip,
      options: rowOptions(row),
      group: row.g_index === undefined || row.g_index === '' ? null : String(row.g_index),
      prediction: row.prediction ?? '',
    };
  });
}

/** Reads one prediction file: `.xlsx`, `.tsv` / `.csv` (VLMEvalKit) or `.jsonl` (lmms-eval logged samples). */
export async function readEvalPredictions(file: string): Promise<EvalPrediction[]> {
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx') {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.worksheets[0];
    if (sheet === undefined) throw new Error(`"${file}" holds no worksheet`);
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? ''));
    const rows: Record<string, string>[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).text])));
    });
    return fromTableRows(rows, file);
  }
  const text = await readFile(file, 'utf8');
  if (ext === '.tsv' || ext === '.csv') {
    const rows = parse(text, { delimiter: ext === '.tsv' ? '\t' : ',', columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
    return fromTableRows(rows, file);
  }
  if (ext === '.jsonl' || ext === '.json') {
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line, i) => {
        const sample = JSON.parse(line) as { doc?: { id?: unknown; options?: unknown }; filtered_resps?: unknown[]; resps?: unknown[][] };
        if (typeof sample.doc?.id !== 'string') throw new Error(`${file}:${i + 1}: not an lmms-eval logged sample of an exported task (no doc.id)`);
        const out = sample.filtered_resps?.[0] ?? sample.resps?.[0]?.[0] ?? '';
        return { id: sample.doc.id, flip: false, options: Array.isArray(sample.doc.options) ? sample.doc.options.map(String) : null, group: null, prediction: typeof out === 'string' ? out : String(out) };
      });
  }
  throw new Error(`"${file}": unknown prediction file type "${ext}" (VLMEvalKit .xlsx/.tsv, or lmms-eval logged samples .jsonl)`);
}

/** Scores pooled prediction rows against the dataset's records; see the file header. */
export function scoreEvalPredictions(records: readonly EvalRecord[], predictions: readonly EvalPrediction[], files: readonly string[] = []): EvalReport {
  const byId = new Map(records.map((r) => [r.id, r]));
  let unmatched = 0;
  let unanswered = 0;
  const plainFamily: Record<string, { n: number; correct: number }> = {};
  let plainN = 0;
  let plainCorrect = 0;
  const groups = new Map<string, { rotations: number; right: number; expected: number }>();
  let flipN = 0;
  let flipCorrect = 0;
  /** Per record: the option text chosen on a plain row and on a flipped row. */
  const chosen = new Map<string, { plain?: string | null; flipped?: string | null }>();
  for (const p of predictions) {
    const record = byId.get(p.id);
    if (record === undefined) {
      unmatched++;
      continue;
    }
    const options = p.options ?? record.options;
    const correctIndex = optionIndex(record.answer);
    let expectedText: string | null = record.options[correctIndex];
    if (p.flip) {
      const m = mirroredAnswerIndex(record.family, record.options, correctIndex);
      expectedText = m === null ? null : record.options[m];
    }
    const letter = extractLetter(p.prediction, options);
    if (letter === null) unanswered++;
    const picked = letter === null ? null : options[optionIndex(letter)];
    const right = picked !== null && picked === expectedText;
    if (p.group !== null) {
      const g = groups.get(p.group) ?? { rotations: 0, right: 0, expected: record.options.length };
      g.rotations++;
      if (right) g.right++;
      groups.set(p.group, g);
      // The unrotated row (options in the record's order) counts as the plain choice for flip consistency.
      if (options.join('\u0000') === record.options.join('\u0000')) chosen.set(p.id, { ...chosen.get(p.id), plain: chosen.get(p.id)?.plain ?? picked });
    } else if (p.flip) {
      flipN++;
      if (right) flipCorrect++;
      chosen.set(p.id, { ...chosen.get(p.id), flipped: picked });
    } else {
      plainN++;
      if (right) plainCorrect++;
      const f = (plainFamily[record.family] ??= { n: 0, correct: 0 });
      f.n++;
      if (right) f.correct++;
      chosen.set(p.id, { ...chosen.get(p.id), plain: picked });
    }
  }
  let pairs = 0;
  let consistent = 0;
  for (const [id, c] of chosen) {
    if (!('plain' in c) || !('flipped' in c)) continue;
    pairs++;
    const record = byId.get(id)!;
    if (c.plain === null || c.plain === undefined || c.flipped === null || c.flipped === undefined) continue;
    const m = mirroredAnswerIndex(record.family, record.options, record.options.indexOf(c.plain));
    if (m !== null && record.options[m] === c.flipped) consistent++;
  }
  const complete = [...groups.values()].filter((g) => g.rotations >= g.expected);
  return {
    files: [...files],
    rows: predictions.length,
    unmatched,
    unanswered,
    plain: { ...accuracy(plainN, plainCorrect), by_family: Object.fromEntries(Object.entries(plainFamily).sort().map(([f, t]) => [f, accuracy(t.n, t.correct)])) },
    circular: groups.size === 0 ? null : { ...accuracy(complete.length, complete.filter((g) => g.right === g.rotations).length), groups_incomplete: groups.size - complete.length },
    flip: flipN === 0 ? null : { rows: accuracy(flipN, flipCorrect), consistency: accuracy(pairs, consistent) },
  };
}

/** Lines for the terminal. */
export function formatEvalReport(r: EvalReport): string[] {
  const pct = (a: Accuracy) => `${(100 * a.accuracy).toFixed(1)} % (${a.correct}/${a.n})`;
  const lines = [`score: ${r.rows} prediction rows from ${r.files.length} file(s); ${r.unmatched} match no record, ${r.unanswered} name no option`];
  if (r.plain.n > 0) {
    lines.push(`accuracy: ${pct(r.plain)}`);
    for (const [family, a] of Object.entries(r.plain.by_family)) lines.push(`  ${family}: ${pct(a)}`);
  }
  if (r.circular !== null) lines.push(`circular accuracy (every rotation right): ${pct(r.circular)}${r.circular.groups_incomplete > 0 ? `; ${r.circular.groups_incomplete} group(s) incomplete, left out` : ''}`);
  if (r.flip !== null) lines.push(`flip: accuracy ${pct(r.flip.rows)}, consistency (mirrored choice = mirror of plain choice) ${pct(r.flip.consistency)}`);
  return lines;
}
