import { describe, expect, it } from 'vitest';
import { ConfigError, RUN_DEFAULTS, parseMix, validateConfig } from '../pipeline/config.js';
import { listFamilyNames, SCENE_FAMILY_NAMES } from '../pipeline/questions/index.js';

const KNOWN = listFamilyNames();
const valid = (over: Record<string, unknown> = {}) => validateConfig({ ...RUN_DEFAULTS, ...over }, KNOWN);

describe('run config', () => {
  it('defaults to every single-object family, equal shares, each sample in its family\'s stage', () => {
    expect(RUN_DEFAULTS.families).toEqual(KNOWN.filter((f) => !SCENE_FAMILY_NAMES.includes(f)));
    expect(RUN_DEFAULTS.scene).toBe('single');
    expect(RUN_DEFAULTS.mix).toBeNull();
    expect(RUN_DEFAULTS.stages).toBe('family');
    expect(valid()).toMatchObject({ stages: 'family', mix: null });
    expect(valid({ stages: 'both' }).stages).toBe('both');
  });

  it('parses --mix text in order, naming a bad entry', () => {
    expect(parseMix('orbit=0.4, ego-turn=0.2,perspective=0.4')).toEqual({ orbit: 0.4, 'ego-turn': 0.2, perspective: 0.4 });
    expect(Object.keys(parseMix('perspective=1,orbit=2'))).toEqual(['perspective', 'orbit']);
    expect(() => parseMix('orbit')).toThrow(/entry "orbit" is not family=weight/);
    expect(() => parseMix('orbit=abc')).toThrow(/weight of "orbit" must be a positive number, got "abc"/);
    expect(() => parseMix('orbit=-1')).toThrow(/weight of "orbit" must be a positive number, got "-1"/);
    expect(() => parseMix('orbit=1,orbit=2')).toThrow(/names family "orbit" twice/);
    expect(() => parseMix('')).toThrow(ConfigError);
  });

  it('checks the mix against the families and the registry', () => {
    const families = ['orbit', 'ego-turn'];
    expect(valid({ families, mix: { orbit: 0.4, 'ego-turn': 0.6 } }).mix).toEqual({ orbit: 0.4, 'ego-turn': 0.6 });
    expect(() => valid({ families, mix: { orbit: 1, 'ego-turn': 1, spin: 1 } })).toThrow(/"mix" has unknown family "spin"/);
    expect(() => valid({ families, mix: { orbit: 1, 'ego-turn': 1, perspective: 1 } })).toThrow(/"mix" gives family "perspective" a weight but "families" does not list it/);
    expect(() => valid({ families, mix: { orbit: 1 } })).toThrow(/family "ego-turn" is in "families" but has no weight in "mix"/);
    expect(() => valid({ families, mix: { orbit: 1, 'ego-turn': -2 } })).toThrow(/"mix" weight of "ego-turn" must be > 0, got -2/);
    expect(() => valid({ families, mix: { orbit: 0.123457, 'ego-turn': 0.876543 } })).toThrow(/"mix": .*cycle/);
    expect(() => valid({ stages: 'sometimes' })).toThrow(/"stages"/);
    try {
      valid({ families, mix: { orbit: 1 } });
    } catch (err) {
      expect((err as ConfigError).key).toBe('mix');
    }
  });
});
