import { beforeAll, describe, expect, it } from 'vitest';
import {
  ORBIT_DIRECTION_DEFAULTS,
  ORBIT_DIRECTION_TEMPLATES,
  buildOrbitDirectionQuestion,
  createOrbitDirectionFamily,
  orbitDirectionApplies,
  orbitDirectionFamily,
} from '../../pipeline/questions/orbit-direction.js';
import { createRng } from '../../pipeline/rng.js';
import type { GroundTruth, Mat4 } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { makeTruth } from './make-truth.js';

function signedDelta(azA: number, azB: number): number {
  let d = azB - azA;
  while (d > 180) d -= 360;
  while (d <= -180) d += 360;
  return d;
}

/** Camera A's x axis dotted with C_B − C_A, from the renderer's camera-to-world matrices. */
function rightwardMotion(c2wA: Mat4, c2wB: Mat4): number {
  const x = [c2wA[0][0], c2wA[1][0], c2wA[2][0]];
  const d = [c2wB[0][3] - c2wA[0][3], c2wB[1][3] - c2wA[1][3], c2wB[2][3] - c2wA[2][3]];
  return x[0] * d[0] + x[1] * d[1] + x[2] * d[2];
}

describe('orbit-direction on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(orbitDirectionFamily, 2000);
  });

  it('answers agree with Δazimuth from the orbits and with camera A\'s x axis · (C_B − C_A)', () => {
    expect(drawn.samples.length).toBe(2000);
    for (const { plan, question } of drawn.samples) {
      const delta = signedDelta(plan.orbits[0].azimuthDeg, plan.orbits[1].azimuthDeg);
      const dot = rightwardMotion(plan.job.views[0].c2wGl, plan.job.views[1].c2wGl);
      expect(question.answerText).toBe(delta > 0 ? 'right' : 'left');
      expect(question.answerText).toBe(dot > 0 ? 'right' : 'left');
      expect(Math.abs(delta)).toBeGreaterThanOrEqual(10);
      expect(Math.abs(delta)).toBeLessThanOrEqual(170);
    }
  });

  it('has the two options, the answer at the requested slot and a matching letter', () => {
    for (const { question, slot } of drawn.samples) {
      expect(shapeProblems(question, slot, 2)).toEqual([]);
      expect([...question.options].sort()).toEqual(['left', 'right']);
    }
  });

  it('writes reasoning that never contradicts the answer', () => {
    for (const { question, truth } of drawn.samples) {
      const other = question.answerText === 'right' ? 'left' : 'right';
      expect(reasoningProblems(question, truth, [other])).toEqual([]);
      const sentences = splitSentences(question.reasoning);
      expect(sentences[sentences.length - 2]).toContain(question.answerText);
      expect(sentences[sentences.length - 2]).toContain(`${Math.round(Math.abs(truth.deltaAzimuthDeg))}°`);
    }
  });

  it('balances answer letters within ±5 % over 2,000 samples, and the classes roughly', () => {
    const h = letterHistogram(drawn.samples.map((s) => s.question));
    for (const letter of ['A', 'B']) expect(Math.abs(h[letter] / 1000 - 1)).toBeLessThanOrEqual(0.05);
    const right = drawn.samples.filter((s) => s.question.answerText === 'right').length;
    expect(Math.abs(right / 1000 - 1)).toBeLessThan(0.1);
  });

  it('uses several question templates', () => {
    expect(ORBIT_DIRECTION_TEMPLATES.length).toBeGreaterThanOrEqual(3);
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(ORBIT_DIRECTION_TEMPLATES.length);
  });

  it('counts every re-draw under a known reason', () => {
    expect(Object.values(drawn.redraws).reduce((a, b) => a + b, 0)).toBe(drawn.attempts - drawn.samples.length);
    for (const reason of Object.keys(drawn.redraws)) {
      expect(['out-of-frame', 'too-small', 'direction-disagrees', 'near-zero', 'near-half-turn']).toContain(reason);
    }
  });
});

describe('orbit-direction on hand-made truths', () => {
  const build = (truth: GroundTruth, slot = 0) => buildOrbitDirectionQuestion(truth, createRng(2), slot);

  it('Δazimuth = +47° is "right", −100° is "left", 170° → −170° is "right"', () => {
    expect(build(makeTruth({ azimuthDeg: 10 }, { azimuthDeg: 57 })).answerText).toBe('right');
    const left = build(makeTruth({ azimuthDeg: 40 }, { azimuthDeg: -60 }), 1);
    expect(left.answerText).toBe('left');
    expect(left.answerLetter).toBe('B');
    expect(left.options).toEqual(['right', 'left']);
    expect(build(makeTruth({ azimuthDeg: 170 }, { azimuthDeg: -170 })).answerText).toBe('right');
  });

  it('re-draws below 10° and above 170°, not just inside', () => {
    const verdict = (delta: number) => orbitDirectionApplies(makeTruth({ azimuthDeg: 30 }, { azimuthDeg: 30 + delta }));
    for (const d of [9.9, -9.9, 0.5]) expect(verdict(d), `Δaz ${d}`).toEqual({ ok: false, reason: 'near-zero' });
    for (const d of [170.1, -170.1, 180]) expect(verdict(d), `Δaz ${d}`).toEqual({ ok: false, reason: 'near-half-turn' });
    for (const d of [10.1, -10.1, 169.9, -169.9, 90]) expect(verdict(d), `Δaz ${d}`).toEqual({ ok: true });
  });

  it('re-draws on direction disagreement and bad framing', () => {
    const truth = makeTruth({}, { azimuthDeg: -60 });
    expect(orbitDirectionApplies({ ...truth, relative: { ...truth.relative, motionInA: [0.5, 0, 0] } })).toEqual({ ok: false, reason: 'direction-disagrees' });
    expect(orbitDirectionApplies(makeTruth({}, { azimuthDeg: 60 }, { inFrame: [false, true] }))).toEqual({ ok: false, reason: 'out-of-frame' });
    expect(orbitDirectionApplies(makeTruth({}, { azimuthDeg: 60 }, { coverage: [0.3, 0.01] }))).toEqual({ ok: false, reason: 'too-small' });
  });

  it('names the number in its conclusion and the answer last', () => {
    const q = build(makeTruth({ azimuthDeg: 10 }, { azimuthDeg: 57 }), 1);
    const s = splitSentences(q.reasoning);
    expect(s[s.length - 2]).toMatch(/47°/);
    expect(s[s.length - 2]).toMatch(/right/);
    expect(s[s.length - 1]).toMatch(/B/);
    expect(q.difficulty).toEqual({ margin: expect.closeTo(47, 9), marginUnit: 'deg', bin: 'right', value: expect.closeTo(47, 9) });
  });

  it('checks its options', () => {
    expect(ORBIT_DIRECTION_DEFAULTS).toMatchObject({ minTurnDeg: 10, maxTurnDeg: 170, minCoverage: 0.04 });
    expect(() => createOrbitDirectionFamily({ minTurnDeg: 100, maxTurnDeg: 50 })).toThrow(/orbit-direction: .*minTurnDeg/);
    expect(() => build(makeTruth({}, { azimuthDeg: 5 }))).toThrow(/near-zero/);
  });
});
