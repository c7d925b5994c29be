/**
 * `describeRunFailure(err, outDir)`: the message of a run that failed part-way, saying what went
 * wrong in the user's terms. A full disk or an unwritable output (found anywhere in the `cause`
 * chain by its errno code) becomes `output: cannot write to "<out>": the disk is full (…)`;
 * anything else keeps its own message. The CLI adds how many shards are sealed and the
 * `--resume` line.
 */

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

/** The first errno code in `err`'s cause chain. */
export function findErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

/** Whether `err` (or its cause chain) is an output problem: full disk, read-only or blocked path, I/O error. */
export function isOutputFailure(err: unknown): boolean {
  const code = findErrorCode(err);
  return code !== undefined && code in OUTPUT_CODES;
}

/** See the file header. */
export function describeRunFailure(err: unknown, outDir: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = findErrorCode(err);
  if (code !== undefined && isOutputFailure(err)) return `output: cannot write to "${outDir}": ${OUTPUT_CODES[code]} (${message})`;
  return message;
}
