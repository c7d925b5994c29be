/**
 * `barChartSvg(spec)`: a small, dependency-free SVG bar chart (one or more series of bars over
 * categories) with axes, tick labels, axis titles, a title and a legend. Used for the data set's
 * plots (`<out>/plots/*.svg`), which any browser or Markdown viewer shows without scripts.
 *
 * Histograms are bar charts whose categories are bins: pass `edges` (one more than the
 * categories) and the x axis is labelled at the bin edges instead of under each bar.
 *
 * Output is deterministic: the same spec gives the same bytes (coordinates written with fixed
 * decimals, colours from a fixed palette, text in the generic `sans-serif` family so no font is
 * loaded). All text is XML-escaped.
 *
 * CONTRIBUTOR NOTES
 * - A charting library (Vega, Chart.js, D3) would need either a browser or a DOM shim to render
 *   to SVG and brings many dependencies; a handful of rectangles and lines is all these plots need.
 *
 * @example
 * const svg = barChartSvg({
 *   title: 'Family mix', xLabel: 'family', yLabel: 'samples',
 *   categories: ['orbit', 'elevation'], series: [{ name: 'samples', values: [10, 6] }],
 * });
 */

/** One series of bars (one value per category). */
export interface ChartSeries {
  name: string;
  values: readonly number[];
}

export interface BarChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Category labels, left to right. */
  categories: readonly string[];
  /** Bars per category, side by side, in this order; a legend is drawn when there are several. */
  series: readonly ChartSeries[];
  /**
   * Bin edges of a histogram (`categories.length + 1` numbers): the x axis is then labelled at
   * the edges, not under each bar, and bars touch.
   */
  edges?: readonly number[];
  /** Text drawn at the top right under the title (e.g. "n = 48, 2 above 12"). */
  note?: string;
  /** @default 640 */
  width?: number;
  /** @default 360 */
  height?: number;
}

/** Chart defaults. */
export const BAR_CHART_DEFAULTS = { width: 640, height: 360 } as const;

/** Okabe–Ito colours (distinguishable with the common colour-vision deficiencies). */
export const PALETTE: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

const NAME = 'barChartSvg';
const FONT = 'font-family="sans-serif"';

/** Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A coordinate with at most one decimal, without a trailing `.0`. */
function px(n: number): string {
  const s = (Math.round(n * 10) / 10).toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** A tick label: integers plainly, other numbers with up to 3 significant decimals. */
export function formatTick(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(3)));
}

/**
 * Tick step and top of a y axis from 0 to at least `max`: 1, 2 or 5 × 10^k, about `ticks` ticks,
 * the step at least `minStep` (1 for counts, so no tick reads 0.2 samples).
 */
export function getNiceScale(max: number, ticks = 5, minStep = 0): { step: number; top: number } {
  if (!(max > 0)) return { step: 1, top: 1 };
  const raw = Math.max(max / ticks, minStep);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const stepClean = Number(step.toPrecision(12));
  return { step: stepClean, top: Number((Math.ceil(max / stepClean) * stepClean).toPrecision(12)) };
}

function checkSpec(spec: BarChartSpec): void {
  if (spec.series.length === 0) throw new TypeError(`${NAME}: expected at least one series`);
  for (const s of spec.series) {
    if (s.values.length !== spec.categories.length) {
      throw new TypeError(`${NAME}: series "${s.name}" has ${s.values.length} values for ${spec.categories.length} categories`);
    }
    for (const v of s.values) if (!Number.isFinite(v) || v < 0) throw new RangeError(`${NAME}: series "${s.name}" has value ${v}; expected finite numbers ≥ 0`);
  }
  if (spec.edges !== undefined && spec.edges.length !== spec.categories.length + 1) {
    throw new TypeError(`${NAME}: expected ${spec.categories.length + 1} edges for ${spec.categories.length} bins, got ${spec.edges.length}`);
  }
}

/** Renders `spec` as a standalone SVG document (UTF-8 text ending with a newline); see the file header. */
export function barChartSvg(spec: BarChartSpec): string {
  checkSpec(spec);
  const width = spec.width ?? BAR_CHART_DEFAULTS.width;
  const height = spec.height ?? BAR_CHART_DEFAULTS.height;
  const n = spec.categories.length;
  const histogram = spec.edges !== undefined;
  const longest = Math.max(0, ...spec.categories.map((c) => c.length));
  const rotate = !histogram && (longest * 6.5 > (width - 80) / Math.max(1, n) || n > 16);
  const bottom = rotate ? 40 + Math.min(110, longest * 5) : 56;
  const legend = spec.series.length > 1;
  const m = { left: 64, right: 16, top: spec.note ? 52 : 40, bottom: bottom + (legend ? 20 : 0) };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const maxValue = Math.max(0, ...spec.series.flatMap((s) => s.values));
  const counts = spec.series.every((s) => s.values.every((v) => Number.isInteger(v)));
  const { step, top } = getNiceScale(maxValue, 5, counts ? 1 : 0);
  const y = (v: number) => m.top + plotH - (v / top) * plotH;
  const slot = plotW / Math.max(1, n);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${px(width / 2)}" y="22" text-anchor="middle" ${FONT} font-size="15" font-weight="bold" fill="#222">${escapeXml(spec.title)}</text>`,
  );
  if (spec.note) out.push(`<text x="${px(width - m.right)}" y="40" text-anchor="end" ${FONT} font-size="11" fill="#555">${escapeXml(spec.note)}</text>`);
  // --- y axis: grid lines and tick labels
  const tickCount = Math.round(top / step);
  for (let k = 0; k <= tickCount; k++) {
    const v = Number((k * step).toPrecision(12));
    const yy = px(y(v));
    out.push(
      `<line x1="${m.left}" y1="${yy}" x2="${px(m.left + plotW)}" y2="${yy}" stroke="${v === 0 ? '#333' : '#ddd'}" stroke-width="1"/>`,
      `<text x="${m.left - 6}" y="${yy}" dy="0.32em" text-anchor="end" ${FONT} font-size="11" fill="#333">${formatTick(v)}</text>`,
    );
  }
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${px(m.top + plotH)}" stroke="#333" stroke-width="1"/>`);
  // --- bars
  const groupW = histogram ? slot : slot * 0.8;
  const barW = groupW / spec.series.length;
  spec.series.forEach((s, si) => {
    const colour = PALETTE[si % PALETTE.length];
    s.values.forEach((v, i) => {
      if (v === 0) return;
      const x = m.left + i * slot + (slot - groupW) / 2 + si * barW;
      const inset = histogram ? 0.5 : 0;
      out.push(
        `<rect x="${px(x + inset)}" y="${px(y(v))}" width="${px(Math.max(0.5, barW - 2 * inset))}" height="${px(y(0) - y(v))}" fill="${colour}"><title>${escapeXml(`${spec.categories[i]}${spec.series.length > 1 ? ` · ${s.name}` : ''}: ${formatTick(v)}`)}</title></rect>`,
      );
    });
  });
  // --- x axis labels
  const axisY = m.top + plotH;
  if (histogram) {
    const edges = spec.edges!;
    const every = Math.max(1, Math.ceil((edges.length * 34) / plotW));
    edges.forEach((e, i) => {
      if (i % every !== 0 && i !== edges.length - 1) return;
      const x = px(m.left + i * slot);
      out.push(
        `<line x1="${x}" y1="${px(axisY)}" x2="${x}" y2="${px(axisY + 4)}" stroke="#333" stroke-width="1"/>`,
        `<text x="${x}" y="${px(axisY + 16)}" text-anchor="middle" ${FONT} font-size="11" fill="#333">${escapeXml(formatTick(e))}</text>`,
      );
    });
  } else {
    spec.categories.forEach((c, i) => {
      const x = m.left + (i + 0.5) * slot;
      out.push(
        rotate
          ? `<text x="${px(x)}" y="${px(axisY + 12)}" transform="rotate(-40 ${px(x)} ${px(axisY + 12)})" text-anchor="end" ${FONT} font-size="11" fill="#333">${escapeXml(c)}</text>`
          : `<text x="${px(x)}" y="${px(axisY + 16)}" text-anchor="middle" ${FONT} font-size="11" fill="#333">${escapeXml(c)}</text>`,
      );
    });
  }
  // --- axis titles
  out.push(
    `<text x="${px(m.left + plotW / 2)}" y="${px(height - (legend ? 26 : 8))}" text-anchor="middle" ${FONT} font-size="12" fill="#222">${escapeXml(spec.xLabel)}</text>`,
    `<text x="14" y="${px(m.top + plotH / 2)}" transform="rotate(-90 14 ${px(m.top + plotH / 2)})" text-anchor="middle" ${FONT} font-size="12" fill="#222">${escapeXml(spec.yLabel)}</text>`,
  );
  // --- legend, one row at the bottom
  if (legend) {
    const itemW = Math.min(110, plotW / spec.series.length);
    spec.series.forEach((s, si) => {
      const x = m.left + si * itemW;
      out.push(
        `<rect x="${px(x)}" y="${px(height - 16)}" width="10" height="10" fill="${PALETTE[si % PALETTE.length]}"/>`,
        `<text x="${px(x + 14)}" y="${px(height - 7)}" ${FONT} font-size="11" fill="#333">${escapeXml(s.name)}</text>`,
      );
    });
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
