/**
 * Indexing a large library, alone (issue 13; docs/assets.md, "Index cache"):
 * `npx tsx bench/library-index.ts [--models 100000] [--assets <dir>]`.
 *
 * Writes `--models` distinct generated box GLBs (or takes the folder `--assets`), then indexes
 * the first quarter, half and all of its files (JSONL manifests of the sorted paths), each in a
 * fresh Node process, first with an empty index cache and then with the cache that run wrote.
 * Prints seconds, peak RSS and the heap and buffers the finished index keeps, per size, so a reader
 * sees how time and memory grow with the library.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexLibrary, listModelFiles } from '../assets/library/index-library.js';
import { writeBoxLibrary } from '../test/fixtures/box-library.js';

interface IndexFigures {
  models: number;
  seconds: number;
  peakRssMb: number;
  /** Heap in use after a full GC, the index still referenced. */
  keptHeapMb: number;
  /** Memory of typed arrays and buffers (outside the heap) at the same moment. */
  keptBuffersMb: number;
}

/** One measurement (the child process): index `source` with the cache in `cacheDir`. */
async function measure(source: string, cacheDir: string): Promise<IndexFigures> {
  const t0 = performance.now();
  const library = await indexLibrary(source, { maxAssetBytes: 1e9, cacheDir });
  const seconds = (performance.now() - t0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const figures = { models: library.assets.length, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, keptHeapMb: memory.heapUsed / 1048576, keptBuffersMb: memory.arrayBuffers / 1048576 };
  if (library.assets.at(library.assets.length - 1) === undefined) throw new Error('the index lost its last model');
  return figures;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await measure(process.argv[3], process.argv[4])));
} else if (process.argv[1] === self) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const base = await mkdtemp(join(tmpdir(), 'vf-bench-index-'));
  try {
    let lib = arg('--assets');
    if (lib === undefined) {
      lib = join(base, 'lib');
      await writeBoxLibrary(lib, Number(arg('--models') ?? 100000), 5);
    }
    const paths = await listModelFiles(lib, lib);
    console.log('files    cache   seconds  peak RSS  kept: heap  buffers');
    for (const share of [4, 2, 1]) {
      const n = Math.ceil(paths.length / share);
      const manifest = join(lib, `bench-index-${n}.jsonl`);
      await writeFile(manifest, paths.slice(0, n).map((path) => `${JSON.stringify({ path })}\n`).join(''));
      const cacheDir = join(base, `cache-${n}`);
      for (const cache of ['empty', 'filled']) {
        const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', manifest, cacheDir], { encoding: 'utf8' });
        const f = JSON.parse(out.trim().split('\n').at(-1)!) as IndexFigures;
        console.log(`${String(f.models).padStart(7)}  ${cache.padEnd(6)}  ${f.seconds.toFixed(1).padStart(7)}  ${f.peakRssMb.toFixed(0).padStart(5)} MB  ${f.keptHeapMb.toFixed(1).padStart(5)} MB  ${f.keptBuffersMb.toFixed(1).padStart(5)} MB`);
      }
      await rm(manifest);
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
