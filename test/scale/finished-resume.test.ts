/**
 * `--resume` on a finished run: every shard sealed and verified, so nothing is built, no browser
 * is started and nothing in the folder changes; a folder with a damaged shard still goes the
 * normal way (renderer started, shard rebuilt).
 */
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameTree } from '../e2e/cli-process.js';
import { fakeRenderer, memoryLogger, runFake, smallConfig } from './fake-run.js';

let root: string;
let done: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-finished-'));
  done = join(root, 'done');
  await runFake(smallConfig(done));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('--resume on a finished run', () => {
  it('starts no renderer, keeps every shard and changes nothing', async () => {
    const copy = join(root, 'again');
    await cp(done, copy, { recursive: true, preserveTimestamps: true });
    const manifestTime = (await stat(join(copy, 'manifest.json'))).mtimeMs;
    const logger = memoryLogger();
    let started = 0;
    const result = await runFake(smallConfig(copy, { resume: true }), {
      logger,
      createRenderer: async () => {
        started++;
        return fakeRenderer();
      },
    });
    expect(started).toBe(0);
    expect(result).toMatchObject({ samples: 0, shards: 0, kept: 4, missing: [] });
    expect(logger.lines.join('\n')).toMatch(/is complete \(4 shard\(s\) sealed and verified\); nothing to build, so no browser was started/);
    await expectSameTree(copy, done);
    expect((await stat(join(copy, 'manifest.json'))).mtimeMs).toBe(manifestTime);
  });

  it('still rebuilds a damaged shard the normal way, with the renderer', async () => {
    const copy = join(root, 'damaged');
    await cp(done, copy, { recursive: true });
    const images = join(copy, 'images', '00002');
    await rm(join(images, (await readdir(images))[0]));
    let started = 0;
    const result = await runFake(smallConfig(copy, { resume: true }), {
      createRenderer: async () => {
        started++;
        return fakeRenderer();
      },
    });
    expect(started).toBe(1);
    expect(result.kept).toBe(3);
    await expectSameTree(copy, done, [/^\.viewforge\/workers\//]);
  });
});
