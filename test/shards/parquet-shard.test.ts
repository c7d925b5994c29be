/**
 * The verl-native parquet copy of an RL shard, read back with hyparquet (the reader that
 * hyparquet-writer is built on and depends on): same rows as the JSONL in the same order, images
 * embedded, a schema taken from the record schema (doubles stay doubles when every value is
 * whole), byte-identical on a rewrite, sealed atomically. (hyparquet decodes un-annotated
 * binary as UTF-8 text unless told `utf8: false`; pyarrow reads it as binary.) pyarrow and
 * Hugging Face `datasets` read these files in test/compat.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRlRecord, type RlRecord } from '../../pipeline/records/rl-record.js';
import { serializeRecord } from '../../pipeline/records/serialize-record.js';
import { validateManifest } from '../../pipeline/shards/validate-manifest.js';
import { buildManifest } from '../../pipeline/shards/manifest.js';
import {
  buildParquetSchema,
  encodeRlParquet,
  getParquetShardPath,
  getRlParquetColumns,
  PARQUET_CREATED_BY,
  writeRlParquetShard,
} from '../../pipeline/shards/parquet-shard.js';
import { makeRecordInput } from '../records/record-input-fixture.js';

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vf-parquet-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Distinct bytes per image path (a real JPEG is not needed to test the container). */
function imageBytes(path: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(path), createHash('sha256').update(path).digest()]);
}

/** RL rows as the JSONL holds them (serialized and parsed back), with their images on disk. */
async function makeRows(n: number, first = 0): Promise<RlRecord[]> {
  const rows: RlRecord[] = [];
  for (let i = first; i < first + n; i++) {
    const rl = buildRlRecord(makeRecordInput({ index: i, withCot: i % 2 === 0 }));
    for (const p of rl.images) {
      await mkdir(dirname(join(outDir, p)), { recursive: true });
      await writeFile(join(outDir, p), imageBytes(p));
    }
    rows.push(JSON.parse(serializeRecord('rl', rl)) as RlRecord);
  }
  return rows;
}

/** int64 values come back as bigint: turn them into numbers to compare with the JSON rows. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/**
 * The parquet schema is fixed (every optional meta field is a column, e.g. the library-only
 * `asset.path`), so a field a JSON row does not have comes back as null: drop those to compare.
 */
function withoutAbsent(read: unknown, json: unknown): unknown {
  if (Array.isArray(read) && Array.isArray(json)) return read.map((v, i) => withoutAbsent(v, json[i]));
  if (read === null || typeof read !== 'object' || read instanceof Uint8Array || json === null || typeof json !== 'object') return read;
  const j = json as Record<string, unknown>;
  return Object.fromEntries(
    // hyparquet reads a null struct (an image's absent mask/depth pass) as undefined.
    Object.entries(read).filter(([k, v]) => k in j || (v !== null && v !== undefined)).map(([k, v]) => [k, v === undefined && j[k] === null ? null : withoutAbsent(v, j[k])]),
  );
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

describe('RL parquet shards', () => {
  it('holds the JSONL rows in order, with each image path turned into {bytes, path}', async () => {
    const rows = await makeRows(5);
    const sealed = await writeRlParquetShard(outDir, 0, rows, { firstIndex: 0, lastIndex: 4 });
    const data = await readFile(join(outDir, 'rl/shard-00000.parquet'));
    expect(sealed).toEqual({
      kind: 'rl-parquet',
      shard: 0,
      path: 'rl/shard-00000.parquet',
      records: 5,
      sha256: createHash('sha256').update(data).digest('hex'),
      bytes: data.length,
      firstIndex: 0,
      lastIndex: 4,
    });
    const read = (await parquetReadObjects({ file: toArrayBuffer(data), utf8: false })).map(plain) as Record<string, unknown>[];
    expect(read).toHaveLength(5);
    read.forEach((row, i) => {
      const images = row.images as { bytes: Uint8Array; path: string }[];
      expect(images.map((im) => im.path)).toEqual(rows[i].images);
      images.forEach((im) => expect(Buffer.from(im.bytes).equals(imageBytes(im.path))).toBe(true));
      expect(withoutAbsent({ ...row, images: images.map((im) => im.path) }, rows[i])).toEqual(rows[i]);
      expect(Object.keys(row)).toEqual(Object.keys(rows[i]));
    });
    expect((await readdir(join(outDir, 'rl'))).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('embeds the --passes mask and depth files as masks / depths columns after the record columns', async () => {
    const rows = await makeRows(3);
    const passFile = async (image: string, pass: 'mask' | 'depth') => {
      const path = image.replace(/\.jpg$/, `.${pass}.png`);
      await writeFile(join(outDir, path), imageBytes(path));
      return { path, sha256: createHash('sha256').update(imageBytes(path)).digest('hex') };
    };
    for (const row of rows) {
      for (const [i, im] of row.extra_info.images.entries()) Object.assign(im, { mask: await passFile(row.images[i], 'mask'), depth: await passFile(row.images[i], 'depth') });
    }
    await writeRlParquetShard(outDir, 0, rows, { firstIndex: 0, lastIndex: 2 });
    const read = (await parquetReadObjects({ file: toArrayBuffer(await readFile(join(outDir, 'rl/shard-00000.parquet'))), utf8: false })).map(plain) as Record<string, unknown>[];
    read.forEach((row, i) => {
      expect(Object.keys(row)).toEqual([...Object.keys(rows[i]), 'masks', 'depths']);
      for (const [column, pass] of [['masks', 'mask'], ['depths', 'depth']] as const) {
        const files = row[column] as { bytes: Uint8Array; path: string }[];
        expect(files.map((f) => f.path)).toEqual(rows[i].extra_info.images.map((im) => im[pass]!.path));
        files.forEach((f) => expect(Buffer.from(f.bytes).equals(imageBytes(f.path))).toBe(true));
      }
    });
    expect(getRlParquetColumns(['mask']).map((c) => c.name).slice(-2)).toEqual(['extra_info', 'masks']);
    // Rows of a shard come from one run, so from one --passes: a row without the mask is an error naming it.
    rows[1].extra_info.images[0].mask = null;
    await expect(collect(encodeRlParquet(rows, async (p) => imageBytes(p)))).rejects.toThrow(/row 1 lacks a mask file/);
  });

  it('types columns from the schema: whole floats stay double, integers int64, images binary', async () => {
    const rows = await makeRows(2);
    // Every value of these float fields is whole in the fixture; the column must still be double.
    expect(rows.every((r) => Number.isInteger(r.extra_info.views[0].K.cx) && Number.isInteger(r.extra_info.relative.roll_deg))).toBe(true);
    const data = await collect(encodeRlParquet(rows, async (p) => imageBytes(p)));
    const meta = parquetMetadata(toArrayBuffer(data));
    const leaf = (path: string) => meta.row_groups[0].columns.find((c) => c.meta_data?.path_in_schema.join('.') === path)?.meta_data?.type;
    expect(leaf('extra_info.views.list.element.K.cx')).toBe('DOUBLE');
    expect(leaf('extra_info.relative.roll_deg')).toBe('DOUBLE');
    expect(leaf('extra_info.views.list.element.K.width')).toBe('INT64');
    expect(leaf('extra_info.index')).toBe('INT64');
    expect(leaf('extra_info.has_cot')).toBe('BOOLEAN');
    expect(leaf('images.list.element.bytes')).toBe('BYTE_ARRAY');
    expect(leaf('prompt.list.element.content')).toBe('BYTE_ARRAY');
    expect(meta.created_by).toBe(PARQUET_CREATED_BY);
    expect(meta.row_groups[0].columns.every((c) => c.meta_data?.codec === 'SNAPPY')).toBe(true);
    expect(getRlParquetColumns().map((c) => c.name)).toEqual(['data_source', 'prompt', 'images', 'ability', 'reward_model', 'extra_info']);
    const schema = buildParquetSchema(getRlParquetColumns());
    expect(schema[0]).toEqual({ name: 'schema', num_children: 6 });
    expect(schema.find((e) => e.name === 'images')).toMatchObject({ converted_type: 'LIST', repetition_type: 'OPTIONAL' });
  });

  it('splits rows into row groups of the given size and gives the same bytes every time', async () => {
    const rows = await makeRows(5);
    const read = async (p: string) => imageBytes(p);
    const a = await collect(encodeRlParquet(rows, read, 2));
    const b = await collect(encodeRlParquet(rows, read, 2));
    expect(a.equals(b)).toBe(true);
    expect(parquetMetadata(toArrayBuffer(a)).row_groups.map((g) => Number(g.num_rows))).toEqual([2, 2, 1]);
    const one = await collect(encodeRlParquet(rows, read));
    expect(parquetMetadata(toArrayBuffer(one)).row_groups.map((g) => Number(g.num_rows))).toEqual([5]);
  });

  it('fails naming the image it cannot read, leaving no file behind', async () => {
    const rows = await makeRows(3);
    await rm(join(outDir, rows[1].images[1]));
    await expect(writeRlParquetShard(outDir, 7, rows, { firstIndex: 0, lastIndex: 2 })).rejects.toThrow(
      new RegExp(`rl/shard-00007.parquet: cannot read image "${rows[1].images[1]}"`),
    );
    expect(await readdir(join(outDir, 'rl')).catch(() => [])).toEqual([]);
  });

  it('refuses an empty shard and a row that does not fit the schema', async () => {
    await expect(collect(encodeRlParquet([], async (p) => imageBytes(p)))).rejects.toThrow(/at least one row/);
    const [row] = await makeRows(1);
    const bad = { ...row, extra_info: { ...row.extra_info, index: 1.5 } } as RlRecord;
    await expect(collect(encodeRlParquet([bad], async (p) => imageBytes(p)))).rejects.toThrow(/row 0 extra_info\.index should be integer, got 1\.5/);
    expect(getParquetShardPath(42)).toBe('rl/shard-00042.parquet');
  });
});

describe('parquet shards in the manifest', () => {
  const SHA = 'b'.repeat(64);
  const file = (kind: 'sft' | 'rl' | 'rl-parquet', shard: number, records: number) => ({
    kind,
    shard,
    path: `${kind === 'sft' ? 'sft' : 'rl'}/shard-0000${shard}.${kind === 'rl-parquet' ? 'parquet' : 'jsonl'}`,
    records,
    sha256: SHA,
    bytes: 9,
    firstIndex: shard * 2,
    lastIndex: shard * 2 + records - 1,
  });
  const input = (shards: ReturnType<typeof file>[], rl: number) => ({
    config: { seed: 1, count: 4, size: 64, format: 'jpeg' as const, shard_size: 2, cot_ratio: 0.5, families: ['orbit'], mix: null, stages: 'both' as const, gl: 'auto', dataset_name: 'vf', system_prompt: null },
    versions: { viewforge: '0.0.0' },
    renderer: { name: 'fake', browserVersion: '', glRenderer: '' },
    shards,
    stats: {},
    counts: { samples: 4, sft_records: 4, rl_records: rl, images: 8 },
  });

  it('lists each parquet copy after its JSONL twin, validates, and checks its row count', () => {
    const shards = [file('rl-parquet', 1, 2), file('rl', 1, 2), file('sft', 1, 2), file('rl-parquet', 0, 2), file('rl', 0, 2), file('sft', 0, 2)];
    const m = buildManifest(input(shards, 4));
    expect(m.shards.map((s) => s.path)).toEqual([
      'sft/shard-00000.jsonl',
      'rl/shard-00000.jsonl',
      'rl/shard-00000.parquet',
      'sft/shard-00001.jsonl',
      'rl/shard-00001.jsonl',
      'rl/shard-00001.parquet',
    ]);
    expect(() => validateManifest(JSON.parse(JSON.stringify(m)))).not.toThrow();
    const short = [file('sft', 0, 2), file('rl', 0, 2), file('rl-parquet', 0, 1), file('sft', 1, 2), file('rl', 1, 2)];
    expect(() => buildManifest(input(short, 4))).toThrow(/counts.rl_records is 4 but the rl-parquet shards hold 1 records/);
  });
});
