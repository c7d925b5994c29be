/**
 * What the evaluation exports read of a built dataset (`<out>/sft/*.jsonl`, `<out>/rl/*.jsonl`):
 * one entry per sample (a sample written to both stages once), in index order, with the fields
 * an evaluator's multiple-choice row needs. Shared by `export` (pipeline/export/) and by `score`
 * when it reads an evaluator's prediction file.
 */
import { join } from 'node:path';
import { optionIndex, optionLetter } from '../questions/arrange-options.js';
import { findJsonlShards, getRecordMeta, readShardRecords } from '../stats/read-shard-records.js';

/** One sample as the evaluators see it. */
export interface EvalRecord {
  id: string;
  index: number;
  split: string;
  family: string;
  /** The bare question (no options, no answer instruction). */
  question: string;
  options: string[];
  /** Letter of the correct option. */
  answer: string;
  /** The answer's bin (`difficulty.bin`): its content, e.g. "left" or "60–90°". */
  bin: string;
  /** Image paths relative to the output folder, view A first (one path for a single-image record). */
  images: string[];
}

/**
 * Reads every sample of `out`, sorted by index.
 * @throws Error naming the file and line of a record that lacks a needed field, or the folder when it holds no shard.
 */
export async function readEvalRecords(out: string): Promise<EvalRecord[]> {
  const shards = await findJsonlShards(out);
  if (shards.length === 0) throw new Error(`no shards in "${out}" (expected sft/*.jsonl or rl/*.jsonl); is it the output folder of a run?`);
  const byId = new Map<string, EvalRecord>();
  for await (const r of readShardRecords(out, shards)) {
    const m = getRecordMeta(r);
    const difficulty = m.difficulty as { bin?: unknown } | undefined;
    const images = m.images as { path?: unknown }[] | undefined;
    if (
      typeof m.id !== 'string' ||
      typeof m.index !== 'number' ||
      typeof m.question !== 'string' ||
      !Array.isArray(m.options) ||
      typeof m.answer !== 'string' ||
      typeof m.family !== 'string' ||
      typeof difficulty?.bin !== 'string' ||
      !Array.isArray(images)
    ) {
      throw new Error(`${join(out, r.path)}:${r.line + 1}: not a viewforge record (id, index, question, options, answer, family, difficulty.bin, images)`);
    }
    if (byId.has(m.id)) continue;
    byId.set(m.id, {
      id: m.id,
      index: m.index,
      split: typeof m.split === 'string' ? m.split : 'train',
      family: m.family,
      question: m.question,
      options: (m.options as unknown[]).map(String),
      answer: m.answer,
      bin: difficulty.bin,
      images: images.map((img) => String(img.path)),
    });
  }
  return [...byId.values()].sort((a, b) => a.index - b.index);
}

/** `options` turned by `k` places (option j of the result is option (j + k) mod n), and where the answer went. */
export function rotateOptions(options: readonly string[], answer: string, k: number): { options: string[]; answer: string } {
  const n = options.length;
  const from = optionIndex(answer);
  return { options: options.map((_, j) => options[(j + k) % n]), answer: optionLetter((((from - k) % n) + n) % n) };
}
