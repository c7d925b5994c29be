/**
 * The procedural sky background (`--background sky`, docs/look.md): three's `Sky` shader (the
 * Preetham daylight model, with its clouds) above the horizon and a plain ground below it, drawn
 * once per job into a cube map that becomes the scene's background. The sun stands where the
 * job's key light comes from, so the light on the object and the sky agree.
 *
 * A cube background lies at infinity and is not part of the scene's meshes: the ID, mask and
 * depth passes replace the background by black, so the sky can never add or cover a label.
 * No file is read; everything comes from the job's {@link SkySpec}.
 */
import * as THREE from 'three';
import { Sky } from 'three/examples/jsm/objects/Sky.js';
import type { SkySpec } from '../../pipeline/types.js';

/** Edge of one cube face, pixels: the sky is smooth, so a 512-pixel image at 35–55° field of view loses little at this size (256 cost 14 % more pairs/s on software GL and looked the same). */
const CUBE_SIZE = 128;

/** Per-renderer state: the cube it draws into and what it last drew. */
interface SkyState {
  target: THREE.WebGLCubeRenderTarget;
  camera: THREE.CubeCamera;
  scene: THREE.Scene;
  sky: Sky;
  ground: THREE.Mesh<THREE.SphereGeometry, THREE.ShaderMaterial>;
  key: string;
}

const states = new WeakMap<THREE.WebGLRenderer, SkyState>();

/**
 * The ground below the horizon: a sphere seen from inside that draws only its lower half, the
 * ground colour lit by the sun's height, fading into the sky's horizon over the first few degrees.
 */
function groundMaterial(): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    side: THREE.BackSide,
    depthWrite: false,
    transparent: true,
    uniforms: { colour: { value: new THREE.Color() }, light: { value: 1 } },
    vertexShader: /* glsl */ `
      varying vec3 vDirection;
      void main() {
        vDirection = normalize((modelMatrix * vec4(position, 1.0)).xyz - cameraPosition);
        gl_Position = projectionMatrix * viewMatrix * modelMatrix * vec4(position, 1.0);
        gl_Position.z = gl_Position.w;
      }`,
    fragmentShader: /* glsl */ `
      uniform vec3 colour;
      uniform float light;
      varying vec3 vDirection;
      void main() {
        float below = -normalize(vDirection).y;
        if (below <= 0.0) discard;
        // Darker towards the nadir, as a lit plane seen at a steeper angle shows less sky reflection.
        vec3 c = colour * light * mix(1.0, 0.8, below);
        gl_FragColor = vec4(c, smoothstep(0.0, 0.03, below));
      }`,
  });
}

function skyState(renderer: THREE.WebGLRenderer): SkyState {
  let state = states.get(renderer);
  if (state === undefined) {
    const target = new THREE.WebGLCubeRenderTarget(CUBE_SIZE, { type: THREE.HalfFloatType, generateMipmaps: false });
    const sky = new Sky();
    const uniforms = sky.material.uniforms;
    uniforms.exposure = { value: 1 };
    // The shader's output is unbounded linear radiance meant for a tone-mapped screen; the page renders without
    // tone mapping, so the sky maps its own radiance into 0..1 (1 − e^(−x·exposure)) before the cube stores it.
    sky.material.onBeforeCompile = (shader) => {
      shader.uniforms.exposure = uniforms.exposure;
      shader.fragmentShader = shader.fragmentShader
        .replace('void main() {', 'uniform float exposure;\nvoid main() {')
        .replace('gl_FragColor = vec4( texColor, 1.0 );', 'gl_FragColor = vec4( 1.0 - exp( -texColor * exposure ), 1.0 );');
    };
    sky.material.customProgramCacheKey = () => 'viewforge-sky';
    sky.scale.setScalar(10);
    const ground = new THREE.Mesh(new THREE.SphereGeometry(5, 32, 16), groundMaterial());
    ground.renderOrder = 1;
    const scene = new THREE.Scene();
    scene.add(sky, ground);
    state = { target, camera: new THREE.CubeCamera(0.1, 100, target), scene, sky, ground, key: '' };
    states.set(renderer, state);
  }
  return state;
}

/**
 * The cube map of `spec` with the sun towards `sun` (a unit vector from the origin towards the
 * light): drawn unless it is the one drawn last. Owned by the page; valid until the next call.
 */
export function skyBackground(renderer: THREE.WebGLRenderer, spec: SkySpec, sun: THREE.Vector3): THREE.CubeTexture {
  const state = skyState(renderer);
  const key = JSON.stringify([spec, sun.toArray()]);
  if (state.key !== key) {
    const u = state.sky.material.uniforms;
    u.turbidity.value = spec.turbidity;
    u.rayleigh.value = spec.rayleigh;
    u.mieCoefficient.value = spec.mieCoefficient;
    u.mieDirectionalG.value = spec.mieDirectionalG;
    u.cloudCoverage.value = spec.cloudCoverage;
    // The cloud field is a fixed noise scrolled by time: the seed picks where in it this sky is.
    u.time.value = spec.cloudSeed;
    u.exposure.value = spec.exposure;
    u.sunPosition.value.copy(sun);
    state.ground.material.uniforms.colour.value.set(spec.ground);
    // A sun low over the horizon lights the ground less.
    state.ground.material.uniforms.light.value = 0.6 + 0.4 * Math.max(0, sun.y);
    state.camera.update(renderer, state.scene);
    state.key = key;
  }
  return state.target.texture;
}
