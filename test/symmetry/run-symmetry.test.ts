/**
 * The run loop's sample resolution with symmetric library objects (no rendering): rotation
 * families only keep turns the symmetry leaves visible, and re-draw the rest as 'symmetric-object';
 * other families are unaffected.
 */
import { describe, expect, it } from 'vitest';
import { standInPart } from '../../assets/procedural/stand-in-part.js';
import { buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import type { PlanConfig } from '../../pipeline/plan/plan-sample.js';
import { getRelativeTurnDeg } from '../../pipeline/questions/symmetry-ambiguity.js';
import { resolveSample } from '../../pipeline/run/resolve-sample.js';
import type { LibraryObjectSpec, Vec3 } from '../../pipeline/types.js';

function libraryObject(symmetry: LibraryObjectSpec['symmetry']): LibraryObjectSpec {
  const halfExtents: Vec3 = [0.5, 0.4, 0.5];
  const I = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] as LibraryObjectSpec['normalisation']['matrix'];
  return {
    kind: 'library', name: `box-${symmetry}`, category: null, licence: null, path: 'box.glb', contentHash: 'a'.repeat(64), url: '/assets/0/box.glb',
    normalisation: { upAxis: 'y', centre: [0, 0, 0], scale: 1, metresPerUnit: null, matrix: I },
    halfExtents, symmetry, parts: [standInPart(halfExtents)],
  };
}

function config(families: string[], symmetry: LibraryObjectSpec['symmetry']): PlanConfig {
  return { seed: 1, width: 128, height: 128, schedule: buildFamilySchedule(families.map((family) => ({ family, weight: 1 }))), library: [libraryObject(symmetry)] };
}

describe('resolveSample with symmetric objects', () => {
  it('keeps only visible turns for c2 and c4 objects, re-drawing the rest', () => {
    for (const [symmetry, limit] of [['c2', 85], ['c4', 40]] as const) {
      const reasons: string[] = [];
      for (let i = 0; i < 24; i++) {
        const { truth, plan } = resolveSample(config(['orbit', 'orbit-direction', 'object-rotation'], symmetry), i, (_f, r) => reasons.push(r));
        expect(Math.abs(getRelativeTurnDeg(truth)), `${symmetry} ${plan.family}`).toBeLessThan(limit);
      }
      expect(reasons).toContain('symmetric-object');
    }
  });

  it('cannot ask a rotation family about a continuous object, but still asks elevation and distance', () => {
    expect(() => resolveSample(config(['orbit'], 'continuous'), 0, () => {})).toThrow(/stayed ambiguous.*symmetry hides the turn/);
    const reasons: string[] = [];
    for (let i = 0; i < 6; i++) resolveSample(config(['elevation', 'distance'], 'continuous'), i, (_f, r) => reasons.push(r));
    expect(reasons).not.toContain('symmetric-object');
  });
});
