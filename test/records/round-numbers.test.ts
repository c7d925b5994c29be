import { describe, expect, it } from 'vitest';
import { roundMatrix, roundTo, roundVector } from '../../pipeline/records/round-numbers.js';

describe('roundTo', () => {
  it('rounds to a fixed number of decimals', () => {
    expect(roundTo(1 / 3, 9)).toBe(0.333333333);
    expect(roundTo(0.1 + 0.2, 9)).toBe(0.3);
    expect(roundTo(42.123456789, 6)).toBe(42.123457);
    expect(roundTo(-1.2345678, 6)).toBe(-1.234568);
    expect(Object.is(roundTo(-2.5e-7, 6), 0)).toBe(true);
    expect(roundTo(123456.5, 0)).toBe(123457);
  });

  it('turns -0 into 0', () => {
    expect(Object.is(roundTo(-0, 9), 0)).toBe(true);
    expect(Object.is(roundTo(-1e-12, 9), 0)).toBe(true);
    expect(JSON.stringify(roundVector([-0, -1e-15, 1], 9))).toBe('[0,0,1]');
  });

  it('gives compact JSON', () => {
    expect(JSON.stringify(roundMatrix([[1 / 3, 2 / 3], [Math.SQRT1_2, 1e-20]], 9))).toBe('[[0.333333333,0.666666667],[0.707106781,0]]');
  });

  it('rejects numbers JSON cannot hold', () => {
    expect(() => roundTo(Number.NaN, 9)).toThrow(/finite/);
    expect(() => roundTo(Number.POSITIVE_INFINITY, 9)).toThrow(/finite/);
    expect(() => roundTo(1, 1.5)).toThrow(/decimals/);
  });
});
