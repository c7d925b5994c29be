import { describe, expect, it } from 'vitest';
import { answerSlot, buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';

describe('buildFamilySchedule', () => {
  it('interleaves families by weight and counts each family from 0', () => {
    const s = buildFamilySchedule([
      { family: 'a', weight: 2 },
      { family: 'b', weight: 1 },
      { family: 'c', weight: 1 },
    ]);
    expect(s.cycle).toEqual(['a', 'b', 'c', 'a']);
    const got = Array.from({ length: 8 }, (_, i) => s.familyAt(i));
    expect(got).toEqual([
      { family: 'a', familyIndex: 0 },
      { family: 'b', familyIndex: 0 },
      { family: 'c', familyIndex: 0 },
      { family: 'a', familyIndex: 1 },
      { family: 'a', familyIndex: 2 },
      { family: 'b', familyIndex: 1 },
      { family: 'c', familyIndex: 1 },
      { family: 'a', familyIndex: 3 },
    ]);
  });

  it('gives every family index exactly once per family (no gaps, no repeats)', () => {
    const s = buildFamilySchedule([
      { family: 'x', weight: 3 },
      { family: 'y', weight: 5 },
    ]);
    const seen: Record<string, number[]> = { x: [], y: [] };
    for (let i = 0; i < 800; i++) {
      const f = s.familyAt(i);
      seen[f.family].push(f.familyIndex);
    }
    expect(seen.x).toEqual([...Array(300).keys()]);
    expect(seen.y).toEqual([...Array(500).keys()]);
  });

  it('rejects empty lists and non-integer weights with a message naming the family', () => {
    expect(() => buildFamilySchedule([])).toThrow(/at least one family/);
    expect(() => buildFamilySchedule([{ family: 'orbit', weight: 0.5 }])).toThrow(/"orbit"/);
  });
});

describe('answerSlot', () => {
  it('uses every slot exactly once per block of n questions', () => {
    for (const n of [2, 3, 4]) {
      for (let block = 0; block < 50; block++) {
        const slots = Array.from({ length: n }, (_, k) => answerSlot(9, 'orbit', block * n + k, n));
        expect([...slots].sort()).toEqual([...Array(n).keys()]);
      }
    }
  });

  it('is a pure function of (seed, family, index)', () => {
    expect(answerSlot(1, 'f', 17, 4)).toBe(answerSlot(1, 'f', 17, 4));
    const a = Array.from({ length: 40 }, (_, k) => answerSlot(1, 'f', k, 4)).join('');
    const b = Array.from({ length: 40 }, (_, k) => answerSlot(2, 'f', k, 4)).join('');
    expect(a).not.toBe(b);
  });
});
