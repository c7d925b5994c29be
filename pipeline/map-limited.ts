/** `mapLimited(items, limit, fn)`: `Promise.all(items.map(fn))` with at most `limit` calls in flight; `mapOrdered`, the same over a stream. */

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; resolves to the results in item
 * order, or rejects with the first error (calls already started still run to their end).
 * For many small file reads, such as hashing a shard's images.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/**
 * Runs `fn` over the items of `source` (read as they are needed) with at most `limit` calls in
 * flight, and yields the results in item order: a stream of any length goes through with flat
 * memory. An error of `fn` is thrown when its item's turn comes (calls already started still run
 * to their end). For indexing a large asset library.
 */
export async function* mapOrdered<T, R>(source: AsyncIterable<T> | Iterable<T>, limit: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const items = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<T>)[Symbol.iterator]();
  const running: Promise<R>[] = [];
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && running.length < limit) {
      const next = await items.next();
      if (next.done === true) {
        exhausted = true;
        return;
      }
      const call = fn(next.value);
      call.catch(() => undefined); // thrown in order, below
      running.push(call);
    }
  };
  try {
    await fill();
    while (running.length > 0) {
      yield await running.shift()!;
      await fill();
    }
  } finally {
    if (!exhausted) await items.return?.();
  }
}
