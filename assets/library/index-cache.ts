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
 * - Files: `models-v1.jsonl` and `symmetry-v1.jsonl`, one JSON object a line.
 * - Memory stays flat with the library's size: the models file is never loaded. Opening it scans
 *   it once and keeps 16 bytes a line (a 32-bit key of the path and where the line lies); a lookup
 *   reads the lines of its key from the file. Entries hashed in this run go straight to the next
 *   version of the file, written beside it. Symmetry labels are kept as 33 bytes each (hash and
 *   label), plus the labels this run estimates.
 * - Writes: each file is written whole to a temporary file of its own and renamed, so a reader
 *   never sees half a file and workers that share the cache and write at once leave one complete
 *   version (their contents agree). The models file is written when indexing hashed a model:
 *   this run's entries in the order the library lists its models, then the lines of the last
 *   version that no new entry replaced. Labels are written sorted by content hash.
 * - Once the index is built, the model entries are forgotten ({@link IndexCache.forgetModels}):
 *   later saves write the labels alone.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { closeQuietly, readRange, writeFully } from '../../pipeline/fd-io.js';
import { linesWithOffsets } from '../../pipeline/read-lines.js';
import { writeStreamed } from '../../pipeline/write-streamed.js';
import type { Box3 } from './gltf-bounds.js';

/** Name of the default cache folder beside (inside) the library root. */
export const DEFAULT_CACHE_DIR = '.viewforge-cache';

/** Bump when the symmetry estimator changes what it decides. */
export const SYMMETRY_CACHE_VERSION = 1;

const MODELS_FILE = 'models-v1.jsonl';
const SYMMETRY_FILE = 'symmetry-v1.jsonl';

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
  private models: ModelLines | null = null;
  private next: NextModelsFile | null = null;
  private writeError: Error | null = null;
  private symmetry = LabelTable.empty();
  private readonly newLabels = new Map<string, string>();
  private modelsForgotten = false;

  private constructor(
    /** The cache folder, or null when the run goes uncached. */
    readonly dir: string | null,
  ) {}

  /** A cache that remembers nothing and writes nothing. */
  static none(): IndexCache {
    return new IndexCache(null);
  }

  /** Opens the cache in `dir` (scans its files; see the file header); unreadable or malformed lines are dropped. */
  static async open(dir: string): Promise<IndexCache> {
    const cache = new IndexCache(dir);
    cache.models = ModelLines.open(join(dir, MODELS_FILE));
    cache.symmetry = LabelTable.open(join(dir, SYMMETRY_FILE));
    return cache;
  }

  /** The cached model at `path` whose files all still have the stats `statOf` reports, else undefined. */
  async model(path: string, statOf: (rel: string) => Promise<{ size: number; mtimeMs: number } | null>): Promise<CachedModel | undefined> {
    const entry = this.models?.find(path);
    if (entry === undefined) return undefined;
    for (const f of entry.files) {
      const now = await statOf(f.path);
      if (now === null || now.size !== f.size || now.mtimeMs !== f.mtimeMs) return undefined;
    }
    return entry;
  }

  /** Remembers what indexing learned from the model at `path` (written to the next version of the models file at once). */
  setModel(path: string, model: CachedModel): void {
    if (this.dir === null || this.modelsForgotten || this.writeError !== null) return;
    try {
      this.next ??= new NextModelsFile(this.dir);
      this.next.append(`${JSON.stringify({ path, ...model })}\n`);
      this.models?.supersede(path);
    } catch (error) {
      this.writeError = error as Error;
      this.next?.discard();
      this.next = null;
    }
  }

  /** Drops the model entries (after the index is built and saved); saves write the symmetry labels alone from then on. */
  forgetModels(): void {
    this.models?.close();
    this.models = null;
    this.next?.discard();
    this.next = null;
    this.modelsForgotten = true;
  }

  /** The symmetry label cached for a content hash. */
  symmetryOf(contentHash: string): string | undefined {
    return this.newLabels.get(contentHash) ?? this.symmetry.get(contentHash);
  }

  /** Remembers the symmetry label of a content hash. */
  setSymmetry(contentHash: string, symmetry: string): void {
    if (this.dir === null || this.symmetryOf(contentHash) === symmetry) return;
    this.newLabels.set(contentHash, symmetry);
  }

  /**
   * Writes what the cache learned since the last save: the models file when indexing hashed a
   * model, the labels file when labels were added.
   * @throws Error naming the folder and the reason when it cannot be written.
   */
  async save(): Promise<void> {
    if (this.dir === null) return;
    if (this.writeError !== null) throw this.writeError;
    if (this.next !== null) {
      const next = this.next;
      this.next = null;
      try {
        next.finish(this.models);
      } catch (error) {
        next.discard();
        throw error;
      }
    }
    if (this.newLabels.size > 0) {
      mkdirSync(this.dir, { recursive: true });
      const added = [...this.newLabels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      await writeStreamed(join(this.dir, SYMMETRY_FILE), (function* (old: LabelTable) {
        // A merge of two sorted lists; a label of this run replaces a cached one.
        let i = 0;
        for (const [hash, label] of old.entries()) {
          while (i < added.length && added[i][0] < hash) yield labelLine(...added[i++]);
          if (i < added.length && added[i][0] === hash) continue;
          yield labelLine(hash, label);
        }
        while (i < added.length) yield labelLine(...added[i++]);
      })(this.symmetry));
      this.symmetry = LabelTable.open(join(this.dir, SYMMETRY_FILE));
      this.newLabels.clear();
    }
  }
}

function labelLine(contentHash: string, symmetry: string): string {
  return `${JSON.stringify({ contentHash, version: SYMMETRY_CACHE_VERSION, symmetry })}\n`;
}

/** 32-bit FNV-1a of a path: the key {@link ModelLines} sorts and searches by (a collision only costs a second line read). */
function pathKey(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The valid lines of an opened models file, found by path; the file stays open (and unchanged: a new version is renamed over it) until closed. */
class ModelLines {
  /** Lines sorted by key: key, byte offset and byte length of each, and whether a new entry replaced it. */
  private constructor(
    private readonly fd: number,
    private readonly keys: Uint32Array,
    private readonly starts: Float64Array,
    private readonly lengths: Uint32Array,
    private readonly superseded: Uint8Array,
  ) {}

  /** Scans the file at `path`; null when it cannot be read. */
  static open(path: string): ModelLines | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    const keys: number[] = [];
    const starts: number[] = [];
    const lengths: number[] = [];
    try {
      for (const line of linesWithOffsets(fd)) {
        const model = parseModelLine(line.text);
        if (model === null) continue; // damaged: that model is indexed again
        keys.push(pathKey(model.path));
        starts.push(line.start);
        lengths.push(line.bytes);
      }
    } catch {
      closeSync(fd);
      return null;
    }
    const order = Uint32Array.from(keys, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);
    return new ModelLines(
      fd,
      Uint32Array.from(order, (i) => keys[i]),
      Float64Array.from(order, (i) => starts[i]),
      Uint32Array.from(order, (i) => lengths[i]),
      new Uint8Array(order.length),
    );
  }

  /** The valid lines for `path` (their places in the sorted table) with their entries, in file order. */
  private linesOf(path: string): { model: CachedModel; at: number }[] {
    const key = pathKey(path);
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    const found: { model: CachedModel; at: number }[] = [];
    for (let at = lo; at < this.keys.length && this.keys[at] === key; at++) {
      const parsed = parseModelLine(this.line(at).toString('utf8'));
      if (parsed?.path === path) found.push({ model: { files: parsed.files, contentHash: parsed.contentHash, box: parsed.box }, at });
    }
    return found;
  }

  /** The entry of the last valid line for `path`. */
  find(path: string): CachedModel | undefined {
    return this.linesOf(path).at(-1)?.model;
  }

  /** Marks every line of `path` as replaced by a new entry. */
  supersede(path: string): void {
    for (const { at } of this.linesOf(path)) this.superseded[at] = 1;
  }

  /** The lines no new entry replaced, each with its line break, in the order the file held them. */
  *kept(): Generator<Buffer> {
    const order = Uint32Array.from(this.starts, (_, i) => i).sort((a, b) => this.starts[a] - this.starts[b]);
    for (const at of order) if (this.superseded[at] === 0) yield Buffer.concat([this.line(at), NEWLINE]);
  }

  close(): void {
    closeQuietly(this.fd);
  }

  private line(at: number): Buffer {
    return readRange(this.fd, this.starts[at], this.lengths[at]);
  }
}

const NEWLINE = Buffer.from('\n');

/** A models-file line as a path and entry, or null when it is not one. */
function parseModelLine(text: string): ({ path: string } & CachedModel) | null {
  let v: { path?: unknown; files?: unknown; contentHash?: unknown; box?: unknown };
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object' || typeof v.path !== 'string' || !Array.isArray(v.files) || typeof v.contentHash !== 'string' || !isBox(v.box)) return null;
  return { path: v.path, files: v.files as CachedFile[], contentHash: v.contentHash, box: v.box };
}

let nextFiles = 0;

/** The next version of the models file, written as indexing hashes models: a temporary file of its own beside it, renamed over it by {@link finish}. */
class NextModelsFile {
  private readonly path: string;
  private readonly temp: string;
  private readonly fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;

  /** @throws the file system's error when the folder or the file cannot be made. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, MODELS_FILE);
    this.temp = `${this.path}.partial-${process.pid}-${++nextFiles}`;
    this.fd = openSync(this.temp, 'w');
  }

  append(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= 1 << 16) this.flush();
  }

  /** Adds the lines of `previous` no new entry replaced, and renames the file into place. */
  finish(previous: ModelLines | null): void {
    this.flush();
    if (previous !== null) {
      let batch: Buffer[] = [];
      let bytes = 0;
      for (const line of previous.kept()) {
        batch.push(line);
        bytes += line.length;
        if (bytes >= 1 << 16) {
          writeFully(this.fd, Buffer.concat(batch));
          batch = [];
          bytes = 0;
        }
      }
      writeFully(this.fd, Buffer.concat(batch));
    }
    closeSync(this.fd);
    renameSync(this.temp, this.path);
  }

  /** Closes and removes the temporary file. */
  discard(): void {
    closeQuietly(this.fd);
    rmSync(this.temp, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeFully(this.fd, Buffer.from(this.pending.join('')));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Symmetry labels by content hash, sorted: 32 bytes of hash and one byte of label each. */
class LabelTable {
  private constructor(
    private readonly hashes: Buffer,
    private readonly labels: Uint8Array,
    private readonly names: readonly string[],
  ) {}

  static empty(): LabelTable {
    return new LabelTable(Buffer.alloc(0), new Uint8Array(0), []);
  }

  /** Reads the labels file at `path` (lines of another version, or not a sha256, are dropped); empty when it cannot be read. */
  static open(path: string): LabelTable {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return LabelTable.empty();
    }
    const names: string[] = [];
    let hashes = Buffer.alloc(32 * 1024);
    let labels: number[] = [];
    try {
      for (const line of linesWithOffsets(fd)) {
        let v: { contentHash?: unknown; version?: unknown; symmetry?: unknown };
        try {
          v = JSON.parse(line.text) as typeof v;
        } catch {
          continue;
        }
        if (v === null || typeof v.contentHash !== 'string' || !/^[0-9a-f]{64}$/.test(v.contentHash) || v.version !== SYMMETRY_CACHE_VERSION || typeof v.symmetry !== 'string') continue;
        let name = names.indexOf(v.symmetry);
        if (name < 0) {
          if (names.length === 255) continue;
          name = names.push(v.symmetry) - 1;
        }
        if ((labels.length + 1) * 32 > hashes.length) hashes = Buffer.concat([hashes, Buffer.alloc(hashes.length)]);
        hashes.write(v.contentHash, labels.length * 32, 'hex');
        labels.push(name);
      }
    } catch {
      labels = [];
    } finally {
      closeSync(fd);
    }
    const order = Uint32Array.from(labels, (_, i) => i).sort((a, b) => hashes.compare(hashes, b * 32, b * 32 + 32, a * 32, a * 32 + 32));
    const sorted = Buffer.alloc(order.length * 32);
    order.forEach((i, k) => hashes.copy(sorted, k * 32, i * 32, i * 32 + 32));
    return new LabelTable(sorted, Uint8Array.from(order, (i) => labels[i]), names);
  }

  get(contentHash: string): string | undefined {
    if (!/^[0-9a-f]{64}$/.test(contentHash) || this.labels.length === 0) return undefined;
    const key = Buffer.from(contentHash, 'hex');
    let lo = 0;
    let hi = this.labels.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.hashes.compare(key, 0, 32, mid * 32, mid * 32 + 32);
      if (c === 0) return this.names[this.labels[mid]];
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Every label, by content hash (hex), sorted; a hash listed twice once. */
  *entries(): Generator<[string, string]> {
    let last = '';
    for (let k = 0; k < this.labels.length; k++) {
      const hash = this.hashes.toString('hex', k * 32, k * 32 + 32);
      if (hash !== last) yield [hash, this.names[this.labels[k]]];
      last = hash;
    }
  }
}

function isBox(v: unknown): v is Box3 {
  const b = v as Box3 | null;
  return b !== null && typeof b === 'object' && [b.min, b.max].every((p) => Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'number' && Number.isFinite(x)));
}
