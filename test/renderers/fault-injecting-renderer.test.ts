import { describe, expect, it } from 'vitest';
import { parseRenderFaults } from '../../renderers/chromium/fault-injecting-renderer.js';

describe('parseRenderFaults', () => {
  it('reads any subset of the faults, in any order', () => {
    expect(parseRenderFaults('crash-every=4,hang-every=7,kill-browser-every=11')).toEqual({ crashEvery: 4, hangEvery: 7, killBrowserEvery: 11 });
    expect(parseRenderFaults(' hang-every=2 ')).toEqual({ hangEvery: 2 });
    expect(parseRenderFaults('')).toEqual({});
  });

  it('names a bad part', () => {
    expect(() => parseRenderFaults('crash-every=0')).toThrow(/got "crash-every=0"/);
    expect(() => parseRenderFaults('explode-every=3')).toThrow(/expected "crash-every\|hang-every\|kill-browser-every=<k ≥ 1>" separated by commas, got "explode-every=3"/);
  });
});
