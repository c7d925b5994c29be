/**
 * `describeRunFailure(err, outDir)`: the message of a run that failed part-way, saying what went
 * wrong in the user's terms. A full disk or an unwritable output (found anywhere in the `cause`
 * chain by its errno code) becomes `output: cannot write to "<out>": the disk is full (…)`;
 * anything else keeps its own message. The CLI adds how many shards are sealed and the
 * `--resume` line.
 */
import { resolve, sep } from 'node:path';

/** What an errno code means for the output folder. */
const OUTPUT_CODES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'a file grew past the file system limit',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a file stands where a folder belongs',
  EEXIST: 'a file stands where a folder belongs',
  EISDIR: 'a folder stands where a file belongs',
  EIO: 'an I/O error (failing disk or network volume)',
};

/** Codes that are an output problem only when the path they name lies inside the output folder. */
const OUTPUT_PATH_CODES: Record<string, string> = {
  ENOENT: 'a folder the run writes into was removed',
};

/** The first errno error in `err`'s cause chain. */
function findErrnoError(err: unknown): NodeJS.ErrnoException | undefined {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return e as NodeJS.ErrnoException;
  }
  return undefined;
}

/** The first errno code in `err`'s cause chain. */
export function findErrorCode(err: unknown): string | undefined {
  return findErrnoError(err)?.code;
}

/** What `err` means for the output folder `outDir`, or undefined when it is not an output problem. */
function outputReason(err: unknown, outDir: string): string | undefined {
  const errno = findErrnoError(err);
  if (errno?.code === undefined) return undefined;
  if (errno.code in OUTPUT_CODES) return OUTPUT_CODES[errno.code];
  const inside = typeof errno.path === 'string' && resolve(errno.path).startsWith(resolve(outDir) + sep);
  return inside ? OUTPUT_PATH_CODES[errno.code] : undefined;
}

/**
 * Whether `err` (or its cause chain) is an output problem: full disk, read-only or blocked path,
 * I/O error, or a folder inside `outDir` removed while the run wrote into it.
 */
export function isOutputFailure(err: unknown, outDir: string): boolean {
  return outputReason(err, outDir) !== undefined;
}

/** See the file header. */
export function describeRunFailure(err: unknown, outDir: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = outputReason(err, outDir);
  return reason === undefined ? message : `output: cannot write to "${outDir}": ${reason} (${message})`;
}
