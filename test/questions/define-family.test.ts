import { describe, expect, it } from 'vitest';
import { drawCameraMotion } from '../../pipeline/plan/camera-motion.js';
import { FAMILIES, LIBRARY_FAMILIES, defineFamily, getFamily } from '../../pipeline/questions/index.js';
import { MODERATE_MOTION } from '../../pipeline/questions/family-motion.js';
import { EGO_TURN_DEFAULTS, OBJECT_ROTATION_DEFAULTS, ORBIT_DEFAULTS, createOrbitFamily } from '../../pipeline/questions/index.js';
import { sampleRng } from '../../pipeline/rng.js';

const stub = { name: 'probe', stage: 'sft' as const, optionCount: 2, applies: () => ({ ok: true as const }), build: () => { throw new Error('not built'); } };

describe('defineFamily', () => {
  it('fills the defaults and freezes the family', () => {
    const f = defineFamily(stub);
    expect(f.motion).toBe(MODERATE_MOTION);
    expect(f.turnSensitive).toBe(false);
    expect(f.namesParts).toBe(false);
    expect(Object.isFrozen(f)).toBe(true);
  });

  it('refuses a definition that cannot work, naming the family and the field', () => {
    expect(() => defineFamily({ ...stub, name: 'Bad Name' })).toThrow(/name must be lower-case/);
    expect(() => defineFamily({ ...stub, optionCount: 1 })).toThrow(/probe: optionCount must be an integer ≥ 2/);
    expect(() => defineFamily({ ...stub, motion: { classes: 0, draw: MODERATE_MOTION.draw } })).toThrow(/probe: motion.classes/);
  });

  it('a family its own motion: the planner draws what the definition says', () => {
    const turn = defineFamily({ ...stub, motion: { classes: 2, draw: (m, cls) => ({ deltaAzimuthDeg: cls === 0 ? 40 : -40, elevationDeg: [10, 10], radiusM: [3, 3], objectTurnDeg: 7 }) } });
    const a = drawCameraMotion(turn, 45, sampleRng(1, 'plan', 0, 0), undefined, 0);
    const b = drawCameraMotion(turn, 45, sampleRng(1, 'plan', 0, 0), undefined, 1);
    expect(a.objectTurnDeg).toBe(7);
    expect(a.orbits[0].azimuthDeg).toBe(b.orbits[0].azimuthDeg);
    const dAz = (m: typeof a) => ((m.orbits[1].azimuthDeg - m.orbits[0].azimuthDeg + 540) % 360) - 180;
    expect(dAz(a)).toBeCloseTo(40, 9);
    expect(dAz(b)).toBeCloseTo(-40, 9);
  });
});

describe('facts read from the registry', () => {
  it('binned families balance as many motion classes as they ask bins (two sides each), from their own edges', () => {
    expect(getFamily('orbit').motion.classes).toBe(2 * (ORBIT_DEFAULTS.binEdgesDeg.length - 1));
    expect(getFamily('ego-turn').motion.classes).toBe(2 * (EGO_TURN_DEFAULTS.binEdgesDeg.length - 1));
    expect(getFamily('object-rotation').motion.classes).toBe(2 * (OBJECT_ROTATION_DEFAULTS.binEdgesDeg.length - 1));
    expect(createOrbitFamily({ binEdgesDeg: [0, 90, 180] }).motion.classes).toBe(4);
    expect(getFamily('elevation').motion.classes).toBe(3);
    expect(getFamily('distance').motion.classes).toBe(3);
  });

  it('the library families are the part-free ones, and the turn-sensitive ones are the rotation questions', () => {
    expect(LIBRARY_FAMILIES).toEqual(FAMILIES.filter((f) => !f.namesParts && !f.scene).map((f) => f.name));
    expect(LIBRARY_FAMILIES).not.toContain('perspective');
    expect(LIBRARY_FAMILIES).not.toContain('relative-depth');
    expect(FAMILIES.filter((f) => f.turnSensitive).map((f) => f.name)).toEqual(['orbit', 'orbit-direction', 'object-rotation', 'perspective']);
  });

  it('every bin an orbit motion draws lands in the bin its class names', () => {
    const orbit = getFamily('orbit');
    const edges = ORBIT_DEFAULTS.binEdgesDeg;
    for (let cls = 0; cls < orbit.motion.classes!; cls++) {
      for (let i = 0; i < 20; i++) {
        const m = drawCameraMotion(orbit, 45, sampleRng(3, 'plan', i, cls), undefined, cls);
        const d = ((m.orbits[1].azimuthDeg - m.orbits[0].azimuthDeg + 540) % 360) - 180;
        const bin = Math.floor(cls / 2);
        expect(Math.sign(d)).toBe(cls % 2 === 0 ? 1 : -1);
        expect(Math.abs(d)).toBeGreaterThanOrEqual(edges[bin] - 1e-9);
        expect(Math.abs(d)).toBeLessThanOrEqual(edges[bin + 1] + 1e-9);
      }
    }
  });
});
