/**
 * The seed of a nightly build. Rule (docs/nightly.md): `seed = first 4 bytes (big-endian) of
 * sha256("viewforge-night:<base seed>:<build id>:<k>")` for the smallest k ≥ 0 whose seed no
 * earlier build under the same root used (the ledger's seeds and the build in progress).
 *
 * Why this keeps two nights apart: sample ids are `vf-<seed, 8 hex>-<index>`, so builds with
 * different seeds never share an id, and every draw of a sample (object, cameras, lighting) is
 * a function of (seed, index), so their images differ too. The skip over used seeds makes the
 * first part a guarantee rather than a 2⁻³² chance.
 */
import { createHash } from 'node:crypto';

export function nightSeed(baseSeed: number, buildId: string, usedSeeds: ReadonlySet<number>): number {
  for (let k = 0; ; k++) {
    const seed = createHash('sha256').update(`viewforge-night:${baseSeed}:${buildId}:${k}`).digest().readUInt32BE(0);
    if (!usedSeeds.has(seed)) return seed;
  }
}
