/**
 * The quality gates of a nightly build: pure functions of the build's metrics, the previous good
 * build's metrics (for drift) and the thresholds of the config file's `nightly.gates`. Every gate
 * reports its value and threshold, so the ledger and report say why a build failed.
 *
 * Rate and drift gates test their counts against the sample size (pipeline/stats/significance.ts):
 * a rate gate fails only when the count is significantly above its threshold rate, a drift gate
 * only when the change is both larger than its threshold and significant, each at a false-alarm
 * rate of {@link GATE_ALPHA}. So a healthy 12-pair build is not failed by chance, and a real shift
 * in a large build is (test/nightly/quality-gates.test.ts).
 */
import type { BuildMetrics } from './build-metrics.js';
import { binomialUpperTail, equalRatesP, GATE_ALPHA, poissonUpperTail } from '../stats/significance.js';

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

/** `p` for the detail text. */
const pText = (p: number) => (p < 1e-4 ? '< 0.0001' : String(round(p)));

/**
 * A rate gate: `count` events over `n` trials, at most `threshold` per trial; fails when P(X ≥ count | rate = threshold) < α
 * (binomial when each trial has at most one event, Poisson otherwise).
 */
function rateAtMost(gate: string, count: number, n: number, threshold: number, what: string, kind: 'binomial' | 'poisson'): GateResult {
  const rate = n > 0 ? count / n : 0;
  const p = kind === 'binomial' ? binomialUpperTail(count, n, Math.min(1, threshold)) : poissonUpperTail(count, threshold * n);
  const passed = rate <= threshold || p >= GATE_ALPHA;
  return { gate, passed, value: rate, threshold, detail: `${what} ${round(rate)} (${count} of ${n}; at most ${threshold}: ${rate <= threshold ? 'within' : `above, P(as many by chance) = ${pText(p)}, ${passed ? 'not significant' : 'significant'} at ${GATE_ALPHA}`})` };
}

/** A drift gate: the rate moved from `k2/n2` (last good build) to `k1/n1`; fails when the move exceeds `limit` and a test of equal rates gives p < α. */
function driftAtMost(gate: string, k1: number, n1: number, k2: number, n2: number, limit: number, what: string): GateResult {
  const now = n1 > 0 ? k1 / n1 : 0;
  const before = n2 > 0 ? k2 / n2 : 0;
  const change = Math.abs(now - before);
  const p = equalRatesP(k1, n1, k2, n2);
  const passed = change <= limit || p >= GATE_ALPHA;
  return { gate: `drift:${gate}`, passed, value: change, threshold: limit, detail: `change of ${what} since the last good build (${round(before)} → ${round(now)}, ${k2}/${n2} → ${k1}/${n1}): ${round(change)}, at most ${limit}${change > limit ? `; equal rates p = ${pText(p)}, ${passed ? 'not significant' : 'significant'} at ${GATE_ALPHA}` : ''}` };
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
      detail: `answer contents of ${b.family}: largest relative deviation from uniform ${round(b.maxRelativeDeviation)} over ${b.samples} samples (${b.verdict}, chi-square p ${pText(b.pValue)}; fails only when real and above ${t.maxAnswerImbalance})`,
    });
  }
  results.push(rateAtMost('redraw-rate', m.redraws, m.samples, t.maxRedrawRate, 're-draws per sample', 'poisson'));
  results.push(rateAtMost('skip-rate', m.skips, m.samples, t.maxSkipRate, 'skipped assets per sample', 'poisson'));
  results.push(rateAtMost('pose-pixel', m.poseFailed, m.poseChecked, t.maxPoseFailRate, 'pose↔pixel self-check failures', 'binomial'));
  const mean = m.imageBytes.mean;
  results.push({
    gate: 'image-bytes',
    passed: mean >= t.minMeanImageBytes && mean <= t.maxMeanImageBytes,
    value: mean,
    threshold: t.minMeanImageBytes,
    detail: `mean image size ${Math.round(mean)} B (between ${t.minMeanImageBytes} and ${t.maxMeanImageBytes})`,
  });
  results.push(rateAtMost('blank-images', m.blank, m.blankChecked, t.maxBlankRate, 'blank images', 'binomial'));
  if (previous !== null) {
    const d = t.drift;
    results.push(driftAtMost('redraw-rate', m.redraws, m.samples, previous.redraws, previous.samples, d.redrawRate, 're-draws per sample'));
    results.push(driftAtMost('skip-rate', m.skips, m.samples, previous.skips, previous.samples, d.skipRate, 'the skip rate'));
    results.push(driftAtMost('pose-pixel', m.poseFailed, m.poseChecked, previous.poseFailed, previous.poseChecked, d.poseFailRate, 'the pose↔pixel failure rate'));
    results.push(driftAtMost('blank-images', m.blank, m.blankChecked, previous.blank, previous.blankChecked, d.blankRate, 'the blank-image rate'));
    const rel = previous.imageBytes.mean > 0 ? Math.abs(mean / previous.imageBytes.mean - 1) : 0;
    results.push(atMost('drift:image-bytes', rel, d.meanImageBytes, `relative change of the mean image size (${Math.round(previous.imageBytes.mean)} → ${Math.round(mean)} B)`));
    for (const [family, f] of Object.entries(m.letters).sort(([a], [b]) => a.localeCompare(b))) {
      const p = previous.letters[family];
      if (p === undefined || f.samples < t.minFamilySamples || p.samples < t.minFamilySamples) continue;
      results.push(atMost(`drift:letters:${family}`, Math.abs(f.maxDeviation - p.maxDeviation), d.letterDeviation, `change of the answer-letter deviation of ${family} since the last good build (${round(p.maxDeviation)} → ${round(f.maxDeviation)}; judged from ${t.minFamilySamples} samples a build)`));
    }
  }
  return results;
}
