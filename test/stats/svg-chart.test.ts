import { describe, expect, it } from 'vitest';
import { barChartSvg, escapeXml, formatTick, getNiceScale, type BarChartSpec } from '../../pipeline/stats/svg-chart.js';

const SPEC: BarChartSpec = {
  title: 'Family mix',
  xLabel: 'family',
  yLabel: 'samples',
  categories: ['orbit', 'elevation', 'distance'],
  series: [{ name: 'samples', values: [10, 0, 6] }],
};

function count(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

describe('barChartSvg', () => {
  it('draws one bar per non-zero value, with title, axis labels and category labels', () => {
    const svg = barChartSvg(SPEC);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>\n')).toBe(true);
    expect(count(svg, /<rect [^>]*fill="#0072B2"/g)).toBe(2);
    for (const text of ['Family mix', 'family', 'samples', 'orbit', 'elevation', 'distance']) expect(svg).toContain(`>${text}<`);
    expect(svg).toContain('font-family="sans-serif"');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('is deterministic', () => {
    expect(barChartSvg(SPEC)).toBe(barChartSvg(structuredClone(SPEC)));
  });

  it('escapes every text', () => {
    const svg = barChartSvg({ ...SPEC, title: 'a < b & "c"', categories: ['<x>', 'y', "z'"] });
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).toContain('&lt;x&gt;');
    expect(svg).not.toContain('<x>');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('draws grouped series with a legend', () => {
    const svg = barChartSvg({ ...SPEC, series: [{ name: 'A', values: [1, 2, 3] }, { name: 'B', values: [3, 2, 1] }] });
    expect(count(svg, /fill="#0072B2"/g)).toBe(3 + 1); // bars + legend swatch
    expect(count(svg, /fill="#E69F00"/g)).toBe(3 + 1);
    expect(svg).toContain('>A<');
    expect(svg).toContain('>B<');
  });

  it('labels a histogram at its bin edges', () => {
    const svg = barChartSvg({ ...SPEC, categories: ['0-10', '10-20'], series: [{ name: 'n', values: [1, 2] }], edges: [0, 10, 20] });
    for (const e of ['0', '10', '20']) expect(svg).toContain(`>${e}</text>`);
    expect(svg).not.toContain('>0-10<');
  });

  it('refuses inconsistent input', () => {
    expect(() => barChartSvg({ ...SPEC, series: [{ name: 's', values: [1] }] })).toThrow(/has 1 values for 3 categories/);
    expect(() => barChartSvg({ ...SPEC, series: [{ name: 's', values: [1, -1, 2] }] })).toThrow(/finite numbers ≥ 0/);
    expect(() => barChartSvg({ ...SPEC, edges: [0, 1] })).toThrow(/expected 4 edges/);
    expect(() => barChartSvg({ ...SPEC, series: [] })).toThrow(/at least one series/);
  });

  it('draws empty charts (no category) without failing', () => {
    const svg = barChartSvg({ ...SPEC, categories: [], series: [{ name: 's', values: [] }] });
    expect(svg).toContain('>Family mix<');
  });
});

describe('getNiceScale / formatTick', () => {
  it('picks 1, 2 or 5 × 10^k steps covering the maximum', () => {
    expect(getNiceScale(0)).toEqual({ step: 1, top: 1 });
    expect(getNiceScale(10)).toEqual({ step: 2, top: 10 });
    expect(getNiceScale(47)).toEqual({ step: 10, top: 50 });
    expect(getNiceScale(0.33)).toEqual({ step: 0.1, top: 0.4 });
    expect(getNiceScale(1, 5, 1)).toEqual({ step: 1, top: 1 });
  });

  it('formats ticks without float noise', () => {
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(-180)).toBe('-180');
  });
});
