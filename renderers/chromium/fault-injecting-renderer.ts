/**
 * A test-only wrapper around {@link ChromiumRenderer} that breaks the browser on purpose, so the
 * end-to-end tests can prove that a run survives what happens on real machines: a renderer page
 * that crashes, a page that hangs past the render time limit, a Chromium that dies. The faults go
 * through the real repair path (page replacement, browser relaunch, bounded retries); the output
 * must still be byte-identical to an undisturbed run.
 *
 * Not reachable from any flag: the CLI builds it only when the environment variable
 * `VIEWFORGE_TEST_FAULTS` is set (e.g. `crash-every=4,hang-every=7,kill-browser-every=11`),
 * parsed by {@link parseRenderFaults}.
 *
 * Fault n is triggered on the n-th `render` call (1-based) before that job is handed to the pool:
 * - `crash-every=k`: CDP `Page.crash` on a live page;
 * - `hang-every=k`: an endless loop on a live page's main thread (its jobs then time out);
 * - `kill-browser-every=k`: SIGKILL to the Chromium process of a live page.
 */
import type { Page } from 'puppeteer-core';
import type { RawImage, RenderJob } from '../../pipeline/types.js';
import type { Renderer, RendererInfo, RendererLogger, RenderOptions } from '../renderer.js';

const NAME = 'FaultInjectingRenderer';

/** Which faults to inject, each every k-th render call (undefined: never). */
export interface RenderFaults {
  crashEvery?: number;
  hangEvery?: number;
  killBrowserEvery?: number;
}

/** Counters of injected faults. */
export interface InjectedFaults {
  crashes: number;
  hangs: number;
  browserKills: number;
}

const KEYS: Record<string, keyof RenderFaults> = {
  'crash-every': 'crashEvery',
  'hang-every': 'hangEvery',
  'kill-browser-every': 'killBrowserEvery',
};

/**
 * Parses `crash-every=4,hang-every=7,kill-browser-every=11` (any subset, any order).
 * @throws TypeError naming the bad part.
 */
export function parseRenderFaults(text: string): RenderFaults {
  const faults: RenderFaults = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)=(\d+)$/.exec(part);
    const key = m ? KEYS[m[1]] : undefined;
    if (!m || key === undefined || Number(m[2]) < 1) {
      throw new TypeError(`${NAME}: expected "${Object.keys(KEYS).join('|')}=<k ≥ 1>" separated by commas, got "${part}"`);
    }
    faults[key] = Number(m[2]);
  }
  return faults;
}

/** What the wrapper needs of the real renderer. */
export interface PageOwningRenderer extends Renderer {
  listPages(): Page[];
}

/** Wraps a renderer and injects faults; see the file header. */
export class FaultInjectingRenderer implements Renderer {
  private calls = 0;
  private readonly counters: InjectedFaults = { crashes: 0, hangs: 0, browserKills: 0 };

  constructor(
    private readonly inner: PageOwningRenderer,
    private readonly faults: RenderFaults,
    private readonly logger?: RendererLogger,
  ) {}

  get info(): RendererInfo {
    return this.inner.info;
  }

  /** Faults injected so far. */
  get injected(): InjectedFaults {
    return { ...this.counters };
  }

  async render(job: RenderJob, options?: RenderOptions): Promise<[RawImage, RawImage]> {
    this.calls += 1;
    const due = (every?: number) => every !== undefined && this.calls % every === 0;
    const fault = due(this.faults.crashEvery) ? 'crash' : due(this.faults.hangEvery) ? 'hang' : due(this.faults.killBrowserEvery) ? 'kill' : null;
    // A fault that is due waits for a live page (one may be being replaced after the last fault), so every fault that is
    // due is injected, however few renders the run makes.
    const page = fault === null ? undefined : await this.livePage();
    if (page !== undefined) {
      if (fault === 'crash') await this.crash(page);
      else if (fault === 'hang') await this.hang(page);
      else this.killBrowser(page);
    }
    return this.inner.render(job, options);
  }

  /** The first live page, waiting up to 30 s for one; undefined when none comes. */
  private async livePage(): Promise<Page | undefined> {
    for (let waited = 0; waited < 30_000; waited += 50) {
      const page = this.inner.listPages().find((p) => !p.isClosed());
      if (page !== undefined) return page;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async crash(page: Page): Promise<void> {
    this.counters.crashes += 1;
    this.logger?.warn(`${NAME}: crashing a page before render ${this.calls}`);
    try {
      const session = await page.createCDPSession();
      // Page.crash never answers: the target goes away. Do not wait for it.
      void session.send('Page.crash').catch(() => {});
    } catch {
      // The page was already going away: nothing to break.
    }
  }

  private async hang(page: Page): Promise<void> {
    this.counters.hangs += 1;
    this.logger?.warn(`${NAME}: hanging a page before render ${this.calls}`);
    // The loop is queued as a task before evaluate returns, so it runs before the next job message.
    await page.evaluate(() => void setTimeout(() => { for (;;); }, 0)).catch(() => {});
  }

  private killBrowser(page: Page): void {
    const child = page.browser().process();
    if (!child) return;
    this.counters.browserKills += 1;
    this.logger?.warn(`${NAME}: killing Chromium (pid ${child.pid}) before render ${this.calls}`);
    child.kill('SIGKILL');
  }
}
