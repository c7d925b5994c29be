import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { pageBundle } from '../../renderers/chromium/page-bundle.js';
import { PageServer } from '../../renderers/chromium/page-server.js';

describe('PageServer', () => {
  let server: PageServer;
  beforeAll(async () => {
    server = await PageServer.start({ script: 'console.log("page")' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('listens on loopback only and serves the page with its security policy', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(server.pageUrl('7', { canvas: 'dom' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(
      `connect-src http: https: blob: data: ws://127.0.0.1:${new URL(server.origin).port}; object-src 'none'; worker-src blob:; base-uri 'none'`,
    );
    expect(await response.text()).toContain('<script src="/page.js"></script>');
    expect(server.pageUrl('7', { canvas: 'dom' })).toBe(`${server.origin}/?page=7&canvas=dom`);
  });

  it('serves the script, 404 elsewhere, 405 for other methods', async () => {
    const script = await fetch(`${server.origin}/page.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log("page")');
    expect((await fetch(`${server.origin}/other`)).status).toBe(404);
    expect((await fetch(`${server.origin}/`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('tells its own URLs from others', () => {
    expect(server.isOwnUrl(`${server.origin}/page.js`)).toBe(true);
    expect(server.isOwnUrl(`${server.origin.replace('http:', 'ws:')}/ws?page=1`)).toBe(true);
    expect(server.isOwnUrl('http://127.0.0.1:1/page.js')).toBe(false);
    expect(server.isOwnUrl('http://example.com/')).toBe(false);
    expect(server.isOwnUrl('not a url')).toBe(false);
  });

  it('hands the expected page its socket and refuses unknown pages', async () => {
    const expected = server.expectSocket('p1', 5000);
    const client = new WebSocket(`${server.origin.replace('http:', 'ws:')}/ws?page=p1`);
    const socket = await expected;
    const received = new Promise<Buffer>((resolve) => socket.once('message', (data) => resolve(data as Buffer)));
    await new Promise((resolve) => client.once('open', resolve));
    client.send(Buffer.from([1, 2, 3]));
    expect([...(await received)]).toEqual([1, 2, 3]);
    client.close();

    const stranger = new WebSocket(`${server.origin.replace('http:', 'ws:')}/ws?page=nobody`);
    const code = await new Promise<number>((resolve) => stranger.once('close', resolve));
    expect(code).toBe(1008);
  });

  it('times out when the page never connects', async () => {
    await expect(server.expectSocket('late', 50)).rejects.toThrow('PageServer: page "late" did not open its WebSocket within 50 ms');
  });
});

describe('pageBundle', () => {
  it('bundles the page once, as an IIFE', async () => {
    const first = pageBundle();
    expect(pageBundle()).toBe(first);
    const script = await first;
    expect(script.length).toBeGreaterThan(100_000);
    expect(script.startsWith('(()=>{') || script.startsWith('"use strict";(()=>{')).toBe(true);
  }, 30_000);
});
