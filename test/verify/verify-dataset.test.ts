/**
 * `verifyDataset` on output folders made by `run()` with the fake renderer, then damaged on
 * purpose: each fault is listed with its path; a good folder has none.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDataset, type VerifyFault } from '../../pipeline/verify/verify-dataset.js';
import { listTree } from '../e2e/cli-process.js';
import { runFake, smallConfig } from '../scale/fake-run.js';

let root: string;
let good: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-verify-'));
  good = join(root, 'good');
  await runFake(smallConfig(good, { parquet: true }));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of the good folder to damage. */
async function copy(): Promise<string> {
  const dir = join(root, `copy-${n++}`);
  await cp(good, dir, { recursive: true });
  return dir;
}

const text = (faults: VerifyFault[]) => faults.map((f) => `${f.path}: ${f.problem}`);

describe('verifyDataset', () => {
  it('finds nothing wrong with a fresh run, and counts what it checked', async () => {
    const report = await verifyDataset(good);
    expect(text(report.faults)).toEqual([]);
    expect(report.checked).toMatchObject({ samples: 10, images: 20 });
    expect(report.checked.shardFiles).toBeGreaterThanOrEqual(4);
  });

  it('lists a flipped byte in an image', async () => {
    const dir = await copy();
    const image = (await listTree(dir)).find((f) => f.startsWith('images/00001/'))!;
    const bytes = await readFile(join(dir, image));
    bytes[bytes.length - 3] ^= 0x01;
    await writeFile(join(dir, image), bytes);
    expect(text((await verifyDataset(dir)).faults)).toEqual([`${image}: sha256 differs from the records (image changed or damaged)`]);
  });

  it('lists a missing image and a stray one', async () => {
    const dir = await copy();
    const [first] = (await listTree(dir)).filter((f) => f.startsWith('images/00002/'));
    await unlink(join(dir, first));
    await writeFile(join(dir, 'images', '00002', 'extra.jpg.tmp-9-9'), 'x');
    const faults = text((await verifyDataset(dir)).faults);
    expect(faults).toContainEqual(expect.stringMatching(new RegExp(`^${first}: is missing \\(named by (sft|rl)/shard-00002.jsonl line \\d\\)$`)));
    expect(faults).toContain('images/00002/extra.jpg.tmp-9-9: is named by no record');
  });

  it('lists a truncated shard', async () => {
    const dir = await copy();
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const shard = manifest.shards.find((s: { path: string }) => s.path.endsWith('.jsonl'));
    await truncate(join(dir, shard.path), shard.bytes - 7);
    const faults = text((await verifyDataset(dir)).faults);
    expect(faults).toContain(`${shard.path}: is ${shard.bytes - 7} bytes, the manifest says ${shard.bytes} (truncated or changed)`);
    expect(faults).toContain(`${shard.path}: sha256 differs from the manifest`);
    expect(faults).toContainEqual(expect.stringMatching(new RegExp(`^${shard.path}: line \\d+: is not JSON`)));
  });

  it('lists a duplicated record even when the manifest was updated to match', async () => {
    const dir = await copy();
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const shard = manifest.shards.find((s: { path: string; records: number }) => s.path.endsWith('.jsonl') && s.records >= 2);
    const lines = (await readFile(join(dir, shard.path), 'utf8')).split('\n').filter(Boolean);
    const doubled = `${lines.join('\n')}\n${lines[lines.length - 1]}\n`;
    await writeFile(join(dir, shard.path), doubled);
    Object.assign(shard, { records: lines.length + 1, bytes: Buffer.byteLength(doubled), sha256: createHash('sha256').update(doubled).digest('hex') });
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const faults = text((await verifyDataset(dir)).faults);
    expect(faults).toContainEqual(expect.stringMatching(new RegExp(`^${shard.path}: line ${lines.length + 1}: duplicate id "vf-00000009-\\d+" \\(also ${shard.path} line ${lines.length}\\)$`)));
  });

  it('lists a stray file in sft/ (LLaMA-Factory would load it) and a temporary file in the root', async () => {
    const dir = await copy();
    await cp(join(dir, 'sft', (await listTree(join(dir, 'sft')))[0]), join(dir, 'sft', 'copy-of-a-shard.jsonl'));
    await writeFile(join(dir, 'manifest.json.tmp-1-2'), '{');
    const faults = text((await verifyDataset(dir)).faults);
    expect(faults).toContain('sft/copy-of-a-shard.jsonl: is not listed in manifest.json (LLaMA-Factory loads every file in sft/)');
    expect(faults).toContain('manifest.json.tmp-1-2: is a temporary file left by an interrupted write');
  });

  it('says so when there is no manifest (an unfinished run or a worker folder)', async () => {
    const dir = await copy();
    await unlink(join(dir, 'manifest.json'));
    expect(text((await verifyDataset(dir)).faults)).toEqual(['manifest.json: is missing; an unfinished run or a worker folder (merge the workers first)']);
  });

  it('lists counts that disagree with the records, and a sidecar that disagrees with the manifest', async () => {
    const dir = await copy();
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.counts.images = 19;
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const sidecarPath = join(dir, '.viewforge', 'shards', 'shard-00003.json');
    const sidecar = JSON.parse(await readFile(sidecarPath, 'utf8'));
    sidecar.files[0].sha256 = '0'.repeat(64);
    await writeFile(sidecarPath, JSON.stringify(sidecar));
    const faults = text((await verifyDataset(dir)).faults);
    expect(faults).toContain('manifest.json: counts.images is 19, records name 20 images');
    expect(faults).toContain(`.viewforge/shards/shard-00003.json: lists ${sidecar.files[0].path} with a sha256 the manifest does not have`);
  });
});
