/**
 * Seeded random numbers for one sample.
 *
 * Every random draw in the pipeline comes from an {@link Rng} made by {@link sampleRng} from
 * `(seed, stream, index, attempt)`, so a sample's content depends on nothing else: not on worker
 * count, shard split or the order samples finish in. The generator is pure-rand's xoroshiro128+,
 * seeded with 32 bits of SHA-256 of the key.
 */
import { createHash } from 'node:crypto';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

/** A small seeded random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [min, max). */
  range(min: number, max: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** True with probability p. */
  chance(p: number): boolean;
}

/** Hashes a key to an unsigned 32-bit integer (first 4 bytes of SHA-256). */
export function hash32(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0);
}

/** Wraps a seeded xoroshiro128+ generator in the {@link Rng} interface. */
export function createRng(seed32: number): Rng {
  const g = xoroshiro128plus(seed32 | 0);
  const next = (): number => uniformFloat64(g);
  const int = (min: number, max: number): number => uniformInt(g, min, max);
  return {
    next,
    range: (min, max) => min + (max - min) * next(),
    int,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('rng.pick: empty array');
      return items[int(0, items.length - 1)];
    },
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    chance: (p) => next() < p,
  };
}

/**
 * The RNG for one purpose of one sample. `stream` names the purpose ("plan", "question",
 * "letters"…) so adding draws to one stream never shifts another.
 */
export function sampleRng(seed: number, stream: string, index: number, attempt = 0): Rng {
  return createRng(hash32(`viewforge:${seed}:${stream}:${index}:${attempt}`));
}
