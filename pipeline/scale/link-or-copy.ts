/**
 * `linkOrCopy(src, dst)`: puts a file at `dst` with the bytes of `src`, atomically: hard-links it
 * when both are on one file system (no bytes copied, no extra space), copies it otherwise
 * (`EXDEV`, or a file system without hard links), under a temporary name that is then renamed
 * over `dst`. A `dst` that already is `src` (same inode) is left alone.
 */
import { copyFile, link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getTempPath } from '../shards/seal-file.js';

/** Error codes after which a hard link is replaced by a copy. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

/** How the file got there. */
export type Transfer = 'linked' | 'copied' | 'present';

/** See the file header. Creates `dst`'s folder. */
export async function linkOrCopy(src: string, dst: string): Promise<Transfer> {
  const [from, to] = await Promise.all([stat(src), stat(dst).catch(() => null)]);
  if (to !== null && to.ino === from.ino && to.dev === from.dev) return 'present';
  await mkdir(dirname(dst), { recursive: true });
  const temp = getTempPath(dst);
  let how: Transfer = 'linked';
  try {
    try {
      await link(src, temp);
    } catch (err) {
      if (!NO_LINK.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      how = 'copied';
      await copyFile(src, temp);
      const fh = await open(temp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    await rename(temp, dst);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new Error(`linkOrCopy: cannot put "${src}" at "${dst}": ${(err as Error).message}`, { cause: err });
  }
  return how;
}
