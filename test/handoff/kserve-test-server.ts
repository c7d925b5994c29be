/**
 * A KServe v2 (Open Inference Protocol) HTTP server for the hand-off tests: a real `node:http`
 * server on 127.0.0.1 (port 0, then kept across stop/restart) serving
 *
 * - `GET /v2/health/live`, `GET /v2/health/ready` (200 ready, 400 not, empty body when ready),
 * - `GET /v2/models/<m>/ready`, `GET /v2/models/<m>` (metadata), `POST /v2/models/<m>/infer`,
 *
 * with errors as `{"error": "…"}`. Every infer request is validated against the protocol on its
 * own terms (this file does not use the pipeline's protocol code): JSON object, `id` a string,
 * each input `{name, shape, datatype, data}` with a known datatype, `data` (flat or nested) of
 * exactly `product(shape)` elements of the datatype's JSON type, every declared input present
 * once with the declared datatype and a compatible shape (`-1` = any), requested outputs
 * declared. An invalid request gets 400 and lands in `invalid`, so tests assert it stays empty.
 *
 * The model acknowledges like `deploy/triton/`'s example: output `ack` = the request's `sha256`;
 * a repeated request id is acknowledged again and counted as a duplicate, not as new.
 *
 * Hooks to script a test: `serverNotReadyPolls` / `modelNotReadyPolls` (answer "not ready" that
 * many times), `script` (what to do with the next infer requests: a status with an error body, a
 * hang, a dropped connection before or after accepting, a wrong ack), `stop()` / `restart()`
 * (connection refused in between), `token` (require `Authorization: Bearer <token>`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

/** What to do with one infer request (after validation). */
export type InferStep =
  /** Answer with this status and `{"error": error}` (and `Retry-After` when given). */
  | { status: number; error?: string; retryAfterS?: number }
  /** Wait, then answer normally (the client may have given up). */
  | { hangMs: number }
  /** Close the connection without an answer, before or after taking the shard. */
  | { drop: 'before' | 'after' }
  /** Answer 200 with this ack value instead of the sha256. */
  | { ack: string };

/** A valid infer request the server took. */
export interface ReceivedShard {
  id: string;
  shardUri: string;
  sha256: string;
  records: number;
  kind: string;
  dataset: string;
  /** False when this request id had been taken before. */
  isNew: boolean;
}

export interface KserveTestServerOptions {
  /** @default "viewforge_handoff" */
  model?: string;
  /** Require `Authorization: Bearer <token>` on every request. */
  token?: string;
  /** Declare inputs as `[-1, 1]` (Triton with max_batch_size > 0) instead of `[1]`. */
  batching?: boolean;
  /** Replace the declared inputs. */
  inputs?: TensorSpec[];
  /** Answer `Connection: close`, so clients keep no idle connection to reuse after a stop. @default true */
  keepAlive?: boolean;
}

const DATATYPES = new Set(['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES']);

function flatten(data: unknown): unknown[] {
  return Array.isArray(data) ? data.flatMap(flatten) : [data];
}

function elementOk(datatype: string, v: unknown): boolean {
  if (datatype === 'BYTES') return typeof v === 'string';
  if (datatype === 'BOOL') return typeof v === 'boolean';
  if (datatype.startsWith('FP')) return typeof v === 'number';
  if (datatype.startsWith('UINT')) return Number.isSafeInteger(v) && (v as number) >= 0;
  return Number.isSafeInteger(v);
}

/** Checks an infer request body against the protocol and the model's declared inputs; returns the problem or null. */
export function validateInferRequest(body: unknown, inputs: TensorSpec[], outputs: TensorSpec[]): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request body must be a JSON object';
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!['id', 'parameters', 'inputs', 'outputs'].includes(key)) return `unexpected field "${key}" in inference request`;
  if (b.id !== undefined && typeof b.id !== 'string') return '"id" must be a string';
  if (b.parameters !== undefined && (typeof b.parameters !== 'object' || b.parameters === null)) return '"parameters" must be an object';
  if (!Array.isArray(b.inputs) || b.inputs.length === 0) return '"inputs" must be a non-empty array';
  const seen = new Set<string>();
  for (const raw of b.inputs) {
    if (typeof raw !== 'object' || raw === null) return 'each input must be an object';
    const t = raw as Record<string, unknown>;
    if (typeof t.name !== 'string') return 'input without a string "name"';
    if (seen.has(t.name)) return `input "${t.name}" given twice`;
    seen.add(t.name);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `input "${t.name}": "shape" must be an array of non-negative integers`;
    if (typeof t.datatype !== 'string' || !DATATYPES.has(t.datatype)) return `input "${t.name}": unknown datatype ${JSON.stringify(t.datatype)}`;
    if (!('data' in t)) return `input "${t.name}": no "data"`;
    const elements = flatten(t.data);
    const expected = (t.shape as number[]).reduce((n, d) => n * d, 1);
    if (elements.length !== expected) return `input "${t.name}": shape ${JSON.stringify(t.shape)} needs ${expected} elements, got ${elements.length}`;
    if (!elements.every((v) => elementOk(t.datatype as string, v))) return `input "${t.name}": data does not match datatype ${t.datatype}`;
    const declared = inputs.find((d) => d.name === t.name);
    if (declared === undefined) return `unexpected inference input "${t.name}"`;
    if (declared.datatype !== t.datatype) return `input "${t.name}": datatype ${t.datatype}, model expects ${declared.datatype}`;
    const shape = t.shape as number[];
    if (shape.length !== declared.shape.length || shape.some((d, i) => declared.shape[i] !== -1 && declared.shape[i] !== d)) {
      return `input "${t.name}": shape ${JSON.stringify(shape)}, model expects ${JSON.stringify(declared.shape)}`;
    }
  }
  for (const d of inputs) if (!seen.has(d.name)) return `expected input "${d.name}" is missing`;
  if (b.outputs !== undefined) {
    if (!Array.isArray(b.outputs)) return '"outputs" must be an array';
    for (const o of b.outputs) {
      const name = (o as { name?: unknown })?.name;
      if (typeof name !== 'string') return 'requested output without a string "name"';
      if (!outputs.some((d) => d.name === name)) return `unknown requested output "${name}"`;
    }
  }
  return null;
}

/** The KServe v2 test server; see the file header. */
export class KserveTestServer {
  readonly model: string;
  readonly token: string | undefined;
  readonly inputs: TensorSpec[];
  readonly keepAlive: boolean;
  readonly outputs: TensorSpec[] = [{ name: 'ack', datatype: 'BYTES', shape: [1] }];
  /** Answer "not ready" to this many more `/v2/health/ready` probes. */
  serverNotReadyPolls = 0;
  /** Answer "not ready" to this many more `/v2/models/<m>/ready` probes. */
  modelNotReadyPolls = 0;
  /** Steps for the next infer requests, consumed one per request; `null` or an empty script = answer normally. */
  readonly script: (InferStep | null)[] = [];
  /** Every request: method, path, status answered (0 when dropped), whether it carried the right token. */
  readonly log: { method: string; path: string; status: number; authorized: boolean }[] = [];
  /** Every valid infer request taken. */
  readonly received: ReceivedShard[] = [];
  /** Problems found in infer requests (each answered 400). */
  readonly invalid: string[] = [];
  /** Raw authorization headers seen (to prove a token is sent as a header and nothing else). */
  readonly authHeaders: string[] = [];
  private readonly takenIds = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private server: Server;
  private port = 0;

  private constructor(options: KserveTestServerOptions) {
    this.model = options.model ?? 'viewforge_handoff';
    this.token = options.token;
    this.keepAlive = options.keepAlive ?? true;
    const shape = options.batching ? [-1, 1] : [1];
    this.inputs = options.inputs ?? [
      { name: 'shard_uri', datatype: 'BYTES', shape },
      { name: 'sha256', datatype: 'BYTES', shape },
      { name: 'records', datatype: 'INT64', shape },
      { name: 'kind', datatype: 'BYTES', shape },
      { name: 'dataset', datatype: 'BYTES', shape },
    ];
    if (options.batching) this.outputs[0].shape = [-1, 1];
    this.server = this.createServer();
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  static async start(options: KserveTestServerOptions = {}): Promise<KserveTestServer> {
    const s = new KserveTestServer(options);
    await s.listen(0);
    return s;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Request ids taken as new, in order. */
  listNewShas(): string[] {
    return this.received.filter((r) => r.isNew).map((r) => r.sha256);
  }

  /** True while the server accepts connections. */
  get listening(): boolean {
    return this.server.listening;
  }

  /** Stops listening and drops every open connection (clients then get "connection refused"). */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    this.server = this.createServer();
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('kserve-test-server: no port');
    this.port = address.port;
  }

  private createServer(): Server {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((err) => {
        if (!res.headersSent) this.reply(req, res, 500, { error: String(err) });
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}): void {
    this.log.push({ method: req.method ?? '', path: req.url ?? '', status, authorized: this.isAuthorized(req) });
    const text = body === undefined ? '' : JSON.stringify(body);
    const connection: Record<string, string> = this.keepAlive ? {} : { connection: 'close' };
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...connection, ...headers });
    res.end(text);
  }

  private isAuthorized(req: IncomingMessage): boolean {
    return this.token === undefined || req.headers.authorization === `Bearer ${this.token}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    if (req.headers.authorization !== undefined) this.authHeaders.push(req.headers.authorization);
    if (!this.isAuthorized(req)) return this.reply(req, res, 401, { error: 'missing or invalid bearer token' });
    const path = (req.url ?? '').split('?')[0];
    const modelPath = `/v2/models/${this.model}`;
    if (req.method === 'GET' && path === '/v2/health/live') return this.reply(req, res, 200);
    if (req.method === 'GET' && path === '/v2/health/ready') {
      if (this.serverNotReadyPolls > 0) {
        this.serverNotReadyPolls--;
        return this.reply(req, res, 400, { error: 'server is not ready' });
      }
      return this.reply(req, res, 200);
    }
    const m = /^\/v2\/models\/([^/]+)(\/ready|\/infer)?$/.exec(path);
    if (m === null) return this.reply(req, res, 404, { error: `no route for ${req.method} ${path}` });
    if (decodeURIComponent(m[1]) !== this.model) return this.reply(req, res, 404, { error: `Request for unknown model: '${decodeURIComponent(m[1])}' is not found` });
    if (req.method === 'GET' && m[2] === '/ready') {
      if (this.modelNotReadyPolls > 0) {
        this.modelNotReadyPolls--;
        return this.reply(req, res, 400, { error: `model '${this.model}' is not ready` });
      }
      return this.reply(req, res, 200);
    }
    if (req.method === 'GET' && m[2] === undefined) {
      return this.reply(req, res, 200, { name: this.model, versions: ['1'], platform: 'python', inputs: this.inputs, outputs: this.outputs });
    }
    if (req.method === 'POST' && path === `${modelPath}/infer`) return this.infer(req, res, bodyText);
    return this.reply(req, res, 405, { error: `method ${req.method} not allowed on ${path}` });
  }

  private async infer(req: IncomingMessage, res: ServerResponse, bodyText: string): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      this.invalid.push('body is not JSON');
      return this.reply(req, res, 400, { error: 'failed to parse the request JSON buffer' });
    }
    const problem = validateInferRequest(body, this.inputs, this.outputs);
    if (problem !== null) {
      this.invalid.push(problem);
      return this.reply(req, res, 400, { error: problem });
    }
    const b = body as { id?: string; inputs: { name: string; data: unknown }[] };
    const value = (name: string) => flatten(b.inputs.find((i) => i.name === name)!.data)[0];
    const step = this.script.shift() ?? undefined;
    if (step !== undefined && 'status' in step) {
      return this.reply(req, res, step.status, { error: step.error ?? `scripted ${step.status}` }, step.retryAfterS === undefined ? {} : { 'retry-after': String(step.retryAfterS) });
    }
    if (step !== undefined && 'hangMs' in step) await delay(step.hangMs);
    if (step !== undefined && 'drop' in step && step.drop === 'before') {
      this.log.push({ method: 'POST', path: req.url ?? '', status: 0, authorized: true });
      req.socket.destroy();
      return;
    }
    const id = b.id ?? '';
    const sha256 = value('sha256') as string;
    const isNew = !this.takenIds.has(id);
    this.takenIds.add(id);
    this.received.push({ id, shardUri: value('shard_uri') as string, sha256, records: value('records') as number, kind: value('kind') as string, dataset: value('dataset') as string, isNew });
    if (step !== undefined && 'drop' in step) {
      this.log.push({ method: 'POST', path: req.url ?? '', status: 0, authorized: true });
      req.socket.destroy();
      return;
    }
    if (res.destroyed || req.socket.destroyed) return;
    const ack = step !== undefined && 'ack' in step ? step.ack : sha256;
    const shape = this.outputs[0].shape.map((d) => (d === -1 ? 1 : d));
    this.reply(req, res, 200, { model_name: this.model, model_version: '1', id, outputs: [{ name: 'ack', datatype: 'BYTES', shape, data: [ack] }] });
  }
}
