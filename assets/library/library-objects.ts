/**
 * Library assets as the object specs the planner draws from and the record meta they add. Pure.
 */
import type { LibraryObjectSpec } from '../../pipeline/types.js';
import { assetUrlPath } from '../../renderers/asset-url.js';
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

/** What the page server must serve for `library`: asset `i`'s files under `/assets/<i>/`. */
export function assetRoutes(library: AssetLibrary): { root: string; files: string[][] } {
  return { root: library.root, files: library.assets.map((a) => [...a.files]) };
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
