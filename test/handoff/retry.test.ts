import { describe, expect, it } from 'vitest';
import { getBackoffDelay, HandoffError, isRetryableStatus, RETRY_DEFAULTS, withRetry, type RetryEvent } from '../../pipeline/handoff/retry.js';

const POLICY = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };

/** A function that fails with the given errors, then resolves "ok"; counts calls. */
function failing(errors: Error[]): { fn: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    fn: async () => {
      const e = errors[n++];
      if (e !== undefined) throw e;
      return 'ok';
    },
    calls: () => n,
  };
}

function httpError(status: number, retryAfterMs?: number): HandoffError {
  return new HandoffError(`HTTP ${status}`, { retryable: isRetryableStatus(status), status, retryAfterMs });
}

describe('isRetryableStatus', () => {
  it('retries 5xx and 429 only', () => {
    expect([500, 502, 503, 504, 429].map(isRetryableStatus)).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 409, 413, 422, 408].map(isRetryableStatus)).toEqual([false, false, false, false, false, false, false, false]);
  });
});

describe('getBackoffDelay', () => {
  it('doubles the cap each retry up to maxDelayMs, with jitter between cap/2 and cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => getBackoffDelay(n, POLICY, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 5].map((n) => getBackoffDelay(n, POLICY, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(getBackoffDelay(2, POLICY, () => 0.5)).toBe(300);
  });

  it('waits at least Retry-After, but never more than maxDelayMs', () => {
    expect(getBackoffDelay(0, POLICY, () => 0, 700)).toBe(700);
    expect(getBackoffDelay(0, POLICY, () => 0, 60_000)).toBe(1000);
  });

  it('has sensible defaults', () => {
    expect(RETRY_DEFAULTS).toEqual({ retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 });
  });
});

describe('withRetry', () => {
  it('retries 5xx until it succeeds, sleeping the backoff delays', async () => {
    const sleeps: number[] = [];
    const events: RetryEvent[] = [];
    const f = failing([httpError(503), httpError(500)]);
    const result = await withRetry(f.fn, { policy: POLICY, random: () => 0, sleep: async (ms) => void sleeps.push(ms), onRetry: (e) => events.push(e) });
    expect(result).toBe('ok');
    expect(f.calls()).toBe(3);
    expect(sleeps).toEqual([50, 100]);
    expect(events.map((e) => [e.retry, e.delayMs, e.error.status])).toEqual([[1, 50, 503], [2, 100, 500]]);
  });

  it('retries 429, honouring Retry-After', async () => {
    const sleeps: number[] = [];
    const f = failing([httpError(429, 800)]);
    await expect(withRetry(f.fn, { policy: POLICY, random: () => 0, sleep: async (ms) => void sleeps.push(ms) })).resolves.toBe('ok');
    expect(sleeps).toEqual([800]);
  });

  it('does not retry other 4xx', async () => {
    for (const status of [400, 401, 404, 422]) {
      const sleeps: number[] = [];
      const f = failing([httpError(status)]);
      await expect(withRetry(f.fn, { policy: POLICY, random: () => 0, sleep: async (ms) => void sleeps.push(ms) })).rejects.toThrow(`HTTP ${status}`);
      expect(f.calls()).toBe(1);
      expect(sleeps).toEqual([]);
    }
  });

  it('does not retry errors that are not HandoffErrors (bugs)', async () => {
    const f = failing([new TypeError('oops')]);
    await expect(withRetry(f.fn, { policy: POLICY, random: () => 0, sleep: async () => {} })).rejects.toThrow('oops');
    expect(f.calls()).toBe(1);
  });

  it('respects the bound: retries + 1 attempts, then the last error with the count', async () => {
    const sleeps: number[] = [];
    const f = failing(Array.from({ length: 10 }, () => httpError(503)));
    const err = await withRetry(f.fn, { policy: { ...POLICY, retries: 3 }, random: () => 0, sleep: async (ms) => void sleeps.push(ms) }).catch((e: unknown) => e);
    expect(f.calls()).toBe(4);
    expect(sleeps).toHaveLength(3);
    expect(err).toBeInstanceOf(HandoffError);
    expect((err as HandoffError).message).toBe('HTTP 503 (gave up after 4 attempts)');
    expect((err as HandoffError).status).toBe(503);
    expect((err as HandoffError).cause).toBeInstanceOf(HandoffError);
  });

  it('with retries = 0 makes one attempt and rethrows the error as is', async () => {
    const e = httpError(503);
    const f = failing([e]);
    await expect(withRetry(f.fn, { policy: { ...POLICY, retries: 0 }, random: () => 0, sleep: async () => {} })).rejects.toBe(e);
    expect(f.calls()).toBe(1);
  });

  it('stops at a deadline when retries are unbounded', async () => {
    let t = 0;
    const f = failing(Array.from({ length: 100 }, () => new HandoffError('not ready', { retryable: true })));
    const err = await withRetry(f.fn, {
      policy: { retries: Infinity, baseDelayMs: 100, maxDelayMs: 1000 },
      deadline: { atMs: 3000, now: () => t },
      random: () => 0,
      sleep: async (ms) => void (t += ms),
    }).catch((e: unknown) => e);
    // delays 50, 100, 200, 400, 500, 500, 500, 500 = 2750; the next (500) would pass 3000.
    expect(f.calls()).toBe(9);
    expect(t).toBe(2750);
    expect((err as Error).message).toBe('not ready (gave up after 9 attempts)');
  });

  it('refuses a bad policy', async () => {
    await expect(withRetry(async () => 1, { policy: { ...POLICY, retries: -1 }, random: () => 0 })).rejects.toThrow(/retries to be a non-negative integer/);
    await expect(withRetry(async () => 1, { policy: { ...POLICY, retries: Infinity }, random: () => 0 })).rejects.toThrow(/needs a deadline/);
  });
});
