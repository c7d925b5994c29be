/**
 * Wraps an angle in degrees to the half-open interval (−180, 180].
 *
 * Used for signed differences of azimuth and object yaw: `wrapDeg(−170 − 170) === 20`, so a
 * camera going from azimuth 170° to −170° moved +20° (to the right), not −340°. A half-turn is
 * reported as +180, never −180; `-0` comes back as `0`.
 *
 * @throws RangeError when `deg` is not finite (NaN or ±Infinity), which always means a bug upstream.
 * @example wrapDeg(190) // −170
 */
export function wrapDeg(deg: number): number {
  if (!Number.isFinite(deg)) throw new RangeError(`wrapDeg: angle must be a finite number of degrees, got ${deg}`);
  if (deg > -180 && deg <= 180) return deg + 0;
  const wrapped = deg - 360 * Math.ceil((deg - 180) / 360);
  // Rounding can land a hair outside the interval for huge inputs; fold it back.
  if (wrapped <= -180) return wrapped + 360;
  if (wrapped > 180) return wrapped - 360;
  return wrapped + 0;
}
