/**
 * `TritonTransport`: hands sealed shards to a model served over the KServe v2 HTTP protocol
 * (NVIDIA Triton Inference Server, KServe, Seldon MLServer…); target
 * `triton:http(s)://host:port#<model>`.
 *
 * - `prepare()`: `GET /v2/health/ready`, then `GET /v2/models/<m>/ready` (200 = ready; any other
 *   status except 401/403/404, or no connection, = not ready yet, a retryable error), then
 *   `GET /v2/models/<m>` and {@link checkModelMetadata}: the model must declare the inputs sent
 *   and the `ack` output, or the hand-off stops before any shard is sent.
 * - `send(shard)`: `POST /v2/models/<m>/infer` with {@link buildInferRequest}; only a 200 whose
 *   `ack` output equals the shard's sha256 ({@link readAck}) acknowledges it. Other statuses
 *   become a {@link HandoffError} carrying the server's `{"error": …}` message, retryable for
 *   5xx and 429 (with `Retry-After`), not for other 4xx. Connection errors and timeouts are
 *   retryable.
 *
 * The shard is not uploaded: `shard_uri` says where the trainer reads it, by default the
 * `file://` URL of the JSONL in the output folder (shared storage), or `shardBaseUri` + path
 * (e.g. `s3://bucket/run-7/sft/shard-00000.jsonl` when the folder is synced there). Image paths
 * in the records are relative to the folder two levels above the JSONL.
 *
 * A bearer token, when given, is sent as `Authorization: Bearer …` and appears in no message,
 * log line, id or receipt.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../logger.js';
import { buildInferRequest, checkModelMetadata, readAck, readErrorMessage, type MetadataCheck } from './kserve-v2.js';
import { HandoffError, isRetryableStatus } from './retry.js';
import type { ShardDelivery } from './shard-delivery.js';
import type { Ack, Transport } from './transport.js';

const NAME = 'triton';

export interface TritonTransportOptions {
  /** Scheme, host, port and path prefix, no trailing slash (from {@link parseHandoffTarget}). */
  baseUrl: string;
  model: string;
  /** Bearer token sent with every request. @default none */
  token?: string;
  /** Prefix of `shard_uri`; the shard path is appended after a "/". @default the file:// URL of the output folder */
  shardBaseUri?: string;
  /** Time limit of an infer request, milliseconds. @default 30000 */
  requestTimeoutMs?: number;
  /** Time limit of a readiness or metadata request, milliseconds. @default 10000 */
  probeTimeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Receives warnings (extra model inputs, a token over plain http). */
  logger?: Logger;
}

/** Default time limits. */
export const TRITON_DEFAULTS = { requestTimeoutMs: 30_000, probeTimeoutMs: 10_000 } as const;

interface HttpReply {
  status: number;
  statusText: string;
  text: string;
  retryAfterMs?: number;
}

/** `Retry-After` in seconds (the date form is ignored). */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

/** The code of a network error as undici reports it (`fetch failed` with a cause). */
function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  const code = e.cause?.code ?? (err as { code?: string }).code;
  const detail = e.cause?.message ?? e.message ?? String(err);
  return code ? `connection failed (${code})` : `connection failed (${detail})`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** KServe v2 hand-off transport; see the file header. */
export class TritonTransport implements Transport {
  readonly id: string;
  private readonly baseUrl: string;
  private readonly model: string;
  private readonly token: string | undefined;
  private readonly shardBaseUri: string | undefined;
  private readonly requestTimeoutMs: number;
  private readonly probeTimeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly logger: Logger | undefined;
  private shapes: MetadataCheck['shapes'] | null = null;
  private warnedToken = false;

  constructor(options: TritonTransportOptions) {
    const { baseUrl, model } = options;
    if (typeof baseUrl !== 'string' || !/^https?:\/\/[^/]/.test(baseUrl) || baseUrl.endsWith('/')) {
      throw new TypeError(`TritonTransport: expected baseUrl like "http://host:8000" (http or https, no trailing slash), got ${JSON.stringify(baseUrl)}`);
    }
    if (typeof model !== 'string' || model === '') throw new TypeError(`TritonTransport: expected a model name, got ${JSON.stringify(model)}`);
    for (const key of ['requestTimeoutMs', 'probeTimeoutMs'] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new TypeError(`TritonTransport: expected ${key} to be a positive number, got ${v}`);
    }
    this.baseUrl = baseUrl;
    this.model = model;
    this.id = `triton:${baseUrl}#${model}`;
    this.token = options.token === '' ? undefined : options.token;
    this.shardBaseUri = options.shardBaseUri?.replace(/\/+$/, '');
    this.requestTimeoutMs = options.requestTimeoutMs ?? TRITON_DEFAULTS.requestTimeoutMs;
    this.probeTimeoutMs = options.probeTimeoutMs ?? TRITON_DEFAULTS.probeTimeoutMs;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.logger = options.logger;
  }

  /** Waits for nothing itself: one pass of readiness and metadata checks; the queue retries it while it is retryable. */
  async prepare(): Promise<void> {
    if (this.token !== undefined && !this.warnedToken && this.baseUrl.startsWith('http:') && !isLoopback(new URL(this.baseUrl).hostname)) {
      this.warnedToken = true;
      this.logger?.warn(`${NAME}: sending the bearer token to ${this.baseUrl} over plain http; use https`);
    }
    const modelPath = `/v2/models/${encodeURIComponent(this.model)}`;
    await this.probeReady('/v2/health/ready', 'the server');
    await this.probeReady(`${modelPath}/ready`, `model "${this.model}"`);
    const reply = await this.call('GET', modelPath, undefined, this.probeTimeoutMs);
    if (reply.status !== 200) {
      throw new HandoffError(`${NAME}: GET ${this.baseUrl}${modelPath} (model metadata) failed: ${readErrorMessage(reply.status, reply.statusText, reply.text)}`, {
        retryable: isRetryableStatus(reply.status),
        status: reply.status,
        retryAfterMs: reply.retryAfterMs,
      });
    }
    let check: MetadataCheck;
    try {
      check = checkModelMetadata(JSON.parse(reply.text), this.model);
    } catch (err) {
      const message = err instanceof SyntaxError ? `${NAME}: the metadata of model "${this.model}" is not JSON` : (err as Error).message;
      throw new HandoffError(message, { retryable: false, cause: err });
    }
    for (const w of check.warnings) this.logger?.warn(w);
    this.shapes = check.shapes;
  }

  /** Sends one infer request for `shard`; see the file header. */
  async send(shard: ShardDelivery): Promise<Ack> {
    if (this.shapes === null) throw new Error('TritonTransport: send() before a successful prepare()');
    const request = buildInferRequest(shard, this.getShardUri(shard), this.shapes);
    const path = `/v2/models/${encodeURIComponent(this.model)}/infer`;
    const reply = await this.call('POST', path, JSON.stringify(request), this.requestTimeoutMs);
    if (reply.status !== 200) {
      throw new HandoffError(`${NAME}: ${shard.path} was not accepted by ${this.id}: ${readErrorMessage(reply.status, reply.statusText, reply.text)}`, {
        retryable: isRetryableStatus(reply.status),
        status: reply.status,
        retryAfterMs: reply.retryAfterMs,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch (err) {
      throw new HandoffError(`${NAME}: the response to ${shard.path} is not JSON`, { retryable: false, cause: err });
    }
    try {
      const ack = readAck(body, request, shard.sha256);
      return { sha256: ack.ack, receipt: `${ack.modelName || this.model}/${ack.modelVersion ?? '-'} id=${request.id}` };
    } catch (err) {
      throw new HandoffError((err as Error).message, { retryable: false, cause: err });
    }
  }

  /** `shard_uri` of a shard. */
  getShardUri(shard: Pick<ShardDelivery, 'outDir' | 'path'>): string {
    if (this.shardBaseUri !== undefined) return `${this.shardBaseUri}/${shard.path}`;
    return pathToFileURL(resolve(shard.outDir, shard.path)).href;
  }

  private async probeReady(path: string, what: string): Promise<void> {
    const reply = await this.call('GET', path, undefined, this.probeTimeoutMs);
    if (reply.status === 200) return;
    const message = `${NAME}: ${what} at ${this.baseUrl} is not ready (GET ${path}: ${readErrorMessage(reply.status, reply.statusText, reply.text)})`;
    const fatal = reply.status === 401 || reply.status === 403 || reply.status === 404;
    throw new HandoffError(fatal ? `${message}; check the URL, model name and --handoff-token-env` : message, { retryable: !fatal, status: reply.status });
  }

  private async call(method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<HttpReply> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const url = `${this.baseUrl}${path}`;
    try {
      const res = await this.fetchFn(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.text();
      return { status: res.status, statusText: res.statusText, text, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
    } catch (err) {
      const why = describeNetworkError(err);
      const limit = why === 'timed out' ? ` after ${timeoutMs} ms` : '';
      throw new HandoffError(`${NAME}: ${method} ${url}: ${why}${limit}`, { retryable: true, cause: err });
    }
  }
}
