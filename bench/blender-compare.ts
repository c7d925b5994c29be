/**
 * Ours against Blender on one GLB: the same asset (normalised the same way: bounding box centred,
 * half-diagonal {@link TARGET_RADIUS}), the same cameras (a ring of `views` orbit cameras at 20°
 * elevation, 40° vertical FOV) and the same size. Ours = ChromiumRenderer `render` + sharp JPEG
 * of every view, after one warm-up pass; Blender = Cycles on the CPU (see blender-bench.ts).
 */
import { basename, dirname } from 'node:path';
import { indexLibrary } from '../assets/library/index-library.js';
import { assetRoutes, toLibraryObject } from '../assets/library/library-objects.js';
import { TARGET_RADIUS } from '../assets/library/normalise-asset.js';
import { intrinsicsFromFov, orbitCamera } from '../pipeline/geometry/orbit-camera.js';
import { minRadiusForFov } from '../pipeline/plan/camera-motion.js';
import type { RenderJob, ViewSpec } from '../pipeline/types.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import type { GlMode } from '../renderers/chromium/gl-flags.js';
import { encodeImage } from '../renderers/encode-image.js';
import { benchBlender, findBlender, type BlenderBenchResult } from './blender-bench.js';

const FOV_DEG = 40;
const ELEVATION_DEG = 20;
/** Passes of ours over the camera set (Blender renders it once: it takes seconds an image). */
const OUR_PASSES = 10;

export interface BlenderComparisonOptions {
  glb: string;
  size: number;
  /** Cameras in the ring (an even number: ours renders them as pairs). */
  views: number;
  samples: number;
  gl: GlMode;
  pages: number;
}

export interface BlenderComparison {
  glb: string;
  blender: BlenderBenchResult;
  oursImagesPerSecond: number;
}

/** The ring of cameras both renderers use. */
export function comparisonViews(count: number, size: number): ViewSpec[] {
  const K = intrinsicsFromFov(FOV_DEG, size, size);
  const radiusM = minRadiusForFov(FOV_DEG) * 1.1;
  return Array.from({ length: count }, (_, i) => ({
    c2wGl: orbitCamera({ azimuthDeg: (360 * i) / count - 180, elevationDeg: ELEVATION_DEG, radiusM, rollDeg: 0, panDeg: 0 }, K).c2wGl,
    fovYDeg: FOV_DEG,
    near: 0.05,
    far: 100,
  }));
}

/** Runs both sides; null when Blender is not installed. */
export async function compareWithBlender(options: BlenderComparisonOptions): Promise<BlenderComparison | null> {
  const blenderPath = findBlender();
  if (blenderPath === null) return null;
  const views = comparisonViews(options.views + (options.views % 2), options.size);

  // --- Ours: the GLB as a library asset of its own folder
  const library = await indexLibrary(dirname(options.glb), { maxAssetBytes: 1024 * 1024 * 1024 });
  const asset = library.assets.toArray().find((a) => a.path === basename(options.glb));
  if (asset === undefined) throw new Error(`bench: ${options.glb} is not a usable asset (${library.skipped.map((s) => `${s.path}: ${s.message}`).join('; ')})`);
  const object = toLibraryObject(asset, 'none');
  const lighting = { background: '#808080', ambientIntensity: 0.6, keyAzimuthDeg: 35, keyElevationDeg: 45, keyIntensity: 2 };
  const jobs: RenderJob[] = [];
  for (let i = 0; i < views.length; i += 2) {
    jobs.push({ id: `blender-compare-${i / 2}`, width: options.size, height: options.size, object, objectYawDeg: [0, 0], lighting, views: [views[i], views[i + 1]] });
  }
  const renderer = await ChromiumRenderer.create({ glMode: options.gl, pages: options.pages, env: process.env, assets: assetRoutes(library), idPass: false });
  let oursImagesPerSecond: number;
  try {
    const pass = () => Promise.all(jobs.map(async (job) => Promise.all((await renderer.render(job)).map((img) => encodeImage(img, 'jpeg')))));
    await pass();
    const t0 = performance.now();
    for (let p = 0; p < OUR_PASSES; p++) await pass();
    oursImagesPerSecond = (OUR_PASSES * views.length) / ((performance.now() - t0) / 1000);
  } finally {
    await renderer.close();
  }

  // --- Blender, same cameras
  const blender = await benchBlender({ blender: blenderPath, glb: options.glb, views, size: options.size, samples: options.samples, targetRadius: TARGET_RADIUS });
  return { glb: options.glb, blender, oursImagesPerSecond };
}
