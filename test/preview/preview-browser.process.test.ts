/**
 * `viewforge preview` end to end: a real data set made by the CLI, the preview page written by
 * the CLI, opened from disk (`file://`) in headless Chromium with every non-file request blocked.
 * Leaves a screenshot in `test-artifacts/preview.png` (git-ignored).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_FLAGS } from '../../renderers/chromium/gl-flags.js';
import { findChromium } from '../../renderers/chromium/find-chromium.js';
import { ROOT, runCli } from '../e2e/run-cli.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const N = 12;

let tmp: string;
let out: string;
let embeddedFile: string;
let browser: Browser;
let answers: Map<string, string>;

/** Opens `file` with every request that is not `file:` or `data:` aborted; resolves to the page and the blocked URLs. */
async function open(file: string): Promise<{ page: Page; blocked: string[] }> {
  const page = await browser.newPage();
  const blocked: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('file:') || url.startsWith('data:')) void req.continue();
    else {
      blocked.push(url);
      void req.abort();
    }
  });
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, blocked };
}

/** Per image: loaded and decoded with a width. */
function imageStates(page: Page): Promise<{ src: string; ok: boolean }[]> {
  return page.$$eval('img', (imgs) => imgs.map((i) => ({ src: i.src.slice(0, 60), ok: i.complete && i.naturalWidth > 0 })));
}

/** Cards shown (not hidden) with their family and answer. */
function visibleCards(page: Page): Promise<{ family: string; answer: string }[]> {
  return page.$$eval('.sample', (cards) =>
    cards
      .filter((c) => getComputedStyle(c).display !== 'none')
      .map((c) => ({ family: c.getAttribute('data-family')!, answer: c.getAttribute('data-answer')! })),
  );
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-preview-'));
  out = join(tmp, 'data');
  const render = await runCli(['render', '--count', '16', '--size', '128', '--shard-size', '8', '--seed', '3', '--out', out]);
  if (render.code !== 0) throw new Error(`render failed: ${render.stderr}`);
  const preview = await runCli(['preview', out, '--n', String(N)]);
  if (preview.code !== 0) throw new Error(`preview failed: ${preview.stderr}`);
  embeddedFile = join(tmp, 'elsewhere', 'embedded.html');
  const embedded = await runCli(['preview', out, '--n', '4', '--embed-images', '--out', embeddedFile]);
  if (embedded.code !== 0) throw new Error(`preview --embed-images failed: ${embedded.stderr}`);
  answers = new Map();
  for (const kind of ['sft', 'rl']) {
    for (const shard of ['00000', '00001']) {
      const text = await readFile(join(out, kind, `shard-${shard}.jsonl`), 'utf8').catch(() => '');
      for (const line of text.split('\n').filter(Boolean)) {
        const r = JSON.parse(line);
        const meta = kind === 'sft' ? r.meta : r.extra_info;
        answers.set(meta.id, meta.answer);
      }
    }
  }
  browser = await puppeteer.launch({ executablePath: findChromium({ env: process.env }), headless: true, args: [...BASE_FLAGS] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('preview.html', () => {
  it('reports what it wrote and holds no external URL', async () => {
    const html = await readFile(join(out, 'preview.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('src="images/00000/');
    const embedded = await readFile(embeddedFile, 'utf8');
    expect(embedded).not.toMatch(/https?:\/\//);
    expect(embedded).toContain('src="data:image/jpeg;base64,');
  });

  it('opens from disk: every sample card, every image loaded, no network request', async () => {
    const { page, blocked } = await open(join(out, 'preview.html'));
    try {
      expect(await page.$$eval('.sample', (c) => c.length)).toBe(N);
      expect(await page.$eval('#shown', (e) => e.textContent)).toBe(String(N));
      const images = await imageStates(page);
      expect(images).toHaveLength(2 * N);
      expect(images.filter((i) => !i.ok)).toEqual([]);
      // each card marks the answer of its record as the one correct option
      const cards = await page.$$eval('.sample', (cs) =>
        cs.map((c) => ({ id: c.getAttribute('data-id')!, answer: c.getAttribute('data-answer')!, correct: Array.from(c.querySelectorAll("li.correct")).map((li) => li.getAttribute('data-letter')), reasoning: c.querySelector('.reasoning')!.textContent!.length })),
      );
      for (const c of cards) {
        expect(c.correct, c.id).toEqual([answers.get(c.id)]);
        expect(c.answer, c.id).toBe(answers.get(c.id));
        expect(c.reasoning, c.id).toBeGreaterThan(0);
      }
      // spread over families: 16 samples of 8 families, so 12 cards cover every family
      expect(new Set(cards.map((c) => c.id)).size).toBe(N);
      const families = await page.$$eval('.sample', (cs) => new Set(cs.map((c) => c.getAttribute('data-family'))).size);
      expect(families).toBe(8);
      expect(blocked).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('filters by family and by answer', async () => {
    const { page, blocked } = await open(join(out, 'preview.html'));
    try {
      const all = await visibleCards(page);
      const family = all[0].family;
      await page.select('#family-filter', family);
      const shown = await visibleCards(page);
      expect(shown.length).toBe(all.filter((c) => c.family === family).length);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.every((c) => c.family === family)).toBe(true);
      expect(await page.$eval('#shown', (e) => e.textContent)).toBe(String(shown.length));
      await page.select('#family-filter', '');
      await page.select('#answer-filter', 'A');
      const a = await visibleCards(page);
      expect(a.length).toBe(all.filter((c) => c.answer === 'A').length);
      expect(a.every((c) => c.answer === 'A')).toBe(true);
      await page.select('#family-filter', family);
      expect(await visibleCards(page)).toEqual(all.filter((c) => c.family === family && c.answer === 'A'));
      await page.select('#family-filter', '');
      await page.select('#answer-filter', '');
      expect(await visibleCards(page)).toHaveLength(N);
      expect(blocked).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('leaves a non-blank screenshot in test-artifacts/', async () => {
    const { page } = await open(join(out, 'preview.html'));
    try {
      await mkdir(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, 'preview.png');
      await page.screenshot({ path, fullPage: true });
      const png = await readFile(path);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const meta = await sharp(png).metadata();
      expect(meta.width).toBe(1280);
      expect(meta.height).toBeGreaterThan(900);
      const stats = await sharp(png).stats();
      expect(Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev))).toBeGreaterThan(10);
    } finally {
      await page.close();
    }
  });

  it('with --embed-images, opens on its own from another folder', async () => {
    const { page, blocked } = await open(embeddedFile);
    try {
      expect(await page.$$eval('.sample', (c) => c.length)).toBe(4);
      const images = await imageStates(page);
      expect(images).toHaveLength(8);
      expect(images.every((i) => i.ok && i.src.startsWith('data:image/jpeg'))).toBe(true);
      expect(blocked).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
