/**
 * `--keep N`: removes the folders of the oldest finished builds beyond the newest N, never the one
 * `latest` points at and never the build in progress. Their ledger entries stay, marked `prunedAt`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ledger } from './builds-ledger.js';

/** Ids of the builds to remove: finished, not pruned yet, older than the newest `keep`, not protected. */
export function choosePrunes(ledger: Ledger, keep: number, protect: ReadonlySet<string>): string[] {
  const live = ledger.builds.filter((b) => b.prunedAt === undefined);
  const newest = new Set(live.slice(Math.max(0, live.length - keep)).map((b) => b.id));
  return live.filter((b) => !newest.has(b.id) && !protect.has(b.id)).map((b) => b.id);
}

/** Removes the chosen build folders and marks them in `ledger` (which the caller writes). */
export async function pruneBuilds(root: string, ledger: Ledger, keep: number, protect: ReadonlySet<string>, now: Date): Promise<string[]> {
  const ids = choosePrunes(ledger, keep, protect);
  for (const id of ids) {
    await rm(join(root, id), { recursive: true, force: true });
    const entry = ledger.builds.find((b) => b.id === id)!;
    entry.prunedAt = now.toISOString();
  }
  return ids;
}
