import { describe, expect, it } from 'vitest';
import {
  addRecordToStats,
  createStatsAccumulator,
  finishDatasetStats,
  getBinEdge,
  getBinIndex,
  getBinKey,
  HISTOGRAMS,
  isSameStats,
  type StatsMeta,
} from '../../pipeline/stats/dataset-stats.js';

function meta(over: Partial<StatsMeta> & { rel?: Partial<StatsMeta['relative']>; bytes?: [number, number] } = {}): StatsMeta {
  const { rel, bytes = [1000, 2000], ...rest } = over;
  return {
    family: 'orbit',
    stage: 'sft',
    answer: 'A',
    options: ['a', 'b', 'c', 'd'],
    has_cot: false,
    asset: { source: 'procedural' },
    relative: { delta_azimuth_deg: 10, delta_elevation_deg: 0, angle_deg: 10, baseline_m: 1, ...rel },
    images: bytes.map((b) => ({ width: 64, height: 48, bytes: b, format: 'jpeg' })),
    ...rest,
  };
}

describe('histogram bins', () => {
  it('puts a value in [lower, upper) and the maximum in the last bin', () => {
    const az = HISTOGRAMS.delta_azimuth_deg;
    expect(getBinIndex(az, -180)).toBe(0);
    expect(getBinIndex(az, -165.000001)).toBe(0);
    expect(getBinIndex(az, -165)).toBe(1);
    expect(getBinIndex(az, 0)).toBe(12);
    expect(getBinIndex(az, 180)).toBe(23);
    expect(getBinIndex(az, 180.5)).toBe(24);
    expect(getBinIndex(az, -181)).toBe(-1);
    expect(getBinIndex(HISTOGRAMS.baseline_m, 0.49)).toBe(0);
    expect(getBinIndex(HISTOGRAMS.baseline_m, 0.5)).toBe(1);
  });

  it('keys bins so that they sort in order', () => {
    const keys = Array.from({ length: 24 }, (_, i) => getBinKey(i, 24));
    expect(keys[0]).toBe('b00');
    expect(keys[23]).toBe('b23');
    expect([...keys].sort()).toEqual(keys);
    expect(Object.keys(Object.fromEntries(keys.map((k) => [k, 0])))).toEqual(keys); // not reordered as integer keys
    expect(getBinKey(5, 120)).toBe('b005');
  });

  it('computes edges without float noise', () => {
    expect(getBinEdge({ min: 0, bin_width: 0.1 }, 3)).toBe(0.3);
    expect(getBinEdge({ min: -180, bin_width: 15 }, 24)).toBe(180);
  });
});

describe('dataset stats', () => {
  it('counts samples, families, letters, CoT, assets, images and histograms', () => {
    const acc = createStatsAccumulator();
    addRecordToStats(acc, 'sft', meta({ answer: 'B', has_cot: true, rel: { delta_azimuth_deg: -180, baseline_m: 13 } }));
    addRecordToStats(acc, 'sft', meta({ answer: 'A', bytes: [500, 3000], rel: { delta_azimuth_deg: 180 } }));
    addRecordToStats(acc, 'rl', meta({ family: 'perspective', stage: 'rl', options: ['x', 'y'], answer: 'B', has_cot: true, asset: { source: 'library' } }));
    const s = finishDatasetStats(acc);
    expect(s.samples).toBe(3);
    expect(s.records).toEqual({ sft: 2, rl: 1 });
    expect(s.families).toEqual({ orbit: 2, perspective: 1 });
    expect(s.answer_letters).toEqual({ orbit: { A: 1, B: 1 }, perspective: { B: 1 } });
    expect(s.option_count).toEqual({ orbit: 4, perspective: 2 });
    expect(s.cot).toEqual({ sft_records: 2, with_cot: 1 }); // RL records carry no CoT answer
    expect(s.asset_sources).toEqual({ library: 1, procedural: 2 });
    expect(s.images).toEqual({
      count: 6,
      formats: { jpeg: 6 },
      width_px: { min: 64, max: 64, mean: 64 },
      height_px: { min: 48, max: 48, mean: 48 },
      bytes: { min: 500, max: 3000, mean: 1583.333, total: 9500 },
    });
    const az = s.histograms.delta_azimuth_deg;
    expect(az.n).toBe(3);
    expect(az.bins.b00).toBe(1);
    expect(az.bins.b23).toBe(1);
    expect(az.bins.b12).toBe(1);
    expect(az.mean).toBe(3.333);
    const base = s.histograms.baseline_m;
    expect([base.n, base.overflow, base.underflow]).toEqual([3, 1, 0]);
    expect(Object.values(base.bins).reduce((a, b) => a + b, 0)).toBe(2);
    expect(Object.keys(base.bins)).toHaveLength(24);
  });

  it('counts a sample once when it has a record of each kind (--stages both)', () => {
    const acc = createStatsAccumulator();
    addRecordToStats(acc, 'sft', meta({ has_cot: true }));
    addRecordToStats(acc, 'rl', meta({ has_cot: true })); // same sample, other kind
    const s = finishDatasetStats(acc);
    expect(s.samples).toBe(1);
    expect(s.records).toEqual({ sft: 1, rl: 1 });
    expect(s.families).toEqual({ orbit: 1 });
    expect(s.images.count).toBe(2);
    expect(s.cot).toEqual({ sft_records: 1, with_cot: 1 });
  });

  it('is zero everywhere for no records, and plain JSON', () => {
    const s = finishDatasetStats(createStatsAccumulator());
    expect(s.samples).toBe(0);
    expect(s.images.bytes).toEqual({ min: 0, max: 0, mean: 0, total: 0 });
    expect(s.histograms.rotation_angle_deg.mean).toBe(0);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('refuses a non-finite geometry value', () => {
    expect(() => addRecordToStats(createStatsAccumulator(), 'sft', meta({ rel: { angle_deg: NaN } }))).toThrow(/not finite/);
  });

  it('compares stats whatever their key order', () => {
    expect(isSameStats({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(isSameStats({ a: 1 }, { a: 2 })).toBe(false);
  });
});
