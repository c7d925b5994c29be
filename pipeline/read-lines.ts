/**
 * The non-empty lines of a text file, read one at a time (a large file is never one string).
 * Used by the library index cache and by `score` to tell a file of logged samples by its first line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Yields each line of `path` that is not blank (whitespace only), without its line break. The
 * file is closed when the loop ends, also when the caller breaks out of it early.
 * @throws the read error (e.g. ENOENT) when the file cannot be read.
 */
export async function* nonBlankLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() !== '') yield line;
    }
  } finally {
    input.destroy();
  }
}
