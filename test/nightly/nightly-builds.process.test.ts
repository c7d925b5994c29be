/**
 * Nightly builds end to end, real CLI and Chromium, tiny builds (6 pairs at 64 px) in one root,
 * in sequence: a good build; a build killed mid-render (latest unchanged, the lock of the dead
 * process does not block) and resumed by the next run; a second run while a build holds the
 * lock; a build whose written poses a test hook corrupts (pose↔pixel gate fails, latest stays);
 * and `--keep 2` after four builds.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireBuildLock, LOCK_FILE } from '../../pipeline/scale/folder-lock.js';
import type { Ledger } from '../../pipeline/nightly/builds-ledger.js';
import type { BuildReport } from '../../pipeline/nightly/run-nightly.js';
import { startCli, waitUntil } from '../e2e/cli-process.js';
import { runCli } from '../e2e/run-cli.js';

const dir = await mkdtemp(join(tmpdir(), 'vf-nightly-'));
const root = join(dir, 'root');
const config = join(dir, 'nightly.json');
await writeFile(
  config,
  JSON.stringify({
    count: 6,
    seed: 11,
    size: 64,
    shardSize: 3,
    // One page: the builds are the subject here, not the renderer's pool (a page less to start per run).
    concurrency: 1,
    parquet: false,
    families: ['orbit', 'ego-turn', 'perspective'],
    nightly: {
      root: 'root',
      // Six pairs are too few to judge letters or drift; the pixel checks look at every pair.
      gates: { minFamilySamples: 1000, checkShare: 1, minMeanImageBytes: 100, maxRedrawRate: 10, drift: { redrawRate: 10, meanImageBytes: 1 } },
    },
  }),
);

const ledger = async () => JSON.parse(await readFile(join(root, 'builds.json'), 'utf8')) as Ledger;
const latest = () => readlink(join(root, 'latest'));
const report = async (id: string) => JSON.parse(await readFile(join(root, id, 'report.json'), 'utf8')) as BuildReport;

/** Sample ids and image sha256 of a build, from its records and image files. */
async function idsAndHashes(id: string): Promise<{ ids: Set<string>; hashes: Set<string> }> {
  const ids = new Set<string>();
  const hashes = new Set<string>();
  for (const kind of ['sft', 'rl']) {
    for (const name of await readdir(join(root, id, kind))) {
      for (const line of (await readFile(join(root, id, kind, name), 'utf8')).split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as { meta?: { id: string }; extra_info?: { id: string } };
        ids.add((r.meta ?? r.extra_info)!.id);
      }
    }
  }
  for (const sub of await readdir(join(root, id, 'images'))) {
    for (const name of await readdir(join(root, id, 'images', sub))) hashes.add(createHash('sha256').update(await readFile(join(root, id, 'images', sub, name))).digest('hex'));
  }
  return { ids, hashes };
}

describe('nightly builds', () => {
  let first = '';
  let second = '';

  it('builds, verifies and publishes a first build', async () => {
    const r = await runCli(['nightly', '--config', config]);
    expect(r.stderr + r.stdout).toMatch(/PASSED/);
    expect(r.code).toBe(0);
    first = (await ledger()).builds[0].id;
    expect(first).toMatch(/^\d{8}-01$/);
    expect(await latest()).toBe(first);
    const rep = await report(first);
    expect(rep).toMatchObject({ verdict: 'passed', counts: { samples: 6, images: 12 }, verifyFaults: 0 });
    expect(rep.metrics!.poseChecked).toBe(6);
    expect(rep.metrics!.poseFailed).toBe(0);
    expect(r.stdout).toMatch(/counts: 6 pairs/);
  });

  it('survives a kill mid-build: latest unchanged, the dead lock does not block, the next run resumes', async () => {
    const p = startCli(['nightly', '--config', config]);
    const marker = join(root, '.nightly-build.json');
    await waitUntil(() => existsSync(marker), 60_000, 'the in-progress marker');
    second = (JSON.parse(await readFile(marker, 'utf8')) as { id: string }).id;
    await waitUntil(() => existsSync(join(root, second, '.viewforge/shards/shard-00000.json')), 90_000, 'the first sealed shard');
    p.child.kill('SIGKILL');
    await p.done;
    expect(await latest()).toBe(first);
    expect((await ledger()).builds.map((b) => b.id)).toEqual([first]);
    expect(existsSync(join(root, LOCK_FILE))).toBe(true);

    const r = await runCli(['nightly', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/taking over the stale lock .* is gone/);
    expect(r.stderr).toMatch(new RegExp(`resuming build ${second}`));
    expect(r.stdout).toMatch(/\d sealed shard\(s\) kept from the earlier run/);
    expect(await latest()).toBe(second);
    const builds = (await ledger()).builds;
    expect(builds.map((b) => [b.id, b.verdict])).toEqual([[first, 'passed'], [second, 'passed']]);
    expect(builds[0].seed).not.toBe(builds[1].seed);
    expect(builds[1]).toMatchObject({ counts: { samples: 6 }, configHash: expect.stringMatching(/^[0-9a-f]{64}$/), renderer: { name: 'chromium' } });
    // Two nights share no sample id and no image.
    const a = await idsAndHashes(first);
    const b = await idsAndHashes(second);
    expect(a.ids.size).toBe(6);
    expect(b.ids.size).toBe(6);
    expect([...a.ids].filter((id) => b.ids.has(id))).toEqual([]);
    expect(a.hashes.size).toBe(12);
    expect([...a.hashes].filter((h) => b.hashes.has(h))).toEqual([]);
  });

  it('refuses to start while another build holds the lock', async () => {
    const held = await acquireBuildLock(root);
    await held.setBuild('someone-else');
    try {
      const r = await runCli(['nightly', '--config', config]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/another build \(someone-else\) is running for .*pid \d+/);
    } finally {
      await held.release();
    }
  });

  it('fails the pose↔pixel gate when written poses are off, keeps latest, exits 5; --keep 2 prunes the oldest', async () => {
    const third = await runCli(['nightly', '--config', config], { VIEWFORGE_TEST_CORRUPT_POSES: '2' });
    expect(third.code).toBe(5);
    expect(third.stdout).toMatch(/FAILED/);
    expect(third.stdout).toMatch(/gate pose-pixel/);
    expect(await latest()).toBe(second);
    const failed = (await ledger()).builds[2];
    expect(failed.verdict).toBe('failed');
    expect(failed.reasons.join('\n')).toMatch(/gate pose-pixel: .*\(3 of 6; at most 0.02: above, P\(as many by chance\) = 0.0002, significant at 0.001\)/);
    expect((await report(failed.id)).gates.find((g) => g.gate === 'pose-pixel')!.passed).toBe(false);
    expect((await report(failed.id)).verifyFaults).toBe(0); // the files are whole; only the pixels disagree with the poses

    // A fourth build (failed too), then --keep 2: the two newest and latest stay.
    const fourth = await runCli(['nightly', '--config', config, '--keep', '2'], { VIEWFORGE_TEST_CORRUPT_POSES: '2' });
    expect(fourth.code).toBe(5);
    const builds = (await ledger()).builds;
    expect(builds).toHaveLength(4);
    expect(await latest()).toBe(second);
    expect(builds.map((b) => b.prunedAt !== undefined)).toEqual([true, false, false, false]);
    expect(existsSync(join(root, first))).toBe(false);
    for (const b of builds.slice(1)) expect(existsSync(join(root, b.id, 'manifest.json'))).toBe(true);
    expect(existsSync(join(root, '.nightly-build.json'))).toBe(false);
    expect(existsSync(join(root, LOCK_FILE))).toBe(false);
  });

  it('splits a build over two Indexed-Job workers: the first seals its shards, the last one publishes', async () => {
    const job = (index: number) => ({ JOB_COMPLETION_INDEX: String(index), JOB_COMPLETION_COUNT: '2' });
    const w0 = await runCli(['nightly', '--config', config, '--build-id', 'vf-nightly-29400060'], job(0));
    expect(w0.code, w0.stderr).toBe(0);
    expect(w0.stdout).toMatch(/worker 0\/2 of build vf-nightly-29400060 .*shards are sealed/);
    expect(await latest()).toBe(second);
    expect((await ledger()).builds).toHaveLength(4);
    const w1 = await runCli(['nightly', '--config', config, '--build-id', 'vf-nightly-29400060'], job(1));
    expect(w1.code, w1.stderr).toBe(0);
    expect(w1.stdout).toMatch(/build vf-nightly-29400060 PASSED .*published by worker 1\/2/);
    expect(await latest()).toBe('vf-nightly-29400060');
    const last = (await ledger()).builds[4];
    expect(last).toMatchObject({ id: 'vf-nightly-29400060', verdict: 'passed', counts: { samples: 6, images: 12 } });
    expect(existsSync(join(root, LOCK_FILE))).toBe(false);
  });

  it('abandons an unfinished build whose config changed since (recorded with the reason) and builds anew', async () => {
    const root2 = join(dir, 'root2');
    const config2 = join(dir, 'nightly2.json');
    const settings = JSON.parse(await readFile(config, 'utf8'));
    // An unfinished build as a night left it: the marker, and a folder holding a render of the config it started with.
    const stuck = '20260101-01';
    await mkdir(root2, { recursive: true });
    await writeFile(join(root2, '.nightly-build.json'), JSON.stringify({ id: stuck, seed: 12345, startedAt: '2026-01-01T02:00:00.000Z' }));
    const started = await runCli(['render', '--count', '2', '--size', '64', '--shard-size', '3', '--seed', '12345', '--families', 'orbit', '--no-parquet', '--out', join(root2, stuck)]);
    expect(started.code, started.stderr).toBe(0);
    // The config changes before the next night: the stuck build can never resume.
    await writeFile(config2, JSON.stringify({ ...settings, count: 5, nightly: { ...settings.nightly, root: 'root2' } }));
    const r = await runCli(['nightly', '--config', config2]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`build ${stuck} abandoned \\(recorded in builds.json\\): its folder holds a run of another configuration; starting a new build`));
    const builds = JSON.parse(await readFile(join(root2, 'builds.json'), 'utf8')).builds as Ledger['builds'];
    expect(builds.map((b) => b.verdict)).toEqual(['abandoned', 'passed']);
    expect(builds[0]).toMatchObject({ id: stuck, reasons: [expect.stringMatching(/left unfinished, then the config changed: resume: .* holds a run with another configuration/)] });
    expect(builds[1].id).not.toBe(stuck);
    expect(builds[1].counts).toMatchObject({ samples: 5 });
    expect(await readlink(join(root2, 'latest'))).toBe(builds[1].id);
  });
});
