/**
 * Applies a job's look (pipeline/plan/draw-look.ts, docs/look.md) to the page's scene: gradient
 * background, HDR environment map, shadow-catching ground plane. The solid background, hemisphere
 * and key light are set by main.ts's `setLighting` first; this adds the rest.
 *
 * Environment maps load from the page server's `/env/<file>` route (the only place the page may
 * fetch them from), once per page and file: {@link prepareLook} starts the load and resolves when
 * the job's map is ready; {@link applyLook} is synchronous and needs the map already loaded.
 *
 * The ground plane is a ShadowMaterial (invisible but for the key light's shadow) under the
 * object; it is no part, and the ID pass is unaffected: the plane lies below every part and both
 * cameras are above it (the planner's rule), so it is never in front of a part, and its shadow can
 * only darken the ID image's black background.
 */
import * as THREE from 'three';
import { HDRLoader } from 'three/examples/jsm/loaders/HDRLoader.js';
import { RoomEnvironment } from 'three/examples/jsm/environments/RoomEnvironment.js';
import { ROOM_ENVIRONMENT, type LightingSpec } from '../../pipeline/types.js';
import { skyBackground } from './sky-background.js';

/** Route prefix of environment maps on the page server. */
export const ENV_ROUTE = '/env/';
/** Distance of the key light from the origin when it casts a shadow (its direction is what lights the object). */
const SHADOW_LIGHT_DISTANCE = 6;
const GROUND_SIZE = 60;
const DEG = Math.PI / 180;

/** A loaded map: the prefiltered environment (lighting) and the equirectangular texture (background). */
interface LoadedEnv {
  pmrem: THREE.Texture;
  /** The map itself, shown as the background when asked; null for the generated room. */
  equirect: THREE.Texture | null;
}

/** The gradient background: a screen-filling quad whose colour runs from `bottom` to `top` (sRGB, 0..1). */
interface GradientQuad {
  scene: THREE.Scene;
  camera: THREE.Camera;
  uniforms: { top: { value: THREE.Vector3 }; bottom: { value: THREE.Vector3 } };
}

/** Per-renderer state: map cache, ground plane, gradient quad. */
interface LookState {
  maps: Map<string, Promise<LoadedEnv>>;
  loaded: Map<string, LoadedEnv>;
  ground: THREE.Mesh<THREE.PlaneGeometry, THREE.ShadowMaterial>;
  gradient: GradientQuad;
}

/** Marks a scene whose background is the gradient quad ({@link renderScene} draws it). */
const GRADIENT_MARK = 'viewforgeGradient';

const states = new WeakMap<THREE.WebGLRenderer, LookState>();

function lookState(renderer: THREE.WebGLRenderer): LookState {
  let state = states.get(renderer);
  if (state === undefined) {
    // On from the start: with no shadow-casting light the shaders carry no shadow code, so the pixels of a job without ground do not change.
    renderer.shadowMap.enabled = true;
    renderer.shadowMap.type = THREE.PCFShadowMap;
    const ground = new THREE.Mesh(new THREE.PlaneGeometry(GROUND_SIZE, GROUND_SIZE), new THREE.ShadowMaterial({ opacity: 0.35 }));
    ground.rotation.x = -Math.PI / 2;
    ground.receiveShadow = true;
    ground.name = 'viewforge-ground';
    state = { maps: new Map(), loaded: new Map(), ground, gradient: gradientQuad() };
    states.set(renderer, state);
  }
  return state;
}

/**
 * Starts loading the job's environment map unless it is loaded: null when nothing needs loading
 * (apply at once), else a promise that resolves when it is ready (rejects naming the file when
 * it cannot be loaded).
 */
export function prepareLook(renderer: THREE.WebGLRenderer, lighting: LightingSpec): Promise<void> | null {
  const env = lighting.environment;
  if (env === undefined || env === null) return null;
  const state = lookState(renderer);
  if (state.loaded.has(env.file)) return null;
  // The neutral room is generated here, once per page (no file, nothing to wait for).
  if (env.file === ROOM_ENVIRONMENT) {
    const generator = new THREE.PMREMGenerator(renderer);
    state.loaded.set(ROOM_ENVIRONMENT, { pmrem: generator.fromScene(new RoomEnvironment(), 0.04).texture, equirect: null });
    generator.dispose();
    return null;
  }
  let pending = state.maps.get(env.file);
  if (pending === undefined) {
    pending = new HDRLoader().loadAsync(`${ENV_ROUTE}${encodeURIComponent(env.file)}`).then(
      (equirect) => {
        equirect.mapping = THREE.EquirectangularReflectionMapping;
        const generator = new THREE.PMREMGenerator(renderer);
        const pmrem = generator.fromEquirectangular(equirect).texture;
        generator.dispose();
        const loaded = { pmrem, equirect };
        state.loaded.set(env.file, loaded);
        return loaded;
      },
      (error: unknown) => {
        state.maps.delete(env.file);
        throw new Error(`environment map "${env.file}" could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    state.maps.set(env.file, pending);
  }
  return pending.then(() => undefined);
}

/**
 * The gradient quad: two triangles in clip space, the colour interpolated between the sRGB values
 * of the two hex colours and written as it is (no texture, no colour-space conversion: the colours
 * are already the bytes wanted), so a gradient frame costs one cheap screen-filling draw.
 */
function gradientQuad(): GradientQuad {
  const uniforms = { top: { value: new THREE.Vector3() }, bottom: { value: new THREE.Vector3() } };
  const material = new THREE.ShaderMaterial({
    uniforms,
    depthTest: false,
    depthWrite: false,
    vertexShader: /* glsl */ `
      varying float vUp;
      void main() {
        vUp = uv.y;
        gl_Position = vec4(position.xy, 0.0, 1.0);
      }`,
    fragmentShader: /* glsl */ `
      uniform vec3 top;
      uniform vec3 bottom;
      varying float vUp;
      void main() {
        gl_FragColor = vec4(mix(bottom, top, vUp), 1.0);
      }`,
  });
  const quad = new THREE.Mesh(new THREE.PlaneGeometry(2, 2), material);
  quad.frustumCulled = false;
  const scene = new THREE.Scene();
  scene.add(quad);
  return { scene, camera: new THREE.Camera(), uniforms };
}

/** The sRGB components (0..1) of a hex colour, as written. */
function srgbOf(hex: string, out: THREE.Vector3): void {
  const v = new THREE.Color(hex).getHex(THREE.SRGBColorSpace);
  out.set(((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255);
}

/**
 * Renders `scene` from `camera` into the current target: over the gradient quad when the job's
 * look has a gradient background ({@link applyLook}), else as three draws it (its background
 * colour or texture clears the frame). The ID, mask and depth passes call `renderer.render`
 * themselves with a black background, so the gradient never reaches them.
 */
export function renderScene(renderer: THREE.WebGLRenderer, scene: THREE.Scene, camera: THREE.Camera): void {
  if (scene.userData[GRADIENT_MARK] !== true) {
    renderer.render(scene, camera);
    return;
  }
  const { gradient } = lookState(renderer);
  const autoClear = renderer.autoClear;
  try {
    renderer.autoClear = false;
    renderer.clear(true, true, true);
    renderer.render(gradient.scene, gradient.camera);
    renderer.render(scene, camera);
  } finally {
    renderer.autoClear = autoClear;
  }
}

/**
 * Applies the look's extras to `scene` for a job whose object is `object` (already in the scene):
 * gradient or environment background, environment lighting, ground plane and shadows.
 * @throws Error when the job's environment map was not loaded ({@link prepareLook}).
 */
export function applyLook(renderer: THREE.WebGLRenderer, scene: THREE.Scene, key: THREE.DirectionalLight, lighting: LightingSpec, object: THREE.Object3D): void {
  const state = lookState(renderer);
  // Background: gradient (drawn by renderScene under the scene) instead of the solid colour main.ts set.
  const gradient = lighting.backgroundBottom !== undefined && lighting.backgroundBottom !== null;
  if (gradient) {
    srgbOf(lighting.background, state.gradient.uniforms.top.value);
    srgbOf(lighting.backgroundBottom!, state.gradient.uniforms.bottom.value);
    scene.background = null;
  }
  // Or the procedural sky, its sun where the key light comes from.
  if (lighting.sky !== undefined && lighting.sky !== null) scene.background = skyBackground(renderer, lighting.sky, key.position.clone().normalize());
  // Environment map.
  const env = lighting.environment ?? null;
  if (env !== null) {
    const loaded = state.loaded.get(env.file);
    if (loaded === undefined) throw new Error(`environment map "${env.file}" was not loaded before its job`);
    scene.environment = loaded.pmrem;
    scene.environmentIntensity = env.intensity;
    scene.environmentRotation.set(0, env.rotationDeg * DEG, 0);
    if (env.asBackground && loaded.equirect !== null) {
      scene.background = loaded.equirect;
      scene.backgroundRotation.set(0, env.rotationDeg * DEG, 0);
      scene.backgroundIntensity = 1;
    }
  } else {
    scene.environment = null;
  }
  // The quad draws only where nothing else (a sky, an environment map) took the background.
  scene.userData[GRADIENT_MARK] = gradient && scene.background === null;
  // Ground plane and the key light's shadow.
  const ground = lighting.ground ?? null;
  key.castShadow = ground !== null;
  object.traverse((node) => {
    if ((node as THREE.Mesh).isMesh) node.castShadow = ground !== null;
  });
  if (ground !== null) {
    key.position.setLength(SHADOW_LIGHT_DISTANCE);
    key.shadow.mapSize.set(1024, 1024);
    const cam = key.shadow.camera;
    cam.left = -2.5;
    cam.right = 2.5;
    cam.top = 2.5;
    cam.bottom = -2.5;
    cam.near = 0.5;
    cam.far = SHADOW_LIGHT_DISTANCE + 3;
    cam.updateProjectionMatrix();
    key.shadow.bias = -0.0005;
    state.ground.material.opacity = ground.shadowOpacity;
    state.ground.position.set(0, ground.y, 0);
    state.ground.updateMatrixWorld(true);
    if (state.ground.parent !== scene) scene.add(state.ground);
  } else if (state.ground.parent !== null) {
    state.ground.parent.remove(state.ground);
  }
}
