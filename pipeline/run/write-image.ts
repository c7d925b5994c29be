/**
 * Writes one encoded image durably: temporary name, fsync, rename. Shards reference images only
 * after this resolves, so a sealed shard never points at a missing or partial file.
 */
import { open, rename, rm } from 'node:fs/promises';

export async function writeImageFile(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw new Error(`images: cannot write "${path}": ${(err as Error).message}`, { cause: err });
  }
  await fh.close();
  await rename(tmp, path);
}
