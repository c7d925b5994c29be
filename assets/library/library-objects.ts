/**
 * Library assets as the object specs the planner draws from and the record meta they add. Pure.
 */
import type { LibraryObjects, LibraryObjectSpec } from '../../pipeline/types.js';
import { assetUrlPath } from '../../renderers/asset-url.js';
import type { AssetList } from './asset-list.js';
import type { AssetLibrary, LibraryAsset } from './index-library.js';
import { standInPart } from '../procedural/stand-in-part.js';

/** The object spec of one asset; `symmetry` comes from the estimator (or 'none', see library-symmetry.ts). */
export function toLibraryObject(asset: LibraryAsset, symmetry: LibraryObjectSpec['symmetry']): LibraryObjectSpec {
  return {
    kind: 'library',
    name: asset.name,
    category: asset.category,
    licence: asset.licence,
    path: asset.path,
    contentHash: asset.contentHash,
    url: assetUrlPath(asset.index, asset.path),
    normalisation: asset.normalisation,
    halfExtents: asset.halfExtents,
    symmetry,
    parts: [standInPart(asset.halfExtents)],
  };
}

/**
 * The planner's library over `assets` (read from disk as drawn), each object with the label
 * `symmetryOf` knows for its content hash ('none' while unknown: the run labels a model before a
 * sample that draws it is planned, library-symmetry.ts).
 */
export function libraryObjects(assets: AssetList, symmetryOf: (contentHash: string) => LibraryObjectSpec['symmetry'] | undefined): LibraryObjects {
  return {
    length: assets.length,
    at: (index) => {
      const asset = assets.at(index);
      return asset === undefined ? undefined : toLibraryObject(asset, symmetryOf(asset.contentHash) ?? 'none');
    },
  };
}

/** What the page server must serve for `library` (its `AssetRoutes`): asset `i`'s files under `/assets/<i>/`. */
export function assetRoutes(library: AssetLibrary): { root: string; filesOf(index: number): readonly string[] | undefined } {
  return { root: library.root, filesOf: (index) => library.assets.at(index)?.files };
}

/** Extra keys of a record's `asset` meta for a library object (schemas/meta.schema.json). Numbers rounded to 9 decimals. */
export function libraryAssetMeta(object: LibraryObjectSpec): {
  path: string;
  category: string | null;
  licence: string | null;
  normalisation: { up_axis: 'y' | 'z'; centre: number[]; scale: number; metres_per_unit: number | null; matrix: number[][] };
  half_extents: number[];
} {
  const r = (x: number) => Math.round(x * 1e9) / 1e9 + 0;
  const n = object.normalisation;
  return {
    path: object.path,
    category: object.category,
    licence: object.licence,
    normalisation: {
      up_axis: n.upAxis,
      centre: n.centre.map(r),
      scale: r(n.scale),
      metres_per_unit: n.metresPerUnit,
      matrix: n.matrix.map((row) => row.map(r)),
    },
    half_extents: object.halfExtents.map(r),
  };
}
