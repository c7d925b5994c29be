import { describe, expect, it } from 'vitest';
import { AnswerBalanceCollector, describeAnswerBalance, judgeBalance } from '../../pipeline/stats/answer-balance.js';
import { chiSquarePValue } from '../../pipeline/stats/significance.js';
import { evaluateGates, GATE_DEFAULTS } from '../../pipeline/nightly/quality-gates.js';
import type { BuildMetrics } from '../../pipeline/nightly/build-metrics.js';

describe('answer-content balance', () => {
  it('computes chi-square p-values (table values)', () => {
    expect(chiSquarePValue(3.841459, 1)).toBeCloseTo(0.05, 5);
    expect(chiSquarePValue(5.991465, 2)).toBeCloseTo(0.05, 5);
    expect(chiSquarePValue(16.26624, 3)).toBeCloseTo(0.001, 5);
    expect(chiSquarePValue(0, 4)).toBe(1);
  });

  it('calls uniform counts balanced, a small deviation noise, a large real one imbalanced, names open', () => {
    expect(judgeBalance('a', { left: 50, right: 51 }).verdict).toBe('balanced');
    expect(judgeBalance('a', { left: 6, right: 4 }).verdict).toBe('noise'); // 20 % off, but 10 samples say nothing
    const big = judgeBalance('a', { '1': 690, '2': 570, '3': 740 });
    expect(big.verdict).toBe('imbalanced');
    expect(big.maxRelativeDeviation).toBeCloseTo(0.145, 3);
    expect(judgeBalance('a', Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`part ${i}`, 3]))).verdict).toBe('open');
    expect(judgeBalance('a', { 'the pink foot': 3, 'the red nose': 1 }).verdict).toBe('open');
  });

  it('counts a sample once whichever stages hold it, and states the verdicts in the card', () => {
    const c = new AnswerBalanceCollector();
    for (let i = 0; i < 40; i++) c.add({ id: `s${i}`, family: 'orbit-direction', answer_text: i % 2 === 0 ? 'left' : 'right' });
    c.add({ id: 's0', family: 'orbit-direction', answer_text: 'left' });
    const [b] = c.result();
    expect(b).toMatchObject({ family: 'orbit-direction', samples: 40, contents: { left: 20, right: 20 }, verdict: 'balanced' });
    expect(describeAnswerBalance([b, judgeBalance('object-count', { '1': 690, '2': 570, '3': 740 })])).toMatch(/\| object-count \| 2000 \| 1: 690; 2: 570; 3: 740 \| 14\.5 % \| < 0\.0001 \| imbalanced \|[\s\S]*Imbalanced: object-count/);
  });

  it('gates a real imbalance above its threshold, never noise', () => {
    const metrics = (balance: BuildMetrics['balance']): BuildMetrics =>
      ({ samples: 2000, redraws: 0, redrawRate: 0, skips: 0, skipRate: 0, letters: {}, balance, imageBytes: { mean: 1000, min: 1000, max: 1000 }, blankChecked: 0, blank: 0, blankRate: 0, poseChecked: 0, poseFailed: 0, poseNotCheckable: 0, poseFailRate: 0, poseFailures: [] }) as BuildMetrics;
    const gate = (b: ReturnType<typeof judgeBalance>) => evaluateGates(metrics([b]), null, GATE_DEFAULTS).find((g) => g.gate === `answer-balance:${b.family}`)!;
    expect(gate(judgeBalance('x', { left: 1400, right: 600 })).passed).toBe(false); // 40 % off, real
    expect(gate(judgeBalance('x', { left: 1100, right: 900 })).passed).toBe(true); // 10 % off, real, under the 25 % threshold
    expect(gate(judgeBalance('x', { left: 8, right: 4 })).passed).toBe(true); // 33 % off, noise at 12 samples
  });
});
