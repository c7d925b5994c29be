/**
 * The shard sidecar, `<out>/.viewforge/shards/shard-NNNNN.json` (schema:
 * `schemas/shard-sidecar.schema.json`): the commit record of one shard.
 *
 * A run writes it atomically right after every file of the shard is sealed, and only then, so its
 * presence says "shard NNNNN is complete": its JSONL files (sha256 and size of each), its images
 * (path, sha256, size), and the shard's share of the run stats (re-draws, families, answer
 * letters, CoT count, image bytes). Resume keeps a shard whose sidecar checks out
 * ({@link checkShardSidecar}) and rebuilds the rest; `merge` and the final manifest add up the
 * sidecars instead of re-running anything. Its bytes are a function of `(seed, config, shard)`.
 *
 * Sidecars live under `.viewforge/`, never in `sft/` or `rl/`: LLaMA-Factory loads every file of
 * `sft/` with the json builder, and a non-record file there would break it.
 *
 * @example
 * ```ts
 * await writeShardSidecar(out, buildShardSidecar({ configHash, shard: 3, shardSize, count, files: sealed, images, stats }));
 * const found = await readShardSidecar(out, 3);
 * if (found.sidecar && (await checkShardSidecar(out, found.sidecar, { configHash })).length === 0) keep(3);
 * ```
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Ajv } from 'ajv';
import sidecarSchema from '../../schemas/shard-sidecar.schema.json' with { type: 'json' };
import { sortedStats, type RunStats } from '../run-stats.js';
import { writeFileAtomic } from '../shards/seal-file.js';
import { getShardName, type SealedFile } from '../shards/shard-writer.js';
import { getShardRange } from './assign-shards.js';
import { hashFile } from './hash-file.js';
import { mapLimited } from '../map-limited.js';

const NAME = 'shardSidecar';

/** Folder of viewforge's own bookkeeping in an output root (not part of the data set's files). */
export const STATE_DIR = '.viewforge';

/** Folder of the sidecars, relative to the output root. */
export const SIDECAR_DIR = posix.join(STATE_DIR, 'shards');

/** Version of the sidecar layout. */
export const SIDECAR_FORMAT_VERSION = 1;

/** One image file of a shard. */
export interface SidecarImage {
  path: string;
  sha256: string;
  bytes: number;
}

/** The sidecar object, in its fixed key order. */
export interface ShardSidecar {
  format_version: typeof SIDECAR_FORMAT_VERSION;
  /** `config_hash` of the run's manifest config: a sidecar of another configuration is never used. */
  config_hash: string;
  shard: number;
  first_index: number;
  last_index: number;
  /** The shard's sealed files (JSONL shards, parquet copies) as the shard writer reported them, in sealing order. */
  files: SealedFile[];
  images: SidecarImage[];
  /** The shard's counters (keys sorted). */
  stats: RunStats;
}

export interface ShardSidecarInput {
  configHash: string;
  shard: number;
  shardSize: number;
  /** The run's sample count (for the last, partial shard). */
  count: number;
  files: readonly SealedFile[];
  images: readonly SidecarImage[];
  stats: RunStats;
}

const ajv = new Ajv({ strict: true, allErrors: false });
const validateSidecar = ajv.compile<ShardSidecar>(sidecarSchema);

/** Path of shard `shard`'s sidecar relative to the output root, e.g. ".viewforge/shards/shard-00003.json". */
export function getSidecarPath(shard: number): string {
  return posix.join(SIDECAR_DIR, `shard-${getShardName(shard)}.json`);
}

/**
 * Builds a sidecar (pure). A file of a kind may hold only some of the shard's indices (a sample
 * goes to its family's stage), never one outside the shard.
 * @throws Error when there is no file, or a file belongs to another shard.
 */
export function buildShardSidecar(input: ShardSidecarInput): ShardSidecar {
  const { first, last } = getShardRange(input.shard, input.shardSize, input.count);
  if (input.files.length === 0) throw new Error(`${NAME}: shard ${input.shard} has no sealed file`);
  for (const f of input.files) {
    if (f.shard !== input.shard || f.firstIndex < first || f.lastIndex > last) {
      throw new Error(`${NAME}: file "${f.path}" holds indices ${f.firstIndex}…${f.lastIndex}, shard ${input.shard} is ${first}…${last}`);
    }
  }
  return {
    format_version: SIDECAR_FORMAT_VERSION,
    config_hash: input.configHash,
    shard: input.shard,
    first_index: first,
    last_index: last,
    files: input.files.map((f) => ({ ...f })),
    images: input.images.map((i) => ({ path: i.path, sha256: i.sha256, bytes: i.bytes })),
    stats: sortedStats(input.stats),
  };
}

/** The sidecar as written: JSON, 2-space indent, final newline. */
export function serializeShardSidecar(sidecar: ShardSidecar): string {
  return `${JSON.stringify(sidecar, null, 2)}\n`;
}

/** Writes the sidecar atomically (after the shard's files are sealed; see the file header). */
export async function writeShardSidecar(outDir: string, sidecar: ShardSidecar): Promise<void> {
  await mkdir(join(outDir, SIDECAR_DIR), { recursive: true });
  await writeFileAtomic(join(outDir, getSidecarPath(sidecar.shard)), serializeShardSidecar(sidecar));
}

/**
 * Parses sidecar text (pure): the sidecar, or why it is unusable.
 */
export function parseShardSidecar(text: string, shard: number): { sidecar: ShardSidecar } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `is not JSON (${(err as Error).message})` };
  }
  if (!validateSidecar(value)) {
    const e = validateSidecar.errors![0];
    return { problem: `does not match schemas/shard-sidecar.schema.json: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}` };
  }
  if (value.shard !== shard) return { problem: `describes shard ${value.shard}` };
  return { sidecar: value };
}

/** What {@link readShardSidecar} found. */
export type SidecarLookup = { sidecar: ShardSidecar; problem?: undefined } | { sidecar: null; problem: string | null };

/** Reads shard `shard`'s sidecar: `{ sidecar }`, `{ sidecar: null, problem: null }` when there is none, or the problem. */
export async function readShardSidecar(outDir: string, shard: number): Promise<SidecarLookup> {
  let text: string;
  try {
    text = await readFile(join(outDir, getSidecarPath(shard)), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { sidecar: null, problem: null };
    return { sidecar: null, problem: `${getSidecarPath(shard)}: ${(err as Error).message}` };
  }
  const parsed = parseShardSidecar(text, shard);
  return 'sidecar' in parsed ? { sidecar: parsed.sidecar } : { sidecar: null, problem: `${getSidecarPath(shard)} ${parsed.problem}` };
}

export interface CheckSidecarOptions {
  /** The run's config hash; a sidecar with another is a problem. */
  configHash: string;
  /** Hash every image too (else: existence and size only). @default true */
  hashImages?: boolean;
  /** Files read at once. @default 16 */
  parallel?: number;
}

function describeMissing(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? `${path} is missing` : `${path} cannot be read (${(err as Error).message})`;
}

/**
 * Checks that everything a sidecar lists is on disk as sealed: every file's sha256 and size,
 * every image's size (and sha256 unless `hashImages: false`). Resolves to the problems, `[]` when
 * the shard is intact.
 */
export async function checkShardSidecar(outDir: string, sidecar: ShardSidecar, options: CheckSidecarOptions): Promise<string[]> {
  const { configHash, hashImages = true, parallel = 16 } = options;
  const problems: string[] = [];
  if (sidecar.config_hash !== configHash) {
    problems.push(`${getSidecarPath(sidecar.shard)} belongs to another configuration (config hash ${sidecar.config_hash.slice(0, 12)}…, expected ${configHash.slice(0, 12)}…)`);
    return problems;
  }
  for (const f of sidecar.files) {
    try {
      const d = await hashFile(join(outDir, f.path));
      if (d.bytes !== f.bytes) problems.push(`${f.path} is ${d.bytes} bytes, sealed with ${f.bytes} (truncated or changed)`);
      else if (d.sha256 !== f.sha256) problems.push(`${f.path}: sha256 differs from the sealed file`);
    } catch (err) {
      problems.push(describeMissing(f.path, err));
    }
  }
  const imageProblems = await mapLimited(sidecar.images, parallel, async (img): Promise<string | null> => {
    try {
      if (hashImages) {
        const d = await hashFile(join(outDir, img.path));
        if (d.bytes !== img.bytes) return `${img.path} is ${d.bytes} bytes, written with ${img.bytes}`;
        if (d.sha256 !== img.sha256) return `${img.path}: sha256 differs from the written image`;
      } else {
        const s = await stat(join(outDir, img.path));
        if (s.size !== img.bytes) return `${img.path} is ${s.size} bytes, written with ${img.bytes}`;
      }
      return null;
    } catch (err) {
      return describeMissing(img.path, err);
    }
  });
  problems.push(...imageProblems.filter((p): p is string => p !== null));
  return problems;
}

/**
 * Whether shard `shard` is sealed as `--resume` keeps it: its sidecar is there, readable, of this
 * configuration, and everything it lists checks out ({@link checkShardSidecar}). Resolves to the
 * sidecar and `[]`, or to the problems (none when there is simply no sidecar). Reads only.
 */
export async function verifySealedShard(outDir: string, shard: number, configHash: string): Promise<{ sidecar: ShardSidecar | null; problems: string[] }> {
  const found = await readShardSidecar(outDir, shard);
  if (!found.sidecar) return { sidecar: null, problems: found.problem ? [found.problem] : [] };
  return { sidecar: found.sidecar, problems: await checkShardSidecar(outDir, found.sidecar, { configHash }) };
}
