/**
 * The renderer's ID pass (real Chromium, real WebGL) against the geometry's ray cast: a part
 * hidden behind the body is reported hidden by both, visible parts are seen by both with their
 * pixel centroid near the projected centre, and the ID pass leaves the image bytes unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeViewFacts } from '../../pipeline/geometry/view-facts.js';
import type { ObjectSpec, PartSpec, RawImage, Vec3 } from '../../pipeline/types.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { camera, gadgetJobs, jobOf } from './fixtures.js';

function part(name: string, colorHex: string, shape: PartSpec['shape'], size: number[], position: Vec3): PartSpec {
  return { name, colorName: name, colorHex, shape, size, position, rotationDeg: [0, 0, 0], material: 'standard' };
}

/** A big box body with a small ball right behind it (−Z) and a knob on top, a fin on the right. */
function hiderObject(): ObjectSpec {
  return {
    kind: 'procedural',
    generator: 'test',
    name: 'hider',
    symmetry: 'none',
    parts: [
      part('body', '#1f77b4', 'box', [0.9, 0.7, 0.5], [0, 0, 0]),
      part('ball', '#d62728', 'sphere', [0.12], [0, 0, -0.45]),
      part('knob', '#2ca02c', 'sphere', [0.1], [0.1, 0.45, 0.05]),
      part('fin', '#ff7f0e', 'box', [0.1, 0.3, 0.3], [0.55, 0, 0]),
    ],
  };
}

function idParts(img: RawImage): Record<string, { pixels: number; centroidPx: [number, number] | null }> {
  expect(img.idPass).toBeDefined();
  return Object.fromEntries(img.idPass!.parts.map((p) => [p.name, { pixels: p.pixels, centroidPx: p.centroidPx }]));
}

describe('ID pass', () => {
  let renderer: ChromiumRenderer;
  let plain: ChromiumRenderer;
  beforeAll(async () => {
    renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 1 });
    plain = await ChromiumRenderer.create({ glMode: 'auto', pages: 1, idPass: false });
  }, 90_000);
  afterAll(async () => {
    await renderer?.close();
    await plain?.close();
  });

  it('reports a part hidden behind the body as hidden, like the ray cast, and sees it from behind', async () => {
    const object = hiderObject();
    // View A from the front (+Z, level): the ball is behind the body. View B from behind (−Z).
    const cams = [camera({ azimuthDeg: 0, elevationDeg: 0, radiusM: 3.2 }, 256), camera({ azimuthDeg: 180, elevationDeg: 10, radiusM: 3.2 }, 256)] as const;
    const [a, b] = await renderer.render(jobOf('hider', object, [cams[0], cams[1]]));
    const rayA = computeViewFacts(object, 0, cams[0]);
    const rayB = computeViewFacts(object, 0, cams[1]);
    const idA = idParts(a);
    const idB = idParts(b);
    expect(a.idPass).toMatchObject({ width: 128, height: 128 });
    // Hidden in A by both measures…
    expect(rayA.parts.find((p) => p.name === 'ball')!.visible).toBe(false);
    expect(rayA.parts.find((p) => p.name === 'ball')!.visibleFraction).toBe(0);
    expect(idA.ball).toEqual({ pixels: 0, centroidPx: null });
    // …and visible from behind by both.
    expect(rayB.parts.find((p) => p.name === 'ball')!.visible).toBe(true);
    expect(idB.ball.pixels).toBeGreaterThan(20);
    // Every part: the ray cast and the ID pass agree on visible / not visible, in both views.
    for (const [ray, id] of [[rayA, idA], [rayB, idB]] as const) {
      for (const p of ray.parts) expect(id[p.name].pixels > 0, `${p.name}`).toBe(p.visible);
    }
  });

  it('puts a fully visible part\'s pixel centroid near its projected centre', async () => {
    const object = hiderObject();
    const cam = camera({ azimuthDeg: 20, elevationDeg: 30, radiusM: 3 }, 256);
    const [a] = await renderer.render(jobOf('centroids', object, [cam, cam]));
    const ray = computeViewFacts(object, 0, cam);
    const knob = ray.parts.find((p) => p.name === 'knob')!;
    const seen = idParts(a).knob;
    expect(knob.visible).toBe(true);
    // A sphere seen whole: the centroid of its silhouette is its projected centre, up to 128-px sampling.
    expect(Math.hypot(seen.centroidPx![0] - knob.centrePx[0], seen.centroidPx![1] - knob.centrePx[1])).toBeLessThan(3);
  });

  it('does not change the image bytes', async () => {
    const job = gadgetJobs(2, 200)[1];
    const [withId, withoutId] = await Promise.all([renderer.render(job), plain.render(job)]);
    for (const v of [0, 1] as const) {
      expect(Buffer.compare(withId[v].rgba!, withoutId[v].rgba!)).toBe(0);
      expect(withoutId[v].idPass).toBeUndefined();
      expect(withId[v].idPass!.parts.map((p) => p.name)).toEqual(job.object.parts.map((p) => p.name));
    }
  });

  it('runs only for the views a call asks for', async () => {
    const job = gadgetJobs(1, 128)[0];
    const [a, b] = await renderer.render(job, { idPass: [false, true] });
    expect(a.idPass).toBeUndefined();
    expect(b.idPass!.parts).toHaveLength(job.object.parts.length);
    const [c, d] = await plain.render(job, { idPass: [true, false] });
    expect(c.idPass).toBeDefined();
    expect(d.idPass).toBeUndefined();
  });

  it('keeps the aspect of a non-square view', async () => {
    const job = { ...gadgetJobs(1, 160)[0], width: 200, height: 160 };
    const [a] = await renderer.render(job);
    expect(a.idPass).toMatchObject({ width: 128, height: 102 });
    const total = a.idPass!.parts.reduce((s, p) => s + p.pixels, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(128 * 102);
  });
});
