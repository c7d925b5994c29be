/**
 * Centres a procedural object and scales it into the unit sphere, using a conservative bound
 * per part (centre plus the half-diagonal of the part's unrotated bounding box), so the true
 * object always fits.
 */
import type { ProceduralObjectSpec, PartSpec, Vec3 } from '../../pipeline/types.js';

/** Half-extents of a part's local bounding box. */
export function partHalfExtents(part: PartSpec): Vec3 {
  const s = part.size;
  switch (part.shape) {
    case 'box':
      return [s[0] / 2, s[1] / 2, s[2] / 2];
    case 'cylinder': {
      const r = Math.max(s[0], s[1]);
      return [r, s[2] / 2, r];
    }
    case 'sphere':
      return [s[0], s[0], s[0]];
    case 'cone':
      return [s[0], s[1] / 2, s[0]];
    case 'torus':
      return [s[0] + s[1], s[0] + s[1], s[1]];
  }
}

const TARGET_RADIUS = 0.98;

/** Returns a copy of `spec` centred on its (conservative) bounding box and scaled into radius 0.98. */
export function fitToUnitSphere(spec: ProceduralObjectSpec): ProceduralObjectSpec {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of spec.parts) {
    const r = Math.hypot(...partHalfExtents(p));
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k], p.position[k] - r);
      max[k] = Math.max(max[k], p.position[k] + r);
    }
  }
  const centre: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  let bound = 0;
  for (const p of spec.parts) {
    const d = Math.hypot(p.position[0] - centre[0], p.position[1] - centre[1], p.position[2] - centre[2]);
    bound = Math.max(bound, d + Math.hypot(...partHalfExtents(p)));
  }
  const s = TARGET_RADIUS / bound;
  return {
    ...spec,
    parts: spec.parts.map((p) => ({
      ...p,
      size: p.size.map((v) => v * s),
      position: [(p.position[0] - centre[0]) * s, (p.position[1] - centre[1]) * s, (p.position[2] - centre[2]) * s],
    })),
  };
}
