/**
 * The reference GRPO reward of the RL stage (README): `total = 0.5 · format + 0.5 · accuracy`,
 * from one model completion and the record's ground truth (`reward_model.ground_truth`, the
 * answer letter). Pure string rules, no model, no I/O; `docs/reward.md` shows how verl and TRL
 * users plug it in, and a Python twin must apply exactly these rules.
 *
 * Rules (tags are matched case-insensitively, exactly as written: `<think>`, `</think>`,
 * `<answer>`, `</answer>`, no spaces inside the angle brackets):
 * - format = 1 when the whole completion is `WS* <think> X </think> WS* <answer> Y </answer> WS*`
 *   where X and Y contain none of the four tags; else 0. (So a second answer, text before
 *   `<think>` or after `</answer>`, or a missing `<think>` block all give 0.)
 * - accuracy = 1 when the completion holds exactly one `<answer>` and one `</answer>`, the
 *   first before the second, and the text between them, trimmed of whitespace at both ends,
 *   equals the ground truth exactly (case-sensitive: "b" is not "B"); else 0. Text outside the
 *   tags does not matter here.
 * - total = 0.5 · format + 0.5 · accuracy ∈ {0, 0.5, 1}.
 *
 * Whitespace (WS, and what trimming removes) is exactly the set of {@link WHITESPACE_CHARS}:
 * JavaScript's `\s`, written out so another language can match it character for character.
 *
 * @example
 * reward('<think>The fin moved left.</think> <answer>B</answer>', 'B'); // { format: 1, accuracy: 1, total: 1 }
 * reward('The answer is <answer>B</answer>', 'B');                      // { format: 0, accuracy: 1, total: 0.5 }
 */

/**
 * Every character counted as whitespace: tab, line feed, vertical tab, form feed, carriage
 * return, space, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF
 * (the set of JavaScript's `\s` and `String.prototype.trim`).
 */
export const WHITESPACE_CHARS = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

const WS = `[${WHITESPACE_CHARS}]`;
const TAG = /<\/?(?:think|answer)>/i;
const FORMAT = new RegExp(`^${WS}*<think>([\\s\\S]*)</think>${WS}*<answer>([\\s\\S]*)</answer>${WS}*$`, 'i');
const TRIM = new RegExp(`^${WS}+|${WS}+$`, 'g');

/** Scores of one completion. */
export interface RewardScore {
  /** 1 when the completion is exactly `<think>…</think><answer>…</answer>` (whitespace around tags allowed), else 0. */
  format: 0 | 1;
  /** 1 when the single `<answer>` holds exactly the ground truth (after trimming), else 0. */
  accuracy: 0 | 1;
  /** 0.5 · format + 0.5 · accuracy. */
  total: number;
}

/** Weight of the format term and of the accuracy term in {@link RewardScore.total}. */
export const REWARD_WEIGHTS = Object.freeze({ format: 0.5, accuracy: 0.5 });

/** 1 when `completion` has the required `<think>…</think><answer>…</answer>` form; see the file header. */
export function scoreFormat(completion: string): 0 | 1 {
  const m = FORMAT.exec(completion);
  if (m === null) return 0;
  return TAG.test(m[1]) || TAG.test(m[2]) ? 0 : 1;
}

/** The text inside the single `<answer>…</answer>`, trimmed; null when there is not exactly one pair. */
export function extractAnswer(completion: string): string | null {
  const opens = [...completion.matchAll(/<answer>/gi)];
  const closes = [...completion.matchAll(/<\/answer>/gi)];
  if (opens.length !== 1 || closes.length !== 1) return null;
  const start = opens[0].index! + opens[0][0].length;
  const end = closes[0].index!;
  if (end < start) return null;
  return completion.slice(start, end).replace(TRIM, '');
}

/** 1 when the single answer equals `groundTruth` exactly after trimming; see the file header. */
export function scoreAccuracy(completion: string, groundTruth: string): 0 | 1 {
  const answer = extractAnswer(completion);
  return answer !== null && answer === groundTruth ? 1 : 0;
}

/**
 * The reward of one completion against its ground truth (the answer letter of the record):
 * `{ format, accuracy, total }` with `total = 0.5 · format + 0.5 · accuracy`. Pure.
 * @throws TypeError when either argument is not a string (a caller bug, not a bad completion).
 */
export function reward(completion: string, groundTruth: string): RewardScore {
  if (typeof completion !== 'string' || typeof groundTruth !== 'string') {
    throw new TypeError(`reward: expected completion and groundTruth to be strings, got ${typeof completion} and ${typeof groundTruth}`);
  }
  const format = scoreFormat(completion);
  const accuracy = scoreAccuracy(completion, groundTruth);
  return { format, accuracy, total: REWARD_WEIGHTS.format * format + REWARD_WEIGHTS.accuracy * accuracy };
}

/**
 * verl's custom reward signature, `compute_score(data_source, solution_str, ground_truth,
 * extra_info)`, for JavaScript trainers and for checking a Python twin against this one:
 * returns {@link reward}`(solutionStr, groundTruth).total`. `dataSource` and `extraInfo` are
 * accepted and ignored (every viewforge family uses the same rule).
 */
export function computeScore(dataSource: string, solutionStr: string, groundTruth: string, extraInfo?: unknown): number {
  void dataSource;
  void extraInfo;
  return reward(solutionStr, groundTruth).total;
}
