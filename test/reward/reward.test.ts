import { describe, expect, it } from 'vitest';
import { WHITESPACE_CHARS, computeScore, extractAnswer, reward } from '../../pipeline/reward/reward.js';

/** [case, completion, ground truth, format, accuracy, total] */
const TABLE: [string, string, string, number, number, number][] = [
  ['well-formed, right', '<think>The fin moved from the left to the right.</think><answer>B</answer>', 'B', 1, 1, 1],
  ['well-formed, wrong', '<think>The fin moved from the left to the right.</think><answer>C</answer>', 'B', 1, 0, 0.5],
  ['well-formed, whitespace between and around tags, inside the answer', '  \n<think>\nreasoning\n</think>\n\n<answer> B \n</answer>\n', 'B', 1, 1, 1],
  ['tags in upper or mixed case', '<THINK>x</THINK><Answer>B</Answer>', 'B', 1, 1, 1],
  ['empty think block', '<think></think><answer>B</answer>', 'B', 1, 1, 1],
  ['missing tags: bare letter', 'B', 'B', 0, 0, 0],
  ['missing think block', '<answer>B</answer>', 'B', 0, 1, 0.5],
  ['missing answer tags', '<think>I think it is B.</think> B', 'B', 0, 0, 0],
  ['unclosed answer', '<think>x</think><answer>B', 'B', 0, 0, 0],
  ['extra text before the think block', 'Sure! <think>x</think><answer>B</answer>', 'B', 0, 1, 0.5],
  ['extra text after the answer', '<think>x</think><answer>B</answer> Hope this helps.', 'B', 0, 1, 0.5],
  ['extra text between the blocks', '<think>x</think> so: <answer>B</answer>', 'B', 0, 1, 0.5],
  ['lower-case letter', '<think>x</think><answer>b</answer>', 'B', 1, 0, 0.5],
  ['letter with a period', '<think>x</think><answer>B.</answer>', 'B', 1, 0, 0.5],
  ['option text instead of the letter', '<think>x</think><answer>right, 30–60°</answer>', 'B', 1, 0, 0.5],
  ['two answers, both right', '<think>x</think><answer>B</answer><answer>B</answer>', 'B', 0, 0, 0],
  ['two answers, one right', '<think>x</think><answer>A</answer> or <answer>B</answer>', 'B', 0, 0, 0],
  ['answer tags inside the think block', '<think>maybe <answer>A</answer></think><answer>B</answer>', 'B', 0, 0, 0],
  ['two think blocks', '<think>a</think><think>b</think><answer>B</answer>', 'B', 0, 1, 0.5],
  ['closing tag before opening tag', '<think>x</think></answer>B<answer>', 'B', 0, 0, 0],
  ['empty completion', '', 'B', 0, 0, 0],
  ['spaces inside a tag are not a tag', '<think>x</think>< answer>B</ answer>', 'B', 0, 0, 0],
];

describe('reward (the reference GRPO reward)', () => {
  for (const [name, completion, truth, format, accuracy, total] of TABLE) {
    it(`${name}: format ${format}, accuracy ${accuracy}, total ${total}`, () => {
      expect(reward(completion, truth)).toEqual({ format, accuracy, total });
      expect(computeScore('viewforge', completion, truth, { index: 0 })).toBe(total);
    });
  }

  it('trims exactly the documented whitespace set', () => {
    expect(WHITESPACE_CHARS.length).toBe(25);
    for (const ch of WHITESPACE_CHARS) {
      expect(/\s/.test(ch)).toBe(true);
      expect(reward(`${ch}<think>x</think>${ch}<answer>${ch}B${ch}</answer>${ch}`, 'B')).toEqual({ format: 1, accuracy: 1, total: 1 });
    }
    // Characters JavaScript's \s leaves out are not whitespace here either (U+0085, U+200B).
    expect(reward('<think>x</think><answer>\u0085B</answer>', 'B').accuracy).toBe(0);
    expect(reward('<think>x</think>\u200b<answer>B</answer>', 'B').format).toBe(0);
  });

  it('compares the ground truth exactly (no trimming or case folding of it)', () => {
    expect(reward('<think>x</think><answer>B</answer>', ' B').accuracy).toBe(0);
    expect(reward('<think>x</think><answer>b</answer>', 'b').accuracy).toBe(1);
    expect(extractAnswer('<think>x</think><answer>  C\n</answer>')).toBe('C');
    expect(extractAnswer('no tags')).toBeNull();
  });

  it('rejects non-string input as a caller bug', () => {
    expect(() => reward(undefined as unknown as string, 'B')).toThrow(TypeError);
  });
});
