/**
 * The stand-in part of a library model (docs/assets.md): its bounding box as one box part, which the
 * geometry ray-casts and frames on while the page draws the model itself. A single library object
 * has it as its one part (`LibraryObjectSpec.parts`), a library model in a scene as its object's
 * one part. It has no colour word the reasoning may use ({@link LIBRARY_PART_COLOUR}). Pure.
 */
import type { PartSpec, Vec3 } from '../../pipeline/types.js';

/** Name and colour word of the stand-in part. */
export const LIBRARY_PART_NAME = 'object';
export const LIBRARY_PART_COLOUR = 'whole';

/** The stand-in part of a model whose bounding box has `halfExtents`, centred at the origin. */
export function standInPart(halfExtents: Vec3): PartSpec {
  return {
    name: LIBRARY_PART_NAME,
    colorName: LIBRARY_PART_COLOUR,
    colorHex: '#808080',
    shape: 'box',
    size: [2 * halfExtents[0], 2 * halfExtents[1], 2 * halfExtents[2]],
    position: [0, 0, 0],
    rotationDeg: [0, 0, 0],
    material: 'basic',
  };
}
