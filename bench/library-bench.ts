/**
 * Asset-library throughput: the end-to-end job (`run`, real Chromium) on an asset library against
 * the procedural default, same seed, size, count and concurrency. The coordinator's bench.ts calls
 * {@link benchLibrary}; run alone: `tsx bench/library-bench.ts [--count 50] [--assets dir]`.
 *
 * The library figure includes indexing the library and estimating each model's symmetry (both
 * once per run), as a user's run pays them, with the index cache at its default place: a library
 * seen before costs neither re-hashing nor symmetry renders; `indexSeconds` says how much of it
 * was indexing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexLibrary } from '../assets/library/index-library.js';
import { LIBRARY_FAMILIES } from '../pipeline/questions/index.js';
import { assetRoutes } from '../assets/library/library-objects.js';
import { RUN_DEFAULTS, type RunConfig } from '../pipeline/config.js';
import type { Logger } from '../pipeline/logger.js';
import { run } from '../pipeline/run/run.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import { ensureFixtures, FIXTURES } from '../test/fixtures/fixture-files.js';

/** The generated glTF fixtures (Box, BoxTextured, BoxVertexColors, Helmet): `test/fixtures/`, built by {@link ensureFixtures}. */
export const FIXTURE_LIBRARY = FIXTURES;

export interface LibraryBenchOptions {
  count: number;
  size: number;
  concurrency: number;
  gl: RunConfig['gl'];
  /** Library folder or manifest. @default {@link FIXTURE_LIBRARY} */
  assets?: string;
}

export interface LibraryBenchResult {
  /** Procedural default, every family. */
  proceduralPairsPerSecond: number;
  /** The library (its six part-free families), indexing and symmetry estimation included. */
  libraryPairsPerSecond: number;
  /** Of the library run: seconds spent indexing. */
  indexSeconds: number;
  libraryAssets: number;
}

const QUIET: Logger = { info() {}, warn() {}, error() {} };

/** Runs both jobs one after the other (procedural first) in fresh temporary folders. */
export async function benchLibrary(options: LibraryBenchOptions): Promise<LibraryBenchResult> {
  const base: RunConfig = { ...RUN_DEFAULTS, count: options.count, size: options.size, concurrency: options.concurrency, gl: options.gl, seed: 1, out: '' };
  const timed = async (config: RunConfig, withLibrary: boolean) => {
    const out = await mkdtemp(join(tmpdir(), 'vf-bench-lib-'));
    try {
      const t0 = performance.now();
      // The library's index cache (as a user's run uses it): a library seen before costs no re-hashing and no symmetry renders.
      const library = withLibrary ? await indexLibrary(config.assets!, { maxAssetBytes: config.maxAssetMb * 1048576, cacheDir: null }) : undefined;
      const indexSeconds = (performance.now() - t0) / 1000;
      await run({ ...config, out }, {
        createRenderer: () =>
          ChromiumRenderer.create({ glMode: config.gl, pages: config.concurrency, env: process.env, ...(library ? { assets: assetRoutes(library) } : {}) }),
        logger: QUIET,
        versions: { viewforge: 'bench' },
        library,
      });
      return { seconds: (performance.now() - t0) / 1000, indexSeconds, assets: library?.assets.length ?? 0 };
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  };
  const procedural = await timed(base, false);
  const library = await timed({ ...base, assets: options.assets ?? FIXTURE_LIBRARY, families: [...LIBRARY_FAMILIES] }, true);
  return {
    proceduralPairsPerSecond: options.count / procedural.seconds,
    libraryPairsPerSecond: options.count / library.seconds,
    indexSeconds: library.indexSeconds,
    libraryAssets: library.assets,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  await ensureFixtures();
  const result = await benchLibrary({
    count: Number(arg('--count', '50')),
    size: Number(arg('--size', '512')),
    concurrency: Number(arg('--concurrency', '2')),
    gl: arg('--gl', 'auto') as RunConfig['gl'],
    assets: arg('--assets', FIXTURE_LIBRARY),
  });
  console.log(JSON.stringify(result, null, 2));
}
