import { beforeAll, describe, expect, it } from 'vitest';
import {
  ORBIT_DEFAULTS,
  ORBIT_PAIR_WEIGHTS_5,
  ORBIT_TEMPLATES,
  buildOrbitQuestion,
  createOrbitFamily,
  orbitApplies,
  orbitFamily,
} from '../../pipeline/questions/orbit.js';
import { createRng } from '../../pipeline/rng.js';
import type { GroundTruth, Mat4 } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { makeTruth } from './make-truth.js';

// The test's own bin table and wrap, written independently of the family.
const BINS: [number, number][] = [[0, 30], [30, 60], [60, 90], [90, 135], [135, 180]];
const EDGES = [0, 30, 60, 90, 135, 180];
const MARGIN = 5;

function signedDelta(azA: number, azB: number): number {
  let d = azB - azA;
  while (d > 180) d -= 360;
  while (d <= -180) d += 360;
  return d;
}

function expectedText(delta: number): string {
  const m = Math.abs(delta);
  const [lo, hi] = BINS.find(([l, h]) => m >= l && m < h) ?? BINS[BINS.length - 1];
  return `${delta > 0 ? 'right' : 'left'}, ${lo}–${hi}°`;
}

/** Camera A's x axis dotted with C_B − C_A, from the renderer's camera-to-world matrices. */
function rightwardMotion(c2wA: Mat4, c2wB: Mat4): number {
  const x = [c2wA[0][0], c2wA[1][0], c2wA[2][0]];
  const d = [c2wB[0][3] - c2wA[0][3], c2wB[1][3] - c2wA[1][3], c2wB[2][3] - c2wA[2][3]];
  return x[0] * d[0] + x[1] * d[1] + x[2] * d[2];
}

function parseOption(text: string): { side: string; range: string } {
  const [side, range] = text.split(', ');
  return { side, range };
}

describe('orbit on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(orbitFamily, 2000);
  });

  it('answers agree with Δazimuth recomputed from the orbits and with camera A\'s x axis', () => {
    expect(drawn.samples.length).toBe(2000);
    for (const { plan, question } of drawn.samples) {
      const delta = signedDelta(plan.orbits[0].azimuthDeg, plan.orbits[1].azimuthDeg);
      expect(question.answerText).toBe(expectedText(delta));
      const side = rightwardMotion(plan.job.views[0].c2wGl, plan.job.views[1].c2wGl) > 0 ? 'right' : 'left';
      expect(parseOption(question.answerText).side).toBe(side);
      expect(question.difficulty.value).toBeCloseTo(delta, 9);
      expect(question.difficulty.margin).toBeGreaterThanOrEqual(MARGIN);
      expect(Math.min(...EDGES.map((e) => Math.abs(Math.abs(delta) - e)))).toBeGreaterThanOrEqual(MARGIN);
    }
  });

  it('has distinct options, the answer at the requested slot and a matching letter', () => {
    for (const { question, slot } of drawn.samples) expect(shapeProblems(question, slot, 4)).toEqual([]);
  });

  it('offers the true bin, its mirror, a partner bin and its mirror: two lefts, two rights', () => {
    for (const { question } of drawn.samples) {
      const opts = question.options.map(parseOption);
      const truth = parseOption(question.answerText);
      const other = truth.side === 'right' ? 'left' : 'right';
      expect(opts.filter((o) => o.side === 'left')).toHaveLength(2);
      expect(opts.filter((o) => o.side === 'right')).toHaveLength(2);
      expect(question.options).toContain(`${other}, ${truth.range}`);
      const ranges = [...new Set(opts.map((o) => o.range))];
      expect(ranges).toHaveLength(2);
      const partner = ranges.find((r) => r !== truth.range)!;
      expect(question.options).toContain(`${truth.side}, ${partner}`);
      expect(question.options).toContain(`${other}, ${partner}`);
    }
  });

  it('never lets the option list alone give the direction away', () => {
    // A text-only guesser that picks the majority direction has nothing to go on; one that picks
    // the smaller (or larger) of the two angle ranges in the answer's direction is near chance.
    let smaller = 0;
    for (const { question } of drawn.samples) {
      const lows = question.options.map((o) => Number(parseOption(o).range.split('–')[0]));
      if (Number(parseOption(question.answerText).range.split('–')[0]) === Math.min(...lows)) smaller++;
    }
    expect(smaller / drawn.samples.length).toBeGreaterThan(0.35);
    expect(smaller / drawn.samples.length).toBeLessThan(0.65);
  });

  it('writes reasoning that never contradicts the answer', () => {
    for (const { question, truth } of drawn.samples) {
      const side = parseOption(question.answerText).side;
      expect(reasoningProblems(question, truth, [side === 'right' ? 'left' : 'right'])).toEqual([]);
      const sentences = splitSentences(question.reasoning);
      const conclusion = sentences[sentences.length - 2];
      expect(conclusion).toContain(side);
      expect(conclusion).toContain(parseOption(question.answerText).range);
      expect(conclusion).toContain(`${Math.round(Math.abs(truth.deltaAzimuthDeg))}°`);
    }
  });

  it('balances answer letters within ±5 % over 2,000 samples', () => {
    const h = letterHistogram(drawn.samples.map((s) => s.question));
    for (const letter of ['A', 'B', 'C', 'D']) expect(Math.abs(h[letter] / 500 - 1)).toBeLessThanOrEqual(0.05);
  });

  it('uses several question templates', () => {
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(ORBIT_TEMPLATES.length);
    expect(ORBIT_TEMPLATES.length).toBeGreaterThanOrEqual(3);
  });

  it('re-draws exactly the samples the rules name, and counts them', () => {
    const counted = Object.values(drawn.redraws).reduce((a, b) => a + b, 0);
    expect(counted).toBe(drawn.attempts - drawn.samples.length);
    expect(drawn.rejected).toHaveLength(counted);
    for (const reason of Object.keys(drawn.redraws)) expect(['out-of-frame', 'too-small', 'direction-disagrees', 'near-bin-edge']).toContain(reason);
    for (const r of drawn.rejected.filter((x) => x.reason === 'near-bin-edge')) {
      const m = Math.abs(signedDelta(r.plan.orbits[0].azimuthDeg, r.plan.orbits[1].azimuthDeg));
      expect(Math.min(...EDGES.map((e) => Math.abs(m - e)))).toBeLessThan(MARGIN);
    }
    // Δazimuth is drawn uniformly: about 50° of every 180° lies within 5° of an edge.
    const share = (drawn.redraws['near-bin-edge'] ?? 0) / drawn.attempts;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.34);
  });
});

describe('orbit on hand-made truths', () => {
  const build = (truth: GroundTruth, slot = 0) => buildOrbitQuestion(truth, createRng(1), slot);

  it('Δazimuth = +47° is "right, 30–60°"', () => {
    const truth = makeTruth({ azimuthDeg: 10 }, { azimuthDeg: 57 });
    expect(truth.deltaAzimuthDeg).toBeCloseTo(47, 9);
    expect(orbitApplies(truth)).toEqual({ ok: true });
    const q = build(truth, 2);
    expect(q.answerText).toBe('right, 30–60°');
    expect(q.answerLetter).toBe('C');
    expect(q.reasoning).toContain('47°');
    expect(q.difficulty).toEqual({ margin: expect.closeTo(13, 9), marginUnit: 'deg', bin: 'right 30-60°', value: expect.closeTo(47, 9) });
  });

  it('Δazimuth = −100° is "left, 90–135°"', () => {
    const q = build(makeTruth({ azimuthDeg: 40 }, { azimuthDeg: -60 }), 3);
    expect(q.answerText).toBe('left, 90–135°');
    expect(q.answerLetter).toBe('D');
  });

  it('wraps around: azimuth 170° → −170° is +20°, "right, 0–30°"', () => {
    const truth = makeTruth({ azimuthDeg: 170 }, { azimuthDeg: -170 });
    expect(truth.deltaAzimuthDeg).toBeCloseTo(20, 9);
    expect(truth.relative.motionInA[0]).toBeGreaterThan(0);
    expect(build(truth).answerText).toBe('right, 0–30°');
  });

  it('re-draws just inside a bin-edge margin, not just outside it', () => {
    const verdict = (delta: number) => orbitApplies(makeTruth({ azimuthDeg: 0 }, { azimuthDeg: delta }));
    for (const d of [25.1, 34.9, -55.5, 64.9, 94, -130.2, 139.9, 3, -4.9, 175.1, -179, 180]) {
      expect(verdict(d), `Δaz ${d}`).toEqual({ ok: false, reason: 'near-bin-edge' });
    }
    for (const d of [24.9, 35.1, -54.9, 65.1, 85, -95.1, 129.9, 140.1, 5.1, -174.9]) expect(verdict(d), `Δaz ${d}`).toEqual({ ok: true });
  });

  it('re-draws when the direction disagrees with the motion in camera A, or the framing is bad', () => {
    const truth = makeTruth({ azimuthDeg: 0 }, { azimuthDeg: 47 });
    const flipped: GroundTruth = { ...truth, relative: { ...truth.relative, motionInA: [-1, 0, 0] } };
    expect(orbitApplies(flipped)).toEqual({ ok: false, reason: 'direction-disagrees' });
    expect(orbitApplies(makeTruth({}, { azimuthDeg: 47 }, { inFrame: [true, false] }))).toEqual({ ok: false, reason: 'out-of-frame' });
    expect(orbitApplies(makeTruth({}, { azimuthDeg: 47 }, { coverage: [0.039, 0.3] }))).toEqual({ ok: false, reason: 'too-small' });
    expect(orbitApplies(makeTruth({}, { azimuthDeg: 47 }, { coverage: [0.04, 0.04] }))).toEqual({ ok: true });
  });

  it('refuses to build a sample that must be re-drawn, and a bad slot', () => {
    expect(() => build(makeTruth({}, { azimuthDeg: 31 }))).toThrow(/orbit: .*near-bin-edge/);
    expect(() => build(makeTruth({}, { azimuthDeg: 47 }), 4)).toThrow(/answerSlot/);
  });

  it('describes what is visible where, what changed, then the number and the answer', () => {
    const q = buildOrbitQuestion(makeTruth({ azimuthDeg: 10 }, { azimuthDeg: 57 }), createRng(5), 1);
    const s = splitSentences(q.reasoning);
    expect(s[0]).toMatch(/first image/);
    expect(s[0]).toMatch(/the red handle on the left/);
    expect(s[1]).toMatch(/second image/);
    expect(s[1]).toMatch(/the yellow fin/);
    expect(q.reasoning).toMatch(/the yellow fin comes into view|newly shows the yellow fin/);
    expect(q.reasoning).toMatch(/the red handle drops out of sight|no longer shows the red handle/);
    expect(s[s.length - 2]).toMatch(/47° .*right.*30–60°|right.*47°.*30–60°|47°.*to its right.*30–60°/);
    expect(s[s.length - 1]).toContain('B');
  });

  it('is deterministic for a given rng seed', () => {
    const truth = makeTruth({ azimuthDeg: 10 }, { azimuthDeg: -120 });
    expect(buildOrbitQuestion(truth, createRng(9), 1)).toEqual(buildOrbitQuestion(truth, createRng(9), 1));
  });
});

describe('orbit options', () => {
  it('ships a symmetric, row-stochastic partner matrix with zero diagonal (no answer leak)', () => {
    const W = ORBIT_PAIR_WEIGHTS_5;
    for (let i = 0; i < 5; i++) {
      expect(W[i][i]).toBe(0);
      expect(W[i].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (let j = 0; j < 5; j++) expect(W[i][j]).toBe(W[j][i]);
    }
    expect(ORBIT_DEFAULTS.binEdgesDeg).toEqual(EDGES);
    expect(ORBIT_DEFAULTS.edgeMarginDeg).toBe(5);
  });

  it('rejects bad options with a message naming the field', () => {
    expect(() => createOrbitFamily({ binEdgesDeg: [0, 90, 60, 180] })).toThrow(/binEdgesDeg/);
    expect(() => createOrbitFamily({ pairWeights: [[0, 1], [0.5, 0]] })).toThrow(/pairWeights/);
    expect(() => createOrbitFamily({ edgeMarginDeg: -1 })).toThrow(/edgeMarginDeg/);
  });

  it('works with custom bins (uniform partners)', () => {
    const family = createOrbitFamily({ binEdgesDeg: [0, 45, 90, 180], edgeMarginDeg: 2 });
    const q = family.build(makeTruth({ azimuthDeg: 0 }, { azimuthDeg: -50 }), createRng(3), 0);
    expect(q.answerText).toBe('left, 45–90°');
    expect(q.options).toContain('right, 45–90°');
  });
});
