/**
 * Where a scene's parts stand in each view (README, "Scenes"): an object that moved between the
 * views (`object-move`; {@link SceneObjectSpec.positionB}) stands elsewhere in view B, every other
 * part stays put. Pure; shared by the ground truth (Node) and the renderer's page, so both draw
 * one placement.
 */
import type { LibraryObjectSpec, PartSpec, ProceduralObjectSpec, SceneObjectSpec, Vec3 } from '../../pipeline/types.js';

const DEG = Math.PI / 180;

/** The library models standing in a scene (`SceneObjectSpec.model`), in object order; none for anything else. */
export function sceneModels(object: { kind: string; scene?: { objects: readonly SceneObjectSpec[] } }): LibraryObjectSpec[] {
  if (object.kind !== 'procedural' || object.scene === undefined) return [];
  return object.scene.objects.flatMap((o) => (o.model !== undefined ? [o.model.asset] : []));
}

/** The library model whose stand-in part is named `part` in a scene (undefined for any other part or object). */
export function sceneModelOfPart(object: { kind: string; parts: readonly { name: string }[]; scene?: { objects: readonly SceneObjectSpec[] } }, part: string | null): LibraryObjectSpec | undefined {
  if (object.kind !== 'procedural' || object.scene === undefined || part === null) return undefined;
  const index = object.parts.findIndex((p) => p.name === part);
  return object.scene.objects.find((o) => o.model !== undefined && index >= o.parts[0] && index < o.parts[1])?.model?.asset;
}

/** Whether any object of `object`'s scene stands elsewhere in view B. */
export function hasMovedObjects(object: { kind: string; scene?: { objects: readonly SceneObjectSpec[] } }): boolean {
  return object.kind === 'procedural' && object.scene !== undefined && object.scene.objects.some((o) => o.positionB !== undefined);
}

/** The box centre of a scene object in `view` (0 = A, 1 = B). */
export function objectPositionAt(spec: SceneObjectSpec, view: 0 | 1): Vec3 {
  return view === 1 && spec.positionB !== undefined ? spec.positionB : spec.position;
}

/** The yaw of a scene object in `view`, degrees. */
export function objectYawAt(spec: SceneObjectSpec, view: 0 | 1): number {
  return view === 1 && spec.yawDegB !== undefined ? spec.yawDegB : spec.yawDeg;
}

/**
 * The parts of `object` as they stand in `view`: in view A (and for an object that did not move)
 * exactly `object.parts`; a moved object's parts turned about its footprint centre by its yaw
 * change and carried to `positionB` (scene parts carry only a yaw, `rotationDeg = [0, yaw, 0]`).
 */
export function partsAtView(object: ProceduralObjectSpec, view: 0 | 1): PartSpec[] {
  if (view === 0 || object.scene === undefined || !hasMovedObjects(object)) return object.parts;
  const parts = object.parts.slice();
  for (const o of object.scene.objects) {
    if (o.positionB === undefined) continue;
    const turn = objectYawAt(o, 1) - o.yawDeg;
    const c = Math.cos(turn * DEG);
    const s = Math.sin(turn * DEG);
    for (let i = o.parts[0]; i < o.parts[1]; i++) {
      const p = parts[i];
      // Offset from the footprint centre on the ground, turned about +Y (three.js's rotation.y).
      const dx = p.position[0] - o.position[0];
      const dz = p.position[2] - o.position[2];
      const position: Vec3 = [o.positionB[0] + c * dx + s * dz, p.position[1] + (o.positionB[1] - o.position[1]), o.positionB[2] - s * dx + c * dz];
      parts[i] = { ...p, position, rotationDeg: [p.rotationDeg[0], p.rotationDeg[1] + turn, p.rotationDeg[2]] };
    }
  }
  return parts;
}
