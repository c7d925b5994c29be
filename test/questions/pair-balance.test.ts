import { describe, expect, it } from 'vitest';
import {
  accumulatePairFrequencies,
  balanceFromFrequencies,
  meanAcceptance,
  pairAcceptance,
  pairKind,
  pickBalancedPair,
} from '../../pipeline/questions/pair-balance.js';
import { createRng } from '../../pipeline/rng.js';

const part = (name: string) => ({ name });
const body = part('body');
const nose = part('nose');
const fin = part('fin');

describe('pair balance', () => {
  it('names a pair kind by its sorted part names, whatever the order', () => {
    expect(pairKind(nose, body)).toBe('body + nose');
    expect(pairKind(body, nose)).toBe('body + nose');
  });

  it('thins the commoner orientation of a kind to the rarer one and drops a one-sided kind', () => {
    const freq = new Map<string, number>();
    // Scene 1: class 0 could ask body+nose or fin+nose (½ each); class 1 only fin+nose.
    accumulatePairFrequencies(freq, [[[body, nose], [fin, nose]], [[fin, nose]]]);
    // Scene 2: class 0 fin+nose; class 1 nothing.
    accumulatePairFrequencies(freq, [[[fin, nose]], []]);
    expect(freq.get('body + nose | 0')).toBe(0.5);
    expect(freq.get('fin + nose | 0')).toBe(1.5);
    expect(freq.get('fin + nose | 1')).toBe(1);
    expect(balanceFromFrequencies(freq, 2)).toEqual({
      'body + nose | 0': 0,
      'body + nose | 1': 0,
      'fin + nose | 0': 0.6667,
      'fin + nose | 1': 1,
    });
  });

  it('takes a kind the table has never seen as it comes', () => {
    expect(pairAcceptance({}, body, fin, 0)).toBe(1);
    expect(meanAcceptance({ 'body + nose | 0': 0 }, [[body, nose], [body, fin]], 0)).toBe(0.5);
    expect(meanAcceptance({}, [], 0)).toBe(0);
  });

  it('keeps then picks so that each pair is used in proportion to f × acceptance (the same as pick-then-accept)', () => {
    const balance = { 'body + nose | 0': 0.2, 'fin + nose | 0': 1 };
    const pairs = [[body, nose], [fin, nose]] as const;
    const rng = createRng(7);
    const used = new Map<string, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      if (!(rng.next() < meanAcceptance(balance, pairs, 0))) continue;
      const [a, b] = pickBalancedPair(balance, pairs, 0, rng);
      used.set(pairKind(a, b), (used.get(pairKind(a, b)) ?? 0) + 1);
    }
    // Uniform pick (½ each) then accept: 0.1 and 0.5 of the draws.
    expect((used.get('body + nose') ?? 0) / n).toBeCloseTo(0.1, 1);
    expect((used.get('fin + nose') ?? 0) / n).toBeCloseTo(0.5, 1);
  });

  it('picks uniformly when no pair has weight, and refuses an empty list', () => {
    expect(pickBalancedPair({ 'body + nose | 1': 0 }, [[body, nose]], 1, createRng(1))).toEqual([body, nose]);
    expect(() => pickBalancedPair({}, [], 0, createRng(1))).toThrow(/no pair/);
  });
});
