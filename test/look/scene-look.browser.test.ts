/**
 * The look in real Chromium/WebGL: gradient backgrounds, HDR environment maps served by the page
 * server's `/env/` route (the generated fixture sky map), and the shadow-catching ground plane,
 * which only darkens the background and leaves the ID pass alone; the procedural sky.
 */
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEnvMaps } from '../../assets/env/list-env-maps.js';
import { getLowestY } from '../../pipeline/plan/draw-look.js';
import type { LightingSpec, RawImage, RenderJob } from '../../pipeline/types.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { PageServer } from '../../renderers/chromium/page-server.js';
import { FIXTURE_HDR, HDR_DIR } from '../fixtures/fixture-files.js';
import { camera, gadgetObject, jobOf } from '../renderers/fixtures.js';

const HDR = FIXTURE_HDR;
const SIZE = 96;
const object = gadgetObject('look-gadget');
const BASE: LightingSpec = { background: '#e9eef5', ambientIntensity: 0.7, keyAzimuthDeg: 40, keyElevationDeg: 55, keyIntensity: 2.2 };

function job(id: string, lighting: Partial<LightingSpec>): RenderJob {
  const j = jobOf(id, object, [camera({ azimuthDeg: 30, elevationDeg: 25 }, SIZE), camera({ azimuthDeg: 100, elevationDeg: 40 }, SIZE)]);
  return { ...j, lighting: { ...BASE, ...lighting } };
}

const pixel = (img: RawImage, x: number, y: number) => Array.from(img.rgba!.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
const near = (a: number[], hex: string, tol: number) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255].every((c, i) => Math.abs(c - a[i]) <= tol);
};

describe('scene look (Chromium)', () => {
  let renderer: ChromiumRenderer;
  beforeAll(async () => {
    renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 1, envMaps: await listEnvMaps(HDR_DIR) });
  }, 60_000);
  afterAll(async () => {
    await renderer?.close();
  });

  it('draws a vertical gradient from the top colour to the bottom colour, interpolated in sRGB, the same bytes again, the object and ID pass untouched', async () => {
    const [a] = await renderer.render(job('gradient', { background: '#d0e8ff', backgroundBottom: '#603010' }));
    expect(near(pixel(a, 0, 0), '#d0e8ff', 4)).toBe(true);
    expect(near(pixel(a, 0, SIZE - 1), '#603010', 4)).toBe(true);
    // Halfway down: the mean of the sRGB bytes (0xd0, 0xe8, 0xff and 0x60, 0x30, 0x10).
    const mid = pixel(a, 0, SIZE / 2);
    [(0xd0 + 0x60) / 2, (0xe8 + 0x30) / 2, (0xff + 0x10) / 2].forEach((c, i) => expect(Math.abs(mid[i] - c)).toBeLessThanOrEqual(3));
    const [again] = await renderer.render(job('gradient-2', { background: '#d0e8ff', backgroundBottom: '#603010' }));
    expect(Buffer.compare(a.rgba!, again.rgba!)).toBe(0);
    // The ID pass does not see the quad: its labels are those of the same job on a solid background (the
    // colour sums differ only where an interior ID pixel lands on an anti-aliased rim of the colour image).
    const [solid] = await renderer.render(job('gradient-solid', { background: '#d0e8ff' }));
    const labels = (img: RawImage) => img.idPass!.parts.map(({ name, pixels, centroidPx, interiorPixels }) => ({ name, pixels, centroidPx, interiorPixels }));
    expect(labels(a)).toEqual(labels(solid));
    expect(a.idPass!.parts.some((p) => p.pixels > 0)).toBe(true);
  }, 30_000);

  it('lights the object with the environment map, the same bytes from the cache as from the first load', async () => {
    const env = { file: HDR, rotationDeg: 40, intensity: 1, asBackground: false };
    const [plain] = await renderer.render(job('plain', {}), { idPass: [false, false] });
    const [first] = await renderer.render(job('env-1', { environment: env }), { idPass: [false, false] });
    const [again] = await renderer.render(job('env-2', { environment: env }), { idPass: [false, false] });
    expect(Buffer.compare(first.rgba!, again.rgba!)).toBe(0);
    expect(pixel(first, 0, 0)).toEqual(pixel(plain, 0, 0)); // background stays
    let changed = 0;
    for (let i = 0; i < plain.rgba!.length; i += 4) if (Math.abs(plain.rgba![i] - first.rgba![i]) > 8) changed += 1;
    expect(changed).toBeGreaterThan(200); // the object's shading
    const [shown] = await renderer.render(job('env-bg', { environment: { ...env, asBackground: true } }), { idPass: [false, false] });
    expect(near(pixel(shown, 0, 0), BASE.background, 6)).toBe(false);
  }, 60_000);

  it('names an environment map the page server does not serve', async () => {
    await expect(renderer.render(job('env-missing', { environment: { file: 'nope.hdr', rotationDeg: 0, intensity: 1, asBackground: false } }))).rejects.toThrow(/nope\.hdr/);
  }, 30_000);

  it('casts a shadow on the ground plane that only darkens, and leaves the ID pass alone', async () => {
    const [plain] = await renderer.render(job('no-ground', {}));
    const [ground] = await renderer.render(job('ground', { ground: { y: getLowestY(object), shadowOpacity: 0.5 } }));
    let darker = 0;
    for (let i = 0; i < plain.rgba!.length; i += 4) {
      const d = ground.rgba![i] + ground.rgba![i + 1] + ground.rgba![i + 2] - (plain.rgba![i] + plain.rgba![i + 1] + plain.rgba![i + 2]);
      expect(d).toBeLessThanOrEqual(3);
      if (d < -30) darker += 1;
    }
    expect(darker).toBeGreaterThan(20);
    expect(ground.idPass).toEqual(plain.idPass);
  }, 30_000);

  it('draws a procedural sky above the horizon and the ground below it, the same bytes again, the ID pass untouched', async () => {
    const sky = { turbidity: 3, rayleigh: 1.5, mieCoefficient: 0.005, mieDirectionalG: 0.8, cloudCoverage: 0, cloudSeed: 10, exposure: 0.6, ground: '#5f7a3a' };
    // Cameras at the horizon: the top rows look up into the sky, the bottom rows down onto the ground.
    const level = (id: string, lighting: Partial<LightingSpec>): RenderJob => {
      const j = jobOf(id, object, [camera({ azimuthDeg: 30, elevationDeg: 2 }, SIZE), camera({ azimuthDeg: 100, elevationDeg: 2 }, SIZE)]);
      return { ...j, lighting: { ...BASE, ...lighting } };
    };
    const [plain] = await renderer.render(level('sky-plain', {}));
    const [a] = await renderer.render(level('sky-1', { sky }));
    const [again] = await renderer.render(level('sky-2', { sky }));
    expect(Buffer.compare(a.rgba!, again.rgba!)).toBe(0);
    const top = pixel(a, 0, 0);
    expect(top[2]).toBeGreaterThan(top[0] + 15); // blue sky
    const bottom = pixel(a, 0, SIZE - 1);
    expect(bottom[1]).toBeGreaterThan(bottom[0]); // the green ground: G > R > B
    expect(bottom[0]).toBeGreaterThan(bottom[2]);
    expect(a.idPass).toEqual(plain.idPass);
    // The sun is the key light: turning the light turns the sky's bright side.
    const [turned] = await renderer.render(level('sky-3', { sky, keyAzimuthDeg: BASE.keyAzimuthDeg + 180 }));
    expect(pixel(turned, 0, 0)).not.toEqual(top);
  }, 30_000);
});

describe('environment map listing and route', () => {
  it('lists only .hdr files inside the folder, sorted, and names a bad folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vf-env-'));
    const outside = await mkdtemp(join(tmpdir(), 'vf-env-out-'));
    await writeFile(join(outside, 'secret.hdr'), 'x');
    await writeFile(join(dir, 'b.HDR'), 'x');
    await writeFile(join(dir, 'a.hdr'), 'x');
    await writeFile(join(dir, 'notes.txt'), 'x');
    await mkdir(join(dir, 'folder.hdr'));
    await symlink(join(outside, 'secret.hdr'), join(dir, 'escape.hdr'));
    const maps = await listEnvMaps(dir);
    expect(maps.files).toEqual(['a.hdr', 'b.HDR']);
    await expect(listEnvMaps(join(dir, 'missing'))).rejects.toThrow(/missing.*not a readable folder/);
    await expect(listEnvMaps(outside + '-none')).rejects.toThrow(/not a readable folder/);
    const empty = await mkdtemp(join(tmpdir(), 'vf-env-empty-'));
    await expect(listEnvMaps(empty)).rejects.toThrow(/holds no \.hdr file/);

    const server = await PageServer.start({ script: '/* page */', envMaps: maps });
    try {
      expect(server.isOwnUrl(`${server.origin}/env/a.hdr`)).toBe(true);
      expect(server.isOwnUrl(`${server.origin}/env/escape.hdr`)).toBe(false);
      expect(server.isOwnUrl(`${server.origin}/env/..%2Fsecret.hdr`)).toBe(false);
      expect((await fetch(`${server.origin}/env/a.hdr`)).status).toBe(200);
      expect((await fetch(`${server.origin}/env/escape.hdr`)).status).toBe(404);
      expect((await fetch(`${server.origin}/env/notes.txt`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
