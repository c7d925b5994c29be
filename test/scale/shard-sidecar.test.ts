import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunStats } from '../../pipeline/run-stats.js';
import {
  buildShardSidecar,
  checkShardSidecar,
  getSidecarPath,
  parseShardSidecar,
  readShardSidecar,
  serializeShardSidecar,
  writeShardSidecar,
} from '../../pipeline/scale/shard-sidecar.js';
import type { SealedShard } from '../../pipeline/shards/shard-writer.js';

const HASH = 'c'.repeat(64);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-sidecar-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function file(path: string, text: string, first: number, last: number, shard = 1): SealedShard {
  return { kind: 'sft', shard, path, records: last - first + 1, sha256: sha(text), bytes: Buffer.byteLength(text), firstIndex: first, lastIndex: last };
}

async function shardOnDisk() {
  await mkdir(join(root, 'sft'), { recursive: true });
  await mkdir(join(root, 'images', '00001'), { recursive: true });
  await writeFile(join(root, 'sft', 'shard-00001.jsonl'), 'lines\n');
  await writeFile(join(root, 'images', '00001', 'a.jpg'), 'pixels');
  const stats = createRunStats();
  stats.samples = 3;
  return buildShardSidecar({
    configHash: HASH,
    shard: 1,
    shardSize: 3,
    count: 10,
    files: [file('sft/shard-00001.jsonl', 'lines\n', 3, 5)],
    images: [{ path: 'images/00001/a.jpg', sha256: sha('pixels'), bytes: 6 }],
    stats,
  });
}

describe('shard sidecar', () => {
  it('lives outside sft/ and rl/', () => {
    expect(getSidecarPath(3)).toBe('.viewforge/shards/shard-00003.json');
  });

  it('round-trips through its file and checks out while the shard is intact', async () => {
    const sidecar = await shardOnDisk();
    await writeShardSidecar(root, sidecar);
    const found = await readShardSidecar(root, 1);
    expect(found.sidecar).toEqual(JSON.parse(serializeShardSidecar(sidecar)));
    expect(await checkShardSidecar(root, found.sidecar!, { configHash: HASH })).toEqual([]);
    expect(await readShardSidecar(root, 2)).toEqual({ sidecar: null, problem: null });
  });

  it('lists what no longer matches: a changed file, a missing image, another configuration', async () => {
    const sidecar = await shardOnDisk();
    await writeFile(join(root, 'sft', 'shard-00001.jsonl'), 'other\n');
    await rm(join(root, 'images', '00001', 'a.jpg'));
    expect(await checkShardSidecar(root, sidecar, { configHash: HASH })).toEqual([
      'sft/shard-00001.jsonl: sha256 differs from the sealed file',
      'images/00001/a.jpg is missing',
    ]);
    expect(await checkShardSidecar(root, sidecar, { configHash: 'd'.repeat(64) })).toEqual([
      '.viewforge/shards/shard-00001.json belongs to another configuration (config hash cccccccccccc…, expected dddddddddddd…)',
    ]);
  });

  it('refuses a file outside the shard, and reports a damaged sidecar instead of throwing', () => {
    expect(() =>
      buildShardSidecar({ configHash: HASH, shard: 1, shardSize: 3, count: 10, files: [file('sft/shard-00001.jsonl', 'x', 2, 4)], images: [], stats: createRunStats() }),
    ).toThrow(/file "sft\/shard-00001.jsonl" holds indices 2…4, shard 1 is 3…5/);
    expect(parseShardSidecar('{"format_vers', 1)).toMatchObject({ problem: expect.stringMatching(/^is not JSON/) });
    expect(parseShardSidecar('{}', 1)).toEqual({ problem: "does not match schemas/shard-sidecar.schema.json: / must have required property 'format_version'" });
  });
});
