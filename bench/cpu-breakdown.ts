/**
 * `npx tsx bench/cpu-breakdown.ts [--count 200] [--pages 2]`
 *
 * CPU per pair by process (Node, Chromium's GPU process, renderers, network service) for each
 * step of the pixel path, read from /proc before and after each step (Linux only): the in-page
 * ceiling, render() with the pixels sent to Node, the same with the ID pass on both views, and
 * with both views JPEG-encoded. Each step runs twice; see docs/performance.md.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Command } from 'commander';
import pLimit from 'p-limit';
import { buildFamilySchedule } from '../pipeline/plan/family-schedule.js';
import { planSample } from '../pipeline/plan/plan-sample.js';
import { FAMILIES } from '../pipeline/questions/index.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import { encodeImage } from '../renderers/encode-image.js';

const opts = new Command('cpu-breakdown')
  .option('--count <n>', 'pairs per step', (v) => Number(v), 200)
  .option('--pages <n>', 'renderer pages', (v) => Number(v), 2)
  .parse()
  .opts<{ count: number; pages: number }>();

/** CPU ms of this process and of each of its descendants (Chromium's), by process type. */
function cpuByProcess(): Record<string, number> {
  const parent = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      parent.set(Number(pid), Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1));
    } catch {
      // the process ended while being read
    }
  }
  const isOurs = (pid: number): boolean => {
    for (let p = pid, depth = 0; p > 1 && depth < 16; p = parent.get(p) ?? -1, depth++) if (p === process.pid) return true;
    return false;
  };
  const out: Record<string, number> = {};
  const ticksMs = 10; // USER_HZ = 100 on Linux
  for (const pid of parent.keys()) {
    if (!isOurs(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const kind = pid === process.pid ? 'node' : (/--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser');
      out[kind] = (out[kind] ?? 0) + (Number(fields[11]) + Number(fields[12])) * ticksMs;
    } catch {
      // the process ended while being read
    }
  }
  return out;
}

const schedule = buildFamilySchedule(FAMILIES.map((f) => ({ family: f.name, weight: 1 })));
const jobs = Array.from({ length: opts.count }, (_, i) => planSample({ seed: 7, width: 512, height: 512, schedule }, i).job);
const renderer = await ChromiumRenderer.create({ glMode: 'auto', pages: opts.pages, env: process.env });
const limit = pLimit(opts.pages * 2);
const step = async (name: string, body: () => Promise<unknown>) => {
  const before = cpuByProcess();
  const t0 = performance.now();
  await body();
  const seconds = (performance.now() - t0) / 1000;
  const after = cpuByProcess();
  const per = (k: string) => (after[k] - (before[k] ?? 0)) / opts.count;
  const total = Object.keys(after).reduce((s, k) => s + per(k), 0);
  const parts = Object.keys(after).filter((k) => per(k) >= 0.05).map((k) => `${k} ${per(k).toFixed(1)}`);
  console.log(`${name.padEnd(28)} ${(opts.count / seconds).toFixed(1).padStart(6)} pairs/s  CPU ${total.toFixed(1)} ms/pair: ${parts.join(', ')}`);
};
try {
  await renderer.runPageLoop(jobs.slice(0, 4), opts.pages);
  await Promise.all(jobs.slice(0, 8).map((j) => renderer.render(j)));
  for (let round = 0; round < 2; round++) {
    await step('ceiling (in page)', () => renderer.runPageLoop(jobs, opts.pages));
    await step('render, pixels to Node', () => Promise.all(jobs.map((j) => limit(() => renderer.render(j, { idPass: [false, false] })))));
    await step('render + ID pass', () => Promise.all(jobs.map((j) => limit(() => renderer.render(j, { idPass: [true, true] })))));
    await step('render + JPEG', () =>
      Promise.all(jobs.map((j) => limit(async () => Promise.all((await renderer.render(j, { idPass: [false, false] })).map((img) => encodeImage(img, 'jpeg')))))),
    );
  }
} finally {
  await renderer.close();
}
