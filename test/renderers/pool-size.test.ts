import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from '../../pipeline/config.js';
import { browsersForPages } from '../../renderers/chromium/chromium-renderer.js';

describe('renderer pool sized to the machine', () => {
  it('uses one page per core, at least 2 and at most 8', () => {
    expect(defaultConcurrency(1)).toBe(2);
    expect(defaultConcurrency(2)).toBe(2);
    expect(defaultConcurrency(6)).toBe(6);
    expect(defaultConcurrency(64)).toBe(8);
  });

  it('keeps 1 browser up to 2 pages, then one per 2 pages', () => {
    expect([1, 2, 3, 4, 5, 8].map(browsersForPages)).toEqual([1, 1, 2, 2, 3, 4]);
  });
});
