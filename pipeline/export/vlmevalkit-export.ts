/**
 * `export <out> --to vlmevalkit` (README "Evaluation sets"): the dataset as VLMEvalKit's
 * multiple-choice TSV, `<into>/<Name>.tsv`, which its `ImageMCQDataset` loads as a custom dataset
 * from `$LMUData`. Columns: `index` (int, unique), `image` (a JSON list of the sample's views as
 * base64 strings, as VLMEvalKit's own multi-image TSVs hold them), `question` (bare: VLMEvalKit
 * adds the options and its own instruction), `A`, `B`, … (empty where a row has fewer options),
 * `answer` (letter), `category` (family), `l2-category` (the answer's bin), `id`, `qid`, `split`.
 *
 * - `--circular`: `<Name>_circular.tsv` holds every rotation of each row's options (rotation k at
 *   index `index + k·step`), grouped by `g_index` = the original index: VLMEvalKit's circular
 *   evaluation counts a group right only when every rotation is.
 * - `--flip`: `<Name>_flip.tsv` holds each sample of a family whose mirrored answer is exact
 *   (pipeline/export/mirror-answer.ts) with both images mirrored left to right (PNG: the decoded
 *   original's pixels, mirrored, lossless) and the mirrored answer; `id` and `qid` end in `-flip`.
 *
 * Rows are written one at a time to a temporary file that is renamed when complete, so memory
 * stays flat and a failed export leaves no half file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import sharp from 'sharp';
import { optionIndex, optionLetter } from '../questions/arrange-options.js';
import { readEvalRecords, rotateOptions, type EvalRecord } from './eval-records.js';
import { mirroredAnswerIndex } from './mirror-answer.js';
import { writeStreamed } from '../write-streamed.js';

/** Suffix of the flipped rows' `id` and `qid`. */
export const FLIP_SUFFIX = '-flip';

export interface VlmEvalKitOptions {
  /** The built dataset folder. */
  out: string;
  /** Folder the TSV files go to (created). */
  into: string;
  /** Dataset name: the TSV is `<name>.tsv`, and `run.py --data <name>` names it. */
  name: string;
  circular?: boolean;
  flip?: boolean;
}

/** What was written. */
export interface VlmEvalKitReport {
  files: { path: string; rows: number }[];
  /** Samples left out of the flip file, by family (no exact mirrored answer). */
  notFlipped: Record<string, number>;
}

/** The index step between rotations of one row in the circular file: a power of ten above every index. */
export function circularStep(records: readonly EvalRecord[]): number {
  const top = records.reduce((m, r) => Math.max(m, r.index), 0);
  return Math.max(1_000_000, 10 ** Math.ceil(Math.log10(top + 1)));
}

/** Writes the header and then TSV rows one at a time into `path` (pipeline/write-streamed.ts); resolves to the row count. */
async function writeTsv(path: string, header: readonly string[], rows: AsyncIterable<readonly (string | number)[]>): Promise<number> {
  const line = (cells: readonly (string | number)[]) => stringify([cells], { delimiter: '\t' });
  return (
    (await writeStreamed(path, (async function* () {
      yield line(header);
      for await (const row of rows) yield line(row);
    })())) - 1
  );
}

/** Writes the TSV files; see the file header. */
export async function exportVlmEvalKit(options: VlmEvalKitOptions): Promise<VlmEvalKitReport> {
  const records = await readEvalRecords(options.out);
  await mkdir(options.into, { recursive: true });
  const letters = Array.from({ length: Math.max(...records.map((r) => r.options.length)) }, (_, i) => optionLetter(i));
  const header = ['index', 'image', 'question', ...letters, 'answer', 'category', 'l2-category', 'id', 'qid', 'split'];
  const base64Images = async (r: EvalRecord, mirror: boolean) =>
    JSON.stringify(
      await Promise.all(
        r.images.map(async (p) => {
          const bytes = await readFile(join(options.out, p));
          return (mirror ? await sharp(bytes).flop().png().toBuffer() : bytes).toString('base64');
        }),
      ),
    );
  const row = (r: EvalRecord, index: number, image: string, opts: readonly string[], answer: string, id: string) => [
    index,
    image,
    r.question,
    ...letters.map((_, i) => opts[i] ?? ''),
    answer,
    r.family,
    r.bin,
    id,
    id,
    r.split,
  ];
  const files: VlmEvalKitReport['files'] = [];
  const main = join(options.into, `${options.name}.tsv`);
  files.push({
    path: main,
    rows: await writeTsv(main, header, (async function* () {
      for (const r of records) yield row(r, r.index, await base64Images(r, false), r.options, r.answer, r.id);
    })()),
  });
  if (options.circular === true) {
    const step = circularStep(records);
    const path = join(options.into, `${options.name}_circular.tsv`);
    files.push({
      path,
      rows: await writeTsv(path, [...header, 'g_index'], (async function* () {
        for (const r of records) {
          const image = await base64Images(r, false);
          for (let k = 0; k < r.options.length; k++) {
            const turned = rotateOptions(r.options, r.answer, k);
            yield [...row(r, r.index + k * step, image, turned.options, turned.answer, r.id), r.index];
          }
        }
      })()),
    });
  }
  const notFlipped: Record<string, number> = {};
  if (options.flip === true) {
    const path = join(options.into, `${options.name}_flip.tsv`);
    files.push({
      path,
      rows: await writeTsv(path, header, (async function* () {
        for (const r of records) {
          const mirrored = mirroredAnswerIndex(r.family, r.options, optionIndex(r.answer));
          if (mirrored === null) {
            notFlipped[r.family] = (notFlipped[r.family] ?? 0) + 1;
            continue;
          }
          yield row(r, r.index, await base64Images(r, true), r.options, optionLetter(mirrored), `${r.id}${FLIP_SUFFIX}`);
        }
      })()),
    });
  }
  return { files, notFlipped };
}
