/**
 * Rounds the floats that go into records so that every JSONL line is compact and byte-stable.
 *
 * Geometry is computed in float64; its last bits depend on the order of operations, which is
 * noise, not information. Records keep a fixed number of decimal places instead: enough for
 * any use of the data (a nanometre, a micro-degree, a micro-pixel), few enough that the JSON
 * stays short. Rounding goes through `Number.prototype.toFixed`, whose result is specified
 * exactly by ECMAScript (it works on the exact binary value), so the same float gives the same
 * text on every engine; `-0` becomes `0` so that no record ever reads `-0`.
 */

/** Decimal places for unitless values, metres, ratios, rotation matrices, quaternions and axes. */
export const LINEAR_DECIMALS = 9;

/** Decimal places for angles in degrees. */
export const ANGLE_DECIMALS = 6;

/** Decimal places for pixel quantities (intrinsics, projected centres) and fractions in 0..1. */
export const PIXEL_DECIMALS = 6;

/**
 * Rounds `x` to `decimals` places after the point (half away from zero on the exact binary
 * value, as `toFixed` does) and turns `-0` into `0`.
 *
 * @throws RangeError when `x` is NaN or infinite (JSON cannot hold it: `JSON.stringify` would
 *   silently write `null`), or when `decimals` is not an integer in 0..20.
 *
 * @example
 * roundTo(1 / 3, 9); // 0.333333333
 * roundTo(-1e-12, 6); // 0 (not -0)
 */
export function roundTo(x: number, decimals: number): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw new RangeError(`roundTo: decimals must be an integer in 0..20, got ${decimals}`);
  }
  if (!Number.isFinite(x)) {
    throw new RangeError(`roundTo: expected a finite number, got ${x}`);
  }
  const r = Number(x.toFixed(decimals));
  return r === 0 ? 0 : r;
}

/** {@link roundTo} applied to every element of a vector. */
export function roundVector(v: readonly number[], decimals: number): number[] {
  return v.map((x) => roundTo(x, decimals));
}

/** {@link roundTo} applied to every element of a row-major nested matrix (`m[row][col]`). */
export function roundMatrix(m: readonly (readonly number[])[], decimals: number): number[][] {
  return m.map((row) => roundVector(row, decimals));
}
