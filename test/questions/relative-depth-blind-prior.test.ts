/**
 * Issue 10's text-only shortcut, measured on planned `relative-depth` questions (ray-cast truth,
 * no render): a counting prior that sees only the question, the options and the template must stay
 * near chance. Without the pair balance the part names alone gave the answer about 82 % of the time.
 */
import { describe, expect, it } from 'vitest';
import { buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import { resolveSample } from '../../pipeline/run/resolve-sample.js';
import { measureBlindPrior } from '../../pipeline/stats/blind-prior.js';

describe('relative-depth without a text shortcut', () => {
  it('keeps the blind prior near chance over 800 planned questions', () => {
    const schedule = buildFamilySchedule([{ family: 'relative-depth', weight: 1 }]);
    const records = Array.from({ length: 800 }, (_, index) => {
      const { question: q } = resolveSample({ seed: 5, width: 512, height: 512, schedule }, index, () => {});
      return { index, family: q.family, template_id: q.templateId, question: q.question, options: q.options, answer: q.answerLetter };
    });
    const [row] = measureBlindPrior(records);
    expect(row).toMatchObject({ family: 'relative-depth', scored: 800, chance: 0.5 });
    // 800 scored records: one standard error is 1.8 points; the unbalanced family scored ~32 points above chance.
    expect(Math.abs(row.accuracy - 0.5)).toBeLessThan(0.06);
  });
}, 120_000);
