/**
 * "Gadget": a deliberately asymmetric object built from primitives with named, coloured parts —
 * a body, a handle on one side, a knob on top, a fin at the back, a nose at the front and a foot
 * off-centre. The handle breaks left/right mirror symmetry, fin and nose break front/back, the
 * foot breaks what is left, so no rotation about the up axis maps the object onto itself.
 *
 * Object frame: +Y up, +Z front (the nose), +X the object's own left-to-right axis. Sizes in
 * metres before the final fit into the unit sphere.
 */
import type { Rng } from '../../pipeline/rng.js';
import type { ObjectSpec, PartSpec } from '../../pipeline/types.js';
import { PART_COLORS } from './palette.js';
import { fitToUnitSphere } from './fit-to-unit-sphere.js';

export const GADGET = 'gadget';

/** Draws one gadget from `rng`. */
export function generateGadget(rng: Rng, name: string): ObjectSpec {
  const colors = rng.shuffle(PART_COLORS);
  let c = 0;
  const part = (p: Omit<PartSpec, 'colorName' | 'colorHex' | 'material'>): PartSpec => {
    const col = colors[c++];
    return { ...p, colorName: col.name, colorHex: col.hex, material: 'standard' };
  };
  const round = rng.chance(0.5);
  const w = rng.range(0.55, 0.8); // body width (x)
  const h = rng.range(0.6, 0.95); // body height (y)
  const d = rng.range(0.75, 1.1); // body depth (z)
  const side = rng.chance(0.5) ? 1 : -1; // handle on +X or −X
  const parts: PartSpec[] = [];
  parts.push(
    part({
      name: 'body',
      shape: round ? 'cylinder' : 'box',
      size: round ? [w / 2, w / 2, h] : [w, h, d],
      position: [0, 0, 0],
      rotationDeg: [0, 0, 0],
    }),
  );
  const halfX = w / 2;
  const halfZ = round ? w / 2 : d / 2;
  const handleR = rng.range(0.16, 0.24);
  parts.push(
    part({
      name: 'handle',
      shape: 'torus',
      size: [handleR, rng.range(0.04, 0.06)],
      position: [side * (halfX + handleR * 0.8), rng.range(-0.05, 0.15) * h, 0],
      rotationDeg: [0, 0, 0],
    }),
  );
  const knobR = rng.range(0.09, 0.14);
  parts.push(
    part({
      name: 'knob',
      shape: 'sphere',
      size: [knobR],
      position: [-side * rng.range(0.05, 0.15) * w, h / 2 + knobR * 0.8, rng.range(-0.2, 0.2) * halfZ],
      rotationDeg: [0, 0, 0],
    }),
  );
  const finH = rng.range(0.25, 0.4);
  parts.push(
    part({
      name: 'fin',
      shape: 'box',
      size: [0.05, finH, rng.range(0.25, 0.35)],
      position: [0, h / 2 - finH * 0.2, -(halfZ + 0.1)],
      rotationDeg: [rng.range(-25, -10), 0, 0],
    }),
  );
  const noseH = rng.range(0.25, 0.4);
  parts.push(
    part({
      name: 'nose',
      shape: 'cone',
      size: [rng.range(0.1, 0.15), noseH],
      position: [0, rng.range(-0.15, 0.1) * h, halfZ + noseH / 2 - 0.02],
      rotationDeg: [90, 0, 0],
    }),
  );
  parts.push(
    part({
      name: 'foot',
      shape: 'box',
      size: [rng.range(0.18, 0.26), 0.12, rng.range(0.18, 0.26)],
      position: [-side * halfX * 0.45, -h / 2 - 0.06, halfZ * 0.35],
      rotationDeg: [0, 0, 0],
    }),
  );
  return fitToUnitSphere({ kind: 'procedural', generator: GADGET, name, parts, symmetry: 'none' });
}
