/**
 * `ShardWriter`: turns records arriving in global index order into sealed JSONL shards,
 * `sft/shard-NNNNN.jsonl` and `rl/shard-NNNNN.jsonl`, under one output root (README, Output), and, with
 * `parquet: true`, the verl-native copy of each RL shard, `rl/shard-NNNNN.parquet`
 * ({@link writeRlParquetShard}: the same rows in the same order, images embedded), sealed right
 * after its JSONL twin.
 *
 * Shard `s` holds the samples with global index `s·shardSize … (s+1)·shardSize − 1`, whatever the
 * worker count or the machine that built it, so shard files are a function of
 * `(seed, config, s)` alone. Each record is serialized ({@link serializeRecord}: JSON whose
 * float fields always carry a decimal point, so Arrow's JSON reader types them alike in every
 * shard), parsed back and validated with ajv
 * ({@link validateSftRecord}, {@link validateRlRecord}) before it is accepted; the lines of the
 * open shard stay in memory, and when the shard is complete (`shardSize` records, or
 * {@link ShardWriter.finish} for the last, partial shard) each kind is sealed with
 * {@link writeFileAtomic}. A reader never sees a partial shard, and a rejected record leaves no
 * trace on disk.
 *
 * A sample may carry a record of one kind only (`{ sft }` or `{ rl }`; the run loop sends each
 * sample to its family's stage): shard `s` of a kind then holds that kind's samples among the
 * indices of shard `s`, in index order, and a shard that ends up with no record of a kind writes
 * no file of that kind (and lists none). `records`, `firstIndex` and `lastIndex` of a sealed
 * shard count that kind's records only.
 *
 * Contract with the caller:
 * - Records arrive in global index order, without gaps inside a shard, and a shard starts at its
 *   first index (`index % shardSize === 0`). A run may skip whole shards (`--shard-index/count`,
 *   `--resume`): the next append may open any later shard at its first index.
 * - The caller appends a record only after that sample's images are written (and closed) on
 *   disk. Sealing happens after the shard's last append, so a sealed shard never points at an
 *   image that is not there yet (and the parquet copy can read the image bytes it embeds).
 * - One call at a time: await each `append` before the next (the writer refuses overlapping
 *   calls instead of reordering them).
 *
 * After a failed seal (disk full, I/O error) the writer refuses further calls; a failed
 * validation does not change its state, so the caller may decide what to do.
 *
 * @example
 * ```ts
 * const writer = new ShardWriter({ outDir: 'out', shardSize: 1000, kinds: ['sft', 'rl'] });
 * for (const index of indices) await writer.append(index, { sft: buildSftRecord(input), rl: buildRlRecord(input) });
 * const shards = await writer.finish(); // every JSONL shard sealed by this writer
 * writer.getSealedFiles(); // the same plus the parquet copies (with `parquet: true`), for the manifest
 * ```
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { RlRecord } from '../records/rl-record.js';
import type { SftRecord } from '../records/sft-record.js';
import { serializeRecord } from '../records/serialize-record.js';
import { validateRlRecord, validateSftRecord } from '../records/validate-record.js';
import { writeRlParquetShard, type SealedParquetShard } from './parquet-shard.js';
import { writeFileAtomic } from './seal-file.js';

const NAME = 'ShardWriter';

/** Kinds of record files, in the order they are sealed. */
export type ShardKind = 'sft' | 'rl';

/** Every kind, in sealing order. */
export const SHARD_KINDS: readonly ShardKind[] = ['sft', 'rl'];

export interface ShardWriterOptions {
  /** Output root; shards go to `<outDir>/<kind>/shard-NNNNN.jsonl` (folders are created). */
  outDir: string;
  /** Records per shard, a positive integer. */
  shardSize: number;
  /** Which record files to write. @default ['sft', 'rl'] */
  kinds?: readonly ShardKind[];
  /**
   * Also write `rl/shard-NNNNN.parquet` next to each RL shard (needs `'rl'` in `kinds`).
   * @default false
   */
  parquet?: boolean;
}

/**
 * The records of one sample: one per kind it goes to, at least one of the kinds the writer was
 * configured with (a viewpoint sample may carry only `sft`, a SAT sample only `rl`).
 */
export interface ShardRecords {
  sft?: SftRecord;
  rl?: RlRecord;
}

/** One sealed shard file. */
export interface SealedShard {
  kind: ShardKind;
  /** Shard number (`⌊index / shardSize⌋`). */
  shard: number;
  /** Path relative to the output root, POSIX separators, e.g. "sft/shard-00000.jsonl". */
  path: string;
  /** Number of lines (records). */
  records: number;
  /** sha256 of the file bytes, lower-case hex. */
  sha256: string;
  /** File size in bytes. */
  bytes: number;
  /** Global index of the first and last record. */
  firstIndex: number;
  lastIndex: number;
}

/** Any sealed file of a shard: a JSONL shard, or the parquet copy of an RL shard. */
export type SealedFile = SealedShard | SealedParquetShard;

/** Kinds of sealed files, in the order a shard's files are sealed (and listed in the manifest). */
export const SHARD_FILE_KINDS: readonly SealedFile['kind'][] = ['sft', 'rl', 'rl-parquet'];

/** Shard file name stem for a shard number: 5 digits, zero-padded ("00042"). */
export function getShardName(shard: number): string {
  return String(shard).padStart(5, '0');
}

/** Path of a shard file relative to the output root, e.g. `getShardPath('rl', 3)` → "rl/shard-00003.jsonl". */
export function getShardPath(kind: ShardKind, shard: number): string {
  return posix.join(kind, `shard-${getShardName(shard)}.jsonl`);
}

interface OpenShard {
  shard: number;
  firstIndex: number;
  nextIndex: number;
  lines: Map<ShardKind, string[]>;
  /** Global index of each line, per kind (a sample may have a record of one kind only). */
  indices: Map<ShardKind, number[]>;
}

/** Writes records in index order into atomically sealed JSONL shards; see the file header. */
export class ShardWriter {
  readonly outDir: string;
  readonly shardSize: number;
  readonly kinds: readonly ShardKind[];
  readonly parquet: boolean;
  private open: OpenShard | null = null;
  private lastShard = -1;
  private readonly sealed: SealedShard[] = [];
  private readonly sealedFiles: SealedFile[] = [];
  private busy = false;
  private finished = false;
  private failure: unknown = null;

  constructor(options: ShardWriterOptions) {
    const { outDir, shardSize, kinds = SHARD_KINDS, parquet = false } = options;
    if (typeof outDir !== 'string' || outDir.length === 0) {
      throw new TypeError(`${NAME}: expected outDir to be a non-empty string, got ${JSON.stringify(outDir)}`);
    }
    if (!Number.isSafeInteger(shardSize) || shardSize < 1) {
      throw new TypeError(`${NAME}: expected shardSize to be a positive integer, got ${shardSize}`);
    }
    if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !SHARD_KINDS.includes(k)) || new Set(kinds).size !== kinds.length) {
      throw new TypeError(`${NAME}: expected kinds to be distinct values of ${JSON.stringify(SHARD_KINDS)}, got ${JSON.stringify(kinds)}`);
    }
    if (parquet && !kinds.includes('rl')) throw new TypeError(`${NAME}: parquet: true needs 'rl' in kinds`);
    this.outDir = outDir;
    this.shardSize = shardSize;
    this.kinds = SHARD_KINDS.filter((k) => kinds.includes(k));
    this.parquet = parquet;
  }

  /** Every JSONL shard sealed so far, in sealing order (by shard number, then kind). */
  getSealedShards(): SealedShard[] {
    return this.sealed.map((s) => ({ ...s }));
  }

  /**
   * Every file sealed so far, JSONL shards and parquet copies, in sealing order (by shard number,
   * then {@link SHARD_FILE_KINDS} order): what the manifest lists. `append` and `finish` report
   * only the JSONL shards (what the hand-off sends).
   */
  getSealedFiles(): SealedFile[] {
    return this.sealedFiles.map((s) => ({ ...s }));
  }

  /**
   * Validates the records of sample `index` and adds them to the open shard; seals the shard
   * (every kind) when this was its last index. Resolves to the shards sealed by this call
   * (empty most of the time), e.g. to hand them off.
   *
   * @throws Error when a record is invalid (message names the record id and the bad field; the
   *   writer's state is unchanged), when `index` breaks the order contract, or when sealing fails.
   */
  async append(index: number, records: ShardRecords): Promise<SealedShard[]> {
    this.enter('append');
    try {
      const shard = this.checkIndex(index);
      const lines = this.serialize(index, records);
      if (this.open === null) {
        this.open = { shard, firstIndex: index, nextIndex: index, lines: new Map(this.kinds.map((k) => [k, []])), indices: new Map(this.kinds.map((k) => [k, []])) };
      }
      const open = this.open;
      for (const [kind, line] of lines) {
        open.lines.get(kind)!.push(line);
        open.indices.get(kind)!.push(index);
      }
      open.nextIndex = index + 1;
      if (open.nextIndex === (shard + 1) * this.shardSize) return await this.sealOpen();
      return [];
    } finally {
      this.busy = false;
    }
  }

  /**
   * Seals the open (partial) shard, if any, and closes the writer. Resolves to every shard
   * sealed by this writer, in sealing order.
   */
  async finish(): Promise<SealedShard[]> {
    this.enter('finish');
    try {
      if (this.open !== null) await this.sealOpen();
      this.finished = true;
      return this.getSealedShards();
    } finally {
      this.busy = false;
    }
  }

  private enter(method: string): void {
    if (this.failure !== null) {
      throw new Error(`${NAME}: ${method} after a failed seal; the run must stop (sealed shards are intact)`, { cause: this.failure });
    }
    if (this.finished) throw new Error(`${NAME}: ${method} after finish()`);
    if (this.busy) throw new Error(`${NAME}: ${method} while another call is pending; await each call before the next`);
    this.busy = true;
  }

  /** Returns the shard number of `index` or throws when `index` breaks the order contract. */
  private checkIndex(index: number): number {
    if (!Number.isSafeInteger(index) || index < 0) {
      throw new TypeError(`${NAME}: expected index to be a non-negative integer, got ${index}`);
    }
    const shard = Math.floor(index / this.shardSize);
    if (this.open !== null) {
      if (index !== this.open.nextIndex) {
        throw new Error(`${NAME}: expected index ${this.open.nextIndex} (shard ${this.open.shard} is open), got ${index}; records must arrive in index order without gaps`);
      }
      return shard;
    }
    if (shard <= this.lastShard) {
      throw new Error(`${NAME}: index ${index} belongs to shard ${shard}, but shard ${this.lastShard} is already sealed; records must arrive in index order`);
    }
    if (index % this.shardSize !== 0) {
      throw new Error(`${NAME}: index ${index} would open shard ${shard} in its middle; a shard starts at index ${shard * this.shardSize}`);
    }
    return shard;
  }

  /**
   * Serializes and validates the records of one sample (one per kind given; at least one of the
   * writer's kinds); the validated value is what gets written.
   */
  private serialize(index: number, records: ShardRecords): Map<ShardKind, string> {
    const lines = new Map<ShardKind, string>();
    if (this.kinds.every((kind) => records[kind] === undefined)) {
      throw new Error(`${NAME}: sample ${index} has no record of a kind this writer writes (${this.kinds.join(', ')})`);
    }
    for (const kind of this.kinds) {
      const record = records[kind];
      if (record === undefined) continue;
      const line = serializeRecord(kind, record);
      const parsed: unknown = JSON.parse(line);
      if (kind === 'sft') {
        validateSftRecord(parsed);
        if (parsed.meta.index !== index) throw new Error(`${NAME}: sft record "${parsed.id}" has index ${parsed.meta.index}, appended as ${index}`);
      } else {
        validateRlRecord(parsed);
        if (parsed.extra_info.index !== index) {
          throw new Error(`${NAME}: rl record "${parsed.extra_info.id}" has index ${parsed.extra_info.index}, appended as ${index}`);
        }
      }
      lines.set(kind, `${line}\n`);
    }
    return lines;
  }

  private async sealOpen(): Promise<SealedShard[]> {
    const open = this.open!;
    const done: SealedShard[] = [];
    let parquet: SealedParquetShard | undefined;
    try {
      for (const kind of this.kinds) {
        const indices = open.indices.get(kind)!;
        if (indices.length === 0) continue; // no sample of this shard has a record of this kind: no file
        const data = Buffer.from(open.lines.get(kind)!.join(''), 'utf8');
        const path = getShardPath(kind, open.shard);
        await mkdir(join(this.outDir, kind), { recursive: true });
        await writeFileAtomic(join(this.outDir, path), data);
        done.push({
          kind,
          shard: open.shard,
          path,
          records: indices.length,
          sha256: createHash('sha256').update(data).digest('hex'),
          bytes: data.length,
          firstIndex: indices[0],
          lastIndex: indices[indices.length - 1],
        });
      }
      const rlIndices = open.indices.get('rl') ?? [];
      if (this.parquet && rlIndices.length > 0) {
        // The parquet copy holds exactly the sealed JSONL rows, parsed back, in the same order.
        const rows = open.lines.get('rl')!.map((line) => JSON.parse(line) as RlRecord);
        parquet = await writeRlParquetShard(this.outDir, open.shard, rows, { firstIndex: rlIndices[0], lastIndex: rlIndices[rlIndices.length - 1] });
      }
    } catch (err) {
      this.failure = err;
      // A shard is sealed whole or not at all: files of it already renamed into place (say the JSONL, before the
      // parquet copy met a full disk) are removed again, so no reader or resume sees half a shard.
      await Promise.all(done.map((f) => rm(join(this.outDir, f.path), { force: true }).catch(() => undefined)));
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`${NAME}: could not seal shard ${open.shard} in "${this.outDir}": ${reason}`, { cause: err });
    }
    this.sealed.push(...done);
    this.sealedFiles.push(...done, ...(parquet === undefined ? [] : [parquet]));
    this.lastShard = open.shard;
    this.open = null;
    return done;
  }
}
