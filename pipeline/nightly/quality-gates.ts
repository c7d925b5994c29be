/**
 * The quality gates of a nightly build: pure functions of the build's metrics, the previous good
 * build's metrics (for drift) and the thresholds of the config file's `nightly.gates`. Every gate
 * reports its value and threshold, so the ledger and report say why a build failed.
 */
import type { BuildMetrics } from './build-metrics.js';

export interface DriftThresholds {
  /** Largest absolute change of the re-draw rate (re-draws per sample). */
  redrawRate: number;
  skipRate: number;
  poseFailRate: number;
  blankRate: number;
  /** Largest relative change of the mean image size, e.g. 0.3 = ±30 %. */
  meanImageBytes: number;
  /** Largest absolute change of a family's answer-letter deviation. */
  letterDeviation: number;
}

export interface GateThresholds {
  /** Largest |share of a letter − 1/options| in a family with at least `minFamilySamples` samples. */
  maxLetterDeviation: number;
  minFamilySamples: number;
  /**
   * Largest relative deviation of an answer content's share from uniform (pipeline/stats/answer-balance.ts)
   * that a family may show when the deviation is statistically real; the card states every family's.
   */
  maxAnswerImbalance: number;
  maxRedrawRate: number;
  maxSkipRate: number;
  /** Share of samples the pixel checks (pose, blank) look at. */
  checkShare: number;
  maxPoseFailRate: number;
  minMeanImageBytes: number;
  maxMeanImageBytes: number;
  /** Per-channel standard deviation below which an image is blank. */
  blankStdev: number;
  maxBlankRate: number;
  drift: DriftThresholds;
}

export const GATE_DEFAULTS: GateThresholds = {
  maxLetterDeviation: 0.1,
  minFamilySamples: 100,
  maxAnswerImbalance: 0.25,
  maxRedrawRate: 1,
  maxSkipRate: 0.01,
  checkShare: 0.05,
  maxPoseFailRate: 0.02,
  minMeanImageBytes: 500,
  maxMeanImageBytes: 2_000_000,
  blankStdev: 2,
  maxBlankRate: 0.01,
  drift: { redrawRate: 0.25, skipRate: 0.01, poseFailRate: 0.02, blankRate: 0.01, meanImageBytes: 0.3, letterDeviation: 0.1 },
};

export interface GateResult {
  gate: string;
  passed: boolean;
  value: number | null;
  threshold: number | null;
  detail: string;
}

function atMost(gate: string, value: number, threshold: number, what: string): GateResult {
  return { gate, passed: value <= threshold, value, threshold, detail: `${what} ${round(value)} (at most ${threshold})` };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Every gate, in a fixed order. `previous` is the last good build's metrics (null: no drift gates). */
export function evaluateGates(m: BuildMetrics, previous: BuildMetrics | null, t: GateThresholds): GateResult[] {
  const results: GateResult[] = [];
  for (const [family, f] of Object.entries(m.letters).sort(([a], [b]) => a.localeCompare(b))) {
    if (f.samples < t.minFamilySamples) {
      results.push({ gate: `letters:${family}`, passed: true, value: f.maxDeviation, threshold: t.maxLetterDeviation, detail: `answer letters of ${family}: ${f.samples} samples, fewer than ${t.minFamilySamples}; not judged` });
    } else {
      results.push(atMost(`letters:${family}`, f.maxDeviation, t.maxLetterDeviation, `answer letters of ${family}: largest deviation from 1/${f.options}`));
    }
  }
  for (const b of m.balance ?? []) {
    if (b.verdict === 'open') continue;
    const real = b.verdict === 'imbalanced';
    results.push({
      gate: `answer-balance:${b.family}`,
      passed: !real || b.maxRelativeDeviation <= t.maxAnswerImbalance,
      value: b.maxRelativeDeviation,
      threshold: t.maxAnswerImbalance,
      detail: `answer contents of ${b.family}: largest relative deviation from uniform ${round(b.maxRelativeDeviation)} over ${b.samples} samples (${b.verdict}, chi-square p ${b.pValue < 1e-4 ? '< 0.0001' : round(b.pValue)}; fails only when real and above ${t.maxAnswerImbalance})`,
    });
  }
  results.push(atMost('redraw-rate', m.redrawRate, t.maxRedrawRate, 're-draws per sample'));
  results.push(atMost('skip-rate', m.skipRate, t.maxSkipRate, 'skipped assets per sample'));
  results.push(atMost('pose-pixel', m.poseFailRate, t.maxPoseFailRate, `pose↔pixel self-check failures (${m.poseFailed} of ${m.poseChecked} checked)`));
  const mean = m.imageBytes.mean;
  results.push({
    gate: 'image-bytes',
    passed: mean >= t.minMeanImageBytes && mean <= t.maxMeanImageBytes,
    value: mean,
    threshold: t.minMeanImageBytes,
    detail: `mean image size ${Math.round(mean)} B (between ${t.minMeanImageBytes} and ${t.maxMeanImageBytes})`,
  });
  results.push(atMost('blank-images', m.blankRate, t.maxBlankRate, `blank images (${m.blank} of ${m.blankChecked} checked)`));
  if (previous !== null) {
    const d = t.drift;
    const abs = (gate: string, a: number, b: number, limit: number, what: string) => atMost(`drift:${gate}`, Math.abs(a - b), limit, `change of ${what} since the last good build (${round(b)} → ${round(a)})`);
    results.push(abs('redraw-rate', m.redrawRate, previous.redrawRate, d.redrawRate, 're-draws per sample'));
    results.push(abs('skip-rate', m.skipRate, previous.skipRate, d.skipRate, 'the skip rate'));
    results.push(abs('pose-pixel', m.poseFailRate, previous.poseFailRate, d.poseFailRate, 'the pose↔pixel failure rate'));
    results.push(abs('blank-images', m.blankRate, previous.blankRate, d.blankRate, 'the blank-image rate'));
    const rel = previous.imageBytes.mean > 0 ? Math.abs(mean / previous.imageBytes.mean - 1) : 0;
    results.push(atMost('drift:image-bytes', rel, d.meanImageBytes, `relative change of the mean image size (${Math.round(previous.imageBytes.mean)} → ${Math.round(mean)} B)`));
    for (const [family, f] of Object.entries(m.letters).sort(([a], [b]) => a.localeCompare(b))) {
      const p = previous.letters[family];
      if (p === undefined || f.samples < t.minFamilySamples || p.samples < t.minFamilySamples) continue;
      results.push(abs(`letters:${family}`, f.maxDeviation, p.maxDeviation, d.letterDeviation, `the answer-letter deviation of ${family}`));
    }
  }
  return results;
}
