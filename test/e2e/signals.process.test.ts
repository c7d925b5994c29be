/**
 * Signals reach the render through the wrappers users and Kubernetes put around it: `npm run
 * render` (npm forwards SIGTERM to its script, which `exec`s node, so no shell sits between them)
 * and a process-group SIGTERM (delivered to npm and to node, so node hears it twice: still one
 * graceful stop, not "exit at once"). Either way: exit 143, nothing partial sealed, and the same
 * command with `--resume` finishes the run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingPartial, waitUntil } from './cli-process.js';
import { ROOT, runCli } from './run-cli.js';

// One page: the stop is the subject here, not the renderer's pool (a page less to start per run).
const COMMON = ['--count', '9', '--shard-size', '3', '--size', '64', '--seed', '12', '--concurrency', '1'];

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-signals-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** `npm run render -- …` in its own process group; resolves with npm's exit code and the output. */
function npmRender(out: string) {
  const child = spawn('npm', ['run', '--silent', 'render', '--', ...COMMON, '--out', out], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
  return { child, done };
}

/** Whether a process whose command line names `out` still runs (read from /proc: no procps needed). */
async function renderAlive(out: string): Promise<boolean> {
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(out) && Number(pid) !== process.pid) return true;
  }
  return false;
}

async function expectStopped(out: string, result: { code: number | null; output: string }): Promise<void> {
  expect(result.code, result.output).toBe(143);
  expect(result.output).toMatch(/received SIGTERM: stopping/);
  expect(result.output).not.toMatch(/exiting now/);
  expect(result.output).toMatch(/interrupted: \d of 3 shards sealed; rerun the same command with --resume to finish/);
  await waitUntil(async () => !(await renderAlive(out)), 10_000, 'the render process to end');
  await expectNothingPartial(out);
}

async function expectStoppedAndResumable(out: string, result: { code: number | null; output: string }): Promise<void> {
  await expectStopped(out, result);
  const resumed = await runCli(['render', ...COMMON, '--out', out, '--resume']);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout + resumed.stderr).toMatch(/shard\(s\) sealed and verified, kept|is complete/);
}

describe('SIGTERM through npm run', () => {
  it('to npm alone: npm forwards it, the render stops gracefully with 143', async () => {
    const out = join(tmp, 'npm');
    const p = npmRender(out);
    await waitUntil(() => existsSync(join(out, '.viewforge', 'shards', 'shard-00000.json')), 90_000, 'the first sidecar');
    process.kill(p.child.pid!, 'SIGTERM');
    await expectStoppedAndResumable(out, await p.done);
  }, 180_000);

  it('to the whole process group: heard twice, one graceful stop', async () => {
    const out = join(tmp, 'group');
    const p = npmRender(out);
    await waitUntil(() => existsSync(join(out, '.viewforge', 'shards', 'shard-00000.json')), 90_000, 'the first sidecar');
    process.kill(-p.child.pid!, 'SIGTERM');
    await expectStopped(out, await p.done); // as resumable as the case above: the same stop
  }, 180_000);
});
