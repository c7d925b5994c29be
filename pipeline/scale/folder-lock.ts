/**
 * One writer at a time per folder: `<root>/<file>` (`.nightly.lock` for nightly's build root,
 * `.viewforge.lock` for a render's `--out`, pipeline/scale/open-run-dir.ts), created exclusively
 * (`wx`), holds `{ pid, host, buildId, startedAt, heartbeatAt }`. The holder rewrites
 * `heartbeatAt` every `heartbeatMs`. A lock is stale, and is taken over with a warning, when its
 * pid is dead on this host, or its heartbeat is older than `staleMs` (a writer on another host
 * that crashed, or a machine that went away). Otherwise a second writer refuses with
 * {@link BuildLockedError}, naming the holder. Workers of one split run (same `buildId`,
 * `joinSameBuild`) share it.
 */
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.nightly.lock';

export interface LockInfo {
  pid: number;
  host: string;
  buildId: string | null;
  startedAt: string;
  heartbeatAt: string;
}

export interface LockOptions {
  /** A heartbeat older than this makes the lock stale. @default 10 minutes */
  staleMs?: number;
  /** How often the holder refreshes its heartbeat. @default 30 s */
  heartbeatMs?: number;
  now?: () => number;
  warn?: (line: string) => void;
  /** The build this lock is for, written at creation. */
  buildId?: string;
  /** The lock file's name in the folder. @default {@link LOCK_FILE} */
  file?: string;
  /** Who speaks in messages and what holds the lock. @default { prefix: 'nightly', holder: 'build' } */
  label?: { prefix: string; holder: string };
  /**
   * A worker of a split build: a live lock of the same `buildId` is joined, not refused (every
   * worker then refreshes the heartbeat, and the one that publishes removes the lock).
   */
  joinSameBuild?: boolean;
}

export interface HeldLock {
  path: string;
  /** Records the build the lock is for (shown to a second build). */
  setBuild(buildId: string): Promise<void>;
  /** Removes the lock if this process holds it, or always with `force` (the publisher of a split build). */
  release(force?: boolean): Promise<void>;
  /** Stops the heartbeat and leaves the lock to the other workers of a split build. */
  leave(): void;
}

/** Another build holds the lock for this root. */
export class BuildLockedError extends Error {}

/** Whether a process with `pid` exists on this machine. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why `info` is stale at `now`, or null when its holder may still be at work. */
export function getStaleReason(info: LockInfo, now: number, staleMs: number, host = hostname(), alive = isPidAlive): string | null {
  if (info.host === host && !alive(info.pid)) return `its process ${info.pid} on this host (${host}) is gone`;
  const age = now - Date.parse(info.heartbeatAt);
  if (!(age <= staleMs)) return `its last heartbeat is ${Math.round(age / 60_000)} min old (stale after ${Math.round(staleMs / 60_000)} min)`;
  return null;
}

async function readLock(path: string): Promise<LockInfo | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable or half-written: treat as a lock with no heartbeat (stale at once).
    return { pid: -1, host: '?', buildId: null, startedAt: new Date(0).toISOString(), heartbeatAt: new Date(0).toISOString() };
  }
}

/** Takes the lock of `root`, or throws {@link BuildLockedError} saying who holds it. */
export async function acquireBuildLock(root: string, options: LockOptions = {}): Promise<HeldLock> {
  const staleMs = options.staleMs ?? 10 * 60_000;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const now = options.now ?? Date.now;
  const path = join(root, options.file ?? LOCK_FILE);
  const { prefix, holder } = options.label ?? { prefix: 'nightly', holder: 'build' };
  const info: LockInfo = { pid: process.pid, host: hostname(), buildId: options.buildId ?? null, startedAt: new Date(now()).toISOString(), heartbeatAt: new Date(now()).toISOString() };
  for (let tries = 0; ; tries++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(JSON.stringify(info));
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 2) throw err;
    }
    const held = await readLock(path);
    if (held === null) continue;
    if (options.joinSameBuild === true && options.buildId !== undefined && held.buildId === options.buildId && getStaleReason(held, now(), staleMs) === null) {
      options.warn?.(`${prefix}: joining ${holder} ${held.buildId} (lock of pid ${held.pid} on ${held.host})`);
      break;
    }
    const stale = getStaleReason(held, now(), staleMs);
    if (stale === null) {
      const ago = Math.round((now() - Date.parse(held.heartbeatAt)) / 1000);
      throw new BuildLockedError(
        `${prefix}: another ${holder}${held.buildId ? ` (${held.buildId})` : ''} is running for ${root}: pid ${held.pid} on ${held.host}, started ${held.startedAt}, last heartbeat ${ago} s ago. ` +
          `Wait for it, or remove ${path} if you are sure it is dead (a lock is taken over on its own once stale).`,
      );
    }
    options.warn?.(`${prefix}: taking over the stale lock ${path} of pid ${held.pid} on ${held.host}: ${stale}`);
    await rm(path, { force: true });
  }
  const write = async () => {
    info.heartbeatAt = new Date(now()).toISOString();
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(info));
    await rename(tmp, path);
  };
  const timer = setInterval(() => void write().catch(() => {}), heartbeatMs);
  timer.unref();
  return {
    path,
    setBuild: async (buildId) => {
      info.buildId = buildId;
      await write();
    },
    release: async (force = false) => {
      clearInterval(timer);
      const held = await readLock(path);
      if (held !== null && (force || (held.pid === info.pid && held.host === info.host))) await rm(path, { force: true });
    },
    leave: () => clearInterval(timer),
  };
}
