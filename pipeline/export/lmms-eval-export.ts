/**
 * `export <out> --to lmms-eval` (README "Evaluation sets"): a task folder for lmms-eval's
 * `--include_path <into>`:
 *
 * - `<name>.jsonl`: one sample a line (`id`, `index`, `question`, `options`, `answer`, `category`,
 *   `l2_category`, `split`, and `images`: the views as base64 strings, so the folder is whole);
 * - `<name>.yaml`: `dataset_path: json` with `dataset_kwargs.data_files` naming that file
 *   (absolute: `datasets` resolves data files against the working directory lmms-eval runs in),
 *   `output_type: generate_until`, the `utils.py` functions, and `metric_list` with accuracy;
 * - `utils.py`: `doc_to_visual` (PIL images), `doc_to_text` (question, lettered options, an
 *   instruction to answer with the letter; `lmms_eval_specific_kwargs` may replace pre and post
 *   prompt), `doc_to_target`, and `process_results`, which extracts the letter as `score` does
 *   (`extractLetter`, pipeline/score/extract-letter.ts) and scores accuracy.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../shards/seal-file.js';
import { readEvalRecords } from './eval-records.js';
import { writeStreamed } from '../write-streamed.js';

export interface LmmsEvalOptions {
  out: string;
  into: string;
  /** Task name (also the YAML's and the data file's name). */
  name: string;
}

/** The instruction `doc_to_text` ends with unless the model's kwargs give another post prompt. */
export const LMMS_POST_PROMPT = "\nAnswer with the option's letter from the given choices directly.";

/** The task YAML. `!function` is lmms-eval's tag for a function of the task folder's `utils.py`. */
export function lmmsTaskYaml(name: string, dataFile: string): string {
  return [
    `task: ${JSON.stringify(name)}`,
    'dataset_path: json',
    'dataset_kwargs:',
    '  data_files:',
    `    test: ${JSON.stringify(dataFile)}`,
    'test_split: test',
    'output_type: generate_until',
    'doc_to_visual: !function utils.doc_to_visual',
    'doc_to_text: !function utils.doc_to_text',
    'doc_to_target: !function utils.doc_to_target',
    'generation_kwargs:',
    '  max_new_tokens: 256',
    '  temperature: 0',
    '  do_sample: false',
    'process_results: !function utils.process_results',
    'metric_list:',
    '  - metric: accuracy',
    '    aggregation: mean',
    '    higher_is_better: true',
    'metadata:',
    '  version: 1.0',
    '',
  ].join('\n');
}

/** utils.py of the task folder (Python; lmms-eval imports it). Its letter extraction follows `extractLetter` (pipeline/score/extract-letter.ts). */
export const LMMS_UTILS_PY = `"""viewforge evaluation task for lmms-eval (written by \`npm run export -- <out> --to lmms-eval\`)."""
import base64
import io
import re

from PIL import Image

POST_PROMPT = ${JSON.stringify(LMMS_POST_PROMPT)}


def doc_to_visual(doc):
    return [Image.open(io.BytesIO(base64.b64decode(s))).convert("RGB") for s in doc["images"]]


def doc_to_text(doc, lmms_eval_specific_kwargs=None):
    kwargs = lmms_eval_specific_kwargs or {}
    options = "\\n".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(doc["options"]))
    return f"{kwargs.get('pre_prompt', '')}{doc['question']}\\n{options}{kwargs.get('post_prompt', POST_PROMPT)}"


def doc_to_target(doc):
    return doc["answer"]


def extract_letter(text, options):
    """The option letter a model's output names, or None (the rules of viewforge's score)."""
    letters = [chr(65 + i) for i in range(len(options))]
    tagged = re.findall(r"<answer>\\s*(.*?)\\s*</answer>", text, re.S)
    if tagged:
        text = tagged[-1]
    text = text.strip()
    m = re.match(r"^\\(?([A-Z])\\)?(?:[.:)\\s]|$)", text)
    if m and m.group(1) in letters:
        return m.group(1)
    for letter, option in zip(letters, options):
        if text.rstrip(".").strip().lower() == option.lower():
            return letter
    return None


def process_results(doc, results):
    predicted = extract_letter(results[0] if results else "", doc["options"])
    return {"accuracy": 1.0 if predicted == doc["answer"] else 0.0}
`;

/** Writes the task folder; resolves to its files and the row count. */
export async function exportLmmsEval(options: LmmsEvalOptions): Promise<{ files: string[]; rows: number }> {
  const records = await readEvalRecords(options.out);
  await mkdir(options.into, { recursive: true });
  const data = resolve(options.into, `${options.name}.jsonl`);
  await writeStreamed(data, (async function* () {
    for (const r of records) {
      const images = await Promise.all(r.images.map(async (p) => (await readFile(join(options.out, p))).toString('base64')));
      yield `${JSON.stringify({ id: r.id, index: r.index, question: r.question, options: r.options, answer: r.answer, category: r.family, l2_category: r.bin, split: r.split, images })}\n`;
    }
  })());
  const yaml = join(options.into, `${options.name}.yaml`);
  const utils = join(options.into, 'utils.py');
  await writeFileAtomic(yaml, lmmsTaskYaml(options.name, data));
  await writeFileAtomic(utils, LMMS_UTILS_PY);
  return { files: [data, yaml, utils], rows: records.length };
}
