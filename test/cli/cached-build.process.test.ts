/**
 * The build cache (pipeline/cached-build.mjs) as the CLI's start uses it (pipeline/launch-cli.mjs):
 * the bundle is built once, reused while the sources are as they were, built again when one
 * differs, keeps each module's own paths, and the CLI falls back to tsx when it cannot write the
 * bundle; the page script a render reads from the cache is the one esbuild makes in memory. Each
 * case uses its own cache folder (`VIEWFORGE_TEST_BUILD_CACHE`, inside node_modules so that
 * packages resolve).
 */
import { build } from 'esbuild';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_BUILD_OPTIONS } from '../../renderers/chromium/page-bundle.js';
import { ROOT, runCli } from '../e2e/run-cli.js';

const VERSION = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Stamp {
  esbuild: string;
  node: string;
  options: string;
  dir: string;
  inputs: Record<string, [number, number]>;
}

let tmp: string;

beforeAll(async () => {
  // In a fresh clone nothing may have made node_modules/.cache yet.
  await mkdir(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  tmp = await mkdtemp(join(ROOT, 'node_modules', '.cache', 'vf-build-cache-test-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const readStamp = async (cache: string, name = 'cli') => JSON.parse(await readFile(join(cache, `${name}.json`), 'utf8')) as Stamp;

describe('the build cache', () => {
  it('builds the bundle on first use and starts the CLI from it, then reuses it unchanged', async () => {
    const cache = join(tmp, 'first');
    const first = await runCli(['--version'], { VIEWFORGE_TEST_BUILD_CACHE: cache });
    expect(first.code, first.stderr).toBe(0);
    // cli.ts reads ../package.json relative to itself: the version proves module-relative paths hold in the bundle.
    expect(first.stdout.trim()).toBe(VERSION);
    const stamp = await readStamp(cache);
    expect(stamp.node).toBe(process.version);
    expect(Object.keys(stamp.inputs)).toEqual(expect.arrayContaining(['pipeline/cli.ts', 'pipeline/cli/render-command.ts', 'schemas/meta.schema.json', 'tsconfig.json', 'package.json']));
    expect((await stat(join(ROOT, 'pipeline/cli.ts'))).mtimeMs).toBe(stamp.inputs['pipeline/cli.ts'][0]);
    const entry = join(cache, stamp.dir, 'cli.js');
    const built = (await stat(entry)).mtimeMs;
    // The commands' lazy imports stay lazy: chunks beside the entry module.
    expect((await readdir(join(cache, stamp.dir))).length).toBeGreaterThan(5);

    const again = await runCli(['--version'], { VIEWFORGE_TEST_BUILD_CACHE: cache });
    expect(again.stdout.trim()).toBe(VERSION);
    expect((await stat(entry)).mtimeMs).toBe(built);
    expect(await readStamp(cache)).toEqual(stamp);
    expect((await readdir(cache)).filter((name) => name.startsWith('cli-'))).toEqual([stamp.dir]);
  });

  it('builds again when a source or the build options differ from what the stamp recorded', async () => {
    const cache = join(tmp, 'stale');
    expect((await runCli(['--version'], { VIEWFORGE_TEST_BUILD_CACHE: cache })).code).toBe(0);
    const stamp = await readStamp(cache);
    // As if pipeline/run/run.ts had been saved since: another mtime than the file has.
    const stale: Stamp = { ...stamp, inputs: { ...stamp.inputs, 'pipeline/run/run.ts': [stamp.inputs['pipeline/run/run.ts'][0] - 1000, stamp.inputs['pipeline/run/run.ts'][1]] } };
    await writeFile(join(cache, 'cli.json'), JSON.stringify(stale));
    const res = await runCli(['--version'], { VIEWFORGE_TEST_BUILD_CACHE: cache });
    expect(res.stdout.trim()).toBe(VERSION);
    expect(await readStamp(cache)).toEqual(stamp);
    // Build options are not a file: as if the launcher's had changed since.
    await writeFile(join(cache, 'cli.json'), JSON.stringify({ ...stamp, options: 'other' }));
    expect((await runCli(['--version'], { VIEWFORGE_TEST_BUILD_CACHE: cache })).stdout.trim()).toBe(VERSION);
    expect(await readStamp(cache)).toEqual(stamp);
  });

  it('starts the CLI under tsx when it cannot write the bundle', async () => {
    const blocker = join(tmp, 'a-file');
    await writeFile(blocker, 'not a folder\n');
    const res = await runCli(['render', '--count', '0'], { VIEWFORGE_TEST_BUILD_CACHE: join(blocker, 'cache') });
    // The same CLI: its own flag check and exit code.
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--count must be >= 1, got 0/);
  });

  it('gives a render the page script esbuild makes, and lists its three.js inputs', async () => {
    const cache = join(tmp, 'page');
    const res = await runCli(['render', '--count', '1', '--size', '64', '--families', 'orbit', '--no-parquet', '--out', join(tmp, 'page-out')], { VIEWFORGE_TEST_BUILD_CACHE: cache });
    expect(res.code, res.stderr).toBe(0);
    const stamp = await readStamp(cache, 'page');
    expect(Object.keys(stamp.inputs)).toEqual(expect.arrayContaining(['renderers/page/main.ts', 'node_modules/three/build/three.core.js']));
    const inMemory = await build({ ...PAGE_BUILD_OPTIONS, write: false });
    expect(await readFile(join(cache, stamp.dir, 'main.js'), 'utf8')).toBe(inMemory.outputFiles[0].text);
  });
});
