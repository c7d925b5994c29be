/**
 * `verifyDataset(outDir)`: checks a finished output folder end to end and lists every fault it
 * finds (`npm run verify -- <out>`). It changes nothing; an empty list means the data set is
 * whole and consistent.
 *
 * Checks, in order:
 * - `manifest.json` parses, matches its schema, and its `config_hash` matches its `config`;
 *   `dataset_info.json` registers the `sft` folder;
 * - every shard of `0 … ⌈count / shard_size⌉ − 1` has a file, each file sits at its expected
 *   path, is listed once, and its size and sha256 match the manifest;
 * - every JSONL line parses and validates against its schema (`validateSftRecord`,
 *   `validateRlRecord`), lies in its file's index range in ascending order, and the line count
 *   matches; ids are unique within a kind; record counts, sample count (every index
 *   `0 … count − 1` present) and image count match `counts`;
 * - every image a record names exists, with the recorded size, sha256, pixel size and format, and
 *   records agree on each image; every image is non-blank, and its mask and depth pass (when
 *   written) match their sha256 and the record's visibility claims (pipeline/verify/check-pixels.ts);
 * - nothing stray: no file in `sft/`, `rl/` or `images/` that the manifest and records do not
 *   name (a leftover `*.tmp-*`, a second copy of a shard — LLaMA-Factory loads every file in
 *   `sft/`), no temporary file in the root;
 * - when `.viewforge/shards/` is there, every shard has its sidecar, each agrees with the manifest
 *   and their stats add up to the manifest's; `stats.distributions`, when there, equals a recount
 *   from the records;
 * - the dataset card (`README.md`) and its plots (`plots/*.svg`) are exactly what the manifest and
 *   the records give (regenerated in memory and compared), when the folder was made by this
 *   version of viewforge (another version words its card differently; then it is not compared).
 *
 * What it does not cover is listed in the report's `notCovered` (and printed by the CLI): that the
 * answers are right (the ground truth is recomputed by the nightly pose↔pixel check and the
 * tests, not here), pixels against poses for samples without an ID pass claim, the hand-off
 * ledger, files outside the dataset's own entries, and the card of another version.
 *
 * Pure-ish: reads files only, and returns faults as values (no logging, no exceptions for a bad
 * data set).
 *
 * @example
 * ```ts
 * const { faults } = await verifyDataset('output');
 * for (const f of faults) console.error(`${f.path}: ${f.problem}`);
 * ```
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import sharp from 'sharp';
import { validateRlRecord, validateSftRecord } from '../records/validate-record.js';
import { validateManifest } from '../shards/validate-manifest.js';
import type { RecordMeta } from '../records/record-meta.js';
import { createRunStats, mergeRunStats, sortedStats } from '../run-stats.js';
import { DATASET_INFO_FILE } from '../shards/dataset-info.js';
import { getConfigHash, MANIFEST_FILE, type Manifest, type ManifestShard } from '../shards/manifest.js';
import { getShardName } from '../shards/shard-writer.js';
import { mapLimited } from '../map-limited.js';
import { isSameStats } from '../stats/dataset-stats.js';
import { readDatasetStats } from '../stats/read-dataset-stats.js';
import { readShardSidecar, SIDECAR_DIR } from '../scale/shard-sidecar.js';
import { checkViewPixels, viewClaims, type ViewClaim } from './check-pixels.js';
import { buildDatasetCard, DATASET_CARD_FILE } from '../card/dataset-card.js';
import { buildCardSections } from '../stats/prepare-card-sections.js';
import { createRequire } from 'node:module';

const PKG = createRequire(import.meta.url)('../../package.json') as { version: string };

/** One problem, with the path (relative to the output root) it concerns; "" for the data set as a whole. */
export interface VerifyFault {
  path: string;
  problem: string;
}

export interface VerifyReport {
  faults: VerifyFault[];
  /** What was checked. */
  checked: { shardFiles: number; records: number; samples: number; images: number };
  /** What verify does not check, in plain words (always the same list, plus what this folder left out). */
  notCovered: string[];
}

/** What verify never checks (the CLI prints it with every result). */
export const NOT_COVERED: readonly string[] = [
  'whether the answers are right: the ground truth is not recomputed here (the nightly pose↔pixel check and the test suite do that)',
  'the hand-off ledger and anything outside the dataset\'s own files',
];

export interface VerifyOptions {
  /** Image files checked at once. @default 16 */
  parallel?: number;
}

/** What records say about one image. */
interface ImageClaim {
  sha256: string;
  bytes: number;
  width: number;
  height: number;
  format: string;
  /** Where it was first named: "sft/shard-00000.jsonl line 3". */
  where: string;
}

/** Record kinds stored as JSONL, with their validator and meta key. */
const JSONL_KINDS: Record<string, { validate: (v: unknown) => void; meta: (v: unknown) => RecordMeta }> = {
  sft: { validate: validateSftRecord, meta: (v) => (v as { meta: RecordMeta }).meta },
  rl: { validate: validateRlRecord, meta: (v) => (v as { extra_info: RecordMeta }).extra_info },
};

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function listFilesDeep(root: string, rel: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const path = posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listFilesDeep(root, path)));
    else out.push(path);
  }
  return out;
}

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'is missing' : `cannot be read (${(err as Error).message})`;
}

/** Verifies the data set in `outDir`; see the file header. */
export async function verifyDataset(outDir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const parallel = options.parallel ?? 16;
  const faults: VerifyFault[] = [];
  const fault = (path: string, problem: string) => faults.push({ path, problem });
  const checked = { shardFiles: 0, records: 0, samples: 0, images: 0 };

  // --- Manifest and dataset_info
  let manifest: Manifest;
  try {
    const value: unknown = JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8'));
    validateManifest(value);
    manifest = value;
  } catch (err) {
    fault(MANIFEST_FILE, err instanceof SyntaxError ? `is not JSON (${err.message})` : (err as NodeJS.ErrnoException).code ? `${errorText(err)}; an unfinished run or a worker folder (merge the workers first)` : (err as Error).message);
    return { faults, checked, notCovered: [...NOT_COVERED] };
  }
  const { config } = manifest;
  if (getConfigHash(config) !== manifest.config_hash) fault(MANIFEST_FILE, 'config_hash does not match config');
  try {
    const info = JSON.parse(await readFile(join(outDir, DATASET_INFO_FILE), 'utf8')) as Record<string, { file_name?: string }>;
    if (info[`${config.dataset_name}_sft`]?.file_name !== 'sft') fault(DATASET_INFO_FILE, `has no entry "${config.dataset_name}_sft" for the sft folder`);
  } catch (err) {
    fault(DATASET_INFO_FILE, err instanceof SyntaxError ? `is not JSON (${err.message})` : errorText(err));
  }

  // --- Shard coverage and paths
  const total = Math.ceil(config.count / config.shard_size);
  const covered = new Set<number>();
  const listed = new Set<string>();
  const byKind = new Map<string, ManifestShard[]>();
  for (const s of manifest.shards) {
    const shard = Math.floor(s.first_index / config.shard_size);
    if (listed.has(s.path)) fault(s.path, 'is listed twice in the manifest');
    listed.add(s.path);
    if (Math.floor(s.last_index / config.shard_size) !== shard || s.last_index < s.first_index || s.last_index >= config.count) {
      fault(s.path, `index range ${s.first_index}…${s.last_index} is not inside one shard of 0…${config.count - 1}`);
    }
    if (s.kind in JSONL_KINDS && s.path !== posix.join(s.kind, `shard-${getShardName(shard)}.jsonl`)) {
      fault(s.path, `should be ${s.kind}/shard-${getShardName(shard)}.jsonl for indices ${s.first_index}…${s.last_index}`);
    }
    covered.add(shard);
    byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
  }
  const gaps = Array.from({ length: total }, (_, i) => i).filter((i) => !covered.has(i));
  if (gaps.length > 0) fault('', `shard(s) ${gaps.join(', ')} of 0…${total - 1} have no file in the manifest`);
  for (const [kind, files] of byKind) {
    const sorted = [...files].sort((a, b) => a.first_index - b.first_index);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].first_index <= sorted[i - 1].last_index) fault(sorted[i].path, `overlaps ${sorted[i - 1].path} (${kind})`);
    }
  }

  // --- Shard files: checksum, lines, records
  const images = new Map<string, ImageClaim>();
  // What the first record naming an image claims about its pixels (check-pixels.ts), and the pass files records name.
  const pixelClaims = new Map<string, ViewClaim>();
  const passFiles = new Map<string, { sha256: string; where: string }>();
  const seenIndex = new Uint8Array(config.count);
  const recordCounts: Record<string, number> = {};
  for (const [kind, files] of byKind) {
    const ids = new Map<string, string>();
    for (const s of [...files].sort((a, b) => a.first_index - b.first_index)) {
      let data: Buffer;
      try {
        data = await readFile(join(outDir, s.path));
      } catch (err) {
        fault(s.path, errorText(err));
        continue;
      }
      checked.shardFiles++;
      if (data.length !== s.bytes) fault(s.path, `is ${data.length} bytes, the manifest says ${s.bytes} (truncated or changed)`);
      if (sha256(data) !== s.sha256) fault(s.path, 'sha256 differs from the manifest');
      const spec = JSONL_KINDS[kind];
      if (!spec) continue; // binary copies (rl-parquet): checksum only
      const text = data.toString('utf8');
      if (text.length > 0 && !text.endsWith('\n')) fault(s.path, 'does not end with a newline (truncated?)');
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      if (lines.length !== s.records) fault(s.path, `holds ${lines.length} lines, the manifest says ${s.records}`);
      recordCounts[kind] = (recordCounts[kind] ?? 0) + lines.length;
      let lastIndex = -1;
      lines.forEach((line, i) => {
        const where = `${s.path} line ${i + 1}`;
        let rec: unknown;
        try {
          rec = JSON.parse(line);
          spec.validate(rec);
        } catch (err) {
          fault(s.path, `line ${i + 1}: ${err instanceof SyntaxError ? `is not JSON (${err.message})` : (err as Error).message}`);
          return;
        }
        checked.records++;
        const meta = spec.meta(rec);
        const other = ids.get(meta.id);
        if (other !== undefined) fault(s.path, `line ${i + 1}: duplicate id "${meta.id}" (also ${other})`);
        else ids.set(meta.id, where);
        if (meta.index < s.first_index || meta.index > s.last_index) fault(s.path, `line ${i + 1}: index ${meta.index} outside ${s.first_index}…${s.last_index}`);
        else if (meta.index <= lastIndex) fault(s.path, `line ${i + 1}: index ${meta.index} does not follow ${lastIndex}`);
        else seenIndex[meta.index] = 1;
        lastIndex = Math.max(lastIndex, meta.index);
        for (const img of meta.images) {
          const claim = images.get(img.path);
          if (claim === undefined) images.set(img.path, { sha256: img.sha256, bytes: img.bytes, width: img.width, height: img.height, format: img.format, where });
          else if (claim.sha256 !== img.sha256 || claim.bytes !== img.bytes || claim.width !== img.width || claim.height !== img.height) {
            fault(img.path, `${where} and ${claim.where} describe it differently`);
          }
          for (const pass of [img.mask, img.depth]) {
            if (pass === null) continue;
            const known = passFiles.get(pass.path);
            if (known === undefined) passFiles.set(pass.path, { sha256: pass.sha256, where });
            else if (known.sha256 !== pass.sha256) fault(pass.path, `${where} and ${known.where} give it different sha256`);
          }
        }
        for (const c of viewClaims(meta, where)) if (!pixelClaims.has(c.image.path)) pixelClaims.set(c.image.path, c);
      });
    }
  }

  // --- Counts
  for (const [kind, key] of [['sft', 'sft_records'], ['rl', 'rl_records']] as const) {
    if ((recordCounts[kind] ?? 0) !== manifest.counts[key]) fault(MANIFEST_FILE, `counts.${key} is ${manifest.counts[key]}, the ${kind} shards hold ${recordCounts[kind] ?? 0} records`);
  }
  checked.samples = seenIndex.reduce((n, v) => n + v, 0);
  if (checked.samples !== config.count || manifest.counts.samples !== config.count) {
    const missing: number[] = [];
    for (let i = 0; i < config.count && missing.length < 10; i++) if (!seenIndex[i]) missing.push(i);
    fault('', `${checked.samples} of ${config.count} samples present (counts.samples ${manifest.counts.samples})${missing.length ? `; missing indices ${missing.join(', ')}${config.count - checked.samples > missing.length ? ', …' : ''}` : ''}`);
  }
  if (images.size !== manifest.counts.images) fault(MANIFEST_FILE, `counts.images is ${manifest.counts.images}, records name ${images.size} images`);

  // --- Images: existence, size, hash, pixel size, format; then what the records claim about their pixels and pass files
  const imageFaults = await mapLimited([...images], parallel, async ([path, claim]): Promise<VerifyFault[]> => {
    let data: Buffer;
    try {
      data = await readFile(join(outDir, path));
    } catch (err) {
      return [{ path, problem: `${errorText(err)} (named by ${claim.where})` }];
    }
    if (data.length !== claim.bytes) return [{ path, problem: `is ${data.length} bytes, records say ${claim.bytes}` }];
    if (sha256(data) !== claim.sha256) return [{ path, problem: 'sha256 differs from the records (image changed or damaged)' }];
    try {
      const meta = await sharp(data).metadata();
      if (meta.width !== claim.width || meta.height !== claim.height || meta.format !== claim.format) {
        return [{ path, problem: `is a ${meta.width}×${meta.height} ${meta.format}, records say ${claim.width}×${claim.height} ${claim.format}` }];
      }
    } catch (err) {
      return [{ path, problem: `cannot be decoded (${(err as Error).message})` }];
    }
    const pixels = pixelClaims.get(path);
    if (pixels === undefined) return [];
    const found: VerifyFault[] = [];
    const read = async (file: string): Promise<Buffer> => {
      if (file === path) return data;
      const bytes = await readFile(join(outDir, file));
      if (sha256(bytes) !== passFiles.get(file)?.sha256) found.push({ path: file, problem: 'sha256 differs from the records (pass file changed or damaged)' });
      return bytes;
    };
    try {
      for (const problem of await checkViewPixels(pixels, read)) found.push({ path, problem });
    } catch (err) {
      found.push({ path, problem: `its pixels or pass files could not be checked: ${errorText(err)}` });
    }
    return found;
  });
  for (const list of imageFaults) for (const f of list) fault(f.path, f.problem);
  checked.images = images.size;

  // --- Nothing stray
  for (const folder of ['sft', 'rl']) {
    for (const path of await listFilesDeep(outDir, folder)) {
      if (!listed.has(path)) fault(path, `is not listed in ${MANIFEST_FILE}${folder === 'sft' ? ' (LLaMA-Factory loads every file in sft/)' : ''}`);
    }
  }
  for (const path of await listFilesDeep(outDir, 'images')) {
    if (!images.has(path) && !passFiles.has(path)) fault(path, 'is named by no record');
  }
  for (const name of await readdir(outDir)) {
    if (/\.tmp-/.test(name)) fault(name, 'is a temporary file left by an interrupted write');
  }

  // --- Sidecars, when present, agree with the manifest
  const notCovered = [...NOT_COVERED];
  const sidecarNames = (await listFilesDeep(outDir, SIDECAR_DIR)).filter((p) => /\/shard-\d+\.json$/.test(p));
  if (sidecarNames.length === 0) notCovered.push(`the shard sidecars: this folder has no ${SIDECAR_DIR}/ (a copy of the data without the run's state)`);
  if (sidecarNames.length > 0) {
    const manifestFiles = new Map(manifest.shards.map((s) => [s.path, s.sha256]));
    let stats = createRunStats();
    let complete = true;
    for (let shard = 0; shard < total; shard++) {
      const found = await readShardSidecar(outDir, shard);
      if (!found.sidecar) {
        complete = false;
        // Sidecars are kept for every sealed shard: one missing from a folder that has the others was deleted or lost.
        fault(`${SIDECAR_DIR}/shard-${getShardName(shard)}.json`, found.problem ?? 'is missing, though the other shards have theirs (deleted or lost; --resume would rebuild the shard)');
        continue;
      }
      if (found.sidecar.config_hash !== manifest.config_hash) fault(`${SIDECAR_DIR}/shard-${getShardName(shard)}.json`, 'belongs to another configuration');
      for (const f of found.sidecar.files) {
        if (manifestFiles.get(f.path) !== f.sha256) fault(`${SIDECAR_DIR}/shard-${getShardName(shard)}.json`, `lists ${f.path} with a sha256 the manifest does not have`);
      }
      stats = mergeRunStats(stats, found.sidecar.stats);
    }
    const counters = Object.fromEntries(Object.entries(manifest.stats).filter(([k]) => k !== 'distributions')); // distributions: below
    if (complete && JSON.stringify(sortedStats(stats)) !== JSON.stringify(counters)) fault(MANIFEST_FILE, 'stats differ from the sum of the shard sidecars');
  }

  // --- stats.distributions, when present, agree with the records (pipeline/stats/)
  if (manifest.stats.distributions !== undefined) {
    try {
      if (!isSameStats(await readDatasetStats(outDir, manifest.shards), manifest.stats.distributions)) fault(MANIFEST_FILE, 'stats.distributions differ from the records');
    } catch (err) {
      fault(MANIFEST_FILE, `stats.distributions could not be recounted: ${(err as Error).message}`);
    }
  }

  // --- The dataset card and its plots, regenerated from the manifest and the records
  if (manifest.generator.version !== PKG.version) {
    notCovered.push(`the dataset card and plots: made by ${manifest.generator.name} ${manifest.generator.version}, this is ${PKG.version}, which words its card differently`);
  } else {
    try {
      const { sections, plots } = await buildCardSections(outDir, manifest);
      const card = await readFile(join(outDir, DATASET_CARD_FILE), 'utf8').catch((err: unknown) => `\0${errorText(err)}`);
      if (card.startsWith('\0')) fault(DATASET_CARD_FILE, card.slice(1));
      else if (card !== buildDatasetCard(manifest, { sections })) fault(DATASET_CARD_FILE, 'differs from the card the manifest and records give (edited or damaged; the run rewrites it when it finishes)');
      for (const plot of plots) {
        const svg = await readFile(join(outDir, plot.path), 'utf8').catch(() => null);
        if (svg === null) fault(plot.path, 'is missing (the card shows it)');
        else if (svg !== plot.svg) fault(plot.path, 'differs from the plot the records give (edited or damaged)');
      }
    } catch (err) {
      fault(DATASET_CARD_FILE, `could not be regenerated to compare: ${(err as Error).message}`);
    }
  }
  return { faults, checked, notCovered };
}
