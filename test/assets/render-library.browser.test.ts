/**
 * Library models in the real page (Chromium, three's GLTFLoader): every fixture model, a
 * meshopt-compressed copy and a Draco-compressed copy (decoded in a worker from the locally
 * served decoder) render a non-empty silhouette in both views, and the silhouette's
 * bounding box matches the hull of the normalised bounding-box corners projected with the
 * sample's K, R, t (the cameras the record is written from). The page may fetch exactly the
 * asset files; anything else stays blocked.
 */
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexLibrary, type AssetLibrary } from '../../assets/library/index-library.js';
import { assetRoutes, toLibraryObject } from '../../assets/library/library-objects.js';
import { boxCorners } from '../../assets/library/normalise-asset.js';
import { computeGroundTruth } from '../../pipeline/geometry/ground-truth.js';
import { buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import { resolveSample } from '../../pipeline/run/resolve-sample.js';
import type { CameraPose, LibraryObjectSpec, RawImage, RenderJob, Vec3 } from '../../pipeline/types.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { FIXTURES, writeDracoCopy, writeMeshoptCopy } from './library-fixtures.js';
import { writeBoxLibrary } from '../fixtures/box-library.js';
import { CACHE_LIMIT } from '../../renderers/page/load-library-object.js';

const SIZE = 128;
const DEG = Math.PI / 180;
/** Background of the test renders: magenta, far from every fixture's colours. */
const BACKGROUND: [number, number, number] = [255, 0, 255];
const FOREGROUND_TOLERANCE = 40;
/** Box models: silhouette box and projected hull agree within this, pixels (antialiased edges). */
const BOX_TOLERANCE_PX = 2;

let library: AssetLibrary;
let renderer: ChromiumRenderer;
/** Each model's job in the silhouette test and its images (the model's first, uncached load). */
const firstRenders = new Map<string, { job: RenderJob; images: [RawImage, RawImage] }>();

beforeAll(async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'vf-render-lib-')), 'lib');
  await cp(FIXTURES, dir, { recursive: true });
  await writeMeshoptCopy(join(FIXTURES, 'Box.glb'), join(dir, 'BoxMeshopt.glb'));
  await writeDracoCopy(join(FIXTURES, 'BoxVertexColors.glb'), join(dir, 'BoxDraco.glb'));
  library = await indexLibrary(dir, { maxAssetBytes: 100 * 1048576 });
  renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 1, env: process.env, assets: assetRoutes(library), logger: { info() {}, warn() {} } });
}, 120_000);

afterAll(async () => {
  await renderer?.close();
});

function project(pose: CameraPose, X: Vec3): { u: number; v: number } {
  const { R, t, K } = pose;
  const x = R[0][0] * X[0] + R[0][1] * X[1] + R[0][2] * X[2] + t[0];
  const y = R[1][0] * X[0] + R[1][1] * X[1] + R[1][2] * X[2] + t[1];
  const z = R[2][0] * X[0] + R[2][1] * X[1] + R[2][2] * X[2] + t[2];
  return { u: (K.fx * x) / z + K.cx, v: (K.fy * y) / z + K.cy };
}

/** Object frame → world: yaw about +Y (three.js rotation.y). */
function yawPoint(p: Vec3, yawDeg: number): Vec3 {
  const c = Math.cos(yawDeg * DEG);
  const s = Math.sin(yawDeg * DEG);
  return [c * p[0] + s * p[2], p[1], -s * p[0] + c * p[2]];
}

/** Bounding box (pixel edges) of the pixels that are not background; null when there are none. */
function silhouetteBox(img: RawImage): { u0: number; u1: number; v0: number; v1: number; pixels: number } | null {
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity, pixels = 0;
  for (let j = 0; j < img.height; j++) {
    for (let i = 0; i < img.width; i++) {
      const k = (j * img.width + i) * 4;
      const d = Math.max(Math.abs(img.rgba![k] - BACKGROUND[0]), Math.abs(img.rgba![k + 1] - BACKGROUND[1]), Math.abs(img.rgba![k + 2] - BACKGROUND[2]));
      if (d <= FOREGROUND_TOLERANCE) continue;
      pixels++;
      u0 = Math.min(u0, i);
      u1 = Math.max(u1, i + 1);
      v0 = Math.min(v0, j);
      v1 = Math.max(v1, j + 1);
    }
  }
  return pixels === 0 ? null : { u0, u1, v0, v1, pixels };
}

const MODELS = ['Box.glb', 'BoxTextured/BoxTextured.gltf', 'BoxVertexColors.glb', 'Helmet.glb', 'BoxMeshopt.glb', 'BoxDraco.glb'];

describe('library models in the page', () => {
  it.each(MODELS)('%s: silhouette in both views matches the projected bounding box', async (path) => {
    const asset = library.assets.toArray().find((a) => a.path === path)!;
    expect(asset, `${path} indexed`).toBeDefined();
    const object: LibraryObjectSpec = toLibraryObject(asset, 'none');
    const planConfig = { seed: 7, width: SIZE, height: SIZE, schedule: buildFamilySchedule([{ family: 'orbit', weight: 1 }]), library: [object] };
    const { plan } = resolveSample(planConfig, asset.index, () => {});
    // A plain look (solid magenta, no gradient, sky, environment or ground) so every other pixel is the object.
    const job = { ...plan.job, lighting: { ...plan.job.lighting, background: '#ff00ff', backgroundBottom: null, sky: null, environment: null, ground: null } };
    const images = await renderer.render(job, { idPass: [false, false] });
    firstRenders.set(path, { job, images });
    const truth = computeGroundTruth(plan);
    for (const view of [0, 1] as const) {
      const box = silhouetteBox(images[view]);
      expect(box, `${path} view ${view}: silhouette`).not.toBeNull();
      const corners = boxCorners(object).map((c) => project(truth.views[view].camera, yawPoint(c, plan.job.objectYawDeg[view])));
      const hull = { u0: Math.min(...corners.map((c) => c.u)), u1: Math.max(...corners.map((c) => c.u)), v0: Math.min(...corners.map((c) => c.v)), v1: Math.max(...corners.map((c) => c.v)) };
      const b = box!;
      if (path === 'Helmet.glb') {
        // Not a box: its silhouette lies inside the projected box's hull (an upper bound for a rounded
        // shape seen obliquely) and spans at least half of it on each axis.
        expect(b.u0).toBeGreaterThanOrEqual(hull.u0 - BOX_TOLERANCE_PX);
        expect(b.u1).toBeLessThanOrEqual(hull.u1 + BOX_TOLERANCE_PX);
        expect(b.v0).toBeGreaterThanOrEqual(hull.v0 - BOX_TOLERANCE_PX);
        expect(b.v1).toBeLessThanOrEqual(hull.v1 + BOX_TOLERANCE_PX);
        expect(b.u1 - b.u0).toBeGreaterThan(0.5 * (hull.u1 - hull.u0));
        expect(b.v1 - b.v0).toBeGreaterThan(0.5 * (hull.v1 - hull.v0));
      } else {
        // A box's silhouette is the hull of its projected corners.
        for (const side of ['u0', 'u1', 'v0', 'v1'] as const) {
          expect(Math.abs(b[side] - hull[side]), `${path} view ${view} ${side}: ${b[side]} vs ${hull[side].toFixed(2)}`).toBeLessThanOrEqual(BOX_TOLERANCE_PX);
        }
      }
    }
  }, 60_000);

  it('draws a cached model exactly as its first load', async () => {
    // The last model above was loaded fresh by its first job and is still cached (the page keeps CACHE_LIMIT);
    // the same job again draws a clone from the page's cache.
    const first = firstRenders.get(MODELS[MODELS.length - 1])!;
    expect(first).toBeDefined();
    const again = await renderer.render(first.job, { idPass: [false, false] });
    expect(Buffer.from(again[0].rgba!).equals(Buffer.from(first.images[0].rgba!))).toBe(true);
    expect(Buffer.from(again[1].rgba!).equals(Buffer.from(first.images[1].rgba!))).toBe(true);
  });

  it('serves only the files of indexed assets', async () => {
    const server = (renderer as unknown as { server: { isOwnUrl(url: string): boolean; origin: string } }).server;
    const textured = library.assets.toArray().find((a) => a.path === 'BoxTextured/BoxTextured.gltf')!;
    expect(server.isOwnUrl(`${server.origin}/assets/${textured.index}/BoxTextured/BoxTextured.bin`)).toBe(true);
    expect(server.isOwnUrl(`${server.origin}/assets/${textured.index}/Box.glb`)).toBe(false);
    expect(server.isOwnUrl(`${server.origin}/assets/${textured.index}/BoxTextured/../../../etc/passwd`)).toBe(false);
    expect(server.isOwnUrl(`${server.origin}/assets/999/Box.glb`)).toBe(false);
    expect(server.isOwnUrl(`${server.origin}/decoders/draco/draco_decoder.wasm`)).toBe(true);
    expect(server.isOwnUrl(`${server.origin}/favicon.ico`)).toBe(false);
    const bin = await fetch(`${server.origin}/assets/${textured.index}/BoxTextured/BoxTextured.bin`);
    expect(bin.status).toBe(200);
    expect((await bin.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect((await fetch(`${server.origin}/assets/${textured.index}/Box.glb`)).status).toBe(404);
    expect((await fetch(`${server.origin}/assets/${textured.index}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${server.origin}/decoders/draco/draco_wasm_wrapper.js`)).status).toBe(200);
    expect(renderer.stats.abortedRequests).toBe(0);
    expect(renderer.stats.policyViolations).toBe(0);
  });
});

describe('the page\'s model cache', () => {
  it('keeps GPU memory flat when every job draws another model', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'vf-page-cache-')), 'lib');
    await writeBoxLibrary(dir, 3 * CACHE_LIMIT, 11);
    const boxes = await indexLibrary(dir, { maxAssetBytes: 1048576, cacheDir: 'off' });
    const pageRenderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 1, env: process.env, assets: assetRoutes(boxes), logger: { info() {}, warn() {} } });
    try {
      const schedule = buildFamilySchedule([{ family: 'orbit', weight: 1 }]);
      const geometries: number[] = [];
      for (const asset of boxes.assets) {
        const object = toLibraryObject(asset, 'none');
        const { plan } = resolveSample({ seed: 3, width: 48, height: 48, schedule, library: [object] }, asset.index, () => {});
        await pageRenderer.render({ ...plan.job, lighting: { ...plan.job.lighting, sky: null } }, { idPass: [false, false] });
        geometries.push((await pageRenderer.gpuStats())[0].geometries);
      }
      // One geometry a box: the count climbs to the cache's size and stays there.
      expect(Math.max(...geometries)).toBeLessThanOrEqual(CACHE_LIMIT + 2);
      expect(geometries.at(-1)).toBe(geometries[2 * CACHE_LIMIT - 1]);
    } finally {
      await pageRenderer.close();
    }
  }, 60_000);
});

describe('scheduling by model', () => {
  it('sends the jobs of a model to the page that loaded it: two pages, each model fetched once, the same bytes as one page', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'vf-page-affinity-')), 'lib');
    await writeBoxLibrary(dir, 3, 13);
    const boxes = await indexLibrary(dir, { maxAssetBytes: 1048576, cacheDir: 'off' });
    const schedule = buildFamilySchedule([{ family: 'orbit', weight: 1 }]);
    const jobs = boxes.assets.toArray().map((asset) => {
      const { plan } = resolveSample({ seed: 5, width: 48, height: 48, schedule, library: [toLibraryObject(asset, 'none')] }, asset.index, () => {});
      return { ...plan.job, lighting: { ...plan.job.lighting, sky: null } };
    });
    const twoPages = await ChromiumRenderer.create({ glMode: 'auto', pages: 2, env: process.env, assets: assetRoutes(boxes), logger: { info() {}, warn() {} } });
    const onePage = await ChromiumRenderer.create({ glMode: 'auto', pages: 1, env: process.env, assets: assetRoutes(boxes), logger: { info() {}, warn() {} } });
    try {
      const spread: [RawImage, RawImage][] = [];
      for (const job of jobs) {
        // Two jobs of one model at once: without the model's page first, the idle page would take the second and load it again.
        const [a, b] = await Promise.all([twoPages.render(job, { idPass: [false, false] }), twoPages.render({ ...job, id: `${job.id}-again` }, { idPass: [false, false] })]);
        expect(b[0].rgba).toEqual(a[0].rgba);
        spread.push(a);
      }
      expect(twoPages.stats.assetRequests).toBe(jobs.length);
      for (const [i, job] of jobs.entries()) {
        const alone = await onePage.render(job, { idPass: [false, false] });
        expect(Buffer.from(alone[1].rgba!).equals(Buffer.from(spread[i][1].rgba!))).toBe(true);
      }
    } finally {
      await Promise.all([twoPages.close(), onePage.close()]);
    }
  }, 60_000);
});

describe('broken model files in the page', () => {
  it('names a Draco mesh that fails to decode, and warns of a texture that cannot be decoded', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'vf-broken-lib-')), 'lib');
    await cp(FIXTURES, dir, { recursive: true });
    // A Draco copy whose compressed geometry is garbage (the GLB's structure stays valid, so the index takes it).
    await writeDracoCopy(join(FIXTURES, 'BoxVertexColors.glb'), join(dir, 'BrokenDraco.glb'));
    const glb = await readFile(join(dir, 'BrokenDraco.glb'));
    const jsonLength = glb.readUInt32LE(12);
    const bin = 20 + jsonLength + 8; // past the JSON chunk and the BIN chunk's header
    for (let i = bin; i < glb.length; i++) glb[i] = (i * 7919) & 255;
    await writeFile(join(dir, 'BrokenDraco.glb'), glb);
    // The textured box's image file replaced by bytes that are no image.
    const png = (await readdir(join(dir, 'BoxTextured'))).find((f) => f.endsWith('.png'))!;
    await writeFile(join(dir, 'BoxTextured', png), Buffer.from('not an image at all'.repeat(20)));
    const lib = await indexLibrary(dir, { maxAssetBytes: 100 * 1048576, cacheDir: 'off' });
    const warnings: string[] = [];
    const r = await ChromiumRenderer.create({ glMode: 'auto', pages: 1, env: process.env, assets: assetRoutes(lib), logger: { info() {}, warn: (m: string) => warnings.push(m) } });
    try {
      const job = (path: string) => {
        const object = toLibraryObject(lib.assets.toArray().find((a) => a.path === path)!, 'none');
        return resolveSample({ seed: 2, width: 64, height: 64, schedule: buildFamilySchedule([{ family: 'orbit', weight: 1 }]), library: [object] }, 0, () => {}).plan.job;
      };
      const draco = r.render(job('BrokenDraco.glb'), { idPass: [false, false] });
      await expect(draco).rejects.toThrow(/library asset "BrokenDraco\.glb" failed to load: .*(Draco|decod)/i);
      await expect(draco).rejects.not.toThrow(/\[object Object\]/);
      await r.render(job('BoxTextured/BoxTextured.gltf'), { idPass: [false, false] });
      expect(warnings).toContainEqual(expect.stringMatching(/^assets: library asset "BoxTextured\/BoxTextured\.gltf": 1 texture\(s\) could not be loaded or decoded; the model is drawn without them$/));
    } finally {
      await r.close();
    }
  }, 60_000);
});
