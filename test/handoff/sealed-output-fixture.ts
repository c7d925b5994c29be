/**
 * An output folder as a run leaves it, without a browser: hand-made records
 * ({@link makeRecordInput}) written through the real {@link ShardWriter}, image files with
 * distinct small contents written before each record is appended (the writer's contract), and
 * optionally `manifest.json`. Plus the fake clock/sleep/random the hand-off tests inject.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildRlRecord } from '../../pipeline/records/rl-record.js';
import { buildSftRecord } from '../../pipeline/records/sft-record.js';
import { buildManifest, writeManifest } from '../../pipeline/shards/manifest.js';
import { ShardWriter, type SealedShard } from '../../pipeline/shards/shard-writer.js';
import type { Logger } from '../../pipeline/logger.js';
import { makeRecordInput } from '../records/record-input-fixture.js';

export interface SealedOutput {
  outDir: string;
  /** Every sealed shard, in sealing order (sft 0, rl 0, sft 1, …). */
  shards: SealedShard[];
  /** Image paths relative to outDir. */
  images: string[];
}

/** The bytes of a fixture image: distinct per path, a few KiB. */
export function imageBytes(path: string): Buffer {
  return Buffer.from(`fake image ${path}\n`.repeat(200));
}

/**
 * Writes `samples` samples into sealed shards of `shardSize` under `outDir`.
 * `onSealed` sees each shard as the writer seals it (to enqueue it while "rendering" goes on).
 */
export async function writeSealedOutput(
  outDir: string,
  options: { samples: number; shardSize: number; manifest?: boolean; onSealed?: (s: SealedShard) => Promise<void> },
): Promise<SealedOutput> {
  const writer = new ShardWriter({ outDir, shardSize: options.shardSize });
  const images: string[] = [];
  for (let i = 0; i < options.samples; i++) {
    const input = makeRecordInput({ index: i, withCot: i % 2 === 0 });
    for (const image of input.images) {
      await mkdir(dirname(join(outDir, image.path)), { recursive: true });
      await writeFile(join(outDir, image.path), imageBytes(image.path));
      images.push(image.path);
    }
    for (const s of await writer.append(i, { sft: buildSftRecord(input), rl: buildRlRecord(input) })) await options.onSealed?.(s);
  }
  const before = writer.getSealedShards().length;
  const shards = await writer.finish();
  for (const s of shards.slice(before)) await options.onSealed?.(s);
  if (options.manifest) {
    const manifest = buildManifest({
      config: { seed: 42, count: options.samples, size: 512, format: 'jpeg', shard_size: options.shardSize, cot_ratio: 0.5, families: ['orbit'], mix: null, stages: 'both', gl: 'auto', dataset_name: 'viewforge', system_prompt: null },
      versions: { viewforge: '0.1.0' },
      renderer: { name: 'fake', browserVersion: 'none', glRenderer: 'none' },
      shards,
      stats: {},
      counts: { samples: options.samples, sft_records: options.samples, rl_records: options.samples, images: options.samples * 2 },
    });
    await writeManifest(outDir, manifest);
  }
  return { outDir, shards, images };
}

/** A clock that only moves when the fake sleep is called; `sleeps` lists the delays asked for. */
export function fakeTime(onSleep?: (ms: number, n: number) => void | Promise<void>): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[]; random: () => number } {
  let t = 1_700_000_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
      await onSleep?.(ms, sleeps.length);
    },
    sleeps,
    random: () => 0.5,
  };
}

/** A logger that keeps its lines. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info: ${m}`),
    warn: (m) => void lines.push(`warn: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
  };
}
