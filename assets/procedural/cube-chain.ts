/**
 * Shepard–Metzler-style cube chain: four straight arms (base, stem, branch, tip) of 2–4 unit cubes joined at right angles
 * in three dimensions, each arm a named part with its own colour. Chains whose arms stay in one
 * plane are rejected (they have a mirror plane), so every chain is chiral and asymmetric.
 */
import type { Rng } from '../../pipeline/rng.js';
import type { ObjectSpec, PartSpec, Vec3 } from '../../pipeline/types.js';
import { PART_COLORS } from './palette.js';
import { fitToUnitSphere } from './fit-to-unit-sphere.js';

export const CUBE_CHAIN = 'cube-chain';

/** Arm names avoid ordinals, which would read badly beside "the first image". */
const ARM_NAMES = ['base arm', 'stem arm', 'branch arm', 'tip arm'];
const AXES: Vec3[] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];

function isPerpendicular(a: Vec3, b: Vec3): boolean {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] === 0;
}

/** Draws one cube chain from `rng`. */
export function generateCubeChain(rng: Rng, name: string): ObjectSpec {
  const colors = rng.shuffle(PART_COLORS);
  for (;;) {
    const dirs: Vec3[] = [rng.pick(AXES)];
    while (dirs.length < 4) {
      const prev = dirs[dirs.length - 1];
      dirs.push(rng.pick(AXES.filter((a) => isPerpendicular(a, prev))));
    }
    const usedAxes = new Set(dirs.map((d) => d.findIndex((v) => v !== 0)));
    if (usedAxes.size < 3) continue; // planar chain: mirror-symmetric, draw again
    const parts: PartSpec[] = [];
    let cursor: Vec3 = [0, 0, 0];
    for (let i = 0; i < 4; i++) {
      const len = rng.int(2, 4);
      const dir = dirs[i];
      const start: Vec3 = i === 0 ? cursor : [cursor[0] + dir[0], cursor[1] + dir[1], cursor[2] + dir[2]];
      const end: Vec3 = [start[0] + dir[0] * (len - 1), start[1] + dir[1] * (len - 1), start[2] + dir[2] * (len - 1)];
      const size = [1, 1, 1].map((v, k) => v + Math.abs(end[k] - start[k]));
      parts.push({
        name: ARM_NAMES[i],
        colorName: colors[i].name,
        colorHex: colors[i].hex,
        shape: 'box',
        size,
        position: [(start[0] + end[0]) / 2, (start[1] + end[1]) / 2, (start[2] + end[2]) / 2],
        rotationDeg: [0, 0, 0],
        material: 'standard',
      });
      cursor = end;
    }
    return fitToUnitSphere({ kind: 'procedural', generator: CUBE_CHAIN, name, parts, symmetry: 'none' });
  }
}
