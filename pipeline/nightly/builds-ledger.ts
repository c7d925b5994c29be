/**
 * `<root>/builds.json`: every finished nightly build, oldest first (passed and failed alike), and
 * `<root>/latest`, a symlink to the newest build that passed. Both change only by renaming a
 * finished temporary file or link into place, so a reader sees the old or the new, never half.
 */
import { readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateResult } from './quality-gates.js';
import type { BuildMetrics } from './build-metrics.js';

export const LEDGER_FILE = 'builds.json';
export const LATEST_LINK = 'latest';

export interface BuildEntry {
  id: string;
  seed: number;
  /**
   * 'passed': verified and every gate passed (`latest` moved to it); 'failed': see `reasons`;
   * 'abandoned': left unfinished, then closed because the config changed (its folder holds a run
   * of another configuration; see `reasons`).
   */
  verdict: 'passed' | 'failed' | 'abandoned';
  reasons: string[];
  startedAt: string;
  finishedAt: string;
  durationS: number;
  counts: { samples: number; sftRecords: number; rlRecords: number; images: number } | null;
  /** The manifest's `config_hash` (sha256 of the configuration that decides the bytes). */
  configHash: string | null;
  /** sha256 of the config file as read. */
  configFileHash: string;
  renderer: { name: string; browserVersion: string; glRenderer: string } | null;
  gates: GateResult[];
  metrics: BuildMetrics | null;
  /** Set when `--keep` removed the build's folder. */
  prunedAt?: string;
}

export interface Ledger {
  builds: BuildEntry[];
}

export async function readLedger(root: string): Promise<Ledger> {
  try {
    return JSON.parse(await readFile(join(root, LEDGER_FILE), 'utf8')) as Ledger;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { builds: [] };
    throw new Error(`nightly: ${join(root, LEDGER_FILE)} is unreadable: ${(err as Error).message}`, { cause: err });
  }
}

/** Replaces the ledger atomically (temporary file + rename). */
export async function writeLedger(root: string, ledger: Ledger): Promise<void> {
  const path = join(root, LEDGER_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(ledger, null, 2)}\n`);
  await rename(tmp, path);
}

/** The newest passed build, or null. */
export function getLastGood(ledger: Ledger): BuildEntry | null {
  for (let i = ledger.builds.length - 1; i >= 0; i--) if (ledger.builds[i].verdict === 'passed') return ledger.builds[i];
  return null;
}

/** The build `<root>/latest` points at, or null when there is no link. */
export async function readLatest(root: string): Promise<string | null> {
  try {
    return await readlink(join(root, LATEST_LINK));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Points `<root>/latest` at `<root>/<buildId>` atomically: a new relative symlink renamed over the old one. */
export async function moveLatest(root: string, buildId: string): Promise<void> {
  const tmp = join(root, `.latest.tmp-${process.pid}`);
  await rm(tmp, { force: true });
  await symlink(buildId, tmp);
  await rename(tmp, join(root, LATEST_LINK));
}
