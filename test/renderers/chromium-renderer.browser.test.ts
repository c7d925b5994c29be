/**
 * ChromiumRenderer with real Chromium and real WebGL: determinism, isolation from the network,
 * resource use over many jobs, and repair of crashed or hung pages.
 */
import type { Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectSpec, RawImage } from '../../pipeline/types.js';
import { measureCeiling } from '../../renderers/chromium/ceiling.js';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';
import { gadgetJobs, gadgetObject, jobOf, camera } from './fixtures.js';

/**
 * Hangs a page's main thread from its next task on: the timer is queued before `evaluate`
 * returns, so it runs before any job message sent afterwards.
 */
async function hang(page: Page): Promise<void> {
  await page.evaluate(() => void setTimeout(() => { for (;;); }, 0));
}

const same = (a: RawImage, b: RawImage) => a.width === b.width && a.height === b.height && Buffer.compare(a.rgba!, b.rgba!) === 0;
const warnings: string[] = [];
const logger = { info() {}, warn: (message: string) => void warnings.push(message) };

describe('ChromiumRenderer (2 pages)', () => {
  let renderer: ChromiumRenderer;
  beforeAll(async () => {
    renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 2, logger });
  }, 60_000);
  afterAll(async () => {
    await renderer?.close();
  });

  it('reports what it runs on', () => {
    expect(renderer.info.name).toBe('chromium');
    expect(renderer.info.browserVersion).toMatch(/Chrome\/\d+\./);
    expect(renderer.info.glRenderer).toMatch(/llvmpipe|SwiftShader/);
    expect(['llvmpipe', 'swiftshader']).toContain(renderer.info.glMode);
  });

  it('renders two top-down RGBA views of the job size with an opaque background', async () => {
    const job = { ...gadgetJobs(1, 160)[0], width: 200, height: 160 };
    job.lighting = { ...job.lighting, background: '#336699' };
    const [a, b] = await renderer.render(job);
    for (const img of [a, b]) {
      expect([img.width, img.height, img.rgba!.length]).toEqual([200, 160, 200 * 160 * 4]);
      // Top-left corner is background (#336699 in sRGB), alpha opaque.
      expect([...img.rgba!.subarray(0, 4)]).toEqual([0x33, 0x66, 0x99, 255]);
    }
    expect(same(a, b)).toBe(false);
  });

  it('encodes JPEG and WebP in the page: only the compressed bytes come back, the same pixels as the RGBA render, the same bytes every time', async () => {
    const job = gadgetJobs(2, 128)[1];
    const [rawA] = await renderer.render(job);
    for (const [format, magic] of [['jpeg', 'ffd8ff'], ['webp', '52494646']] as const) {
      const [first, second] = await Promise.all([renderer.render(job, { encode: { format, quality: 90 } }), renderer.render(job, { encode: { format, quality: 90 } })]);
      const a = first[0];
      expect(a.rgba).toBeUndefined();
      expect(Buffer.from(a.encoded!.subarray(0, magic.length / 2)).toString('hex')).toBe(magic);
      expect(Buffer.compare(a.encoded!, second[0].encoded!)).toBe(0);
      // Decoded, the page's image is the RGBA render up to the lossy codec's error.
      const decoded = await sharp(a.encoded!).removeAlpha().raw().toBuffer();
      let diff = 0;
      for (let i = 0, k = 0; i < rawA.rgba!.length; i += 4, k += 3) for (let c = 0; c < 3; c++) diff += Math.abs(rawA.rgba![i + c] - decoded[k + c]);
      expect(diff / (128 * 128 * 3)).toBeLessThan(3);
    }
    await expect(renderer.render(job, { encode: { format: 'jpeg', quality: 0 } })).rejects.toThrow(/quality must be an integer in \[1, 100\]/);
  });

  it('is deterministic: same job twice, on both pages, gives identical bytes', async () => {
    const job = gadgetJobs(3)[2];
    const before = await renderer.gpuStats();
    // Two at once go to the two idle pages; the third runs after them.
    const [first, second] = await Promise.all([renderer.render(job), renderer.render(job)]);
    const third = await renderer.render(job);
    const after = await renderer.gpuStats();
    expect(after.map((s, i) => s.jobs - before[i].jobs).every((n) => n >= 1)).toBe(true);
    for (const other of [second, third]) {
      expect(same(first[0], other[0])).toBe(true);
      expect(same(first[1], other[1])).toBe(true);
    }
  });

  it('draws each job size on its own canvas: the bytes of a job do not depend on the sizes drawn before it, and a page keeps at most 4 canvases', async () => {
    const job = gadgetJobs(3, 96)[1];
    const [first] = await renderer.render(job);
    // Other sizes in between (more than the page keeps), then the same job again.
    for (const size of [112, 64, 200, 144, 80]) await renderer.render({ ...job, width: size, height: size });
    const [again] = await renderer.render(job);
    expect(same(first, again)).toBe(true);
    const canvases = (await renderer.gpuStats()).map((stats) => stats.canvases);
    expect(Math.max(...canvases)).toBeGreaterThan(1);
    expect(Math.max(...canvases)).toBeLessThanOrEqual(4);
  });

  it('spreads concurrent jobs over pages and resolves each with its own images', async () => {
    const jobs = gadgetJobs(8, 128);
    const results = await Promise.all(jobs.map((job) => renderer.render(job)));
    const again = await renderer.render(jobs[5]);
    expect(same(results[5][0], again[0]) && same(results[5][1], again[1])).toBe(true);
    expect(same(results[4][0], results[5][0])).toBe(false);
  });

  it('frees every geometry after a job and compiles no new shaders (no GPU growth)', async () => {
    await Promise.all(gadgetJobs(4, 128).map((job) => renderer.render(job)));
    const before = await renderer.gpuStats();
    await Promise.all(gadgetJobs(24, 128).map((job, i) => renderer.render({ ...job, object: gadgetObject(`other-${i}`) })));
    const after = await renderer.gpuStats();
    for (const [i, stats] of after.entries()) {
      expect(stats.geometries).toBe(0);
      expect(stats.textures).toBe(before[i].textures);
      expect(stats.programs).toBe(before[i].programs);
      expect(stats.programs).toBeLessThanOrEqual(2 * stats.canvases); // one canvas per job size drawn (renderers/page/main.ts)
    }
  });

  it('lets the page reach nothing but its own server', async () => {
    const page = renderer.listPages()[0];
    const aborted = renderer.stats.abortedRequests;
    const violations = renderer.stats.policyViolations;
    const fetched = await page.evaluate(() => fetch('http://example.com/').then(() => 'reached', (error: Error) => `failed: ${error.message}`));
    expect(fetched).toMatch(/^failed/);
    expect(renderer.stats.abortedRequests).toBe(aborted + 1);
    const image = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const img = new Image();
          img.onload = () => resolve('loaded');
          img.onerror = () => resolve('error');
          img.src = 'https://example.com/a.png';
        }),
    );
    expect(image).toBe('error');
    expect(renderer.stats.abortedRequests).toBe(aborted + 2);
    // The request interceptor does not see WebSocket handshakes; the page's CSP blocks them.
    const socket = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket('ws://93.184.215.14/');
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('error');
        }),
    );
    expect(socket).toBe('error');
    await expect.poll(() => renderer.stats.policyViolations).toBe(violations + 1);
    expect(warnings.some((w) => w.includes('blocked a request to http://example.com/'))).toBe(true);
    // The page still works afterwards.
    await renderer.render(gadgetJobs(1, 64)[0]);
  });

  it('rejects a job the page cannot build, without retrying it, and keeps going', async () => {
    const bad: ObjectSpec = { ...gadgetObject(), parts: [{ ...gadgetObject().parts[0], shape: 'pyramid' as never }] };
    const retries = renderer.stats.retries;
    await expect(renderer.render({ ...gadgetJobs(1, 64)[0], id: 'bad-job', object: bad })).rejects.toThrow(
      /ChromiumRenderer: page \d+ failed to render job "bad-job": buildObject: unknown part shape "pyramid"/,
    );
    expect(renderer.stats.retries).toBe(retries);
    await expect(renderer.render({ ...gadgetJobs(1, 64)[0], width: 0 })).rejects.toThrow(/expected width to be an integer in \[1, 8192\], got 0/);
    await renderer.render(gadgetJobs(1, 64)[0]);
  });

  it('replaces a crashed page and the next render succeeds', async () => {
    const job = gadgetJobs(1, 128)[0];
    const reference = await renderer.render(job);
    const replacements = renderer.stats.pageReplacements;
    const session = await renderer.listPages()[0].createCDPSession();
    await session.send('Page.crash').catch(() => {});
    await expect.poll(() => renderer.stats.pageReplacements, { timeout: 10_000 }).toBe(replacements + 1);
    const results = await Promise.all([renderer.render(job), renderer.render(job), renderer.render(job)]);
    for (const result of results) expect(same(result[0], reference[0]) && same(result[1], reference[1])).toBe(true);
    await expect.poll(() => renderer.listPages().length, { timeout: 10_000 }).toBe(2);
  }, 30_000);

  it('retries a job whose page is closed under it', async () => {
    const job = gadgetJobs(2, 256)[1];
    const reference = await renderer.render(job);
    const retries = renderer.stats.retries;
    // Keep both pages busy so the job is still in a page when that page goes away.
    await Promise.all(renderer.listPages().map((page) => hang(page)));
    const pending = renderer.render(job);
    await Promise.all(renderer.listPages().map((page) => page.close()));
    const result = await pending;
    expect(same(result[0], reference[0]) && same(result[1], reference[1])).toBe(true);
    expect(renderer.stats.retries).toBeGreaterThan(retries);
  }, 30_000);

  it('relaunches a browser that died and renders on new pages', async () => {
    await expect.poll(() => renderer.listPages().length, { timeout: 10_000 }).toBe(2);
    const job = gadgetJobs(1, 128)[0];
    const reference = await renderer.render(job);
    const replacements = renderer.stats.pageReplacements;
    const browser = renderer.listPages()[0].browser();
    const gone = new Promise((resolve) => browser.once('disconnected', resolve));
    browser.process()!.kill('SIGKILL');
    await gone;
    const result = await renderer.render(job);
    expect(same(result[0], reference[0]) && same(result[1], reference[1])).toBe(true);
    expect(renderer.stats.pageReplacements).toBe(replacements + 2);
    await expect.poll(() => renderer.listPages().length, { timeout: 10_000 }).toBe(2);
    expect(renderer.info.glRenderer).toMatch(/llvmpipe|SwiftShader/);
  }, 30_000);

  it('measures the render + read-back ceiling in the page', async () => {
    const { imagesPerSecond, images } = await measureCeiling(renderer, gadgetJobs(3, 128));
    expect(images).toBe(6);
    expect(imagesPerSecond).toBeGreaterThan(1);
  });
});

describe('ChromiumRenderer time limits', () => {
  let renderer: ChromiumRenderer;
  beforeAll(async () => {
    renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 1, renderTimeoutMs: 2500, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await renderer?.close();
  });

  it('gives up on a hung page after the time limit (bounded retries), replaces it, and renders again', async () => {
    await hang(renderer.listPages()[0]);
    const job = jobOf('hung', gadgetObject(), [camera({ azimuthDeg: 10 }, 64), camera({ azimuthDeg: 50 }, 64)]);
    await expect(renderer.render(job)).rejects.toThrow(
      /ChromiumRenderer: job "hung" failed 1 times; last time page \d+ failed because job "hung" took longer than 2500 ms/,
    );
    const [a] = await renderer.render(job);
    expect(a.width).toBe(64);
    expect(renderer.stats.pageReplacements).toBe(1);
  }, 30_000);

  it('rejects renders after close', async () => {
    await renderer.close();
    await expect(renderer.render(gadgetJobs(1, 64)[0])).rejects.toThrow('ChromiumRenderer: render() called after close()');
  });
});
