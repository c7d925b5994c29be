import { beforeAll, describe, expect, it } from 'vitest';
import {
  OBJECT_ROTATION_DEFAULTS,
  OBJECT_ROTATION_TEMPLATES,
  buildObjectRotationQuestion,
  createObjectRotationFamily,
  objectRotationApplies,
  objectRotationFamily,
} from '../../pipeline/questions/object-rotation.js';
import { createRng } from '../../pipeline/rng.js';
import type { GroundTruth, ObjectSpec } from '../../pipeline/types.js';
import { letterHistogram, reasoningProblems, shapeProblems, splitSentences } from './check-reasoning.js';
import { drawSamples, type DrawResult } from './draw-samples.js';
import { TEST_OBJECT, makeTruth } from './make-truth.js';
import { glAxes, objectToWorld, pixelU, toCamera } from './plan-camera.js';

// The test's own bins, written independently of the family.
const BINS: [number, number][] = [[0, 30], [30, 60], [60, 90], [90, 135], [135, 180]];
const EDGES = [0, 30, 60, 90, 135, 180];
const MARGIN = 5;

/**
 * Signed turn of the object seen from above, from its pose in each view: the object's +X axis in
 * world coordinates for both views, looked at from above (+Y towards the viewer, so the plane
 * shows X to the right and −Z upwards). > 0 = counter-clockwise.
 */
function turnSeenFromAbove(plan: Parameters<typeof objectToWorld>[0]): number {
  const a = objectToWorld(plan, 0, [1, 0, 0]);
  const b = objectToWorld(plan, 1, [1, 0, 0]);
  // Screen coordinates from above: (right, up) = (X, −Z). The signed angle from a to b; CCW positive.
  const [ax, ay] = [a[0], -a[2]];
  const [bx, by] = [b[0], -b[2]];
  return (Math.atan2(ax * by - ay * bx, ax * bx + ay * by) * 180) / Math.PI;
}

function expectedText(turn: number): string {
  const m = Math.abs(turn);
  const [lo, hi] = BINS.find(([l, h]) => m >= l && m < h) ?? BINS[BINS.length - 1];
  return `${turn > 0 ? 'counter-clockwise' : 'clockwise'}, ${lo}–${hi}°`;
}

describe('object-rotation on planned samples', () => {
  let drawn: DrawResult;
  beforeAll(() => {
    drawn = drawSamples(objectRotationFamily, 400);
  });

  it('keeps the camera fixed and turns the object', () => {
    expect(drawn.samples.length).toBe(400);
    for (const { plan, truth } of drawn.samples) {
      expect(plan.job.views[1].c2wGl).toEqual(plan.job.views[0].c2wGl);
      expect(plan.orbits[1]).toEqual(plan.orbits[0]);
      expect(plan.job.objectYawDeg[1]).not.toBe(plan.job.objectYawDeg[0]);
      expect(truth.relative.baselineM).toBe(0);
      expect(truth.relative.angleDeg).toBe(0);
    }
  });

  it('answers agree with the turn seen from above, computed from the object pose', () => {
    for (const { plan, question } of drawn.samples) {
      const turn = turnSeenFromAbove(plan);
      expect(question.answerText).toBe(expectedText(turn));
      expect(question.difficulty.value).toBeCloseTo(turn, 9);
      expect(Math.min(...EDGES.map((e) => Math.abs(Math.abs(turn) - e)))).toBeGreaterThanOrEqual(MARGIN);
    }
  });

  it('a counter-clockwise turn (seen from above) carries the near side of the object to the right of the image', () => {
    // Second check of the sign convention through the camera: a point on the object's side facing
    // the camera, turned by a small angle, moves right in the image for a CCW turn.
    for (const { plan, question } of drawn.samples.slice(0, 100)) {
      const cam = glAxes(plan, 0);
      const toCam = [cam.centre[0], 0, cam.centre[2]];
      const n = Math.hypot(toCam[0], toCam[2]);
      const near: [number, number, number] = [(0.5 * toCam[0]) / n, 0, (0.5 * toCam[2]) / n];
      // Rotate the world point by ±3° about +Y (right-handed) and see where it goes in the image.
      const turn = (deg: number): [number, number, number] => {
        const a = (deg * Math.PI) / 180;
        return [Math.cos(a) * near[0] + Math.sin(a) * near[2], 0, -Math.sin(a) * near[0] + Math.cos(a) * near[2]];
      };
      const du = pixelU(plan, 0, turn(3)) - pixelU(plan, 0, turn(-3));
      expect(toCamera(plan, 0, near)[2]).toBeGreaterThan(0);
      expect(du).toBeGreaterThan(0); // +yaw (CCW from above) moves the near side right
      if (question.answerText.startsWith('counter')) expect(question.difficulty.value).toBeGreaterThan(0);
    }
  });

  it('has distinct options, two per direction, the answer at the requested slot', () => {
    for (const { question, slot } of drawn.samples) {
      expect(shapeProblems(question, slot, 4)).toEqual([]);
      expect(question.options.filter((o) => o.startsWith('clockwise, '))).toHaveLength(2);
      expect(question.options.filter((o) => o.startsWith('counter-clockwise, '))).toHaveLength(2);
    }
  });

  it('writes reasoning that never contradicts the answer', () => {
    for (const { question, truth } of drawn.samples) {
      expect(reasoningProblems(question, truth, [])).toEqual([]);
      const side = question.answerText.split(', ')[0];
      const sentences = splitSentences(question.reasoning);
      const conclusion = sentences[sentences.length - 2];
      expect(conclusion).toContain(`${side} `);
      if (side === 'clockwise') expect(conclusion).not.toMatch(/counter/);
      expect(conclusion).toContain(question.answerText.split(', ')[1]);
      expect(conclusion).toMatch(new RegExp(`about ${Math.round(Math.abs(truth.deltaObjectYawDeg))}(\\.\\d)?°`));
      // The near-side sentence, when present, names a part visible in both views and the right image direction.
      const witness = /(?:^|\. )(?:On the side facing the camera, (the [a-z ]+?) is carried|(The [a-z ]+?), on the side of the object facing the camera, moves) towards the (left|right)/i.exec(question.reasoning);
      if (witness) {
        expect(witness[3]).toBe(side === 'clockwise' ? 'left' : 'right');
        const label = (witness[1] ?? witness[2]).toLowerCase();
        const part = truth.object.parts.find((p) => `the ${p.colorName} ${p.name}` === label)!;
        expect(truth.views[0].parts.find((p) => p.name === part.name)!.visible).toBe(true);
        expect(truth.views[1].parts.find((p) => p.name === part.name)!.visible).toBe(true);
      }
    }
  });

  it('balances answer letters exactly, directions roughly', () => {
    const h = letterHistogram(drawn.samples.map((s) => s.question));
    for (const letter of ['A', 'B', 'C', 'D']) expect(h[letter]).toBe(100);
    const ccw = drawn.samples.filter((s) => s.question.answerText.startsWith('counter')).length;
    expect(ccw / 400).toBeGreaterThan(0.4);
    expect(ccw / 400).toBeLessThan(0.6);
  });

  it('uses every template and counts every re-draw under a known reason', () => {
    expect(new Set(drawn.samples.map((s) => s.question.templateId)).size).toBe(OBJECT_ROTATION_TEMPLATES.length);
    expect(Object.values(drawn.redraws).reduce((a, b) => a + b, 0)).toBe(drawn.attempts - drawn.samples.length);
    for (const reason of Object.keys(drawn.redraws)) expect(['out-of-frame', 'too-small', 'camera-moved', 'symmetric-object', 'near-bin-edge']).toContain(reason);
  });
});

describe('object-rotation on hand-made truths', () => {
  const turned = (delta: number, symmetry: ObjectSpec['symmetry'] = 'none', b: Parameters<typeof makeTruth>[1] = {}): GroundTruth => ({
    ...makeTruth({}, b),
    deltaObjectYawDeg: delta,
    object: { ...TEST_OBJECT, symmetry },
  });
  const build = (t: GroundTruth, slot = 0) => buildObjectRotationQuestion(t, createRng(6), slot);

  it('+47° is "counter-clockwise, 30–60°", −100° is "clockwise, 90–135°"', () => {
    const q = build(turned(47), 1);
    expect(q.answerText).toBe('counter-clockwise, 30–60°');
    expect(q.answerLetter).toBe('B');
    expect(q.difficulty).toEqual({ margin: 13, marginUnit: 'deg', bin: 'counter-clockwise 30-60°', value: 47 });
    expect(build(turned(-100)).answerText).toBe('clockwise, 90–135°');
  });

  it('re-draws near the bin edges, 0° and 180° included', () => {
    for (const d of [0, 3, -4.9, 26, 34.9, -58, 93, 131, 139, 176, -180, 180]) expect(objectRotationApplies(turned(d)), `Δ ${d}`).toEqual({ ok: false, reason: 'near-bin-edge' });
    for (const d of [5.1, -24.9, 45, 65.1, -84.9, 112, 140.1, -174.9]) expect(objectRotationApplies(turned(d)), `Δ ${d}`).toEqual({ ok: true });
  });

  it('re-draws symmetric objects where the turn is ambiguous', () => {
    expect(objectRotationApplies(turned(45, 'continuous'))).toEqual({ ok: false, reason: 'symmetric-object' });
    // c2: a turn by Δ looks like Δ − 180°, so only |Δ| < 90° − margin is asked.
    expect(objectRotationApplies(turned(47, 'c2'))).toEqual({ ok: true });
    for (const d of [86, 100, -120, 170]) expect(objectRotationApplies(turned(d, 'c2')), `c2 Δ ${d}`).toEqual({ ok: false, reason: 'symmetric-object' });
    // c4: a turn by Δ looks like Δ − 90°, so only |Δ| < 45° − margin is asked.
    expect(objectRotationApplies(turned(20, 'c4'))).toEqual({ ok: true });
    for (const d of [41, 47, 80, 100, 178]) expect(objectRotationApplies(turned(d, 'c4')), `c4 Δ ${d}`).toEqual({ ok: false, reason: 'symmetric-object' });
  });

  it('re-draws when the camera moved or the framing is bad', () => {
    expect(objectRotationApplies(turned(47, 'none', { azimuthDeg: 5 }))).toEqual({ ok: false, reason: 'camera-moved' });
    expect(objectRotationApplies({ ...turned(47), views: [turned(47).views[0], { ...turned(47).views[1], inFrame: false }] })).toEqual({ ok: false, reason: 'out-of-frame' });
  });

  it('refuses to build a sample that must be re-drawn, and checks its options', () => {
    expect(() => build(turned(30))).toThrow(/object-rotation: .*near-bin-edge/);
    expect(OBJECT_ROTATION_DEFAULTS.binEdgesDeg).toEqual(EDGES);
    expect(() => createObjectRotationFamily({ binEdgesDeg: [0, 90, 170] })).toThrow(/binEdgesDeg/);
    expect(() => createObjectRotationFamily({ pairWeights: [[0, 1], [1, 0]] })).toThrow(/pairWeights/);
    expect(objectRotationFamily.stage).toBe('rl');
  });
});
