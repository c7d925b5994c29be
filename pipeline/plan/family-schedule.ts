/**
 * Deterministic assignment of question families to global sample indices, and of answer slots
 * within each family, so both are balanced exactly and computable for any index in O(1) — a
 * worker that builds only shard 17 gets the same families and letters as a one-machine run.
 *
 * Families follow a repeating cycle built by smooth weighted round-robin from integer weights
 * (e.g. weights 2:1:1 give the cycle a b a c). The answer slot of the k-th sample of a family
 * with n options comes from a seeded permutation of 0..n−1 for block ⌊k / n⌋, so every block of n
 * consecutive questions of a family uses each letter exactly once. A mix of real weights
 * (`--mix orbit=0.4,…`) becomes integer cycle weights through {@link mixToCycleWeights}.
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

/** Most decimals a mix weight keeps (finer weights are rounded to this). */
export const MIX_DECIMALS = 6;

/** Longest family cycle a mix may produce (the sum of its integer weights). */
export const MAX_CYCLE_LENGTH = 100_000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Turns real mix weights (e.g. orbit 0.4, ego-turn 0.2, …; any positive scale) into the integer
 * cycle weights of {@link buildFamilySchedule}: every weight is rounded to {@link MIX_DECIMALS}
 * decimals and scaled by one common power of ten (the fewest decimals that represent them all),
 * then all are divided by their greatest common divisor. So 0.4 : 0.2 : 0.2 : 0.2 becomes
 * 2 : 1 : 1 : 1 (a cycle of 5) and 1/3 : 1/3 : 1/3 becomes 1 : 1 : 1; the shares of the cycle
 * equal the given shares up to that rounding. Order is kept.
 *
 * @throws RangeError naming the family for a weight that is not a positive finite number (or
 *   rounds to 0), and when the cycle would be longer than {@link MAX_CYCLE_LENGTH}.
 */
export function mixToCycleWeights(mix: readonly FamilyWeight[]): FamilyWeight[] {
  if (mix.length === 0) throw new RangeError('familySchedule: the mix names no family');
  for (const m of mix) {
    if (!(Number.isFinite(m.weight) && m.weight > 0)) throw new RangeError(`familySchedule: mix weight of "${m.family}" must be a positive number, got ${m.weight}`);
  }
  const rounded = mix.map((m) => Number(m.weight.toFixed(MIX_DECIMALS)));
  let decimals = 0;
  for (const w of rounded) {
    while (decimals < MIX_DECIMALS && Math.abs(w * 10 ** decimals - Math.round(w * 10 ** decimals)) > 1e-9 * Math.max(1, w * 10 ** decimals)) decimals++;
  }
  const ints = rounded.map((w) => Math.round(w * 10 ** decimals));
  ints.forEach((k, i) => {
    if (k < 1) throw new RangeError(`familySchedule: mix weight of "${mix[i].family}" is too small (${mix[i].weight}); weights keep ${MIX_DECIMALS} decimals`);
  });
  const g = ints.reduce(gcd);
  const weights = mix.map((m, i) => ({ family: m.family, weight: ints[i] / g }));
  const total = weights.reduce((s, w) => s + w.weight, 0);
  if (total > MAX_CYCLE_LENGTH) {
    throw new RangeError(`familySchedule: the mix ${mix.map((m) => `${m.family}=${m.weight}`).join(',')} needs a cycle of ${total} samples (limit ${MAX_CYCLE_LENGTH}); use rounder weights`);
  }
  return weights;
}

/**
 * A balanced draw of 0 … n − 1 for the `familyIndex`-th question of `family`: each block of n
 * consecutive questions of the family takes every value once, in a seeded order of stream `stream`.
 */
function balancedDraw(seed: number, stream: string, family: string, familyIndex: number, n: number): number {
  const block = Math.floor(familyIndex / n);
  const perm = sampleRng(seed, `${stream}:${family}`, block).shuffle([...Array(n).keys()]);
  return perm[familyIndex % n];
}

/** The balanced answer slot (0-based) for the `familyIndex`-th question of `family`. */
export function answerSlot(seed: number, family: string, familyIndex: number, optionCount: number): number {
  return balancedDraw(seed, 'letters', family, familyIndex, optionCount);
}

/**
 * The balanced answer class (0-based, < `classCount`) for the `familyIndex`-th question of
 * `family`: which answer content the sample is drawn for (a direction and bin of the camera
 * motion, a side, which named part is nearer…), so that every answer content is equally common
 * in every block of `classCount` questions whatever the re-draws, and a model cannot learn the
 * commonest content instead of looking. Independent of the answer slot (its own stream).
 */
export function answerClass(seed: number, family: string, familyIndex: number, classCount: number): number {
  return classCount <= 1 ? 0 : balancedDraw(seed, 'classes', family, familyIndex, classCount);
}

/** Draws of a sample that keep its balanced answer class; later draws take a class of their own. */
export const CLASS_KEPT_DRAWS = 16;

/**
 * The answer class of draw `attempt` of a question: its balanced {@link answerClass} for the first
 * {@link CLASS_KEPT_DRAWS} draws, then one drawn per attempt, so a class the sample cannot take
 * (an object turn that the object's symmetry hides, no pair of the wanted kind) never dead-ends
 * the sample. The balance is exact for every question that needs fewer draws.
 */
export function answerClassOfDraw(seed: number, family: string, familyIndex: number, classCount: number, index: number, attempt: number): number {
  if (classCount <= 1) return 0;
  if (attempt < CLASS_KEPT_DRAWS) return answerClass(seed, family, familyIndex, classCount);
  return sampleRng(seed, `classes:${family}`, index, attempt).int(0, classCount - 1);
}
