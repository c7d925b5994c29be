import { beforeAll, describe, expect, it } from 'vitest';
import {
  PERSPECTIVE_TEMPLATES,
  buildPerspectiveQuestion,
  createPerspectiveFamily,
  listPerspectivePairs,
  perspectiveApplies,
  perspectiveFamily,
} from '../../pipeline/questions/perspective.js';
import { createRng } from '../../pipeline/rng.js';
import type { PartView } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { PARTS_A, makeTruth } from './make-truth.js';
import { partCentreWorld, toCamera } from './plan-camera.js';

describe('perspective on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(perspectiveFamily, 400);
  });

  it('places the second camera far around the object (|Δazimuth| ≥ 60°)', () => {
    expect(drawn.samples.length).toBe(400);
    for (const { truth } of drawn.samples) expect(Math.abs(truth.deltaAzimuthDeg)).toBeGreaterThanOrEqual(60);
  });

  it('answers agree with the part centres transformed into camera B (x right)', () => {
    for (const { plan, question } of drawn.samples) {
      const [x, y] = question.namedParts!.map((p) => p.name);
      const xb = toCamera(plan, 1, partCentreWorld(plan, 1, x));
      const yb = toCamera(plan, 1, partCentreWorld(plan, 1, y));
      expect(question.answerText).toBe(xb[0] < yb[0] ? 'left' : 'right');
      expect(Math.abs(xb[0] - yb[0])).toBeGreaterThanOrEqual(0.05 - 1e-9);
      // …and with the image order (x/z), which the family requires to agree.
      expect(Math.sign(xb[0] / xb[2] - yb[0] / yb[2])).toBe(question.answerText === 'left' ? -1 : 1);
    }
  });

  it('names the two parts in the question in order: one seen in view B, one hidden there and seen in view A', () => {
    for (const { question, truth } of drawn.samples) {
      const parts = question.namedParts!;
      expect(parts).toHaveLength(2);
      const inB = parts.map((p) => truth.views[1].parts.find((v) => v.name === p.name)!.visible);
      expect(inB.filter(Boolean)).toHaveLength(1);
      const carried = parts[inB.indexOf(false)].name;
      expect(truth.views[0].parts.find((v) => v.name === carried)!.visible).toBe(true);
      // The reasoning says where the carried part is seen, and that the second image does not show it.
      const spec = truth.object.parts.find((s) => s.name === carried)!;
      expect(question.reasoning).toMatch(new RegExp(`(${spec.colorName} ${spec.name} cannot be seen in the second image)|(second image does not show the ${spec.colorName} ${spec.name})`, 'i'));
      const labels = parts.map((p) => {
        const spec = truth.object.parts.find((s) => s.name === p.name)!;
        expect(p.view).toBe(1);
        return `the ${spec.colorName} ${spec.name}`;
      });
      const [ix, iy] = labels.map((l) => question.question.indexOf(l));
      expect(ix).toBeGreaterThan(0);
      expect(iy).toBeGreaterThan(ix);
    }
  });

  it('has the two options, the answer at the requested slot, and reasoning that never contradicts it', () => {
    for (const { question, slot, truth } of drawn.samples) {
      expect(shapeProblems(question, slot, 2)).toEqual([]);
      expect([...question.options].sort()).toEqual(['left', 'right']);
      const other = question.answerText === 'left' ? 'right' : 'left';
      expect(reasoningProblems(question, truth, [other])).toEqual([]);
      const sentences = splitSentences(question.reasoning);
      expect(sentences[sentences.length - 2]).toMatch(/second viewpoint|second camera/);
      expect(sentences[sentences.length - 2]).toContain(question.answerText);
    }
  });

  it('balances letters and left/right exactly; uses every template; counts re-draws', () => {
    const h = letterHistogram(drawn.samples.map((s) => s.question));
    expect(h).toEqual({ A: 200, B: 200 });
    // The answer class decides the side: exactly half left.
    expect(drawn.samples.filter((s) => s.question.answerText === 'left').length).toBe(200);
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(PERSPECTIVE_TEMPLATES.length);
    expect(Object.values(drawn.redraws).reduce((a, b) => a + b, 0)).toBe(drawn.attempts - drawn.samples.length);
    for (const reason of Object.keys(drawn.redraws)) expect(['out-of-frame', 'too-small', 'too-few-parts', 'no-hidden-part', 'parts-too-close']).toContain(reason);
  });

  it('asks about pairs whose order differs between the two views in a good share of samples', () => {
    const flipped = drawn.samples.filter((s) => /by contrast|opposite order/.test(s.question.reasoning)).length;
    expect(flipped / 400).toBeGreaterThan(0.15);
  });
});

describe('perspective on hand-made truths', () => {
  // 384 px, fov 45°: fx ≈ 463.5, cx = 192.
  function part(name: string, u: number, depthM: number, visible = true): PartView {
    return { name, centrePx: [u, 192], depthM, visibleFraction: visible ? 0.6 : 0, visible, horizontal: u < 128 ? 'left' : u >= 256 ? 'right' : 'centre', vertical: 'middle' };
  }
  const truthWith = (partsB: PartView[]) => makeTruth({ azimuthDeg: 0 }, { azimuthDeg: 120 }, { parts: [PARTS_A, partsB] });

  it('answers from camera-B x of the part centres, pairing a part hidden in B (seen in A) with one seen in B', () => {
    // View A (PARTS_A) shows body, handle and knob; here B shows body and fin, and hides handle and knob.
    const t = truthWith([part('body', 192, 3), part('handle', 100, 2.8, false), part('knob', 195, 2.9, false), part('fin', 300, 3.2)]);
    expect(perspectiveApplies(t)).toEqual({ ok: true });
    // knob–body are 3 px apart in B: too close.
    expect(listPerspectivePairs(t).map(([a, b]) => [a.name, b.name])).toEqual([['handle', 'body'], ['handle', 'fin'], ['knob', 'fin']]);
    const u = Object.fromEntries(t.views[1].parts.map((p) => [p.name, p.centrePx[0]]));
    for (let seed = 0; seed < 20; seed++) {
      const q = buildPerspectiveQuestion(t, createRng(seed), seed % 2);
      const [x, y] = q.namedParts!.map((p) => p.name);
      expect(q.answerText).toBe(u[x] < u[y] ? 'left' : 'right');
      expect([x, y].filter((n) => n === 'handle' || n === 'knob')).toHaveLength(1);
    }
  });

  it('re-draws with no part seen in B, no part to carry over from A, or only parts too close side by side', () => {
    expect(perspectiveApplies(truthWith([part('body', 192, 3, false), part('handle', 100, 2.8, false), part('knob', 195, 2.9, false), part('fin', 300, 3.2, false)]))).toEqual({
      ok: false,
      reason: 'too-few-parts',
    });
    expect(perspectiveApplies(truthWith([part('body', 192, 3), part('handle', 100, 2.8), part('knob', 195, 2.9), part('fin', 300, 3.2)]))).toEqual({
      ok: false,
      reason: 'no-hidden-part',
    });
    // 384 px wide: 6 % is 23 px. Centres 20 px apart are too close.
    expect(perspectiveApplies(truthWith([part('body', 192, 3), part('handle', 212, 2.8, false), part('knob', 172, 2.9, false), part('fin', 300, 3.2, false)]))).toEqual({
      ok: false,
      reason: 'parts-too-close',
    });
    // A part whose centre projects outside the image is not asked about as seen in B.
    expect(perspectiveApplies(truthWith([part('body', -10, 3), part('handle', 100, 2.8, false), part('knob', 195, 2.9, false), part('fin', 300, 3.2, false)]))).toEqual({
      ok: false,
      reason: 'too-few-parts',
    });
  });

  it('checks its options', () => {
    expect(() => createPerspectiveFamily({ minSeparationFraction: 2 })).toThrow(/minSeparationFraction/);
    expect(perspectiveFamily.stage).toBe('rl');
    expect(perspectiveFamily.optionCount).toBe(2);
  });
});
