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
 * - Files: `models-v1.jsonl` and `symmetry-v1.jsonl`, one JSON object a line, read and written a
 *   line at a time (a 100,000-model cache is never one string); each is written whole to a
 *   temporary file of its own and renamed (pipeline/write-streamed.ts), so a reader never sees
 *   half a file and workers that share the cache and write at once leave one complete version
 *   (their contents agree).
 * - Once the index is built, its model entries are forgotten ({@link IndexCache.forgetModels}):
 *   the run keeps only the symmetry labels, and later saves write the labels alone.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { nonBlankLines } from '../../pipeline/read-lines.js';
import { writeStreamed } from '../../pipeline/write-streamed.js';
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
  private modelsDirty = false;
  private symmetryDirty = false;
  private modelsForgotten = false;

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
    for await (const line of readLines(join(dir, 'models-v1.jsonl'))) {
      const v = line as { path?: unknown; files?: unknown; contentHash?: unknown; box?: unknown };
      if (typeof v.path === 'string' && Array.isArray(v.files) && typeof v.contentHash === 'string' && isBox(v.box)) {
        cache.models.set(v.path, { files: v.files as CachedFile[], contentHash: v.contentHash, box: v.box });
      }
    }
    for await (const line of readLines(join(dir, 'symmetry-v1.jsonl'))) {
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
    if (this.dir === null || this.modelsForgotten) return;
    this.models.set(path, model);
    this.modelsDirty = true;
  }

  /** Drops the model entries from memory (after the index is built and saved); saves write the symmetry labels alone from then on. */
  forgetModels(): void {
    this.models.clear();
    this.modelsForgotten = true;
    this.modelsDirty = false;
  }

  /** The symmetry label cached for a content hash. */
  symmetryOf(contentHash: string): string | undefined {
    return this.symmetry.get(contentHash);
  }

  /** Remembers the symmetry label of a content hash. */
  setSymmetry(contentHash: string, symmetry: string): void {
    if (this.dir === null || this.symmetry.get(contentHash) === symmetry) return;
    this.symmetry.set(contentHash, symmetry);
    this.symmetryDirty = true;
  }

  /**
   * Writes the cache when it learned something (sorted, so equal contents give equal files).
   * @throws Error naming the folder and the reason when it cannot be written.
   */
  async save(): Promise<void> {
    if (this.dir === null || !(this.modelsDirty || this.symmetryDirty)) return;
    await mkdir(this.dir, { recursive: true });
    const byKey = <T,>(entries: Iterable<[string, T]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (this.modelsDirty) {
      await writeStreamed(join(this.dir, 'models-v1.jsonl'), (function* (models) {
        for (const [path, m] of models) yield `${JSON.stringify({ path, ...m })}\n`;
      })(byKey(this.models)));
      this.modelsDirty = false;
    }
    if (this.symmetryDirty) {
      await writeStreamed(join(this.dir, 'symmetry-v1.jsonl'), (function* (labels) {
        for (const [contentHash, s] of labels) yield `${JSON.stringify({ contentHash, version: SYMMETRY_CACHE_VERSION, symmetry: s })}\n`;
      })(byKey(this.symmetry)));
      this.symmetryDirty = false;
    }
  }
}

function isBox(v: unknown): v is Box3 {
  const b = v as Box3 | null;
  return b !== null && typeof b === 'object' && [b.min, b.max].every((p) => Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

/** The JSON lines of a file, one at a time; none when it cannot be read, and a damaged line is forgotten (that model is indexed again). */
async function* readLines(path: string): AsyncGenerator<unknown> {
  try {
    for await (const line of nonBlankLines(path)) {
      try {
        yield JSON.parse(line);
      } catch {
        // forgotten
      }
    }
  } catch {
    // unreadable (or absent): nothing cached
  }
}
