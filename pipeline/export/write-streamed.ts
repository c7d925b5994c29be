/**
 * Writes a file from text chunks one at a time (memory stays flat however many rows), into a
 * temporary `<path>.partial` renamed into place when complete, so a failed export leaves no half
 * file. Resolves to the number of chunks written.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';

export async function writeStreamed(path: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<number> {
  const temp = `${path}.partial`;
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
