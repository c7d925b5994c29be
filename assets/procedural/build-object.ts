/**
 * Turns an {@link ObjectSpec} into three.js meshes. Runs in the page (for drawing) and in Node
 * (for ray-cast visibility), so it touches no DOM and no WebGL: only geometry and materials.
 *
 * Each mesh is named after its part (`mesh.name === part.name`) and carries the part name in
 * `mesh.userData.part`, so ray hits map back to parts.
 */
import * as THREE from 'three';
import type { ObjectSpec, PartFinish, PartSpec } from '../../pipeline/types.js';
import { patternValue } from './part-finish.js';

const DEG = Math.PI / 180;
/** Tessellation used for round shapes; fixed so Node and the page see the same triangles. */
const SEGMENTS = 32;

/** Geometry for one part shape (centred at the part origin, unrotated). */
export function partGeometry(part: PartSpec): THREE.BufferGeometry {
  const s = part.size;
  switch (part.shape) {
    case 'box':
      return new THREE.BoxGeometry(s[0], s[1], s[2]);
    case 'cylinder':
      return new THREE.CylinderGeometry(s[0], s[1], s[2], SEGMENTS);
    case 'sphere':
      return new THREE.SphereGeometry(s[0], SEGMENTS, SEGMENTS / 2);
    case 'cone':
      return new THREE.ConeGeometry(s[0], s[1], SEGMENTS);
    case 'torus':
      return new THREE.TorusGeometry(s[0], s[1], SEGMENTS / 2, SEGMENTS);
    default:
      throw new Error(`buildObject: unknown part shape "${(part as PartSpec).shape}" in part "${(part as PartSpec).name}"`);
  }
}

/** Side of a finish's pattern texture, texels. */
const PATTERN_SIZE = 64;

/** The grey pattern texture of a finish (brightness factors of {@link patternValue}, multiplied into the part's colour). */
export function patternTexture(finish: PartFinish): THREE.DataTexture {
  const data = new Uint8Array(PATTERN_SIZE * PATTERN_SIZE * 4);
  for (let y = 0; y < PATTERN_SIZE; y++) {
    for (let x = 0; x < PATTERN_SIZE; x++) {
      const g = Math.round(255 * patternValue(finish, (x + 0.5) / PATTERN_SIZE, (y + 0.5) / PATTERN_SIZE));
      data.set([g, g, g, 255], (y * PATTERN_SIZE + x) * 4);
    }
  }
  const texture = new THREE.DataTexture(data, PATTERN_SIZE, PATTERN_SIZE, THREE.RGBAFormat);
  texture.wrapS = THREE.RepeatWrapping;
  texture.wrapT = THREE.RepeatWrapping;
  texture.magFilter = THREE.LinearFilter;
  texture.needsUpdate = true;
  return texture;
}

/**
 * Material for one part: lit PBR by default, unlit flat colour for markers and masks; a part with
 * a finish (`--materials varied`) takes its roughness, metalness and pattern texture.
 */
export function partMaterial(part: PartSpec): THREE.Material {
  const color = new THREE.Color(part.colorHex);
  if (part.material === 'basic') return new THREE.MeshBasicMaterial({ color });
  const f = part.finish;
  if (f === undefined) return new THREE.MeshStandardMaterial({ color, roughness: 0.55, metalness: 0.05 });
  return new THREE.MeshStandardMaterial({ color, roughness: f.roughness, metalness: f.metalness, ...(f.pattern !== 'none' ? { map: patternTexture(f) } : {}) });
}

/**
 * Builds the object as a group in its local frame. The caller applies the object pose
 * (yaw about +Y) to the returned group's rotation.
 */
export function buildObject(spec: ObjectSpec): THREE.Group {
  const group = new THREE.Group();
  group.name = spec.name;
  for (const part of spec.parts) {
    const mesh = new THREE.Mesh(partGeometry(part), partMaterial(part));
    mesh.name = part.name;
    mesh.userData.part = part.name;
    mesh.position.set(part.position[0], part.position[1], part.position[2]);
    mesh.rotation.set(part.rotationDeg[0] * DEG, part.rotationDeg[1] * DEG, part.rotationDeg[2] * DEG, 'XYZ');
    group.add(mesh);
  }
  return group;
}

/** Sets a group's pose to a yaw about world +Y (degrees) and updates its world matrices. */
export function poseObject(group: THREE.Object3D, yawDeg: number): void {
  group.position.set(0, 0, 0);
  group.rotation.set(0, yawDeg * DEG, 0);
  group.updateMatrixWorld(true);
}
