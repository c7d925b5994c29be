/**
 * `writeFileAtomic(path, data)`: replaces a file so that a reader sees either the old bytes or
 * the new ones, never a partial file, even across a crash or power loss (README, Output).
 *
 * Steps: write to `<path>.tmp-<pid>-<n>` in the same folder (same file system, so the rename is
 * atomic; the pid and a per-process counter keep concurrent writers apart), fsync the file,
 * rename it over the target, fsync the folder so the rename itself is durable. On any error the
 * temporary file is removed and the error is rethrown with the target path and `{ cause }`; the
 * old file, if any, is left untouched (unless the failure came after the rename, i.e. while
 * syncing the folder, when the new file is already in place).
 */
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

const NAME = 'writeFileAtomic';

/** What {@link writeFileAtomic} can write: bytes, text (UTF-8), or a (possibly async) sequence of chunks such as a Readable. */
export type AtomicFileData = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

let tempCounter = 0;

/** The temporary name used next to `path`: `<path>.tmp-<pid>-<n>`. */
export function getTempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${tempCounter++}`;
}

async function writeChunks(fh: FileHandle, data: AtomicFileData): Promise<void> {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    await fh.writeFile(data);
    return;
  }
  if (Symbol.asyncIterator in data) {
    for await (const chunk of data) await fh.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return;
  }
  for (const chunk of data) await fh.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
}

/** fsyncs a folder so a rename into it survives a crash. Platforms that cannot open folders (Windows) skip it. */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(dir, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EISDIR' || (err as NodeJS.ErrnoException).code === 'EPERM') return;
    throw err;
  }
  try {
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EBADF' && code !== 'EPERM') throw err;
  } finally {
    await fh.close();
  }
}

/**
 * Writes `data` to `path` atomically and durably (see the file header). The folder must exist.
 *
 * @throws Error `writeFileAtomic: could not write "<path>": <reason>` with the original error as
 *   `cause`; no temporary file is left behind.
 *
 * @example
 * await writeFileAtomic('out/sft/shard-00000.jsonl', lines.join(''));
 * await writeFileAtomic('out/big.bin', createReadStream('big.bin'));
 */
export async function writeFileAtomic(path: string, data: AtomicFileData): Promise<void> {
  const temp = getTempPath(path);
  let fh: FileHandle | undefined;
  let renamed = false;
  try {
    fh = await open(temp, 'wx');
    await writeChunks(fh, data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(temp, path);
    renamed = true;
    await syncDir(dirname(path));
  } catch (err) {
    if (fh !== undefined) await fh.close().catch(() => {});
    if (!renamed) await unlink(temp).catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${NAME}: could not write "${path}": ${reason}`, { cause: err });
  }
}
