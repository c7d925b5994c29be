/**
 * The `dir:` hand-off: a reader polls the drop folder while shards are sealed and dropped, and
 * must never see a shard folder without its JSONL, images and manifest; plus the copy fallback,
 * idempotent repeats, conflicts and leftovers of a crash.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildShardManifest, DirTransport, READY_FILE, SHARD_MANIFEST_FILE, type ShardManifest } from '../../pipeline/handoff/dir-transport.js';
import { handoffPending } from '../../pipeline/handoff/handoff-pending.js';
import { openHandoff } from '../../pipeline/handoff/open-handoff.js';
import { parseHandoffTarget } from '../../pipeline/handoff/parse-handoff-target.js';
import { HandoffError } from '../../pipeline/handoff/retry.js';
import { readShardDelivery } from '../../pipeline/handoff/shard-delivery.js';
import { fakeTime, imageBytes, memoryLogger, writeSealedOutput } from './sealed-output-fixture.js';

let root: string;
let outDir: string;
let dropDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-drop-'));
  outDir = join(root, 'out');
  dropDir = join(root, 'drop');
  await mkdir(outDir);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Checks one visible shard folder completely; returns its manifest. Throws on anything missing or wrong. */
async function checkShardFolder(dir: string): Promise<ShardManifest> {
  const manifest = JSON.parse(await readFile(join(dir, SHARD_MANIFEST_FILE), 'utf8')) as ShardManifest;
  const jsonl = await readFile(join(dir, manifest.path));
  if (sha(jsonl) !== manifest.sha256) throw new Error(`${dir}: JSONL sha256 mismatch`);
  const lines = jsonl.toString('utf8').trimEnd().split('\n');
  if (lines.length !== manifest.records) throw new Error(`${dir}: ${lines.length} lines, manifest says ${manifest.records}`);
  for (const line of lines) {
    for (const image of JSON.parse(line).images as string[]) {
      const bytes = await readFile(join(dir, image));
      if (!bytes.equals(imageBytes(image))) throw new Error(`${dir}: image ${image} differs`);
    }
  }
  return manifest;
}

/** Polls the drop like a trainer would, until stopped; every folder it can see must be complete. */
function startReader(dataset: string): { stop: () => Promise<{ readyDirs: Set<string>; polls: number; problems: string[] }> } {
  let running = true;
  const readyDirs = new Set<string>();
  const problems: string[] = [];
  let polls = 0;
  const loop = (async () => {
    while (running) {
      polls++;
      const entries = await readdir(join(dropDir, dataset)).catch(() => [] as string[]);
      for (const name of entries) {
        if (name.startsWith('.') || readyDirs.has(name)) continue;
        const dir = join(dropDir, dataset, name);
        try {
          // Even a folder without .ready yet must be complete (it appears by rename).
          await checkShardFolder(dir);
          const ready = await readFile(join(dir, READY_FILE), 'utf8').catch(() => null);
          if (ready !== null) {
            const m = await checkShardFolder(dir);
            if (ready !== `${m.sha256}\n`) problems.push(`${name}: .ready holds ${ready}`);
            readyDirs.add(name);
          }
        } catch (err) {
          problems.push(`${name}: ${(err as Error).message}`);
        }
      }
      await yieldToLoop();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { readyDirs, polls, problems };
    },
  };
}

describe('dir hand-off', () => {
  it('a reader polling concurrently never sees a shard without its images, and sees every shard once ready', async () => {
    const reader = startReader('viewforge');
    const logger = memoryLogger();
    const time = fakeTime();
    const queue = await openHandoff({ target: parseHandoffTarget(`dir:${dropDir}`), outDir, datasetName: 'viewforge', logger, random: time.random, now: time.now, sleep: time.sleep, capacity: 2 });
    const { shards } = await writeSealedOutput(outDir, { samples: 30, shardSize: 3, manifest: true, onSealed: (s) => queue.enqueue(s) });
    const report = await queue.drain();
    await new Promise((r) => setTimeout(r, 20));
    const seen = await reader.stop();
    expect(report.acked).toHaveLength(20);
    expect(report.failed).toEqual([]);
    expect(seen.problems).toEqual([]);
    expect(seen.polls).toBeGreaterThan(5);
    expect([...seen.readyDirs].sort()).toEqual(shards.map((s) => `${s.kind}-shard-${String(s.shard).padStart(5, '0')}`).sort());
    // Layout of one shard folder, and hard links (same inode, no copy).
    const dir = join(dropDir, 'viewforge', 'sft-shard-00000');
    expect((await readdir(dir, { recursive: true })).map(String).sort()).toEqual([
      '.ready', 'images', 'images/00000',
      ...[0, 1, 2].flatMap((i) => [`images/00000/vf-0000002a-0000000${i}_a.jpg`, `images/00000/vf-0000002a-0000000${i}_b.jpg`]),
      'sft', 'sft/shard-00000.jsonl', 'shard.json',
    ].sort());
    expect((await stat(join(dir, 'sft/shard-00000.jsonl'))).ino).toBe((await stat(join(outDir, 'sft/shard-00000.jsonl'))).ino);
    const manifest = JSON.parse(await readFile(join(dir, SHARD_MANIFEST_FILE), 'utf8'));
    expect(Object.keys(manifest)).toEqual(['format_version', 'dataset', 'kind', 'shard', 'path', 'records', 'sha256', 'bytes', 'first_index', 'last_index', 'images']);
    expect(manifest).toMatchObject({ format_version: 1, dataset: 'viewforge', kind: 'sft', shard: 0, path: 'sft/shard-00000.jsonl', records: 3, sha256: shards[0].sha256, first_index: 0, last_index: 2 });
    expect((await readdir(join(dropDir, 'viewforge'))).filter((n) => n.startsWith('.'))).toEqual([]);
    // A rerun sends nothing: the ledger has every shard.
    const again = await handoffPending({ target: parseHandoffTarget(dropDir), outDir, logger, random: time.random, now: time.now });
    expect(again).toMatchObject({ acked: [], failed: [], pending: [] });
    expect(again.skipped).toHaveLength(20);
  });

  it('copies when hard links are not possible (EXDEV), durably, and says so once', async () => {
    const { shards } = await writeSealedOutput(outDir, { samples: 4, shardSize: 2 });
    const logger = memoryLogger();
    let tries = 0;
    const transport = new DirTransport({
      dropDir,
      logger,
      linkFile: async () => {
        tries++;
        throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      },
    });
    await transport.prepare();
    for (const s of shards) await transport.send(await readShardDelivery(outDir, s, 'viewforge'));
    expect(tries).toBe(1);
    expect(logger.lines).toEqual([`info: handoff dir: cannot hard-link into "${dropDir}" (EXDEV); copying files instead`]);
    for (const s of shards) await checkShardFolder(join(dropDir, 'viewforge', `${s.kind}-shard-${String(s.shard).padStart(5, '0')}`));
    const copied = join(dropDir, 'viewforge', 'rl-shard-00001', 'rl/shard-00001.jsonl');
    expect((await stat(copied)).ino).not.toBe((await stat(join(outDir, 'rl/shard-00001.jsonl'))).ino);
  });

  it('acknowledges a repeat without touching the folder, refuses a conflicting shard, rebuilds crash leftovers', async () => {
    const { shards } = await writeSealedOutput(outDir, { samples: 2, shardSize: 2 });
    const transport = new DirTransport({ dropDir });
    await transport.prepare();
    const delivery = await readShardDelivery(outDir, shards[0], 'viewforge');
    const folder = join(dropDir, 'viewforge', 'sft-shard-00000');
    expect(await transport.send(delivery)).toEqual({ sha256: delivery.sha256, receipt: folder });
    const mtime = (await stat(join(folder, READY_FILE))).mtimeMs;
    expect(await transport.send(delivery)).toEqual({ sha256: delivery.sha256, receipt: folder });
    expect((await stat(join(folder, READY_FILE))).mtimeMs).toBe(mtime);

    const err = await transport.send({ ...delivery, sha256: 'b'.repeat(64) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandoffError);
    expect((err as HandoffError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/already holds sft\/shard-00000.jsonl with sha256 [0-9a-f]{64}, not b{64}; another run used dataset name "viewforge" with this drop folder/);

    // Leftovers of a crash: a staging folder and a final folder without .ready.
    const rl = await readShardDelivery(outDir, shards[1], 'viewforge');
    const rlFolder = join(dropDir, 'viewforge', 'rl-shard-00000');
    await mkdir(join(dropDir, 'viewforge', '.rl-shard-00000.partial', 'rl'), { recursive: true });
    await writeFile(join(dropDir, 'viewforge', '.rl-shard-00000.partial', 'rl', 'shard-00000.jsonl'), 'partial');
    await mkdir(rlFolder, { recursive: true });
    await writeFile(join(rlFolder, 'junk'), 'x');
    await transport.send(rl);
    await checkShardFolder(rlFolder);
    expect((await readdir(rlFolder)).sort()).toEqual(['.ready', 'images', 'rl', 'shard.json']);
    expect((await readdir(join(dropDir, 'viewforge'))).sort()).toEqual(['rl-shard-00000', 'sft-shard-00000']);
  });

  it('fails clearly when an image is missing, and when the drop folder is not writable', async () => {
    const { shards, images } = await writeSealedOutput(outDir, { samples: 2, shardSize: 2 });
    await rm(join(outDir, images[3]));
    const transport = new DirTransport({ dropDir });
    await transport.prepare();
    await expect(transport.send(await readShardDelivery(outDir, shards[0], 'viewforge'))).rejects.toThrow(/handoff dir: ".*vf-0000002a-00000001_b.jpg" is missing; the shard cannot be handed off without it/);
    expect(await readdir(join(dropDir, 'viewforge'))).toEqual(['.sft-shard-00000.partial']);
    await writeFile(join(root, 'a-file'), '');
    await expect(new DirTransport({ dropDir: join(root, 'a-file', 'drop') }).prepare()).rejects.toThrow(/handoff dir: cannot write to the drop folder/);
  });

  it('writes the shard manifest from the delivery', () => {
    const m = buildShardManifest({ dataset: 'd', kind: 'rl', shard: 2, path: 'rl/shard-00002.jsonl', sha256: 'c'.repeat(64), records: 5, bytes: 99, firstIndex: 10, lastIndex: 14, outDir: '/x', images: ['images/00002/a.jpg'] });
    expect(m).toEqual({ format_version: 1, dataset: 'd', kind: 'rl', shard: 2, path: 'rl/shard-00002.jsonl', records: 5, sha256: 'c'.repeat(64), bytes: 99, first_index: 10, last_index: 14, images: ['images/00002/a.jpg'] });
  });
});
