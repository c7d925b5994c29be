/**
 * In-page renderer: bundled by esbuild (IIFE, with three.js) and served to headless Chromium by
 * the page server. It talks to Node over one WebSocket: job JSON arrives as text messages, each
 * rendered view leaves as one binary message (a 16-byte header, then raw RGBA from
 * `gl.readPixels`, rows put top-down in the page so Node uses the bytes without copying).
 *
 * Rules: no randomness, no clock on pixels (the clock only times the ceiling loop), no network
 * besides the WebSocket back to the server that served the page.
 *
 * Protocol (Node → page, text JSON): {@link PageRequest}. Page → Node: text JSON
 * {@link PageReply}, or a binary view message laid out as `u32le[5] = [seq, viewIndex, width,
 * height, kind]` followed by the pixels of that kind ({@link VIEW_KINDS}): `width*height*4` RGBA
 * bytes of the colour image, or, when the request asked for `passes`, the full-size mask (one
 * label byte a pixel) and depth (u16 LE millimetres a pixel) of the view. A render request with
 * `encode` gets the colour image as kind `encoded` instead: the bytes of the image encoded in the
 * page (a 2D canvas's `toDataURL`, JPEG or WebP) from the very RGBA read back, so only compressed
 * bytes cross the WebSocket.
 *
 * ID pass (`idPass: [a, b]` on a render request, per view): after a view's image is read back, the same view
 * is drawn again into a small render target ({@link ID_PASS_SIZE} on its longer side, no MSAA),
 * every part with an unlit flat colour that encodes its index (R + 256·G, 0 = background; a
 * library model is one label, the whole object), and the pixels are counted per part; an
 * `id-pass` text reply carries the counts, pixel-centre sums and the summed colour of each part's
 * interior pixels in the view's own image (for the colour-name check). It draws into its own
 * target after the read-back, so the image bytes do not change.
 */
import * as THREE from 'three';
import { buildObject, poseObject } from '../../assets/procedural/build-object.js';
import { hasMovedObjects, partsAtView, sceneModels } from '../../assets/procedural/scene-at-view.js';
import { loadLibraryObject } from './load-library-object.js';
import { applyLook, prepareLook, renderScene } from './scene-look.js';
import type { LightingSpec, PartSpec, RenderJob, ViewSpec } from '../../pipeline/types.js';

/** Bytes before the pixels in a binary view message: seq, view index, width, height, kind (u32 LE). */
export const VIEW_HEADER_BYTES = 20;

/**
 * What a binary view message carries (header word 4): the colour image (RGBA, 4 bytes a pixel),
 * the mask pass (one byte a pixel: 1 + part index, 0 = background) or the depth pass (u16 LE a
 * pixel: z-depth in millimetres along the camera's +z, OpenCV, 0 = background).
 */
export const VIEW_KINDS = { colour: 0, mask: 1, depth: 2, encoded: 3 } as const;

/** How the page encodes a colour image (`encode` of a render request): a MIME type and the canvas quality, 0–1. */
export interface EncodeRequest {
  type: 'image/jpeg' | 'image/png' | 'image/webp';
  quality: number;
}

/** Extra full-size passes a render request may ask for (README, Output, `--passes`). */
export interface PassRequest {
  mask: boolean;
  depth: boolean;
}

/** Longer side of the ID-pass image, pixels. */
export const ID_PASS_SIZE = 128;

/** Requests Node sends to the page (text messages). `idPass[i]` asks for an ID pass of view i. */
export type PageRequest =
  | { type: 'render'; seq: number; job: RenderJob; idPass?: [boolean, boolean]; passes?: PassRequest; encode?: EncodeRequest }
  | { type: 'ceiling'; seq: number; jobs: RenderJob[] }
  | { type: 'stats'; seq: number };

/** GPU resources three.js holds, as `renderer.info` counts them. */
export interface PageGpuStats {
  geometries: number;
  textures: number;
  programs: number;
  jobs: number;
  /** Canvases (WebGL contexts) the page holds: one per job size drawn (the counts above are their sums). */
  canvases: number;
}

/** Text replies from the page. Binary messages carry the pixels of a render request. */
export type PageReply =
  | { type: 'hello'; webgl2: boolean; glRenderer: string; glVendor: string; maxSamples: number; error?: string }
  | { type: 'error'; seq: number; message: string }
  | { type: 'ceiling'; seq: number; elapsedMs: number; images: number }
  | {
      type: 'id-pass';
      seq: number;
      view: 0 | 1;
      width: number;
      height: number;
      /**
       * Per part in object order: pixel count and the sums of pixel-centre u and v (ID-image
       * pixels, top-left origin); interior pixel count and the sums of the colour image's sRGB
       * bytes under them.
       */
      parts: { pixels: number; sumU: number; sumV: number; interior: number; sumR: number; sumG: number; sumB: number }[];
    }
  | { type: 'stats'; seq: number; stats: PageGpuStats }
  | { type: 'context-lost' }
  | { type: 'policy-violation'; url: string };

/** Sky and ground colours of the hemisphere light; its intensity comes from `LightingSpec.ambientIntensity`. */
const HEMI_SKY = 0xffffff;
const HEMI_GROUND = 0x5a5a5a;
const DEG = Math.PI / 180;

interface PageState {
  renderer: THREE.WebGLRenderer;
  gl: WebGL2RenderingContext;
  scene: THREE.Scene;
  camera: THREE.PerspectiveCamera;
  hemi: THREE.HemisphereLight;
  key: THREE.DirectionalLight;
  /** Object of the current job: built once, posed for each of its two views, disposed after. */
  object: THREE.Group | null;
  /** One material per material type, never disposed, so three.js keeps its compiled program. */
  pinned: Map<string, THREE.Material>;
  /** Reused read-back buffer: header + pixels. */
  buffer: ArrayBuffer;
  /** ID pass: its render target (recreated when the size changes), read-back buffer and one flat material per part index. */
  idTarget: THREE.WebGLRenderTarget | null;
  idBuffer: Uint8Array;
  idMaterials: THREE.MeshBasicMaterial[];
  /** Full-size passes (`--passes`): their render target and RGBA read-back, and the depth material. */
  passTarget: THREE.WebGLRenderTarget | null;
  passBuffer: Uint8Array;
  depthMaterial: THREE.ShaderMaterial | null;
  /** Bottom-up read-back before {@link readTopDown} orders the rows. */
  scratch: Uint8Array;
  /** 2D canvas the colour image is put on to be encoded (`encode`), resized to the job. */
  encodeCanvas: HTMLCanvasElement | null;
  jobs: number;
  /** Whether `object` is a clone of a cached library model (the cache frees its resources, not the job). */
  objectIsLibrary: boolean;
}

function send(ws: WebSocket, reply: PageReply): void {
  ws.send(JSON.stringify(reply));
}

/** Creates the WebGL2 renderer, scene, lights and camera. Throws when WebGL2 is unavailable. */
function createState(canvasKind: string): PageState {
  const canvas: HTMLCanvasElement | OffscreenCanvas =
    canvasKind === 'dom' ? document.body.appendChild(document.createElement('canvas')) : new OffscreenCanvas(1, 1);
  const renderer = new THREE.WebGLRenderer({
    canvas: canvas as HTMLCanvasElement,
    antialias: true,
    preserveDrawingBuffer: false,
    alpha: false,
    powerPreference: 'high-performance',
  });
  renderer.setPixelRatio(1);
  renderer.outputColorSpace = THREE.SRGBColorSpace;
  renderer.toneMapping = THREE.NoToneMapping;
  const scene = new THREE.Scene();
  const hemi = new THREE.HemisphereLight(HEMI_SKY, HEMI_GROUND, 1);
  const key = new THREE.DirectionalLight(0xffffff, 1);
  scene.add(hemi, key, key.target);
  const camera = new THREE.PerspectiveCamera();
  camera.matrixAutoUpdate = false;
  camera.matrixWorldAutoUpdate = false;
  return {
    renderer,
    gl: renderer.getContext() as WebGL2RenderingContext,
    scene,
    camera,
    hemi,
    key,
    object: null,
    pinned: new Map(),
    buffer: new ArrayBuffer(0),
    idTarget: null,
    idBuffer: new Uint8Array(0),
    idMaterials: [],
    passTarget: null,
    passBuffer: new Uint8Array(0),
    depthMaterial: null,
    scratch: new Uint8Array(0),
    encodeCanvas: null,
    jobs: 0,
    objectIsLibrary: false,
  };
}

function glInfo(gl: WebGL2RenderingContext): { glRenderer: string; glVendor: string; maxSamples: number } {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return {
    glRenderer: String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
    glVendor: String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
    maxSamples: Number(gl.getParameter(gl.MAX_SAMPLES)),
  };
}

/**
 * Sets canvas size (on a canvas's first job), background and lights for a job and puts
 * its object in the scene: a procedural object is built here; a library object must already be
 * loaded ({@link loadLibraryObject}, asynchronous) and is passed in as `loaded`.
 */
function setupJob(state: PageState, job: RenderJob, loaded?: THREE.Group, models?: readonly THREE.Group[]): void {
  const size = state.renderer.getSize(new THREE.Vector2());
  if (size.x !== job.width || size.y !== job.height) state.renderer.setSize(job.width, job.height, false); // once: a canvas serves one size
  const bytes = VIEW_HEADER_BYTES + job.width * job.height * 4;
  if (state.buffer.byteLength !== bytes) state.buffer = new ArrayBuffer(bytes);
  setLighting(state, job.lighting);
  disposeObject(state);
  if (job.object.kind === 'library') {
    if (loaded === undefined) throw new Error(`library asset "${job.object.path}" was not loaded before its job`);
    state.object = loaded;
  } else {
    state.object = buildObject(job.object);
    if (models !== undefined && models.length > 0) placeSceneModels(state.object, job.object, models);
  }
  state.objectIsLibrary = loaded !== undefined;
  state.scene.add(state.object);
  applyLook(state.renderer, state.scene, state.key, job.lighting, state.object);
}

function setLighting(state: PageState, lighting: LightingSpec): void {
  state.scene.background = new THREE.Color(lighting.background);
  state.hemi.intensity = lighting.ambientIntensity;
  const az = lighting.keyAzimuthDeg * DEG;
  const el = lighting.keyElevationDeg * DEG;
  // Same convention as an orbit: azimuth about +Y from +Z towards +X, elevation above XZ.
  state.key.position.set(Math.cos(el) * Math.sin(az), Math.sin(el), Math.cos(el) * Math.cos(az));
  state.key.intensity = lighting.keyIntensity;
  state.key.target.position.set(0, 0, 0);
}

/**
 * Points the camera exactly as `view.c2wGl` says. `c2wGl` is row-major and `Matrix4.set` takes
 * its arguments row by row, so the 16 numbers go in as written.
 */
function setCamera(camera: THREE.PerspectiveCamera, view: ViewSpec, aspect: number): void {
  const m = view.c2wGl;
  camera.fov = view.fovYDeg;
  camera.aspect = aspect;
  camera.near = view.near;
  camera.far = view.far;
  camera.updateProjectionMatrix();
  camera.matrix.set(
    m[0][0], m[0][1], m[0][2], m[0][3],
    m[1][0], m[1][1], m[1][2], m[1][3],
    m[2][0], m[2][1], m[2][2], m[2][3],
    m[3][0], m[3][1], m[3][2], m[3][3],
  );
  camera.matrixWorld.copy(camera.matrix);
  camera.matrixWorldInverse.copy(camera.matrixWorld).invert();
}

/** Renders view `index` of `job` into the drawing buffer and reads it into `state.buffer`. */
function renderView(state: PageState, job: RenderJob, index: 0 | 1, seq: number): void {
  const group = state.object!;
  poseObject(group, job.objectYawDeg[index]);
  if (job.object.kind === 'procedural' && hasMovedObjects(job.object)) placeParts(group, partsAtView(job.object, index));
  setCamera(state.camera, job.views[index], job.width / job.height);
  renderScene(state.renderer, state.scene, state.camera);
  pinPrograms(state, group);
  const header = new Uint32Array(state.buffer, 0, 4);
  header[0] = seq;
  header[1] = index;
  header[2] = job.width;
  header[3] = job.height;
  header[4] = VIEW_KINDS.colour;
  readTopDown(state, job.width, job.height, new Uint8Array(state.buffer, VIEW_HEADER_BYTES));
}

/**
 * Puts the library models of a scene (`SceneObjectSpec.model`, loaded in object order) where their
 * stand-in boxes stand: each replaces its box mesh (same child index, so ID labels and
 * {@link placeParts} still address it) by a holder at the box's place and yaw that holds the model
 * scaled from its normalised frame. The models' resources belong to the model cache.
 */
function placeSceneModels(group: THREE.Group, object: Extract<RenderJob['object'], { kind: 'procedural' }>, models: readonly THREE.Group[]): void {
  const children = [...group.children];
  let next = 0;
  for (const o of object.scene?.objects ?? []) {
    if (o.model === undefined) continue;
    const i = o.parts[0];
    const box = children[i] as THREE.Mesh;
    const holder = new THREE.Group();
    holder.name = box.name;
    holder.userData.libraryModel = true;
    holder.position.copy(box.position);
    holder.rotation.copy(box.rotation);
    const model = models[next++];
    model.scale.setScalar(o.model.scale);
    holder.add(model);
    box.geometry.dispose();
    (box.material as THREE.Material).dispose();
    children[i] = holder;
  }
  group.clear();
  group.add(...children);
}

/** Puts each part mesh of a procedural object where `parts` says (a scene object that moved between the views). */
function placeParts(group: THREE.Group, parts: readonly PartSpec[]): void {
  parts.forEach((part, i) => {
    const mesh = group.children[i];
    mesh.position.set(part.position[0], part.position[1], part.position[2]);
    mesh.rotation.set(part.rotationDeg[0] * DEG, part.rotationDeg[1] * DEG, part.rotationDeg[2] * DEG, 'XYZ');
  });
  group.updateMatrixWorld(true);
}

/**
 * Reads the drawing buffer into `out` with rows top-down, so Node can use the bytes as they
 * arrive (no copy there). GL reads rows bottom-up into a reused scratch buffer; one
 * `TypedArray.set` per row puts them in order.
 */
function readTopDown(state: PageState, width: number, height: number, out: Uint8Array): void {
  const gl = state.gl;
  const rowBytes = width * 4;
  if (state.scratch.byteLength !== rowBytes * height) state.scratch = new Uint8Array(rowBytes * height);
  const scratch = state.scratch;
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, scratch);
  for (let y = 0; y < height; y++) {
    const from = (height - 1 - y) * rowBytes;
    out.set(scratch.subarray(from, from + rowBytes), y * rowBytes);
  }
}

/** The unlit material that paints part index `id − 1` with ID colour `id` (R = id mod 256, G = id div 256; linear, exact in 8 bits). */
function idMaterial(state: PageState, id: number): THREE.MeshBasicMaterial {
  let material = state.idMaterials[id];
  if (material === undefined) {
    material = new THREE.MeshBasicMaterial({ toneMapped: false });
    material.color.setRGB((id % 256) / 255, Math.floor(id / 256) / 255, 0, THREE.LinearSRGBColorSpace);
    state.idMaterials[id] = material;
  }
  return material;
}

/**
 * The meshes the ID pass labels, by label − 1: a procedural object's part meshes (its children, in
 * part order), or every mesh of a library model as label 1 (its one stand-in part, the whole
 * object). Anything else the model draws (lines, points, sprites) is hidden during the pass, so
 * it can neither add labels nor cover a labelled pixel.
 */
function labelledMeshes(state: PageState): { labels: THREE.Mesh[][]; hidden: THREE.Object3D[] } {
  const root = state.object!;
  // A procedural object: one label a part; a scene's library model (a holder) is one label for all its meshes.
  if (!state.objectIsLibrary) {
    const hidden: THREE.Object3D[] = [];
    const labels = root.children.map((child) => {
      if ((child as THREE.Mesh).isMesh === true) return [child as THREE.Mesh];
      const meshes: THREE.Mesh[] = [];
      child.traverse((node) => {
        if ((node as THREE.Mesh).isMesh === true) meshes.push(node as THREE.Mesh);
        else if ((node as THREE.Line).isLine === true || (node as THREE.Points).isPoints === true || (node as THREE.Sprite).isSprite === true) {
          if (node.visible) hidden.push(node);
        }
      });
      return meshes;
    });
    return { labels, hidden };
  }
  const meshes: THREE.Mesh[] = [];
  const hidden: THREE.Object3D[] = [];
  root.traverse((node) => {
    if ((node as THREE.Mesh).isMesh === true) meshes.push(node as THREE.Mesh);
    else if ((node as THREE.Line).isLine === true || (node as THREE.Points).isPoints === true || (node as THREE.Sprite).isSprite === true) {
      if (node.visible) hidden.push(node);
    }
  });
  return { labels: [meshes], hidden };
}

/**
 * Draws view `index` again as an ID image and counts each label's pixels (see the file header).
 * Call right after {@link renderView} for the same view, before the view's buffer is reused: the
 * object is posed, the camera set, and `state.buffer` holds the view's colour image, from which
 * the mean colour of each label's interior pixels (all four neighbours carry the same label, so
 * edges and anti-aliased rims are dropped) is summed.
 */
function renderIdPass(state: PageState, job: RenderJob, index: 0 | 1, seq: number): PageReply {
  const scale = ID_PASS_SIZE / Math.max(job.width, job.height);
  const width = Math.max(1, Math.round(job.width * scale));
  const height = Math.max(1, Math.round(job.height * scale));
  if (state.idTarget === null || state.idTarget.width !== width || state.idTarget.height !== height) {
    state.idTarget?.dispose();
    state.idTarget = new THREE.WebGLRenderTarget(width, height, { samples: 0, depthBuffer: true });
    state.idBuffer = new Uint8Array(width * height * 4);
  }
  const labels = drawWithOverrides(state, state.idTarget, state.idBuffer, (i) => idMaterial(state, i + 1));
  const parts = labels.map(() => ({ pixels: 0, sumU: 0, sumV: 0, interior: 0, sumR: 0, sumG: 0, sumB: 0 }));
  const buf = state.idBuffer;
  const colour = new Uint8Array(state.buffer, VIEW_HEADER_BYTES);
  const label = (col: number, row: number) => buf[(row * width + col) * 4] + 256 * buf[(row * width + col) * 4 + 1];
  for (let row = 0; row < height; row++) {
    // GL rows run bottom-up: row 0 is the bottom of the image.
    const v = height - row - 0.5;
    for (let col = 0; col < width; col++) {
      const id = label(col, row);
      if (id === 0 || id > parts.length) continue;
      const p = parts[id - 1];
      p.pixels += 1;
      p.sumU += col + 0.5;
      p.sumV += v;
      const interior = col > 0 && row > 0 && col < width - 1 && row < height - 1 && label(col - 1, row) === id && label(col + 1, row) === id && label(col, row - 1) === id && label(col, row + 1) === id;
      if (!interior) continue;
      // The colour pixel under this ID pixel's centre (the colour image's rows run top-down).
      const x = Math.min(job.width - 1, Math.floor(((col + 0.5) * job.width) / width));
      const y = Math.min(job.height - 1, Math.floor((v * job.height) / height));
      const k = (y * job.width + x) * 4;
      p.interior += 1;
      p.sumR += colour[k];
      p.sumG += colour[k + 1];
      p.sumB += colour[k + 2];
    }
  }
  return { type: 'id-pass', seq, view: index, width, height, parts };
}

/**
 * Draws the posed object into `target` with every labelled mesh's material replaced by
 * `material(label − 1)` (lines, points and sprites hidden, background black), reads the target
 * into `out` (RGBA, GL rows bottom-up) and restores the scene. Returns the labelled meshes.
 */
function drawWithOverrides(state: PageState, target: THREE.WebGLRenderTarget, out: Uint8Array, material: (index: number) => THREE.Material): THREE.Mesh[][] {
  const { labels, hidden } = labelledMeshes(state);
  const saved = labels.map((meshes) => meshes.map((mesh) => mesh.material));
  const background = state.scene.background;
  try {
    labels.forEach((meshes, i) => meshes.forEach((mesh) => (mesh.material = material(i))));
    for (const node of hidden) node.visible = false;
    state.scene.background = ID_BACKGROUND;
    state.renderer.setRenderTarget(target);
    state.renderer.render(state.scene, state.camera);
    state.renderer.readRenderTargetPixels(target, 0, 0, target.width, target.height, out);
  } finally {
    state.renderer.setRenderTarget(null);
    labels.forEach((meshes, i) => meshes.forEach((mesh, j) => (mesh.material = saved[i][j])));
    for (const node of hidden) node.visible = true;
    state.scene.background = background;
  }
  return labels;
}

/** The full-size pass target and read-back buffer for `job` (recreated when the size changes). */
function passTarget(state: PageState, job: RenderJob): THREE.WebGLRenderTarget {
  if (state.passTarget === null || state.passTarget.width !== job.width || state.passTarget.height !== job.height) {
    state.passTarget?.dispose();
    state.passTarget = new THREE.WebGLRenderTarget(job.width, job.height, { samples: 0, depthBuffer: true });
    state.passBuffer = new Uint8Array(job.width * job.height * 4);
  }
  return state.passTarget;
}

/** A binary pass message: the header, then `bytesPerPixel` bytes a pixel, rows top-down. */
function passMessage(job: RenderJob, index: 0 | 1, seq: number, kind: number, bytesPerPixel: number): { message: ArrayBuffer; pixels: Uint8Array } {
  const message = new ArrayBuffer(VIEW_HEADER_BYTES + job.width * job.height * bytesPerPixel);
  const header = new Uint32Array(message, 0, 5);
  header.set([seq, index, job.width, job.height, kind]);
  return { message, pixels: new Uint8Array(message, VIEW_HEADER_BYTES) };
}

/** The mask pass of view `index` at full size (MSAA off): one byte a pixel, 1 + part index, 0 = background. Call after {@link renderView}. */
function renderMaskPass(state: PageState, job: RenderJob, index: 0 | 1, seq: number): ArrayBuffer {
  const target = passTarget(state, job);
  drawWithOverrides(state, target, state.passBuffer, (i) => idMaterial(state, i + 1));
  const { message, pixels } = passMessage(job, index, seq, VIEW_KINDS.mask, 1);
  const { width, height } = job;
  for (let y = 0; y < height; y++) {
    const from = (height - 1 - y) * width * 4;
    for (let x = 0; x < width; x++) pixels[y * width + x] = state.passBuffer[from + 4 * x];
  }
  return message;
}

/** Writes z-depth in whole millimetres (1…65535, rounded) as R = high byte, G = low byte. */
const DEPTH_VERTEX = `
#include <common>
#include <morphtarget_pars_vertex>
#include <skinning_pars_vertex>
varying float vDepth;
void main() {
  #include <skinbase_vertex>
  #include <begin_vertex>
  #include <morphtarget_vertex>
  #include <skinning_vertex>
  #include <project_vertex>
  vDepth = -mvPosition.z;
}`;
const DEPTH_FRAGMENT = `
varying float vDepth;
void main() {
  float mm = clamp(floor(vDepth * 1000.0 + 0.5), 1.0, 65535.0);
  float hi = floor(mm / 256.0);
  gl_FragColor = vec4(hi / 255.0, (mm - hi * 256.0) / 255.0, 0.0, 1.0);
}`;

/** The depth pass of view `index` at full size: u16 LE a pixel, millimetres along the camera's +z, 0 = background. Call after {@link renderView}. */
function renderDepthPass(state: PageState, job: RenderJob, index: 0 | 1, seq: number): ArrayBuffer {
  state.depthMaterial ??= new THREE.ShaderMaterial({ vertexShader: DEPTH_VERTEX, fragmentShader: DEPTH_FRAGMENT, toneMapped: false });
  const target = passTarget(state, job);
  drawWithOverrides(state, target, state.passBuffer, () => state.depthMaterial!);
  const { message, pixels } = passMessage(job, index, seq, VIEW_KINDS.depth, 2);
  const { width, height } = job;
  for (let y = 0; y < height; y++) {
    const from = (height - 1 - y) * width * 4;
    for (let x = 0, k = 2 * y * width; x < width; x++, k += 2) {
      // Little-endian u16: low byte first.
      pixels[k] = state.passBuffer[from + 4 * x + 1];
      pixels[k + 1] = state.passBuffer[from + 4 * x];
    }
  }
  return message;
}

/**
 * Encodes view `index`'s colour image (in `state.buffer`, rows top-down, opaque) and returns its
 * binary message: the header (kind `encoded`), then the encoded bytes. Synchronous on purpose:
 * `canvas.toDataURL` encodes on the spot, while `convertToBlob` / `toBlob` hand every image to the
 * browser's blob store, which slowed a long run to half its speed after a few hundred pairs.
 */
function encodeView(state: PageState, job: RenderJob, index: 0 | 1, seq: number, encode: EncodeRequest): ArrayBuffer {
  const { width, height } = job;
  if (state.encodeCanvas === null) state.encodeCanvas = document.createElement('canvas');
  const canvas = state.encodeCanvas;
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  // willReadFrequently keeps the canvas in CPU memory: a GPU-backed one would go through the GPU process, busy with the WebGL draws.
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw new Error('the page has no 2D canvas context to encode with');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(state.buffer, VIEW_HEADER_BYTES, width * height * 4), width, height), 0, 0);
  const url = canvas.toDataURL(encode.type, encode.quality);
  if (!url.startsWith(`data:${encode.type};base64,`)) throw new Error(`the page encoded ${url.slice(0, 30)}… when asked for ${encode.type}`);
  const text = atob(url.slice(url.indexOf(',') + 1));
  const message = new ArrayBuffer(VIEW_HEADER_BYTES + text.length);
  new Uint32Array(message, 0, 5).set([seq, index, width, height, VIEW_KINDS.encoded]);
  const bytes = new Uint8Array(message, VIEW_HEADER_BYTES);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return message;
}

/** Background of the ID image: ID 0. */
const ID_BACKGROUND = new THREE.Color(0, 0, 0);

/** Every mesh's materials in a subtree (a mesh may carry an array of materials). */
function listMaterials(root: THREE.Object3D): THREE.Material[] {
  const materials: THREE.Material[] = [];
  root.traverse((node) => {
    const material = (node as THREE.Mesh).material;
    if (material) materials.push(...(Array.isArray(material) ? material : [material]));
  });
  return materials;
}

/**
 * Keeps one material of each type alive. three.js frees a compiled program when the last material
 * using it is disposed, so without this every job would compile its shaders again.
 */
function pinPrograms(state: PageState, group: THREE.Group): void {
  for (const material of listMaterials(group)) {
    if (!state.pinned.has(material.type)) state.pinned.set(material.type, material);
  }
}

/** Removes the current object and frees its geometries and (unpinned) materials. */
function disposeObject(state: PageState): void {
  if (!state.object) return;
  // A library object's geometries, materials and textures belong to the page's model cache (load-library-object.ts).
  if (state.objectIsLibrary) {
    state.scene.remove(state.object);
    state.object = null;
    return;
  }
  // A scene's library models belong to the model cache too: take them out before freeing the rest.
  for (const child of [...state.object.children]) if (child.userData.libraryModel === true) state.object.remove(child);
  const pinned = new Set(state.pinned.values());
  state.object.traverse((node) => (node as THREE.Mesh).geometry?.dispose());
  for (const material of listMaterials(state.object)) {
    (material as THREE.MeshStandardMaterial).map?.dispose(); // a finish's pattern texture is the part's own
    if (!pinned.has(material)) material.dispose();
  }
  state.scene.remove(state.object);
  state.object = null;
}

/**
 * A library job: loads its asset (the only await; it touches no page state, so a job handled
 * meanwhile is not disturbed), then renders it like any job. Its ID pass labels the whole model 1.
 */
async function handleLibraryRender(state: PageState, ws: WebSocket, seq: number, job: RenderJob, idPass: [boolean, boolean], passes: PassRequest, encode?: EncodeRequest): Promise<void> {
  let loaded: THREE.Group;
  try {
    loaded = await loadLibraryObject(job.object as Extract<RenderJob['object'], { kind: 'library' }>);
  } catch (error) {
    state.jobs += 1;
    send(ws, { type: 'error', seq, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  handleRender(state, ws, seq, job, idPass, passes, encode, loaded);
}

/** A scene job with library models: loads them (in object order), then renders it like any job. */
async function handleSceneModelsRender(state: PageState, ws: WebSocket, seq: number, job: RenderJob, idPass: [boolean, boolean], passes: PassRequest, encode?: EncodeRequest): Promise<void> {
  let models: THREE.Group[];
  try {
    models = await Promise.all(sceneModels(job.object).map((m) => loadLibraryObject(m)));
  } catch (error) {
    state.jobs += 1;
    send(ws, { type: 'error', seq, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  handleRender(state, ws, seq, job, idPass, passes, encode, undefined, models);
}

function handleRender(state: PageState, ws: WebSocket, seq: number, job: RenderJob, idPass: [boolean, boolean], passes: PassRequest, encode?: EncodeRequest, loaded?: THREE.Group, models?: readonly THREE.Group[]): void {
  try {
    setupJob(state, job, loaded, models);
    for (const index of [0, 1] as const) {
      renderView(state, job, index, seq);
      const ids = idPass[index] ? renderIdPass(state, job, index, seq) : null;
      ws.send(encode !== undefined ? encodeView(state, job, index, seq, encode) : state.buffer);
      if (ids !== null) send(ws, ids);
      if (passes.mask) ws.send(renderMaskPass(state, job, index, seq));
      if (passes.depth) ws.send(renderDepthPass(state, job, index, seq));
    }
  } catch (error) {
    send(ws, { type: 'error', seq, message: error instanceof Error ? error.message : String(error) });
  } finally {
    disposeObject(state);
    state.jobs += 1;
  }
}

function handleCeiling(state: PageState, ws: WebSocket, seq: number, jobs: RenderJob[]): void {
  try {
    // The ceiling's jobs use no file map (the loop is synchronous): only the generated room, made here before the clock starts.
    for (const job of jobs) {
      if (prepareLook(state.renderer, job.lighting) !== null) throw new Error(`ceiling: job ${job.id} needs environment map "${job.lighting.environment?.file}" loaded; the ceiling loop draws without files`);
    }
    const start = performance.now();
    for (const job of jobs) {
      setupJob(state, job);
      renderView(state, job, 0, seq);
      renderView(state, job, 1, seq);
      disposeObject(state);
    }
    send(ws, { type: 'ceiling', seq, elapsedMs: performance.now() - start, images: jobs.length * 2 });
  } catch (error) {
    disposeObject(state);
    send(ws, { type: 'error', seq, message: error instanceof Error ? error.message : String(error) });
  }
}

/** What the page's canvases hold, summed. */
function stats(states: readonly PageState[]): PageGpuStats {
  const sum = (f: (state: PageState) => number) => states.reduce((n, state) => n + f(state), 0);
  return {
    geometries: sum((state) => state.renderer.info.memory.geometries),
    textures: sum((state) => state.renderer.info.memory.textures),
    programs: sum((state) => state.renderer.info.programs?.length ?? 0),
    jobs: sum((state) => state.jobs),
    canvases: states.length,
  };
}

/** Most canvases a page keeps (a run uses two sizes: its samples' and the symmetry estimate's). */
const MAX_CANVASES = 4;

/**
 * The page's canvases, one per job size, each with its own WebGL context and {@link PageState};
 * the least recently used is closed when a fifth size comes. A lost context on any of them is
 * reported (Node replaces the page). A job still waiting for its model holds a canvas among the
 * most recently used (Node sends a page at most `jobsPerPage`, 2 by default, at a time), so the
 * canvas closed is never one a job is about to draw on.
 */
class Canvases {
  private readonly bySize = new Map<string, PageState>();
  /** The canvas made at start (it proves WebGL2 works), taken by the first size asked for. */
  private spare: PageState | null;

  constructor(
    private readonly kind: string,
    private readonly onLost: () => void,
  ) {
    this.spare = this.create();
  }

  /** The spare canvas's context (the hello message describes it). */
  get first(): PageState {
    return this.spare ?? [...this.bySize.values()][0];
  }

  /** The canvas for `width` × `height`, made (or taken from the spare) on first use. */
  for(width: number, height: number): PageState {
    const key = `${width}x${height}`;
    let state = this.bySize.get(key);
    if (state !== undefined) {
      this.bySize.delete(key); // re-inserted last: the map's order is the order of use
    } else {
      state = this.spare ?? this.create();
      this.spare = null;
      if (this.bySize.size >= MAX_CANVASES) this.close(this.bySize.keys().next().value as string);
    }
    this.bySize.set(key, state);
    return state;
  }

  all(): PageState[] {
    return [...(this.spare === null ? [] : [this.spare]), ...this.bySize.values()];
  }

  private create(): PageState {
    const state = createState(this.kind);
    (state.renderer.domElement as unknown as EventTarget).addEventListener('webglcontextlost', this.onLost);
    return state;
  }

  private close(key: string): void {
    const state = this.bySize.get(key)!;
    this.bySize.delete(key);
    (state.renderer.domElement as unknown as EventTarget).removeEventListener('webglcontextlost', this.onLost);
    state.idTarget?.dispose();
    state.passTarget?.dispose();
    state.renderer.dispose();
    state.renderer.forceContextLoss();
  }
}

function main(): void {
  const params = new URLSearchParams(location.search);
  const ws = new WebSocket(`ws://${location.host}/ws?page=${encodeURIComponent(params.get('page') ?? '')}`);
  ws.binaryType = 'arraybuffer';
  let canvases: Canvases | null = null;
  ws.onopen = () => {
    try {
      canvases = new Canvases(params.get('canvas') ?? 'offscreen', () => send(ws, { type: 'context-lost' }));
      send(ws, { type: 'hello', webgl2: true, ...glInfo(canvases.first.gl) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send(ws, { type: 'hello', webgl2: false, glRenderer: '', glVendor: '', maxSamples: 0, error: message });
    }
  };
  // The page server's Content-Security-Policy blocks WebSockets to anywhere else; report each block.
  document.addEventListener('securitypolicyviolation', (event) => send(ws, { type: 'policy-violation', url: event.blockedURI }));
  ws.onmessage = (event: MessageEvent) => {
    if (!canvases || typeof event.data !== 'string') return;
    const request = JSON.parse(event.data) as PageRequest;
    if (request.type === 'stats') {
      send(ws, { type: 'stats', seq: request.seq, stats: stats(canvases.all()) });
      return;
    }
    // A ceiling's jobs share one size (the bench asks for one).
    const sized = request.type === 'render' ? request.job : request.jobs[0];
    const state = sized === undefined ? canvases.first : canvases.for(sized.width, sized.height);
    // A job whose environment map is not loaded yet waits for it (scene-look.ts), then goes on as below.
    const look = request.type === 'render' ? prepareLook(state.renderer, request.job.lighting) : null;
    if (look !== null && request.type === 'render') {
      look.then(
        () => ws.onmessage?.call(ws, event),
        (error: unknown) => {
          state.jobs += 1;
          send(ws, { type: 'error', seq: request.seq, message: error instanceof Error ? error.message : String(error) });
        },
      );
      return;
    }
    if (request.type === 'ceiling') {
      handleCeiling(state, ws, request.seq, request.jobs);
      return;
    }
    const passes: PassRequest = { mask: request.passes?.mask === true, depth: request.passes?.depth === true };
    const idPass: [boolean, boolean] = [request.idPass?.[0] === true, request.idPass?.[1] === true];
    if (request.job.object.kind === 'library') void handleLibraryRender(state, ws, request.seq, request.job, idPass, passes, request.encode);
    else if (sceneModels(request.job.object).length > 0) void handleSceneModelsRender(state, ws, request.seq, request.job, idPass, passes, request.encode);
    else handleRender(state, ws, request.seq, request.job, idPass, passes, request.encode);
  };
}

main();
