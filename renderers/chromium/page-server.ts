/**
 * Loopback HTTP + WebSocket server for the render pages: serves the HTML page and the bundled
 * script, and accepts one WebSocket per page for job messages and binary pixel transfer.
 * Binds 127.0.0.1 on a free port; the browser's request interceptor aborts everything that is
 * not addressed to {@link PageServer.origin}.
 */
import { createReadStream } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { isInside } from '../../assets/library/index-library.js';
import { ASSETS_PREFIX } from '../asset-url.js';

/** Options of {@link PageServer.start}. */
export interface PageServerOptions {
  /** The page script, as returned by `pageBundle()`. */
  script: string;
  /** Largest WebSocket message accepted, bytes. @default 268435472 (one 8192² RGBA view and its 16-byte header) */
  maxPayloadBytes?: number;
  /**
   * Asset library files the pages may load (`--assets`): `filesOf(i)` lists the files of asset `i`
   * (root-relative, `/`-separated), served at `/assets/<i>/<file>` — only those, and only while
   * their real path stays inside `root`.
   */
  assets?: AssetRoutes;
  /** HDR environment maps the pages may load (`--env`), served at `/env/<file>` — only the listed files, only inside `root`. */
  envMaps?: EnvMapRoutes;
}

/** What {@link PageServer} serves under `/env/`: `.hdr` files directly inside one folder. */
export interface EnvMapRoutes {
  /** Real path of the `--env` folder. */
  root: string;
  /** File names (no folders) of the maps. */
  files: readonly string[];
}

/** Route prefix of environment maps: `/env/<file name>` (percent-encoded). */
export const ENV_PREFIX = '/env/';

/** The file an `/env/<name>` path names when `envMaps` lists it; else null. */
export function parseEnvPath(path: string, envMaps: EnvMapRoutes | undefined): string | null {
  if (envMaps === undefined || !path.startsWith(ENV_PREFIX)) return null;
  try {
    const name = decodeURIComponent(path.slice(ENV_PREFIX.length));
    return envMaps.files.includes(name) ? name : null;
  } catch {
    return null;
  }
}

/** What {@link PageServer} serves under `/assets/`. */
export interface AssetRoutes {
  /** Real path of the library root. */
  root: string;
  /** The files of asset `index` (relative to the root), or undefined when there is no such asset. */
  filesOf(index: number): readonly string[] | undefined;
}

/** Route prefix of the Draco decoder files, served from three's `examples/jsm/libs/draco/`. */
export const DRACO_PREFIX = '/decoders/draco/';
const DRACO_DIR = fileURLToPath(new URL('../../node_modules/three/examples/jsm/libs/draco/', import.meta.url));
/** The Draco decoder files the page's DRACOLoader asks for (wasm build). */
const DRACO_FILES = new Set(['draco_wasm_wrapper.js', 'draco_decoder.wasm', 'draco_decoder.js']);
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ktx2': 'image/ktx2',
  '.wasm': 'application/wasm',
  '.js': 'text/javascript; charset=utf-8',
};

interface Waiter {
  resolve(socket: WebSocket): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const PAGE_PATH = '/';
const SCRIPT_PATH = '/page.js';
const SOCKET_PATH = '/ws';

/** Owns the loopback server the render pages load from and talk to. */
export class PageServer {
  /** `http://127.0.0.1:<port>`, the only origin the pages may reach. */
  readonly origin: string;
  /**
   * Policy sent with the page. The browser's request interceptor sees HTTP(S) requests but not
   * WebSocket handshakes, so `connect-src` lets WebSockets reach this server only; HTTP(S)
   * stays allowed here so that the interceptor (which counts) is the one that blocks it.
   */
  readonly contentSecurityPolicy: string;
  /** Count of HTTP requests served (page, script, favicon, unknown paths). */
  requestsServed = 0;
  /** Of those, requests for library asset files (`/assets/…`): a model loaded by a page costs one for its model file. */
  assetRequests = 0;
  private readonly waiters = new Map<string, Waiter>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly assets: AssetRoutes | undefined,
    private readonly envMaps: EnvMapRoutes | undefined,
  ) {
    const { port } = http.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    // blob:/data: stay inside the page (GLTFLoader fetches embedded GLB images through blob: URLs); workers from blob: only
    // (three's DRACOLoader builds its decoder workers from the served wrapper script).
    this.contentSecurityPolicy = `connect-src http: https: blob: data: ws://127.0.0.1:${port}; object-src 'none'; worker-src blob:; base-uri 'none'`;
    wss.on('connection', (socket, request) => this.onConnection(socket, request));
  }

  /** Starts the server on 127.0.0.1 with an ephemeral port. */
  static async start(options: PageServerOptions): Promise<PageServer> {
    if (typeof options.script !== 'string' || options.script.length === 0) {
      throw new TypeError('PageServer: expected `script` to be the non-empty page bundle');
    }
    const html = pageHtml();
    const assets = options.assets;
    const http = createServer((request, response) => {
      server.requestsServed += 1;
      if ((request.url ?? '').startsWith(ASSETS_PREFIX)) server.assetRequests += 1;
      serve(request, response, html, options.script, server.contentSecurityPolicy, assets, options.envMaps);
    });
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes ?? 16 + 8192 * 8192 * 4,
      perMessageDeflate: false,
    });
    http.on('upgrade', (request, socket, head) => {
      if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== SOCKET_PATH) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    const server = new PageServer(http, wss, assets, options.envMaps);
    return server;
  }

  /** URL a page with id `pageId` loads; `query` adds page options (e.g. `canvas=dom`). */
  pageUrl(pageId: string, query: Record<string, string> = {}): string {
    const params = new URLSearchParams({ page: pageId, ...query });
    return `${this.origin}${PAGE_PATH}?${params.toString()}`;
  }

  /**
   * True when `url` is one this server serves: same origin, and the page, its script, the
   * WebSocket, a Draco decoder file, or a file of a library asset (`/assets/<i>/<file>` naming a
   * listed file). The browser's request blocking lets exactly these through.
   */
  isOwnUrl(url: string): boolean {
    try {
      const parsed = new URL(url);
      if (parsed.origin === this.origin.replace('http:', 'ws:')) return parsed.pathname === SOCKET_PATH;
      if (parsed.origin !== this.origin) return false;
      const path = parsed.pathname;
      if (path === PAGE_PATH || path === SCRIPT_PATH || path === SOCKET_PATH) return true;
      if (path.startsWith(DRACO_PREFIX)) return DRACO_FILES.has(path.slice(DRACO_PREFIX.length));
      if (parseEnvPath(path, this.envMaps) !== null) return true;
      return this.assets !== undefined && parseAssetPath(path, this.assets) !== null;
    } catch {
      return false;
    }
  }

  /**
   * Resolves with the WebSocket the page `pageId` opens. Call it before loading the page.
   * Rejects after `timeoutMs`, or when the server closes.
   */
  expectSocket(pageId: string, timeoutMs: number): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(pageId);
        reject(new Error(`PageServer: page "${pageId}" did not open its WebSocket within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(pageId, { resolve, reject, timer });
    });
  }

  /** Stops accepting connections and closes every open socket. */
  async close(): Promise<void> {
    for (const [pageId, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`PageServer: closed while waiting for page "${pageId}"`));
    }
    this.waiters.clear();
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onConnection(socket: WebSocket, request: IncomingMessage): void {
    const pageId = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('page') ?? '';
    const waiter = this.waiters.get(pageId);
    if (!waiter) {
      socket.close(1008, 'unexpected page');
      return;
    }
    this.waiters.delete(pageId);
    clearTimeout(waiter.timer);
    waiter.resolve(socket);
  }
}

function pageHtml(): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8"><title>viewforge render page</title>' +
    '<link rel="icon" href="data:,"></head><body style="margin:0;background:#000">' +
    `<script src="${SCRIPT_PATH}"></script></body></html>`
  );
}

/**
 * The root-relative file an `/assets/<i>/<file>` path names, when asset `i` lists that file; else
 * null. Each path segment is percent-decoded (a glTF `uri` may be percent-encoded).
 */
export function parseAssetPath(path: string, assets: AssetRoutes): string | null {
  if (!path.startsWith(ASSETS_PREFIX)) return null;
  const rest = path.slice(ASSETS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 1) return null;
  const index = rest.slice(0, slash);
  if (!/^(0|[1-9]\d*)$/.test(index)) return null;
  const files = assets.filesOf(Number(index));
  if (files === undefined) return null;
  let file: string;
  try {
    file = rest.slice(slash + 1).split('/').map(decodeURIComponent).join('/');
  } catch {
    return null;
  }
  return files.includes(file) ? file : null;
}


/** Streams `file` (already allowed) after checking that its real path is a regular file inside `root`. */
async function serveFile(response: ServerResponse, root: string, file: string): Promise<void> {
  const headers = { 'cache-control': 'no-store' };
  try {
    const real = await realpath(join(root, ...file.split('/')));
    if (!isInside(root, real) || !(await lstat(real)).isFile()) {
      response.writeHead(404, headers).end();
      return;
    }
    const type = CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
    response.writeHead(200, { ...headers, 'content-type': type });
    createReadStream(real)
      .on('error', () => response.destroy())
      .pipe(response);
  } catch {
    if (!response.headersSent) response.writeHead(404, headers).end();
    else response.destroy();
  }
}

function serve(request: IncomingMessage, response: ServerResponse, html: string, script: string, csp: string, assets: AssetRoutes | undefined, envMaps?: EnvMapRoutes): void {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const headers = { 'cache-control': 'no-store' };
  if (request.method !== 'GET') {
    response.writeHead(405, headers).end();
  } else if (path === PAGE_PATH) {
    response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(html);
  } else if (path === SCRIPT_PATH) {
    response.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(script);
  } else if (path.startsWith(DRACO_PREFIX) && DRACO_FILES.has(path.slice(DRACO_PREFIX.length))) {
    void serveFile(response, DRACO_DIR, path.slice(DRACO_PREFIX.length));
  } else if (envMaps !== undefined && parseEnvPath(path, envMaps) !== null) {
    void serveFile(response, envMaps.root, parseEnvPath(path, envMaps)!);
  } else if (assets !== undefined && parseAssetPath(path, assets) !== null) {
    void serveFile(response, assets.root, parseAssetPath(path, assets)!);
  } else {
    response.writeHead(404, headers).end();
  }
}
