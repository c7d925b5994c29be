import { beforeAll, describe, expect, it } from 'vitest';
import {
  ELEVATION_DEFAULTS,
  ELEVATION_TEMPLATES,
  buildElevationQuestion,
  createElevationFamily,
  elevationApplies,
  elevationFamily,
} from '../../pipeline/questions/elevation.js';
import { createRng } from '../../pipeline/rng.js';
import type { OrbitParams } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { makeTruth } from './make-truth.js';

const CLASSES = ['higher', 'lower', 'about the same'];

/** The test's own classification: same if |Δel| < 5, higher if > 10, lower if < −10, else none. */
function expectedClass(a: OrbitParams, b: OrbitParams): string | null {
  const d = b.elevationDeg - a.elevationDeg;
  if (d > 10) return 'higher';
  if (d < -10) return 'lower';
  if (Math.abs(d) < 5) return 'about the same';
  return null;
}

function height(o: OrbitParams): number {
  return o.radiusM * Math.sin((o.elevationDeg * Math.PI) / 180);
}

const forbiddenFor = (cls: string) => (cls === 'higher' ? ['lower', 'same'] : cls === 'lower' ? ['higher', 'same'] : ['higher', 'lower']);

describe('elevation on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(elevationFamily, 2000);
  });

  it('answers agree with Δelevation and camera heights recomputed from the orbits', () => {
    expect(drawn.samples.length).toBe(2000);
    for (const { plan, question } of drawn.samples) {
      const [a, b] = plan.orbits;
      const cls = expectedClass(a, b);
      expect(question.answerText).toBe(cls);
      if (cls === 'higher') expect(height(b)).toBeGreaterThan(height(a));
      if (cls === 'lower') expect(height(b)).toBeLessThan(height(a));
      expect(question.difficulty.value).toBeCloseTo(b.elevationDeg - a.elevationDeg, 9);
      expect(question.difficulty.margin).toBeGreaterThan(0);
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
      expect(sentences[sentences.length - 2]).toContain(`${Math.round(Math.abs(truth.deltaElevationDeg))}°`);
    }
  });

  it('balances answer letters within ±5 % over 2,000 samples', () => {
    const h = letterHistogram(drawn.samples.map((s) => s.question));
    for (const letter of ['A', 'B', 'C']) expect(Math.abs(h[letter] / (2000 / 3) - 1)).toBeLessThanOrEqual(0.05);
  });

  it('uses several question templates', () => {
    expect(ELEVATION_TEMPLATES.length).toBeGreaterThanOrEqual(3);
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(ELEVATION_TEMPLATES.length);
  });

  it('counts every re-draw under a known reason, and rejects what the rules say', () => {
    expect(Object.values(drawn.redraws).reduce((a, b) => a + b, 0)).toBe(drawn.attempts - drawn.samples.length);
    for (const reason of Object.keys(drawn.redraws)) expect(['out-of-frame', 'too-small', 'near-threshold', 'height-disagrees']).toContain(reason);
    for (const r of drawn.rejected.filter((x) => x.reason === 'near-threshold')) expect(expectedClass(r.plan.orbits[0], r.plan.orbits[1])).toBeNull();
  });
});

describe('elevation on hand-made truths', () => {
  const build = (a: Partial<OrbitParams>, b: Partial<OrbitParams>, slot = 0) => buildElevationQuestion(makeTruth(a, b), createRng(3), slot);

  it('classifies rises, falls and small changes', () => {
    const up = build({ elevationDeg: 20 }, { elevationDeg: 35 }, 2);
    expect(up.answerText).toBe('higher');
    expect(up.answerLetter).toBe('C');
    expect(up.reasoning).toMatch(/15°/);
    expect(build({ elevationDeg: 30 }, { elevationDeg: 12 }).answerText).toBe('lower');
    expect(build({ elevationDeg: -15 }, { elevationDeg: -3 }).answerText).toBe('higher');
    expect(build({ elevationDeg: 20 }, { elevationDeg: 23 }).answerText).toBe('about the same');
  });

  it('re-draws between the thresholds, not just outside them', () => {
    const verdict = (d: number) => elevationApplies(makeTruth({ elevationDeg: 20 }, { elevationDeg: 20 + d }));
    for (const d of [5, 7, 10, -5, -9.9, -10]) expect(verdict(d), `Δel ${d}`).toEqual({ ok: false, reason: 'near-threshold' });
    for (const d of [4.9, -4.9, 0, 10.1, -10.1]) expect(verdict(d), `Δel ${d}`).toEqual({ ok: true });
  });

  it('re-draws when the camera height changes against the elevation angle', () => {
    // Elevation 5° → 16° (higher) while the radius shrinks from 4 m to 1.2 m: height 0.35 m → 0.33 m.
    const truth = makeTruth({ elevationDeg: 5, radiusM: 4 }, { elevationDeg: 16, radiusM: 1.2 });
    expect(truth.views[1].camera.centre[1]).toBeLessThan(truth.views[0].camera.centre[1]);
    expect(elevationApplies(truth)).toEqual({ ok: false, reason: 'height-disagrees' });
    expect(elevationApplies(makeTruth({ elevationDeg: -5, radiusM: 4 }, { elevationDeg: -16, radiusM: 1.2 }))).toEqual({ ok: false, reason: 'height-disagrees' });
  });

  it('re-draws on bad framing, and refuses to build such a sample', () => {
    expect(elevationApplies(makeTruth({ elevationDeg: 0 }, { elevationDeg: 30 }, { inFrame: [true, false] }))).toEqual({ ok: false, reason: 'out-of-frame' });
    expect(elevationApplies(makeTruth({ elevationDeg: 0 }, { elevationDeg: 30 }, { coverage: [0.02, 0.3] }))).toEqual({ ok: false, reason: 'too-small' });
    expect(() => build({ elevationDeg: 20 }, { elevationDeg: 27 })).toThrow(/elevation: .*near-threshold/);
  });

  it('exports its thresholds and checks options', () => {
    expect(ELEVATION_DEFAULTS).toMatchObject({ sameWithinDeg: 5, changeAboveDeg: 10, minCoverage: 0.04 });
    expect(() => createElevationFamily({ sameWithinDeg: 12 })).toThrow(/sameWithinDeg/);
    const loose = createElevationFamily({ changeAboveDeg: 6 });
    expect(loose.applies(makeTruth({ elevationDeg: 20 }, { elevationDeg: 27 }))).toEqual({ ok: true });
  });
});
