import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listShardImages, readShardDelivery } from '../../pipeline/handoff/shard-delivery.js';
import { HandoffError } from '../../pipeline/handoff/retry.js';
import { writeSealedOutput } from './sealed-output-fixture.js';

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vf-delivery-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('listShardImages', () => {
  it('collects each image once, in first-use order', () => {
    const text = ['{"images":["images/0/a.jpg","images/0/b.jpg"]}', '{"images":["images/0/b.jpg","images/0/c.jpg"]}', ''].join('\n');
    expect(listShardImages(text, 's')).toEqual({ images: ['images/0/a.jpg', 'images/0/b.jpg', 'images/0/c.jpg'], lines: 2 });
  });

  it('adds the mask and depth files a record names beside its images (--passes)', () => {
    const image = (p: string, pass: boolean) => ({ path: p, mask: pass ? { path: p.replace('.jpg', '.mask.png') } : null, depth: pass ? { path: p.replace('.jpg', '.depth.png') } : null });
    const sft = JSON.stringify({ images: ['images/0/a.jpg', 'images/0/b.jpg'], meta: { images: [image('images/0/a.jpg', true), image('images/0/b.jpg', true)] } });
    const rl = JSON.stringify({ images: ['images/0/c.jpg'], extra_info: { images: [image('images/0/c.jpg', false)] } });
    expect(listShardImages(`${sft}\n${rl}\n`, 's').images).toEqual(['images/0/a.jpg', 'images/0/b.jpg', 'images/0/a.mask.png', 'images/0/a.depth.png', 'images/0/b.mask.png', 'images/0/b.depth.png', 'images/0/c.jpg']);
    const escaping = JSON.stringify({ images: ['images/0/a.jpg'], meta: { images: [{ path: 'images/0/a.jpg', mask: { path: '../x.png' }, depth: null }] } });
    expect(() => listShardImages(escaping, 's')).toThrow(/"\.\.\/x\.png"/);
  });

  it('refuses paths that leave the output folder, and malformed lines', () => {
    for (const bad of ['../etc/passwd', '/etc/passwd', 'images/../../x', 'images\\x.jpg', 'images//x.jpg', '.']) {
      expect(() => listShardImages(`{"images":[${JSON.stringify(bad)}]}\n`, 'sft/shard-00000.jsonl')).toThrow(/line 1 of sft\/shard-00000.jsonl names image .* not a relative path inside the output folder/);
    }
    expect(() => listShardImages('{"images":"x"}\n', 's')).toThrow(/line 1 of s has no "images" array/);
    expect(() => listShardImages('{}\n{oops\n', 's')).toThrow(/line 1 of s has no "images"/);
    expect(() => listShardImages('{"images":[]}\n{oops\n', 's')).toThrow(/line 2 of s is not JSON/);
  });
});

describe('readShardDelivery', () => {
  it('reads a sealed shard with its images', async () => {
    const { shards } = await writeSealedOutput(outDir, { samples: 3, shardSize: 4 });
    const d = await readShardDelivery(outDir, shards[1], 'viewforge');
    expect(d).toMatchObject({ dataset: 'viewforge', kind: 'rl', shard: 0, path: 'rl/shard-00000.jsonl', records: 3, firstIndex: 0, lastIndex: 2, outDir });
    expect(d.images).toEqual([0, 1, 2].flatMap((i) => [`images/00000/vf-0000002a-0000000${i}_a.jpg`, `images/00000/vf-0000002a-0000000${i}_b.jpg`]));
  });

  it('refuses a shard whose bytes changed after sealing (not retryable)', async () => {
    const { shards } = await writeSealedOutput(outDir, { samples: 2, shardSize: 2 });
    await writeFile(join(outDir, shards[0].path), 'tampered\n');
    const err = await readShardDelivery(outDir, shards[0], 'viewforge').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandoffError);
    expect((err as HandoffError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/handoff: sft\/shard-00000.jsonl has sha256 [0-9a-f]{64}, but it was sealed as [0-9a-f]{64}; the file changed after sealing/);
    await rm(join(outDir, shards[0].path));
    await expect(readShardDelivery(outDir, shards[0], 'viewforge')).rejects.toThrow(/cannot read sft\/shard-00000.jsonl/);
  });
});
