import { describe, expect, it } from 'vitest';
import { answerSlot, buildFamilySchedule, mixToCycleWeights } from '../../pipeline/plan/family-schedule.js';

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

describe('mixToCycleWeights', () => {
  it('scales real weights to the smallest integers with the same ratios, keeping order', () => {
    const w = (mix: [string, number][]) => mixToCycleWeights(mix.map(([family, weight]) => ({ family, weight }))).map((x) => x.weight);
    expect(w([['orbit', 0.4], ['ego-turn', 0.2], ['perspective', 0.2], ['relative-depth', 0.2]])).toEqual([2, 1, 1, 1]);
    expect(w([['a', 2], ['b', 6]])).toEqual([1, 3]);
    expect(w([['a', 1 / 3], ['b', 1 / 3], ['c', 1 / 3]])).toEqual([1, 1, 1]);
    expect(w([['a', 0.125], ['b', 0.5]])).toEqual([1, 4]);
    expect(w([['a', 35], ['b', 0.05]])).toEqual([700, 1]);
  });

  it('gives a schedule whose shares match the mix', () => {
    const s = buildFamilySchedule(mixToCycleWeights([{ family: 'orbit', weight: 0.4 }, { family: 'ego-turn', weight: 0.6 }]));
    const n = Array.from({ length: 1000 }, (_, i) => s.familyAt(i).family).filter((f) => f === 'orbit').length;
    expect(n).toBe(400);
  });

  it('rejects bad weights naming the family, and mixes needing a huge cycle', () => {
    expect(() => mixToCycleWeights([{ family: 'orbit', weight: 0 }])).toThrow(/"orbit" must be a positive number, got 0/);
    expect(() => mixToCycleWeights([{ family: 'elevation', weight: Number.NaN }])).toThrow(/"elevation"/);
    expect(() => mixToCycleWeights([{ family: 'a', weight: 1e-9 }, { family: 'b', weight: 1 }])).toThrow(/"a" is too small/);
    expect(() => mixToCycleWeights([{ family: 'a', weight: 0.123457 }, { family: 'b', weight: 0.876543 }])).toThrow(/cycle of 1000000/);
    expect(() => mixToCycleWeights([])).toThrow(/names no family/);
  });
});
