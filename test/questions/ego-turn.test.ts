import { beforeAll, describe, expect, it } from 'vitest';
import {
  EGO_TURN_DEFAULTS,
  EGO_TURN_TEMPLATES,
  buildEgoTurnQuestion,
  createEgoTurnFamily,
  egoTurnApplies,
  egoTurnFamily,
} from '../../pipeline/questions/ego-turn.js';
import { createRng } from '../../pipeline/rng.js';
import type { GroundTruth, PartView } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { PARTS_A, PARTS_B, makeTruth } from './make-truth.js';
import { glAxes, pixelU } from './plan-camera.js';

// The test's own bins, written independently of the family.
const EDGES = [0, 10, 20, 30];
const MARGIN = 1.5;

function expectedText(turnDeg: number): string {
  const m = Math.abs(turnDeg);
  const bin = m < 10 ? '0–10°' : m < 20 ? '10–20°' : '20–30°';
  return `${turnDeg > 0 ? 'right' : 'left'}, ${bin}`;
}

/** Signed turn from A's forward axis to B's about A's down axis, from the renderer matrices: > 0 = right. */
function turnFromMatrices(drawnPlan: Parameters<typeof glAxes>[0]): number {
  const a = glAxes(drawnPlan, 0);
  const b = glAxes(drawnPlan, 1);
  const fB = [-b.z[0], -b.z[1], -b.z[2]];
  const fA = [-a.z[0], -a.z[1], -a.z[2]];
  const along = fB[0] * fA[0] + fB[1] * fA[1] + fB[2] * fA[2];
  const right = fB[0] * a.x[0] + fB[1] * a.x[1] + fB[2] * a.x[2];
  return (Math.atan2(right, along) * 180) / Math.PI;
}

describe('ego-turn on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(egoTurnFamily, 400);
  });

  it('keeps the camera centre and turns it about its own down axis by the planned pan difference', () => {
    expect(drawn.samples.length).toBe(400);
    for (const { plan } of drawn.samples) {
      const [a, b] = [glAxes(plan, 0), glAxes(plan, 1)];
      for (let k = 0; k < 3; k++) expect(b.centre[k]).toBe(a.centre[k]);
      // Pure yaw: B's up axis equals A's.
      for (let k = 0; k < 3; k++) expect(b.y[k]).toBeCloseTo(a.y[k], 12);
      expect(turnFromMatrices(plan)).toBeCloseTo(plan.orbits[1].panDeg - plan.orbits[0].panDeg, 9);
    }
  });

  it('answers agree with the turn measured from the renderer matrices and with the object\'s image shift', () => {
    for (const { plan, question } of drawn.samples) {
      const turn = turnFromMatrices(plan);
      expect(question.answerText).toBe(expectedText(turn));
      expect(question.difficulty.value).toBeCloseTo(turn, 9);
      expect(Math.min(...EDGES.map((e) => Math.abs(Math.abs(turn) - e)))).toBeGreaterThanOrEqual(MARGIN);
      // Turning right slides the object (its centre, the world origin) to the left in the image.
      const shift = pixelU(plan, 1, [0, 0, 0]) - pixelU(plan, 0, [0, 0, 0]);
      expect(Math.sign(shift)).toBe(-Math.sign(turn));
    }
  });

  it('keeps the object in view in both images: centre inside the frame, some part visible', () => {
    for (const { plan, truth } of drawn.samples) {
      for (const i of [0, 1] as const) {
        const u = pixelU(plan, i, [0, 0, 0]);
        expect(u).toBeGreaterThan(0);
        expect(u).toBeLessThan(plan.job.width);
        expect(truth.views[i].parts.some((p) => p.visible)).toBe(true);
      }
    }
  });

  it('has distinct options, two per direction, the answer at the requested slot', () => {
    for (const { question, slot } of drawn.samples) {
      expect(shapeProblems(question, slot, 4)).toEqual([]);
      expect(question.options.filter((o) => o.startsWith('left, '))).toHaveLength(2);
      expect(question.options.filter((o) => o.startsWith('right, '))).toHaveLength(2);
      const [side, range] = question.answerText.split(', ');
      expect(question.options).toContain(`${side === 'left' ? 'right' : 'left'}, ${range}`);
    }
  });

  it('writes reasoning that never contradicts the answer; its image-shift sentence is right', () => {
    for (const { plan, question, truth } of drawn.samples) {
      const side = question.answerText.split(', ')[0];
      const other = side === 'right' ? 'left' : 'right';
      expect(reasoningProblems(question, truth, [other])).toEqual([]);
      const sentences = splitSentences(question.reasoning);
      expect(sentences[sentences.length - 2]).toContain(side);
      expect(sentences[sentences.length - 2]).toContain(question.answerText.split(', ')[1]);
      const evidence = sentences[sentences.length - 3];
      const shift = pixelU(plan, 1, [0, 0, 0]) < pixelU(plan, 0, [0, 0, 0]) ? 'left' : 'right';
      expect(evidence).toMatch(new RegExp(`(shifts|slides) ${shift}\\b`));
      expect(evidence).toMatch(new RegExp(`turns? ${side}|turned ${side}`));
    }
  });

  it('balances answer letters exactly and directions and bins roughly', () => {
    const h = letterHistogram(drawn.samples.map((s) => s.question));
    for (const letter of ['A', 'B', 'C', 'D']) expect(h[letter]).toBe(100);
    const right = drawn.samples.filter((s) => s.question.answerText.startsWith('right')).length;
    expect(right / 400).toBeGreaterThan(0.4);
    expect(right / 400).toBeLessThan(0.6);
    for (const bin of ['0–10°', '10–20°', '20–30°']) {
      const n = drawn.samples.filter((s) => s.question.answerText.endsWith(bin)).length;
      expect(n / 400).toBeGreaterThan(0.25);
    }
  });

  it('uses every template and counts every re-draw under a known reason', () => {
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(EGO_TURN_TEMPLATES.length);
    expect(Object.values(drawn.redraws).reduce((a, b) => a + b, 0)).toBe(drawn.attempts - drawn.samples.length);
    for (const reason of Object.keys(drawn.redraws)) {
      expect(['camera-moved', 'not-a-pure-turn', 'near-bin-edge', 'turn-too-large', 'object-out-of-view', 'too-small', 'parts-hidden', 'direction-disagrees']).toContain(reason);
    }
  });
});

describe('ego-turn on hand-made truths', () => {
  const truth = (panA: number, panB: number, o: Parameters<typeof makeTruth>[2] = {}) => makeTruth({ panDeg: panA }, { panDeg: panB }, o);
  const build = (t: GroundTruth, slot = 0) => buildEgoTurnQuestion(t, createRng(4), slot);

  it('a pan from −5° to +9° is "right, 10–20°"; from 3° to −14° is "left, 10–20°"', () => {
    const q = build(truth(-5, 9), 2);
    expect(q.answerText).toBe('right, 10–20°');
    expect(q.answerLetter).toBe('C');
    expect(q.difficulty).toEqual({ margin: expect.closeTo(4, 9), marginUnit: 'deg', bin: 'right 10-20°', value: expect.closeTo(14, 9) });
    expect(q.reasoning).toMatch(/about 14° to (its|the) right/);
    expect(build(truth(3, -14)).answerText).toBe('left, 10–20°');
  });

  it('re-draws near the bin edges (0° included) and beyond the last one', () => {
    for (const d of [0, 1, -1.4, 8.6, 11.4, -19, 21, 28.6]) expect(egoTurnApplies(truth(-4, -4 + d)), `turn ${d}`).toEqual({ ok: false, reason: 'near-bin-edge' });
    for (const d of [1.6, 8.4, -11.6, 18.4, -21.6, 28.4]) expect(egoTurnApplies(truth(-d / 2, d / 2)), `turn ${d}`).toEqual({ ok: true });
    expect(egoTurnApplies(truth(-16, 16))).toEqual({ ok: false, reason: 'turn-too-large' });
  });

  it('re-draws when the camera moved, tilted, lost the object or sees no part', () => {
    expect(egoTurnApplies(makeTruth({ panDeg: 0 }, { panDeg: 15, azimuthDeg: 2 }))).toEqual({ ok: false, reason: 'camera-moved' });
    expect(egoTurnApplies(makeTruth({ panDeg: 0 }, { panDeg: 15, rollDeg: 3 }))).toEqual({ ok: false, reason: 'not-a-pure-turn' });
    // fov 45°: a pan of 23° puts the object centre outside the image.
    expect(egoTurnApplies(truth(0, 23))).toEqual({ ok: false, reason: 'object-out-of-view' });
    expect(egoTurnApplies(truth(0, 15, { coverage: [0.3, 0.01] }))).toEqual({ ok: false, reason: 'too-small' });
    const hidden: PartView[] = PARTS_B.map((p) => ({ ...p, visible: false, visibleFraction: 0 }));
    expect(egoTurnApplies(truth(0, 15, { parts: [PARTS_A, hidden] }))).toEqual({ ok: false, reason: 'parts-hidden' });
    // Out of frame as a whole (inFrame false) is fine for a turn in place, as long as the centre is in view.
    expect(egoTurnApplies(truth(0, 15, { inFrame: [false, false] }))).toEqual({ ok: true });
  });

  it('refuses to build a sample that must be re-drawn, and checks its options', () => {
    expect(() => build(truth(0, 10))).toThrow(/ego-turn: .*near-bin-edge/);
    expect(EGO_TURN_DEFAULTS.binEdgesDeg).toEqual(EDGES);
    expect(() => createEgoTurnFamily({ binEdgesDeg: [0, 20, 10] })).toThrow(/binEdgesDeg/);
    expect(() => createEgoTurnFamily({ edgeMarginDeg: -1 })).toThrow(/edgeMarginDeg/);
    expect(egoTurnFamily.stage).toBe('rl');
  });
});
