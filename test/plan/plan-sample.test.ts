import { describe, expect, it } from 'vitest';
import { buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import { minRadiusForFov } from '../../pipeline/plan/camera-motion.js';
import { planSample } from '../../pipeline/plan/plan-sample.js';
import { fitToUnitSphere, partHalfExtents } from '../../assets/procedural/fit-to-unit-sphere.js';
import { orbitCamera } from '../../pipeline/geometry/orbit-camera.js';

const schedule = buildFamilySchedule(['orbit', 'orbit-direction', 'elevation', 'distance'].map((family) => ({ family, weight: 1 })));
const config = { seed: 42, width: 512, height: 512, schedule };

describe('planSample', () => {
  it('is a pure function of (config, index, attempt)', () => {
    expect(JSON.stringify(planSample(config, 123, 0))).toBe(JSON.stringify(planSample(config, 123, 0)));
    expect(JSON.stringify(planSample(config, 123, 1))).not.toBe(JSON.stringify(planSample(config, 123, 0)));
  });

  it('keeps the family across re-draws and names the sample by seed and index', () => {
    const a = planSample(config, 6, 0);
    const b = planSample(config, 6, 3);
    expect(b.family).toBe(a.family);
    expect(b.familyIndex).toBe(a.familyIndex);
    expect(a.id).toBe('vf-0000002a-00000006');
  });

  it('builds view matrices from the orbit parameters it records', () => {
    for (let i = 0; i < 50; i++) {
      const p = planSample(config, i);
      for (const v of [0, 1] as const) {
        expect(p.job.views[v].c2wGl).toEqual(orbitCamera(p.orbits[v], p.intrinsics).c2wGl);
        expect(p.job.views[v].fovYDeg).toBe(p.intrinsics.fovYDeg);
      }
    }
  });

  it('keeps every object inside the unit sphere, with unique part names and colours', () => {
    for (let i = 0; i < 300; i++) {
      const { object } = planSample(config, i).job;
      for (const part of object.parts) {
        expect(Math.hypot(...part.position) + Math.hypot(...partHalfExtents(part))).toBeLessThanOrEqual(1 + 1e-9);
      }
      expect(new Set(object.parts.map((p) => p.name)).size).toBe(object.parts.length);
      expect(new Set(object.parts.map((p) => p.colorName)).size).toBe(object.parts.length);
    }
  });

  it('places cameras far enough for the unit sphere to fit the field of view', () => {
    for (let i = 0; i < 300; i++) {
      const p = planSample(config, i);
      for (const o of p.orbits) expect(o.radiusM).toBeGreaterThanOrEqual(0.95 * minRadiusForFov(p.intrinsics.fovYDeg) - 1e-9);
    }
  });
});

describe('fitToUnitSphere', () => {
  it('centres and scales a lopsided object into radius 0.98', () => {
    const fitted = fitToUnitSphere({
      kind: 'procedural',
      generator: 't',
      name: 't',
      symmetry: 'none',
      parts: [
        { name: 'a', colorName: 'red', colorHex: '#ff0000', shape: 'box', size: [2, 2, 2], position: [10, 0, 0], rotationDeg: [0, 0, 0], material: 'basic' },
        { name: 'b', colorName: 'blue', colorHex: '#0000ff', shape: 'box', size: [2, 2, 2], position: [14, 0, 0], rotationDeg: [0, 0, 0], material: 'basic' },
      ],
    });
    expect(fitted.parts[0].position[0]).toBeCloseTo(-fitted.parts[1].position[0], 12);
    const r = Math.max(...fitted.parts.map((p) => Math.hypot(...p.position) + Math.hypot(...partHalfExtents(p))));
    expect(r).toBeCloseTo(0.98, 12);
  });
});

describe('planSample for the SAT families', () => {
  const satSchedule = buildFamilySchedule(['ego-turn', 'object-rotation', 'perspective', 'relative-depth'].map((family) => ({ family, weight: 1 })));
  const satConfig = { seed: 7, width: 256, height: 256, schedule: satSchedule };
  const plans = Array.from({ length: 800 }, (_, i) => planSample(satConfig, i));

  it('ego-turn: one centre, pans within ±(fov/2 − 2.5°) that differ by a turn of at most 30°, low elevation', () => {
    for (const p of plans.filter((x) => x.family === 'ego-turn')) {
      const [a, b] = p.orbits;
      expect([b.azimuthDeg, b.elevationDeg, b.radiusM, b.rollDeg]).toEqual([a.azimuthDeg, a.elevationDeg, a.radiusM, a.rollDeg]);
      const limit = p.intrinsics.fovYDeg / 2 - 2.5 + 1e-9;
      expect(Math.abs(a.panDeg)).toBeLessThanOrEqual(limit);
      expect(Math.abs(b.panDeg)).toBeLessThanOrEqual(limit);
      expect(Math.abs(b.panDeg - a.panDeg)).toBeLessThanOrEqual(30);
      expect(a.elevationDeg).toBeGreaterThanOrEqual(-5);
      expect(a.elevationDeg).toBeLessThanOrEqual(15);
      expect(p.job.objectYawDeg[1]).toBe(p.job.objectYawDeg[0]);
    }
  });

  it('object-rotation: one camera, the object turned; bins drawn evenly', () => {
    const bins = [0, 0, 0, 0, 0];
    for (const p of plans.filter((x) => x.family === 'object-rotation')) {
      expect(p.orbits[1]).toEqual(p.orbits[0]);
      const turn = p.job.objectYawDeg[1] - p.job.objectYawDeg[0];
      expect(Math.abs(turn)).toBeGreaterThan(0);
      expect(Math.abs(turn)).toBeLessThanOrEqual(180);
      bins[[30, 60, 90, 135, 180].findIndex((e) => Math.abs(turn) < e)]++;
    }
    for (const n of bins) expect(n).toBeGreaterThan(25);
  });

  it('the other families look at the object (pan 0) and keep the object still; perspective views are ≥ 60° apart', () => {
    for (const p of plans.filter((x) => x.family === 'perspective' || x.family === 'relative-depth')) {
      expect(p.orbits.map((o) => o.panDeg)).toEqual([0, 0]);
      expect(p.job.objectYawDeg[1]).toBe(p.job.objectYawDeg[0]);
      if (p.family === 'perspective') {
        const d = Math.abs(((p.orbits[1].azimuthDeg - p.orbits[0].azimuthDeg + 540) % 360) - 180);
        expect(d).toBeGreaterThanOrEqual(60 - 1e-9);
      }
    }
  });
});

describe('planSample: answer contents balanced by the answer class', () => {
  const families = ['orbit', 'orbit-direction', 'elevation', 'distance', 'ego-turn', 'object-rotation'];
  const cfg = { seed: 7, width: 256, height: 256, schedule: buildFamilySchedule(families.map((family) => ({ family, weight: 1 }))) };
  const classOf: Record<string, (p: ReturnType<typeof planSample>) => string> = {
    orbit: (p) => {
      const d = ((p.orbits[1].azimuthDeg - p.orbits[0].azimuthDeg + 540) % 360) - 180;
      return `${d > 0 ? 'right' : 'left'} ${[30, 60, 90, 135, 180.001].findIndex((e) => Math.abs(d) < e)}`;
    },
    'orbit-direction': (p) => (((p.orbits[1].azimuthDeg - p.orbits[0].azimuthDeg + 540) % 360) - 180 > 0 ? 'right' : 'left'),
    elevation: (p) => {
      const d = p.orbits[1].elevationDeg - p.orbits[0].elevationDeg;
      return Math.abs(d) <= 3 ? 'same' : d > 0 ? 'higher' : 'lower';
    },
    distance: (p) => {
      const r = p.orbits[1].radiusM / p.orbits[0].radiusM;
      return r < 0.9 ? 'closer' : r > 1.1 ? 'farther' : 'same';
    },
    'ego-turn': (p) => {
      const t = p.orbits[1].panDeg - p.orbits[0].panDeg;
      return `${t > 0 ? 'right' : 'left'} ${[10, 20, 30].findIndex((e) => Math.abs(t) < e)}`;
    },
    'object-rotation': (p) => {
      const t = p.job.objectYawDeg[1] - p.job.objectYawDeg[0];
      return `${t > 0 ? 'ccw' : 'cw'} ${[30, 60, 90, 135, 180].findIndex((e) => Math.abs(t) < e)}`;
    },
  };
  const counts: Record<string, number> = { orbit: 10, 'orbit-direction': 2, elevation: 3, distance: 3, 'ego-turn': 6, 'object-rotation': 10 };

  it('draws every answer content equally often in each family, whatever the re-draws', () => {
    for (const family of families) {
      const n = counts[family];
      // 20 blocks of n questions, each question re-drawn a different number of times: the content follows the question, not the draw.
      const seen = new Map<string, number>();
      let found = 0;
      for (let index = 0; found < 20 * n; index++) {
        const first = planSample(cfg, index, 0);
        if (first.family !== family) continue;
        found++;
        const plan = planSample(cfg, index, index % 5);
        expect(classOf[family](plan)).toBe(classOf[family](first));
        seen.set(classOf[family](plan), (seen.get(classOf[family](plan)) ?? 0) + 1);
      }
      expect(seen.size, family).toBe(n);
      for (const [content, k] of seen) expect(k, `${family} ${content}`).toBe(20);
    }
  });
});
