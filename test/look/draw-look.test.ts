import { describe, expect, it } from 'vitest';
import { drawBaseLighting, drawLook, ENV_LIGHT_SCALE, getLowestY, LOOK_DEFAULTS, scaleColour, type LookConfig } from '../../pipeline/plan/draw-look.js';
import { buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import { minRadiusForFov } from '../../pipeline/plan/camera-motion.js';
import { planSample } from '../../pipeline/plan/plan-sample.js';
import { createRng, sampleRng } from '../../pipeline/rng.js';
import type { OrbitParams, PartSpec, ProceduralObjectSpec } from '../../pipeline/types.js';

function part(shape: PartSpec['shape'], size: number[], position: PartSpec['position'], rotationDeg: PartSpec['rotationDeg']): PartSpec {
  return { name: shape, colorName: shape, colorHex: '#d62728', shape, size, position, rotationDeg, material: 'standard' };
}
const object = (parts: PartSpec[]): ProceduralObjectSpec => ({ kind: 'procedural', generator: 'test', name: 't', parts, symmetry: 'none' });
const orbit = (elevationDeg: number): OrbitParams => ({ azimuthDeg: 10, elevationDeg, radiusM: 3, rollDeg: 0, panDeg: 0 });
const look = (over: Partial<LookConfig>): LookConfig => ({ ...LOOK_DEFAULTS, ...over });

describe('getLowestY', () => {
  it('takes each part\'s turned box (hand-computed)', () => {
    // Box 0.4 high centred at y = 0.1: bottom at −0.1.
    expect(getLowestY(object([part('box', [1, 0.4, 0.2], [0, 0.1, 0], [0, 0, 0])]))).toBeCloseTo(-0.1, 12);
    // Same box turned 90° about Z: its 1 m width is now vertical → bottom at 0.1 − 0.5.
    expect(getLowestY(object([part('box', [1, 0.4, 0.2], [0, 0.1, 0], [0, 0, 90])]))).toBeCloseTo(-0.4, 12);
    // Turned 90° about X: the 0.2 depth is vertical → 0.1 − 0.1 = 0.
    expect(getLowestY(object([part('box', [1, 0.4, 0.2], [0, 0.1, 0], [90, 0, 0])]))).toBeCloseTo(0, 12);
    // 45° about Z: half-height = (0.5 + 0.2)·√½.
    expect(getLowestY(object([part('box', [1, 0.4, 0.2], [0, 0, 0], [0, 0, 45])]))).toBeCloseTo(-0.7 * Math.SQRT1_2, 12);
    // The lowest of several parts; a sphere of radius 0.3 at y = −0.5 reaches −0.8.
    expect(getLowestY(object([part('box', [1, 0.4, 0.2], [0, 0.1, 0], [0, 0, 0]), part('sphere', [0.3], [0.2, -0.5, 0], [0, 0, 0])]))).toBeCloseTo(-0.8, 12);
  });
});

describe('drawLook', () => {
  const obj = object([part('box', [1, 0.4, 0.2], [0, 0.1, 0], [0, 0, 0])]);

  it('keeps the original five light draws on the plan stream', () => {
    const a = drawLook(createRng(5), createRng(6), look({ background: 'solid' }), obj, [orbit(30), orbit(30)]);
    const { background, keyAzimuthDeg, keyElevationDeg } = a;
    const base = drawBaseLighting(createRng(5));
    expect({ background, keyAzimuthDeg, keyElevationDeg }).toEqual({ background: base.background, keyAzimuthDeg: base.keyAzimuthDeg, keyElevationDeg: base.keyElevationDeg });
    // Every sample is lit by the neutral room too, so key and ambient are scaled down as for an --env map.
    expect(a.ambientIntensity).toBeCloseTo(base.ambientIntensity * ENV_LIGHT_SCALE, 12);
    expect(a.keyIntensity).toBeCloseTo(base.keyIntensity * ENV_LIGHT_SCALE, 12);
    expect(a.backgroundBottom).toBeNull();
    expect(a.sky).toBeNull();
    expect(a.environment).toMatchObject({ file: 'room' });
    expect(a.ground).toBeNull();
  });

  it('draws gradients, skies, environment maps and ground planes as configured', () => {
    let gradients = 0;
    let skies = 0;
    for (let s = 0; s < 300; s++) {
      const l = drawLook(sampleRng(1, 'plan', s), sampleRng(1, 'look', s), look({ background: 'mixed' }), obj, [orbit(30), orbit(30)]);
      if (l.backgroundBottom) gradients += 1;
      if (l.sky) skies += 1;
      expect(l.backgroundBottom && l.sky).toBeFalsy();
    }
    // A third each (binomial sd ≈ 8 of 300).
    expect(gradients).toBeGreaterThan(70);
    expect(gradients).toBeLessThan(130);
    expect(skies).toBeGreaterThan(70);
    expect(skies).toBeLessThan(130);
    const sky = drawLook(createRng(1), createRng(2), look({ background: 'sky' }), obj, [orbit(30), orbit(10)]).sky!;
    expect(sky.turbidity).toBeGreaterThanOrEqual(2);
    expect(sky.turbidity).toBeLessThan(8);
    expect(sky.ground).toMatch(/^#[0-9a-f]{6}$/);
    const l = drawLook(createRng(1), createRng(2), look({ background: 'gradient', envFiles: ['a.hdr', 'b.hdr'], envShare: 1, groundShare: 1 }), obj, [orbit(30), orbit(10)]);
    expect(l.backgroundBottom).toMatch(/^#[0-9a-f]{6}$/);
    expect(['a.hdr', 'b.hdr']).toContain(l.environment!.file);
    expect(l.ground).toEqual({ y: getLowestY(obj), shadowOpacity: expect.any(Number) });
    // Environment light scales the key and ambient down.
    expect(l.keyIntensity).toBeLessThan(drawBaseLighting(createRng(1)).keyIntensity);
    // envShare 0 and groundShare 0: no map (the neutral room instead) and no ground.
    const none = drawLook(createRng(1), createRng(2), look({ envFiles: ['a.hdr'], envShare: 0, groundShare: 0 }), obj, [orbit(30), orbit(10)]);
    expect(none.environment).toMatchObject({ file: 'room' });
    expect(none.ground).toBeNull();
  });

  it('leaves the ground out when a camera is not above it', () => {
    // Camera at elevation −10°, radius 3: y = −0.52 < −0.1 + clearance.
    const l = drawLook(createRng(1), createRng(2), look({ groundShare: 1 }), obj, [orbit(30), orbit(-10)]);
    expect(l.ground).toBeNull();
    // Just above: elevation with 3·sin(el) = 0 → above −0.1 + 0.05.
    expect(drawLook(createRng(1), createRng(2), look({ groundShare: 1 }), obj, [orbit(30), orbit(0)]).ground).not.toBeNull();
  });

  it('scales colours channel by channel', () => {
    expect(scaleColour('#ff8000', 0.5)).toBe('#804000');
  });
});

describe('planSample with look and camera ranges', () => {
  const schedule = buildFamilySchedule(['orbit', 'distance', 'object-rotation'].map((family) => ({ family, weight: 1 })));
  it('draws fov and distance within the configured ranges and leaves the old draws alone', () => {
    const camera = { fovYDeg: [60, 70] as [number, number], elevationDeg: [-20, 70] as [number, number], rollDeg: 0, radiusFactor: [1.2, 2.2] as [number, number] };
    for (let i = 0; i < 40; i++) {
      const p = planSample({ seed: 3, width: 64, height: 64, schedule, camera, look: look({ groundShare: 1 }) }, i);
      expect(p.intrinsics.fovYDeg).toBeGreaterThanOrEqual(60);
      expect(p.intrinsics.fovYDeg).toBeLessThan(70);
      for (const o of p.orbits) {
        expect(o.radiusM).toBeGreaterThanOrEqual(1.2 * minRadiusForFov(p.intrinsics.fovYDeg) - 1e-9);
        expect(o.radiusM).toBeLessThanOrEqual(2.2 * minRadiusForFov(p.intrinsics.fovYDeg) + 1e-9);
      }
      // The look never changes the object, its pose or the cameras.
      const plain = planSample({ seed: 3, width: 64, height: 64, schedule, camera, look: look({ background: 'solid' }) }, i);
      expect(p.job.object).toEqual(plain.job.object);
      expect(p.job.views).toEqual(plain.job.views);
      expect(p.job.objectYawDeg).toEqual(plain.job.objectYawDeg);
      expect(p.job.lighting.keyAzimuthDeg).toBe(plain.job.lighting.keyAzimuthDeg);
    }
  });
});

describe('mapLook (record meta)', () => {
  it('records every option, null when absent, rounded', async () => {
    const { mapLook } = await import('../../pipeline/records/record-meta.js');
    const base = { background: '#E9EEF5', ambientIntensity: 0.123456789, keyAzimuthDeg: 12.3456789, keyElevationDeg: 45, keyIntensity: 2 };
    expect(mapLook(base)).toEqual({
      background: '#e9eef5',
      background_bottom: '#e9eef5',
      ambient_intensity: 0.123456789,
      key_azimuth_deg: 12.345679,
      key_elevation_deg: 45,
      key_intensity: 2,
      env_map: null,
      env_rotation_deg: null,
      env_intensity: null,
      env_as_background: null,
      ground_y: null,
      ground_shadow_opacity: null,
      materials: 'plain',
      background_kind: 'solid',
      sky_turbidity: null,
      sky_rayleigh: null,
      sky_mie_coefficient: null,
      sky_mie_g: null,
      sky_cloud_coverage: null,
      sky_cloud_seed: null,
      sky_exposure: null,
      sky_ground: null,
    });
    const full = mapLook({ ...base, backgroundBottom: '#102030', environment: { file: 'a.hdr', rotationDeg: 10, intensity: 0.5, asBackground: true }, ground: { y: -0.75, shadowOpacity: 0.3 }, materials: 'varied' });
    expect(full.materials).toBe('varied');
    expect([full.env_map, full.env_rotation_deg, full.env_intensity, full.env_as_background]).toEqual(['a.hdr', 10, 0.5, true]);
    expect([full.ground_y, full.ground_shadow_opacity]).toEqual([-0.75, 0.3]);
    expect(full.background_bottom).toBe('#102030');
    expect(full.background_kind).toBe('gradient');
    const sky = mapLook({ ...base, sky: { turbidity: 3.1234567891, rayleigh: 1, mieCoefficient: 0.005, mieDirectionalG: 0.8, cloudCoverage: 0.4, cloudSeed: 12, exposure: 0.5, ground: '#5F7A3A' } });
    expect(sky).toMatchObject({ background_kind: 'sky', sky_turbidity: 3.123456789, sky_cloud_coverage: 0.4, sky_ground: '#5f7a3a' });
  });
});

describe('the neutral room', () => {
  it('lights every sample when no --env map does, library model or procedural object', async () => {
    const { planSample } = await import('../../pipeline/plan/plan-sample.js');
    const { buildFamilySchedule } = await import('../../pipeline/plan/family-schedule.js');
    const { standInPart } = await import('../../assets/procedural/stand-in-part.js');
    const { ROOM_INTENSITY, ENV_LIGHT_SCALE } = await import('../../pipeline/plan/draw-look.js');
    const halfExtents: [number, number, number] = [0.5, 0.4, 0.5];
    const model = {
      kind: 'library' as const, name: 'box', category: null, licence: null, path: 'box.glb', contentHash: 'b'.repeat(64), url: '/assets/0/box.glb',
      normalisation: { upAxis: 'y' as const, centre: [0, 0, 0] as [number, number, number], scale: 1, metresPerUnit: null, matrix: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] as [[number, number, number, number], [number, number, number, number], [number, number, number, number], [number, number, number, number]] },
      halfExtents, symmetry: 'none' as const, parts: [standInPart(halfExtents)] as [ReturnType<typeof standInPart>],
    };
    const schedule = buildFamilySchedule([{ family: 'orbit', weight: 1 }]);
    for (let i = 0; i < 20; i++) {
      const lib = planSample({ seed: 1, width: 64, height: 64, schedule, library: [model] }, i).job.lighting;
      expect(lib.environment).toMatchObject({ file: 'room', asBackground: false });
      expect(lib.environment!.intensity).toBeGreaterThanOrEqual(ROOM_INTENSITY[0]);
      expect(lib.environment!.intensity).toBeLessThan(ROOM_INTENSITY[1]);
      const plain = planSample({ seed: 1, width: 64, height: 64, schedule }, i).job.lighting;
      expect(plain.environment).toMatchObject({ file: 'room', asBackground: false });
      // The key and ambient light are scaled as for an --env map.
      expect(lib.keyIntensity / ENV_LIGHT_SCALE).toBeGreaterThan(1);
    }
  });
});
