/**
 * The symmetry estimator with real Chromium and WebGL: single-part symmetric objects get their
 * class, the procedural objects (built asymmetric) come out 'none'.
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexLibrary, type AssetLibrary } from '../../assets/library/index-library.js';
import { assetRoutes, toLibraryObject } from '../../assets/library/library-objects.js';
import { FIXTURES } from '../assets/library-fixtures.js';
import { estimateSymmetry } from '../../assets/symmetry/estimate-symmetry.js';
import { buildFamilySchedule } from '../../pipeline/plan/family-schedule.js';
import { planSample } from '../../pipeline/plan/plan-sample.js';
import type { PartSpec, ProceduralObjectSpec } from '../../pipeline/types.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';

function single(name: string, shape: PartSpec['shape'], size: number[]): ProceduralObjectSpec {
  const part: PartSpec = { name: 'body', colorName: 'red', colorHex: '#d62728', shape, size, position: [0, 0, 0], rotationDeg: [0, 0, 0], material: 'standard' };
  return { kind: 'procedural', generator: 'test', name, parts: [part], symmetry: 'none' };
}

describe('estimateSymmetry (Chromium)', () => {
  let renderer: ChromiumRenderer;
  let library: AssetLibrary;
  beforeAll(async () => {
    // A library of two fixture models: Box (a plain cube) and Helmet (lop-sided, finned).
    const dir = await mkdtemp(join(tmpdir(), 'vf-symmetry-'));
    await copyFile(join(FIXTURES, 'Box.glb'), join(dir, 'Box.glb'));
    await copyFile(join(FIXTURES, 'Helmet.glb'), join(dir, 'Helmet.glb'));
    library = await indexLibrary(dir, { maxAssetBytes: 100 * 1048576 });
    renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 2, assets: assetRoutes(library) });
  }, 60_000);
  afterAll(async () => {
    await renderer?.close();
  });

  it('labels a cylinder continuous, a square box c4 and an oblong box c2', async () => {
    const cylinder = await estimateSymmetry(renderer, single('cylinder', 'cylinder', [0.45, 0.45, 1.2]));
    const square = await estimateSymmetry(renderer, single('square-box', 'box', [0.8, 0.6, 0.8]));
    const oblong = await estimateSymmetry(renderer, single('oblong-box', 'box', [1.1, 0.5, 0.55]));
    expect(cylinder.symmetry).toBe('continuous');
    expect(square.symmetry).toBe('c4');
    expect(oblong.symmetry).toBe('c2');
    expect(Object.keys(cylinder.scores).sort()).toEqual(['143', '180', '37', '90']);
    // Turns past the first change are not rendered: the label is the same as with every turn compared.
    expect(Object.keys(oblong.scores).sort()).toEqual(['180', '90']);
  }, 60_000);

  it('labels the procedural objects none', async () => {
    const schedule = buildFamilySchedule([{ family: 'orbit', weight: 1 }]);
    const objects = [0, 1, 2, 3, 4, 5].map((i) => planSample({ seed: 7, width: 128, height: 128, schedule }, i).job.object);
    expect(new Set(objects.map((o) => (o.kind === 'procedural' ? o.generator : o.kind))).size).toBeGreaterThan(1);
    for (const object of objects) {
      const estimate = await estimateSymmetry(renderer, object);
      expect(estimate.symmetry, object.name).toBe('none');
      expect(Object.keys(estimate.scores), object.name).toEqual(['180']);
    }
  }, 90_000);

  it('labels library models: the cube c4, the helmet none', async () => {
    const byName = new Map(library.assets.toArray().map((a) => [a.path, toLibraryObject(a, 'none')]));
    expect((await estimateSymmetry(renderer, byName.get('Box.glb')!)).symmetry).toBe('c4');
    expect((await estimateSymmetry(renderer, byName.get('Helmet.glb')!)).symmetry).toBe('none');
  }, 60_000);
});
