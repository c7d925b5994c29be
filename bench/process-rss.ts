/**
 * Resident memory of this Node process plus every descendant process (the Chromium browser,
 * GPU and renderer processes), read from /proc. Linux only; elsewhere only Node's own RSS.
 */
import { readFileSync, readdirSync } from 'node:fs';

function readStatus(pid: number): { ppid: number; rssKb: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(text)?.[1] ?? -1);
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    return { ppid, rssKb };
  } catch {
    return null;
  }
}

/** Bytes of RSS of `rootPid` and all its descendants. */
export function treeRssBytes(rootPid: number = process.pid): number {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return process.memoryUsage().rss;
  }
  const info = new Map<number, { ppid: number; rssKb: number }>();
  for (const pid of pids) {
    const s = readStatus(pid);
    if (s) info.set(pid, s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of info) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    total += (info.get(pid)?.rssKb ?? 0) * 1024;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** A running sampler of {@link treeRssBytes}. */
export interface RssSampler {
  /** Peak since the sampler started (samples once more now). */
  peak(): number;
  /** Stops sampling; returns the peak. */
  stop(): number;
}

/** Samples {@link treeRssBytes} every `intervalMs` until stopped. */
export function startRssSampler(intervalMs = 250): RssSampler {
  let peak = treeRssBytes();
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssBytes());
  }, intervalMs);
  timer.unref();
  const sample = () => (peak = Math.max(peak, treeRssBytes()));
  return {
    peak: sample,
    stop: () => {
      clearInterval(timer);
      return sample();
    },
  };
}
