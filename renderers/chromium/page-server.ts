/**
 * Loopback HTTP + WebSocket server for the render pages: serves the HTML page and the bundled
 * script, and accepts one WebSocket per page for job messages and binary pixel transfer.
 * Binds 127.0.0.1 on a free port; the browser's request interceptor aborts everything that is
 * not addressed to {@link PageServer.origin}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Options of {@link PageServer.start}. */
export interface PageServerOptions {
  /** The page script, as returned by `pageBundle()`. */
  script: string;
  /** Largest WebSocket message accepted, bytes. @default 268435472 (one 8192² RGBA view and its 16-byte header) */
  maxPayloadBytes?: number;
}

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
  private readonly waiters = new Map<string, Waiter>();

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
  ) {
    const { port } = http.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    this.contentSecurityPolicy = `connect-src http: https: ws://127.0.0.1:${port}; object-src 'none'; worker-src 'none'; base-uri 'none'`;
    wss.on('connection', (socket, request) => this.onConnection(socket, request));
  }

  /** Starts the server on 127.0.0.1 with an ephemeral port. */
  static async start(options: PageServerOptions): Promise<PageServer> {
    if (typeof options.script !== 'string' || options.script.length === 0) {
      throw new TypeError('PageServer: expected `script` to be the non-empty page bundle');
    }
    const html = pageHtml();
    const http = createServer((request, response) => {
      server.requestsServed += 1;
      serve(request, response, html, options.script, server.contentSecurityPolicy);
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
    const server = new PageServer(http, wss);
    return server;
  }

  /** URL a page with id `pageId` loads; `query` adds page options (e.g. `canvas=dom`). */
  pageUrl(pageId: string, query: Record<string, string> = {}): string {
    const params = new URLSearchParams({ page: pageId, ...query });
    return `${this.origin}${PAGE_PATH}?${params.toString()}`;
  }

  /** True when `url` is served by this server (same origin). */
  isOwnUrl(url: string): boolean {
    try {
      const parsed = new URL(url);
      return parsed.origin === this.origin || parsed.origin === this.origin.replace('http:', 'ws:');
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

function serve(request: IncomingMessage, response: ServerResponse, html: string, script: string, csp: string): void {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const headers = { 'cache-control': 'no-store' };
  if (request.method !== 'GET') {
    response.writeHead(405, headers).end();
  } else if (path === PAGE_PATH) {
    response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(html);
  } else if (path === SCRIPT_PATH) {
    response.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(script);
  } else {
    response.writeHead(404, headers).end();
  }
}
