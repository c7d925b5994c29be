/**
 * `hashFile(path)`: sha256 (lower-case hex) and size of a file, streamed, so a shard of any size
 * is hashed in constant memory. Used by resume, merge and verify.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hash and size of one file. */
export interface FileDigest {
  sha256: string;
  bytes: number;
}

/**
 * Streams `path` through sha256.
 * @throws the file system's error (ENOENT, EISDIR…) unchanged, so callers can tell "missing" apart.
 */
export async function hashFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
