/**
 * Builds one RL record in verl's form (README, Output), one JSONL line of `rl/shard-NNNNN.jsonl` (the
 * readable copy of the parquet rows). Schema: `schemas/record-rl.schema.json`.
 *
 * Key order (fixed): `data_source`, `prompt`, `images`, `ability`, `reward_model`,
 * `extra_info`.
 * - `data_source`: the dataset name (`input.datasetName`).
 * - `prompt`: one user message ({@link buildUserContent}) whose instruction asks for
 *   `<think>…</think><answer>…</answer>`, the format the reward scores; RL prompts never carry a
 *   system message.
 * - `images`: the two image paths relative to the output root (view A, view B).
 * - `ability`: `"spatial"`.
 * - `reward_model`: `{ style: "rule", ground_truth: <answer letter> }`; the reward compares the
 *   stripped content of `<answer>…</answer>` to it exactly.
 * - `extra_info`: {@link RecordMeta}, the same object SFT records carry as `meta` (it holds
 *   `index`, `split`, `family`, `id`, …).
 *
 * @example
 * ```text
 * {"data_source":"viewforge","prompt":[{"role":"user","content":"<image><image>…"}],"images":["images/00000/vf-…_a.jpg","images/00000/vf-…_b.jpg"],
 *  "ability":"spatial","reward_model":{"style":"rule","ground_truth":"B"},"extra_info":{"id":"vf-…","index":7,"split":"train",…}}
 * ```
 */
import type { SampleRecordInput } from './record-input.js';
import { buildMeta, type RecordMeta } from './record-meta.js';
import { buildUserContent } from './sft-record.js';

/** One RL line (verl RLHFDataset columns). */
export interface RlRecord {
  data_source: string;
  prompt: { role: 'user'; content: string }[];
  /** [view A, view B], relative to the output root. */
  images: string[];
  ability: 'spatial';
  reward_model: { style: 'rule'; ground_truth: string };
  extra_info: RecordMeta;
}

/**
 * Builds the RL record of one sample. Pure: equal inputs give byte-identical JSON.
 * @throws Error (naming the sample id) when {@link buildMeta} finds a broken invariant.
 */
export function buildRlRecord(input: SampleRecordInput): RlRecord {
  const meta = buildMeta(input);
  return {
    data_source: input.datasetName,
    prompt: [{ role: 'user', content: buildUserContent(meta, 'think-answer') }],
    images: meta.images.map((im) => im.path),
    ability: 'spatial',
    reward_model: { style: 'rule', ground_truth: meta.answer },
    // An RL prompt has no target, so no reasoning either way: has_cot is the SFT record's fact.
    extra_info: { ...meta, has_cot: null },
  };
}
