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
