/**
 * Writes a file from text chunks one at a time (memory stays flat however many rows), into a
 * temporary file beside it (`<path>.partial-<pid>-<n>`, its own for every call, so processes that
 * write the same path at once never share one) renamed into place when complete, so a failure
 * leaves no half file and a reader never sees one. Resolves to the number of chunks written.
 * Used by the evaluation exports and the library index cache.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';

let calls = 0;

export async function writeStreamed(path: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<number> {
  const temp = `${path}.partial-${process.pid}-${++calls}`;
  const stream = createWriteStream(temp);
  let count = 0;
  try {
    for await (const chunk of chunks) {
      if (!stream.write(chunk)) await once(stream, 'drain');
      count++;
    }
    stream.end();
    await once(stream, 'finish');
    await rename(temp, path);
  } catch (err) {
    stream.destroy();
    await rm(temp, { force: true });
    throw err;
  }
  return count;
}
