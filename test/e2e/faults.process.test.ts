/**
 * Renderer faults, signals and a full disk, end to end (real CLI and Chromium):
 * - pages crashed, hung past `--render-timeout` and a killed Chromium (`VIEWFORGE_TEST_FAULTS`)
 *   are replaced and their samples retried; the output is byte-identical to an undisturbed run;
 * - past the retry bound the run fails with a clear message and a state `--resume` finishes;
 * - SIGINT stops the run without sealing anything partial, exit 130 with the resume line, and
 *   `--resume` finishes it (SIGTERM, through npm and to a process group: signals.process.test.ts);
 * - an output that cannot be written mid-run (a file where a shard's image folder belongs; and,
 *   where this process may mount a tmpfs, a disk that really fills up) fails clearly, exit 1, with
 *   the sealed shards intact.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../../pipeline/config.js';
import { CHROMIUM_RENDERER_DEFAULTS } from '../../renderers/chromium/chromium-renderer.js';
import { expectNothingPartial, expectSameTree, listTree, startCli, waitUntil } from './cli-process.js';
import { runCli } from './run-cli.js';

// One page unless a test needs more (a page less to start per run); the bytes do not depend on it.
const COMMON = ['render', '--count', '8', '--shard-size', '3', '--size', '128', '--seed', '55', '--concurrency', '1'];

let tmp: string;
let clean: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-faults-'));
  clean = join(tmp, 'clean');
  const res = await runCli([...COMMON, '--out', clean]);
  expect(res.code, res.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN); the real disk-full test needs it. */
function canMountTmpfs(): boolean {
  const probe = join(tmpdir(), `vf-mount-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('rm', ['-rf', probe]);
  }
}

async function resume(out: string, extra: string[] = []): Promise<void> {
  const res = await runCli([...COMMON, '--out', out, '--resume', ...extra]);
  expect(res.code, res.stderr).toBe(0);
  await expectSameTree(out, clean);
}


describe('renderer faults', () => {
  it('uses the renderer defaults for --render-timeout and --render-retries', () => {
    expect(RUN_DEFAULTS.renderTimeoutMs).toBe(CHROMIUM_RENDERER_DEFAULTS.renderTimeoutMs);
    expect(RUN_DEFAULTS.renderRetries).toBe(CHROMIUM_RENDERER_DEFAULTS.maxRetries);
  });

  it('replaces crashed and hung pages and a killed Chromium, retries, and writes the same bytes', async () => {
    const out = join(tmp, 'faulty');
    const res = await runCli([...COMMON, '--out', out, '--concurrency', '2', '--render-timeout', '5000'], { VIEWFORGE_TEST_FAULTS: 'crash-every=3,hang-every=5,kill-browser-every=7' });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/FaultInjectingRenderer: crashing a page/);
    expect(res.stderr).toMatch(/FaultInjectingRenderer: hanging a page/);
    expect(res.stderr).toMatch(/FaultInjectingRenderer: killing Chromium/);
    expect(res.stderr).toMatch(/renderer: [1-9]\d* page\(s\) replaced, [1-9]\d* job\(s\) retried/);
    await expectSameTree(out, clean);
  });

  it('fails clearly past the retry bound, leaving a state that --resume finishes', async () => {
    const out = join(tmp, 'bound');
    const args = ['--out', out, '--render-retries', '0', '--render-timeout', '3000'];
    const res = await runCli([...COMMON, ...args], { VIEWFORGE_TEST_FAULTS: 'hang-every=4' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: ChromiumRenderer: job "vf-00000037-\d+" failed 1 times; last time page \d+ failed because job "vf-00000037-\d+" took longer than 3000 ms/);
    expect(res.stderr).toMatch(/run: [0-2] of 3 shards sealed and intact; fix the cause, then rerun the same command with --resume to finish/);
    await expectNothingPartial(out);
    await resume(out);
  });
});

describe('signals', () => {
  it('SIGINT: the shard being sealed completes, nothing partial is sealed, exit 130 with the resume line', async () => {
    const out = join(tmp, 'sigint');
    const p = startCli([...COMMON, '--out', out], { VIEWFORGE_TEST_PAUSE_BEFORE_SEAL: '1' });
    await p.waitForOutput(/test-hook: paused before sealing shard 1/);
    p.child.kill('SIGINT');
    const res = await p.done;
    expect(res.stderr).toMatch(/received SIGINT: stopping/);
    expect(res.stderr).toMatch(/^interrupted: 2 of 3 shards sealed; rerun the same command with --resume to finish$/m);
    expect(res.code).toBe(130);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    await expectNothingPartial(out);
    await resume(out);
  });
});

describe('unwritable output mid-run', () => {
  it('fails with a clear error and exit 1; sealed shards stay intact; --resume finishes once fixed', async () => {
    const out = join(tmp, 'blocked');
    const release = join(tmp, 'release-blocked');
    const p = startCli([...COMMON, '--out', out], { VIEWFORGE_TEST_PAUSE_BEFORE_SEAL: '0', VIEWFORGE_TEST_PAUSE_RELEASE: release });
    await p.waitForOutput(/test-hook: paused before sealing shard 0/);
    // A file where shard 1's and shard 2's image folders belong: as if the disk refused new files.
    // (The paused run may still be writing an image of shard 1: retry until the file stands.)
    for (const name of ['00001', '00002']) {
      await waitUntil(async () => {
        try {
          await rm(join(out, 'images', name), { recursive: true, force: true });
          await writeFile(join(out, 'images', name), 'in the way\n', { flag: 'wx' });
          return true;
        } catch {
          return false;
        }
      }, 30_000, `a file at images/${name}`);
    }
    await writeFile(release, '');
    const res = await p.done;
    expect(res.code).toBe(1);
    // Which of the two the run meets depends on whether it opened its next image between the test's
    // removing a folder and putting the file there.
    expect(res.stderr).toMatch(/error: output: cannot write to ".*blocked": (a file stands where a folder belongs|a folder the run writes into was removed) \(.*images\/0000[12].*\)/);
    expect(res.stderr).toMatch(/run: 1 of 3 shards sealed and intact; fix the cause, then rerun the same command with --resume to finish/);
    // Shard 0 is sealed, with its sidecar, byte-identical to the clean run's.
    const shard0 = (await listTree(clean)).filter((f) => /(^|\/)shard-00000\.|^images\/00000\//.test(f));
    expect(shard0.length).toBeGreaterThan(3);
    for (const f of shard0) expect((await readFile(join(out, f))).equals(await readFile(join(clean, f))), f).toBe(true);
    await expectNothingPartial(out);
    for (const name of ['00001', '00002']) await rm(join(out, 'images', name), { force: true });
    await resume(out);
  });

  it.skipIf(!canMountTmpfs())('a disk that fills up (a small tmpfs): "the disk is full", exit 1, sealed shards intact', async () => {
    // A tmpfs with room for about half of the clean output (counted in 4 KiB pages).
    let pages = 0;
    for (const f of await listTree(clean)) pages += Math.ceil((await stat(join(clean, f))).size / 4096) || 1;
    const disk = join(tmp, 'small-disk');
    await mkdir(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.floor(pages * 0.55) * 4096}`, 'tmpfs', disk]);
    try {
      const out = join(disk, 'out');
      const res = await runCli([...COMMON, '--out', out]);
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toMatch(/error: output: cannot write to ".*out": the disk is full \(/);
      expect(res.stderr).toMatch(/run: [0-2] of 3 shards sealed and intact; fix the cause, then rerun the same command with --resume to finish/);
      // Every shard with a sidecar is whole and byte-identical to the clean run's; nothing partial is sealed.
      const sidecars = (await listTree(out)).filter((p) => p.startsWith('.viewforge/shards/'));
      expect(sidecars.length).toBeGreaterThan(0);
      for (const f of sidecars) {
        const sidecar = JSON.parse(await readFile(join(out, f), 'utf8')) as { files: { path: string }[]; images: { path: string }[] };
        for (const { path } of [...sidecar.files, ...sidecar.images, { path: f }]) expect((await readFile(join(out, path))).equals(await readFile(join(clean, path))), path).toBe(true);
      }
      await expectNothingPartial(out);
      // Moved to a disk with room, --resume finishes it.
      const moved = join(tmp, 'from-small-disk');
      await cp(out, moved, { recursive: true });
      await resume(moved);
    } finally {
      execFileSync('umount', [disk]);
    }
  });
});
