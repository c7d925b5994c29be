/**
 * Puts a question's options in display order: the correct option at the slot the caller chose
 * (answer letters are balanced over the dataset by `answerSlot` in `plan/family-schedule.ts`),
 * the distractors in the other slots in an order drawn from the sample's RNG.
 */
import type { Rng } from '../rng.js';

/** Options in display order and where the answer is. */
export interface ArrangedOptions {
  /** Option texts; letter = 'A' + index. */
  options: string[];
  answerIndex: number;
  /** 'A', 'B', … */
  answerLetter: string;
  answerText: string;
}

/** Letter of a 0-based option index: 0 → 'A'. */
export function optionLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/** 0-based index of an option letter: 'A' → 0 (the inverse of {@link optionLetter}). */
export function optionIndex(letter: string): number {
  return letter.charCodeAt(0) - 65;
}

/**
 * Shuffles `distractors` with `rng` and inserts `answer` at index `answerSlot`.
 *
 * @param family used as the error prefix.
 * @throws RangeError when `answerSlot` is not an integer in [0, distractors.length], or when two
 *   options have the same text (a bug in the family: the question would have two right answers).
 */
export function arrangeOptions(family: string, answer: string, distractors: readonly string[], answerSlot: number, rng: Rng): ArrangedOptions {
  if (!(Number.isInteger(answerSlot) && answerSlot >= 0 && answerSlot <= distractors.length)) {
    throw new RangeError(`${family}: answerSlot must be an integer in [0, ${distractors.length}], got ${answerSlot}`);
  }
  const options = rng.shuffle(distractors);
  options.splice(answerSlot, 0, answer);
  if (new Set(options).size !== options.length) {
    throw new RangeError(`${family}: options must be distinct, got ${JSON.stringify(options)}`);
  }
  return { options, answerIndex: answerSlot, answerLetter: optionLetter(answerSlot), answerText: answer };
}
