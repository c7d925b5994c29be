import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideRunStart, openRunDir, type RunStartRequest } from '../../pipeline/scale/open-run-dir.js';
import { getWorkerStatePath, writeWorkerState, type FoundWorkerState, type WorkerState } from '../../pipeline/scale/worker-state.js';

const HASH = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function state(index: number, count: number, hash = HASH): FoundWorkerState {
  const s: WorkerState = {
    format_version: 1,
    worker: { index, count },
    status: 'running',
    config: { seed: 1, count: 10, size: 64, format: 'jpeg', shard_size: 3, cot_ratio: 0.5, families: ['orbit'], mix: null, stages: 'family', gl: 'auto', dataset_name: 'viewforge', system_prompt: null },
    config_hash: hash,
    versions: { viewforge: '0.0.0' },
    renderer: { name: 'fake', browserVersion: 'none', glRenderer: 'none' },
  };
  return { path: getWorkerStatePath(s.worker), state: s };
}

const request = (over: Partial<RunStartRequest> = {}): RunStartRequest => ({
  outDir: '/data/out',
  worker: { index: 0, count: 1 },
  configHash: HASH,
  resume: false,
  overwrite: false,
  ...over,
});

const DATASET = ['sft', 'rl', 'images', 'manifest.json', '.viewforge'];

describe('decideRunStart', () => {
  it('starts fresh in an empty folder, with or without --resume auto', () => {
    expect(decideRunStart(request(), { entries: [], states: [] })).toMatchObject({ mode: 'fresh', clear: false });
    expect(decideRunStart(request({ resume: 'auto' }), { entries: [], states: [] })).toMatchObject({ mode: 'fresh', clear: false });
  });

  it('treats a bare .viewforge/ (a run killed before it wrote its state) as nothing to keep', () => {
    expect(decideRunStart(request(), { entries: ['.viewforge'], states: [] })).toMatchObject({ mode: 'fresh', clear: false });
    expect(decideRunStart(request({ resume: true }), { entries: ['.viewforge'], states: [] })).toMatchObject({ mode: 'resume', clear: false, states: [] });
  });

  it('refuses --resume where there is nothing to resume', () => {
    expect(() => decideRunStart(request({ resume: true }), { entries: [], states: [] })).toThrow(/holds no earlier run to resume .*stopped before it wrote anything leaves nothing to resume\. Run without --resume/);
    expect(() => decideRunStart(request({ resume: true }), { entries: ['sft', 'manifest.json'], states: [] })).toThrow(/no earlier run to resume/);
  });

  it('resumes a run of the same configuration, also with another worker count', () => {
    expect(decideRunStart(request({ resume: true }), { entries: DATASET, states: [state(0, 1)] })).toMatchObject({ mode: 'resume', clear: false });
    expect(decideRunStart(request({ resume: 'auto', worker: { index: 1, count: 3 } }), { entries: DATASET, states: [state(0, 1)] })).toMatchObject({ mode: 'resume' });
  });

  it('refuses to resume a run of another configuration, naming both hashes', () => {
    expect(() => decideRunStart(request({ resume: true }), { entries: DATASET, states: [state(0, 1, OTHER)] })).toThrow(
      /another configuration \(.viewforge\/workers\/worker-00000-of-00001.json: config hash bbbbbbbbbbbb…, this run aaaaaaaaaaaa…\); rerun with exactly the flags/,
    );
  });

  it('refuses an existing dataset without a flag, suggesting --resume when it is this run', () => {
    expect(() => decideRunStart(request(), { entries: DATASET, states: [state(0, 1)] })).toThrow(/already holds a dataset .*pass --resume to finish that run, --overwrite/);
    expect(() => decideRunStart(request(), { entries: ['manifest.json'], states: [] })).toThrow(/already holds a dataset \(manifest.json\); pass --overwrite/);
  });

  it('lets a sibling worker join a shared folder, but not a second copy of itself', () => {
    const shared = { entries: ['sft', 'images', '.viewforge'], states: [state(0, 3), state(2, 3)] };
    expect(decideRunStart(request({ worker: { index: 1, count: 3 } }), shared)).toMatchObject({ mode: 'fresh', clear: false });
    expect(() => decideRunStart(request({ worker: { index: 2, count: 3 } }), shared)).toThrow(/already holds a dataset/);
    expect(() => decideRunStart(request({ worker: { index: 1, count: 3 } }), { ...shared, entries: [...shared.entries, 'manifest.json'] })).toThrow(/already holds/);
  });

  it('overwrites, but never a folder that sibling workers write into', () => {
    expect(decideRunStart(request({ overwrite: true }), { entries: DATASET, states: [state(0, 1, OTHER)] })).toMatchObject({ mode: 'fresh', clear: true });
    expect(() => decideRunStart(request({ overwrite: true, worker: { index: 1, count: 3 } }), { entries: DATASET, states: [state(0, 3)] })).toThrow(
      /--overwrite would delete the shards of worker-00000-of-00003/,
    );
  });
});

describe('openRunDir', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vf-open-run-dir-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the worker states and clears the old dataset for --overwrite (keeping other files)', async () => {
    await mkdir(join(root, 'sft'));
    await writeFile(join(root, 'sft', 'shard-00000.jsonl'), '{}\n');
    await writeFile(join(root, 'handoff-ledger.jsonl'), '');
    await writeWorkerState(root, state(0, 1).state);
    const first = await openRunDir({ ...request({ resume: true }), outDir: root });
    expect(first).toMatchObject({ mode: 'resume' });
    // While the first holds the folder, a second writer (or its --overwrite) is refused, naming the holder.
    await expect(openRunDir({ ...request({ overwrite: true }), outDir: root, configHash: OTHER })).rejects.toThrow(
      new RegExp(`output: another render \\(run of pid ${process.pid}\\) is running for .*: pid ${process.pid} on .*, started .*, last heartbeat 0 s ago`),
    );
    expect((await readdir(root)).sort()).toContain('sft');
    await first.lock.release();
    const second = await openRunDir({ ...request({ overwrite: true }), outDir: root, configHash: OTHER });
    expect(second).toMatchObject({ mode: 'fresh', clear: true });
    await second.lock.release();
    expect((await readdir(root)).sort()).toEqual(['.viewforge', 'handoff-ledger.jsonl']);
  });

  it('lets the workers of one split run share the folder, and takes over the lock of a process that is gone', async () => {
    const a = await openRunDir({ ...request({}), worker: { index: 0, count: 2 }, outDir: root });
    const b = await openRunDir({ ...request({}), worker: { index: 1, count: 2 }, outDir: root });
    await expect(openRunDir({ ...request({}), worker: { index: 0, count: 1 }, outDir: root, configHash: OTHER })).rejects.toThrow(/another render \(split run .* of 2 workers\) is running/);
    await b.lock.release();
    await a.lock.release(true);
    // A lock left by a killed process on this host is stale at once.
    await writeFile(join(root, '.viewforge.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), buildId: 'run of pid 1', startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString() }));
    const warned: string[] = [];
    const c = await openRunDir({ ...request({ overwrite: true }), outDir: root }, (line) => warned.push(line));
    expect(warned[0]).toMatch(/output: taking over the stale lock .*\.viewforge\.lock of pid \d+ .*: its process \d+ on this host .* is gone/);
    await c.lock.release();
  });

  it('names a damaged state file', async () => {
    await mkdir(join(root, '.viewforge', 'workers'), { recursive: true });
    await writeFile(join(root, getWorkerStatePath({ index: 0, count: 1 })), '{"format_version": 1}');
    await expect(openRunDir({ ...request({ resume: true }), outDir: root })).rejects.toThrow(/worker-00000-of-00001.json" is not a viewforge worker state; move it aside or use --overwrite/);
  });
});
