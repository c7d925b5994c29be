/**
 * `run()` resumed in-process (fake renderer): a run stopped by its abort signal, or failing
 * part-way, leaves sealed shards with sidecars and nothing partial; `resume: true` keeps the
 * shards that check out, rebuilds the rest (also after a sealed file was damaged or left without
 * a sidecar) and ends with the bytes of an uninterrupted run.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunFailedError, RunInterruptedError } from '../../pipeline/errors.js';
import { getSidecarPath } from '../../pipeline/scale/shard-sidecar.js';
import type { Renderer } from '../../renderers/renderer.js';
import { expectSameTree, listTree } from '../e2e/cli-process.js';
import { fakeRenderer, memoryLogger, runFake, smallConfig } from './fake-run.js';

let root: string;
let clean: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-resume-run-'));
  clean = join(root, 'clean');
  await runFake(smallConfig(clean));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('run() stopped, then resumed', () => {
  it('on abort: finishes the shard being sealed, seals nothing partial, rejects with the progress', async () => {
    const out = join(root, 'aborted');
    const stop = new AbortController();
    const run = runFake(smallConfig(out), {
      signal: stop.signal,
      hooks: {
        beforeSeal: async (shard) => {
          if (shard === 1) stop.abort('SIGTERM');
        },
      },
    });
    await expect(run).rejects.toThrow(RunInterruptedError);
    await expect(run).rejects.toMatchObject({ reason: 'SIGTERM', progress: { sealed: 2, total: 4 } });
    expect(existsSync(join(out, getSidecarPath(1)))).toBe(true);
    expect((await listTree(out)).filter((f) => /^(sft|rl)\/shard-0000[23]/.test(f))).toEqual([]);
    const logger = memoryLogger();
    const resumed = await runFake(smallConfig(out, { resume: true }), { logger });
    expect(resumed).toMatchObject({ kept: 2, samples: 4, manifestWritten: true });
    expect(logger.lines).toContain('info: resume: 2 of 4 shard(s) sealed and verified, kept; 2 to build (2–3)');
    await expectSameTree(out, clean);
  });

  it('after a failure part-way: RunFailedError with the progress; --resume finishes', async () => {
    const out = join(root, 'failed');
    let calls = 0;
    const failing = (): Renderer => {
      const inner = fakeRenderer();
      return { ...inner, render: async (job) => (++calls === 5 ? Promise.reject(new Error('page crashed for good')) : inner.render(job)) };
    };
    const run = runFake(smallConfig(out), { createRenderer: async () => failing() });
    await expect(run).rejects.toThrow(RunFailedError);
    await expect(run).rejects.toMatchObject({ message: 'page crashed for good', progress: { sealed: 1, total: 4 } });
    await runFake(smallConfig(out, { resume: 'auto' }));
    await expectSameTree(out, clean);
  });

  it('rebuilds a shard sealed without its sidecar, and one whose file was damaged; keeps the rest', async () => {
    const out = join(root, 'damaged');
    await runFake(smallConfig(out));
    await rm(join(out, getSidecarPath(0)));
    const sft2 = (await listTree(out)).find((f) => /^(sft|rl)\/shard-00002\.jsonl$/.test(f))!;
    await writeFile(join(out, sft2), (await readFile(join(out, sft2), 'utf8')).replace('"', "'"));
    await writeFile(join(out, 'sft', 'shard-00001.jsonl.tmp-1-0'), 'partial');
    const logger = memoryLogger();
    const resumed = await runFake(smallConfig(out, { resume: true }), { logger });
    expect(resumed.kept).toBe(2);
    expect(logger.lines.some((l) => l.includes(`resume: shard 2 is rebuilt: ${sft2}: sha256 differs from the sealed file`))).toBe(true);
    expect(logger.lines).toContain('info: resume: 2 of 4 shard(s) sealed and verified, kept; 2 to build (0, 2)');
    await expectSameTree(out, clean);
  });

  it('a split worker resumes only its own shards', async () => {
    const out = join(root, 'split');
    await runFake(smallConfig(out, { shardIndex: 1, shardCount: 2 }));
    await rm(join(out, getSidecarPath(3)));
    const logger = memoryLogger();
    const resumed = await runFake(smallConfig(out, { shardIndex: 1, shardCount: 2, resume: true }), { logger });
    expect(logger.lines).toContain('info: resume: worker-00001-of-00002: 1 of 2 shard(s) sealed and verified, kept; 1 to build (3)');
    expect(resumed.missing).toEqual([0, 2]);
    await runFake(smallConfig(out, { shardIndex: 0, shardCount: 2 }));
    await expectSameTree(out, clean, [/^\.viewforge\/workers\//, /^\.viewforge\/finalize\.lock$/]);
  });
});
