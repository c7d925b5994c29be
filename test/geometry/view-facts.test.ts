import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { poseObject } from '../../assets/procedural/build-object.js';
import { intrinsicsFromFov, orbitCamera } from '../../pipeline/geometry/orbit-camera.js';
import { projectPoint } from '../../pipeline/geometry/project-point.js';
import {
  VIEW_FACTS_DEFAULTS,
  buildVisibilityModel,
  computeViewFacts,
  viewFactsFromModel,
  type VisibilityModel,
} from '../../pipeline/geometry/view-facts.js';
import type { CameraPose, ObjectSpec, OrbitParams, PartSpec, PartView, ViewFacts } from '../../pipeline/types.js';

const K = intrinsicsFromFov(45, 512, 512);
const orbit = (azimuthDeg: number, elevationDeg = 0, radiusM = 4, rollDeg = 0): OrbitParams => ({ azimuthDeg, elevationDeg, radiusM, rollDeg, panDeg: 0 });

function part(name: string, shape: PartSpec['shape'], size: number[], position: PartSpec['position'], rotationDeg: PartSpec['rotationDeg'] = [0, 0, 0]): PartSpec {
  return { name, colorName: name, colorHex: '#808080', shape, size, position, rotationDeg, material: 'standard' };
}

function spec(parts: PartSpec[]): ObjectSpec {
  return { kind: 'procedural', generator: 'test', name: 'test-object', parts, symmetry: 'none' };
}

function byName(facts: ViewFacts, name: string): PartView {
  const p = facts.parts.find((x) => x.name === name);
  if (!p) throw new Error(`no part ${name}`);
  return p;
}

// A wide, thin wall in the XY plane and a small ball on its +Z side.
const WALL_AND_BALL = spec([part('wall', 'box', [1, 1, 0.2], [0, 0, 0]), part('ball', 'sphere', [0.1], [0, 0, 0.5])]);

describe('computeViewFacts: visibility', () => {
  it('sees a part in front of a big box', () => {
    const facts = computeViewFacts(WALL_AND_BALL, 0, orbitCamera(orbit(0), K));
    const ball = byName(facts, 'ball');
    expect(ball.visible).toBe(true);
    expect(ball.visibleFraction).toBeGreaterThan(0.3);
    expect(byName(facts, 'wall').visible).toBe(true);
  });

  it('hides the same part behind the box (camera on the other side)', () => {
    const facts = computeViewFacts(WALL_AND_BALL, 0, orbitCamera(orbit(180), K));
    const ball = byName(facts, 'ball');
    expect(ball.visibleFraction).toBe(0);
    expect(ball.visible).toBe(false);
    expect(byName(facts, 'wall').visible).toBe(true);
  });

  it('applies the object yaw: turning the object 180° hides the ball from the front camera', () => {
    const model = buildVisibilityModel(WALL_AND_BALL);
    const cam = orbitCamera(orbit(0), K);
    expect(byName(viewFactsFromModel(model, 180, cam), 'ball').visibleFraction).toBe(0);
    expect(byName(viewFactsFromModel(model, 0, cam), 'ball').visible).toBe(true);
  });

  it('counts self-occlusion: a lone sphere shows about half of its sample points', () => {
    const facts = computeViewFacts(spec([part('ball', 'sphere', [0.3], [0, 0, 0])]), 0, orbitCamera(orbit(40, 20), K));
    const f = byName(facts, 'ball').visibleFraction;
    expect(f).toBeGreaterThan(0.3);
    expect(f).toBeLessThan(0.75);
  });

  it('gives 0 to a part outside the image', () => {
    // A narrow camera looking at the origin; the ball 0.8 m to the side is out of its view.
    const narrow = intrinsicsFromFov(10, 256, 256);
    const obj = spec([part('centre', 'box', [0.1, 0.1, 0.1], [0, 0, 0]), part('side', 'sphere', [0.05], [0.8, 0, 0])]);
    const facts = computeViewFacts(obj, 0, orbitCamera(orbit(0), narrow));
    expect(byName(facts, 'side').visibleFraction).toBe(0);
    expect(byName(facts, 'centre').visible).toBe(true);
    expect(facts.inFrame).toBe(false);
  });

  it('uses the threshold option', () => {
    const cam = orbitCamera(orbit(0), K);
    const strict = computeViewFacts(WALL_AND_BALL, 0, cam, { minVisibleFraction: 0.99 });
    expect(byName(strict, 'ball').visible).toBe(false);
    expect(VIEW_FACTS_DEFAULTS.minVisibleFraction).toBe(0.15);
  });

  it('matches a brute-force THREE.Raycaster reference on a mixed object', () => {
    const obj = spec([
      part('body', 'cylinder', [0.3, 0.3, 0.7], [0, 0, 0]),
      part('handle', 'torus', [0.2, 0.05], [0.45, 0.05, 0]),
      part('knob', 'sphere', [0.1], [-0.05, 0.42, 0.1]),
      part('fin', 'box', [0.05, 0.3, 0.35], [0, 0.1, -0.4], [10, 0, 0]),
      part('nose', 'cone', [0.1, 0.25], [0, 0, 0.42], [90, 0, 0]),
    ]);
    const model = buildVisibilityModel(obj);
    const raycaster = new THREE.Raycaster();
    for (const mesh of model.group.children) ((mesh as THREE.Mesh).material as THREE.Material).side = THREE.DoubleSide;
    for (const [az, el, yaw] of [
      [0, 10, 0],
      [75, 30, 20],
      [160, -15, 200],
      [-100, 45, 90],
      [-20, 5, 300],
    ]) {
      const cam = orbitCamera(orbit(az, el, 2.6), K);
      const facts = viewFactsFromModel(model, yaw, cam);
      poseObject(model.group, yaw);
      const C = new THREE.Vector3(...cam.centre);
      model.parts.forEach((p, i) => {
        let seen = 0;
        for (let k = 0; k < p.samples.length; k += 3) {
          const X = new THREE.Vector3(p.samples[k], p.samples[k + 1], p.samples[k + 2]).applyMatrix4(model.group.matrixWorld);
          const q = projectPoint(cam, [X.x, X.y, X.z]);
          if (!(q.depthM > 0 && q.u >= 0 && q.u <= K.width && q.v >= 0 && q.v <= K.height)) continue;
          const dir = X.clone().sub(C);
          raycaster.set(C, dir.clone().normalize());
          raycaster.far = dir.length() - VIEW_FACTS_DEFAULTS.occlusionEpsilonM;
          if (raycaster.intersectObject(model.group, true).length === 0) seen++;
        }
        expect(facts.parts[i].visibleFraction).toBeCloseTo(seen / (p.samples.length / 3), 12);
      });
    }
  });
});

describe('computeViewFacts: positions and depth', () => {
  const obj = spec([
    part('core', 'box', [0.2, 0.2, 0.2], [0, 0, 0]),
    part('east', 'sphere', [0.08], [0.6, 0, 0]),
    part('west', 'sphere', [0.08], [-0.6, 0, 0]),
    part('top', 'sphere', [0.08], [0, 0.6, 0]),
    part('front', 'sphere', [0.08], [0, 0, 0.6]),
  ]);

  it('puts a part on the camera’s right in the right third, a part above in the top third', () => {
    const facts = computeViewFacts(obj, 0, orbitCamera(orbit(0, 0, 2.5), K));
    expect(byName(facts, 'east').horizontal).toBe('right');
    expect(byName(facts, 'west').horizontal).toBe('left');
    expect(byName(facts, 'core').horizontal).toBe('centre');
    expect(byName(facts, 'core').vertical).toBe('middle');
    expect(byName(facts, 'top').vertical).toBe('top');
    expect(byName(facts, 'top').horizontal).toBe('centre');
    const core = byName(facts, 'core');
    expect(core.centrePx[0]).toBeCloseTo(K.cx, 9);
    expect(core.centrePx[1]).toBeCloseTo(K.cy, 9);
  });

  it('turns with the object yaw and with the camera azimuth', () => {
    // Object turned 180° about +Y: its +X part is now on world −X, i.e. on the left.
    expect(byName(computeViewFacts(obj, 180, orbitCamera(orbit(0, 0, 2.5), K)), 'east').horizontal).toBe('left');
    // Camera looking from +X (azimuth 90): the object's +Z ("front") part is on the camera's left.
    expect(byName(computeViewFacts(obj, 0, orbitCamera(orbit(90, 0, 2.5), K)), 'front').horizontal).toBe('left');
  });

  it('orders depths by distance to the camera', () => {
    const cam = orbitCamera(orbit(0, 0, 3), K);
    const facts = computeViewFacts(obj, 0, cam);
    expect(byName(facts, 'front').depthM).toBeCloseTo(2.4, 12);
    expect(byName(facts, 'core').depthM).toBeCloseTo(3, 12);
    expect(byName(facts, 'front').depthM).toBeLessThan(byName(facts, 'core').depthM);
    // From an oblique camera the depth order follows the distance to the camera centre.
    const oblique: CameraPose = orbitCamera(orbit(50, 20, 3), K);
    const f2 = computeViewFacts(obj, 0, oblique);
    const dist = (n: string) => {
      const p = obj.parts.find((x) => x.name === n)!.position;
      return Math.hypot(p[0] - oblique.centre[0], p[1] - oblique.centre[1], p[2] - oblique.centre[2]);
    };
    const names = ['east', 'west', 'top', 'front', 'core'];
    const byDepth = [...names].sort((a, b) => byName(f2, a).depthM - byName(f2, b).depthM);
    const byDist = [...names].sort((a, b) => dist(a) - dist(b));
    expect(byDepth).toEqual(byDist);
  });
});

describe('computeViewFacts: framing', () => {
  const obj = spec([part('body', 'box', [0.8, 0.8, 0.8], [0, 0, 0])]);

  it('is in frame from far away and not from too close; coverage grows as the camera nears', () => {
    const far = computeViewFacts(obj, 0, orbitCamera(orbit(30, 20, 4), K));
    const near = computeViewFacts(obj, 0, orbitCamera(orbit(30, 20, 2.2), K));
    const tooClose = computeViewFacts(obj, 0, orbitCamera(orbit(30, 20, 1.2), K));
    expect(far.inFrame).toBe(true);
    expect(tooClose.inFrame).toBe(false);
    expect(far.coverage).toBeGreaterThan(0);
    expect(near.coverage).toBeGreaterThan(far.coverage);
    expect(tooClose.coverage).toBeLessThanOrEqual(1);
  });

  it('computes coverage from the projected box of the vertices', () => {
    // Head-on cube: its bounding box is the projection of its front face (nearest, widest).
    const cam = orbitCamera(orbit(0, 0, 4), K);
    const facts = computeViewFacts(obj, 0, cam);
    const side = (K.fx * 0.8) / (4 - 0.4);
    // three.js stores vertices as float32, hence ~1e-8 relative agreement.
    expect(facts.coverage).toBeCloseTo((side * side) / (K.width * K.height), 7);
    expect(facts.camera).toBe(cam);
  });
});

describe('buildVisibilityModel', () => {
  it('bounds the sample points per part and keeps them distinct', () => {
    const model: VisibilityModel = buildVisibilityModel(WALL_AND_BALL);
    for (const p of model.parts) {
      const n = p.samples.length / 3;
      expect(n).toBeGreaterThanOrEqual(8);
      expect(n).toBeLessThanOrEqual(VIEW_FACTS_DEFAULTS.maxSamplesPerPart);
      const keys = new Set<string>();
      for (let i = 0; i < p.samples.length; i += 3) keys.add([p.samples[i], p.samples[i + 1], p.samples[i + 2]].map((x) => x.toFixed(9)).join());
      expect(keys.size).toBe(n);
    }
    expect(buildVisibilityModel(WALL_AND_BALL, { maxSamplesPerPart: 6 }).parts.every((p) => p.samples.length === 18)).toBe(true);
  });

  it('gives the same facts as computeViewFacts whatever order the views are queried in', () => {
    const model = buildVisibilityModel(WALL_AND_BALL);
    const camA = orbitCamera(orbit(20, 10), K);
    const camB = orbitCamera(orbit(200, -10), K);
    const b1 = viewFactsFromModel(model, 45, camB);
    const a1 = viewFactsFromModel(model, 10, camA);
    expect(a1).toEqual(computeViewFacts(WALL_AND_BALL, 10, camA));
    expect(b1).toEqual(computeViewFacts(WALL_AND_BALL, 45, camB));
  });

  it('rejects bad options', () => {
    expect(() => buildVisibilityModel(WALL_AND_BALL, { maxSamplesPerPart: 0 })).toThrow(RangeError);
    expect(() => buildVisibilityModel(spec([]))).toThrow(/no parts/);
  });
});
