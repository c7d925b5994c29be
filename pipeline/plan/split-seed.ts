/**
 * Splits (`--split train|val|test`, README "Evaluation sets"): each split draws its samples from
 * its own streams, so a held-out set never shares an id, an object draw, a camera draw or an
 * image with the training set of the same seed.
 */
import { hash32 } from '../rng.js';

/** The splits of `--split`. */
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/**
 * The seed of a split's sample streams: the run's seed for `train`, else a value derived from
 * the seed and the split's name (never the seed itself, and different for `val` and `test`), so
 * a split's ids, objects, cameras and images never repeat another split's of the same seed.
 */
export function splitSeed(seed: number, split: Split): number {
  if (split === 'train') return seed;
  const derive = (name: string) => hash32(`viewforge:split:${name}:${seed}`) >>> 0;
  const val = derive('val') === seed ? (derive('val') ^ 1) >>> 0 : derive('val');
  if (split === 'val') return val;
  let test = derive('test');
  while (test === seed || test === val) test = (test + 1) >>> 0;
  return test;
}
