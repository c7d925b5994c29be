/**
 * `rl/shard-NNNNN.parquet`: the rows of `rl/shard-NNNNN.jsonl`, in the same order, in the form
 * verl's RLHFDataset reads (`datasets.load_dataset("parquet", …)`, README, Output), with the images
 * embedded so that a trainer needs nothing but the file.
 *
 * Columns (Arrow types as pyarrow reads them):
 *
 * ```text
 * data_source   string
 * prompt        list<struct<role: string, content: string>>
 * images        list<struct<bytes: binary, path: string>>    (Hugging Face's Image layout)
 * ability       string
 * reward_model  struct<style: string, ground_truth: string>
 * extra_info    struct<…>   the record's meta object, typed by schemas/meta.schema.json
 * masks         list<struct<bytes: binary, path: string>>    only with --passes mask: [view A, view B]
 * depths        list<struct<bytes: binary, path: string>>    only with --passes depth: [view A, view B]
 * ```
 *
 * The parquet schema is derived from the RL record schema ({@link getRecordType}), never from the
 * values: `number` → double (even when every value of the shard is whole), `integer` → int64,
 * `string` → string, `boolean` → bool, arrays → list, objects → struct, so every shard of every
 * run has the same schema and verl's `concatenate_datasets` of the shards works. Every field is
 * nullable, as pyarrow and `datasets` write them. `images` is the one column that differs from
 * the JSONL: each path becomes `{bytes: <the file's bytes>, path: <the same relative path>}`.
With `--passes`, the mask and depth PNGs named in `extra_info.images[i].mask` / `.depth` follow
as `masks` / `depths` in the same layout (a `datasets.Image` feature decodes them: the mask as an
8-bit and the depth as a 16-bit image); a shard has these columns exactly when its rows name such
files, which every row of a run does or none.
 *
 * Written with hyparquet-writer (pure JavaScript; see README "Parquet shards"): snappy
 * compression, {@link PARQUET_ROW_GROUP_ROWS} rows per row group (a reader streams one row group,
 * a few MB of images, at a time), the image column plain-encoded without statistics (dictionary
 * and min/max over JPEG bytes cost time and save nothing). The file is produced row group by row
 * group and streamed into {@link writeFileAtomic}, so memory holds one row group, not the shard,
 * and a reader never sees a partial file. The bytes are a function of the rows and the image
 * files alone: no timestamp, no host, fixed writer options.
 *
 * @example
 * const sealed = await writeRlParquetShard(outDir, 3, rows, { firstIndex: 3000, lastIndex: 3999 });
 * sealed.path; // "rl/shard-00003.parquet"
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer';
import { getRecordType, type FieldType, type ScalarKind } from '../records/record-types.js';
import type { RlRecord } from '../records/rl-record.js';
import { writeFileAtomic } from './seal-file.js';

const NAME = 'parquetShard';

/** Rows per row group: about 100 image pairs, the size Hugging Face uses for image data sets. */
export const PARQUET_ROW_GROUP_ROWS = 100;

/** Compression of every column: snappy (built into the writer; read by pyarrow, Spark, DuckDB, polars). */
export const PARQUET_CODEC = 'SNAPPY';

/** `created_by` in the file footer. Fixed, so the bytes do not depend on the machine. */
export const PARQUET_CREATED_BY = 'viewforge (hyparquet-writer)';

/** Parquet column types: the record types plus raw bytes for the embedded images. */
export type ParquetType =
  | { kind: ScalarKind | 'binary' }
  | { kind: 'array'; items: ParquetType }
  | { kind: 'object'; fields: ParquetField[] };

export interface ParquetField {
  name: string;
  type: ParquetType;
}

/** The `images` column: Hugging Face's `Image` storage type, one struct per image. */
export const PARQUET_IMAGE_TYPE: ParquetType = {
  kind: 'array',
  items: { kind: 'object', fields: [{ name: 'bytes', type: { kind: 'binary' } }, { name: 'path', type: { kind: 'string' } }] },
};

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** One sealed parquet shard; same fields as a JSONL `SealedShard`, kind `rl-parquet`. */
export interface SealedParquetShard {
  kind: 'rl-parquet';
  shard: number;
  /** e.g. "rl/shard-00003.parquet" */
  path: string;
  records: number;
  sha256: string;
  bytes: number;
  firstIndex: number;
  lastIndex: number;
}

/** Path of the parquet copy of RL shard `shard`, relative to the output root: "rl/shard-NNNNN.parquet". */
export function getParquetShardPath(shard: number): string {
  return posix.join('rl', `shard-${String(shard).padStart(5, '0')}.parquet`);
}

function fromFieldType(type: FieldType): ParquetType {
  if (type.kind === 'array') return { kind: 'array', items: fromFieldType(type.items) };
  if (type.kind === 'object') return { kind: 'object', fields: type.fields.map((f) => ({ name: f.name, type: fromFieldType(f.type) })) };
  return { kind: type.kind };
}

let rlColumns: ParquetField[] | undefined;

/** The pass files a row may embed, by the column they go to (after the record's own columns). */
export const PASS_COLUMNS = [
  { pass: 'mask', column: 'masks' },
  { pass: 'depth', column: 'depths' },
] as const;

/** A pass with a parquet column. */
export type PassName = (typeof PASS_COLUMNS)[number]['pass'];

/** The columns of the RL parquet shards: the record's, in key order, then one per pass in `passes` (see the file header). */
export function getRlParquetColumns(passes: readonly PassName[] = []): ParquetField[] {
  if (rlColumns === undefined) {
    const fields = getRecordType('rl').fields.map((f) => ({ name: f.name, type: f.name === 'images' ? PARQUET_IMAGE_TYPE : fromFieldType(f.type) }));
    if (!fields.some((f) => f.name === 'images')) throw new Error(`${NAME}: the RL record schema has no "images" field`);
    rlColumns = fields;
  }
  return [...rlColumns, ...PASS_COLUMNS.filter((c) => passes.includes(c.pass)).map((c) => ({ name: c.column, type: PARQUET_IMAGE_TYPE }))];
}

/** The pass files a row names, per view: `extra_info.images[i].mask` / `.depth` paths (null where absent). */
function passPaths(row: RlRecord, pass: PassName): (string | null)[] {
  const images = (row.extra_info as { images?: ({ [k in PassName]?: { path: string } | null } | null)[] } | undefined)?.images ?? [];
  return images.map((im) => im?.[pass]?.path ?? null);
}

/**
 * The passes whose files the rows name (every view of every row, or none of any).
 * @throws TypeError naming the first row that names a pass file the first row does not, or the reverse.
 */
export function getRowPasses(rows: readonly RlRecord[]): PassName[] {
  if (rows.length === 0) return [];
  const passes = PASS_COLUMNS.map((c) => c.pass).filter((p) => passPaths(rows[0], p).some((x) => x !== null));
  rows.forEach((row, i) => {
    for (const c of PASS_COLUMNS) {
      const paths = passPaths(row, c.pass);
      const want = passes.includes(c.pass);
      if (want ? paths.length === 0 || paths.some((x) => x === null) : paths.some((x) => x !== null)) {
        throw new TypeError(`${NAME}: row ${i} ${want ? 'lacks' : 'names'} a ${c.pass} file that ${want ? 'the first row names' : 'the first row lacks'}: every row of a shard must come from the same --passes`);
      }
    }
  });
  return passes;
}

function pushElements(name: string, type: ParquetType, out: SchemaElement[]): void {
  const repetition_type = 'OPTIONAL';
  switch (type.kind) {
    case 'string':
      out.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type });
      return;
    case 'binary':
      out.push({ name, type: 'BYTE_ARRAY', repetition_type });
      return;
    case 'integer':
      out.push({ name, type: 'INT64', repetition_type });
      return;
    case 'number':
      out.push({ name, type: 'DOUBLE', repetition_type });
      return;
    case 'boolean':
      out.push({ name, type: 'BOOLEAN', repetition_type });
      return;
    case 'array':
      // The standard three-level list: <name> (LIST) → repeated group "list" → "element".
      out.push({ name, repetition_type, converted_type: 'LIST', num_children: 1 }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      pushElements('element', type.items, out);
      return;
    case 'object':
      out.push({ name, repetition_type, num_children: type.fields.length });
      for (const f of type.fields) pushElements(f.name, f.type, out);
      return;
  }
}

/** The flat (pre-order) parquet schema of `columns`, root first. */
export function buildParquetSchema(columns: readonly ParquetField[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'schema', num_children: columns.length }];
  for (const c of columns) pushElements(c.name, c.type, out);
  return out;
}

/** A value that does not fit its column type; `path` is filled in while the error unwinds. */
class TypeMismatch extends Error {
  readonly path: string[] = [];
  constructor(
    readonly expected: string,
    readonly got: unknown,
  ) {
    super('type mismatch');
  }
}

function addSegment(err: unknown, segment: string): unknown {
  if (err instanceof TypeMismatch) err.path.unshift(segment);
  return err;
}

/** Converts one JSON value to what the writer expects for `type` (int64 as bigint), checking its type. */
function toParquetValue(value: unknown, type: ParquetType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'binary':
      if (value instanceof Uint8Array) return value;
      break;
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      break;
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'array':
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          try {
            out[i] = toParquetValue(value[i], type.items);
          } catch (err) {
            throw addSegment(err, `[${i}]`);
          }
        }
        return out;
      }
      break;
    case 'object':
      if (typeof value === 'object' && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const f of type.fields) {
          try {
            out[f.name] = toParquetValue(obj[f.name], f.type);
          } catch (err) {
            throw addSegment(err, `.${f.name}`);
          }
        }
        return out;
      }
      break;
  }
  throw new TypeMismatch(type.kind, value);
}

/** {@link toParquetValue} for one cell, naming row and field when the value does not fit. */
function toParquetCell(value: unknown, type: ParquetType, row: number, column: string): unknown {
  try {
    return toParquetValue(value, type);
  } catch (err) {
    if (!(err instanceof TypeMismatch)) throw err;
    throw new TypeError(`${NAME}: row ${row} ${column}${err.path.join('')} should be ${err.expected}, got ${JSON.stringify(err.got)?.slice(0, 80)}`);
  }
}

/** Reads one image by its path relative to the output root. */
export type ReadImage = (relPath: string) => Promise<Uint8Array>;

/**
 * Encodes RL rows as one parquet file, yielded in chunks (one per row group, then the footer).
 * Pure apart from `readImage`; equal rows and image bytes give equal bytes.
 * @throws TypeError when a row does not fit the RL schema (naming the row and field); Error when
 *   there are no rows or an image cannot be read.
 */
export async function* encodeRlParquet(rows: readonly RlRecord[], readImage: ReadImage, rowGroupRows = PARQUET_ROW_GROUP_ROWS): AsyncGenerator<Uint8Array> {
  if (rows.length === 0) throw new Error(`${NAME}: a parquet shard needs at least one row`);
  if (!Number.isSafeInteger(rowGroupRows) || rowGroupRows < 1) throw new TypeError(`${NAME}: rowGroupRows must be a positive integer, got ${rowGroupRows}`);
  const passes = getRowPasses(rows);
  const columns = getRlParquetColumns(passes);
  const passColumn = new Map<string, PassName>(PASS_COLUMNS.map((c) => [c.column, c.pass]));
  const writer = new ByteWriter(1 << 20);
  const pq = new ParquetWriter({ writer, schema: buildParquetSchema(columns), codec: PARQUET_CODEC, createdBy: PARQUET_CREATED_BY });
  const take = (): Uint8Array => {
    const chunk = writer.getBytes().slice();
    writer.index = 0;
    return chunk;
  };
  for (let start = 0; start < rows.length; start += rowGroupRows) {
    const group = rows.slice(start, start + rowGroupRows);
    const images = await Promise.all(
      group.map((row, i) => {
        if (!Array.isArray(row.images)) throw new TypeError(`${NAME}: row ${start + i} has no images array`);
        return Promise.all(row.images.map(async (path) => ({ bytes: await readImage(path), path })));
      }),
    );
    const passFiles = new Map<string, { bytes: Uint8Array; path: string }[][]>();
    for (const pass of passes) {
      const column = PASS_COLUMNS.find((c) => c.pass === pass)!.column;
      passFiles.set(column, await Promise.all(group.map((row) => Promise.all(passPaths(row, pass).map(async (path) => ({ bytes: await readImage(path!), path: path! }))))));
    }
    const columnData: ColumnSource[] = columns.map((c) => {
      const binary = c.name === 'images' || passColumn.has(c.name);
      const data = c.name === 'images' ? images : passFiles.get(c.name) ?? group.map((row) => (row as unknown as Record<string, unknown>)[c.name]);
      return {
        name: c.name,
        data: data.map((v, i) => toParquetCell(v, c.type, start + i, c.name)),
        ...(binary ? { encoding: 'PLAIN' as const, statistics: false } : {}),
      };
    });
    await pq.write({ columnData, rowGroupSize: group.length });
    yield take();
  }
  await pq.finish();
  yield take();
}

/**
 * Writes `rows` (the parsed lines of `rl/shard-NNNNN.jsonl`, in order) as
 * `<outDir>/rl/shard-NNNNN.parquet`, atomically, reading each image from `<outDir>/<path>`.
 * @param range - global index of the first and last row: those of the JSONL twin.
 * @throws Error naming the shard when an image is missing or a row does not fit the schema;
 *   nothing is left on disk then.
 */
export async function writeRlParquetShard(
  outDir: string,
  shard: number,
  rows: readonly RlRecord[],
  range: { firstIndex: number; lastIndex: number },
): Promise<SealedParquetShard> {
  const path = getParquetShardPath(shard);
  const hash = createHash('sha256');
  let bytes = 0;
  const readImage: ReadImage = async (rel) => {
    try {
      return await readFile(join(outDir, rel));
    } catch (err) {
      throw new Error(`${NAME}: ${path}: cannot read image "${rel}": ${(err as Error).message}`, { cause: err });
    }
  };
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of encodeRlParquet(rows, readImage)) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }
  await mkdir(dirname(join(outDir, path)), { recursive: true });
  await writeFileAtomic(join(outDir, path), hashed());
  return { kind: 'rl-parquet', shard, path, records: rows.length, sha256: hash.digest('hex'), bytes, firstIndex: range.firstIndex, lastIndex: range.lastIndex };
}
