import { describe, expect, it } from 'vitest';
import { measureBlindPrior, optionContent, type BlindPriorRecord } from '../../pipeline/stats/blind-prior.js';
import { createRng } from '../../pipeline/rng.js';

/** `n` two-option records of `family` where `pick(i)` says whether the option "the nose" is the answer. */
function records(family: string, n: number, noseWins: (i: number) => boolean, start = 0): BlindPriorRecord[] {
  const rng = createRng(3);
  return Array.from({ length: n }, (_, i) => {
    const colours = rng.shuffle(['red', 'blue', 'green']);
    const options = rng.chance(0.5) ? [`the ${colours[0]} nose`, `the ${colours[1]} body`] : [`the ${colours[1]} body`, `the ${colours[0]} nose`];
    const nose = options.findIndex((o) => o.endsWith('nose'));
    const answer = noseWins(i) ? nose : 1 - nose;
    return { index: start + i, family, template_id: `${family}/t1`, question: `Which is nearer: ${options[0]} or ${options[1]}?`, options, answer: String.fromCharCode(65 + answer) };
  });
}

describe('measureBlindPrior', () => {
  it('drops colour words from an option', () => {
    expect(optionContent('the red nose')).toBe('the nose');
    expect(optionContent('left, 30–60°')).toBe('left, 30–60°');
  });

  it('finds a shortcut in the option text, and none where the answers are balanced', () => {
    const coin = createRng(11);
    const rows = measureBlindPrior([...records('skewed', 400, (i) => i % 20 < 18), ...records('fair', 400, () => coin.chance(0.5), 400)]);
    const skewed = rows.find((r) => r.family === 'skewed')!;
    const fair = rows.find((r) => r.family === 'fair')!;
    expect(skewed).toMatchObject({ scored: 400, chance: 0.5 });
    expect(skewed.accuracy).toBeCloseTo(0.9, 1);
    expect(Math.abs(fair.accuracy - 0.5)).toBeLessThan(0.1);
  });
});
