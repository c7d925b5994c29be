/**
 * Library start-up, cold and cached (issue 13; docs/assets.md, "Index cache"): a library of `n`
 * distinct small generated GLBs (boxes with seeded corners, so every file has its own content
 * hash), then a 4-pair render over it twice: the first run indexes and hashes every file and
 * estimates the symmetry of the models its samples draw (5 renders each, on first draw), the
 * second finds all of it in the index cache. Also times `indexLibrary` alone, cold and cached. The coordinator's bench.ts calls
 * {@link benchLibraryStartup} with `--startup-models n`; run alone:
 * `tsx bench/library-startup.ts [--models 3000]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexLibrary } from '../assets/library/index-library.js';
import type { RunConfig } from '../pipeline/config.js';
import { renderDataset } from '../pipeline/render-dataset.js';
import { writeBoxLibrary } from '../test/fixtures/box-library.js';

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
