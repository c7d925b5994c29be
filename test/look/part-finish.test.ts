/**
 * Seeded part finishes (`--materials varied`, assets/procedural/part-finish.ts): the pattern only
 * darkens the part's own colour, within its contrast; finishes are a pure function of the stream;
 * a scene object's parts share one; unlit stand-ins keep none; the plain look plans no finish.
 */
import { describe, expect, it } from 'vitest';
import { drawPartFinish, patternValue, PATTERNS, withFinishes } from '../../assets/procedural/part-finish.js';
import { buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import { planSample } from '../../pipeline/plan/plan-sample.js';
import { drawScene } from '../../pipeline/plan/plan-scene.js';
import { sampleRng } from '../../pipeline/rng.js';
import type { ProceduralObjectSpec } from '../../pipeline/types.js';

describe('part finishes', () => {
  it('darkens by at most the contrast, and every pattern varies across the part except none', () => {
    for (let i = 0; i < 60; i++) {
      const f = drawPartFinish(sampleRng(1, 'materials', i, 0));
      let min = 1;
      let max = 0;
      for (let u = 0; u < 1; u += 1 / 32) {
        for (let v = 0; v < 1; v += 1 / 32) {
          const g = patternValue(f, u, v);
          min = Math.min(min, g);
          max = Math.max(max, g);
        }
      }
      expect(min).toBeGreaterThanOrEqual(1 - f.contrast - 1e-12);
      expect(max).toBeLessThanOrEqual(1);
      if (f.pattern === 'none') expect(min).toBe(1);
      else expect(max - min).toBeGreaterThan(0.05);
    }
    const seen = new Set(Array.from({ length: 200 }, (_, i) => drawPartFinish(sampleRng(2, 'materials', i, 0)).pattern));
    expect([...seen].sort()).toEqual([...PATTERNS].sort());
  });

  it('gives a scene object\'s parts one finish, and is a pure function of its stream', () => {
    const scene = drawScene(sampleRng(3, 'plan', 0, 0), 'scene-x', [3, 5]);
    const finished = withFinishes(scene, sampleRng(3, 'materials', 0, 0));
    expect(withFinishes(scene, sampleRng(3, 'materials', 0, 0))).toEqual(finished);
    for (const o of finished.scene!.objects) {
      const finishes = finished.parts.slice(o.parts[0], o.parts[1]).map((p) => JSON.stringify(p.finish));
      expect(new Set(finishes).size).toBe(1);
    }
    // An unlit part (a library model's stand-in) keeps no finish.
    const withStandIn: ProceduralObjectSpec = { ...scene, parts: scene.parts.map((p, i) => (i === 0 ? { ...p, material: 'basic' } : p)) };
    expect(withFinishes(withStandIn, sampleRng(3, 'materials', 0, 0)).parts[0].finish).toBeUndefined();
  });

  it('plans finishes and look.materials only with --materials varied, and leaves the plain plan as it was', () => {
    const schedule = buildFamilySchedule([{ family: 'orbit', weight: 1 }]);
    const base = { seed: 5, width: 64, height: 64, schedule };
    const plain = planSample(base, 3);
    const varied = planSample({ ...base, materials: 'varied' }, 3);
    expect(plain.job.object.parts.every((p) => p.finish === undefined)).toBe(true);
    expect(plain.job.lighting.materials).toBeUndefined();
    expect(varied.job.object.parts.every((p) => p.finish !== undefined)).toBe(true);
    expect(varied.job.lighting.materials).toBe('varied');
    // Everything else of the plan is the plain one's: the finishes come from their own stream.
    expect(varied.orbits).toEqual(plain.orbits);
    expect({ ...varied.job.lighting, materials: undefined }).toEqual({ ...plain.job.lighting, materials: undefined });
    expect(varied.job.object.parts.map(({ finish: _f, ...p }) => p)).toEqual(plain.job.object.parts);
  });
});
