/**
 * Renders {@link RenderJob}s with three.js in headless Chromium: one loopback page server, one
 * or more browsers, N pages, a job queue, time limits and page replacement.
 *
 * Transfer path: Node sends the job JSON to the page as a WebSocket text message; the page
 * renders view A, `gl.readPixels` into a scratch buffer and copies its rows top-down into a
 * reused message buffer, sends it as one binary message (16-byte header + RGBA), does the same
 * for view B; Node takes each image as a view of its message (no copy) and resolves
 * `[RawImage, RawImage]`. Each page gets up to `jobsPerPage` jobs ahead so it never waits for Node.
 *
 * CONTRIBUTOR NOTES
 *
 * All figures: 2-core VM without GPU, Chromium 156 (Debian), llvmpipe unless said, 512×512 MSAA,
 * the six-part lit "gadget" of `test/renderers/fixtures.ts`, 60–100-job batches through
 * `render()` after a warm-up. The machine was shared with other builds: "quiet" = load < 2,
 * "loaded" = load 4–9 (one run at 10–20) from other processes. Throughput halves under load;
 * CPU per image (all Chromium processes + Node, from /proc) moves much less.
 *
 * - puppeteer's `page.setRequestInterception(true)` (which enables the CDP Network domain):
 *   13 img/s with 1 page, 24 with 2. Profiling showed Node busy in puppeteer's `Connection
 *   .onMessage`: with the Network domain on, Chromium copies every WebSocket frame into a
 *   `Network.webSocketFrameSent` event as base64. Fix: launch with `networkEnabled: false` and
 *   intercept with a raw CDP session (`Fetch.enable` pattern '*', `Fetch.failRequest`
 *   BlockedByClient). Raw page→Node WebSocket bandwidth went from 78 to 98 MiB/s.
 * - Current path, quiet: 1 page 52.6 img/s, 2 pages 61.8, 3 pages 78.3; loaded: 31 / 33 / 30
 *   (median of 3). Ceiling (render + readPixels in a page loop, `ceiling.ts`), quiet: 108 img/s
 *   on 1 page, 129 on 2; loaded: 54 / 62.
 * - CPU per image ≈ 33 ms: GPU process (llvmpipe raster + MSAA resolve + read-back) 11–14,
 *   renderer (three.js, readPixels copy, WebSocket send) 5–7, network service 2, Node 10–14.
 *   On 2 cores that caps end-to-end at about 60 img/s, so more pages stop helping past 2–3.
 * - Node's share is mostly `ws` unmasking client frames in JavaScript (a byte loop, 4–7 ms per
 *   MiB image) plus GC of the 1 MiB messages. Standing in a word-wise unmask for the optional
 *   native `bufferutil` addon (which `ws` loads by itself when installed) cut Node from 12.5 to
 *   6.5 ms/img and total CPU from ~35 to ~24 ms/img. `bufferutil` is not installed: adding it is
 *   the cheapest remaining win (no code change).
 * - SwiftShader instead of llvmpipe: GPU process 20–22 ms/img instead of 11–14; ceiling on 1
 *   page 36–38 img/s vs 51–56 and `render()` on 2 pages 16–27 vs 24–25 (same heavily loaded
 *   run), 41–45 vs 49–60 (moderately loaded). 'auto' therefore tries llvmpipe first.
 * - Shader programs: three.js frees a program when the last material using it is disposed, so
 *   disposing each job's materials recompiled the shaders every job (programs 1 → 0 → 1):
 *   ceiling 35–54 img/s instead of 55–94 (loaded). The page keeps one material per material type
 *   alive ("pinned"); geometries and all other materials are disposed after each job.
 * - DOM canvas vs `OffscreenCanvas`: same CPU per image within noise (30–34 vs 33–38 ms);
 *   offscreen kept, since it is never composited.
 * - 2 browsers × 1 page vs 1 browser × 2 pages: more CPU per image (36–38 vs 33–36 ms), not
 *   faster; default 1 browser (option `browsers` stays for machines with more cores).
 * - Yielding to the event loop between view A and view B (so A's bytes leave while B renders):
 *   no measurable gain; not kept.
 * - jobsPerPage 1 / 2 / 3, interleaved runs under heavy load (median of 3): 1 page 14 / 18 / 14
 *   img/s, 2 pages 21 / 23 / 15. 2 kept: a page always has the next job while Node drains the
 *   last result, and deeper queues only add latency.
 * - Row flip: done in the page (one `TypedArray.set` per row into the message buffer), so Node
 *   neither allocates nor copies 1 MiB per image (it did, with `Buffer.copy` per row: ~0.5 ms
 *   plus the GC of the copy). Tried and dropped: flipping on the GPU with two blits (resolve the
 *   multisampled drawing buffer, then blit upside down) — same bytes, but llvmpipe's blits added
 *   ~3.5 ms per image to the GPU process.
 * - V8 `--initial-old-space-size=256` cut the mark-compacts of a transfer-only loop (56 → 11 per
 *   300 pairs, Node 8.5 → 3.5 ms/pair), but a real run makes only ~3 per 300 pairs anyway (its
 *   larger heap raises the limit); not used.
 * - Not used: base64 through `page.evaluate` (measured: ~30 ms per image), fetch POST per image
 *   (measured: ~11 img/s; every request is also paused by the interceptor).
 * - Encoding in the page (`RenderOptions.encode`, JPEG and WebP): the page puts the read-back RGBA
 *   on a CPU-backed 2D canvas, `toDataURL` encodes it (~4–6 ms an image), and the decoded base64
 *   goes out as one binary message of ~60 KB instead of 1 MiB of RGBA. `convertToBlob` / `toBlob`
 *   were tried first: as fast per image alone, but every image passes through the browser's blob
 *   store, and a run fell from 20 to 9 pairs/s after a few hundred pairs. Background tabs were
 *   also deprioritised (renderer at nice +5, tasks throttled) until `BASE_FLAGS` turned that off.
 */
import puppeteer, { type Browser, type Page, type Protocol } from 'puppeteer-core';
import type { WebSocket } from 'ws';
import type { IdPass, RawImage, RenderJob } from '../../pipeline/types.js';
import type { EncodeRequest, PageGpuStats, PageReply, PageRequest } from '../page/main.js';
import type { RenderOptions, Renderer, RendererInfo, RendererLogger } from '../renderer.js';
import { sceneModels } from '../../assets/procedural/scene-at-view.js';
import { findChromium } from './find-chromium.js';
import { AUTO_ORDER, GL_MODES, assertGlRenderer, glFlags, launchFlags, type ConcreteGlMode, type GlMode } from './gl-flags.js';
import { pageBundle } from './page-bundle.js';
import { PAGE_WARNING_PREFIX } from '../page/page-warning.js';
import { PageServer, type AssetRoutes, type EnvMapRoutes } from './page-server.js';

const NAME = 'ChromiumRenderer';
const NO_GPU_HINT = 'No usable GPU: check the NVIDIA driver and its Vulkan ICD (`nvidia-smi`, `vulkaninfo --summary`), or run with --gl auto.';
/** Bytes before the pixels in a binary view message (mirrors `VIEW_HEADER_BYTES` in the page). */
const VIEW_HEADER_BYTES = 20;
/** Kinds of binary view message (mirrors `VIEW_KINDS` in the page) and their bytes per pixel. */
const KIND_COLOUR = 0;
const KIND_MASK = 1;
const KIND_DEPTH = 2;
/** A colour image encoded in the page (`RenderOptions.encode`): any number of bytes. */
const KIND_ENCODED = 3;
const BYTES_PER_PIXEL: Readonly<Record<number, number>> = { [KIND_COLOUR]: 4, [KIND_MASK]: 1, [KIND_DEPTH]: 2 };
/** MIME type of each format the page encodes to. */
const ENCODE_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
/** Largest accepted image side, pixels. */
const MAX_SIDE = 8192;

/** Options of {@link ChromiumRenderer.create}. */
export interface ChromiumRendererOptions {
  /** GL back-end; 'auto' tries llvmpipe, then SwiftShader. */
  glMode: GlMode;
  /** Render pages (each renders one job at a time). @default 2 */
  pages?: number;
  /**
   * Browsers the pages are spread over (round robin). Each browser has one GPU process, whose
   * command thread serialises its pages' GL work, so many pages want several browsers.
   * @default {@link browsersForPages}(pages): 1 up to 2 pages, then one browser per 2 pages
   */
  browsers?: number;
  /** Chromium binary; else `env.CHROMIUM_PATH`, else /usr/bin/chromium, /usr/bin/chromium-browser. */
  executablePath?: string;
  /** Environment-like map for locating Chromium: only `CHROMIUM_PATH` is read. @default {} */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Environment of the browser process (e.g. to set `LP_NUM_THREADS` for llvmpipe).
   * @default puppeteer's: a copy of the Node process environment
   */
  browserEnv?: Readonly<Record<string, string | undefined>>;
  /** Time limit of one page call (a job, a command), ms. @default 30000 */
  renderTimeoutMs?: number;
  /** Time limit to launch a browser and load one page, ms. @default 60000 */
  startTimeoutMs?: number;
  /** Retries of a job after its page crashed or timed out. @default 2 */
  maxRetries?: number;
  /** Jobs sent ahead to one page, so it renders the next while Node receives the last. @default 2 */
  jobsPerPage?: number;
  /** Canvas the page draws to: an `OffscreenCanvas` (never composited) or a DOM canvas. @default 'offscreen' */
  canvas?: 'offscreen' | 'dom';
  /**
   * Default of {@link RenderOptions.idPass} for `render` calls that do not say: run the page's ID
   * pass after each view (parts in flat unique colours at 128 px, counted per part) and return it
   * as {@link RawImage.idPass}; the image bytes are the same either way. It costs about 5–7 ms a
   * view on llvmpipe at 512 px (measured: 66 vs 55 ms a job, 2 pages), so the run loop asks only
   * for the views its question names parts in.
   * @default true
   */
  idPass?: boolean;
  /** Log sink; nothing is printed without one. */
  logger?: RendererLogger;
  /** Asset library files the pages may load (`--assets`); every other request stays blocked. */
  assets?: AssetRoutes;
  /** HDR environment maps the pages may load (`--env`, docs/look.md); every other request stays blocked. */
  envMaps?: EnvMapRoutes;
}

/** Defaults of {@link ChromiumRendererOptions}. */
export const CHROMIUM_RENDERER_DEFAULTS = {
  pages: 2,
  browsers: 1,
  renderTimeoutMs: 30_000,
  startTimeoutMs: 60_000,
  maxRetries: 2,
  jobsPerPage: 2,
  canvas: 'offscreen',
  idPass: true,
} as const;

/** Counters of what the renderer had to do besides rendering. */
export interface ChromiumRendererStats {
  /** Jobs resolved. */
  rendered: number;
  /** Requests the interceptor aborted because they were not addressed to the page server. */
  abortedRequests: number;
  /** Connections the page's Content-Security-Policy blocked (WebSockets to anywhere but the page server). */
  policyViolations: number;
  /** Pages replaced after a crash, a hang or a lost WebGL context. */
  pageReplacements: number;
  /** Job attempts repeated after a page failure. */
  retries: number;
  /** Requests for library asset files the pages made (a model a page loads: one for its model file, one per external file). */
  assetRequests: number;
}

/** Result of one in-page timing loop (see `ceiling.ts`). */
export interface PageLoopResult {
  /** Wall time of the loop inside the page, ms. */
  elapsedMs: number;
  /** Images rendered and read back. */
  images: number;
}

type Resolved = Required<Omit<ChromiumRendererOptions, 'executablePath' | 'env' | 'browserEnv' | 'logger' | 'glMode' | 'assets' | 'envMaps'>> & {
  browserEnv?: Readonly<Record<string, string | undefined>>;
  logger: RendererLogger;
};

interface RenderTask {
  kind: 'render';
  seq: number;
  job: RenderJob;
  attempt: number;
  images: [RawImage | null, RawImage | null];
  /** Which views get an ID pass, and the ID passes received so far. */
  idViews: [boolean, boolean];
  idPasses: [IdPass | null, IdPass | null];
  /** Which full-size passes both views get, and those received so far. */
  passes: { mask: boolean; depth: boolean };
  masks: [Uint8Array | null, Uint8Array | null];
  depths: [Uint16Array | null, Uint16Array | null];
  /** How the page encodes the colour images; null: it sends RGBA. */
  encode: EncodeRequest | null;
  resolve(images: [RawImage, RawImage]): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

interface CommandTask {
  kind: 'command';
  seq: number;
  label: string;
  resolve(reply: PageReply): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

type Task = RenderTask | CommandTask;

interface PageSlot {
  id: string;
  browserIndex: number;
  page: Page;
  socket: WebSocket;
  inFlight: Map<number, Task>;
  ready: boolean;
  /** Library models of the jobs last sent to this page, most recent last (at most {@link RECENT_MODELS}). */
  recentModels: string[];
}

/**
 * Library models remembered per page for scheduling: fewer than the page keeps loaded
 * (renderers/page/load-library-object.ts, CACHE_LIMIT), so a page chosen for a model still has it.
 */
const RECENT_MODELS = 4;

/** The library models a job loads (its object, or its scene's models), by URL. */
function modelsOf(job: RenderJob): string[] {
  return job.object.kind === 'library' ? [job.object.url] : sceneModels(job.object).map((m) => m.url);
}

interface BrowserHandle {
  browser: Browser | null;
  launching: Promise<Browser> | null;
  /**
   * The blank tab Chromium opens at launch, until a slot takes it: using it for the browser's first
   * page instead of opening another saves a renderer process (~0.7 s of CPU a launch on 2 cores).
   */
  initialPage: Page | null;
}

const SILENT_LOGGER: RendererLogger = { info() {}, warn() {} };

/**
 * A {@link Renderer} backed by headless Chromium pages running three.js.
 *
 * @example
 * const renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: 2 });
 * const [a, b] = await renderer.render(plan.job);
 * await renderer.close();
 */
export class ChromiumRenderer implements Renderer {
  private rendererInfo: RendererInfo;
  private readonly slots: PageSlot[] = [];
  private readonly pending: RenderTask[] = [];
  private readonly browsers: BrowserHandle[] = [];
  private readonly counters: Omit<ChromiumRendererStats, 'assetRequests'> = { rendered: 0, abortedRequests: 0, policyViolations: 0, pageReplacements: 0, retries: 0 };
  /** Page warnings already logged (each once). */
  private readonly pageWarnings = new Set<string>();
  private nextSeq = 1;
  private nextPageId = 1;
  private replacing = 0;
  private closed = false;

  private constructor(
    private readonly options: Resolved,
    private readonly glMode: ConcreteGlMode,
    private readonly executablePath: string,
    private readonly server: PageServer,
    /** True when this flag set is one of 'auto''s tries. */
    private readonly auto: boolean,
  ) {
    this.rendererInfo = { name: 'chromium', browserVersion: '', glRenderer: '', glMode };
  }

  /** What renders: browser version, WebGL renderer string, GL flag set in use (never 'auto'). */
  get info(): RendererInfo {
    return { ...this.rendererInfo };
  }

  /**
   * Launches the browser(s), loads every page and checks WebGL2 on the first one.
   *
   * @throws TypeError for bad options; Error when Chromium is missing, WebGL2 is unavailable in
   * the GL mode, or 'gpu' mode lands on a software renderer.
   */
  static async create(options: ChromiumRendererOptions): Promise<ChromiumRenderer> {
    const resolved = resolveOptions(options);
    const executablePath = findChromium({ executablePath: options.executablePath, env: options.env ?? {} });
    const server = await PageServer.start({ script: await pageBundle(), assets: options.assets, envMaps: options.envMaps });
    const modes = options.glMode === 'auto' ? AUTO_ORDER : [options.glMode];
    const failures: string[] = [];
    for (const mode of modes) {
      const renderer = new ChromiumRenderer(resolved, mode, executablePath, server, options.glMode === 'auto');
      try {
        await renderer.start();
        return renderer;
      } catch (error) {
        await renderer.shutdown(false);
        const message = error instanceof Error ? error.message : String(error);
        failures.push(message);
        if (modes.length > 1) resolved.logger.warn(`${NAME}: GL mode "${mode}" failed, trying the next: ${message}`);
      }
    }
    await server.close();
    throw new Error(failures.length === 1 ? failures[0] : `${NAME}: no GL mode of 'auto' worked:\n- ${failures.join('\n- ')}`);
  }

  /** Counters since creation (copies). */
  get stats(): ChromiumRendererStats {
    return { ...this.counters, assetRequests: this.server.assetRequests };
  }

  /** The live pages, for diagnostics and tests (e.g. crashing one on purpose). */
  listPages(): Page[] {
    return this.slots.filter((slot) => slot.ready).map((slot) => slot.page);
  }

  /** {@inheritDoc Renderer.render} */
  render(job: RenderJob, options: RenderOptions = {}): Promise<[RawImage, RawImage]> {
    if (this.closed) return Promise.reject(new Error(`${NAME}: render() called after close()`));
    let encode: EncodeRequest | null;
    try {
      validateJob(job);
      encode = toEncodeRequest(options.encode);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const idViews: [boolean, boolean] = options.idPass ? [options.idPass[0] === true, options.idPass[1] === true] : [this.options.idPass, this.options.idPass];
      const passes = { mask: options.passes?.mask === true, depth: options.passes?.depth === true };
      this.pending.push({ kind: 'render', seq: 0, job, attempt: 0, images: [null, null], idViews, idPasses: [null, null], passes, masks: [null, null], depths: [null, null], encode, resolve, reject });
      this.pump();
    });
  }

  /**
   * Runs the page-side timing loop (render + readPixels of both views of every job, no pixel
   * transfer) on `pages` pages at once. Used by `measureCeiling`.
   */
  async runPageLoop(jobs: RenderJob[], pages = 1): Promise<PageLoopResult[]> {
    jobs.forEach(validateJob);
    const slots = (await this.readySlots(pages)).slice(0, pages);
    const timeoutMs = this.options.renderTimeoutMs * Math.max(1, jobs.length);
    const replies = await Promise.all(
      slots.map((slot) => this.command(slot, (seq) => ({ type: 'ceiling', seq, jobs }), 'ceiling loop', timeoutMs)),
    );
    return replies.map((reply) => {
      if (reply.type !== 'ceiling') throw new Error(`${NAME}: unexpected reply ${reply.type} to the ceiling loop`);
      return { elapsedMs: reply.elapsedMs, images: reply.images };
    });
  }

  /** GPU resources held by three.js in each page (to check that nothing grows). */
  async gpuStats(): Promise<PageGpuStats[]> {
    const slots = await this.readySlots(this.options.pages);
    const replies = await Promise.all(
      slots.map((slot) => this.command(slot, (seq) => ({ type: 'stats', seq }), 'stats', this.options.renderTimeoutMs)),
    );
    return replies.map((reply) => {
      if (reply.type !== 'stats') throw new Error(`${NAME}: unexpected reply ${reply.type} to stats`);
      return reply.stats;
    });
  }

  /** {@inheritDoc Renderer.close} */
  async close(): Promise<void> {
    await this.shutdown(true);
  }

  /** Waits (up to the start-up time limit) until `count` pages are in service, e.g. after a replacement. */
  private async readySlots(count: number): Promise<PageSlot[]> {
    if (count > this.options.pages) throw new RangeError(`${NAME}: asked for ${count} pages, the renderer has ${this.options.pages}`);
    let expired = false;
    const timer = setTimeout(() => (expired = true), this.options.startTimeoutMs);
    try {
      while (this.slots.filter((slot) => slot.ready).length < count) {
        if (this.closed) throw new Error(`${NAME}: closed`);
        if (expired) throw new Error(`${NAME}: fewer than ${count} pages in service after ${this.options.startTimeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      clearTimeout(timer);
    }
    return this.slots.filter((slot) => slot.ready);
  }

  // --- Start-up

  private async start(): Promise<void> {
    const count = this.options.browsers;
    for (let i = 0; i < count; i++) this.browsers.push({ browser: null, launching: null, initialPage: null });
    const first = await this.openSlot(0);
    this.slots.push(first);
    const browser = this.browsers[0].browser!;
    this.rendererInfo.browserVersion = await browser.version();
    const rest = await Promise.all(
      Array.from({ length: this.options.pages - 1 }, (_, i) => this.openSlot((i + 1) % count)),
    );
    this.slots.push(...rest);
    this.options.logger.info(
      `${NAME}: ${this.options.pages} page(s) in ${count} browser(s), GL mode "${this.glMode}", ` +
        `WebGL "${this.info.glRenderer}", ${this.info.browserVersion}`,
    );
  }

  private async browserAt(index: number): Promise<Browser> {
    const handle = this.browsers[index];
    if (handle.browser?.connected) return handle.browser;
    handle.launching ??= this.launch(index).finally(() => {
      handle.launching = null;
    });
    return handle.launching;
  }

  private async launch(index: number): Promise<Browser> {
    const handle = this.browsers[index];
    const previous = handle.browser;
    handle.browser = null;
    handle.initialPage = null;
    if (previous) await closeBrowser(previous);
    if (this.closed) throw new Error(`${NAME}: closed`);
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: this.executablePath,
        headless: true,
        pipe: true,
        args: launchFlags(this.glMode),
        ...(this.options.browserEnv ? { env: { ...this.options.browserEnv } } : {}),
        timeout: this.options.startTimeoutMs,
        protocolTimeout: this.options.renderTimeoutMs * 4,
        defaultViewport: { width: 64, height: 64 },
        // Without this, puppeteer enables the CDP Network domain on every page, and Chromium then
        // copies every WebSocket frame (base64) into a CDP event: that halved throughput.
        networkEnabled: false,
        // Signals belong to the caller (the CLI stops the run cleanly and then closes the renderer);
        // puppeteer's own handlers would kill the browser and, for SIGINT, exit the process at once.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      throw new Error(
        `${NAME}: could not launch ${this.executablePath} in GL mode "${this.glMode}": ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const initialPage = (await browser.pages().catch(() => []))[0] ?? null;
    handle.browser = browser;
    handle.initialPage = initialPage;
    browser.on('disconnected', () => {
      if (this.closed || handle.browser !== browser) return;
      this.options.logger.warn(`${NAME}: browser ${index} disconnected; its pages will be replaced`);
      for (const slot of [...this.slots]) if (slot.browserIndex === index) this.breakSlot(slot, 'the browser disconnected');
    });
    return browser;
  }

  /** Opens one page, loads the render page, waits for its WebSocket and WebGL2 check. */
  private async openSlot(browserIndex: number): Promise<PageSlot> {
    const browser = await this.browserAt(browserIndex);
    const id = String(this.nextPageId++);
    const handle = this.browsers[browserIndex];
    const initial = handle.browser === browser ? handle.initialPage : null;
    if (initial !== null) handle.initialPage = null;
    const page = initial !== null && !initial.isClosed() ? initial : await browser.newPage();
    try {
      await this.interceptRequests(page);
      page.on('pageerror', (error) => this.options.logger.warn(`${NAME}: page ${id}: ${error instanceof Error ? error.message : String(error)}`));
      // The page's own warnings (a library model drawn without a texture it could not decode, …) go to the run's log, once each.
      page.on('console', (message) => {
        const text = message.text();
        if (message.type() === 'warn' && text.startsWith(PAGE_WARNING_PREFIX) && !this.pageWarnings.has(text)) {
          this.pageWarnings.add(text);
          this.options.logger.warn(`assets: ${text.slice(PAGE_WARNING_PREFIX.length)}`);
        }
      });
      const socketPromise = this.server.expectSocket(id, this.options.startTimeoutMs);
      const hello = socketPromise.then((socket) => firstReply(socket, this.options.startTimeoutMs));
      hello.catch(() => {});
      await page.goto(this.server.pageUrl(id, { canvas: this.options.canvas }), { timeout: this.options.startTimeoutMs });
      const socket = await socketPromise;
      const reply = await hello.catch((error: unknown) => {
        // E.g. ANGLE on a software Vulkan device (Mesa lavapipe) never brings WebGL up.
        if (this.glMode !== 'gpu') throw error;
        throw new Error(`${NAME}: GL mode "gpu": ${error instanceof Error ? error.message : String(error)}. ${NO_GPU_HINT}`, { cause: error });
      });
      if (reply.type !== 'hello') throw new Error(`${NAME}: page ${id} sent "${reply.type}" before hello`);
      this.checkHello(reply);
      const slot: PageSlot = { id, browserIndex, page, socket, inFlight: new Map(), ready: true, recentModels: [] };
      // Handlers stay attached after a failure: breakSlot() makes them no-ops (slot.ready false).
      socket.on('message', (data, isBinary) => this.onMessage(slot, data as Buffer, isBinary));
      socket.on('close', () => this.breakSlot(slot, 'its WebSocket closed'));
      socket.on('error', (error) => this.breakSlot(slot, `its WebSocket failed: ${error.message}`));
      page.on('error', (error) => this.breakSlot(slot, `the page crashed (${error.message})`));
      page.on('close', () => this.breakSlot(slot, 'the page closed'));
      return slot;
    } catch (error) {
      await page.close().catch(() => {});
      throw error;
    }
  }

  private checkHello(reply: Extract<PageReply, { type: 'hello' }>): void {
    if (!reply.webgl2) {
      const hint =
        this.glMode === 'gpu'
          ? NO_GPU_HINT
          : 'Try --gl swiftshader (works everywhere) or check the flags in renderers/chromium/gl-flags.ts.';
      throw new Error(
        `${NAME}: WebGL2 is unavailable in GL mode "${this.glMode}" (flags ${glFlags(this.glMode).join(' ')}): ${reply.error ?? 'no context'}. ${hint}`,
      );
    }
    assertGlRenderer(this.glMode, reply.glRenderer);
    if (this.glMode === 'llvmpipe' && /swiftshader/i.test(reply.glRenderer)) {
      // Chromium fell back to SwiftShader on its own: in 'auto', use SwiftShader's own flag set
      // so that the recorded GL mode tells the truth.
      const message = `${NAME}: the llvmpipe flags gave WebGL renderer "${reply.glRenderer}"`;
      if (this.auto) throw new Error(message);
      this.options.logger.warn(message);
    }
    const known = this.rendererInfo.glRenderer;
    if (known === '') {
      this.rendererInfo.glRenderer = reply.glRenderer;
    } else if (reply.glRenderer !== known) {
      // E.g. Chromium fell back to another GL back-end after GPU-process crashes: its pixels
      // would differ from the rest of the run, so the page is not used.
      throw new Error(`${NAME}: a new page got WebGL renderer "${reply.glRenderer}", not "${known}" like the first page`);
    }
  }

  /**
   * Pauses every request of the page (CDP Fetch domain, pattern '*') and lets through only those
   * addressed to the page server; the rest fail with BlockedByClient and are counted.
   */
  private async interceptRequests(page: Page): Promise<void> {
    const session = await page.createCDPSession();
    session.on('Fetch.requestPaused', (event: Protocol.Fetch.RequestPausedEvent) => {
      const url = event.request.url;
      if (this.server.isOwnUrl(url)) {
        void session.send('Fetch.continueRequest', { requestId: event.requestId }).catch(() => {});
        return;
      }
      this.counters.abortedRequests += 1;
      this.options.logger.warn(`${NAME}: blocked a request to ${url.slice(0, 200)}`);
      void session.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' }).catch(() => {});
    });
    await session.send('Fetch.enable', { patterns: [{ urlPattern: '*' }] });
  }

  // --- Scheduling

  /**
   * Sends queued jobs to pages with room: a page that was sent one of the job's library models
   * lately first (it has the model loaded: a model's symmetry probes and its sample then load it
   * once, not once per page), else the least busy page. Scheduling only: which page renders a job
   * never changes its bytes.
   */
  private pump(): void {
    if (this.pending.length > 0) this.ensurePages();
    while (this.pending.length > 0) {
      const models = modelsOf(this.pending[0].job);
      let best: PageSlot | null = null;
      let bestHasModel = false;
      for (const slot of this.slots) {
        if (!slot.ready || slot.inFlight.size >= this.options.jobsPerPage) continue;
        const hasModel = models.some((m) => slot.recentModels.includes(m));
        if (!best || (hasModel && !bestHasModel) || (hasModel === bestHasModel && slot.inFlight.size < best.inFlight.size)) {
          best = slot;
          bestHasModel = hasModel;
        }
      }
      if (!best) return;
      this.dispatch(best, this.pending.shift()!, models);
    }
  }

  /** Sends `task` to `slot`; `models`: its library models ({@link modelsOf}), remembered for the page. */
  private dispatch(slot: PageSlot, task: RenderTask, models: readonly string[]): void {
    task.seq = this.takeSeq();
    task.images = [null, null];
    task.idPasses = [null, null];
    task.masks = [null, null];
    task.depths = [null, null];
    slot.inFlight.set(task.seq, task);
    for (const model of models) {
      const at = slot.recentModels.indexOf(model);
      if (at >= 0) slot.recentModels.splice(at, 1);
      slot.recentModels.push(model);
      if (slot.recentModels.length > RECENT_MODELS) slot.recentModels.shift();
    }
    task.timer = setTimeout(
      () => this.breakSlot(slot, `job "${task.job.id}" took longer than ${this.options.renderTimeoutMs} ms`),
      this.options.renderTimeoutMs,
    );
    const request: PageRequest = { type: 'render', seq: task.seq, job: task.job, idPass: task.idViews, passes: task.passes, ...(task.encode ? { encode: task.encode } : {}) };
    slot.socket.send(JSON.stringify(request));
  }

  private command(slot: PageSlot, make: (seq: number) => PageRequest, label: string, timeoutMs: number): Promise<PageReply> {
    return new Promise((resolve, reject) => {
      const seq = this.takeSeq();
      const task: CommandTask = { kind: 'command', seq, label, resolve, reject };
      slot.inFlight.set(seq, task);
      task.timer = setTimeout(() => this.breakSlot(slot, `${label} took longer than ${timeoutMs} ms`), timeoutMs);
      slot.socket.send(JSON.stringify(make(seq)));
    });
  }

  private takeSeq(): number {
    const seq = this.nextSeq;
    this.nextSeq = this.nextSeq >= 0xffffffff ? 1 : this.nextSeq + 1;
    return seq;
  }

  private onMessage(slot: PageSlot, data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      this.onReply(slot, JSON.parse(data.toString('utf8')) as PageReply);
      return;
    }
    if (data.length < VIEW_HEADER_BYTES) return;
    const seq = data.readUInt32LE(0);
    const view = data.readUInt32LE(4);
    const width = data.readUInt32LE(8);
    const height = data.readUInt32LE(12);
    const kind = data.readUInt32LE(16);
    const task = slot.inFlight.get(seq);
    if (!task || task.kind !== 'render' || (view !== 0 && view !== 1)) return;
    const perPixel = BYTES_PER_PIXEL[kind];
    const sizeOk = kind === KIND_ENCODED ? data.length > VIEW_HEADER_BYTES : perPixel !== undefined && data.length === VIEW_HEADER_BYTES + width * height * perPixel;
    // The colour image comes encoded exactly when the task asked for it.
    const kindOk = kind === KIND_ENCODED ? task.encode !== null : kind !== KIND_COLOUR || task.encode === null;
    if (!sizeOk || !kindOk || width !== task.job.width || height !== task.job.height) {
      this.finish(slot, task);
      task.reject(new Error(`${NAME}: page ${slot.id} sent a malformed view ${view} (kind ${kind}) for job "${task.job.id}" (${data.length} bytes)`));
      return;
    }
    if (kind === KIND_MASK) {
      task.masks[view] = new Uint8Array(data.buffer, data.byteOffset + VIEW_HEADER_BYTES, width * height);
    } else if (kind === KIND_DEPTH) {
      // Copied: a u16 view needs an even byte offset, which a message buffer does not promise.
      const depth = new Uint16Array(width * height);
      new Uint8Array(depth.buffer).set(data.subarray(VIEW_HEADER_BYTES));
      task.depths[view] = depth;
    } else if (kind === KIND_ENCODED) {
      // The page's encoder output, in the requested format: a view of the message, no copy.
      task.images[view] = { width, height, encoded: data.subarray(VIEW_HEADER_BYTES) };
    } else {
      // Rows arrive top-down (the page flips them on the GPU): the image is a view of the message, no copy.
      task.images[view] = { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset + VIEW_HEADER_BYTES, width * height * 4) };
    }
    this.completeIfDone(slot, task);
  }

  /** Resolves a render task once both images (and, when asked for, both ID passes) are in. */
  private completeIfDone(slot: PageSlot, task: RenderTask): void {
    const [a, b] = task.images;
    if (!a || !b) return;
    const [ia, ib] = task.idPasses;
    if ((task.idViews[0] && !ia) || (task.idViews[1] && !ib)) return;
    if (task.passes.mask && (!task.masks[0] || !task.masks[1])) return;
    if (task.passes.depth && (!task.depths[0] || !task.depths[1])) return;
    if (ia) a.idPass = ia;
    if (ib) b.idPass = ib;
    if (task.passes.mask) [a.mask, b.mask] = [task.masks[0]!, task.masks[1]!];
    if (task.passes.depth) [a.depth, b.depth] = [task.depths[0]!, task.depths[1]!];
    this.finish(slot, task);
    this.counters.rendered += 1;
    task.resolve([a, b]);
  }

  /** Names the per-part counts of an `id-pass` reply and turns the sums into full-size centroids. */
  private toIdPass(job: RenderJob, reply: Extract<PageReply, { type: 'id-pass' }>): IdPass {
    const parts = job.object.parts;
    if (reply.parts.length !== parts.length) {
      throw new Error(`${NAME}: the ID pass of job "${job.id}" counted ${reply.parts.length} parts, the object has ${parts.length}`);
    }
    const sx = job.width / reply.width;
    const sy = job.height / reply.height;
    return {
      width: reply.width,
      height: reply.height,
      parts: reply.parts.map((p, i) => ({
        name: parts[i].name,
        pixels: p.pixels,
        centroidPx: p.pixels === 0 ? null : [(p.sumU / p.pixels) * sx, (p.sumV / p.pixels) * sy],
        interiorPixels: p.interior,
        meanColour: p.interior === 0 ? null : [p.sumR / p.interior, p.sumG / p.interior, p.sumB / p.interior],
      })),
    };
  }

  private onReply(slot: PageSlot, reply: PageReply): void {
    if (reply.type === 'context-lost') {
      this.breakSlot(slot, 'its WebGL context was lost');
      return;
    }
    if (reply.type === 'policy-violation') {
      this.counters.policyViolations += 1;
      this.options.logger.warn(`${NAME}: page ${slot.id}: the content security policy blocked ${reply.url.slice(0, 200)}`);
      return;
    }
    if (reply.type === 'hello') return;
    const task = slot.inFlight.get(reply.seq);
    if (!task) return;
    if (reply.type === 'id-pass') {
      if (task.kind !== 'render' || (reply.view !== 0 && reply.view !== 1)) return;
      try {
        task.idPasses[reply.view] = this.toIdPass(task.job, reply);
      } catch (error) {
        this.finish(slot, task);
        task.reject(error as Error);
        return;
      }
      this.completeIfDone(slot, task);
      return;
    }
    this.finish(slot, task);
    if (reply.type === 'error') {
      const what = task.kind === 'render' ? `job "${task.job.id}"` : task.label;
      task.reject(new Error(`${NAME}: page ${slot.id} failed to render ${what}: ${reply.message}`));
    } else if (task.kind === 'command') {
      task.resolve(reply);
    }
  }

  private finish(slot: PageSlot, task: Task): void {
    clearTimeout(task.timer);
    slot.inFlight.delete(task.seq);
    this.pump();
  }

  // --- Failure and repair

  /** Takes a failed page out of service, re-queues its jobs (bounded) and starts a replacement. */
  private breakSlot(slot: PageSlot, reason: string): void {
    if (!slot.ready) return;
    slot.ready = false;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const requeue: RenderTask[] = [];
    for (const task of slot.inFlight.values()) {
      clearTimeout(task.timer);
      if (task.kind === 'command') {
        task.reject(new Error(`${NAME}: page ${slot.id} failed during ${task.label}: ${reason}`));
      } else if (this.closed) {
        task.reject(new Error(`${NAME}: closed while rendering job "${task.job.id}"`));
      } else if (task.attempt >= this.options.maxRetries) {
        task.reject(
          new Error(`${NAME}: job "${task.job.id}" failed ${task.attempt + 1} times; last time page ${slot.id} failed because ${reason}`),
        );
      } else {
        task.attempt += 1;
        this.counters.retries += 1;
        requeue.push(task);
      }
    }
    slot.inFlight.clear();
    this.pending.unshift(...requeue);
    slot.socket.terminate();
    void slot.page.close().catch(() => {});
    if (this.closed) return;
    this.options.logger.warn(`${NAME}: page ${slot.id} out of service: ${reason}; replacing it`);
    this.counters.pageReplacements += 1;
    this.ensurePages();
  }

  /** Starts replacements until pages in service plus pages being opened reach `options.pages`. */
  private ensurePages(): void {
    while (!this.closed && this.slots.length + this.replacing < this.options.pages) {
      const perBrowser = this.browsers.map((_, index) => this.slots.filter((slot) => slot.browserIndex === index).length);
      void this.replaceSlot(perBrowser.indexOf(Math.min(...perBrowser)));
    }
  }

  private async replaceSlot(browserIndex: number, tries = 3): Promise<void> {
    this.replacing += 1;
    try {
      for (let attempt = 1; attempt <= tries; attempt++) {
        try {
          const slot = await this.openSlot(browserIndex);
          if (this.closed) {
            await slot.page.close().catch(() => {});
            return;
          }
          this.slots.push(slot);
          return;
        } catch (error) {
          if (this.closed) return;
          const message = error instanceof Error ? error.message : String(error);
          this.options.logger.warn(`${NAME}: replacing a page failed (try ${attempt}/${tries}): ${message}`);
          if (attempt === tries) this.failIfNoPages(message);
          else await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
        }
      }
    } finally {
      this.replacing -= 1;
      this.pump();
    }
  }

  private failIfNoPages(reason: string): void {
    if (this.slots.some((slot) => slot.ready) || this.replacing > 1) return;
    for (const task of this.pending.splice(0)) {
      task.reject(new Error(`${NAME}: no render page left and none could be started: ${reason}`));
    }
  }

  private async shutdown(closeServer: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.pending.splice(0)) task.reject(new Error(`${NAME}: closed before job "${task.job.id}" was rendered`));
    for (const slot of [...this.slots]) this.breakSlot(slot, 'the renderer closed');
    await Promise.all(
      this.browsers.map(async (handle) => {
        const browser = handle.browser ?? (await handle.launching?.catch(() => null)) ?? null;
        if (browser) await closeBrowser(browser);
      }),
    );
    if (!closeServer) return;
    await this.server.close();
    this.options.logger.info(`${NAME}: closed (${this.counters.rendered} jobs rendered)`);
  }
}

/**
 * The page's encode request for `RenderOptions.encode` (null without one).
 * @throws RangeError for an unknown format or a quality outside 1–100.
 */
function toEncodeRequest(encode: RenderOptions['encode']): EncodeRequest | null {
  if (encode === undefined) return null;
  const type = ENCODE_TYPES[encode.format];
  if (type === undefined) throw new RangeError(`${NAME}: cannot encode to ${JSON.stringify(encode.format)}; expected jpeg, png or webp`);
  if (!Number.isInteger(encode.quality) || encode.quality < 1 || encode.quality > 100) throw new RangeError(`${NAME}: encode quality must be an integer in [1, 100], got ${encode.quality}`);
  return { type, quality: encode.quality / 100 };
}

/**
 * Default browser count for `pages` pages: 1 up to 2 pages (measured on 2 cores: 1 browser × 2
 * pages used less CPU per image than 2 × 1), then one per 2 pages, so no single GPU process
 * serialises the GL work of many pages. Not measured beyond 2 cores (no larger machine here).
 */
export function browsersForPages(pages: number): number {
  return Number.isInteger(pages) && pages > 2 ? Math.ceil(pages / 2) : 1;
}

function resolveOptions(options: ChromiumRendererOptions): Resolved {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${NAME}: expected an options object, got ${String(options)}`);
  if (!GL_MODES.includes(options.glMode)) {
    throw new TypeError(`${NAME}: expected glMode to be one of ${GL_MODES.join(', ')}, got ${JSON.stringify(options.glMode)}`);
  }
  const resolved: Resolved = {
    pages: options.pages ?? CHROMIUM_RENDERER_DEFAULTS.pages,
    browsers: options.browsers ?? browsersForPages(options.pages ?? CHROMIUM_RENDERER_DEFAULTS.pages),
    renderTimeoutMs: options.renderTimeoutMs ?? CHROMIUM_RENDERER_DEFAULTS.renderTimeoutMs,
    startTimeoutMs: options.startTimeoutMs ?? CHROMIUM_RENDERER_DEFAULTS.startTimeoutMs,
    maxRetries: options.maxRetries ?? CHROMIUM_RENDERER_DEFAULTS.maxRetries,
    jobsPerPage: options.jobsPerPage ?? CHROMIUM_RENDERER_DEFAULTS.jobsPerPage,
    canvas: options.canvas ?? CHROMIUM_RENDERER_DEFAULTS.canvas,
    idPass: options.idPass ?? CHROMIUM_RENDERER_DEFAULTS.idPass,
    browserEnv: options.browserEnv,
    logger: options.logger ?? SILENT_LOGGER,
  };
  const integer = (key: keyof Resolved, min: number, max: number) => {
    const value = resolved[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new TypeError(`${NAME}: expected ${key} to be an integer in [${min}, ${max}], got ${String(value)}`);
    }
  };
  integer('pages', 1, 64);
  integer('browsers', 1, 64);
  integer('renderTimeoutMs', 1, 3_600_000);
  integer('startTimeoutMs', 1, 3_600_000);
  integer('maxRetries', 0, 100);
  integer('jobsPerPage', 1, 16);
  if (resolved.browsers > resolved.pages) throw new TypeError(`${NAME}: expected browsers ≤ pages, got ${resolved.browsers} > ${resolved.pages}`);
  if (typeof resolved.idPass !== 'boolean') throw new TypeError(`${NAME}: expected idPass to be a boolean, got ${JSON.stringify(resolved.idPass)}`);
  if (resolved.canvas !== 'offscreen' && resolved.canvas !== 'dom') {
    throw new TypeError(`${NAME}: expected canvas to be 'offscreen' or 'dom', got ${JSON.stringify(resolved.canvas)}`);
  }
  return resolved;
}

function validateJob(job: RenderJob): void {
  const id = typeof job?.id === 'string' ? job.id : '?';
  for (const key of ['width', 'height'] as const) {
    const value = job?.[key];
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
      throw new TypeError(`${NAME}: job "${id}": expected ${key} to be an integer in [1, ${MAX_SIDE}], got ${String(value)}`);
    }
  }
  if (!Array.isArray(job.views) || job.views.length !== 2) throw new TypeError(`${NAME}: job "${id}": expected two views`);
  if (!Array.isArray(job.objectYawDeg) || job.objectYawDeg.length !== 2) throw new TypeError(`${NAME}: job "${id}": expected two object yaws`);
}

function firstReply(socket: WebSocket, timeoutMs: number): Promise<PageReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${NAME}: page sent no hello within ${timeoutMs} ms`)), timeoutMs);
    socket.once('message', (data, isBinary) => {
      clearTimeout(timer);
      if (isBinary) reject(new Error(`${NAME}: page sent binary data before hello`));
      else resolve(JSON.parse((data as Buffer).toString('utf8')) as PageReply);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      reject(new Error(`${NAME}: page WebSocket closed before hello`));
    });
  });
}

/** Closes a browser, killing its process when it does not close within 10 s. */
async function closeBrowser(browser: Browser): Promise<void> {
  const child = browser.process();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      browser.close(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 10_000);
      }),
    ]);
  } catch {
    child?.kill('SIGKILL');
  } finally {
    clearTimeout(timer);
  }
}
