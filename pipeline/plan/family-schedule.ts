/**
 * Deterministic assignment of question families to global sample indices, and of answer slots
 * within each family, so both are balanced exactly and computable for any index in O(1) — a
 * worker that builds only shard 17 gets the same families and letters as a one-machine run.
 *
 * Families follow a repeating cycle built by smooth weighted round-robin from integer weights
 * (e.g. weights 2:1:1 give the cycle a b a c). The answer slot of the k-th sample of a family
 * with n options comes from a seeded permutation of 0..n−1 for block ⌊k / n⌋, so every block of n
 * consecutive questions of a family uses each letter exactly once.
 */
import { sampleRng } from '../rng.js';

/** A family and its integer weight in the cycle. */
export interface FamilyWeight {
  family: string;
  weight: number;
}

export interface FamilySchedule {
  /** The repeating cycle of family names. */
  cycle: string[];
  /** Family name and index of the sample among its family's samples, for a global index. */
  familyAt(index: number): { family: string; familyIndex: number };
}

/** Builds the cycle by smooth weighted round-robin (deterministic tie-break: list order). */
export function buildFamilySchedule(weights: readonly FamilyWeight[]): FamilySchedule {
  if (weights.length === 0) throw new RangeError('familySchedule: at least one family is needed');
  for (const w of weights) {
    if (!Number.isInteger(w.weight) || w.weight < 1) {
      throw new RangeError(`familySchedule: weight of "${w.family}" must be a positive integer, got ${w.weight}`);
    }
  }
  const total = weights.reduce((s, w) => s + w.weight, 0);
  const current = weights.map(() => 0);
  const cycle: string[] = [];
  for (let step = 0; step < total; step++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i].weight;
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    cycle.push(weights[best].family);
  }
  // before[p] = how many times cycle[p]'s family occurs in cycle[0..p).
  const seen = new Map<string, number>();
  const before = cycle.map((f) => {
    const n = seen.get(f) ?? 0;
    seen.set(f, n + 1);
    return n;
  });
  return {
    cycle,
    familyAt(index: number) {
      const p = index % total;
      const family = cycle[p];
      const perCycle = seen.get(family)!;
      return { family, familyIndex: Math.floor(index / total) * perCycle + before[p] };
    },
  };
}

/** The balanced answer slot (0-based) for the `familyIndex`-th question of `family`. */
export function answerSlot(seed: number, family: string, familyIndex: number, optionCount: number): number {
  const block = Math.floor(familyIndex / optionCount);
  const perm = sampleRng(seed, `letters:${family}`, block).shuffle([...Array(optionCount).keys()]);
  return perm[familyIndex % optionCount];
}
