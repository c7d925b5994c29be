import { describe, expect, it } from 'vitest';
import { partHalfExtents } from '../../assets/procedural/fit-to-unit-sphere.js';
import { SCENE_CATEGORIES } from '../../assets/procedural/scene-objects.js';
import { drawScene, libraryCategory, nameSceneObjects } from '../../pipeline/plan/plan-scene.js';
import { standInPart } from '../../assets/procedural/stand-in-part.js';
import type { LibraryObjectSpec, Vec3 } from '../../pipeline/types.js';
import { sampleRng } from '../../pipeline/rng.js';

const scenes = Array.from({ length: 300 }, (_, i) => drawScene(sampleRng(11, 'plan', i, 0), `scene-${i}`, [2, 6]));

describe('drawScene', () => {
  it('draws 2–6 objects of the named categories, every name unique, one colour per category at most once', () => {
    const counts = new Set<number>();
    for (const s of scenes) {
      const objects = s.scene!.objects;
      counts.add(objects.length);
      expect(new Set(objects.map((o) => o.name)).size).toBe(objects.length);
      for (const o of objects) expect(SCENE_CATEGORIES).toContain(o.category);
      expect(new Set(objects.map((o) => `${o.category}/${o.color}`)).size).toBe(objects.length);
      expect(objects.map((o) => o.id)).toEqual(objects.map((_, j) => `o${j}`));
    }
    expect([...counts].sort()).toEqual([2, 3, 4, 5, 6]);
    // Some scenes repeat a category (so counting has something to count).
    expect(scenes.some((s) => new Set(s.scene!.objects.map((o) => o.category)).size < s.scene!.objects.length)).toBe(true);
  });

  it('names by category alone when it is the only one of it, else by colour and category', () => {
    expect(nameSceneObjects([{ category: 'mug', color: 'red' }, { category: 'mug', color: 'blue' }, { category: 'chair', color: 'green' }])).toEqual(['red mug', 'blue mug', 'chair']);
  });

  it('stands every object on the ground, footprints apart, every part inside the unit sphere, parts partitioned by object', () => {
    for (const s of scenes) {
      const objects = s.scene!.objects;
      let next = 0;
      for (const o of objects) {
        expect(o.parts[0]).toBe(next);
        next = o.parts[1];
        expect(o.position[1]).toBeCloseTo(o.halfExtents[1], 9);
        const lowest = Math.min(...s.parts.slice(o.parts[0], o.parts[1]).map((p) => p.position[1] - partHalfExtents(p)[1]));
        expect(lowest).toBeCloseTo(0, 9);
      }
      expect(next).toBe(s.parts.length);
      for (const p of s.parts) expect(Math.hypot(...p.position) + Math.hypot(...partHalfExtents(p))).toBeLessThanOrEqual(0.98 + 1e-9);
      for (let i = 0; i < objects.length; i++) {
        for (let j = i + 1; j < objects.length; j++) {
          const [a, b] = [objects[i], objects[j]];
          const apart = Math.hypot(a.position[0] - b.position[0], a.position[2] - b.position[2]);
          expect(apart).toBeGreaterThan(Math.hypot(a.halfExtents[0], a.halfExtents[2]) + Math.hypot(b.halfExtents[0], b.halfExtents[2]));
        }
      }
    }
  });

  it('is a pure function of its stream', () => {
    expect(drawScene(sampleRng(11, 'plan', 5, 0), 'x', [3, 5])).toEqual(drawScene(sampleRng(11, 'plan', 5, 0), 'x', [3, 5]));
  });

  it('draws library models as objects (with a library): no colour, named by category, scaled from their normalised box, never two of one name', () => {
    const model = (path: string, category: string | null, halfExtents: Vec3): LibraryObjectSpec => ({
      kind: 'library',
      name: path,
      category,
      licence: null,
      path,
      contentHash: path.padEnd(64, '0'),
      url: `/assets/0/${path}`,
      normalisation: { upAxis: 'y', centre: [0, 0, 0], scale: 1, metresPerUnit: null, matrix: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] },
      halfExtents,
      symmetry: 'none',
      parts: [standInPart(halfExtents)],
    });
    const library = [model('chairs/Office_Chair.glb', null, [0.4, 0.6, 0.4]), model('mug.glb', 'mug', [0.5, 0.4, 0.3]), model('flat.gltf', 'rug', [0.9, 0.02, 0.9])];
    expect(library.map(libraryCategory)).toEqual(['office chair', 'mug', 'rug']);
    let models = 0;
    for (let i = 0; i < 200; i++) {
      const s = drawScene(sampleRng(12, 'plan', i, 0), `lib-${i}`, [3, 6], library);
      const objects = s.scene!.objects;
      expect(new Set(objects.map((o) => o.name)).size).toBe(objects.length);
      const modelCategories = new Set(objects.filter((o) => o.model !== undefined).map((o) => o.category));
      for (const o of objects) {
        if (o.model === undefined) {
          expect(modelCategories.has(o.category)).toBe(false);
          continue;
        }
        models++;
        expect(o.color).toBeNull();
        expect(o.name).toBe(libraryCategory(o.model.asset));
        // The object's box is the model's normalised box times its scale, and its one part is that box.
        for (let k = 0; k < 3; k++) expect(o.halfExtents[k]).toBeCloseTo(o.model.asset.halfExtents[k] * o.model.scale, 9);
        expect(o.parts[1] - o.parts[0]).toBe(1);
        const part = s.parts[o.parts[0]];
        expect(part.shape).toBe('box');
        expect(part.colorName).toBe('whole');
        for (let k = 0; k < 3; k++) expect(part.size[k]).toBeCloseTo(2 * o.halfExtents[k], 9);
        expect(part.position[1]).toBeCloseTo(o.halfExtents[1], 9); // standing on the ground
      }
    }
    expect(models).toBeGreaterThan(200);
  });
});
