/**
 * The framing rule every viewpoint family shares (an object out of frame or too small is re-drawn,
 * never asked about): both views must show the whole object, at a usable size.
 */
import type { GroundTruth } from '../types.js';
import type { Applicability } from './question-family.js';

/** Options of {@link checkFraming}. */
export interface FramingOptions {
  /**
   * Smallest share of the image the object's projected bounding box may cover in either view
   * ({@link ViewFacts.coverage}, 0..1).
   * @default 0.04
   */
  minCoverage: number;
}

/** Defaults of {@link FramingOptions}. */
export const FRAMING_DEFAULTS: Readonly<FramingOptions> = Object.freeze({ minCoverage: 0.04 });

/**
 * Returns `{ ok: false, reason: 'out-of-frame' }` when either view's `inFrame` is false,
 * `{ ok: false, reason: 'too-small' }` when either view's `coverage` is below `minCoverage`,
 * else `{ ok: true }`. Out-of-frame is checked first, over both views.
 */
export function checkFraming(truth: GroundTruth, options: FramingOptions = FRAMING_DEFAULTS): Applicability {
  if (!truth.views[0].inFrame || !truth.views[1].inFrame) return { ok: false, reason: 'out-of-frame' };
  if (!(truth.views[0].coverage >= options.minCoverage && truth.views[1].coverage >= options.minCoverage)) {
    return { ok: false, reason: 'too-small' };
  }
  return { ok: true };
}
