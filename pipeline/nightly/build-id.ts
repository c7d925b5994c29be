/**
 * Build ids of nightly releases: `YYYYMMDD-NN`, the UTC date of the build's start plus a
 * two-digit (or longer) sequence number that counts the builds of that date under one root, or
 * any name given with `--build-id` that {@link checkBuildId} accepts.
 */

/** What a `--build-id` may look like: a folder name, not a path, and not a name the root uses itself. */
const BUILD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const RESERVED = new Set(['latest', 'builds.json']);

/** Throws an Error naming the id and why, when `id` cannot name a build folder. */
export function checkBuildId(id: string): string {
  if (!BUILD_ID.test(id)) throw new Error(`nightly: build id "${id}" must be 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit`);
  if (RESERVED.has(id)) throw new Error(`nightly: build id "${id}" is reserved (a name the root uses itself)`);
  return id;
}

/** `YYYYMMDD` of `now` in UTC. */
export function utcDateStamp(now: Date): string {
  return now.toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * The next build id for the UTC date of `now`: one above the highest sequence number of that date
 * among `existing` (build folders and ledger ids), starting at 01.
 *
 * @example nextBuildId(new Date('2026-11-25T02:00:00Z'), ['20261125-01']) // '20261125-02'
 */
export function nextBuildId(now: Date, existing: Iterable<string>): string {
  const date = utcDateStamp(now);
  let highest = 0;
  for (const id of existing) {
    const m = /^(\d{8})-(\d+)$/.exec(id);
    if (m !== null && m[1] === date) highest = Math.max(highest, Number(m[2]));
  }
  return `${date}-${String(highest + 1).padStart(2, '0')}`;
}
