/**
 * The last line of every user message: the instruction that says which answer format the target
 * has (docs/supervision.md, "Prompts match targets").
 *
 * - `think-answer`: the target is `<think>…</think><answer>X</answer>`. SFT records with CoT and
 *   every RL prompt use it (the RL reward scores exactly that format, pipeline/reward/).
 * - `answer-only`: the target is `<answer>X</answer>`. SFT records without CoT use it; it never
 *   asks for reasoning, so a model is never taught to ignore its instruction.
 *
 * Each format has several phrasings; which one a record gets is drawn from the sample's own
 * `instruction` stream (seed, index), so it does not depend on worker splits or on other draws.
 */
import { sampleRng } from '../rng.js';

/** Answer format of a target, and so of the instruction that asks for it. */
export type AnswerFormat = 'think-answer' | 'answer-only';

/** Phrasings of each format's instruction, in a fixed order (the drawn index picks one). */
export const ANSWER_INSTRUCTIONS: Readonly<Record<AnswerFormat, readonly string[]>> = {
  'think-answer': [
    'Think step by step inside <think></think>, then give only the letter of the correct option inside <answer></answer>.',
    'First reason it through inside <think></think>, then write only the letter of the correct option inside <answer></answer>.',
    'Explain your reasoning inside <think></think> and put only the letter of your choice inside <answer></answer>.',
  ],
  'answer-only': [
    'Give only the letter of the correct option inside <answer></answer>, with no explanation.',
    'Answer with only the letter of the correct option inside <answer></answer>.',
    'Reply with the letter of the correct option inside <answer></answer> and nothing else.',
  ],
};

/** The instruction of sample `index` (run seed `seed`) for a target of `format`. Pure. */
export function pickAnswerInstruction(format: AnswerFormat, seed: number, index: number): string {
  const phrasings = ANSWER_INSTRUCTIONS[format];
  return phrasings[sampleRng(seed, 'instruction', index).int(0, phrasings.length - 1)];
}

/** The format an instruction asks for, or null when `text` is none of {@link ANSWER_INSTRUCTIONS}. */
export function formatOfInstruction(text: string): AnswerFormat | null {
  for (const format of Object.keys(ANSWER_INSTRUCTIONS) as AnswerFormat[]) if (ANSWER_INSTRUCTIONS[format].includes(text)) return format;
  return null;
}
