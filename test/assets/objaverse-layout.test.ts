/**
 * Library layouts users have (issue 13): the Objaverse layout (`glbs/<group>/<uid>.glb` plus a
 * JSON or JSONL table of uid → name/category/licence) and the licence of a JSONL manifest line;
 * the licence reaches the record's asset meta and the card's "Asset licences" table.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexLibrary } from '../../assets/library/index-library.js';
import { libraryAssetMeta, toLibraryObject } from '../../assets/library/library-objects.js';
import { buildLicenceSection, LicenceSummaryCollector } from '../../pipeline/stats/licence-summary.js';
import { makeBoxGlb } from './library-fixtures.js';

const MB = 1048576;

/** Three distinct box GLBs under glbs/000-001/ named by uid. */
async function objaverseFolder(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vf-objaverse-'));
  await mkdir(join(root, 'glbs', '000-001'), { recursive: true });
  const sizes = [0.5, 0.6, 0.7];
  for (const [i, uid] of ['aaa111', 'bbb222', 'ccc333'].entries()) {
    const h = sizes[i];
    const corners = [-h, -h, -h, h, -h, -h, -h, h, -h, h, h, -h, -h, -h, h, h, -h, h, -h, h, h, h, h, h];
    await writeFile(join(root, 'glbs', '000-001', `${uid}.glb`), await makeBoxGlb({ positions: corners }));
  }
  return root;
}

describe('Objaverse layout and licences', () => {
  it('takes name, category and licence from a uid-keyed annotations.json (categories as objects)', async () => {
    const root = await objaverseFolder();
    await writeFile(
      join(root, 'annotations.json'),
      JSON.stringify({ aaa111: { name: 'Office chair', categories: [{ name: 'furniture' }], license: 'by' }, bbb222: { name: 'Mug', category: 'kitchen', licence: 'cc0' } }),
    );
    const lib = await indexLibrary(root, { maxAssetBytes: 10 * MB });
    expect(lib.skipped).toEqual([]);
    const byPath = Object.fromEntries(lib.assets.toArray().map((a) => [a.path, a]));
    expect(Object.keys(byPath).sort()).toEqual(['glbs/000-001/aaa111.glb', 'glbs/000-001/bbb222.glb', 'glbs/000-001/ccc333.glb']);
    expect(byPath['glbs/000-001/aaa111.glb']).toMatchObject({ name: 'Office chair', category: 'furniture', licence: 'by' });
    expect(byPath['glbs/000-001/bbb222.glb']).toMatchObject({ name: 'Mug', category: 'kitchen', licence: 'cc0' });
    // A uid the table does not know: named by its path, no category, no licence.
    expect(byPath['glbs/000-001/ccc333.glb']).toMatchObject({ name: 'glbs/000-001/ccc333.glb', category: null, licence: null });
    // The record's asset meta carries the licence.
    expect(libraryAssetMeta(toLibraryObject(byPath['glbs/000-001/aaa111.glb'], 'none')).licence).toBe('by');
  });

  it('reads a JSONL table with uid lines, and refuses one that is not JSON, naming it', async () => {
    const root = await objaverseFolder();
    await writeFile(join(root, 'metadata.jsonl'), `${JSON.stringify({ uid: 'ccc333', name: 'Lamp', categories: ['lighting'], license: 'by-sa' })}\n`);
    const lib = await indexLibrary(root, { maxAssetBytes: 10 * MB });
    expect(lib.assets.toArray().find((a) => a.path.endsWith('ccc333.glb'))).toMatchObject({ name: 'Lamp', category: 'lighting', licence: 'by-sa' });
    await writeFile(join(root, 'annotations.json'), '{ not json');
    await expect(indexLibrary(root, { maxAssetBytes: 10 * MB })).rejects.toThrow(/annotations\.json" is not valid JSON/);
  });

  it('takes a manifest line\'s licence (or license) and refuses one that is not a string', async () => {
    const root = await objaverseFolder();
    const manifest = join(root, 'models.jsonl');
    await writeFile(
      manifest,
      [
        { path: 'glbs/000-001/aaa111.glb', license: 'cc-by-4.0' },
        { path: 'glbs/000-001/bbb222.glb', licence: 'cc0' },
        { path: 'glbs/000-001/ccc333.glb', licence: 7 },
      ].map((l) => JSON.stringify(l)).join('\n'),
    );
    const lib = await indexLibrary(manifest, { maxAssetBytes: 10 * MB });
    expect(lib.assets.toArray().map((a) => [a.path, a.licence]).sort()).toEqual([['glbs/000-001/aaa111.glb', 'cc-by-4.0'], ['glbs/000-001/bbb222.glb', 'cc0']]);
    expect(lib.skipped).toEqual([{ path: 'glbs/000-001/ccc333.glb', reason: 'bad-manifest-line', message: 'manifest line 3: "licence" (or "license") must be a string' }]);
  });

  it('tabulates licences for the card, most samples first', () => {
    const section = buildLicenceSection({ samples: 10, counts: { cc0: 3, 'not given': 1, 'by|sa': 6 } })!;
    expect(section.title).toBe('Asset licences');
    expect(section.body).toContain('10 samples show a model of the asset library');
    expect(section.body.split('\n').slice(-3)).toEqual(['| by\\|sa | 6 | 60.0 % |', '| cc0 | 3 | 30.0 % |', '| not given | 1 | 10.0 % |']);
    expect(buildLicenceSection(null)).toBeNull();
  });

  it('counts the licences of a scene\'s models, a sample once per licence it shows', () => {
    const collector = new LicenceSummaryCollector();
    const model = (licence: string | null) => ({ model: { path: 'm.glb', content_hash: 'a'.repeat(64), licence } });
    collector.add({ id: 's1', asset: { source: 'procedural' }, scene: { objects: [model('cc0'), model('cc-by-4.0'), model('cc0'), { model: null }] } });
    collector.add({ id: 's1', asset: { source: 'procedural' }, scene: { objects: [model('cc0')] } }); // the same sample in the other stage
    collector.add({ id: 's2', asset: { source: 'library', licence: null }, scene: null });
    collector.add({ id: 's3', asset: { source: 'procedural' }, scene: { objects: [{ model: null }] } });
    expect(collector.result()).toEqual({ samples: 2, counts: { cc0: 1, 'cc-by-4.0': 1, 'not given': 1 } });
  });
});
