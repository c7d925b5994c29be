/**
 * Builds one SFT record in LLaMA-Factory's sharegpt form (README, Output), one JSONL line of
 * `sft/shard-NNNNN.jsonl`. Schema: `schemas/record-sft.schema.json`.
 *
 * Key order (fixed): `id`, `messages`, `images`, `meta`.
 * - `messages`: a `system` message only when a system prompt is given, then the `user` message
 *   ({@link buildUserContent}), then the `assistant` message
 *   (`<think>reasoning</think><answer>X</answer>` with CoT, `<answer>X</answer>` without: the
 *   hybrid cold start the README's main job describes).
 * - `images`: the two image paths relative to the output root, in the order of the two
 *   `<image>` tokens (view A, then view B).
 * - `meta`: {@link RecordMeta}, the same object RL records carry as `extra_info`.
 *
 * @example
 * ```text
 * {"id":"vf-0000002a-00000007","messages":[{"role":"user","content":"<image><image>How did the camera move…?\nA. …\nB. …\n<instruction>"},
 *  {"role":"assistant","content":"<think>…</think><answer>B</answer>"}],"images":["images/00000/vf-…_a.jpg","images/00000/vf-…_b.jpg"],"meta":{…}}
 * ```
 */
import type { SampleRecordInput } from './record-input.js';
import { pickAnswerInstruction, type AnswerFormat } from './answer-instruction.js';
import { optionLetter } from '../questions/arrange-options.js';
import { assertNoReservedTokens, buildMeta, type RecordMeta } from './record-meta.js';

/** The placeholder LLaMA-Factory (and the user content of RL prompts) uses for one image. */
export const IMAGE_TOKEN = '<image>';


/** One chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One SFT line (LLaMA-Factory sharegpt with `messages` and `images` columns). */
export interface SftRecord {
  id: string;
  messages: ChatMessage[];
  /** [view A, view B], relative to the output root. */
  images: string[];
  meta: RecordMeta;
}

/**
 * The user message of SFT and RL records:
 * `"<image><image>" + question + "\n" + "A. …\nB. …" + "\n" + instruction`, the instruction
 * asking for the target's `format` ({@link pickAnswerInstruction}: `think-answer` for SFT with
 * CoT and for RL, `answer-only` for SFT without CoT). One `<image>` token per image, all at the
 * start; the meta's texts were already checked to hold no reserved token, so the count of
 * `<image>` tokens equals the number of images.
 */
export function buildUserContent(meta: RecordMeta, format: AnswerFormat): string {
  const tokens = IMAGE_TOKEN.repeat(meta.images.length);
  const optionLines = meta.options.map((o, i) => `${optionLetter(i)}. ${o}`).join('\n');
  return `${tokens}${meta.question}\n${optionLines}\n${pickAnswerInstruction(format, meta.seed, meta.index)}`;
}

/** The assistant message: `<think>reasoning</think><answer>X</answer>` or `<answer>X</answer>`. */
export function buildAssistantContent(meta: RecordMeta, withCot: boolean): string {
  const answer = `<answer>${meta.answer}</answer>`;
  return withCot ? `<think>${meta.reasoning}</think>${answer}` : answer;
}

/**
 * Builds the SFT record of one sample. Pure: equal inputs give byte-identical JSON.
 * @throws Error (naming the sample id) when the system prompt or any question text holds a
 *   reserved token such as `<image>`, or when {@link buildMeta} finds a broken invariant.
 */
export function buildSftRecord(input: SampleRecordInput): SftRecord {
  const meta = buildMeta(input);
  const messages: ChatMessage[] = [];
  if (input.systemPrompt !== null) {
    assertNoReservedTokens(input.systemPrompt, 'system prompt', meta.id);
    if (input.systemPrompt.length === 0) throw new Error(`buildSftRecord: sample "${meta.id}": system prompt is empty; pass null for none`);
    messages.push({ role: 'system', content: input.systemPrompt });
  }
  messages.push({ role: 'user', content: buildUserContent(meta, input.withCot ? 'think-answer' : 'answer-only') });
  messages.push({ role: 'assistant', content: buildAssistantContent(meta, input.withCot) });
  return {
    id: meta.id,
    messages,
    images: meta.images.map((im) => im.path),
    meta,
  };
}
