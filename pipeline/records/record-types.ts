/**
 * The column types of SFT and RL records, read from the JSON Schemas in `schemas/` (the one source
 * of truth for the record layout, README, Output) and reduced to a small tree of {@link FieldType}s:
 * string, integer, number, boolean, array of one item type, or object with fields in declaration
 * order.
 *
 * Three writers need to know the type of every field, and none of them may guess it from the
 * values (a float that happens to be whole reads as an integer, an empty list has no item type):
 * - {@link ../records/serialize-record.ts} writes every `number` field with a decimal point, so
 *   Arrow's JSON reader (Hugging Face `datasets`, LLaMA-Factory) types it `double` in every shard;
 * - {@link ../shards/parquet-shard.ts} builds the parquet schema of the RL shards;
 * - {@link ../card/dataset-card.ts} declares the `features` of both configs in the dataset card.
 *
 * Supported JSON Schema (draft-07) constructs: `type` (one type, or one type plus `"null"`),
 * `enum`/`const` (type taken from the values), `items` (one schema), `properties` + `required`,
 * and `$ref` to `#/definitions/…` or to another record schema by file name. Anything else (an
 * `anyOf`, a tuple `items`, an object without `properties`) throws, naming the schema path: a
 * schema change that the writers cannot map fails in the tests, never silently.
 *
 * @example
 * const rl = getRecordType('rl');
 * rl.fields.find((f) => f.name === 'extra_info'); // { name: 'extra_info', type: { kind: 'object', … } }
 */
import metaSchema from '../../schemas/meta.schema.json' with { type: 'json' };
import rlSchema from '../../schemas/record-rl.schema.json' with { type: 'json' };
import sftSchema from '../../schemas/record-sft.schema.json' with { type: 'json' };

const NAME = 'recordTypes';

/** A leaf type. `number` is a float64, `integer` an int64. */
export type ScalarKind = 'string' | 'integer' | 'number' | 'boolean';

/** One named field of an object. */
export interface Field {
  name: string;
  type: FieldType;
}

/** The type of one value; `nullable` when the schema allows `null` or the key is not required. */
export type FieldType =
  | { kind: ScalarKind; nullable: boolean }
  | { kind: 'array'; items: FieldType; nullable: boolean }
  | { kind: 'object'; fields: Field[]; nullable: boolean };

/** The type of an object (a whole record, or a struct inside one). */
export type ObjectType = Extract<FieldType, { kind: 'object' }>;

/** Record kinds with a schema. */
export type RecordKind = 'sft' | 'rl';

type Json = Record<string, unknown>;

/** Schemas by file name, for `$ref`s such as `meta.schema.json#/definitions/relPath`. */
const DOCUMENTS: Readonly<Record<string, Json>> = {
  'meta.schema.json': metaSchema as Json,
  'record-rl.schema.json': rlSchema as Json,
  'record-sft.schema.json': sftSchema as Json,
};

/** Resolves a `$ref` against the document it appears in; returns the target and its document. */
function resolveRef(ref: string, doc: Json, where: string): { node: Json; doc: Json } {
  const hash = ref.indexOf('#');
  const file = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  const target = file === '' ? doc : DOCUMENTS[file];
  if (target === undefined) throw new Error(`${NAME}: ${where}: $ref "${ref}" names an unknown schema file`);
  let node: unknown = target;
  for (const part of pointer.split('/').filter(Boolean)) {
    node = typeof node === 'object' && node !== null ? (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  if (typeof node !== 'object' || node === null) throw new Error(`${NAME}: ${where}: $ref "${ref}" does not resolve`);
  return { node: node as Json, doc: target };
}

function typeOfValues(values: unknown[], where: string): ScalarKind {
  const kinds = new Set(values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v)));
  if (kinds.size === 1 && (kinds.has('string') || kinds.has('boolean') || kinds.has('integer'))) return [...kinds][0] as ScalarKind;
  if ([...kinds].every((k) => k === 'integer' || k === 'number')) return 'number';
  throw new Error(`${NAME}: ${where}: enum/const values of mixed or unsupported types`);
}

function convert(node: Json, doc: Json, where: string, depth: number): FieldType {
  if (depth > 64) throw new Error(`${NAME}: ${where}: schema nests too deep (a $ref cycle?)`);
  if (typeof node.$ref === 'string') {
    const { node: target, doc: targetDoc } = resolveRef(node.$ref, doc, where);
    return convert(target, targetDoc, where, depth + 1);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'not', 'if', 'patternProperties']) {
    if (key in node) throw new Error(`${NAME}: ${where}: "${key}" is not supported; give the field one type`);
  }
  let types: unknown[] = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const nullable = types.includes('null');
  types = types.filter((t) => t !== 'null');
  let kind: string;
  if (types.length === 1 && typeof types[0] === 'string') {
    kind = types[0];
  } else if (types.length === 0 && Array.isArray(node.enum)) {
    kind = typeOfValues(node.enum.filter((v) => v !== null), where);
  } else if (types.length === 0 && 'const' in node) {
    kind = typeOfValues([node.const], where);
  } else {
    throw new Error(`${NAME}: ${where}: needs exactly one type (besides "null"), got ${JSON.stringify(node.type)}`);
  }
  switch (kind) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return { kind, nullable };
    case 'array': {
      const items = node.items;
      if (typeof items !== 'object' || items === null || Array.isArray(items)) {
        throw new Error(`${NAME}: ${where}: an array needs one "items" schema`);
      }
      return { kind: 'array', items: convert(items as Json, doc, `${where}[]`, depth + 1), nullable };
    }
    case 'object': {
      const props = node.properties;
      if (typeof props !== 'object' || props === null) throw new Error(`${NAME}: ${where}: an object needs "properties"`);
      if (node.additionalProperties !== false) throw new Error(`${NAME}: ${where}: an object needs "additionalProperties": false (fixed columns)`);
      const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
      const fields = Object.entries(props as Record<string, Json>).map(([name, sub]) => {
        const type = convert(sub, doc, where === '' ? name : `${where}.${name}`, depth + 1);
        return { name, type: required.has(name) ? type : { ...type, nullable: true } };
      });
      return { kind: 'object', fields, nullable };
    }
    default:
      throw new Error(`${NAME}: ${where}: type "${kind}" is not supported`);
  }
}

/**
 * Converts a JSON Schema object (with `$ref`s into the record schemas) to a {@link FieldType}.
 * @param where - a name for error messages.
 * @throws Error naming the path of the first construct it cannot map.
 */
export function schemaToFieldType(schema: object, where = ''): FieldType {
  const doc = schema as Json;
  return convert(doc, doc, where, 0);
}

const cache = new Map<RecordKind, ObjectType>();

/** The type tree of an SFT or RL record (computed once). */
export function getRecordType(kind: RecordKind): ObjectType {
  let type = cache.get(kind);
  if (type === undefined) {
    const converted = schemaToFieldType(kind === 'sft' ? sftSchema : rlSchema, kind);
    if (converted.kind !== 'object') throw new Error(`${NAME}: the ${kind} record schema is not an object`);
    type = converted;
    cache.set(kind, type);
  }
  return type;
}
