/**
 * The KServe v2 (Open Inference Protocol) messages the `triton:` hand-off exchanges, as pure
 * functions over plain JSON: build the infer request of a shard, check a model's metadata, read
 * the acknowledgement out of an infer response, and turn an error body into a message.
 * {@link TritonTransport} does the HTTP around them.
 *
 * Protocol shapes (HTTP/REST, JSON):
 * - model metadata `GET /v2/models/<m>`: `{"name", "versions"?, "platform", "inputs": [{"name",
 *   "datatype", "shape"}], "outputs": [...]}`, `-1` marking a variable dimension;
 * - infer request `POST /v2/models/<m>/infer`: `{"id"?, "parameters"?, "inputs": [{"name",
 *   "shape", "datatype", "data"}], "outputs"?: [{"name"}]}`, `data` in row-major order (flat or
 *   nested), BYTES elements as JSON strings, INT64 as JSON numbers;
 * - infer response: `{"model_name", "model_version"?, "id"?, "outputs": [{"name", "shape",
 *   "datatype", "data"}]}`;
 * - any failure: a non-200 status and `{"error": "<message>"}`.
 *
 * The hand-off contract on top (docs/handoff.md, deploy/triton/):
 * - inputs, one element each: `shard_uri` BYTES, `sha256` BYTES, `records` INT64, `kind` BYTES
 *   ("sft" | "rl"), `dataset` BYTES. The element shape is read from the metadata: `[1]` for a
 *   model without batching, `[1, 1]` for one declared `[-1, 1]` (Triton with max_batch_size > 0);
 * - request `id`: `<dataset>/<shard path>@<first 16 hex digits of sha256>`, the same on every
 *   retry and rerun of that shard, so the receiver can tell a repeat from a new shard;
 * - the model acknowledges with output `ack` (BYTES, one element) equal to the shard's sha256;
 *   a response with another value, no `ack`, or another `id` does not acknowledge the shard.
 */
import type { ShardDelivery } from './shard-delivery.js';

const NAME = 'triton';

/** Data types of the protocol's tensors. */
export type KserveDatatype = 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

/** Inputs the hand-off model takes, in the order they are sent. */
export const HANDOFF_INPUTS = [
  { name: 'shard_uri', datatype: 'BYTES' },
  { name: 'sha256', datatype: 'BYTES' },
  { name: 'records', datatype: 'INT64' },
  { name: 'kind', datatype: 'BYTES' },
  { name: 'dataset', datatype: 'BYTES' },
] as const satisfies readonly { name: string; datatype: KserveDatatype }[];

/** The output that acknowledges a shard: BYTES, one element, the shard's sha256. */
export const ACK_OUTPUT = { name: 'ack', datatype: 'BYTES' } as const;

/** Names of {@link HANDOFF_INPUTS}. */
export type HandoffInputName = (typeof HANDOFF_INPUTS)[number]['name'];

/** A tensor as model metadata describes it. */
export interface MetadataTensor {
  name: string;
  datatype: string;
  shape: number[];
}

/** One input tensor of an infer request. */
export interface RequestInput {
  name: string;
  shape: number[];
  datatype: KserveDatatype;
  data: (string | number)[];
}

/** An infer request. */
export interface InferRequest {
  id: string;
  inputs: RequestInput[];
  outputs: { name: string }[];
}

/** What a metadata check found. */
export interface MetadataCheck {
  /** Shape to send for each input. */
  shapes: Record<HandoffInputName, number[]>;
  /** Things that may still work but deserve a log line (extra model inputs, for instance). */
  warnings: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((d) => Number.isSafeInteger(d) && d >= -1);
}

function listTensors(value: unknown): MetadataTensor[] | null {
  if (!Array.isArray(value)) return null;
  const out: MetadataTensor[] = [];
  for (const t of value) {
    if (!isObject(t) || typeof t.name !== 'string' || typeof t.datatype !== 'string' || !isShape(t.shape)) return null;
    out.push({ name: t.name, datatype: t.datatype, shape: t.shape });
  }
  return out;
}

/** Number of elements of a shape (1 for `[]`). */
export function getElementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Checks that model `model`'s metadata declares the hand-off inputs (name, datatype, one element
 * once variable dimensions are 1) and the `ack` output.
 * @throws Error listing every mismatch, e.g. `triton: model "m" does not take viewforge shards:
 *   input "records" is FP32, expected INT64; output "ack" is missing. See deploy/triton/.`
 */
export function checkModelMetadata(metadata: unknown, model: string): MetadataCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const inputs = isObject(metadata) ? listTensors(metadata.inputs) : null;
  const outputs = isObject(metadata) ? listTensors(metadata.outputs ?? []) : null;
  if (inputs === null || outputs === null) {
    throw new Error(`${NAME}: the metadata of model "${model}" is not KServe v2 model metadata (no inputs/outputs lists of {name, datatype, shape})`);
  }
  const shapes = {} as Record<HandoffInputName, number[]>;
  for (const want of HANDOFF_INPUTS) {
    const got = inputs.find((t) => t.name === want.name);
    if (got === undefined) {
      problems.push(`input "${want.name}" (${want.datatype}) is missing`);
      continue;
    }
    if (got.datatype !== want.datatype) problems.push(`input "${want.name}" is ${got.datatype}, expected ${want.datatype}`);
    const shape = got.shape.map((d) => (d === -1 ? 1 : d));
    if (getElementCount(shape) !== 1) {
      problems.push(`input "${want.name}" has shape ${JSON.stringify(got.shape)}, expected one element ([1], or [-1, 1] with batching)`);
    }
    shapes[want.name] = shape;
  }
  for (const t of inputs) {
    if (!HANDOFF_INPUTS.some((w) => w.name === t.name)) warnings.push(`${NAME}: model "${model}" declares input "${t.name}", which viewforge does not send; it must be optional`);
  }
  const ack = outputs.find((t) => t.name === ACK_OUTPUT.name);
  if (ack === undefined) problems.push(`output "${ACK_OUTPUT.name}" (${ACK_OUTPUT.datatype}) is missing`);
  else if (ack.datatype !== ACK_OUTPUT.datatype) problems.push(`output "${ACK_OUTPUT.name}" is ${ack.datatype}, expected ${ACK_OUTPUT.datatype}`);
  if (problems.length > 0) {
    throw new Error(`${NAME}: model "${model}" does not take viewforge shards: ${problems.join('; ')}. See deploy/triton/ for a model config that does.`);
  }
  return { shapes, warnings };
}

/** The request id of a shard: `<dataset>/<path>@<sha256[0:16]>` (stable across retries and reruns). */
export function getInferRequestId(shard: Pick<ShardDelivery, 'dataset' | 'path' | 'sha256'>): string {
  return `${shard.dataset}/${shard.path}@${shard.sha256.slice(0, 16)}`;
}

/** Builds the infer request that hands over `shard`, stored at `shardUri`. */
export function buildInferRequest(shard: ShardDelivery, shardUri: string, shapes: MetadataCheck['shapes']): InferRequest {
  const values: Record<HandoffInputName, string | number> = {
    shard_uri: shardUri,
    sha256: shard.sha256,
    records: shard.records,
    kind: shard.kind,
    dataset: shard.dataset,
  };
  return {
    id: getInferRequestId(shard),
    inputs: HANDOFF_INPUTS.map((i) => ({ name: i.name, shape: [...shapes[i.name]], datatype: i.datatype, data: [values[i.name]] })),
    outputs: [{ name: ACK_OUTPUT.name }],
  };
}

/** Flattens nested tensor data (row-major) into a list of elements. */
export function flattenTensorData(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flatMap((d) => flattenTensorData(d)) : [data];
}

/** What an acknowledging response said. */
export interface AckReading {
  /** The `ack` value (the shard's sha256). */
  ack: string;
  modelName: string;
  modelVersion: string | null;
}

/**
 * Reads the acknowledgement out of a 200 infer response (pure).
 * @throws Error saying why the response does not acknowledge the request's shard.
 */
export function readAck(body: unknown, request: InferRequest, expectedSha256: string): AckReading {
  const why = (reason: string) => new Error(`${NAME}: the response to request "${request.id}" does not acknowledge the shard: ${reason}`);
  if (!isObject(body)) throw why('the body is not a JSON object');
  if (body.id !== undefined && body.id !== request.id) throw why(`it answers request "${String(body.id)}"`);
  if (!Array.isArray(body.outputs)) throw why('it has no "outputs" list');
  const out = body.outputs.find((o: unknown) => isObject(o) && o.name === ACK_OUTPUT.name) as Record<string, unknown> | undefined;
  if (out === undefined) throw why(`it has no "${ACK_OUTPUT.name}" output`);
  if (out.datatype !== ACK_OUTPUT.datatype) throw why(`output "${ACK_OUTPUT.name}" is ${String(out.datatype)}, expected ${ACK_OUTPUT.datatype}`);
  const data = flattenTensorData(out.data);
  if (data.length !== 1 || typeof data[0] !== 'string') throw why(`output "${ACK_OUTPUT.name}" should hold one string, got ${JSON.stringify(out.data)}`);
  if (data[0] !== expectedSha256) throw why(`"${ACK_OUTPUT.name}" is "${data[0]}", expected the shard's sha256 ${expectedSha256}`);
  return {
    ack: data[0],
    modelName: typeof body.model_name === 'string' ? body.model_name : '',
    modelVersion: typeof body.model_version === 'string' ? body.model_version : null,
  };
}

/**
 * The message of a failed response: the protocol's `{"error": "<message>"}` when the body is
 * one, else the body text (first 300 characters), else the status line.
 */
export function readErrorMessage(status: number, statusText: string, bodyText: string): string {
  const head = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const text = bodyText.trim();
  if (text === '') return head;
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body) && typeof body.error === 'string') return `${head}: ${body.error}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `${head}: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}
