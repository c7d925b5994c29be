/**
 * Direction × magnitude bins shared by the SAT-style turn families (`ego-turn`,
 * `object-rotation`): a signed angle becomes a side ("left"/"right", "clockwise"/…) and the bin
 * of its magnitude; the four options are {true bin, its mirror, a partner bin, its mirror}, two
 * per side with the same two magnitudes, so the option list alone gives neither the side nor the
 * magnitude away (see the notes in `orbit.ts`, which first used this layout).
 */
import type { Rng } from '../rng.js';

/**
 * Checks bin edges: strictly ascending from 0 to `maxDeg`, at least two bins.
 * @throws RangeError naming `family` and the edges.
 */
export function checkBinEdges(family: string, edges: readonly number[], maxDeg: number): void {
  if (!(edges.length >= 3 && edges[0] === 0 && edges[edges.length - 1] === maxDeg && edges.every((x, i) => i === 0 || x > edges[i - 1]))) {
    throw new RangeError(`${family}: binEdgesDeg must ascend strictly from 0 to ${maxDeg} with at least two bins, got ${JSON.stringify(edges)}`);
  }
}

/** Index of the bin holding `magnitudeDeg`: edges[i] ≤ m < edges[i + 1]; the last edge belongs to the last bin. */
export function getBinIndex(magnitudeDeg: number, edges: readonly number[]): number {
  const last = edges.length - 2;
  for (let i = 0; i < last; i++) if (magnitudeDeg < edges[i + 1]) return i;
  return last;
}

/** Bin range as text: "10–20°". */
export function getBinRange(bin: number, edges: readonly number[]): string {
  return `${edges[bin]}–${edges[bin + 1]}°`;
}

/** Distance of `magnitudeDeg` from the nearest edge (first and last included), degrees. */
export function getEdgeMargin(magnitudeDeg: number, edges: readonly number[]): number {
  return Math.min(...edges.map((edge) => Math.abs(magnitudeDeg - edge)));
}

/** Uniform partner weights: every other bin equally likely (symmetric, zero diagonal, rows sum to 1). */
export function uniformPairWeights(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : 1 / (n - 1))));
}

/**
 * Checks partner weights: n×n, symmetric, zero diagonal, rows summing to 1 (so the option set
 * carries no information about which of its two magnitudes is true).
 * @throws RangeError naming `family`.
 */
export function checkPairWeights(family: string, W: readonly (readonly number[])[], n: number): void {
  const bad = (why: string) => new RangeError(`${family}: pairWeights ${why}; give an n×n symmetric matrix with zero diagonal and rows summing to 1 (n = ${n} bins)`);
  if (W.length !== n || W.some((row) => row.length !== n)) throw bad('has the wrong size');
  for (let i = 0; i < n; i++) {
    if (W[i][i] !== 0) throw bad(`has ${W[i][i]} on the diagonal at ${i}`);
    if (Math.abs(W[i].reduce((s, w) => s + w, 0) - 1) > 1e-9) throw bad(`row ${i} does not sum to 1`);
    for (let j = 0; j < n; j++) {
      if (!(W[i][j] >= 0) || W[i][j] !== W[j][i]) throw bad(`is negative or not symmetric at [${i}][${j}]`);
    }
  }
}

/** Draws the partner bin of `bin` from row `bin` of `W` (one draw from `rng`). */
export function drawPartnerBin(W: readonly (readonly number[])[], bin: number, rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  let last = -1;
  for (let j = 0; j < W[bin].length; j++) {
    if (W[bin][j] <= 0) continue;
    last = j;
    acc += W[bin][j];
    if (u < acc) return j;
  }
  return last; // rounding: u beyond the accumulated sum
}

/** An angle for the reasoning: whole degrees, or one decimal when rounding would leave the bin [lo, hi]. */
export function formatAngleInBin(magnitudeDeg: number, lo: number, hi: number): string {
  const r = Math.round(magnitudeDeg);
  return r > lo && r < hi ? String(r) : magnitudeDeg.toFixed(1);
}
