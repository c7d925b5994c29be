/**
 * The dataset card, the manifest's `stats.distributions` and the plots of a real data set made by
 * the CLI (Chromium, real files). Every number is recounted here from the JSONL records with code
 * independent of `pipeline/stats/`, and compared with the manifest and the card.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../e2e/run-cli.js';

const RENDER = ['render', '--count', '16', '--size', '128', '--shard-size', '8', '--seed', '5'];

type Meta = {
  id: string;
  index: number;
  family: string;
  stage: string;
  answer: string;
  options: string[];
  has_cot: boolean;
  asset: { source: string };
  relative: Record<string, number>;
  images: { width: number; height: number; bytes: number; format: string }[];
};

interface Line {
  kind: 'sft' | 'rl';
  path: string;
  record: Record<string, unknown>;
  meta: Meta;
}

let tmp: string;
let out: string;
let out3: string;
let run1: CliResult;
let run3: CliResult;
let lines: Line[];
let manifest: { stats: Record<string, any>; renderer: Record<string, string>; shards: { kind: string; path: string }[]; config: Record<string, any> };
let card: string;

async function readRecords(dir: string): Promise<Line[]> {
  const result: Line[] = [];
  for (const kind of ['sft', 'rl'] as const) {
    for (const name of (await readdir(join(dir, kind))).filter((n) => n.endsWith('.jsonl')).sort()) {
      const text = await readFile(join(dir, kind, name), 'utf8');
      for (const l of text.trimEnd().split('\n')) {
        const record = JSON.parse(l) as Record<string, unknown>;
        result.push({ kind, path: `${kind}/${name}`, record, meta: (kind === 'sft' ? record.meta : record.extra_info) as Meta });
      }
    }
  }
  return result;
}

/** Independent histogram: bin i holds min + i·w ≤ v < min + (i+1)·w; v = max goes to the last bin. */
function recountHistogram(values: number[], min: number, max: number, width: number): { bins: number[]; under: number; over: number } {
  const n = Math.round((max - min) / width);
  const bins = new Array<number>(n).fill(0);
  let under = 0;
  let over = 0;
  for (const v of values) {
    if (v < min) under++;
    else if (v > max) over++;
    else {
      let placed = false;
      for (let i = 0; i < n && !placed; i++) {
        if (v >= min + i * width && v < min + (i + 1) * width) {
          bins[i]++;
          placed = true;
        }
      }
      if (!placed) bins[n - 1]++; // v === max
    }
  }
  return { bins, under, over };
}

function tally(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-card-'));
  out = join(tmp, 'one');
  out3 = join(tmp, 'three');
  [run1, run3] = await Promise.all([runCli([...RENDER, '--out', out, '--concurrency', '1']), runCli([...RENDER, '--out', out3, '--concurrency', '3'])]);
  if (run1.code !== 0) throw new Error(`render failed: ${run1.stderr}`);
  lines = await readRecords(out);
  manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
  card = await readFile(join(out, 'README.md'), 'utf8');
}, 300_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('manifest stats.distributions agree with the records', () => {
  it('counts samples, records, families, letters, CoT and assets', () => {
    const d = manifest.stats.distributions;
    const samples = lines.filter((l) => l.meta.stage === l.kind); // one record per sample
    expect(new Set(samples.map((l) => l.meta.index)).size).toBe(16);
    expect(d.samples).toBe(16);
    expect(d.records).toEqual({ sft: lines.filter((l) => l.kind === 'sft').length, rl: lines.filter((l) => l.kind === 'rl').length });
    expect(d.families).toEqual(tally(samples.map((l) => l.meta.family)));
    const letters: Record<string, Record<string, number>> = {};
    for (const l of samples) (letters[l.meta.family] ??= {})[l.meta.answer] = (letters[l.meta.family][l.meta.answer] ?? 0) + 1;
    expect(d.answer_letters).toEqual(letters);
    const sft = lines.filter((l) => l.kind === 'sft');
    const withCot = sft.filter((l) => (l.record.messages as { content: string }[]).at(-1)!.content.startsWith('<think>'));
    expect(withCot.every((l) => l.meta.has_cot)).toBe(true);
    expect(d.cot).toEqual({ sft_records: sft.length, with_cot: withCot.length });
    expect(d.asset_sources).toEqual(tally(samples.map((l) => l.meta.asset.source)));
  });

  it('holds each count once: beside the distributions only what the records cannot tell (re-draws, skips)', () => {
    const s = manifest.stats;
    expect(Object.keys(s).sort()).toEqual(['distributions', 'redraws', 'samples']);
    expect(s.distributions.samples).toBe(s.samples);
  });

  it('summarises image sizes and bytes', () => {
    const images = lines.filter((l) => l.meta.stage === l.kind).flatMap((l) => l.meta.images);
    const bytes = images.map((i) => i.bytes);
    const im = manifest.stats.distributions.images;
    expect(im.count).toBe(32);
    expect(im.formats).toEqual({ jpeg: 32 });
    expect(im.width_px).toEqual({ min: 128, max: 128, mean: 128 });
    expect(im.height_px).toEqual({ min: 128, max: 128, mean: 128 });
    expect(im.bytes.min).toBe(Math.min(...bytes));
    expect(im.bytes.max).toBe(Math.max(...bytes));
    expect(im.bytes.total).toBe(bytes.reduce((a, b) => a + b, 0));
  });

  it('bins Δazimuth, Δelevation, rotation angle and baseline on fixed edges', () => {
    const samples = lines.filter((l) => l.meta.stage === l.kind);
    const fields: Record<string, string> = {
      delta_azimuth_deg: 'delta_azimuth_deg',
      delta_elevation_deg: 'delta_elevation_deg',
      rotation_angle_deg: 'angle_deg',
      baseline_m: 'baseline_m',
    };
    const moved = samples.filter((l) => l.meta.relative.baseline_m > 0);
    expect(moved.length).toBeLessThan(samples.length); // ego-turn and object-rotation keep the camera centre
    for (const [name, field] of Object.entries(fields)) {
      const h = manifest.stats.distributions.histograms[name];
      // The orbit changes count only samples whose camera centre moved (the others are 0 by construction).
      const counted = name.startsWith('delta_') ? moved : samples;
      const values = counted.map((l) => l.meta.relative[field]);
      const want = recountHistogram(values, h.min, h.max, h.bin_width);
      const keys = Object.keys(h.bins);
      expect(keys, name).toEqual([...keys].sort()); // written in bin order
      expect(keys.map((k) => h.bins[k]), name).toEqual(want.bins);
      expect([h.n, h.underflow, h.overflow], name).toEqual([counted.length, want.under, want.over]);
      expect(h.mean, name).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 2);
    }
    expect(manifest.stats.distributions.histograms.delta_azimuth_deg).toMatchObject({ min: -180, max: 180, bin_width: 15 });
  });

  it('writes the same manifest, card and plots whatever --concurrency', async () => {
    expect(run3.code).toBe(0);
    const files = ['manifest.json', 'README.md', ...(await readdir(join(out, 'plots'))).map((f) => `plots/${f}`)];
    for (const f of files) expect((await readFile(join(out, f))).equals(await readFile(join(out3, f))), f).toBe(true);
    expect(await readdir(join(out3, 'plots'))).toEqual(await readdir(join(out, 'plots')));
  });

  it('passes `verify`, which recounts stats.distributions from the records', async () => {
    const res = await runCli(['verify', out]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });
});

describe('dataset card', () => {
  it('starts with front matter whose configs name the sft and rl files', () => {
    expect(card.startsWith('---\n')).toBe(true);
    const front = card.slice(4, card.indexOf('\n---\n'));
    expect(front).toMatch(/configs:\n- config_name: sft\n(?:.*\n)*?\s+path: sft\/\*\.jsonl/);
    expect(front).toMatch(/- config_name: rl\n(?:.*\n)*?\s+path: rl\/\*\.(jsonl|parquet)/);
    expect(front).not.toContain('plots');
  });

  it('says how it was made: version, seed, renderer, GPU or CPU, asset sources and licences', () => {
    expect(card).toContain(`seed ${manifest.config.seed}`);
    expect(card).toContain(manifest.renderer.gl_renderer);
    expect(card).toMatch(/CPU \(software WebGL rasteriser\)|: GPU\./);
    expect(card).toMatch(/\| procedural \| 16 \| objects built by viewforge .* no licence attached \|/);
  });

  it('states the statistics of the records', () => {
    const d = manifest.stats.distributions;
    expect(card).toContain('| samples (image pairs) | 16 |');
    expect(card).toContain(`| SFT records | ${d.records.sft} |`);
    expect(card).toContain(`| RL records | ${d.records.rl} |`);
    expect(card).toContain(`| SFT records with \`<think>\` reasoning | ${d.cot.with_cot} (`);
    const letters = ['A', 'B', 'C', 'D'];
    for (const [family, n] of Object.entries(d.families as Record<string, number>)) {
      // Letters past the family's option count are not its letters: "·".
      const counts = letters.map((l, i) => (i < d.option_count[family] ? (d.answer_letters[family]?.[l] ?? 0) : '·')).join(' | ');
      expect(card).toContain(`| ${family} | ${n} | ${((100 * n) / 16).toFixed(1)} % | ${counts} |`);
    }
    const az = d.histograms.delta_azimuth_deg;
    const binLine = Object.keys(az.bins)
      .map((k, i) => [az.bins[k], i] as const)
      .filter(([c]) => c > 0)
      .map(([c, i]) => `${-180 + 15 * i}…${-180 + 15 * (i + 1)}: ${c}`)
      .join(', ');
    expect(card).toContain(`- \`delta_azimuth_deg\` bins: ${binLine}`);
    const redraws = Object.values(manifest.stats.redraws as Record<string, Record<string, number>>).flatMap((r) => Object.values(r)).reduce((a, b) => a + b, 0);
    expect(card).toContain(`| re-drawn plans (ambiguous or unusable, never written) | ${redraws} |`);
  });

  it('links every plot by relative path, and every plot is a drawable SVG', async () => {
    const plots = (await readdir(join(out, 'plots'))).sort();
    expect(plots).toEqual([
      'answer-letters.svg',
      'baseline.svg',
      'cot-share.svg',
      'delta-azimuth.svg',
      'delta-elevation.svg',
      'family-mix.svg',
      'image-bytes.svg',
      'redraws.svg',
      'rotation-angle.svg',
    ]);
    const linked = [...card.matchAll(/!\[[^\]]*\]\((plots\/[^)]+)\)/g)].map((m) => m[1]);
    expect([...new Set(linked)].sort()).toEqual(plots.map((p) => `plots/${p}`));
    for (const p of plots) {
      const svg = await readFile(join(out, 'plots', p), 'utf8');
      expect(svg.startsWith('<svg '), p).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>'), p).toBe(true);
      const meta = await sharp(Buffer.from(svg)).metadata();
      expect([meta.width, meta.height], p).toEqual([640, 360]);
    }
  });

  it('shows the first SFT and RL record, shortened and saying so', () => {
    const firstSft = lines.find((l) => l.kind === 'sft')!;
    const firstRl = lines.find((l) => l.kind === 'rl')!;
    const section = card.slice(card.indexOf('## Example records'));
    expect(section).toContain(`line 1 of \`${firstSft.path}\``);
    expect(section).toContain(`"id": "${firstSft.meta.id}"`);
    expect(section).toContain(`line 1 of \`${firstRl.path}\``);
    expect(section).toContain(`"ground_truth": "${firstRl.meta.answer}"`);
    expect(section).toContain('"R": "<3×3 matrix elided>"');
    expect(section).toMatch(/rotation matrices .* are replaced by a placeholder/);
  });
});

describe('--overwrite', () => {
  it('removes the plots folder of the data set it replaces', async () => {
    const dir = join(tmp, 'over');
    await mkdir(join(dir, 'plots'), { recursive: true });
    await writeFile(join(dir, 'plots', 'stale.svg'), '<svg/>');
    const refused = await runCli(['render', '--count', '2', '--size', '64', '--out', dir]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/already holds a dataset \(plots\)/);
    const res = await runCli(['render', '--count', '2', '--size', '64', '--out', dir, '--overwrite']);
    expect(res.code).toBe(0);
    expect(existsSync(join(dir, 'plots', 'stale.svg'))).toBe(false);
    expect(existsSync(join(dir, 'plots', 'family-mix.svg'))).toBe(true);
  });
});
