import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexLibrary } from '../assets/library/index-library.js';
import { writeBoxLibrary } from './library-startup.js';
const n = Number(process.argv[2] ?? 100000);
const base = await mkdtemp(join(tmpdir(), 'vf-100k-'));
let t = performance.now();
await writeBoxLibrary(join(base, 'lib'), n);
console.log('generated', n, ((performance.now() - t) / 1000).toFixed(1), 's');
let peak = 0;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 200);
for (const label of ['cold', 'cached']) {
  peak = process.memoryUsage().rss;
  t = performance.now();
  const lib = await indexLibrary(join(base, 'lib'), { maxAssetBytes: 1e9, cacheDir: join(base, 'cache') });
  console.log(label, lib.assets.length, 'models', ((performance.now() - t) / 1000).toFixed(1), 's, peak RSS', (peak / 1048576).toFixed(0), 'MB');
}
clearInterval(timer);
await rm(base, { recursive: true, force: true });
