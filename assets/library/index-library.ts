/**
 * Indexes an asset library once per run (`--assets <dir|manifest.jsonl>`, docs/assets.md): finds
 * the `.glb`/`.gltf` files (a folder recursively, or the lines of a JSONL manifest), checks each
 * one up front where that is cheap, hashes it with every file it references, and sorts the usable
 * ones by content hash. The same files give the same index, wherever they lie and whatever order
 * the file system lists them in.
 *
 * Checks, each a skip reason (the file is logged with path and reason and counted, never used):
 * - 'outside-root': the file (after resolving symlinks) or a `uri` it references lies outside
 *   the library root, or a manifest path is absolute or climbs out with `..`;
 * - 'too-large': the model file, or the model with its referenced files, exceeds `maxAssetBytes`;
 * - 'corrupt': the GLB header/chunk lengths disagree with the file, the JSON does not parse, it
 *   is not glTF 2.x, a GLB buffer has no BIN chunk, a referenced buffer is shorter than its
 *   `byteLength`, or the node graph is broken;
 * - 'missing-file': a buffer or image `uri` names a file that does not exist;
 * - 'unsupported-extension': `extensionsRequired` names an extension the page's loader lacks;
 * - 'no-geometry': no mesh primitive with positions, or a zero-size bounding box;
 * - 'bad-geometry': a stored vertex position that is not finite or lies outside its accessor's
 *   declared min/max, or a bounding box of absurd size (assets/library/scan-positions.ts);
 * - 'duplicate': same content hash as an asset already indexed (the first path in sorted order wins);
 * - 'bad-manifest-line': a manifest line that is not a JSON object with a string `path` and
 *   valid optional `name`, `category`, `up` ('y' | 'z') and `scale` (metres per unit, > 0).
 * A model that passes here but fails in the page is skipped at render time ('render-failed').
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { AssetNormalisation, Vec3 } from '../../pipeline/types.js';
import { ModelFileError, readGltfContainer, type GltfJson } from './gltf-container.js';
import { sceneBounds, type Box3 } from './gltf-bounds.js';
import { checkSceneSize, scanPositions } from './scan-positions.js';
import { normaliseBox } from './normalise-asset.js';
import { SUPPORTED_EXTENSIONS } from './supported-extensions.js';
import { mapOrdered } from '../../pipeline/map-limited.js';
import { AssetList, EntryFile, type AssetEntry } from './asset-list.js';
import { DEFAULT_CACHE_DIR, IndexCache, type CachedFile, type CachedModel } from './index-cache.js';

/** Why an asset was left out of a run. */
export type SkipReason =
  | 'outside-root'
  | 'too-large'
  | 'corrupt'
  | 'missing-file'
  | 'unsupported-extension'
  | 'no-geometry'
  | 'bad-geometry'
  | 'duplicate'
  | 'bad-manifest-line'
  | 'render-failed';

/** One usable model of the library. */
export interface LibraryAsset {
  /** Position in the sorted index (also its route on the page server: `/assets/<index>/…`). */
  index: number;
  /** Model file, relative to the root, `/`-separated. */
  path: string;
  name: string;
  category: string | null;
  /** The licence the manifest or the Objaverse metadata gives, else null. */
  licence: string | null;
  /** sha256 over the model file and its referenced files (see {@link hashAssetFiles}). */
  contentHash: string;
  /** Model file first, then every external buffer/image it references (relative to the root, `/`-separated, unique). */
  files: string[];
  /** Sum of the sizes of `files`. */
  bytes: number;
  normalisation: AssetNormalisation;
  halfExtents: Vec3;
}

/** An asset left out, with its path (relative to the root where possible) and why. */
export interface SkippedAsset {
  path: string;
  reason: SkipReason;
  message: string;
}

/** The indexed library of a run. */
export interface AssetLibrary {
  /** Real path of the library root (the folder, or the manifest's folder). */
  root: string;
  /** What `--assets` named, as given. */
  source: string;
  /** Usable assets, sorted by content hash (ties: path); `assets.at(i).index === i`. Kept on disk, read an entry at a time (assets/library/asset-list.ts). */
  assets: AssetList;
  skipped: SkippedAsset[];
  /** sha256 of the sorted content hashes: names the library's contents in the manifest. */
  digest: string;
  /** The persistent index cache the run reads and writes (symmetry labels too); {@link IndexCache.none} when uncached. */
  cache: IndexCache;
}

export interface IndexOptions {
  /** Largest model (with its referenced files), bytes. */
  maxAssetBytes: number;
  /** Told about every skipped file. */
  onSkip?: (skipped: SkippedAsset) => void;
  /**
   * The index cache folder (assets/library/index-cache.ts): a path, null for `<root>/.viewforge-cache`,
   * or 'off'. @default 'off'
   */
  cacheDir?: string | null;
  /** Told once when the cache cannot be written (the run goes on uncached). */
  onCacheProblem?: (message: string) => void;
}

/** A model to check: path relative to the root, plus what a manifest line said about it. */
interface Candidate {
  path: string;
  name?: string;
  category?: string;
  licence?: string;
  upAxis?: 'y' | 'z';
  metresPerUnit?: number;
}

const MODEL_EXTENSIONS = new Set(['.glb', '.gltf']);

/** Model files checked at once while indexing (I/O overlaps; the checks themselves are small). */
const INDEX_PARALLEL = 16;

/**
 * Indexes the library at `source` (a folder, or a `.jsonl` manifest whose paths are relative to
 * its own folder). See the file header for the checks.
 *
 * One pass that streams: files are listed (a folder at a time) or manifest lines read as the
 * checks need them, {@link INDEX_PARALLEL} at a time, and each usable model's entry goes to a
 * temporary file at once (assets/library/asset-list.ts). Memory keeps 40 bytes a model (its
 * content hash and where its entry lies) while checking, and 12 after the sort; the skipped
 * files are kept whole. An Objaverse metadata file is read whole (one JSON document).
 * @throws Error naming `source` when it does not exist or is neither a folder nor a `.jsonl` file.
 */
export async function indexLibrary(source: string, options: IndexOptions): Promise<AssetLibrary> {
  let info;
  try {
    info = await stat(source);
  } catch (error) {
    throw new Error(`assets: cannot read "${source}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const skipped: SkippedAsset[] = [];
  const skip = (s: SkippedAsset) => {
    skipped.push(s);
    options.onSkip?.(s);
  };
  let root: string;
  let candidates: AsyncIterable<Candidate>;
  if (info.isDirectory()) {
    root = await realpath(source);
    // The Objaverse layout: glbs/<group>/<uid>.glb, with a metadata file of uid → name/category/licence at the root.
    const objaverse = (await isFolder(join(root, 'glbs'))) ? await readObjaverseMetadata(root) : null;
    candidates = (async function* (files) {
      for await (const path of files) yield { path, ...(objaverse?.table.get(basename(path, extname(path))) ?? {}) };
    })(walkModelFiles(root, objaverse === null ? root : join(root, 'glbs')));
  } else if (info.isFile() && extname(source).toLowerCase() === '.jsonl') {
    root = await realpath(dirname(source));
    candidates = readManifest(source, skip);
  } else {
    throw new Error(`assets: "${source}" is neither a folder nor a .jsonl manifest`);
  }
  const cacheDir = options.cacheDir === undefined || options.cacheDir === 'off' ? null : options.cacheDir ?? join(root, DEFAULT_CACHE_DIR);
  const cache = cacheDir === null ? IndexCache.none() : await IndexCache.open(cacheDir);
  // Checked INDEX_PARALLEL at a time (their stats, reads and hashes overlap), taken in the candidates' order: skips and cache lines keep it.
  const entries = new EntryFile<AssetEntry>();
  const hashes = new HashColumn();
  try {
    const checked = mapOrdered(candidates, INDEX_PARALLEL, async (candidate) => {
      try {
        return await checkModel(root, candidate, options.maxAssetBytes, cache);
      } catch (error) {
        if (!(error instanceof ModelFileError)) throw error;
        return { path: candidate.path, reason: error.reason, message: error.message } satisfies SkippedAsset;
      }
    });
    for await (const result of checked) {
      if ('reason' in result) {
        skip(result);
        continue;
      }
      const { hashed, ...asset } = result;
      if (hashed !== undefined) cache.setModel(asset.path, hashed);
      entries.append(asset);
      hashes.push(asset.contentHash);
    }
  } catch (error) {
    cache.forgetModels();
    throw error;
  }
  // Sorted by content hash, ties by path: a duplicate follows the first of its hash (a lookup, not a scan: 100,000 files stay linear).
  const pathOf = (k: number) => entries.read(k).path;
  const sorted = Uint32Array.from({ length: entries.count }, (_, k) => k).sort((a, b) => hashes.compare(a, b) || (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0));
  const order = new Uint32Array(sorted.length);
  let n = 0;
  for (const k of sorted) {
    if (n > 0 && hashes.compare(order[n - 1], k) === 0) {
      skip({ path: pathOf(k), reason: 'duplicate', message: `same content as "${pathOf(order[n - 1])}"` });
      continue;
    }
    order[n++] = k;
  }
  const assets = new AssetList(entries, order.slice(0, n));
  const digest = libraryDigest(hashes.hexOf(order.subarray(0, n)));
  const saved = await saveOrDrop(cache, options.onCacheProblem);
  saved.forgetModels(); // the run needs only the symmetry labels from here on
  return { root, source, assets, skipped, digest, cache: saved };
}

/** The content hashes of a pass, 32 bytes each in one growing buffer (a 100,000-model library: 3.2 MB). */
class HashColumn {
  private bytes = Buffer.alloc(32 * 1024);
  private count = 0;

  push(hex: string): void {
    if ((this.count + 1) * 32 > this.bytes.length) this.bytes = Buffer.concat([this.bytes, Buffer.alloc(this.bytes.length)]);
    if (this.bytes.write(hex, this.count * 32, 'hex') !== 32) throw new Error(`assets: "${hex}" is not a sha256 content hash`);
    this.count++;
  }

  /** Orders hashes `a` and `b` (negative, 0, positive). */
  compare(a: number, b: number): number {
    return this.bytes.compare(this.bytes, b * 32, b * 32 + 32, a * 32, a * 32 + 32);
  }

  /** The hashes at `positions`, as hex, one at a time. */
  *hexOf(positions: Uint32Array): Generator<{ contentHash: string }> {
    for (const k of positions) yield { contentHash: this.bytes.toString('hex', k * 32, k * 32 + 32) };
  }
}

/** sha256 of the content hashes of `assets`, in their order, one a line: {@link AssetLibrary.digest}. */
export function libraryDigest(assets: Iterable<Pick<LibraryAsset, 'contentHash'>>): string {
  const hash = createHash('sha256');
  let first = true;
  for (const a of assets) {
    hash.update(first ? a.contentHash : `\n${a.contentHash}`);
    first = false;
  }
  return hash.digest('hex');
}

/** Saves what the cache learned; a cache that cannot be written is dropped for the rest of the run (said once). */
export async function saveOrDrop(cache: IndexCache, onProblem?: (message: string) => void): Promise<IndexCache> {
  try {
    await cache.save();
    return cache;
  } catch (error) {
    onProblem?.(`assets: cannot write the index cache "${cache.dir}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); this run goes on without it (--asset-cache <dir> names another place)`);
    return IndexCache.none();
  }
}

/** `.glb`/`.gltf` files under `dir`, relative to `root`, sorted; symlinked files are resolved and kept only inside the root; symlinked folders are not followed. */
export async function listModelFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const path of walkModelFiles(root, dir)) out.push(path);
  return out;
}

/** {@link listModelFiles}, one file at a time: a folder's entries are read when the walk reaches it. */
export async function* walkModelFiles(root: string, dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* walkModelFiles(root, full);
    } else if (MODEL_EXTENSIONS.has(extname(entry.name).toLowerCase()) && (entry.isFile() || entry.isSymbolicLink())) {
      yield toPosix(relative(root, full));
    }
  }
}

/** A manifest's lines as candidates, read one at a time; bad lines are skipped with their line number. */
async function* readManifest(file: string, skip: (s: SkippedAsset) => void): AsyncGenerator<Candidate> {
  const input = createReadStream(file, { encoding: 'utf8' });
  let lineNumber = 0;
  try {
    for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
      const candidate = parseManifestLine(raw, ++lineNumber, skip);
      if (candidate !== null) yield candidate;
    }
  } finally {
    input.destroy();
  }
}

/** One manifest line → a candidate; null for a blank line, or a bad one (skipped with its line number). */
function parseManifestLine(raw: string, lineNumber: number, skip: (s: SkippedAsset) => void): Candidate | null {
  const line = raw.trim();
  if (line === '') return null;
  const where = `manifest line ${lineNumber}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    skip({ path: where, reason: 'bad-manifest-line', message: `not JSON (${(error as Error).message})` });
    return null;
  }
  const v = value as Record<string, unknown>;
  const problem =
    value === null || typeof value !== 'object' || Array.isArray(value) ? 'not a JSON object'
    : typeof v.path !== 'string' || v.path === '' ? '"path" must be a non-empty string'
    : v.name !== undefined && (typeof v.name !== 'string' || v.name === '') ? '"name" must be a non-empty string'
    : v.category !== undefined && typeof v.category !== 'string' ? '"category" must be a string'
    : licenceOf(v) === false ? '"licence" (or "license") must be a string'
    : v.up !== undefined && v.up !== 'y' && v.up !== 'z' ? '"up" must be "y" or "z"'
    : v.scale !== undefined && !(typeof v.scale === 'number' && Number.isFinite(v.scale) && v.scale > 0) ? '"scale" must be a positive number (metres per unit)'
    : null;
  if (problem !== null) {
    skip({ path: typeof v?.path === 'string' ? v.path : where, reason: 'bad-manifest-line', message: `${where}: ${problem}` });
    return null;
  }
  return {
    path: v.path as string,
    ...(v.name !== undefined ? { name: v.name as string } : {}),
    ...(v.category !== undefined ? { category: v.category as string } : {}),
    ...(typeof licenceOf(v) === 'string' ? { licence: licenceOf(v) as string } : {}),
    ...(v.up !== undefined ? { upAxis: v.up as 'y' | 'z' } : {}),
    ...(v.scale !== undefined ? { metresPerUnit: v.scale as number } : {}),
  };
}

/** A line's licence: `licence` or `license` (a string), undefined when absent, false when not a string. */
function licenceOf(v: Record<string, unknown>): string | undefined | false {
  const value = v.licence ?? v.license;
  return value === undefined || value === null ? undefined : typeof value === 'string' && value !== '' ? value : false;
}

/** The metadata files an Objaverse-layout folder may hold beside `glbs/`, in the order they are looked for. */
export const OBJAVERSE_METADATA = ['annotations.jsonl', 'annotations.json', 'metadata.jsonl', 'metadata.json'] as const;

/** What Objaverse metadata says of one uid. */
interface UidInfo {
  name?: string;
  category?: string;
  licence?: string;
}

/**
 * The uid → name/category/licence table of an Objaverse-layout folder: a JSON object keyed by uid,
 * or JSONL lines that carry a `uid`. Each entry's `name`, its `category` (or the first of
 * `categories`, a string or `{name}`) and its `licence`/`license` are taken; anything else is
 * ignored. Null when the folder has no such file.
 * @throws Error naming the file when it is not JSON.
 */
async function readObjaverseMetadata(root: string): Promise<{ file: string; table: Map<string, UidInfo> } | null> {
  for (const file of OBJAVERSE_METADATA) {
    let text: string;
    try {
      text = await readFile(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const entries: [string, Record<string, unknown>][] = [];
    try {
      if (file.endsWith('.jsonl')) {
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          const v = JSON.parse(line) as Record<string, unknown>;
          if (v !== null && typeof v === 'object' && typeof v.uid === 'string') entries.push([v.uid, v]);
        }
      } else {
        const v = JSON.parse(text) as Record<string, unknown>;
        for (const [uid, info] of Object.entries(v ?? {})) if (info !== null && typeof info === 'object') entries.push([uid, info as Record<string, unknown>]);
      }
    } catch (error) {
      throw new Error(`assets: "${join(root, file)}" is not valid JSON${file.endsWith('.jsonl') ? ' lines' : ''}: ${(error as Error).message}`);
    }
    const table = new Map<string, UidInfo>();
    for (const [uid, v] of entries) {
      const first = Array.isArray(v.categories) ? v.categories[0] : undefined;
      const category = typeof v.category === 'string' ? v.category : typeof first === 'string' ? first : typeof (first as { name?: unknown } | undefined)?.name === 'string' ? (first as { name: string }).name : undefined;
      const licence = licenceOf(v);
      table.set(uid, {
        ...(typeof v.name === 'string' && v.name !== '' ? { name: v.name } : {}),
        ...(category !== undefined && category !== '' ? { category } : {}),
        ...(typeof licence === 'string' ? { licence } : {}),
      });
    }
    return { file, table };
  }
  return null;
}

/**
 * Resolves `rel` (a relative path, `/`-separated) against `base` inside `root`, following symlinks;
 * with the file's size and mtime (whole milliseconds: utimes and some file systems keep no more).
 * @throws ModelFileError 'outside-root' for an absolute path or one that ends outside the root,
 *   'missing-file' when it does not exist or is not a regular file.
 */
export async function resolveInsideRoot(root: string, base: string, rel: string): Promise<{ real: string; rel: string; bytes: number; mtimeMs: number }> {
  if (rel.includes('\0') || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\')) {
    throw new ModelFileError('outside-root', `"${rel}" is an absolute path`);
  }
  const lexical = resolve(base, rel);
  if (!isInside(root, lexical)) throw new ModelFileError('outside-root', `"${rel}" leads outside the library root`);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new ModelFileError('missing-file', `"${toPosix(relative(root, lexical))}" does not exist`);
  }
  if (!isInside(root, real)) throw new ModelFileError('outside-root', `"${toPosix(relative(root, lexical))}" resolves to ${real}, outside the library root`);
  const info = await lstat(real);
  if (!info.isFile()) throw new ModelFileError('missing-file', `"${toPosix(relative(root, lexical))}" is not a regular file`);
  return { real, rel: toPosix(relative(root, lexical)), bytes: info.size, mtimeMs: Math.round(info.mtimeMs) };
}

/** True when `path` is `root` or lies below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** Size and mtime of a file inside the root (null when it is gone or leads outside). */
async function statInsideRoot(root: string, rel: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const file = await resolveInsideRoot(root, root, rel);
    return { size: file.bytes, mtimeMs: file.mtimeMs };
  } catch {
    return null;
  }
}

/** The box of a model as normalised for this candidate (its up axis and scale). */
function normaliseFor(candidate: Candidate, box: Box3): ReturnType<typeof normaliseBox> {
  try {
    return normaliseBox(box, candidate.upAxis ?? 'y', candidate.metresPerUnit ?? null);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError('no-geometry', (error as Error).message);
  }
}

/** A checked model, with what the cache should learn when it was hashed (not when the cache knew it). */
type CheckedModel = AssetEntry & { hashed?: CachedModel };

async function checkModel(root: string, candidate: Candidate, maxBytes: number, cache: IndexCache): Promise<CheckedModel> {
  const main = await resolveInsideRoot(root, root, candidate.path);
  const kind = extname(main.rel).toLowerCase() === '.glb' ? 'glb' : extname(main.rel).toLowerCase() === '.gltf' ? 'gltf' : null;
  if (kind === null) throw new ModelFileError('corrupt', `"${main.rel}" is not a .glb or .gltf file`);
  if (main.bytes > maxBytes) throw new ModelFileError('too-large', `${formatMb(main.bytes)} exceeds --max-asset-mb ${formatMb(maxBytes)}`);
  // A model whose files are as the cache saw them: nothing is read again (the manifest's fields still apply).
  const cached = await cache.model(main.rel, async (rel) => (rel === main.rel ? { size: main.bytes, mtimeMs: main.mtimeMs } : statInsideRoot(root, rel)));
  if (cached !== undefined) {
    const cachedBytes = cached.files.reduce((n, f) => n + f.size, 0);
    if (cachedBytes > maxBytes) throw new ModelFileError('too-large', `${formatMb(cachedBytes)} with its referenced files exceeds --max-asset-mb ${formatMb(maxBytes)}`);
    return {
      path: main.rel,
      name: candidate.name ?? main.rel,
      category: candidate.category ?? null,
      licence: candidate.licence ?? null,
      contentHash: cached.contentHash,
      files: cached.files.map((f) => f.path),
      bytes: cachedBytes,
      ...normaliseFor(candidate, cached.box),
    };
  }
  // Stats taken before the files are read (as they were resolved): a file changed meanwhile is hashed again next time.
  const stats: CachedFile[] = [{ path: main.rel, size: main.bytes, mtimeMs: main.mtimeMs }];
  const mainBytes = await readFile(main.real);
  const { json, binChunkBytes, binChunk } = readGltfContainer(mainBytes, kind);
  checkRequiredExtensions(json);
  const files = [main.rel];
  let bytes = main.bytes;
  const lexicalBase = join(root, dirname(main.rel));
  const external = async (uri: string, what: string, minBytes: number): Promise<string> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(uri);
    } catch {
      throw new ModelFileError('corrupt', `${what} uri "${uri.slice(0, 100)}" is not a valid URI`);
    }
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(decoded)) throw new ModelFileError('outside-root', `${what} uri "${uri.slice(0, 100)}" is not a relative path`);
    const file = await resolveInsideRoot(root, lexicalBase, decoded);
    if (file.bytes < minBytes) throw new ModelFileError('corrupt', `${what} "${file.rel}" has ${file.bytes} bytes, fewer than its byteLength ${minBytes}`);
    if (!files.includes(file.rel)) {
      files.push(file.rel);
      bytes += file.bytes;
      stats.push({ path: file.rel, size: file.bytes, mtimeMs: file.mtimeMs });
    }
    return file.real;
  };
  // Where each buffer's bytes are, for the vertex scan (read only after the size limit is checked).
  const bufferSources: (string | Uint8Array | null)[] = [];
  for (const [i, buffer] of (json.buffers ?? []).entries()) {
    const byteLength = typeof buffer.byteLength === 'number' ? buffer.byteLength : 0;
    if (typeof buffer.uri === 'string') {
      bufferSources.push(buffer.uri.startsWith('data:') ? decodeDataUri(buffer.uri) : await external(buffer.uri, `buffer ${i}`, byteLength));
    } else if (isMeshoptFallback(buffer)) {
      bufferSources.push(null); // EXT/KHR_meshopt_compression: a placeholder whose bufferViews the decoder fills
    } else if (!(kind === 'glb' && i === 0 && binChunkBytes !== null && binChunkBytes >= byteLength)) {
      throw new ModelFileError('corrupt', `buffer ${i} has no uri and no GLB BIN chunk of ${byteLength} bytes`);
    } else {
      bufferSources.push(binChunk);
    }
  }
  for (const [i, image] of (json.images ?? []).entries()) {
    if (typeof image.uri === 'string' && !image.uri.startsWith('data:')) await external(image.uri, `image ${i}`, 0);
  }
  if (bytes > maxBytes) throw new ModelFileError('too-large', `${formatMb(bytes)} with its referenced files exceeds --max-asset-mb ${formatMb(maxBytes)}`);
  let box: Box3;
  try {
    box = sceneBounds(json);
    checkSceneSize(box);
    scanPositions(json, await Promise.all(bufferSources.map((b) => (typeof b === 'string' ? readFile(b) : b))));
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError('no-geometry', (error as Error).message);
  }
  const normalised = normaliseFor(candidate, box);
  const contentHash = await hashAssetFiles(root, files, mainBytes);
  return {
    hashed: { files: stats, contentHash, box },
    path: main.rel,
    name: candidate.name ?? main.rel,
    category: candidate.category ?? null,
    licence: candidate.licence ?? null,
    contentHash,
    files,
    bytes,
    ...normalised,
  };
}

/** The bytes of a `data:` URI buffer (base64 or percent-encoded); null when it is not a data URI the scan can read. */
function decodeDataUri(uri: string): Uint8Array | null {
  const comma = uri.indexOf(',');
  if (comma < 0) return null;
  const payload = uri.slice(comma + 1);
  try {
    return uri.slice(0, comma).endsWith(';base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
  } catch {
    return null;
  }
}

/** A meshopt fallback buffer: no data of its own, its bufferViews are decoded from another buffer. */
function isMeshoptFallback(buffer: { extensions?: unknown }): boolean {
  const ext = buffer.extensions as Record<string, { fallback?: unknown } | undefined> | undefined;
  return ext?.EXT_meshopt_compression?.fallback === true || ext?.KHR_meshopt_compression?.fallback === true;
}

function checkRequiredExtensions(json: GltfJson): void {
  const required = json.extensionsRequired;
  if (required === undefined) return;
  if (!Array.isArray(required) || !required.every((e) => typeof e === 'string')) throw new ModelFileError('corrupt', 'extensionsRequired is not a list of names');
  const missing = required.filter((e) => !SUPPORTED_EXTENSIONS.has(e));
  if (missing.length > 0) throw new ModelFileError('unsupported-extension', `extensionsRequired names ${missing.join(', ')}, which the page's GLTFLoader cannot decode`);
}

/**
 * sha256 over the files of an asset, streamed: for each file its root-relative path, a NUL,
 * its size in decimal, a NUL, then its bytes. The path is part of the hash because a `.gltf`
 * finds its buffers by name. `modelBytes`: the model file's bytes when the caller has read them
 * already (hashed as read, not read again).
 */
export async function hashAssetFiles(root: string, files: readonly string[], modelBytes?: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of files) {
    const full = join(root, ...rel.split('/'));
    const isModel = rel === files[0];
    const given = isModel ? modelBytes : undefined;
    const size = given?.byteLength ?? (await stat(full)).size;
    // The model file's own name does not matter; its referenced files' names (relative to it) do.
    hash.update(`${isModel ? extname(rel).toLowerCase() : relative(dirname(join(root, ...files[0].split('/'))), full).split(sep).join('/')}\0${size}\0`);
    if (given !== undefined) hash.update(given);
    else for await (const chunk of createReadStream(full)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function formatMb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(bytes < 1048576 ? 3 : 1)} MB`;
}
