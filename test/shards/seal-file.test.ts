import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../pipeline/shards/seal-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vf-seal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes text, bytes and streams, replacing the old file', async () => {
    const target = join(dir, 'a.jsonl');
    await writeFileAtomic(target, 'one\n');
    expect(await readFile(target, 'utf8')).toBe('one\n');
    await writeFileAtomic(target, new TextEncoder().encode('two\n'));
    expect(await readFile(target, 'utf8')).toBe('two\n');
    await writeFileAtomic(target, Readable.from([Buffer.from('thr'), 'ee\n']));
    expect(await readFile(target, 'utf8')).toBe('three\n');
    await writeFileAtomic(target, ['fo', 'ur\n']);
    expect(await readFile(target, 'utf8')).toBe('four\n');
    expect(await readdir(dir)).toEqual(['a.jsonl']);
  });

  it('leaves the old file intact and no temporary file when the data fails mid-way', async () => {
    const target = join(dir, 'shard.jsonl');
    await writeFile(target, 'old\n');
    async function* failing() {
      yield 'partial line';
      throw new Error('encoder crashed');
    }
    const err = (await writeFileAtomic(target, failing()).then(
      () => null,
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(`writeFileAtomic: could not write "${target}": encoder crashed`);
    expect((err.cause as Error).message).toBe('encoder crashed');
    expect(await readFile(target, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['shard.jsonl']);
  });

  it('removes the temporary file when the rename fails', async () => {
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow(`writeFileAtomic: could not write "${target}"`);
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('names the path when the folder is missing', async () => {
    const target = join(dir, 'missing', 'a.json');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(/could not write ".*missing\/a\.json": ENOENT/);
  });
});
