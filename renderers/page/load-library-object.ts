/**
 * In-page loading of a library asset (`--assets`, docs/assets.md): three's GLTFLoader fetches the
 * model and its external buffers/images from the page server (`LibraryObjectSpec.url`, whose
 * relative `uri`s resolve under the same `/assets/<i>/` route), with Draco (decoder files served
 * locally under `/decoders/draco/`) and meshopt (decoder bundled into the page script) geometry
 * compression. The loaded scene is wrapped so that the spec's original-to-normalised matrix puts
 * its bounding box at the origin inside the unit sphere; the outer group is the one posed by yaw.
 *
 * Loading is the page's only asynchronous step; the caller waits for it before drawing. The
 * {@link CACHE_LIMIT} most recently used models stay loaded (parsed, decoded, textures uploaded);
 * each job draws a clone that shares their geometries, materials and textures, so the cache owns
 * those and frees them when a model is evicted — never the job. A clone draws the same pixels as
 * a fresh load.
 */
import * as THREE from 'three';
import { DRACOLoader } from 'three/examples/jsm/loaders/DRACOLoader.js';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { MeshoptDecoder } from 'three/examples/jsm/libs/meshopt_decoder.module.js';
import { clone as cloneScene } from 'three/examples/jsm/utils/SkeletonUtils.js';
import type { LibraryObjectSpec } from '../../pipeline/types.js';
import { PAGE_WARNING_PREFIX } from './page-warning.js';
import { SCENE_OBJECT_LIMITS } from '../../pipeline/plan/plan-scene.js';

/** Where the page server serves three's Draco decoder files. */
const DRACO_PATH = '/decoders/draco/';

let loader: GLTFLoader | null = null;

/**
 * Loaded models kept per page (most recently used last): a scene's models (at most
 * {@link SCENE_OBJECT_LIMITS}[1]) all fit, so no model is evicted while its own job draws it, plus
 * two; memory stays flat however many distinct models a run draws.
 */
export const CACHE_LIMIT = SCENE_OBJECT_LIMITS[1] + 2;
const cache = new Map<string, Promise<THREE.Group>>();

/** One GLTFLoader per page, with its Draco and meshopt decoders (Draco: wasm build, one worker). */
function getLoader(): GLTFLoader {
  if (loader !== null) return loader;
  const draco = new DRACOLoader();
  draco.setDecoderPath(DRACO_PATH);
  draco.setDecoderConfig({ type: 'wasm' });
  draco.setWorkerLimit(1);
  loader = new GLTFLoader();
  loader.setDRACOLoader(draco);
  loader.setMeshoptDecoder(MeshoptDecoder);
  return loader;
}

/**
 * Loads `spec` and returns `outer → normalised → glTF scene`: `normalised.matrix` is
 * `spec.normalisation.matrix`; `outer` is posed per view by `poseObject` (yaw about +Y).
 * @throws Error naming the asset when the loader fails (a missing file, a corrupt buffer…).
 */
export async function loadLibraryObject(spec: LibraryObjectSpec): Promise<THREE.Group> {
  const key = `${spec.url}#${spec.contentHash}`;
  let loaded = cache.get(key);
  if (loaded === undefined) {
    loaded = getLoader()
      .loadAsync(spec.url)
      .then(async (gltf) => {
        await reportMissingTextures(spec, gltf);
        return gltf.scene;
      });
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
    evict();
  } else {
    cache.delete(key); // most recently used last
    cache.set(key, loaded);
  }
  let source: THREE.Group;
  try {
    source = await loaded;
  } catch (error) {
    throw new Error(`library asset "${spec.path}" failed to load: ${describeLoadError(error)}`);
  }
  const scene = cloneScene(source) as THREE.Group;
  const m = spec.normalisation.matrix;
  const normalised = new THREE.Group();
  normalised.matrixAutoUpdate = false;
  // Matrix4.set takes row-major arguments, as the spec stores the matrix.
  normalised.matrix.set(
    m[0][0], m[0][1], m[0][2], m[0][3],
    m[1][0], m[1][1], m[1][2], m[1][3],
    m[2][0], m[2][1], m[2][2], m[2][3],
    m[3][0], m[3][1], m[3][2], m[3][3],
  );
  normalised.add(scene);
  // Skinned or morphing meshes move their vertices on the GPU; never cull them on a stale bound.
  scene.traverse((node) => {
    node.frustumCulled = false;
  });
  const outer = new THREE.Group();
  outer.add(normalised);
  return outer;
}

/**
 * The words of a load failure: an Error's message; DRACOLoader rejects with its worker's message
 * object (`{ type: 'error', error: '…Decoding failed…' }`), which `String()` would print as
 * "[object Object]".
 */
export function describeLoadError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const e = error as { error?: unknown; message?: unknown; type?: unknown };
    if (typeof e.error === 'string') return e.error;
    if (e.error instanceof Error) return e.error.message;
    if (typeof e.message === 'string') return e.message;
    try {
      return JSON.stringify(error);
    } catch {
      return Object.prototype.toString.call(error);
    }
  }
  return String(error);
}

/** Texture slots of a glTF material and the three.js material property each loads into. */
const TEXTURE_SLOTS: readonly [(m: GltfMaterialJson) => unknown, string][] = [
  [(m) => m.pbrMetallicRoughness?.baseColorTexture, 'map'],
  [(m) => m.pbrMetallicRoughness?.metallicRoughnessTexture, 'roughnessMap'],
  [(m) => m.normalTexture, 'normalMap'],
  [(m) => m.occlusionTexture, 'aoMap'],
  [(m) => m.emissiveTexture, 'emissiveMap'],
];

interface GltfMaterialJson {
  pbrMetallicRoughness?: { baseColorTexture?: unknown; metallicRoughnessTexture?: unknown };
  normalTexture?: unknown;
  occlusionTexture?: unknown;
  emissiveTexture?: unknown;
}

/**
 * GLTFLoader draws a model whose texture cannot be decoded without it (and only logs to the
 * console): say so as a `viewforge:` warning, which the renderer passes on to the run's log.
 */
async function reportMissingTextures(spec: LibraryObjectSpec, gltf: { parser: { json: { materials?: GltfMaterialJson[] }; getDependency(type: string, index: number): Promise<unknown> } }): Promise<void> {
  const materials = gltf.parser.json.materials ?? [];
  let missing = 0;
  for (let i = 0; i < materials.length; i++) {
    const loaded = (await gltf.parser.getDependency('material', i)) as Record<string, unknown>;
    for (const [slot, property] of TEXTURE_SLOTS) if (slot(materials[i]) !== undefined && (loaded[property] === null || loaded[property] === undefined)) missing++;
  }
  if (missing > 0) console.warn(`${PAGE_WARNING_PREFIX}library asset "${spec.path}": ${missing} texture(s) could not be loaded or decoded; the model is drawn without them`);
}

/** Drops the least recently used models beyond {@link CACHE_LIMIT}, freeing their GPU resources once loaded. */
function evict(): void {
  while (cache.size > CACHE_LIMIT) {
    const [key, oldest] = cache.entries().next().value as [string, Promise<THREE.Group>];
    cache.delete(key);
    oldest.then(disposeScene, () => {});
  }
}

/** Frees the geometries, materials and textures of a loaded model. */
function disposeScene(root: THREE.Object3D): void {
  root.traverse((node) => {
    (node as THREE.Mesh).geometry?.dispose();
    const material = (node as THREE.Mesh).material;
    if (!material) return;
    for (const m of Array.isArray(material) ? material : [material]) {
      for (const value of Object.values(m)) if (value instanceof THREE.Texture) value.dispose();
      m.dispose();
    }
  });
}
