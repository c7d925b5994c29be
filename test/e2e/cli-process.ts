/**
 * The real CLI as a live child process, for tests that act while it runs: wait for a line or a
 * file, then SIGKILL / SIGTERM / SIGINT it. Plus folder comparison helpers for "byte-identical to
 * a clean run" checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT, type CliResult } from './run-cli.js';

export interface CliProcess {
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects after `timeoutMs` or when the process ends first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has ended. */
  done: Promise<CliResult>;
}

/** Starts `node pipeline/launch-cli.mjs …args`, as `npm run` does (see run-cli.ts). */
export function startCli(args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const child = spawn(process.execPath, ['pipeline/launch-cli.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let all = '';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout!.on('data', (d) => ((stdout += d), (all += d), notify()));
  child.stderr!.on('data', (d) => ((stderr += d), (all += d), notify()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      notify();
      resolve({ code: code ?? (signal ? -1 : null), stdout, stderr });
    });
  });
  let ended = false;
  void done.then(() => (ended = true));
  const waitForOutput = (pattern: RegExp, timeoutMs = 90_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(all)) finish(resolve);
        else if (ended || child.exitCode !== null) finish(() => reject(new Error(`process ended before ${pattern}:\n${all.slice(-2000)}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${all.slice(-2000)}`))), timeoutMs);
      const finish = (f: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        f();
      };
      listeners.add(check);
      check();
    });
  return { child, output: () => all, waitForOutput, done };
}

/** Polls `predicate` every 20 ms until it holds. */
export async function waitUntil(predicate: () => Promise<boolean> | boolean, timeoutMs = 90_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every file under `dir`, as sorted POSIX paths relative to it. */
export async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(join(dir, prefix), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listTree(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

/**
 * Asserts that `actual` holds exactly the files of `expected` with the same bytes, except paths
 * matching `ignore` (e.g. worker state files, which name the worker).
 */
export async function expectSameTree(actual: string, expected: string, ignore: RegExp[] = []): Promise<void> {
  const keep = (p: string) => !ignore.some((r) => r.test(p));
  const [a, e] = await Promise.all([listTree(actual), listTree(expected)]);
  expect(a.filter(keep)).toEqual(e.filter(keep));
  const differ: string[] = [];
  for (const f of e.filter(keep)) {
    const [x, y] = await Promise.all([readFile(join(actual, f)), readFile(join(expected, f))]);
    if (!x.equals(y)) differ.push(f);
  }
  expect(differ, `files that differ from ${expected}`).toEqual([]);
}

/** Worker state files and the shared-folder finalize lock: bookkeeping that names workers. */
export const WORKER_FILES = [/^\.viewforge\/workers\//, /^\.viewforge\/finalize\.lock$/];

/** Every shard file in sft/ and rl/ belongs to a shard with a sidecar: nothing partial was sealed. */
export async function expectNothingPartial(out: string): Promise<void> {
  const files = await listTree(out);
  const sealed = new Set(files.filter((f) => f.startsWith('.viewforge/shards/')).map((f) => /shard-(\d+)\.json$/.exec(f)![1]));
  expect(files.filter((f) => /^(sft|rl)\//.test(f) && !sealed.has(/shard-(\d+)\./.exec(f)![1]))).toEqual([]);
}
