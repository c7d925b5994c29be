/**
 * Held-out models (`--holdout <file>`, README "Evaluation sets"): a text file of asset content
 * hashes (64 hex digits) or categories, one a line (blank lines and `#` comments ignored). A
 * library model is held out when its content hash or its category is listed. `train` never
 * draws a held-out model; `val` and `test` draw only held-out models, so an evaluation set built
 * with the same file measures generalisation to objects the model never saw in training.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { libraryDigest, type AssetLibrary, type LibraryAsset } from './index-library.js';
import type { Split } from '../../pipeline/plan/split-seed.js';

/** A read holdout file. */
export interface Holdout {
  /** Listed content hashes and categories, sorted, unique. */
  entries: string[];
  /** sha256 over the sorted entries (one a line): names the set in the manifest. */
  digest: string;
}

/**
 * Reads a holdout file.
 * @throws Error naming the file and the reason when it cannot be read or lists nothing.
 */
export async function readHoldout(file: string): Promise<Holdout> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`holdout file "${file}" cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const entries = [...new Set(text.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter((line) => line !== ''))].sort();
  if (entries.length === 0) throw new Error(`holdout file "${file}" lists no content hash or category (one a line; # starts a comment)`);
  return { entries, digest: createHash('sha256').update(entries.join('\n')).digest('hex') };
}

/** Whether `asset` is held out by `holdout`: its content hash or its category is listed. */
export function isHeldOut(asset: Pick<LibraryAsset, 'contentHash' | 'category'>, listed: ReadonlySet<string>): boolean {
  return listed.has(asset.contentHash) || (asset.category !== null && listed.has(asset.category));
}

/**
 * The part of `library` that `split` may draw: without the held-out models for `train`, only
 * them for `val` and `test`. Indices are renumbered (no entry is copied) and the digest recomputed over what is left,
 * so the manifest names the models the split really drew from.
 * @throws Error when nothing is left for the split.
 */
export function applyHoldout(library: AssetLibrary, holdout: Holdout, split: Split): AssetLibrary {
  const listed = new Set(holdout.entries);
  const keep = library.assets.filter((a) => isHeldOut(a, listed) === (split !== 'train'));
  if (keep.length === 0) {
    throw new Error(
      split === 'train'
        ? `every one of the ${library.assets.length} library model(s) is held out, so split "train" has none to draw`
        : `no library model is held out (none of the ${library.assets.length} has a listed content hash or category), so split "${split}" has none to draw`,
    );
  }
  return { ...library, assets: keep, digest: libraryDigest(keep) };
}
