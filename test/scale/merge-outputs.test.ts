/**
 * Split runs and `mergeOutputs` in-process (fake renderer): n workers in their own folders merged,
 * or sharing one folder, give the bytes of the one-machine run; merge refuses what does not fit.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeOutputs } from '../../pipeline/scale/merge-outputs.js';
import { getWorkerStatePath } from '../../pipeline/scale/worker-state.js';
import { expectSameTree, listTree, WORKER_FILES } from '../e2e/cli-process.js';
import { memoryLogger, runFake, smallConfig } from './fake-run.js';

let root: string;
let single: string;
const workers: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-merge-'));
  single = join(root, 'single');
  await runFake(smallConfig(single));
  for (let i = 0; i < 3; i++) {
    workers.push(join(root, `w${i}`));
    const result = await runFake(smallConfig(workers[i], { shardIndex: i, shardCount: 3 }));
    expect(result.manifestWritten).toBe(false);
    expect(result.missing).toEqual([0, 1, 2, 3].filter((s) => s % 3 !== i));
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('split runs', () => {
  it('merge of 3 worker folders equals the one-machine run, and can be merged again', async () => {
    const into = join(root, 'merged');
    const logger = memoryLogger();
    const result = await mergeOutputs({ inputs: workers, into, logger });
    expect(result.shards).toBe(4);
    expect(result.transfers.copied + result.transfers.linked).toBeGreaterThan(20);
    await expectSameTree(into, single, WORKER_FILES);
    expect((await listTree(into)).filter((f) => f.startsWith('.viewforge/workers/'))).toHaveLength(3);
    // The merged folder is a complete output itself: merging it into itself rewrites the same bytes.
    await mergeOutputs({ inputs: [into], into, logger });
    await expectSameTree(into, single, WORKER_FILES);
  });

  it('workers sharing one folder (in any order) leave the one-machine run', async () => {
    const shared = join(root, 'shared');
    const results = [];
    for (const i of [2, 0, 1]) results.push(await runFake(smallConfig(shared, { shardIndex: i, shardCount: 3 })));
    expect(results.map((r) => r.manifestWritten)).toEqual([false, false, true]);
    await expectSameTree(shared, single, WORKER_FILES);
  });

  it('refuses a gap, an overlap, another configuration and a damaged shard', async () => {
    const logger = memoryLogger();
    await expect(mergeOutputs({ inputs: [workers[0], workers[1]], into: join(root, 'm1'), logger })).rejects.toThrow(/shard\(s\) 2 of 0…3 are in none of the inputs/);
    const copy = join(root, 'w1-copy');
    await cp(workers[1], copy, { recursive: true });
    await expect(mergeOutputs({ inputs: [...workers, copy], into: join(root, 'm2'), logger })).rejects.toThrow(/overlapping inputs: shard 1 is in both/);
    const other = join(root, 'other');
    await runFake(smallConfig(other, { cotRatio: 0.2 }));
    await expect(mergeOutputs({ inputs: [...workers, other], into: join(root, 'm3'), logger })).rejects.toThrow(/the inputs come from different configurations/);
    const damaged = join(root, 'w2-damaged');
    await cp(workers[2], damaged, { recursive: true });
    const image = (await listTree(damaged)).find((f) => f.startsWith('images/00002/'))!;
    await writeFile(join(damaged, image), 'not the image');
    await expect(mergeOutputs({ inputs: [workers[0], workers[1], damaged], into: join(root, 'm4'), logger })).rejects.toThrow(
      /damaged shards \(rerun their workers with --resume\): ".*w2-damaged" shard 2: images\/00002\/.* is \d+ bytes, written with \d+/,
    );
  });

  it('refuses inputs from different software stacks, and an --into that holds another dataset', async () => {
    const logger = memoryLogger();
    const odd = join(root, 'w0-odd');
    await cp(workers[0], odd, { recursive: true });
    const path = join(odd, getWorkerStatePath({ index: 0, count: 3 }));
    const state = JSON.parse(await readFile(path, 'utf8'));
    state.renderer.glRenderer = 'another GPU';
    await writeFile(path, JSON.stringify(state));
    await expect(mergeOutputs({ inputs: [odd, workers[1], workers[2]], into: join(root, 'm5'), logger })).rejects.toThrow(/the workers ran different software stacks/);
    await expect(mergeOutputs({ inputs: workers, into: single, logger })).rejects.toThrow(/--into ".*single" already holds a dataset .*pass --overwrite/);
  });
});
