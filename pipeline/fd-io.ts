/**
 * Whole reads and writes on an open file descriptor: `readSync`/`writeSync` may move fewer bytes
 * than asked, so each call here loops until done. Used by the library's on-disk index
 * (assets/library/asset-list.ts) and its cache (assets/library/index-cache.ts).
 */
import { closeSync, readSync, writeSync } from 'node:fs';

/** The `length` bytes of `fd` from byte `position`; fewer only where the file ends first. */
export function readRange(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buffer, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buffer : buffer.subarray(0, got);
}

/** Writes all of `data` to `fd` at byte `position`, or where the file's offset stands when null. */
export function writeFully(fd: number, data: Uint8Array, position: number | null = null): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position === null ? null : position + done);
}

/** Closes `fd`, ignoring a descriptor already closed. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
