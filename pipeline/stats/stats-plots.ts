/**
 * The data set's plots: SVG bar charts and histograms ({@link barChartSvg}) drawn from the
 * manifest's stats, written as `<out>/plots/*.svg` and linked from the dataset card.
 *
 * {@link listStatsPlots} is pure (manifest in, SVG text out); {@link writeStatsPlots} writes
 * them. Plots, in this order:
 *
 * | file | what |
 * | --- | --- |
 * | `plots/family-mix.svg` | samples per question family |
 * | `plots/answer-letters.svg` | answer letters per family (balance) |
 * | `plots/delta-azimuth.svg` | histogram of Δ azimuth B − A |
 * | `plots/delta-elevation.svg` | histogram of Δ elevation B − A |
 * | `plots/rotation-angle.svg` | histogram of the rotation angle of R_AB |
 * | `plots/baseline.svg` | histogram of the baseline \|C_B − C_A\| |
 * | `plots/redraws.svg` | re-draws by family and reason, and skips by reason |
 * | `plots/cot-share.svg` | SFT records with and without `<think>` |
 * | `plots/image-bytes.svg` | image file size: min, mean, max |
 *
 * @example
 * const plots = listStatsPlots(manifest);
 * await writeStatsPlots(outDir, plots);
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Counters, Manifest } from '../shards/manifest.js';
import { writeFileAtomic } from '../shards/seal-file.js';
import { getBinEdge, HISTOGRAMS, type DatasetStats, type HistogramName } from './dataset-stats.js';
import { barChartSvg } from './svg-chart.js';

const NAME = 'statsPlots';

/** Folder of the plots, relative to the output root. */
export const PLOTS_DIR = 'plots';

/** One plot: where it goes, what it shows, and its SVG text. */
export interface StatsPlot {
  /** Path relative to the output root, e.g. `plots/family-mix.svg`. */
  path: string;
  title: string;
  svg: string;
}

/** The manifest stats a plot or the card reads: run counters plus `distributions`. */
export interface ManifestStatsView {
  distributions: DatasetStats;
  /** Re-draws per family and reason (run counters). */
  redraws: Record<string, Record<string, number>>;
  /** Skipped inputs per reason (e.g. bad asset files), when the run counts them. */
  skipped: Record<string, number>;
}

function isCounters(v: unknown): v is Counters {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flattens nested counters into `{ "a · b": n }` (one level of nesting joined by " · "). */
function flatten(c: Counters, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix} · ${k}` : k;
    if (typeof v === 'number') out[key] = v;
    else Object.assign(out, flatten(v, key));
  }
  return out;
}

/**
 * The stats of `manifest` that plots and the card read.
 * @throws Error when the manifest has no `stats.distributions` (a manifest written before it existed).
 */
export function getManifestStats(manifest: Pick<Manifest, 'stats'>): ManifestStatsView {
  const { distributions, redraws, skipped } = manifest.stats;
  if (!isCounters(distributions) || !isCounters(distributions.histograms)) {
    throw new Error(`${NAME}: manifest.json has no stats.distributions; rebuild the data set with this version of viewforge`);
  }
  const byFamily: Record<string, Record<string, number>> = {};
  if (isCounters(redraws)) {
    for (const [family, reasons] of Object.entries(redraws)) byFamily[family] = isCounters(reasons) ? flatten(reasons) : { all: reasons };
  }
  return {
    distributions: distributions as unknown as DatasetStats,
    redraws: byFamily,
    skipped: isCounters(skipped) ? flatten(skipped) : typeof skipped === 'number' ? { all: skipped } : {},
  };
}

/** Families in the configured order, then any others found in the stats (sorted). */
export function listFamilies(manifest: Pick<Manifest, 'config'>, d: DatasetStats): string[] {
  const known = manifest.config.families.filter((f) => Object.hasOwn(d.families, f) || Object.hasOwn(d.answer_letters, f));
  const extra = Object.keys(d.families).filter((f) => !known.includes(f)).sort();
  return [...known, ...extra];
}

/** The answer letters of the family with the most options: A, B, … */
export function listLetters(d: DatasetStats): string[] {
  const most = Math.max(1, ...Object.values(d.option_count));
  return Array.from({ length: most }, (_, i) => String.fromCharCode(65 + i));
}

/** File names (without folder) of the histogram plots. */
const HISTOGRAM_FILES: Record<HistogramName, { file: string; title: string }> = {
  delta_azimuth_deg: { file: 'delta-azimuth.svg', title: 'Azimuth change between the views' },
  delta_elevation_deg: { file: 'delta-elevation.svg', title: 'Elevation change between the views' },
  rotation_angle_deg: { file: 'rotation-angle.svg', title: 'Relative rotation angle' },
  baseline_m: { file: 'baseline.svg', title: 'Baseline between the camera centres' },
};

/** Path of the plot of histogram `name`. */
export function getHistogramPlotPath(name: HistogramName): string {
  return `${PLOTS_DIR}/${HISTOGRAM_FILES[name].file}`;
}

function histogramPlot(name: HistogramName, d: DatasetStats): StatsPlot {
  const h = d.histograms[name];
  const keys = Object.keys(h.bins).sort();
  const edges = Array.from({ length: keys.length + 1 }, (_, i) => getBinEdge(h, i));
  const outside = [h.underflow > 0 ? `${h.underflow} below ${h.min}` : '', h.overflow > 0 ? `${h.overflow} above ${h.max}` : ''].filter(Boolean);
  const { file, title } = HISTOGRAM_FILES[name];
  return {
    path: `${PLOTS_DIR}/${file}`,
    title,
    svg: barChartSvg({
      title,
      xLabel: HISTOGRAMS[name].label,
      yLabel: 'samples',
      categories: keys.map((k, i) => `${edges[i]} to ${edges[i + 1]}`),
      series: [{ name: 'samples', values: keys.map((k) => h.bins[k]) }],
      edges,
      note: [`n = ${h.n}, mean ${h.mean}`, ...outside].join(', '),
    }),
  };
}

/** Every plot of the data set, in the order of the file header (pure). */
export function listStatsPlots(manifest: Pick<Manifest, 'stats' | 'config'>): StatsPlot[] {
  const { distributions: d, redraws, skipped } = getManifestStats(manifest);
  const families = listFamilies(manifest, d);
  const letters = listLetters(d);
  const plots: StatsPlot[] = [];
  plots.push({
    path: `${PLOTS_DIR}/family-mix.svg`,
    title: 'Question family mix',
    svg: barChartSvg({
      title: 'Question family mix',
      xLabel: 'question family',
      yLabel: 'samples',
      categories: families,
      series: [{ name: 'samples', values: families.map((f) => d.families[f] ?? 0) }],
      note: `n = ${d.samples}`,
    }),
  });
  plots.push({
    path: `${PLOTS_DIR}/answer-letters.svg`,
    title: 'Answer letters per family',
    svg: barChartSvg({
      title: 'Answer letters per family',
      xLabel: 'question family',
      yLabel: 'samples',
      categories: families,
      series: letters.map((l) => ({ name: l, values: families.map((f) => d.answer_letters[f]?.[l] ?? 0) })),
    }),
  });
  for (const name of Object.keys(HISTOGRAMS) as HistogramName[]) plots.push(histogramPlot(name, d));
  const redrawRows = Object.keys(redraws)
    .sort()
    .flatMap((family) => Object.keys(redraws[family]).sort().map((reason) => [`${family}: ${reason}`, redraws[family][reason]] as const));
  const skipRows = Object.keys(skipped).sort().map((reason) => [`skipped: ${reason}`, skipped[reason]] as const);
  const rows = [...redrawRows, ...skipRows];
  const totalRedraws = redrawRows.reduce((n, [, v]) => n + v, 0);
  const totalSkips = skipRows.reduce((n, [, v]) => n + v, 0);
  plots.push({
    path: `${PLOTS_DIR}/redraws.svg`,
    title: 'Re-draws and skips by reason',
    svg: barChartSvg({
      title: 'Re-draws and skips by reason',
      xLabel: rows.length === 0 ? 'none: no sample was re-drawn and no input skipped' : 'family: reason',
      yLabel: 'count',
      categories: rows.map(([k]) => k),
      series: [{ name: 'count', values: rows.map(([, v]) => v) }],
      note: `${totalRedraws} re-draw${totalRedraws === 1 ? '' : 's'}, ${totalSkips} skip${totalSkips === 1 ? '' : 's'}`,
    }),
  });
  plots.push({
    path: `${PLOTS_DIR}/cot-share.svg`,
    title: 'Chain-of-thought share (SFT)',
    svg: barChartSvg({
      title: 'Chain-of-thought share (SFT)',
      xLabel: 'assistant answer',
      yLabel: 'SFT records',
      categories: ['<think>…</think><answer>', '<answer> only'],
      series: [{ name: 'SFT records', values: [d.cot.with_cot, d.cot.sft_records - d.cot.with_cot] }],
      note: `${d.cot.with_cot} of ${d.cot.sft_records} SFT records carry reasoning`,
    }),
  });
  const kib = (b: number) => Number((b / 1024).toFixed(1));
  const bytes = d.images.bytes;
  plots.push({
    path: `${PLOTS_DIR}/image-bytes.svg`,
    title: 'Image file size',
    svg: barChartSvg({
      title: 'Image file size',
      xLabel: `over ${d.images.count} images (${Object.keys(d.images.formats).join(', ') || 'none'})`,
      yLabel: 'KiB',
      categories: ['min', 'mean', 'max'],
      series: [{ name: 'KiB', values: [kib(bytes.min), kib(bytes.mean), kib(bytes.max)] }],
      note: `total ${kib(bytes.total)} KiB`,
    }),
  });
  return plots;
}

/**
 * Writes each plot to `<outDir>/<plot.path>` atomically (the `plots/` folder is created);
 * temporary files left in `plots/` by an interrupted earlier attempt are removed first.
 */
export async function writeStatsPlots(outDir: string, plots: readonly StatsPlot[]): Promise<void> {
  const dir = join(outDir, PLOTS_DIR);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) if (/\.tmp-\d+-\d+$/.test(name)) await rm(join(dir, name), { force: true });
  for (const plot of plots) await writeFileAtomic(join(outDir, plot.path), plot.svg);
}
