/** `mapLimited(items, limit, fn)`: `Promise.all(items.map(fn))` with at most `limit` calls in flight. */

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
