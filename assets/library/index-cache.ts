/**
 * A persistent cache of what indexing learns from a library's files (docs/assets.md, "Index
 * cache"), so a run over a library it has seen reads no model file again: per model file version,
 * its content hash, referenced files, size and bounding box; per content hash, the symmetry label
 * the estimator gave.
 *
 * - Where: `--asset-cache <dir>`, else `<library root>/.viewforge-cache/`. A cache that cannot be
 *   read is ignored (and rebuilt); one that cannot be written leaves the run uncached (said once).
 * - Keys: a model entry is used only while every one of its files has the size and mtime it had
 *   when it was hashed (path, size and mtime of the model file and of each file it references);
 *   the content hash is computed once per file version. The manifest's name, category, up axis
 *   and scale are not cached (they change without the files changing): normalisation is computed
 *   again from the cached box.
 * - Symmetry labels are keyed by content hash and {@link SYMMETRY_CACHE_VERSION}: the same files
 *   get the label the first run gave them, whichever worker runs next and in whatever order.
 * - Files: `models-v1.jsonl` and `symmetry-v1.jsonl`, one JSON object a line, written whole to a
 *   temporary file and renamed, so a reader never sees half a file and workers that share the
 *   cache and write at once leave one complete version (their contents agree).
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Box3 } from './gltf-bounds.js';

/** Name of the default cache folder beside (inside) the library root. */
export const DEFAULT_CACHE_DIR = '.viewforge-cache';

/** Bump when the symmetry estimator changes what it decides. */
export const SYMMETRY_CACHE_VERSION = 1;

/** One file of a cached model, as stat saw it when the model was hashed. */
export interface CachedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What indexing learned from one version of a model file. */
export interface CachedModel {
  /** The model file first, then its referenced files (as `LibraryAsset.files`), with their stats. */
  files: CachedFile[];
  contentHash: string;
  box: Box3;
}

/** The cache of one library; see the file header. */
export class IndexCache {
  private readonly models = new Map<string, CachedModel>();
  private readonly symmetry = new Map<string, string>();
  private dirty = false;

  private constructor(
    /** The cache folder, or null when the run goes uncached. */
    readonly dir: string | null,
  ) {}

  /** A cache that remembers nothing and writes nothing. */
  static none(): IndexCache {
    return new IndexCache(null);
  }

  /** Opens (reads) the cache in `dir`; unreadable or malformed lines are dropped. */
  static async open(dir: string): Promise<IndexCache> {
    const cache = new IndexCache(dir);
    for (const line of await readLines(join(dir, 'models-v1.jsonl'))) {
      const v = line as { path?: unknown; files?: unknown; contentHash?: unknown; box?: unknown };
      if (typeof v.path === 'string' && Array.isArray(v.files) && typeof v.contentHash === 'string' && isBox(v.box)) {
        cache.models.set(v.path, { files: v.files as CachedFile[], contentHash: v.contentHash, box: v.box });
      }
    }
    for (const line of await readLines(join(dir, 'symmetry-v1.jsonl'))) {
      const v = line as { contentHash?: unknown; version?: unknown; symmetry?: unknown };
      if (typeof v.contentHash === 'string' && v.version === SYMMETRY_CACHE_VERSION && typeof v.symmetry === 'string') cache.symmetry.set(v.contentHash, v.symmetry);
    }
    return cache;
  }

  /** The cached model at `path` whose files all still have the stats `statOf` reports, else undefined. */
  async model(path: string, statOf: (rel: string) => Promise<{ size: number; mtimeMs: number } | null>): Promise<CachedModel | undefined> {
    const entry = this.models.get(path);
    if (entry === undefined) return undefined;
    for (const f of entry.files) {
      const now = await statOf(f.path);
      if (now === null || now.size !== f.size || now.mtimeMs !== f.mtimeMs) return undefined;
    }
    return entry;
  }

  /** Remembers what indexing learned from the model at `path`. */
  setModel(path: string, model: CachedModel): void {
    if (this.dir === null) return;
    this.models.set(path, model);
    this.dirty = true;
  }

  /** The symmetry label cached for a content hash. */
  symmetryOf(contentHash: string): string | undefined {
    return this.symmetry.get(contentHash);
  }

  /** Remembers the symmetry label of a content hash. */
  setSymmetry(contentHash: string, symmetry: string): void {
    if (this.dir === null || this.symmetry.get(contentHash) === symmetry) return;
    this.symmetry.set(contentHash, symmetry);
    this.dirty = true;
  }

  /**
   * Writes the cache when it learned something (sorted, so equal contents give equal files).
   * @throws Error naming the folder and the reason when it cannot be written.
   */
  async save(): Promise<void> {
    if (this.dir === null || !this.dirty) return;
    await mkdir(this.dir, { recursive: true });
    const models = [...this.models].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, m]) => JSON.stringify({ path, ...m }));
    const symmetry = [...this.symmetry].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([contentHash, s]) => JSON.stringify({ contentHash, version: SYMMETRY_CACHE_VERSION, symmetry: s }));
    await writeWhole(join(this.dir, 'models-v1.jsonl'), models);
    await writeWhole(join(this.dir, 'symmetry-v1.jsonl'), symmetry);
    this.dirty = false;
  }
}

function isBox(v: unknown): v is Box3 {
  const b = v as Box3 | null;
  return b !== null && typeof b === 'object' && [b.min, b.max].every((p) => Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

async function readLines(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // A damaged line is forgotten: that model is indexed again.
    }
  }
  return out;
}

async function writeWhole(path: string, lines: readonly string[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
