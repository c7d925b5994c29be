/**
 * `runOrdered`: produce positions `0 … count − 1` with several workers at once, and consume the
 * results one at a time in position order. The render uses it so samples render in parallel while
 * the shard writer sees them in index order (the output bytes never depend on which finished
 * first).
 *
 * - At most `maxAhead` positions are produced beyond the next one to consume (memory stays flat
 *   however slow one sample is).
 * - `consume` calls never overlap and come in position order.
 * - The first error (of `produce` or `consume`) stops new work; it is thrown once every worker
 *   has seen it and the last consume has settled.
 * - When `signal` aborts, no new position starts and no further one is consumed; the call
 *   returns 'aborted' without waiting for productions still in flight.
 */

export interface OrderedPoolOptions<T> {
  /** Positions to produce. */
  count: number;
  /** Productions running at once. */
  workers: number;
  /** How far production may run ahead of consumption, positions. */
  maxAhead: number;
  produce(position: number): Promise<T>;
  /** Takes the result of `position`; called in position order, one at a time. */
  consume(position: number, value: T): Promise<void>;
  signal?: AbortSignal;
}

/** Runs the pool; resolves 'done' when every position was consumed, 'aborted' when the signal stopped it. */
export async function runOrdered<T>(options: OrderedPoolOptions<T>): Promise<'done' | 'aborted'> {
  const { count, produce, consume, signal } = options;
  const aborted = () => signal?.aborted === true;
  const ready = new Map<number, T>();
  let nextProduce = 0;
  let nextConsume = 0;
  let failure: { error: unknown } | null = null;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const waitForConsume = () => new Promise<void>((resolve) => waiters.push(resolve));
  let consuming = Promise.resolve();
  const drain = async () => {
    while (ready.has(nextConsume) && !aborted()) {
      const value = ready.get(nextConsume)!;
      ready.delete(nextConsume);
      await consume(nextConsume, value);
      nextConsume++;
    }
    wake();
  };
  const worker = async () => {
    while (failure === null && !aborted() && nextProduce < count) {
      if (nextProduce >= nextConsume + options.maxAhead) {
        await waitForConsume();
        continue;
      }
      const position = nextProduce++;
      try {
        ready.set(position, await produce(position));
        consuming = consuming.then(drain);
        await consuming;
      } catch (error) {
        failure ??= { error };
        wake();
      }
    }
  };
  // On abort, stop waiting for productions still running: they cannot be consumed now.
  const stopped = new Promise<void>((resolve) => {
    if (aborted()) resolve();
    signal?.addEventListener('abort', () => {
      wake();
      resolve();
    }, { once: true });
  });
  await Promise.race([Promise.all(Array.from({ length: Math.max(1, options.workers) }, worker)), stopped]);
  await consuming.catch((error: unknown) => (failure ??= { error }));
  if (aborted()) return 'aborted';
  if (failure !== null) throw (failure as { error: unknown }).error;
  return 'done';
}
