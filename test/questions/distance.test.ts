import { beforeAll, describe, expect, it } from 'vitest';
import {
  DISTANCE_DEFAULTS,
  DISTANCE_TEMPLATES,
  buildDistanceQuestion,
  createDistanceFamily,
  distanceApplies,
  distanceFamily,
} from '../../pipeline/questions/distance.js';
import { createRng } from '../../pipeline/rng.js';
import type { OrbitParams } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { makeTruth } from './make-truth.js';

const CLASSES = ['closer', 'farther', 'about the same'];

/** The test's own classification of r_B / r_A. */
function expectedClass(a: OrbitParams, b: OrbitParams): string | null {
  const r = b.radiusM / a.radiusM;
  if (r < 0.88) return 'closer';
  if (r > 1.12) return 'farther';
  if (r >= 0.96 && r <= 1.04) return 'about the same';
  return null;
}

const forbiddenFor = (cls: string) => (cls === 'closer' ? ['farther', 'same'] : cls === 'farther' ? ['closer', 'same'] : ['closer', 'farther']);

describe('distance on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(distanceFamily, 2000);
  });

  it('answers agree with the radius ratio recomputed from the orbits', () => {
    expect(drawn.samples.length).toBe(2000);
    for (const { plan, question } of drawn.samples) {
      const [a, b] = plan.orbits;
      expect(question.answerText).toBe(expectedClass(a, b));
      // And with the camera centres the renderer uses (distance from the origin).
      const dist = (m: number[][]) => Math.hypot(m[0][3], m[1][3], m[2][3]);
      const ratio = dist(plan.job.views[1].c2wGl) / dist(plan.job.views[0].c2wGl);
      expect(question.difficulty.value).toBeCloseTo(ratio, 9);
    }
  });

  it('has the three options, the answer at the requested slot and a matching letter', () => {
    for (const { question, slot } of drawn.samples) {
      expect(shapeProblems(question, slot, 3)).toEqual([]);
      expect([...question.options].sort()).toEqual([...CLASSES].sort());
    }
  });

  it('writes reasoning that never contradicts the answer', () => {
    for (const { question, truth } of drawn.samples) {
      expect(reasoningProblems(question, truth, forbiddenFor(question.answerText))).toEqual([]);
      const sentences = splitSentences(question.reasoning);
      expect(sentences[sentences.length - 2]).toContain(`ratio ${truth.radiusRatio.toFixed(2)}`);
      // The apparent-size sentence, when written, points the same way as the answer.
      const size = /about (\d+)% of the first image (?:and|against) (\d+)% of the second/.exec(question.reasoning);
      if (size && question.answerText === 'closer') expect(Number(size[2])).toBeGreaterThanOrEqual(Number(size[1]));
      if (size && question.answerText === 'farther') expect(Number(size[2])).toBeLessThanOrEqual(Number(size[1]));
    }
  });

  it('balances answer letters within ±5 % over 2,000 samples', () => {
    const h = letterHistogram(drawn.samples.map((s) => s.question));
    for (const letter of ['A', 'B', 'C']) expect(Math.abs(h[letter] / (2000 / 3) - 1)).toBeLessThanOrEqual(0.05);
  });

  it('uses several question templates', () => {
    expect(DISTANCE_TEMPLATES.length).toBeGreaterThanOrEqual(3);
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(DISTANCE_TEMPLATES.length);
  });

  it('counts every re-draw under a known reason', () => {
    expect(Object.values(drawn.redraws).reduce((a, b) => a + b, 0)).toBe(drawn.attempts - drawn.samples.length);
    for (const reason of Object.keys(drawn.redraws)) expect(['out-of-frame', 'too-small', 'near-threshold']).toContain(reason);
    for (const r of drawn.rejected.filter((x) => x.reason === 'too-small')) {
      expect(Math.min(r.truth.views[0].coverage, r.truth.views[1].coverage)).toBeLessThan(0.04);
    }
  });
});

describe('distance on hand-made truths', () => {
  const build = (rA: number, rB: number, slot = 0) => buildDistanceQuestion(makeTruth({ radiusM: rA }, { radiusM: rB }), createRng(4), slot);
  const verdict = (ratio: number) => distanceApplies(makeTruth({ radiusM: 3 }, { radiusM: 3 * ratio }));

  it('classifies closer, farther and about the same', () => {
    const closer = build(3, 2.4, 1);
    expect(closer.answerText).toBe('closer');
    expect(closer.answerLetter).toBe('B');
    expect(closer.reasoning).toMatch(/ratio 0\.80/);
    expect(build(3, 3.6).answerText).toBe('farther');
    expect(build(3, 3).answerText).toBe('about the same');
    expect(build(3, 3 * 0.96).answerText).toBe('about the same');
  });

  it('re-draws between the thresholds, not just outside them', () => {
    for (const r of [0.9, 0.95, 1.05, 1.1, 0.881, 1.119]) expect(verdict(r), `ratio ${r}`).toEqual({ ok: false, reason: 'near-threshold' });
    for (const r of [0.879, 0.961, 1.039, 1.121]) expect(verdict(r), `ratio ${r}`).toEqual({ ok: true });
  });

  it('re-draws on bad framing, and refuses to build such a sample', () => {
    expect(distanceApplies(makeTruth({ radiusM: 3 }, { radiusM: 2 }, { inFrame: [false, false] }))).toEqual({ ok: false, reason: 'out-of-frame' });
    expect(distanceApplies(makeTruth({ radiusM: 3 }, { radiusM: 5 }, { coverage: [0.2, 0.03] }))).toEqual({ ok: false, reason: 'too-small' });
    expect(() => build(3, 3.3)).toThrow(/distance: .*near-threshold/);
  });

  it('writes the size sentence only when it agrees with the answer', () => {
    const agrees = buildDistanceQuestion(makeTruth({ radiusM: 3 }, { radiusM: 2.4 }, { coverage: [0.2, 0.3] }), createRng(4), 0);
    expect(agrees.reasoning).toMatch(/20% of the first image (?:and|against) 30% of the second/);
    const against = buildDistanceQuestion(makeTruth({ radiusM: 3 }, { radiusM: 2.4 }, { coverage: [0.3, 0.2] }), createRng(4), 0);
    expect(against.reasoning).not.toMatch(/% of the first image/);
  });

  it('exports its thresholds and checks options', () => {
    expect(DISTANCE_DEFAULTS).toMatchObject({ closerBelow: 0.88, fartherAbove: 1.12, sameMin: 0.96, sameMax: 1.04, minCoverage: 0.04 });
    expect(() => createDistanceFamily({ closerBelow: 0.99 })).toThrow(/distance: need/);
  });
});
