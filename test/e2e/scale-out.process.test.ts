/**
 * Scale-out end to end, real CLI and Chromium: three workers (`--shard-index i --shard-count 3`)
 * in their own folders merged with `merge`, and three workers sharing one folder, give the bytes
 * of a one-machine run (every JSONL, parquet, image, sidecar and the manifest). `merge` refuses
 * gaps and overlaps; `verify` passes a good folder and lists a flipped image byte, a truncated
 * shard, a duplicated record, a deleted sidecar, an edited card and a changed plot.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameTree, listTree, startCli, WORKER_FILES } from './cli-process.js';
import { runCli, type CliResult } from './run-cli.js';

const COMMON = ['render', '--count', '10', '--shard-size', '3', '--size', '128', '--seed', '33', '--concurrency', '1'];

let tmp: string;
let single: string;
const workers: string[] = [];
let shared: string;
let merged: string;
const results: CliResult[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-scale-'));
  single = join(tmp, 'single');
  shared = join(tmp, 'shared');
  merged = join(tmp, 'merged');
  results.push(await runCli([...COMMON, '--out', single]));
  // Worker 1 takes its place from the Job's variables, the others from flags.
  for (let i = 0; i < 3; i++) {
    workers.push(join(tmp, `w${i}`));
    const place = i === 1 ? [] : ['--shard-index', String(i), '--shard-count', '3'];
    const env = i === 1 ? { JOB_COMPLETION_INDEX: '1', JOB_COMPLETION_COUNT: '3' } : {};
    results.push(await runCli([...COMMON, '--out', workers[i], ...place], env));
  }
  // Three workers at once into one folder.
  const all = [0, 1, 2].map((i) => startCli([...COMMON, '--out', shared, '--shard-index', String(i), '--shard-count', '3']));
  results.push(...(await Promise.all(all.map((p) => p.done))));
}, 240_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('split runs', () => {
  it('every worker exits 0; a worker in its own folder says how to merge', () => {
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(results[1].stdout).toMatch(/worker-00000-of-00003: its shards are sealed; 2 shard\(s\) of the run are not in .* npm run merge -- <out-dirs…> --into <dir>/);
  });

  it('gives worker i the shards s with s mod 3 = i, and no manifest', async () => {
    expect((await listTree(workers[1])).filter((f) => f.startsWith('sft/') || f.startsWith('rl/') || f.startsWith('.viewforge/shards/')).map((f) => /shard-(\d+)/.exec(f)![1])).toSatisfy(
      (numbers: string[]) => numbers.every((n) => n === '00001'),
    );
    expect(await listTree(workers[0])).not.toContain('manifest.json');
  });

  it('merge of the three folders equals the one-machine run byte for byte', async () => {
    const res = await runCli(['merge', ...workers, '--into', merged]);
    expect(res.stdout, res.stderr).toMatch(/merge: 4 shards, 10 samples from 3 folder\(s\)/);
    expect(res.code).toBe(0);
    await expectSameTree(merged, single, WORKER_FILES);
  });

  it('three workers sharing one folder leave the one-machine run byte for byte (the last writes the manifest)', async () => {
    await expectSameTree(shared, single, WORKER_FILES);
    expect(results.slice(4).filter((r) => /every shard of the run is in .*; manifest.json written/.test(r.stdout))).toHaveLength(1);
  });

  it('merge refuses a gap and an overlap, naming the shards', async () => {
    const gap = await runCli(['merge', workers[0], workers[2], '--into', join(tmp, 'gap')]);
    expect(gap.stderr).toMatch(/shard\(s\) 1 of 0…3 are in none of the inputs; finish the workers that own them \(rerun with --resume\)/);
    expect(gap.code).toBe(3);
    const copy = join(tmp, 'w0-copy');
    await cp(workers[0], copy, { recursive: true });
    const overlap = await runCli(['merge', ...workers, copy, '--into', join(tmp, 'overlap')]);
    expect(overlap.stderr).toMatch(/overlapping inputs: shard 0 is in both ".*w0" and ".*w0-copy"/);
    expect(overlap.code).toBe(3);
  });
});

describe('verify', () => {
  it('passes a good folder', async () => {
    const res = await runCli(['verify', merged]);
    expect(res.stdout, res.stderr).toMatch(/verify: OK: 10 samples, 10 records in \d+ shard files, 20 images/);
    expect(res.code).toBe(0);
  });

  it('lists a flipped image byte, a truncated shard and a duplicated record, and exits 1', async () => {
    const bad = join(tmp, 'bad');
    await cp(single, bad, { recursive: true });
    const manifest = JSON.parse(await readFile(join(bad, 'manifest.json'), 'utf8')) as { shards: { kind: string; path: string; sha256: string; bytes: number; records: number }[] };
    // Flip one byte in the middle of an image.
    const image = (await listTree(bad)).find((f) => f.startsWith('images/00001/'))!;
    const bytes = await readFile(join(bad, image));
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(join(bad, image), bytes);
    // Truncate a shard.
    const [first, second] = manifest.shards.filter((s) => s.path.endsWith('.jsonl'));
    await truncate(join(bad, first.path), first.bytes - 10);
    // Duplicate a record, and update the manifest as a buggy writer would (checksum, size, count all "right").
    const lines = (await readFile(join(bad, second.path), 'utf8')).split('\n').filter(Boolean);
    const text = `${lines[0]}\n${lines.join('\n')}\n`;
    await writeFile(join(bad, second.path), text);
    Object.assign(manifest.shards.find((s) => s.path === second.path)!, { sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text), records: lines.length + 1 });
    await writeFile(join(bad, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    const res = await runCli(['verify', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`fault: ${image}: sha256 differs from the records`);
    expect(res.stderr).toMatch(new RegExp(`fault: ${first.path}: is ${first.bytes - 10} bytes, the manifest says ${first.bytes} \\(truncated or changed\\)`));
    expect(res.stderr).toMatch(new RegExp(`fault: ${second.path}: line 2: duplicate id "vf-00000021-\\d+" \\(also ${second.path} line 1\\)`));
    expect(res.stdout).toMatch(/verify: not covered: whether the answers are right/);
    expect(res.stderr).toMatch(/error: verify: \d+ fault\(s\) in/);
  });

  it('lists a deleted sidecar, an edited dataset card and a changed plot', async () => {
    const bad = join(tmp, 'bad-card');
    await cp(single, bad, { recursive: true });
    await rm(join(bad, '.viewforge', 'shards', 'shard-00002.json'));
    await writeFile(join(bad, 'README.md'), (await readFile(join(bad, 'README.md'), 'utf8')).replace('- samples:', '- samples (curated by hand):'));
    await writeFile(join(bad, 'plots', 'family-mix.svg'), '<svg/>');
    const res = await runCli(['verify', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('fault: .viewforge/shards/shard-00002.json: is missing, though the other shards have theirs');
    expect(res.stderr).toContain('fault: README.md: differs from the card the manifest and records give');
    expect(res.stderr).toContain('fault: plots/family-mix.svg: differs from the plot the records give');
    expect(res.stderr).toMatch(/error: verify: 3 fault\(s\) in/);
  });
});
