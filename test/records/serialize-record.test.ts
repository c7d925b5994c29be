/**
 * Record types from the JSON Schemas, and the JSONL serializer that writes every float with a
 * decimal point so that Arrow's JSON reader types a column alike in every shard.
 */
import { describe, expect, it } from 'vitest';
import { getRecordType, schemaToFieldType, type FieldType } from '../../pipeline/records/record-types.js';
import { buildRlRecord } from '../../pipeline/records/rl-record.js';
import { formatFloat, serializeRecord, stringifyTyped } from '../../pipeline/records/serialize-record.js';
import { buildSftRecord } from '../../pipeline/records/sft-record.js';
import { makeRecordInput } from './record-input-fixture.js';

function at(type: FieldType, path: string): FieldType {
  let t = type;
  for (const part of path.split('.')) {
    if (part === '[]') {
      if (t.kind !== 'array') throw new Error(`${path}: not an array at ${part}`);
      t = t.items;
    } else {
      if (t.kind !== 'object') throw new Error(`${path}: not an object at ${part}`);
      const f = t.fields.find((x) => x.name === part);
      if (f === undefined) throw new Error(`${path}: no field ${part}`);
      t = f.type;
    }
  }
  return t;
}

describe('record types (from schemas/)', () => {
  it('reads the field types of both record kinds, in schema order, through $refs', () => {
    const sft = getRecordType('sft');
    const rl = getRecordType('rl');
    expect(sft.fields.map((f) => f.name)).toEqual(['id', 'messages', 'images', 'meta']);
    expect(rl.fields.map((f) => f.name)).toEqual(['data_source', 'prompt', 'images', 'ability', 'reward_model', 'extra_info']);
    expect(at(sft, 'meta.views.[].K.cx').kind).toBe('number');
    expect(at(sft, 'meta.views.[].K.width').kind).toBe('integer');
    expect(at(sft, 'meta.views.[].R.[].[]').kind).toBe('number');
    expect(at(rl, 'extra_info.has_cot').kind).toBe('boolean');
    expect(at(rl, 'images.[]').kind).toBe('string');
    expect(at(rl, 'reward_model.ground_truth').kind).toBe('string');
    expect(at(sft, 'meta')).toEqual(at(rl, 'extra_info'));
  });

  it('maps nullable and enum-only fields, and refuses what it cannot type', () => {
    const base = { type: 'object', additionalProperties: false, required: ['a', 'b'] };
    expect(schemaToFieldType({ ...base, properties: { a: { type: ['string', 'null'] }, b: { enum: ['x', 'y'] }, c: { type: 'number' } } })).toEqual({
      kind: 'object',
      nullable: false,
      fields: [
        { name: 'a', type: { kind: 'string', nullable: true } },
        { name: 'b', type: { kind: 'string', nullable: false } },
        { name: 'c', type: { kind: 'number', nullable: true } },
      ],
    });
    expect(() => schemaToFieldType({ ...base, properties: { a: { anyOf: [{ type: 'string' }, { type: 'number' }] } } }, 'x')).toThrow(/x\.a: "anyOf" is not supported/);
    expect(() => schemaToFieldType({ type: 'object', properties: {} }, 'x')).toThrow(/additionalProperties/);
    expect(() => schemaToFieldType({ type: 'array' }, 'x')).toThrow(/x: an array needs one "items" schema/);
    expect(() => schemaToFieldType({ type: ['string', 'number'] }, 'x')).toThrow(/exactly one type/);
    expect(() => schemaToFieldType({ $ref: 'other.schema.json#/x' }, 'x')).toThrow(/unknown schema file/);
  });
});

describe('serializeRecord', () => {
  it('writes whole floats with a decimal point and leaves everything else as JSON.stringify does', () => {
    expect([0, -0, 256, -3, 0.5, 1e-9, 1e21, 123.456789].map(formatFloat)).toEqual(['0.0', '0.0', '256.0', '-3.0', '0.5', '1e-9', '1e+21', '123.456789']);
    expect(() => formatFloat(Number.NaN)).toThrow(RangeError);
    const type = schemaToFieldType({
      type: 'object',
      additionalProperties: false,
      required: ['f', 'i', 'v', 's', 'n'],
      properties: { f: { type: 'number' }, i: { type: 'integer' }, v: { type: 'array', items: { type: 'number' } }, s: { type: 'string' }, n: { type: ['number', 'null'] } },
    });
    expect(stringifyTyped({ s: 'a"b', f: 2, i: 2, v: [0, 1.5, -4], n: null, extra: 1 }, type)).toBe('{"s":"a\\"b","f":2.0,"i":2,"v":[0.0,1.5,-4.0],"n":null,"extra":1}');
  });

  it('gives lines that parse back to the record, with the float fields of the fixture written as floats', () => {
    const input = makeRecordInput({ index: 3, withCot: true });
    for (const [kind, rec] of [['sft', buildSftRecord(input)], ['rl', buildRlRecord(input)]] as const) {
      const line = serializeRecord(kind, rec);
      expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(rec)));
      expect(line).toContain('"cx":256.0');
      expect(line).toContain('"width":512,');
      expect(line).toContain('"index":3,');
      expect(Object.keys(JSON.parse(line))).toEqual(Object.keys(rec));
    }
  });
});
