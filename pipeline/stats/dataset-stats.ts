/**
 * Distribution statistics of a data set, computed from its records: what goes into
 * `manifest.json` under `stats.distributions` and what the plots and the dataset card show.
 *
 * Everything here is counted from the records as written (never from timing), and every number
 * is a plain integer or a float rounded to {@link MEAN_DECIMALS} places, so the result is a pure
 * function of the record bytes and of the order in which they are added
 * ({@link readDatasetStats} always adds them in shard order). It fits the manifest's `stats`
 * counters object: numbers and nested objects only, no arrays. Histogram bins are therefore
 * objects keyed by `b` and a zero-padded bin number (`"b00"`, `"b01"`, …), which keeps them in
 * order when the manifest sorts its keys; bin `i` covers `[min + i·bin_width, min + (i+1)·bin_width)`, and
 * the last bin also takes a value equal to `max`.
 *
 * Samples and records: with `--stages both` a sample has an SFT and an RL record. Per-sample
 * statistics (family mix, answer letters, geometry histograms, images, assets) count each sample
 * once, from the record whose kind equals its family's stage (`meta.stage`); record counts and the
 * CoT share count records (the CoT share over SFT records only, the only ones that carry it).
 *
 * @example
 * const acc = createStatsAccumulator();
 * addRecordToStats(acc, 'sft', record.meta);
 * const stats = finishDatasetStats(acc); // → manifest.stats.distributions
 */
import { roundTo } from '../records/round-numbers.js';

const NAME = 'datasetStats';

/** Decimal places of the means written in the stats. */
export const MEAN_DECIMALS = 3;

/** Fixed bin edges of one histogram. */
export interface HistogramSpec {
  /** Lower edge of the first bin. */
  min: number;
  /** Upper edge of the last bin. */
  max: number;
  /** Width of every bin; `(max − min) / binWidth` must be a whole number. */
  binWidth: number;
  /** Axis label of the plot (with unit). */
  label: string;
}

/**
 * The histograms, keyed as written. Edges are fixed (not fitted to the data), so two data sets
 * can be compared bin by bin. `delta_azimuth_deg` and `delta_elevation_deg` are the orbit changes
 * B − A (`relative.delta_azimuth_deg`, `.delta_elevation_deg`) of the samples whose camera centre
 * moved (`baseline_m` > 0; the others are 0 by construction), `rotation_angle_deg` the angle of
 * `R_AB` (`relative.angle_deg`), `baseline_m` the distance between the camera centres
 * (`relative.baseline_m`).
 */
export const HISTOGRAMS = {
  delta_azimuth_deg: { min: -180, max: 180, binWidth: 15, label: 'Δ azimuth B − A (degrees; samples whose camera moved)' },
  delta_elevation_deg: { min: -90, max: 90, binWidth: 10, label: 'Δ elevation B − A (degrees; samples whose camera moved)' },
  rotation_angle_deg: { min: 0, max: 180, binWidth: 10, label: 'rotation angle of R_AB (degrees)' },
  baseline_m: { min: 0, max: 12, binWidth: 0.5, label: 'baseline |C_B − C_A| (metres)' },
} as const satisfies Record<string, HistogramSpec>;

/** Name of one of the {@link HISTOGRAMS}. */
export type HistogramName = keyof typeof HISTOGRAMS;

/** A histogram as written in the stats. */
export interface HistogramStats {
  min: number;
  max: number;
  bin_width: number;
  /** Values counted, including under- and overflow. */
  n: number;
  /** Values below `min`. */
  underflow: number;
  /** Values above `max`. */
  overflow: number;
  /** Mean of all values (0 when `n` is 0), rounded to {@link MEAN_DECIMALS} places. */
  mean: number;
  /** Count per bin, keyed by {@link getBinKey} (`b00`, `b01`, …; see the file header). */
  bins: Record<string, number>;
}

/** Smallest, largest and mean of one quantity. */
export interface RangeStats {
  min: number;
  max: number;
  /** Rounded to {@link MEAN_DECIMALS} places; 0 when nothing was counted. */
  mean: number;
}

/** {@link RangeStats} and the total. */
export interface TotalStats extends RangeStats {
  total: number;
}

/** The distribution statistics (manifest `stats.distributions`). */
export interface DatasetStats {
  /** Samples (image pairs). */
  samples: number;
  /** Records per kind (`sft`, `rl`); a sample may have one of each (`--stages both`). */
  records: { sft: number; rl: number };
  /** Samples per question family. */
  families: Record<string, number>;
  /** Samples per family and answer letter. */
  answer_letters: Record<string, Record<string, number>>;
  /** Options per question, per family (the most seen). */
  option_count: Record<string, number>;
  /** SFT records, and those whose answer carries `<think>…</think>`. */
  cot: { sft_records: number; with_cot: number };
  /** Samples per asset source (`procedural`, `library`). */
  asset_sources: Record<string, number>;
  /** Every image of every sample (two per sample). */
  images: {
    count: number;
    formats: Record<string, number>;
    width_px: RangeStats;
    height_px: RangeStats;
    bytes: TotalStats;
  };
  histograms: Record<HistogramName, HistogramStats>;
}

/** The part of a record's `meta` / `extra_info` the stats read. */
export interface StatsMeta {
  family: string;
  stage: string;
  answer: string;
  options: readonly unknown[];
  has_cot: boolean | null;
  asset: { source: string };
  relative: { delta_azimuth_deg: number; delta_elevation_deg: number; angle_deg: number; baseline_m: number };
  images: readonly { width: number; height: number; bytes: number; format: string }[];
}

interface RangeAcc {
  n: number;
  min: number;
  max: number;
  total: number;
}

interface HistogramAcc {
  spec: HistogramSpec;
  counts: number[];
  underflow: number;
  overflow: number;
  n: number;
  sum: number;
}

/** Running state of {@link addRecordToStats}; create with {@link createStatsAccumulator}. */
export interface StatsAccumulator {
  samples: number;
  records: { sft: number; rl: number };
  families: Map<string, number>;
  letters: Map<string, Map<string, number>>;
  optionCount: Map<string, number>;
  cot: { sft_records: number; with_cot: number };
  assetSources: Map<string, number>;
  imageCount: number;
  formats: Map<string, number>;
  width: RangeAcc;
  height: RangeAcc;
  bytes: RangeAcc;
  histograms: Record<HistogramName, HistogramAcc>;
}

function binCount(spec: HistogramSpec): number {
  const n = Math.round((spec.max - spec.min) / spec.binWidth);
  if (!(n >= 1) || Math.abs(n * spec.binWidth - (spec.max - spec.min)) > 1e-9) {
    throw new RangeError(`${NAME}: bins of width ${spec.binWidth} do not tile [${spec.min}, ${spec.max}]`);
  }
  return n;
}

/** A fresh accumulator (no records). */
export function createStatsAccumulator(): StatsAccumulator {
  const range = (): RangeAcc => ({ n: 0, min: 0, max: 0, total: 0 });
  const histograms = {} as Record<HistogramName, HistogramAcc>;
  for (const [name, spec] of Object.entries(HISTOGRAMS) as [HistogramName, HistogramSpec][]) {
    histograms[name] = { spec, counts: new Array<number>(binCount(spec)).fill(0), underflow: 0, overflow: 0, n: 0, sum: 0 };
  }
  return {
    samples: 0,
    records: { sft: 0, rl: 0 },
    families: new Map(),
    letters: new Map(),
    optionCount: new Map(),
    cot: { sft_records: 0, with_cot: 0 },
    assetSources: new Map(),
    imageCount: 0,
    formats: new Map(),
    width: range(),
    height: range(),
    bytes: range(),
    histograms,
  };
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function addToRange(acc: RangeAcc, value: number): void {
  acc.min = acc.n === 0 ? value : Math.min(acc.min, value);
  acc.max = acc.n === 0 ? value : Math.max(acc.max, value);
  acc.total += value;
  acc.n++;
}

/**
 * Index of the bin of `value` under `spec`: −1 below `min`, `bins` above `max`; `max` itself
 * falls in the last bin.
 */
export function getBinIndex(spec: HistogramSpec, value: number): number {
  const bins = binCount(spec);
  if (value < spec.min) return -1;
  if (value > spec.max) return bins;
  return Math.min(bins - 1, Math.floor((value - spec.min) / spec.binWidth));
}

function addToHistogram(acc: HistogramAcc, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${NAME}: histogram value ${value} is not finite`);
  const i = getBinIndex(acc.spec, value);
  if (i < 0) acc.underflow++;
  else if (i >= acc.counts.length) acc.overflow++;
  else acc.counts[i]++;
  acc.n++;
  acc.sum += value;
}

/**
 * Adds one record, given its kind (`sft` or `rl`) and its `meta` (SFT) / `extra_info` (RL).
 * See the file header for what counts per record and what per sample.
 */
export function addRecordToStats(acc: StatsAccumulator, kind: 'sft' | 'rl', meta: StatsMeta): void {
  acc.records[kind]++;
  if (kind === 'sft') {
    acc.cot.sft_records++;
    if (meta.has_cot) acc.cot.with_cot++;
  }
  if (meta.stage !== kind) return; // the sample's other record (--stages both) counts it
  acc.samples++;
  bump(acc.families, meta.family);
  let letters = acc.letters.get(meta.family);
  if (letters === undefined) acc.letters.set(meta.family, (letters = new Map()));
  bump(letters, meta.answer);
  acc.optionCount.set(meta.family, Math.max(acc.optionCount.get(meta.family) ?? 0, meta.options.length));
  bump(acc.assetSources, meta.asset.source);
  for (const image of meta.images) {
    acc.imageCount++;
    bump(acc.formats, image.format);
    addToRange(acc.width, image.width);
    addToRange(acc.height, image.height);
    addToRange(acc.bytes, image.bytes);
  }
  const r = meta.relative;
  // Orbit changes mean something only when the camera centre moved: a camera that turned on the
  // spot (ego-turn) or watched the object turn (object-rotation) has Δazimuth = Δelevation = 0 by
  // construction, which would pile up in one bin as a spurious spike.
  if (r.baseline_m > 0) {
    addToHistogram(acc.histograms.delta_azimuth_deg, r.delta_azimuth_deg);
    addToHistogram(acc.histograms.delta_elevation_deg, r.delta_elevation_deg);
  }
  addToHistogram(acc.histograms.rotation_angle_deg, r.angle_deg);
  addToHistogram(acc.histograms.baseline_m, r.baseline_m);
}

function sortedObject<T>(map: Map<string, T>): Record<string, T> {
  return Object.fromEntries([...map.keys()].sort().map((k) => [k, map.get(k)!]));
}

function mean(total: number, n: number): number {
  return n === 0 ? 0 : roundTo(total / n, MEAN_DECIMALS);
}

function finishRange(acc: RangeAcc): RangeStats {
  return { min: acc.min, max: acc.max, mean: mean(acc.total, acc.n) };
}

/**
 * Key of bin `i` of a histogram with `bins` bins: `b` and the zero-padded bin number (`b00`,
 * `b01`, …), so keys sort in bin order. (A bare number such as `"10"` would not do: JavaScript
 * and JSON readers put integer-like keys first, out of order with `"00"`–`"09"`.)
 */
export function getBinKey(i: number, bins: number): string {
  return `b${String(i).padStart(Math.max(2, String(bins - 1).length), '0')}`;
}

function finishHistogram(acc: HistogramAcc): HistogramStats {
  const bins = Object.fromEntries(acc.counts.map((c, i) => [getBinKey(i, acc.counts.length), c]));
  return {
    min: acc.spec.min,
    max: acc.spec.max,
    bin_width: acc.spec.binWidth,
    n: acc.n,
    underflow: acc.underflow,
    overflow: acc.overflow,
    mean: mean(acc.sum, acc.n),
    bins,
  };
}

/** The statistics of everything added so far (plain data; maps written with sorted keys). */
export function finishDatasetStats(acc: StatsAccumulator): DatasetStats {
  const histograms = {} as Record<HistogramName, HistogramStats>;
  for (const name of Object.keys(HISTOGRAMS) as HistogramName[]) histograms[name] = finishHistogram(acc.histograms[name]);
  return {
    samples: acc.samples,
    records: { ...acc.records },
    families: sortedObject(acc.families),
    answer_letters: sortedObject(new Map([...acc.letters].map(([f, m]) => [f, sortedObject(m)]))),
    option_count: sortedObject(acc.optionCount),
    cot: { ...acc.cot },
    asset_sources: sortedObject(acc.assetSources),
    images: {
      count: acc.imageCount,
      formats: sortedObject(acc.formats),
      width_px: finishRange(acc.width),
      height_px: finishRange(acc.height),
      bytes: { ...finishRange(acc.bytes), total: acc.bytes.total },
    },
    histograms,
  };
}

/** Lower edge of bin `i` of `h` (upper edge: `getBinEdge(h, i + 1)`), without float noise. */
export function getBinEdge(h: Pick<HistogramStats, 'min' | 'bin_width'>, i: number): number {
  return roundTo(h.min + i * h.bin_width, 9);
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]));
}

/**
 * Whether two stats objects hold the same numbers, whatever their key order (the manifest writes
 * its stats with sorted keys).
 */
export function isSameStats(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
}
