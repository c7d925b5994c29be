import { describe, expect, it } from 'vitest';
import { checkSymmetryAmbiguity, getRelativeTurnDeg, getSymmetryPeriodDeg, isTurnAnswerable } from '../../pipeline/questions/symmetry-ambiguity.js';
import { getFamily } from '../../pipeline/questions/index.js';
import type { GroundTruth, ObjectSpec } from '../../pipeline/types.js';

/** Just the fields the rule reads. */
function truth(symmetry: ObjectSpec['symmetry'], deltaAzimuthDeg: number, deltaObjectYawDeg: number): GroundTruth {
  return { deltaAzimuthDeg, deltaObjectYawDeg, object: { symmetry } } as unknown as GroundTruth;
}

describe('symmetry ambiguity', () => {
  it('has the period of each class', () => {
    expect([getSymmetryPeriodDeg('none'), getSymmetryPeriodDeg('c2'), getSymmetryPeriodDeg('c4'), getSymmetryPeriodDeg('continuous')]).toEqual([360, 180, 90, 0]);
  });

  it('takes the relative turn as object yaw change minus camera azimuth change, wrapped', () => {
    expect(getRelativeTurnDeg({ deltaAzimuthDeg: 30, deltaObjectYawDeg: 0 })).toBe(-30);
    expect(getRelativeTurnDeg({ deltaAzimuthDeg: 0, deltaObjectYawDeg: -70 })).toBe(-70);
    expect(getRelativeTurnDeg({ deltaAzimuthDeg: -170, deltaObjectYawDeg: 30 })).toBe(-160); // 200 → −160
    expect(getRelativeTurnDeg({ deltaAzimuthDeg: 180, deltaObjectYawDeg: 0 })).toBe(180);
  });

  it('keeps turns below half the period minus the margin (hand-computed)', () => {
    // c2: period 180 → limit 90 − 5 = 85.
    expect(isTurnAnswerable('c2', 84.9)).toBe(true);
    expect(isTurnAnswerable('c2', -85)).toBe(false);
    expect(isTurnAnswerable('c2', 120)).toBe(false); // looks like −60
    expect(isTurnAnswerable('c2', 178)).toBe(false); // almost invisible
    // c4: period 90 → limit 45 − 5 = 40.
    expect(isTurnAnswerable('c4', 39)).toBe(true);
    expect(isTurnAnswerable('c4', 41)).toBe(false);
    expect(isTurnAnswerable('c4', -90)).toBe(false);
    // margin is a parameter
    expect(isTurnAnswerable('c4', 43, 1)).toBe(true);
    // none: every turn; continuous: none
    expect(isTurnAnswerable('none', 180)).toBe(true);
    expect(isTurnAnswerable('continuous', 10)).toBe(false);
  });

  it('applies to the rotation families only', () => {
    expect(checkSymmetryAmbiguity(getFamily('orbit'), truth('c2', 120, 0))).toEqual({ ok: false, reason: 'symmetric-object' });
    expect(checkSymmetryAmbiguity(getFamily('orbit'), truth('c2', 60, 0))).toEqual({ ok: true });
    expect(checkSymmetryAmbiguity(getFamily('orbit-direction'), truth('continuous', 20, 0))).toEqual({ ok: false, reason: 'symmetric-object' });
    expect(checkSymmetryAmbiguity(getFamily('object-rotation'), truth('c4', 0, 50))).toEqual({ ok: false, reason: 'symmetric-object' });
    expect(checkSymmetryAmbiguity(getFamily('object-rotation'), truth('c4', 0, 35))).toEqual({ ok: true });
    for (const family of ['elevation', 'distance', 'ego-turn']) expect(checkSymmetryAmbiguity(getFamily(family), truth('continuous', 30, 0))).toEqual({ ok: true });
    expect(checkSymmetryAmbiguity(getFamily('orbit'), truth('none', 170, 0))).toEqual({ ok: true });
  });
});
