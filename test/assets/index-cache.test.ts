/**
 * The library index cache (assets/library/index-cache.ts): a second index of the same files reads
 * them from the cache and gives the same library; an entry counts only while every file keeps its
 * size and mtime; manifest fields apply afresh; a cache that cannot be written leaves the run
 * uncached with one message; symmetry labels come from the cache without rendering.
 */
import { chmod, cp, mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexCache } from '../../assets/library/index-cache.js';
import { indexLibrary } from '../../assets/library/index-library.js';
import { libraryObjects } from '../../assets/library/library-objects.js';
import { SymmetryLabels } from '../../assets/library/library-symmetry.js';
import type { Renderer } from '../../renderers/renderer.js';
import { FIXTURES } from './library-fixtures.js';

const MB = 1048576;

async function copyLibrary(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'vf-index-cache-')), 'lib');
  await cp(FIXTURES, dir, { recursive: true });
  return dir;
}

const strip = ({ cache: _cache, assets, ...rest }: Awaited<ReturnType<typeof indexLibrary>>) => ({ ...rest, assets: assets.toArray() });

describe('index cache', () => {
  it('gives the same library from the cache, written beside the library by default', async () => {
    const dir = await copyLibrary();
    const cold = await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir: null });
    const lines = (await readFile(join(dir, '.viewforge-cache', 'models-v1.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(cold.assets.length);
    const warm = await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir: null });
    expect(strip(warm)).toEqual(strip(cold));
    // The cache folder holds no model, so it is not indexed itself.
    expect(warm.assets.toArray().every((a) => !a.path.startsWith('.viewforge-cache'))).toBe(true);
  });

  it('uses an entry only while every file of the model keeps its size and mtime', async () => {
    const dir = await copyLibrary();
    const cacheDir = join(dir, '..', 'cache');
    const cold = await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir });
    const before = cold.assets.toArray().find((a) => a.path === 'BoxTextured/BoxTextured.gltf')!;
    // Change the texture's bytes but keep its size and mtime: the cached hash is used (no file was read again).
    const png = join(dir, 'BoxTextured', 'checker.png');
    const { atime, mtime } = await stat(png);
    const bytes = await readFile(png);
    bytes[bytes.length - 20] ^= 0xff;
    await writeFile(png, bytes);
    await utimes(png, atime, mtime);
    expect((await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir })).assets.toArray().find((a) => a.path === before.path)!.contentHash).toBe(before.contentHash);
    // A new mtime on a referenced file: the model is hashed again and its content hash follows the new bytes.
    await utimes(png, atime, new Date(mtime.getTime() + 5000));
    const after = (await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir })).assets.toArray().find((a) => a.path === before.path)!;
    expect(after.contentHash).not.toBe(before.contentHash);
    // Without a cache the same bytes give that hash too.
    expect((await indexLibrary(dir, { maxAssetBytes: 100 * MB })).assets.toArray().find((a) => a.path === before.path)!.contentHash).toBe(after.contentHash);
  });

  it('writes a new version of the models file only when it hashed a model: that entry replaced, the others copied as they were', async () => {
    const dir = await copyLibrary();
    const cacheDir = join(dir, '..', 'cache');
    const file = join(cacheDir, 'models-v1.jsonl');
    await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir });
    const first = (await readFile(file, 'utf8')).trim().split('\n');
    const { mtimeMs } = await stat(file);
    await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir });
    expect((await stat(file)).mtimeMs).toBe(mtimeMs); // nothing hashed: not written
    const box = join(dir, 'Box.glb');
    const { atime, mtime } = await stat(box);
    await utimes(box, atime, new Date(mtime.getTime() + 5000));
    await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir });
    const second = (await readFile(file, 'utf8')).trim().split('\n');
    expect(second).toHaveLength(first.length);
    const boxLine = (lines: string[]) => lines.find((l) => JSON.parse(l).path === 'Box.glb')!;
    expect(JSON.parse(boxLine(second)).files[0].mtimeMs).toBe(mtime.getTime() + 5000);
    expect(second.filter((l) => l !== boxLine(second)).sort()).toEqual(first.filter((l) => l !== boxLine(first)).sort());
  });

  it('keeps the labels of earlier saves when it adds new ones, sorted by content hash', async () => {
    const dir = await copyLibrary();
    const cacheDir = join(dir, '..', 'cache');
    const lib = await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir });
    const [a, b, c] = lib.assets.toArray().map((x) => x.contentHash);
    lib.cache.setSymmetry(b, 'c2');
    await lib.cache.save();
    const again = await IndexCache.open(cacheDir);
    again.setSymmetry(c, 'none');
    again.setSymmetry(a, 'c4');
    await again.save();
    const lines = (await readFile(join(cacheDir, 'symmetry-v1.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.contentHash, l.symmetry])).toEqual([[a, 'c4'], [b, 'c2'], [c, 'none']]);
    const reopened = await IndexCache.open(cacheDir);
    expect([a, b, c, 'f'.repeat(64)].map((h) => reopened.symmetryOf(h))).toEqual(['c4', 'c2', 'none', undefined]);
  });

  it('applies the manifest\'s name, category and up axis afresh to a cached model', async () => {
    const dir = await copyLibrary();
    const manifest = join(dir, 'models.jsonl');
    await writeFile(manifest, `${JSON.stringify({ path: 'Box.glb', name: 'first', category: 'crate' })}\n`);
    await indexLibrary(manifest, { maxAssetBytes: 100 * MB, cacheDir: null });
    await writeFile(manifest, `${JSON.stringify({ path: 'Box.glb', name: 'second', category: 'cube', up: 'z' })}\n`);
    const cached = await indexLibrary(manifest, { maxAssetBytes: 100 * MB, cacheDir: null });
    const fresh = await indexLibrary(manifest, { maxAssetBytes: 100 * MB, cacheDir: 'off' });
    expect(strip(cached)).toEqual(strip(fresh));
    expect(cached.assets.at(0)!).toMatchObject({ name: 'second', category: 'cube' });
    expect(cached.assets.at(0)!.normalisation.upAxis).toBe('z');
  });

  it('goes on uncached, saying so once, when the cache cannot be written', async () => {
    const dir = await copyLibrary();
    const blocked = join(dir, '..', 'blocked');
    await writeFile(blocked, 'a file where the cache folder would go');
    const problems: string[] = [];
    const lib = await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir: join(blocked, 'cache'), onCacheProblem: (m) => problems.push(m) });
    expect(lib.assets).toHaveLength(4);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/cannot write the index cache ".*blocked\/cache" \((ENOTDIR|EEXIST)\); this run goes on without it/);
    expect(lib.cache.dir).toBeNull();
    await chmod(blocked, 0o644);
  });

  it('takes symmetry labels from the cache without rendering, and keeps new estimates', async () => {
    const dir = await copyLibrary();
    const cacheDir = join(dir, '..', 'cache');
    const lib = await indexLibrary(dir, { maxAssetBytes: 100 * MB, cacheDir });
    const models = await readFile(join(cacheDir, 'models-v1.jsonl'), 'utf8');
    for (const a of lib.assets) lib.cache.setSymmetry(a.contentHash, a.path === 'Box.glb' ? 'c4' : 'none');
    await lib.cache.save();
    // The run's save writes the labels; the model entries, forgotten after indexing, stay as the index wrote them.
    expect(await readFile(join(cacheDir, 'models-v1.jsonl'), 'utf8')).toBe(models);
    expect(models.trim().split('\n')).toHaveLength(lib.assets.length);
    const renderer: Renderer = { render: () => Promise.reject(new Error('no render expected')), close: async () => {} } as unknown as Renderer;
    const reopened = await IndexCache.open(cacheDir);
    const labels = new SymmetryLabels(lib.assets.length, renderer, reopened);
    const objects = libraryObjects(lib.assets, (hash) => labels.symmetryOf(hash));
    for (const a of lib.assets) expect(labels.pending.has(a.contentHash)).toBe(false);
    expect(labels.fromCache).toBe(4);
    expect(objects.at(lib.assets.toArray().find((a) => a.path === 'Box.glb')!.index)!.symmetry).toBe('c4');
    // Labelling a model the cache knows renders nothing.
    await expect(labels.label(objects.at(0)!)).resolves.toEqual({ ok: true });
    expect(labels.summary()).toMatch(/4 label\(s\) from the index cache, 0 estimated/);
  });
});
