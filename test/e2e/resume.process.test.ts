/**
 * Crash safety end to end, real CLI and Chromium: a run killed with SIGKILL at chosen and at
 * pseudo-random moments (before anything is sealed, mid-shard, between the images and the seal,
 * between the seal and the sidecar, during a resume…), then rerun with `--resume`, ends with the
 * bytes of an uninterrupted run: no duplicate id, no missing id, no leftover temporary file. A
 * sealed shard whose image was damaged is rebuilt; `--resume` without a run, or with other flags,
 * is a clear error.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameTree, listTree, startCli, waitUntil, type CliProcess } from './cli-process.js';
import { runCli } from './run-cli.js';

const COMMON = ['render', '--count', '8', '--shard-size', '3', '--size', '128', '--seed', '44', '--concurrency', '1'];

let tmp: string;
let clean: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-resume-'));
  clean = join(tmp, 'clean');
  const res = await runCli([...COMMON, '--out', clean]);
  expect(res.code, res.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** SIGKILLs the run (Chromium ends with its pipe) and waits until it is gone. */
async function kill9(p: CliProcess): Promise<void> {
  p.child.kill('SIGKILL');
  await p.done;
}

async function resumeAndCompare(out: string): Promise<string> {
  const res = await runCli([...COMMON, '--out', out, '--resume']);
  expect(res.code, res.stderr).toBe(0);
  // A kill that landed after the run finished leaves nothing to build (and no browser is started then).
  expect(res.stderr).toMatch(/resume: (\d+ of 3 shard\(s\) sealed and verified, kept; \d+ to build|the run in \S+ is complete \(3 shard\(s\) sealed and verified\); nothing to build)/);
  await expectSameTree(out, clean); // stronger than `verify`: every byte of the uninterrupted run, no id missing or twice
  return res.stderr;
}

const sidecar = (out: string, shard: number) => join(out, '.viewforge', 'shards', `shard-0000${shard}.json`);

/** A small deterministic generator for the "random" kill delays (mulberry32). */
function delays(seed: number, n: number, minMs: number, maxMs: number): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.round(minMs + u * (maxMs - minMs));
  });
}

describe('kill -9, then --resume', () => {
  it('between the images of shard 1 and its seal (test hook): shard 1 is rebuilt', async () => {
    const out = join(tmp, 'before-seal');
    const p = startCli([...COMMON, '--out', out], { VIEWFORGE_TEST_PAUSE_BEFORE_SEAL: '1' });
    await p.waitForOutput(/test-hook: paused before sealing shard 1/);
    await kill9(p);
    expect(existsSync(sidecar(out, 0))).toBe(true);
    expect(existsSync(join(out, 'images', '00001'))).toBe(true); // images written, nothing sealed
    expect(existsSync(join(out, 'sft', 'shard-00001.jsonl')) || existsSync(join(out, 'rl', 'shard-00001.jsonl'))).toBe(false);
    const log = await resumeAndCompare(out);
    expect(log).toMatch(/resume: 1 of 3 shard\(s\) sealed and verified, kept; 2 to build \(1–2\)/);
  });

  it('between sealing shard 2 (the last, partial one) and its sidecar: the sealed files are discarded and rebuilt', async () => {
    const out = join(tmp, 'before-sidecar');
    const p = startCli([...COMMON, '--out', out], { VIEWFORGE_TEST_PAUSE_BEFORE_SIDECAR: '2' });
    await p.waitForOutput(/test-hook: paused before the sidecar of shard 2/);
    await kill9(p);
    expect((await listTree(out)).filter((f) => /^(sft|rl)\/shard-00002\./.test(f)).length).toBeGreaterThan(0);
    expect(existsSync(sidecar(out, 2))).toBe(false);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const log = await resumeAndCompare(out);
    expect(log).toMatch(/2 of 3 shard\(s\) sealed and verified, kept; 1 to build \(2\)/);
  });

  it('right after the first shard is sealed (watching the folder)', async () => {
    const out = join(tmp, 'after-first');
    const p = startCli([...COMMON, '--out', out]);
    await waitUntil(() => existsSync(sidecar(out, 0)), 90_000, 'the first sidecar');
    await kill9(p);
    await resumeAndCompare(out);
  });

  it('mid-shard: some images of shard 1 written, shard 1 not sealed', async () => {
    const out = join(tmp, 'mid-shard');
    const p = startCli([...COMMON, '--out', out]);
    await waitUntil(async () => existsSync(join(out, 'images', '00001')) && (await readdir(join(out, 'images', '00001'))).length >= 2, 90_000, 'images of shard 1');
    await kill9(p);
    await resumeAndCompare(out);
  });

  it('before any sample (right after start-up), and again during the resume', async () => {
    const out = join(tmp, 'early-and-twice');
    const p = startCli([...COMMON, '--out', out]);
    await waitUntil(() => existsSync(join(out, '.viewforge', 'workers')), 90_000, 'the worker state');
    await kill9(p);
    const again = startCli([...COMMON, '--out', out, '--resume'], { VIEWFORGE_TEST_PAUSE_BEFORE_SEAL: '1' });
    await again.waitForOutput(/test-hook: paused before sealing shard 1/);
    await kill9(again);
    await resumeAndCompare(out);
  });

  for (const [n, ms] of delays(0x5eed, 2, 1_500, 6_000).entries()) {
    it(`at a pseudo-random moment (#${n + 1}: ${ms} ms after the renderer is up)`, async () => {
      const out = join(tmp, `random-${n}`);
      const p = startCli([...COMMON, '--out', out]);
      await p.waitForOutput(/^renderer: /m);
      await new Promise((r) => setTimeout(r, ms));
      await kill9(p);
      await resumeAndCompare(out);
    });
  }
});

describe('--resume checks', () => {
  it('rebuilds a sealed shard whose image no longer matches its sidecar', async () => {
    const out = join(tmp, 'damaged');
    await cp(clean, out, { recursive: true });
    const image = (await listTree(out)).find((f) => f.startsWith('images/00002/'))!;
    const bytes = await readFile(join(out, image));
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(join(out, image), bytes);
    const log = await resumeAndCompare(out);
    expect(log).toMatch(/resume: shard 2 is rebuilt: images\/00002\/.*: sha256 differs from the written image/);
    expect(log).toMatch(/2 of 3 shard\(s\) sealed and verified, kept; 1 to build \(2\)/);
  });

  it('refuses --resume without an earlier run, and with other flags (exit 3, before any browser starts)', async () => {
    const none = await runCli([...COMMON, '--out', join(tmp, 'empty'), '--resume']);
    expect(none.stderr).toMatch(/resume: ".*empty" holds no earlier run to resume .*Run without --resume .*--resume auto/);
    expect(none.code).toBe(3);
    const other = await runCli([...COMMON, '--out', clean, '--resume', '--cot-ratio', '0.25']);
    expect(other.stderr).toMatch(/resume: ".*clean" holds a run with another configuration \(.*config hash [0-9a-f]{12}…, this run [0-9a-f]{12}…\); rerun with exactly the flags/);
    expect(other.code).toBe(3);
    expect(other.stderr).not.toMatch(/^renderer: /m);
  });
});
