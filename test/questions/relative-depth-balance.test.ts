/**
 * The committed pair-balance table of `relative-depth` is what the calibration measures today,
 * and it does what it is for: in the scenes it was measured on, every pair kind the family keeps
 * is asked with each of its two parts the nearer one about equally often.
 * Regenerate after a change to the planner, the generators or the family:
 *   VF_UPDATE_BALANCE=1 npx vitest run test/questions/relative-depth-balance.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CALIBRATION_SCENES, measureRelativeDepthBalance, renderBalanceModule } from '../../pipeline/plan/pair-balance-calibration.js';
import { RELATIVE_DEPTH_BALANCE } from '../../pipeline/questions/relative-depth-balance.js';

const MODULE = fileURLToPath(new URL('../../pipeline/questions/relative-depth-balance.ts', import.meta.url));

describe('relative-depth pair balance table', () => {
  const measured = measureRelativeDepthBalance(CALIBRATION_SCENES);

  it('matches a fresh measurement (regenerate with VF_UPDATE_BALANCE=1)', () => {
    if (process.env.VF_UPDATE_BALANCE === '1') {
      writeFileSync(MODULE, renderBalanceModule(measured));
      return;
    }
    expect(readFileSync(MODULE, 'utf8')).toBe(renderBalanceModule(measured));
    expect({ ...RELATIVE_DEPTH_BALANCE }).toEqual(measured);
  });

  it('keeps the rarer orientation of every kind whole and drops kinds seen one way only', () => {
    const kinds = new Map<string, number[]>();
    for (const [key, share] of Object.entries(measured)) {
      const [kind, cls] = key.split(' | ');
      const row = kinds.get(kind) ?? [0, 0];
      row[Number(cls)] = share;
      kinds.set(kind, row);
    }
    expect(kinds.size).toBeGreaterThan(5);
    for (const [kind, [a0, a1]] of kinds) {
      // The commoner orientation is thinned to the rarer one's frequency, which is kept whole; a kind seen one way only is dropped.
      if (a0 > 0 && a1 > 0) expect(Math.max(a0, a1), kind).toBe(1);
      else expect([a0, a1], kind).toEqual([0, 0]);
    }
  });
}, 120_000);
