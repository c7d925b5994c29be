/** The progress line's time-left estimate ignores the browser's warm-up and says "estimating…" until the rate is steady. */
import { describe, expect, it } from 'vitest';
import { EtaEstimator, formatSeconds } from '../../pipeline/progress-eta.js';

describe('EtaEstimator', () => {
  it('says estimating… until enough pairs and seconds have passed since the first pair', () => {
    const e = new EtaEstimator();
    expect(e.eta(100)).toBe('estimating…');
    e.note(1, 20_000); // the first pair took 20 s of browser start-up
    e.note(4, 21_000);
    expect(e.eta(100)).toBe('estimating…');
    e.note(11, 22_000); // 10 pairs in 2 s: still too soon
    expect(e.eta(100)).toBe('estimating…');
    e.note(16, 23_000); // 15 pairs in 3 s: 5 pairs/s
    expect(e.rate()).toBe(5);
    expect(e.eta(100)).toBe('17s'); // 84 left at 5/s, not 84 / (16 / 23 s) = 121 s
  });

  it('formats long times', () => {
    expect(formatSeconds(42)).toBe('42s');
    expect(formatSeconds(185)).toBe('3m05s');
    expect(formatSeconds(3720)).toBe('1h02m');
  });
});
