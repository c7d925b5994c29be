/**
 * `buildStatsSection(manifest, plots)`: the "Statistics" section of the dataset card — tables
 * of the numbers in `manifest.json` (`stats.distributions` and the run counters) and links to
 * the plots ({@link listStatsPlots}) by relative path. Pure: the same manifest gives the same
 * Markdown.
 *
 * Also {@link buildSourcesSection}: where the assets came from, their licences, and what
 * rendered the images (GPU or CPU software rasteriser, from the renderer string in the manifest).
 *
 * @example
 * const sections = [buildSourcesSection(manifest), buildStatsSection(manifest, listStatsPlots(manifest))];
 * buildDatasetCard(manifest, { sections });
 */
import type { CardSection } from '../card/dataset-card.js';
import type { Manifest } from '../shards/manifest.js';
import { isSoftwareRenderer } from '../../renderers/gl-mode.js';
import { HISTOGRAMS, getBinEdge, type DatasetStats, type HistogramName } from './dataset-stats.js';
import { getHistogramPlotPath, getManifestStats, listFamilies, listLetters, type StatsPlot } from './stats-plots.js';

/** Licence note per asset source. */
export const ASSET_LICENCES: Readonly<Record<string, string>> = {
  procedural:
    'objects built by viewforge from primitives with parameters drawn from the run seed; generated content, no third-party asset and no licence attached',
  library:
    'glTF/GLB files from the asset library given to the run; each keeps the licence of its source (recorded per sample when the library gives it: see "Asset licences")',
};

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function image(plots: readonly StatsPlot[], path: string): string {
  const plot = plots.find((p) => p.path === path);
  return plot === undefined ? '' : `![${plot.title}](${plot.path})`;
}

function range(r: { min: number; max: number }): string {
  return r.min === r.max ? String(r.min) : `${r.min}–${r.max}`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** "Assets and rendering" section: asset sources with counts and licences, and the renderer. */
export function buildSourcesSection(manifest: Pick<Manifest, 'stats' | 'renderer' | 'config'>): CardSection {
  const { distributions: d } = getManifestStats(manifest);
  const rows = Object.keys(d.asset_sources).map((source) => [
    source,
    d.asset_sources[source],
    ASSET_LICENCES[source] ?? 'unknown source; licence not recorded',
  ]);
  const r = manifest.renderer;
  const device = isSoftwareRenderer(r.gl_renderer) ? 'CPU (software WebGL rasteriser)' : 'GPU';
  const body = [
    table(['asset source', 'samples', 'licence'], rows),
    '',
    `Images were rendered by ${r.name} (browser ${r.browser_version || 'version unknown'}, WebGL mode \`${manifest.config.gl}\`) ` +
      `with the GL renderer "${r.gl_renderer}": ${device}. Geometry, questions and answers do not depend on the renderer; ` +
      'only image bytes (and their sha256) may differ between renderer stacks.',
  ].join('\n');
  return { title: 'Assets and rendering', body };
}

function familyTable(manifest: Pick<Manifest, 'config'>, d: DatasetStats): string {
  const families = listFamilies(manifest, d);
  const letters = listLetters(d);
  const rows = families.map((f) => {
    const optionCount = d.option_count[f] ?? 0;
    const own = letters.slice(0, optionCount).map((l) => d.answer_letters[f]?.[l] ?? 0); // the family's letters: A to its option count
    const balance = own.length === 0 || Math.min(...own) === 0 ? '–' : (Math.max(...own) / Math.min(...own)).toFixed(2);
    // A letter the family has no option for reads "·", not a count of 0 that looks like an imbalance.
    const cells = letters.map((l, i) => (i < optionCount ? (d.answer_letters[f]?.[l] ?? 0) : '·'));
    return [f, d.families[f] ?? 0, percent(d.families[f] ?? 0, d.samples), ...cells, balance];
  });
  return table(['family', 'samples', 'share', ...letters, 'max/min letter'], rows);
}

function histogramTable(d: DatasetStats): string {
  const rows = (Object.keys(HISTOGRAMS) as HistogramName[]).map((name) => {
    const h = d.histograms[name];
    return [`\`${name}\``, h.n, h.mean, `[${h.min}, ${h.max}] in bins of ${h.bin_width}`, h.underflow, h.overflow, `[plot](${getHistogramPlotPath(name)})`];
  });
  return table(['quantity', 'n', 'mean', 'fixed bins', 'below', 'above', 'plot'], rows);
}

function histogramBins(name: HistogramName, d: DatasetStats): string {
  const h = d.histograms[name];
  const keys = Object.keys(h.bins).sort();
  return keys
    .map((k, i) => [k, i] as const)
    .filter(([k]) => h.bins[k] > 0)
    .map(([k, i]) => `${getBinEdge(h, i)}…${getBinEdge(h, i + 1)}: ${h.bins[k]}`)
    .join(', ');
}

/**
 * The "Statistics" section: counts, family mix and answer-letter balance, geometry histograms,
 * re-draws and skips, CoT share, image sizes, each with its plot.
 */
export function buildStatsSection(manifest: Pick<Manifest, 'stats' | 'config' | 'counts'>, plots: readonly StatsPlot[]): CardSection {
  const { distributions: d, redraws, skipped } = getManifestStats(manifest);
  const redrawRows = Object.keys(redraws)
    .sort()
    .flatMap((family) => Object.keys(redraws[family]).sort().map((reason) => [family, reason, redraws[family][reason]]));
  const totalRedraws = redrawRows.reduce((n, r) => n + (r[2] as number), 0);
  const skipRows = Object.keys(skipped).sort().map((reason) => [reason, skipped[reason]]);
  const im = d.images;
  const body = [
    'Counted from the records themselves (`stats.distributions` in `manifest.json`: fixed bin edges, plain numbers), ' +
      'except re-draws and skips, which the run counts as it goes (`stats.redraws`). Plots are SVG files in `plots/`.',
    '',
    table(
      ['', 'value'],
      [
        ['samples (image pairs)', d.samples],
        ['SFT records', d.records.sft],
        ['RL records', d.records.rl],
        ['SFT records with `<think>` reasoning', `${d.cot.with_cot} (${percent(d.cot.with_cot, d.cot.sft_records)}; --cot-ratio ${manifest.config.cot_ratio})`],
        ['re-drawn plans (ambiguous or unusable, never written)', totalRedraws],
        ['skipped inputs', skipRows.reduce((n, r) => n + (r[1] as number), 0)],
        ['images', `${im.count} (${Object.entries(im.formats).map(([f, n]) => `${n} ${f}`).join(', ') || 'none'})`],
        ['image width × height, px', `${range(im.width_px)} × ${range(im.height_px)}`],
        ['image file size', `min ${kib(im.bytes.min)}, mean ${kib(im.bytes.mean)}, max ${kib(im.bytes.max)}, total ${kib(im.bytes.total)}`],
      ],
    ),
    '',
    '### Question families and answer letters',
    '',
    'Answer letters are balanced per family by construction: each block of k consecutive samples of a family (k = its ' +
      'number of options) puts the correct option once in every slot, in a seeded order. "max/min letter" is the ratio of ' +
      'the most to the least frequent letter among the letters of the family ("–" while a letter has not come up yet); "·" marks a letter the family has no option for.',
    '',
    familyTable(manifest, d),
    '',
    image(plots, 'plots/family-mix.svg'),
    image(plots, 'plots/answer-letters.svg'),
    '',
    '### Camera motion',
    '',
    'Per sample, from `relative` in `meta` / `extra_info`: Δ azimuth and Δ elevation are the orbit changes from view A ' +
      'to view B (degrees; positive Δ azimuth = the camera moved right as seen from view A), the rotation angle is that ' +
      'of `R_AB` (degrees), the baseline is `|C_B − C_A|` (metres).',
    '',
    histogramTable(d),
    '',
    ...(Object.keys(HISTOGRAMS) as HistogramName[]).flatMap((name) => [`- \`${name}\` bins: ${histogramBins(name, d) || 'none'}`]),
    '',
    ...(Object.keys(HISTOGRAMS) as HistogramName[]).map((name) => image(plots, getHistogramPlotPath(name))),
    '',
    '### Re-draws and skips',
    '',
    'A plan whose answer would lie within a margin of a bin edge, whose object is (near-)symmetric for the question, or ' +
      'whose object is out of frame, too small or hidden is drawn again with the next attempt number; it is never written. ' +
      'A bad input file (e.g. a corrupt asset) is skipped and counted.',
    '',
    redrawRows.length === 0 ? 'No sample was re-drawn.' : table(['family', 'reason', 're-draws'], redrawRows),
    '',
    skipRows.length === 0 ? 'No input was skipped.' : table(['reason', 'skipped'], skipRows),
    '',
    image(plots, 'plots/redraws.svg'),
    '',
    '### Chain of thought and images',
    '',
    image(plots, 'plots/cot-share.svg'),
    image(plots, 'plots/image-bytes.svg'),
  ].join('\n');
  return { title: 'Statistics', body: body.replace(/\n{3,}/g, '\n\n') };
}
