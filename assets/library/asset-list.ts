/**
 * The usable models of an indexed library, kept on disk and read one entry at a time, so a run
 * over a library of 100,000 models holds a few bytes per model in memory instead of its entries
 * (docs/assets.md, "Libraries of 100,000 models").
 *
 * - {@link EntryFile}: an append-only file of JSON entries in the system's temporary folder,
 *   unlinked as soon as it is opened, so it lives exactly as long as its descriptor (closed when
 *   the file object is garbage-collected) and a crashed run leaves nothing behind. In memory: one
 *   8-byte offset per entry and the last {@link RECENT} entries read.
 * - {@link AssetList}: the library's order over such a file (4 bytes per model): `length`,
 *   `at(i)` (read synchronously, so the pure planner can draw from it), iteration, `filter`.
 *   Entries go through JSON: a -0 comes back as 0.
 *   An entry read twice is equal, not necessarily the same object: callers do not mutate entries.
 */
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeQuietly, readRange, writeFully } from '../../pipeline/fd-io.js';
import type { LibraryAsset } from './index-library.js';

/** What the file keeps of a model: everything but its position in the library. */
export type AssetEntry = Omit<LibraryAsset, 'index'>;

/** Entries kept in memory after a read (a drawn model is read again soon: its symmetry, its page route, its record). */
const RECENT = 256;

/** Appended entries gathered before one write. */
const FLUSH_BYTES = 1 << 16;

const closeOnCollect = new FinalizationRegistry<number>(closeQuietly);

/** An append-only, unlinked temporary file of JSON entries, read back by position. See the file header. */
export class EntryFile<T = AssetEntry> {
  private readonly fd: number;
  /** offsets[k]: where entry k starts; offsets[count]: where the next one goes. */
  private offsets = new Float64Array(1024);
  private size = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly recent = new Map<number, T>();

  /** @throws Error naming the temporary folder and the reason when the file cannot be made. */
  constructor() {
    try {
      const dir = mkdtempSync(join(tmpdir(), 'viewforge-index-'));
      try {
        this.fd = openSync(join(dir, 'entries.jsonl'), 'w+');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } catch (error) {
      throw tempFileError('make', error);
    }
    closeOnCollect.register(this, this.fd);
  }

  /** Entries appended so far. */
  get count(): number {
    return this.size;
  }

  /** Appends `entry`; returns its position. */
  append(entry: T): number {
    const bytes = Buffer.from(`${JSON.stringify(entry)}\n`);
    if (this.size + 2 > this.offsets.length) {
      const grown = new Float64Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.size + 1] = this.offsets[this.size] + bytes.length;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    const position = this.size++;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    return position;
  }

  /** Entry `k` (0 ≤ k < count). */
  read(k: number): T {
    const seen = this.recent.get(k);
    if (seen !== undefined) {
      this.recent.delete(k);
      this.recent.set(k, seen);
      return seen;
    }
    if (!(Number.isInteger(k) && k >= 0 && k < this.size)) throw new RangeError(`EntryFile: no entry ${k} (${this.size} written)`);
    this.flush();
    const length = this.offsets[k + 1] - this.offsets[k];
    const buffer = readRange(this.fd, this.offsets[k], length);
    if (buffer.length < length) throw new Error(`EntryFile: entry ${k} ends early (the temporary index file was truncated)`);
    const entry = JSON.parse(buffer.toString('utf8')) as T;
    this.recent.set(k, entry);
    if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value as number);
    return entry;
  }

  /** Writes what {@link append} gathered. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    try {
      writeFully(this.fd, chunk, this.offsets[this.size] - chunk.length);
    } catch (error) {
      throw tempFileError('write', error);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** The error of a temporary index file that cannot be made or written: where, why, and what to do. */
function tempFileError(what: 'make' | 'write', error: unknown): Error {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new Error(`assets: cannot ${what} the index's temporary file in ${tmpdir()} (${reason}); set TMPDIR to a writable folder with room for the library's index (about 500 bytes a model)`, { cause: error });
}

/** A library's models in index order over an {@link EntryFile}: `at(i).index === i`. See the file header. */
export class AssetList implements Iterable<LibraryAsset> {
  /**
   * @param file - the entries.
   * @param order - `order[i]`: the file position of model `i`.
   */
  constructor(
    private readonly file: EntryFile<AssetEntry>,
    private readonly order: Uint32Array,
  ) {}

  /** A list of `entries` in the given order (a small library, a test). */
  static of(entries: Iterable<AssetEntry>): AssetList {
    const file = new EntryFile<AssetEntry>();
    for (const entry of entries) file.append(entry);
    return new AssetList(file, Uint32Array.from({ length: file.count }, (_, i) => i));
  }

  get length(): number {
    return this.order.length;
  }

  /** Model `i`, or undefined when `i` is not an index of the list. */
  at(i: number): LibraryAsset | undefined {
    if (!(Number.isInteger(i) && i >= 0 && i < this.order.length)) return undefined;
    return { ...this.file.read(this.order[i]), index: i };
  }

  *[Symbol.iterator](): Iterator<LibraryAsset> {
    for (let i = 0; i < this.order.length; i++) yield this.at(i)!;
  }

  /** Every model, in memory (tests and small libraries). */
  toArray(): LibraryAsset[] {
    return [...this];
  }

  /** The models `keep` accepts, in order and numbered again from 0; same file, no entry copied. */
  filter(keep: (asset: LibraryAsset) => boolean): AssetList {
    const kept = new Uint32Array(this.order.length);
    let n = 0;
    for (let i = 0; i < this.order.length; i++) if (keep(this.at(i)!)) kept[n++] = this.order[i];
    return new AssetList(this.file, kept.slice(0, n));
  }
}
