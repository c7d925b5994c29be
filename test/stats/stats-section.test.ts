import { describe, expect, it } from 'vitest';
import { addRecordToStats, createStatsAccumulator, finishDatasetStats, type StatsMeta } from '../../pipeline/stats/dataset-stats.js';
import { getManifestStats, listStatsPlots } from '../../pipeline/stats/stats-plots.js';
import { buildSourcesSection, buildStatsSection } from '../../pipeline/stats/stats-section.js';

function meta(family: string, stage: string, answer: string, options: number, source = 'procedural'): StatsMeta {
  return {
    family,
    stage,
    answer,
    options: Array.from({ length: options }, (_, i) => `o${i}`),
    has_cot: false,
    asset: { source },
    relative: { delta_azimuth_deg: 20, delta_elevation_deg: 5, angle_deg: 20, baseline_m: 1.2 },
    images: [{ width: 64, height: 64, bytes: 2048, format: 'png' }, { width: 64, height: 64, bytes: 4096, format: 'png' }],
  };
}

function manifest() {
  const acc = createStatsAccumulator();
  for (const l of ['A', 'B', 'A', 'B']) addRecordToStats(acc, 'sft', meta('orbit-direction', 'sft', l, 2));
  for (const l of ['A', 'B', 'C', 'D', 'A']) addRecordToStats(acc, 'rl', meta('ego-turn', 'rl', l, 4, 'library'));
  return {
    config: { families: ['orbit-direction', 'ego-turn'], cot_ratio: 0.5, gl: 'auto' },
    renderer: { name: 'chromium', browser_version: 'Chrome/1', gl_renderer: 'ANGLE (NVIDIA, Vulkan 1.3 (NVIDIA H100))' },
    counts: { samples: 9, sft_records: 4, rl_records: 5, images: 18 },
    stats: {
      distributions: finishDatasetStats(acc) as unknown as Record<string, never>,
      redraws: { 'ego-turn': { 'near-bin-edge': 3 }, 'orbit-direction': { 'near-bin-edge': 1, symmetric: 2 } },
      skipped: { 'corrupt-file': 1 },
    },
  };
}

describe('buildStatsSection', () => {
  it('tabulates families with their own letters, re-draws and skips', () => {
    const m = manifest();
    const s = buildStatsSection(m as never, listStatsPlots(m as never));
    expect(s.title).toBe('Statistics');
    expect(s.body).toContain('| orbit-direction | 4 | 44.4 % | 2 | 2 | · | · | 1.00 |'); // two options: C and D are not its letters
    expect(s.body).toContain('| ego-turn | 5 | 55.6 % | 2 | 1 | 1 | 1 | 2.00 |');
    expect(s.body).toContain('| re-drawn plans (ambiguous or unusable, never written) | 6 |');
    expect(s.body).toContain('| skipped inputs | 1 |');
    expect(s.body).toContain('| orbit-direction | symmetric | 2 |');
    expect(s.body).toContain('| corrupt-file | 1 |');
    expect(s.body).toContain('| image file size | min 2.0 KiB, mean 3.0 KiB, max 4.0 KiB, total 54.0 KiB |');
    expect(s.body).not.toMatch(/\n{3}/);
  });

  it('draws the re-draws and skips', () => {
    const plot = listStatsPlots(manifest() as never).find((p) => p.path === 'plots/redraws.svg')!;
    for (const label of ['ego-turn: near-bin-edge', 'orbit-direction: symmetric', 'skipped: corrupt-file', '6 re-draws, 1 skip']) expect(plot.svg).toContain(label);
  });
});

describe('buildSourcesSection', () => {
  it('lists asset sources with licences and says GPU for a hardware renderer', () => {
    const s = buildSourcesSection(manifest() as never);
    expect(s.body).toMatch(/\| library \| 5 \| glTF\/GLB files .* keeps the licence of its source/);
    expect(s.body).toMatch(/\| procedural \| 4 \| objects built by viewforge/);
    expect(s.body).toContain('"ANGLE (NVIDIA, Vulkan 1.3 (NVIDIA H100))": GPU.');
  });
});

describe('getManifestStats', () => {
  it('explains a manifest without distributions', () => {
    expect(() => getManifestStats({ stats: { samples: 1 } })).toThrow(/no stats\.distributions; rebuild/);
  });
});
