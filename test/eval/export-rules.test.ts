/** The small rules behind the evaluation exports: option rotation, mirrored answers, letter extraction. */
import { describe, expect, it } from 'vitest';
import { rotateOptions } from '../../pipeline/export/eval-records.js';
import { mirroredAnswerIndex, mirrorText } from '../../pipeline/export/mirror-answer.js';
import { FAMILIES } from '../../pipeline/questions/index.js';
import { extractLetter } from '../../pipeline/score/extract-letter.js';

describe('rotateOptions', () => {
  it('turns the options and keeps the answer on the same text, every rotation distinct', () => {
    const options = ['left', 'right', 'ahead', 'behind'];
    const seen = new Set<string>();
    for (let k = 0; k < 4; k++) {
      const r = rotateOptions(options, 'C', k);
      expect(r.options[r.answer.charCodeAt(0) - 65]).toBe('ahead');
      seen.add(r.options.join());
    }
    expect(seen.size).toBe(4);
    expect(rotateOptions(options, 'C', 0)).toEqual({ options, answer: 'C' });
  });
});

describe('mirrored answers', () => {
  it('swaps sides and turning senses, whole words only', () => {
    expect(mirrorText('left, 60–90°')).toBe('right, 60–90°');
    expect(mirrorText('counter-clockwise, 0–30°')).toBe('clockwise, 0–30°');
    expect(mirrorText('clockwise, 0–30°')).toBe('counter-clockwise, 0–30°');
    expect(mirrorText('moved forward and turned Left')).toBe('moved forward and turned Right');
    expect(mirrorText('the leftmost mug')).toBe('the leftmost mug');
  });

  it('keeps the answer of a "same" family, swaps a "swap" family, and leaves the others out', () => {
    expect(mirroredAnswerIndex('distance', ['farther', 'about the same', 'closer'], 2)).toBe(2);
    expect(mirroredAnswerIndex('orbit', ['right, 90–135°', 'left, 90–135°', 'right, 60–90°', 'left, 60–90°'], 2)).toBe(3);
    expect(mirroredAnswerIndex('orbit', ['right, 90–135°', 'left, 60–90°'], 0)).toBeNull(); // its mirror is not an option
    const undeclared = FAMILIES.find((f) => f.mirror === undefined);
    expect(undeclared).toBeDefined();
    expect(mirroredAnswerIndex(undeclared!.name, ['a', 'b'], 0)).toBeNull();
  });
});

describe('extractLetter', () => {
  const options = ['left', 'right', 'about the same'];
  it('reads the answer tag, a leading letter, or an option\'s exact text', () => {
    expect(extractLetter('<think>the camera moved</think><answer>B</answer>', options)).toBe('B');
    expect(extractLetter('<answer>A</answer> then <answer> C </answer>', options)).toBe('C');
    expect(extractLetter('B', options)).toBe('B');
    expect(extractLetter('(C)', options)).toBe('C');
    expect(extractLetter('A. left', options)).toBe('A');
    expect(extractLetter('About the same.', options)).toBe('C');
  });
  it('names no option for anything else', () => {
    expect(extractLetter('D', options)).toBeNull();
    expect(extractLetter('I think it is left or right', options)).toBeNull();
    expect(extractLetter('', options)).toBeNull();
  });
});
