/**
 * Pose ↔ pixels: known 3D points projected with the written K, R, t (OpenCV) land on the
 * rendered pixels (README, Conventions). Markers are small unlit spheres of pure colours; each colour blob's
 * centroid must lie within 2 px of the projection of its centre, in both views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraPose, RawImage, Vec3 } from '../../pipeline/types.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { MARKERS, MARKER_RADIUS_M, camera, jobOf, markerObject, type Marker } from './fixtures.js';

const DEG = Math.PI / 180;
/** Largest per-channel difference for a pixel to count as a marker's colour. */
const COLOUR_TOLERANCE = 40;

/** Rotates an object-frame point by the object yaw about world +Y (three.js `rotation.y`). */
function yawPoint(p: Vec3, yawDeg: number): Vec3 {
  const c = Math.cos(yawDeg * DEG);
  const s = Math.sin(yawDeg * DEG);
  return [c * p[0] + s * p[2], p[1], -s * p[0] + c * p[2]];
}

/** OpenCV pinhole projection: `x = R X + t; u = fx x/z + cx; v = fy y/z + cy`. */
function project(pose: CameraPose, X: Vec3): { u: number; v: number; z: number } {
  const { R, t, K } = pose;
  const x = R[0][0] * X[0] + R[0][1] * X[1] + R[0][2] * X[2] + t[0];
  const y = R[1][0] * X[0] + R[1][1] * X[1] + R[1][2] * X[2] + t[1];
  const z = R[2][0] * X[0] + R[2][1] * X[1] + R[2][2] * X[2] + t[2];
  return { u: (K.fx * x) / z + K.cx, v: (K.fy * y) / z + K.cy, z };
}

/** Centroid (pixel centres at i + 0.5) and size of the pixels within tolerance of `rgb`. */
function blob(img: RawImage, rgb: [number, number, number]): { u: number; v: number; count: number } {
  let su = 0;
  let sv = 0;
  let count = 0;
  const { width, height } = img;
  const rgba = img.rgba!;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const k = (j * width + i) * 4;
      if (
        Math.abs(rgba[k] - rgb[0]) <= COLOUR_TOLERANCE &&
        Math.abs(rgba[k + 1] - rgb[1]) <= COLOUR_TOLERANCE &&
        Math.abs(rgba[k + 2] - rgb[2]) <= COLOUR_TOLERANCE
      ) {
        su += i + 0.5;
        sv += j + 0.5;
        count += 1;
      }
    }
  }
  return { u: su / count, v: sv / count, count };
}

interface Case {
  name: string;
  orbits: [Parameters<typeof camera>[0], Parameters<typeof camera>[0]];
  yaw: [number, number];
}

const CASES: Case[] = [
  { name: 'plain orbit', orbits: [{ azimuthDeg: 20, elevationDeg: 15 }, { azimuthDeg: 75, elevationDeg: 35 }], yaw: [0, 0] },
  { name: 'roll 10° and object yaw 30°', orbits: [{ azimuthDeg: 20, elevationDeg: 15, rollDeg: 10 }, { azimuthDeg: 75, elevationDeg: 35, rollDeg: 10 }], yaw: [30, 30] },
  { name: 'camera panned (turned in place) by ±8°', orbits: [{ azimuthDeg: 20, elevationDeg: 15, panDeg: 8 }, { azimuthDeg: 75, elevationDeg: 35, panDeg: -8, rollDeg: 5 }], yaw: [0, 0] },
  { name: 'opposite rolls, object turned between views', orbits: [{ azimuthDeg: -40, elevationDeg: -10, rollDeg: -10 }, { azimuthDeg: 130, elevationDeg: 25, rollDeg: 10, radiusM: 2.8 }], yaw: [0, 30] },
];

describe('pose ↔ pixels', () => {
  let renderer: ChromiumRenderer;
  beforeAll(async () => {
    renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 1 });
  }, 60_000);
  afterAll(async () => {
    await renderer?.close();
  });

  it.each(CASES)('markers project within 2 px of their blobs: $name', async ({ orbits, yaw }) => {
    const poses: [CameraPose, CameraPose] = [camera({ radiusM: 3.2, ...orbits[0] }, 512, 45), camera({ radiusM: 3.2, ...orbits[1] }, 512, 45)];
    const images = await renderer.render(jobOf('markers', markerObject(), poses, yaw));
    for (const view of [0, 1] as const) {
      const pose = poses[view];
      const projected = MARKERS.map((m: Marker) => ({ m, ...project(pose, yawPoint(m.point, yaw[view])) }));
      // Preconditions on the test data: every marker in frame and no two blobs touching.
      for (const p of projected) {
        const radiusPx = (pose.K.fy * MARKER_RADIUS_M) / p.z;
        expect(p.u - radiusPx > 2 && p.u + radiusPx < pose.K.width - 2, `${p.m.name} in frame`).toBe(true);
        for (const q of projected) {
          if (q === p) continue;
          const apart = Math.hypot(p.u - q.u, p.v - q.v) - radiusPx - (pose.K.fy * MARKER_RADIUS_M) / q.z;
          expect(apart, `${p.m.name} and ${q.m.name} apart in view ${view}`).toBeGreaterThan(3);
        }
      }
      for (const p of projected) {
        const found = blob(images[view], p.m.rgb);
        const radiusPx = (pose.K.fy * MARKER_RADIUS_M) / p.z;
        // Whole blob visible (edge pixels blend with the background and fall outside the tolerance).
        expect(found.count, `${p.m.name} blob size in view ${view}`).toBeGreaterThan(0.6 * Math.PI * radiusPx * radiusPx);
        const error = Math.hypot(found.u - p.u, found.v - p.v);
        expect(error, `${p.m.name} in view ${view}: blob (${found.u.toFixed(2)}, ${found.v.toFixed(2)}) vs projection (${p.u.toFixed(2)}, ${p.v.toFixed(2)})`).toBeLessThan(2);
      }
    }
  });

  it('an upside-down image would fail: the top marker is above the origin in the image', async () => {
    // Guards the row flip independently of the projection maths: +Y world is up on screen.
    const poses: [CameraPose, CameraPose] = [camera({ azimuthDeg: 0, elevationDeg: 0 }), camera({ azimuthDeg: 90, elevationDeg: 0 })];
    const up: Marker[] = [
      { name: 'origin', rgb: [255, 255, 255], point: [0, 0, 0] },
      { name: 'top', rgb: [255, 0, 0], point: [0, 0.6, 0] },
      { name: 'right', rgb: [0, 0, 255], point: [0.6, 0, 0] },
    ];
    const [a] = await renderer.render(jobOf('updown', markerObject(up), poses));
    const origin = blob(a, [255, 255, 255]);
    const top = blob(a, [255, 0, 0]);
    const right = blob(a, [0, 0, 255]);
    expect(top.v).toBeLessThan(origin.v - 50);
    expect(right.u).toBeGreaterThan(origin.u + 50);
  });
});
