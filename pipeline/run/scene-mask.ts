/**
 * The mask pass of a scene labels objects, not parts (README, "Scenes"): the renderer labels each
 * pixel 1 + part index (0 = background); a scene's mask is written with 1 + object index instead,
 * the object whose parts (`SceneObjectSpec.parts`) hold that part.
 */
import type { SceneSpec } from '../types.js';

/** A copy of `partLabels` (1 + part index a pixel) relabelled 1 + object index. Pure. */
export function toObjectLabels(partLabels: Uint8Array, scene: SceneSpec): Uint8Array {
  const byPart = new Uint8Array(256);
  scene.objects.forEach((o, j) => {
    for (let p = o.parts[0]; p < o.parts[1]; p++) if (p + 1 < 256) byPart[p + 1] = j + 1;
  });
  const out = new Uint8Array(partLabels.length);
  for (let i = 0; i < partLabels.length; i++) out[i] = byPart[partLabels[i]];
  return out;
}
