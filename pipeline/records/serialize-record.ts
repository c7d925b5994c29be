/**
 * `serializeRecord(kind, record)`: one JSONL line for an SFT or RL record, typed by the schema.
 *
 * Why not plain `JSON.stringify`: it writes the float `1.0` as `1`. Arrow's JSON reader (used by
 * Hugging Face `datasets`' `json` builder, hence by LLaMA-Factory) infers a column's type per file
 * from the text, so a float field that is whole in every row of one shard (an angle of 0°, a
 * principal point of 256 px) becomes `int64` there and `double` in the next shard, and loading
 * the folder fails with "An error occurred while generating the dataset" (`datasets` cannot cast
 * double to int64 once int64 came first). This serializer writes every field that the schema
 * types `number` with a decimal point (`0.0`, `256.0`; exponent forms such as `1e-9` already read
 * as double), so every shard has the same column types whatever its values. Integers stay
 * integers; everything else is exactly `JSON.stringify`'s text, keys in the object's own order.
 *
 * `JSON.parse` gives back the same values, so validation, readers and hashes of values are
 * unchanged; only the bytes of whole floats differ from `JSON.stringify`.
 *
 * @example
 * serializeRecord('rl', rl); // '{"data_source":"viewforge",…,"K":{"fx":585.096923,"fy":585.096923,"cx":256.0,…}…}'
 */
import { getRecordType, type FieldType, type RecordKind } from './record-types.js';

const NAME = 'serializeRecord';

/** JSON text of a float: like `JSON.stringify`, with `.0` after a whole number written without exponent. */
export function formatFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`${NAME}: expected a finite number, got ${x}`);
  const text = JSON.stringify(x);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

const fieldMaps = new WeakMap<FieldType, Map<string, FieldType>>();

function fieldsOf(type: FieldType): Map<string, FieldType> | undefined {
  if (type.kind !== 'object') return undefined;
  let map = fieldMaps.get(type);
  if (map === undefined) {
    map = new Map(type.fields.map((f) => [f.name, f.type]));
    fieldMaps.set(type, map);
  }
  return map;
}

function write(value: unknown, type: FieldType | undefined, out: string[]): void {
  if (value === null || type === undefined || typeof value !== 'object') {
    if (typeof value === 'number' && type?.kind === 'number') out.push(formatFloat(value));
    else out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    const items = type.kind === 'array' ? type.items : undefined;
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      write(v === undefined || typeof v === 'function' ? null : v, items, out);
    });
    out.push(']');
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    out.push(JSON.stringify(value));
    return;
  }
  const fields = fieldsOf(type);
  out.push('{');
  let first = true;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(v, fields?.get(key), out);
  }
  out.push('}');
}

/**
 * Serializes `value` as JSON, writing the fields that `type` marks `number` with a decimal point
 * (see the file header). Values outside the type (unknown keys) are written as `JSON.stringify`
 * would; validation rejects them later.
 */
export function stringifyTyped(value: unknown, type: FieldType): string {
  const out: string[] = [];
  write(value, type, out);
  return out.join('');
}

/** One JSONL line (without the newline) for a record of `kind`; see the file header. */
export function serializeRecord(kind: RecordKind, record: object): string {
  return stringifyTyped(record, getRecordType(kind));
}
