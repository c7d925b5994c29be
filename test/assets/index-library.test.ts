/** Indexing an asset library: deterministic order, normalisation, and every skip reason for hostile input. */
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexLibrary } from '../../assets/library/index-library.js';
import { FIXTURES, makeBoxGlb, makeHostileLibrary } from './library-fixtures.js';

const MB = 1048576;

describe('indexLibrary', () => {
  it('indexes the fixtures sorted by content hash, with external files and a unit-sphere normalisation', async () => {
    const lib = await indexLibrary(FIXTURES, { maxAssetBytes: 100 * MB });
    expect(lib.skipped).toEqual([]);
    expect(lib.assets.toArray().map((a) => a.path).sort()).toEqual(['Box.glb', 'BoxTextured/BoxTextured.gltf', 'BoxVertexColors.glb', 'Helmet.glb']);
    const hashes = lib.assets.toArray().map((a) => a.contentHash);
    expect(hashes).toEqual([...hashes].sort());
    lib.assets.toArray().forEach((a, i) => expect(a.index).toBe(i));
    const textured = lib.assets.toArray().find((a) => a.path === 'BoxTextured/BoxTextured.gltf')!;
    expect(textured.files).toEqual(['BoxTextured/BoxTextured.gltf', 'BoxTextured/BoxTextured.bin', 'BoxTextured/checker.png']);
    for (const a of lib.assets) {
      // Normalised box: centred, half-diagonal 0.98 (inside the unit sphere).
      expect(Math.hypot(...a.halfExtents)).toBeCloseTo(0.98, 9);
      const m = a.normalisation.matrix;
      expect(m[3]).toEqual([0, 0, 0, 1]);
    }
    // Box.glb is the unit cube (after its node's axis swap): scale 0.98 / (√3 / 2).
    const box = lib.assets.toArray().find((a) => a.path === 'Box.glb')!;
    expect(box.normalisation.scale).toBeCloseTo(0.98 / (Math.sqrt(3) / 2), 9);
    // Same library again: same index, same digest.
    const again = await indexLibrary(FIXTURES, { maxAssetBytes: 100 * MB });
    expect(again.digest).toBe(lib.digest);
    expect(again.assets.toArray()).toEqual(lib.assets.toArray());
  });

  it('skips a truncated GLB, a missing buffer, a symlink out of the root and an oversized file, each with its reason', async () => {
    const { dir } = await makeHostileLibrary();
    const seen: string[] = [];
    const lib = await indexLibrary(dir, { maxAssetBytes: 2 * MB, onSkip: (s) => seen.push(`${s.path}:${s.reason}`) });
    const reasons = Object.fromEntries(lib.skipped.map((s) => [s.path, s.reason]));
    expect(reasons).toEqual({
      'broken/truncated.glb': 'corrupt',
      'broken/missing-buffer.gltf': 'missing-file',
      'broken/escape.glb': 'outside-root',
      'broken/huge.glb': 'too-large',
      'Helmet.glb': 'too-large',
    });
    expect(seen).toHaveLength(5);
    expect(lib.skipped.find((s) => s.path === 'broken/truncated.glb')!.message).toMatch(/truncated/);
    // bad-accessor.glb is well-formed as a file; only the page finds it broken (see library-run.test.ts).
    expect(lib.assets.toArray().map((a) => a.path).sort()).toEqual(['Box.glb', 'BoxTextured/BoxTextured.gltf', 'BoxVertexColors.glb', 'broken/bad-accessor.glb', 'broken/empty.glb']);
  });

  it('scans vertex data: NaN behind finite min/max, absurd extents and bounds that lie are skipped as bad-geometry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vf-geometry-'));
    const unit = { min: [-0.5, -0.5, -0.5], max: [0.5, 0.5, 0.5] };
    const corners = [-0.5, -0.5, -0.5, 0.5, -0.5, -0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, -0.5, -0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    const cube = (f: (v: number, i: number) => number) => corners.map(f);
    await writeFile(join(dir, 'good.glb'), await makeBoxGlb());
    await writeFile(join(dir, 'nan.glb'), await makeBoxGlb({ positions: cube((v, i) => (i === 4 ? Number.NaN : v)), declared: unit }));
    await writeFile(join(dir, 'huge.glb'), await makeBoxGlb({ positions: cube((v) => v * 2e37) }));
    await writeFile(join(dir, 'lying.glb'), await makeBoxGlb({ positions: cube((v, i) => (i === 0 ? -50 : v)), declared: unit }));
    const lib = await indexLibrary(dir, { maxAssetBytes: 10 * MB });
    expect(lib.assets.toArray().map((a) => a.path)).toEqual(['good.glb']);
    const skipped = Object.fromEntries(lib.skipped.map((s) => [s.path, `${s.reason}: ${s.message}`]));
    expect(skipped['nan.glb']).toMatch(/^bad-geometry: POSITION accessor 0: vertex 1 has a non-finite coordinate/);
    expect(skipped['huge.glb']).toMatch(/^bad-geometry: .*half-diagonal of 1\.732e\+37/);
    expect(skipped['lying.glb']).toMatch(/^bad-geometry: .*outside the accessor's declared min\/max/);
  });

  it('reads a JSONL manifest: name, category, up axis and scale; rejects paths that climb out and bad lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vf-manifest-'));
    const path = join(dir, 'library.jsonl');
    await writeFile(
      path,
      [
        JSON.stringify({ path: 'a.glb', name: 'cube', category: 'toy', up: 'z', scale: 0.1 }),
        JSON.stringify({ path: '../outside.glb' }),
        JSON.stringify({ path: '/etc/passwd.glb' }),
        '{not json',
        JSON.stringify({ path: 'a.glb', up: 'x' }),
      ].join('\n'),
    );
    await copyFile(join(FIXTURES, 'Box.glb'), join(dir, 'a.glb'));
    const lib = await indexLibrary(path, { maxAssetBytes: 100 * MB });
    expect(lib.assets).toHaveLength(1);
    const a = lib.assets.at(0)!;
    expect([a.name, a.category, a.normalisation.upAxis, a.normalisation.metresPerUnit]).toEqual(['cube', 'toy', 'z', 0.1]);
    expect(a.normalisation.matrix[1].slice(0, 3).map((x) => x / a.normalisation.scale)).toEqual([0, 0, 1]); // +Z becomes +Y
    // Bad lines are found while reading the manifest, paths that escape while checking the files.
    expect(lib.skipped.map((s) => s.reason)).toEqual(['bad-manifest-line', 'bad-manifest-line', 'outside-root', 'outside-root']);
  });

  it('names a library that does not exist', async () => {
    await expect(indexLibrary('/no/such/library', { maxAssetBytes: MB })).rejects.toThrow(/"\/no\/such\/library".*ENOENT/);
  });
});
