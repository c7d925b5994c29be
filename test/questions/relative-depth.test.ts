import { beforeAll, describe, expect, it } from 'vitest';
import {
  RELATIVE_DEPTH_TEMPLATES,
  buildRelativeDepthQuestion,
  createRelativeDepthFamily,
  getDepthGapBin,
  listRelativeDepthPairs,
  relativeDepthApplies,
  relativeDepthFamily,
} from '../../pipeline/questions/relative-depth.js';
import { CLASS_KEPT_DRAWS } from '../../pipeline/plan/family-schedule.js';
import { createRng } from '../../pipeline/rng.js';
import type { PartView } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { PARTS_A, TEST_OBJECT, makeTruth } from './make-truth.js';
import { partCentreWorld, toCamera } from './plan-camera.js';

describe('relative-depth on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(relativeDepthFamily, 400);
  });

  it('answers agree with camera-B z of the part centres, with a clear gap', () => {
    expect(drawn.samples.length).toBe(400);
    for (const { plan, question, truth } of drawn.samples) {
      const [x, y] = question.namedParts!.map((p) => p.name);
      const zx = toCamera(plan, 1, partCentreWorld(plan, 1, x))[2];
      const zy = toCamera(plan, 1, partCentreWorld(plan, 1, y))[2];
      const near = zx < zy ? x : y;
      const spec = truth.object.parts.find((p) => p.name === near)!;
      expect(question.answerText).toBe(`the ${spec.colorName} ${spec.name}`);
      expect(Math.abs(zx - zy)).toBeGreaterThanOrEqual(0.05 * Math.min(zx, zy) - 1e-9);
      expect(question.difficulty.value).toBeCloseTo(zx - zy, 9);
    }
  });

  it('names one part seen in view B and one hidden there but seen in view A, in the question and as the two options', () => {
    for (const { question, truth } of drawn.samples) {
      const inB = question.namedParts!.map((p) => truth.views[1].parts.find((v) => v.name === p.name)!.visible);
      expect(inB.filter(Boolean)).toHaveLength(1);
      expect(truth.views[0].parts.find((v) => v.name === question.namedParts![inB.indexOf(false)].name)!.visible).toBe(true);
      const labels = question.namedParts!.map((p) => {
        expect(p.view).toBe(1);
        const spec = truth.object.parts.find((s) => s.name === p.name)!;
        return `the ${spec.colorName} ${spec.name}`;
      });
      expect([...question.options].sort()).toEqual([...labels].sort());
      const [ix, iy] = labels.map((l) => question.question.indexOf(l));
      expect(ix).toBeGreaterThan(0);
      expect(iy).toBeGreaterThan(ix);
    }
  });

  it('has the answer at the requested slot and reasoning that never contradicts it', () => {
    for (const { question, slot, truth } of drawn.samples) {
      expect(shapeProblems(question, slot, 2)).toEqual([]);
      const far = question.options.find((o) => o !== question.answerText)!;
      expect(reasoningProblems(question, truth, [far])).toEqual([]);
      const sentences = splitSentences(question.reasoning);
      expect(sentences[sentences.length - 2]).toContain(question.answerText);
    }
  });

  it('balances its answer classes exactly: for each pair, the alphabetically first name is the nearer one in half the questions', () => {
    const first = drawn.samples.filter(({ question, truth }) => {
      const [x, y] = question.namedParts!.map((p) => truth.views[1].parts.find((v) => v.name === p.name)!);
      const [a, b] = x.name < y.name ? [x, y] : [y, x];
      return a.depthM < b.depthM;
    }).length;
    // Exact, but for the questions that needed more draws than keep their class (each of those may tip it by one).
    const late = drawn.samples.filter(({ plan }) => plan.attempt >= CLASS_KEPT_DRAWS).length;
    expect(late).toBeLessThan(10);
    expect(Math.abs(first - 200)).toBeLessThanOrEqual(late);
  });

  it('balances letters exactly, and which named part is nearer roughly; uses every template; counts re-draws', () => {
    expect(letterHistogram(drawn.samples.map((s) => s.question))).toEqual({ A: 200, B: 200 });
    const firstNearer = drawn.samples.filter((s) => s.question.difficulty.value < 0).length;
    expect(firstNearer / 400).toBeGreaterThan(0.4);
    expect(firstNearer / 400).toBeLessThan(0.6);
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(RELATIVE_DEPTH_TEMPLATES.length);
    expect(Object.values(drawn.redraws).reduce((a, b) => a + b, 0)).toBe(drawn.attempts - drawn.samples.length);
    for (const reason of Object.keys(drawn.redraws)) expect(['out-of-frame', 'too-small', 'too-few-parts', 'no-hidden-part', 'similar-depth', 'no-pair-of-class']).toContain(reason);
  });
});

describe('relative-depth on hand-made truths', () => {
  function part(name: string, u: number, depthM: number, visible = true): PartView {
    return { name, centrePx: [u, 150], depthM, visibleFraction: visible ? 0.6 : 0, visible, horizontal: u < 128 ? 'left' : u >= 256 ? 'right' : 'centre', vertical: 'middle' };
  }
  const truthWith = (partsB: PartView[]) => makeTruth({ azimuthDeg: 0 }, { azimuthDeg: 50 }, { parts: [PARTS_A, partsB] });

  it('picks the part with the smaller camera-B depth, pairing a part hidden in B (seen in A) with one seen in B', () => {
    // View A (PARTS_A) shows body, handle and knob; B shows body and fin and hides handle and knob.
    const t = truthWith([part('body', 192, 3), part('handle', 100, 2.6, false), part('knob', 200, 2.1, false), part('fin', 300, 3.05)]);
    expect(relativeDepthApplies(t)).toEqual({ ok: true });
    expect(listRelativeDepthPairs(t).map(([a, b]) => `${a.name}-${b.name}`)).toEqual(['handle-body', 'handle-fin', 'knob-body', 'knob-fin']);
    for (let seed = 0; seed < 20; seed++) {
      const q = buildRelativeDepthQuestion(t, createRng(seed), seed % 2);
      const [x, y] = q.namedParts!.map((p) => t.views[1].parts.find((v) => v.name === p.name)!);
      const label = (name: string) => `the ${TEST_OBJECT.parts.find((p) => p.name === name)!.colorName} ${name}`;
      expect(q.answerText).toBe(label(x.depthM < y.depthM ? x.name : y.name));
      expect(q.options.filter((o) => o === 'the blue knob' || o === 'the red handle')).toHaveLength(1);
      expect(q.difficulty.margin).toBeGreaterThanOrEqual(0.4 - 1e-9);
    }
  });

  it('re-draws with no part seen in B, no part to carry over, or only parts at nearly equal depth', () => {
    expect(relativeDepthApplies(truthWith([part('body', 192, 3, false), part('handle', 100, 2.6, false), part('knob', 200, 2.1, false), part('fin', 300, 3.05, false)]))).toEqual({
      ok: false,
      reason: 'too-few-parts',
    });
    expect(relativeDepthApplies(truthWith([part('body', 192, 3), part('handle', 100, 2.6), part('knob', 200, 2.1), part('fin', 300, 3.05)]))).toEqual({
      ok: false,
      reason: 'no-hidden-part',
    });
    expect(relativeDepthApplies(truthWith([part('body', 192, 3), part('handle', 100, 2.95, false), part('knob', 200, 3.02, false), part('fin', 300, 3.05, false)]))).toEqual({
      ok: false,
      reason: 'similar-depth',
    });
  });

  it('does not name a part that is only barely visible (visible fraction below 0.25)', () => {
    const sliver = { ...part('fin', 300, 3.6), visibleFraction: 0.2 };
    const t = truthWith([part('body', 192, 3, false), part('handle', 100, 2.98, false), part('knob', 200, 3.01, false), sliver]);
    expect(sliver.visible).toBe(true);
    expect(relativeDepthApplies(t)).toEqual({ ok: false, reason: 'too-few-parts' });
    expect(createRelativeDepthFamily({ minPartVisibleFraction: 0.15 }).applies(t)).toEqual({ ok: true });
  });

  it('bins the depth gap and checks its options', () => {
    expect([0.06, 0.1, 0.19, 0.2, 0.5].map(getDepthGapBin)).toEqual(['gap <10%', 'gap 10-20%', 'gap 10-20%', 'gap ≥20%', 'gap ≥20%']);
    expect(() => createRelativeDepthFamily({ minDepthGapFraction: -1 })).toThrow(/minDepthGapFraction/);
    expect(relativeDepthFamily.stage).toBe('rl');
  });
});
