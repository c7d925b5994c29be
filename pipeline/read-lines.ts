/**
 * The non-empty lines of a text file, read one at a time (a large file is never one string).
 * Used by the library index cache and by `score` to tell a file of logged samples by its first line.
 */
import { createReadStream, readSync } from 'node:fs';
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

/** One line of a file, with where its bytes lie. */
export interface LineAt {
  text: string;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Its length in bytes, without the line break. */
  bytes: number;
}

/**
 * Yields each line of the open file `fd` that is not blank, with its byte offset and length, read
 * a chunk at a time (a large file is never one string); the caller reads a line again with
 * `readSync(fd, …, start)`. A last line without a line break counts.
 */
export function* linesWithOffsets(fd: number, chunkBytes = 1 << 20): Generator<LineAt> {
  let carry = Buffer.alloc(0);
  let carryStart = 0;
  let position = 0;
  const chunk = Buffer.allocUnsafe(chunkBytes);
  for (;;) {
    const n = readSync(fd, chunk, 0, chunkBytes, position);
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    position += n;
    let from = 0;
    for (let nl = data.indexOf(10, from); nl >= 0 || (n === 0 && from < data.length); nl = data.indexOf(10, from)) {
      const end = nl >= 0 ? nl : data.length;
      const text = data.toString('utf8', from, end);
      if (text.trim() !== '') yield { text, start: carryStart + from, bytes: end - from };
      from = end + 1;
    }
    if (n === 0) return;
    carry = Buffer.from(data.subarray(from));
    carryStart += from;
  }
}
