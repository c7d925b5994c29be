/** The render progress display: a bar with rate and ETA on a terminal, plain lines every few seconds otherwise. */
import type cliProgressModule from 'cli-progress';
import { EtaEstimator } from '../progress-eta.js';
import type { RunProgress } from '../run/run.js';
import { setBarOnScreen } from './cli-io.js';

/** Seconds between plain progress lines when stderr is not a terminal. */
const PLAIN_LINE_MS = 5000;

export function progressReporter(cliProgress: typeof cliProgressModule, total: number, isTTY: boolean): { update: (p: RunProgress) => void; stop: () => void } {
  const started = performance.now();
  const estimate = new EtaEstimator();
  if (isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'render |{bar}| {value}/{total} pairs | {rate} pairs/s | ETA {eta_text} | redraws {redraws}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0.0', redraws: 0, eta_text: estimate.eta(total) });
    setBarOnScreen(bar);
    return {
      update: (p) => {
        if (p.total !== bar.getTotal()) bar.setTotal(p.total); // a resumed or split run builds fewer than --count
        estimate.note(p.done, performance.now());
        bar.update(p.done, { rate: (estimate.rate() ?? p.done / ((performance.now() - started) / 1000)).toFixed(1), redraws: p.redraws, eta_text: estimate.eta(p.total) });
      },
      stop: () => {
        setBarOnScreen(null);
        bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update: (p) => {
      const now = performance.now();
      estimate.note(p.done, now);
      if (now - last < PLAIN_LINE_MS && p.done !== p.total) return;
      last = now;
      const rate = estimate.rate() ?? p.done / ((now - started) / 1000);
      console.error(`render: ${p.done}/${p.total} pairs, ${rate.toFixed(1)} pairs/s, ETA ${estimate.eta(p.total)}, redraws ${p.redraws}`);
    },
    stop: () => {},
  };
}
