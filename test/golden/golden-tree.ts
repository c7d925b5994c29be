/**
 * Golden outputs: a run's output folder reduced to what a reviewer can diff. Text outputs
 * (records, manifest, dataset card, dataset_info) are kept whole; every other file is listed in
 * `SHA256SUMS` by its hash. With `VF_UPDATE_GOLDEN=1` the test writes the golden folder instead of
 * comparing, for a commit that changes the outputs on purpose and says why.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/** Output files kept whole in a golden folder (paths relative to the run's folder). */
const TEXT = /^(manifest\.json|dataset_info\.json|README\.md|(sft|rl)\/shard-\d+\.jsonl)$/;

export const UPDATE_GOLDEN = process.env.VF_UPDATE_GOLDEN === '1';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

/**
 * A run folder as golden files: `{ path → text }` for the text outputs (after `mask`) and, unless
 * `hashes` is false, `SHA256SUMS` for the rest; paths matching `omit` are left out.
 */
export async function goldenFiles(runDir: string, options: { mask?: (path: string, text: string) => string; hashes?: boolean; omit?: RegExp } = {}): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const sums: string[] = [];
  for (const path of await listFiles(runDir)) {
    if (options.omit?.test(path)) continue;
    const bytes = await readFile(join(runDir, path));
    if (TEXT.test(path)) files.set(path, options.mask ? options.mask(path, bytes.toString('utf8')) : bytes.toString('utf8'));
    else sums.push(`${createHash('sha256').update(bytes).digest('hex')}  ${path}`);
  }
  if (options.hashes !== false) files.set('SHA256SUMS', `${sums.join('\n')}\n`);
  return files;
}

/** Reads a committed golden folder back as `{ path → text }`. */
export async function readGolden(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const path of await listFiles(dir)) files.set(path, await readFile(join(dir, path), 'utf8'));
  return files;
}

/** Replaces the golden folder `dir` with `files`. */
export async function writeGolden(dir: string, files: Map<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, text] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/**
 * Masks, in JSON text (one document or JSON Lines), the values under keys that depend on the
 * rasteriser rather than on the plan (image hashes and sizes, ID-pass pixel counts, the browser's
 * name): they differ between Chromium builds and CPUs, everything else must not.
 */
export function maskRasterFields(path: string, text: string, keys: ReadonlySet<string>): string {
  const mask = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(mask);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, keys.has(k) ? '<raster>' : mask(x)]));
    return v;
  };
  if (path.endsWith('.jsonl')) return text.split('\n').map((l) => (l === '' ? l : JSON.stringify(mask(JSON.parse(l))))).join('\n');
  if (!path.endsWith('.json')) return text;
  return `${JSON.stringify(mask(JSON.parse(text)), null, 2)}\n`;
}
