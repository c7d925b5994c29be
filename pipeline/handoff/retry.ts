/**
 * Retries for the hand-off: exponential backoff with jitter, bounded by a retry count (and
 * optionally a deadline), for failures a transport marks as transient.
 *
 * What is retried is the transport's call: a {@link HandoffError} says whether it is
 * `retryable`. The rule the transports follow ({@link isRetryableStatus}): connection errors,
 * timeouts, HTTP 5xx and 429 are retried; any other 4xx is not (the request is wrong and will be
 * wrong again), nor is an answer that does not acknowledge the shard. Any error that is not a
 * `HandoffError` is a bug and is not retried.
 *
 * Delay before retry n (0-based), "equal jitter": `cap = min(maxDelayMs, baseDelayMs · 2ⁿ)`,
 * `delay = cap/2 + random() · cap/2`, so delays grow and two clients that failed together do not
 * come back together. A server's `Retry-After` raises the delay (never above `maxDelayMs`).
 *
 * Sleep, clock and random are passed in (CONTRIBUTING.md, Style), so tests run without waiting.
 *
 * @example
 * ```ts
 * const ack = await withRetry(() => transport.send(delivery), {
 *   policy: { ...RETRY_DEFAULTS, retries: 5 }, random: Math.random, sleep,
 *   onRetry: (e) => logger.warn(`retrying in ${e.delayMs} ms: ${e.error.message}`),
 * });
 * ```
 */
import { setTimeout as delay } from 'node:timers/promises';

/** How many times and how fast to retry. */
export interface RetryPolicy {
  /** Retries after the first attempt (so `retries + 1` attempts in all); `Infinity` with a deadline. @default 5 */
  retries: number;
  /** Cap of the first delay, milliseconds. @default 500 */
  baseDelayMs: number;
  /** Largest delay, milliseconds. @default 30000 */
  maxDelayMs: number;
}

/** Defaults for sending a shard (`--handoff-retries` overrides `retries`). */
export const RETRY_DEFAULTS: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** A hand-off failure, with what the retry loop needs to know. */
export class HandoffError extends Error {
  /** True for transient failures (connection, timeout, 5xx, 429, not ready yet). */
  readonly retryable: boolean;
  /** HTTP status, when there was a response. */
  readonly status?: number;
  /** The server's `Retry-After`, milliseconds. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HandoffError';
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for the HTTP statuses worth retrying: 5xx and 429 (too many requests). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** Delay before retry `retry` (0-based); see the file header. `random()` returns [0, 1). */
export function getBackoffDelay(retry: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = cap / 2 + random() * (cap / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.min(policy.maxDelayMs, retryAfterMs);
  return Math.round(Math.max(jittered, floor));
}

/** Sleeps `ms` milliseconds (the default `sleep`). */
export function sleepMs(ms: number): Promise<void> {
  return delay(ms);
}

/** What {@link withRetry} reports before each retry. */
export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  error: HandoffError;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** [0, 1) uniform. */
  random: () => number;
  /** @default {@link sleepMs} */
  sleep?: (ms: number) => Promise<void>;
  /** Stop retrying once a retry would start after `deadline.atMs` on `deadline.now()`. */
  deadline?: { atMs: number; now: () => number };
  onRetry?: (event: RetryEvent) => void;
}

function checkPolicy(policy: RetryPolicy): void {
  const { retries, baseDelayMs, maxDelayMs } = policy;
  if (!(retries === Infinity || (Number.isSafeInteger(retries) && retries >= 0))) {
    throw new TypeError(`withRetry: expected retries to be a non-negative integer or Infinity, got ${retries}`);
  }
  if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) {
    throw new TypeError(`withRetry: expected 0 <= baseDelayMs <= maxDelayMs, got ${baseDelayMs} and ${maxDelayMs}`);
  }
}

/**
 * Calls `fn(attempt)` (0-based) until it resolves, retrying {@link HandoffError}s marked
 * `retryable` as the policy allows. Rejects with the first non-retryable error, or with the last
 * error once retries (or the deadline) run out; a message of an error that was retried ends
 * with "(gave up after N attempts)".
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, random, sleep = sleepMs, deadline, onRetry } = options;
  checkPolicy(policy);
  if (policy.retries === Infinity && deadline === undefined) throw new TypeError('withRetry: retries = Infinity needs a deadline');
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof HandoffError) || !err.retryable) throw err;
      const delayMs = getBackoffDelay(attempt, policy, random, err.retryAfterMs);
      const outOfTime = deadline !== undefined && deadline.now() + delayMs > deadline.atMs;
      if (attempt >= policy.retries || outOfTime) {
        if (attempt === 0) throw err;
        throw new HandoffError(`${err.message} (gave up after ${attempt + 1} attempts)`, {
          retryable: true,
          status: err.status,
          cause: err,
        });
      }
      onRetry?.({ retry: attempt + 1, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}
