/**
 * The main job end to end: real CLI process, real Chromium and WebGL, real files. Checks the
 * output against the README's Output section and the schemas, byte-for-byte determinism across runs and
 * `--concurrency` values, and that bad input fails with its message and exit code without
 * leaving a partial shard.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRlRecord, validateSftRecord } from '../../pipeline/records/validate-record.js';
import { validateManifest } from '../../pipeline/shards/validate-manifest.js';
import { runCli, type CliResult } from './run-cli.js';

const COMMON = ['render', '--count', '10', '--shard-size', '4', '--size', '128', '--seed', '11'];

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function readLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

let tmp: string;
let runA: CliResult;
let runB: CliResult;
let outA: string;
let outB: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-e2e-'));
  outA = join(tmp, 'a');
  outB = join(tmp, 'b');
  runA = await runCli([...COMMON, '--out', outA, '--concurrency', '1']);
  runB = await runCli([...COMMON, '--out', outB, '--concurrency', '3']);
}, 240_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('render: a valid dataset', () => {
  it('exits 0 and reports the pairs written', () => {
    expect(runA.stderr + runA.stdout).toMatch(/done: 10 pairs/);
    expect(runA.code).toBe(0);
    expect(runB.code).toBe(0);
  });

  it("writes the layout of the README's Output section with sealed shards and no temporary files", async () => {
    const files = await listFiles(outA);
    expect(files).toContain('manifest.json');
    expect(files).toContain('dataset_info.json');
    // Default: all eight families in turn (four viewpoint, then four SAT), each sample only in its
    // family's stage. Shard size 4: indices 0–3 → sft shard 0, 4–7 → rl shard 1, 8–9 → sft shard 2;
    // no shard file for a kind a shard has no sample of.
    expect(files.filter((f) => f.startsWith('sft/') && f.endsWith('.jsonl'))).toEqual(['sft/shard-00000.jsonl', 'sft/shard-00002.jsonl']);
    expect(files.filter((f) => f.startsWith('rl/') && f.endsWith('.jsonl'))).toEqual(['rl/shard-00001.jsonl']);
    expect(files.filter((f) => f.startsWith('images/'))).toHaveLength(20);
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('writes records that validate, with one <image> token per image and images as stated', async () => {
    const manifest = JSON.parse(await readFile(join(outA, 'manifest.json'), 'utf8'));
    validateManifest(manifest);
    const ids = new Set<string>();
    const stageOf: Record<string, string> = { orbit: 'sft', 'orbit-direction': 'sft', elevation: 'sft', distance: 'sft', 'ego-turn': 'rl', 'object-rotation': 'rl', perspective: 'rl', 'relative-depth': 'rl' };
    const families = new Set<string>();
    for (const shard of manifest.shards as { kind: string; path: string; records: number; sha256: string }[]) {
      const bytes = await readFile(join(outA, shard.path));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(shard.sha256);
      if (!shard.path.endsWith('.jsonl')) continue;
      const lines = await readLines(join(outA, shard.path));
      expect(lines).toHaveLength(shard.records);
      for (const rec of lines) {
        if (shard.kind === 'sft') validateSftRecord(rec);
        else validateRlRecord(rec);
        const images = rec.images as string[];
        const content = JSON.stringify(shard.kind === 'sft' ? rec.messages : rec.prompt);
        expect(content.split('<image>').length - 1).toBe(images.length);
        const meta = (shard.kind === 'sft' ? rec.meta : rec.extra_info) as { id: string; family: string; stage: string; images: { path: string; sha256: string; width: number; height: number }[] };
        // Each sample sits once, in the shards of its family's stage.
        expect(ids.has(meta.id)).toBe(false);
        ids.add(meta.id);
        expect(meta.stage).toBe(shard.kind);
        expect(stageOf[meta.family]).toBe(shard.kind);
        families.add(meta.family);
        for (const img of meta.images) {
          const data = await readFile(join(outA, img.path));
          expect(createHash('sha256').update(data).digest('hex')).toBe(img.sha256);
          const info = await sharp(data).metadata();
          expect([info.width, info.height, info.format]).toEqual([img.width, img.height, 'jpeg']);
        }
      }
    }
    expect(ids.size).toBe(10);
    expect(families.size).toBe(8);
    expect(manifest.counts).toMatchObject({ samples: 10, sft_records: 6, rl_records: 4, images: 20 });
    expect(manifest.config).toMatchObject({ mix: null, stages: 'family' });
  });

  it('registers the SFT folder for LLaMA-Factory', async () => {
    const info = JSON.parse(await readFile(join(outA, 'dataset_info.json'), 'utf8'));
    expect(info.viewforge_sft).toMatchObject({ file_name: 'sft', formatting: 'sharegpt', columns: { messages: 'messages', images: 'images' } });
  });

  it('is byte-identical across --concurrency values (JSONL, manifest and images)', async () => {
    const files = await listFiles(outA);
    expect(await listFiles(outB)).toEqual(files);
    for (const f of files) {
      const [a, b] = await Promise.all([readFile(join(outA, f)), readFile(join(outB, f))]);
      expect(a.equals(b), f).toBe(true);
    }
  });
});

describe('render: bad input', () => {
  const cases: { name: string; args: string[]; env?: Record<string, string>; code: number; message: RegExp }[] = [
    { name: 'non-numeric --size', args: ['--size', 'big'], code: 2, message: /--size must be an integer, got "big"/ },
    { name: '--count 0', args: ['--count', '0'], code: 2, message: /error: --count must be >= 1, got 0/ },
    { name: '--cot-ratio out of range', args: ['--cot-ratio', '1.5'], code: 2, message: /error: --cot-ratio must be <= 1, got 1.5/ },
    { name: 'unknown family', args: ['--families', 'orbit,spin'], code: 2, message: /unknown family "spin"/ },
    { name: 'unknown family in --mix', args: ['--mix', 'orbit=0.5,spin=0.5'], code: 2, message: /unknown family "spin"/ },
    { name: 'bad --mix weight', args: ['--mix', 'orbit=0.5,perspective=-1'], code: 2, message: /weight of "perspective" must be a positive number, got "-1"/ },
    { name: '--mix family not in --families', args: ['--families', 'orbit', '--mix', 'orbit=1,perspective=1'], code: 2, message: /--mix gives family "perspective" a weight but "families" does not list it/ },
    { name: 'unknown --stages', args: ['--stages', 'all'], code: 2, message: /--stages.*all/ },
    { name: 'unknown format', args: ['--format', 'gif'], code: 2, message: /--format.*gif/ },
    { name: 'missing Chromium', args: [], env: { CHROMIUM_PATH: '/nonexistent/chromium' }, code: 3, message: /\/nonexistent\/chromium/ },
  ];
  for (const c of cases) {
    it(`${c.name}: exit ${c.code} with a clear message, nothing written`, async () => {
      const out = join(tmp, `bad-${c.name.replace(/\W+/g, '-')}`);
      const res = await runCli(['render', '--count', '2', '--out', out, ...c.args], c.env);
      expect(res.stderr).toMatch(c.message);
      expect(res.code).toBe(c.code);
      expect(existsSync(join(out, 'sft'))).toBe(false);
    });
  }

  it('an --out that is a file: exit 3 naming the folder', async () => {
    const file = join(tmp, 'not-a-dir');
    await writeFile(file, 'x');
    const res = await runCli(['render', '--count', '2', '--out', file]);
    expect(res.stderr).toMatch(/cannot write to --out/);
    expect(res.stderr).toContain(file);
    expect(res.code).toBe(3);
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it('an --out that already holds a dataset: exit 3, the dataset untouched', async () => {
    const before = await readFile(join(outA, 'manifest.json'));
    const res = await runCli(['render', '--count', '2', '--out', outA]);
    expect(res.stderr).toMatch(/already holds a dataset.*--overwrite/);
    expect(res.code).toBe(3);
    expect((await readFile(join(outA, 'manifest.json'))).equals(before)).toBe(true);
    expect(await listFiles(outA)).toEqual(await listFiles(outB));
  });
});
