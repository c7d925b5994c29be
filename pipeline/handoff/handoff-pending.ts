/**
 * `handoffPending(options)`: what `npm run handoff -- <out>` does: hands every shard listed in
 * `<out>/manifest.json` that the ledger does not have as acknowledged by the target to that
 * target, in manifest order, each read back and checked against the manifest's sha256 first.
 * Already acknowledged shards are skipped, so running it twice sends nothing the second time,
 * and after a crash it sends only the rest.
 *
 * @example
 * ```ts
 * const report = await handoffPending({ outDir: 'output', target: parseHandoffTarget('/data/drop'), logger, random: Math.random, now: Date.now });
 * // report.acked: sent now; report.skipped: acknowledged before
 * ```
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateManifest } from '../shards/validate-manifest.js';
import { MANIFEST_FILE, type Manifest } from '../shards/manifest.js';
import type { SealedShard } from '../shards/shard-writer.js';
import { LEDGER_FILE } from './handoff-ledger.js';
import type { HandoffReport } from './handoff-queue.js';
import { openHandoff, type HandoffOptions } from './open-handoff.js';

const NAME = 'handoff';

export type HandoffPendingOptions = Omit<HandoffOptions, 'datasetName' | 'capacity'>;

/**
 * Reads and validates `<outDir>/manifest.json`.
 * @throws Error naming the file when it is missing, not JSON or not a manifest.
 */
export async function readManifest(outDir: string): Promise<Manifest> {
  const file = join(outDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${NAME}: cannot read ${file}: ${(err as Error).message}; is "${outDir}" a finished viewforge output folder?`, { cause: err });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (err) {
    throw new Error(`${NAME}: ${file} is not JSON`, { cause: err });
  }
  validateManifest(manifest);
  return manifest;
}

/**
 * The manifest's JSONL shards as {@link SealedShard}s, in manifest order. The parquet copies of RL
 * shards (`rl-parquet`) are not handed off (yet): the JSONL transports read records line by line.
 */
export function listManifestShards(manifest: Manifest): SealedShard[] {
  const jsonl = manifest.shards.filter((s): s is typeof s & { kind: SealedShard['kind'] } => s.kind !== 'rl-parquet');
  return jsonl.map((s) => ({
    kind: s.kind,
    shard: Math.floor(s.first_index / manifest.config.shard_size),
    path: s.path,
    records: s.records,
    sha256: s.sha256,
    bytes: s.bytes,
    firstIndex: s.first_index,
    lastIndex: s.last_index,
  }));
}

/**
 * The target of the newest ledger entry of `outDir` (`dir:<path>` or `triton:<url>#<model>`),
 * or null when the ledger is empty or missing: the default target of `npm run handoff`.
 */
export async function getLedgerTarget(outDir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(join(outDir, LEDGER_FILE), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const target = (JSON.parse(lines[i]) as { target?: unknown }).target;
      if (typeof target === 'string') return target;
    } catch {
      // a torn line: look further up
    }
  }
  return null;
}

/** Sends the shards of `options.outDir` the target has not acknowledged; see the file header. */
export async function handoffPending(options: HandoffPendingOptions): Promise<HandoffReport> {
  const manifest = await readManifest(options.outDir);
  const queue = await openHandoff({ ...options, datasetName: manifest.config.dataset_name, capacity: Infinity });
  for (const shard of listManifestShards(manifest)) await queue.enqueue(shard);
  return queue.drain();
}
