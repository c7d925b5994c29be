/** The small helpers of pipeline/scale/: failure messages, pause hook, hard-link-or-copy, finalize lock, stats merge. */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countRedraw, countSample, countSkipped, createRunStats, mergeRunStats } from '../../pipeline/run-stats.js';
import { describeRunFailure, findErrorCode, isOutputFailure } from '../../pipeline/scale/describe-run-failure.js';
import { claimFinalize, FINALIZE_LOCK, releaseStaleFinalize } from '../../pipeline/scale/finalize-dataset.js';
import { linkOrCopy } from '../../pipeline/scale/link-or-copy.js';
import { createPauseHook } from '../../pipeline/scale/pause-hook.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-scale-units-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('mergeRunStats', () => {
  it('adds per-shard stats up to the stats of one run, whatever the grouping', () => {
    const samples = ['orbit', 'orbit', 'distance'];
    const whole = createRunStats();
    const parts = [createRunStats(), createRunStats()];
    samples.forEach((family, i) => {
      for (const stats of [whole, parts[i === 0 ? 0 : 1]]) {
        countRedraw(stats, family, 'near-bin-edge');
        countSample(stats);
      }
    });
    countSkipped(parts[0], 'too-large', 2);
    countSkipped(whole, 'too-large', 2);
    expect(mergeRunStats(parts[0], parts[1])).toEqual(whole);
    expect(mergeRunStats(parts[1], parts[0])).toEqual(whole);
    expect(mergeRunStats(createRunStats(), whole)).toEqual(whole);
    expect(whole).toEqual({ samples: 3, redraws: { orbit: { 'near-bin-edge': 2 }, distance: { 'near-bin-edge': 1 } }, skipped: { 'too-large': 2 } });
  });

  it('ignores the counters sidecars of earlier versions held (the manifest counts those from the records)', () => {
    const old = { samples: 2, redraws: {}, families: { orbit: 2 }, answerLetters: { orbit: { A: 2 } }, cotRecords: 1, imageBytes: { total: 9, min: 4, max: 5 } };
    expect(mergeRunStats(createRunStats(), old)).toEqual({ samples: 2, redraws: {} });
  });
});

describe('describeRunFailure', () => {
  it('turns a full disk or a blocked path anywhere in the cause chain into an output message', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const wrapped = new Error('ShardWriter: could not seal shard 3', { cause: enospc });
    expect(findErrorCode(wrapped)).toBe('ENOSPC');
    expect(describeRunFailure(wrapped, '/data/out')).toBe('output: cannot write to "/data/out": the disk is full (ShardWriter: could not seal shard 3)');
    expect(describeRunFailure(Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR' }), 'o')).toMatch(/a file stands where a folder belongs/);
    expect(describeRunFailure(new Error('ChromiumRenderer: job failed 3 times'), 'o')).toBe('ChromiumRenderer: job failed 3 times');
  });

  it('counts a missing path as an output problem only inside the output folder', () => {
    const gone = (path: string) => Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT', path });
    expect(describeRunFailure(gone('/data/out/images/00001/a.jpg.tmp-1'), '/data/out')).toMatch(/^output: cannot write to "\/data\/out": a folder the run writes into was removed \(/);
    expect(isOutputFailure(gone('/data/out/images/00001/a.jpg.tmp-1'), '/data/out')).toBe(true);
    expect(isOutputFailure(gone('/data/prompt.txt'), '/data/out')).toBe(false);
    expect(isOutputFailure(gone('/data/outside/x'), '/data/out')).toBe(false);
    expect(describeRunFailure(gone('/data/prompt.txt'), '/data/out')).toBe("ENOENT: no such file or directory, open '/data/prompt.txt'");
  });
});

describe('createPauseHook', () => {
  it('pauses only at its shard, prints one line, and resumes once the release file exists', async () => {
    const lines: string[] = [];
    const release = join(root, 'go');
    const hook = createPauseHook({ shard: 2, label: 'before sealing', releaseFile: release, log: (l) => lines.push(l), pollMs: 5 });
    await hook(1);
    expect(lines).toEqual([]);
    let done = false;
    const paused = hook(2).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect([done, lines]).toEqual([false, ['test-hook: paused before sealing shard 2']]);
    await writeFile(release, '');
    await paused;
  });

  it('returns when the run is aborted', async () => {
    const stop = new AbortController();
    const paused = createPauseHook({ shard: 0, label: 'x', signal: stop.signal, log: () => {}, pollMs: 5 })(0);
    stop.abort();
    await paused;
  });
});

describe('linkOrCopy', () => {
  it('hard-links a file (same file system), and leaves a target that already is the source', async () => {
    await writeFile(join(root, 'a'), 'bytes');
    expect(await linkOrCopy(join(root, 'a'), join(root, 'sub', 'b'))).toBe('linked');
    expect((await stat(join(root, 'sub', 'b'))).ino).toBe((await stat(join(root, 'a'))).ino);
    expect(await linkOrCopy(join(root, 'a'), join(root, 'sub', 'b'))).toBe('present');
    await writeFile(join(root, 'c'), 'other');
    expect(await linkOrCopy(join(root, 'c'), join(root, 'sub', 'b'))).toBe('linked');
    expect(await readFile(join(root, 'sub', 'b'), 'utf8')).toBe('other');
  });
});

describe('finalize lock', () => {
  it('goes to one worker; a resumed holder releases its own stale lock only', async () => {
    await mkdir(join(root, '.viewforge'), { recursive: true });
    expect(await claimFinalize(root, { index: 1, count: 3 })).toBe(true);
    expect(await claimFinalize(root, { index: 2, count: 3 })).toBe(false);
    await releaseStaleFinalize(root, { index: 2, count: 3 });
    expect(await readFile(join(root, FINALIZE_LOCK), 'utf8')).toBe('worker-00001-of-00003\n');
    await releaseStaleFinalize(root, { index: 1, count: 3 });
    expect(await claimFinalize(root, { index: 2, count: 3 })).toBe(true);
  });
});
