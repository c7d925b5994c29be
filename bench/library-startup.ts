/**
 * Library start-up, cold and cached (issue 13; docs/assets.md, "Index cache"): a library of `n`
 * distinct small generated GLBs (boxes with seeded corners, so every file has its own content
 * hash), then a 4-pair render over it twice: the first run indexes and hashes every file and
 * estimates every model's symmetry (5 renders each), the second finds all of it in the index
 * cache. Also times `indexLibrary` alone, cold and cached. The coordinator's bench.ts calls
 * {@link benchLibraryStartup} with `--startup-models n`; run alone:
 * `tsx bench/library-startup.ts [--models 3000]`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexLibrary } from '../assets/library/index-library.js';
import type { RunConfig } from '../pipeline/config.js';
import { renderDataset } from '../pipeline/render-dataset.js';
import { sampleRng } from '../pipeline/rng.js';

export interface StartupBenchOptions {
  models: number;
  gl: RunConfig['gl'];
  concurrency: number;
}

export interface StartupBenchResult {
  models: number;
  /** 4-pair render, empty cache: seconds from the call to the finished run. */
  coldRunSeconds: number;
  /** The same render again, every model in the cache. */
  cachedRunSeconds: number;
  /** `indexLibrary` alone over a fresh cache / the filled cache. */
  indexColdSeconds: number;
  indexCachedSeconds: number;
}

/** Writes `n` distinct box GLBs (8 seeded corners each) under `dir/glbs/<group>/`. */
export async function writeBoxLibrary(dir: string, n: number, seed = 1): Promise<void> {
  const { Document, NodeIO } = await import('@gltf-transform/core');
  const io = new NodeIO();
  const faces = [0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5];
  for (let i = 0; i < n; i++) {
    const rng = sampleRng(seed, 'bench-library', i, 0);
    const [x, y, z] = [rng.range(0.3, 0.7), rng.range(0.3, 0.7), rng.range(0.3, 0.7)];
    const corners = [-x, -y, -z, x, -y, -z, -x, y, -z, x, y, -z, -x, -y, z, x, -y, z, -x, y, z, x, y, z];
    const doc = new Document();
    const buffer = doc.createBuffer();
    const position = doc.createAccessor().setType('VEC3').setArray(new Float32Array(corners)).setBuffer(buffer);
    const indices = doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(faces)).setBuffer(buffer);
    const mesh = doc.createMesh('box').addPrimitive(doc.createPrimitive().setAttribute('POSITION', position).setIndices(indices));
    doc.createScene().addChild(doc.createNode('box').setMesh(mesh));
    const group = join(dir, 'glbs', String(Math.floor(i / 1000)).padStart(3, '0'));
    if (i % 1000 === 0) await mkdir(group, { recursive: true });
    await writeFile(join(group, `box-${String(i).padStart(6, '0')}.glb`), await io.writeBinary(doc));
  }
}

const seconds = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

/** See the file header. */
export async function benchLibraryStartup(options: StartupBenchOptions): Promise<StartupBenchResult> {
  const base = await mkdtemp(join(tmpdir(), 'vf-bench-startup-'));
  try {
    const lib = join(base, 'lib');
    await writeBoxLibrary(lib, options.models);
    const cacheA = join(base, 'index-only-cache');
    const indexColdSeconds = await seconds(() => indexLibrary(lib, { maxAssetBytes: 1e9, cacheDir: cacheA }));
    const indexCachedSeconds = await seconds(() => indexLibrary(lib, { maxAssetBytes: 1e9, cacheDir: cacheA }));
    const cache = join(base, 'run-cache');
    const render = (out: string) => renderDataset({ assets: lib, assetCache: cache, count: 4, size: 128, seed: 1, out: join(base, out), gl: options.gl, concurrency: options.concurrency });
    const coldRunSeconds = await seconds(() => render('cold'));
    const cachedRunSeconds = await seconds(() => render('cached'));
    return { models: options.models, coldRunSeconds, cachedRunSeconds, indexColdSeconds, indexCachedSeconds };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--models');
  const models = at > 0 ? Number(process.argv[at + 1]) : 3000;
  const r = await benchLibraryStartup({ models, gl: 'auto', concurrency: 2 });
  console.log(JSON.stringify(r, null, 2));
}
