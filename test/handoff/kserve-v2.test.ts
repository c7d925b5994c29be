import { describe, expect, it } from 'vitest';
import { buildInferRequest, checkModelMetadata, flattenTensorData, getInferRequestId, readAck, readErrorMessage } from '../../pipeline/handoff/kserve-v2.js';
import type { ShardDelivery } from '../../pipeline/handoff/shard-delivery.js';
import { fakeSha } from '../records/record-input-fixture.js';
import { validateInferRequest, type TensorSpec } from './kserve-test-server.js';

const SHA = fakeSha('sft/shard-00003.jsonl');

const SHARD: ShardDelivery = {
  dataset: 'viewforge',
  kind: 'sft',
  shard: 3,
  path: 'sft/shard-00003.jsonl',
  sha256: SHA,
  records: 1000,
  bytes: 123456,
  firstIndex: 3000,
  lastIndex: 3999,
  outDir: '/data/out',
  images: [],
};

function inputs(shape: number[]): TensorSpec[] {
  return [
    { name: 'shard_uri', datatype: 'BYTES', shape },
    { name: 'sha256', datatype: 'BYTES', shape },
    { name: 'records', datatype: 'INT64', shape },
    { name: 'kind', datatype: 'BYTES', shape },
    { name: 'dataset', datatype: 'BYTES', shape },
  ];
}
const OUTPUTS: TensorSpec[] = [{ name: 'ack', datatype: 'BYTES', shape: [1] }];

function metadata(ins: TensorSpec[] = inputs([1]), outs: TensorSpec[] = OUTPUTS): object {
  return { name: 'm', versions: ['1'], platform: 'python', inputs: ins, outputs: outs };
}

describe('checkModelMetadata', () => {
  it('accepts the hand-off model and gives the shapes to send ([1] plain, [1, 1] batched)', () => {
    const plain = checkModelMetadata(metadata(), 'm');
    expect(plain.shapes).toEqual({ shard_uri: [1], sha256: [1], records: [1], kind: [1], dataset: [1] });
    expect(plain.warnings).toEqual([]);
    expect(checkModelMetadata(metadata(inputs([-1, 1])), 'm').shapes.records).toEqual([1, 1]);
    expect(checkModelMetadata(metadata(inputs([-1])), 'm').shapes.records).toEqual([1]);
  });

  it('lists every mismatch in one message', () => {
    const ins = inputs([1]).filter((t) => t.name !== 'kind');
    ins[2] = { name: 'records', datatype: 'FP32', shape: [1] };
    ins[0] = { name: 'shard_uri', datatype: 'BYTES', shape: [2] };
    expect(() => checkModelMetadata(metadata(ins, []), 'm')).toThrow(
      'triton: model "m" does not take viewforge shards: input "shard_uri" has shape [2], expected one element ([1], or [-1, 1] with batching); input "records" is FP32, expected INT64; input "kind" (BYTES) is missing; output "ack" (BYTES) is missing. See deploy/triton/ for a model config that does.',
    );
  });

  it('warns about inputs it does not send', () => {
    const check = checkModelMetadata(metadata([...inputs([1]), { name: 'priority', datatype: 'INT32', shape: [1] }]), 'm');
    expect(check.warnings).toEqual(['triton: model "m" declares input "priority", which viewforge does not send; it must be optional']);
  });

  it('refuses something that is not model metadata', () => {
    expect(() => checkModelMetadata({ name: 'm' }, 'm')).toThrow(/is not KServe v2 model metadata/);
    expect(() => checkModelMetadata([], 'm')).toThrow(/is not KServe v2 model metadata/);
  });
});

describe('buildInferRequest', () => {
  it('builds a request the protocol validator accepts, with a stable id', () => {
    const shapes = checkModelMetadata(metadata(), 'm').shapes;
    const request = buildInferRequest(SHARD, 'file:///data/out/sft/shard-00003.jsonl', shapes);
    expect(request).toEqual({
      id: `viewforge/sft/shard-00003.jsonl@${SHA.slice(0, 16)}`,
      inputs: [
        { name: 'shard_uri', shape: [1], datatype: 'BYTES', data: ['file:///data/out/sft/shard-00003.jsonl'] },
        { name: 'sha256', shape: [1], datatype: 'BYTES', data: [SHA] },
        { name: 'records', shape: [1], datatype: 'INT64', data: [1000] },
        { name: 'kind', shape: [1], datatype: 'BYTES', data: ['sft'] },
        { name: 'dataset', shape: [1], datatype: 'BYTES', data: ['viewforge'] },
      ],
      outputs: [{ name: 'ack' }],
    });
    expect(validateInferRequest(JSON.parse(JSON.stringify(request)), inputs([1]), OUTPUTS)).toBeNull();
    const batched = buildInferRequest(SHARD, 'u', checkModelMetadata(metadata(inputs([-1, 1])), 'm').shapes);
    expect(validateInferRequest(batched, inputs([-1, 1]), OUTPUTS)).toBeNull();
    expect(getInferRequestId(SHARD)).toBe(request.id);
  });
});

describe('readAck', () => {
  const request = buildInferRequest(SHARD, 'u', checkModelMetadata(metadata(), 'm').shapes);
  const ok = { model_name: 'm', model_version: '1', id: request.id, outputs: [{ name: 'ack', shape: [1], datatype: 'BYTES', data: [SHA] }] };

  it('reads an acknowledging response (flat or nested data, id optional)', () => {
    expect(readAck(ok, request, SHA)).toEqual({ ack: SHA, modelName: 'm', modelVersion: '1' });
    expect(readAck({ ...ok, id: undefined, outputs: [{ name: 'ack', shape: [1, 1], datatype: 'BYTES', data: [[SHA]] }] }, request, SHA).ack).toBe(SHA);
  });

  it('refuses responses that do not acknowledge this shard', () => {
    expect(() => readAck({ ...ok, outputs: [{ ...ok.outputs[0], data: ['nope'] }] }, request, SHA)).toThrow(`"ack" is "nope", expected the shard's sha256 ${SHA}`);
    expect(() => readAck({ ...ok, id: 'other' }, request, SHA)).toThrow('it answers request "other"');
    expect(() => readAck({ ...ok, outputs: [] }, request, SHA)).toThrow('it has no "ack" output');
    expect(() => readAck({ ...ok, outputs: [{ ...ok.outputs[0], datatype: 'INT64' }] }, request, SHA)).toThrow('output "ack" is INT64, expected BYTES');
    expect(() => readAck({ ...ok, outputs: [{ ...ok.outputs[0], data: [SHA, SHA] }] }, request, SHA)).toThrow('should hold one string');
    expect(() => readAck('x', request, SHA)).toThrow('the body is not a JSON object');
  });
});

describe('readErrorMessage', () => {
  it('uses the protocol error body, else the text, else the status line', () => {
    expect(readErrorMessage(400, 'Bad Request', '{"error":"unexpected inference input \'x\'"}')).toBe("HTTP 400 Bad Request: unexpected inference input 'x'");
    expect(readErrorMessage(502, 'Bad Gateway', '<html>proxy</html>')).toBe('HTTP 502 Bad Gateway: <html>proxy</html>');
    expect(readErrorMessage(503, '', '')).toBe('HTTP 503');
    expect(readErrorMessage(500, '', 'x'.repeat(400))).toBe(`HTTP 500: ${'x'.repeat(300)}…`);
  });
});

describe('flattenTensorData', () => {
  it('flattens nested row-major data', () => {
    expect(flattenTensorData([[1, 2], [3, 4]])).toEqual([1, 2, 3, 4]);
    expect(flattenTensorData('a')).toEqual(['a']);
  });
});
