/**
 * `HandoffQueue`: takes sealed shards as the run seals them and hands them to one
 * {@link Transport}, one at a time, in the order they came, with retries, recording each
 * acknowledgement in the {@link HandoffLedger} before the next shard goes out.
 *
 * - Rendering does not wait for the trainer: {@link HandoffQueue.enqueue} returns at once while
 *   fewer than `capacity` shards are waiting (in flight included), and only waits for a free
 *   slot once the queue is full, so a slow trainer slows a run down only after `capacity`
 *   shards of backlog.
 * - Before the first send the transport is prepared (folder writable; server and model ready,
 *   metadata as expected), retried while it reports "not ready" until `readyTimeoutMs` runs out.
 * - A shard already in the ledger for this target, with the same sha256, is skipped (a rerun
 *   sends only the rest). Each shard is read back and checked against its sealed sha256 before
 *   it is sent ({@link readShardDelivery}).
 * - The first shard that fails for good (a non-retryable error, or retries used up) stops the
 *   queue: later shards are not sent (the trainer sees shards in order, without holes) and are
 *   reported as pending; the run itself goes on. Nothing is lost: what is not in the ledger is
 *   sent by `npm run handoff -- <out>` later.
 * - {@link HandoffQueue.drain} waits for the queue to empty (or stop) and returns the
 *   {@link HandoffReport}.
 *
 * Progress and failures leave through the injected logger; the caller decides what to print.
 *
 * @example
 * ```ts
 * const queue = new HandoffQueue({ transport, ledger, outDir, datasetName: 'viewforge', logger, random: Math.random, now: Date.now });
 * for (const shard of await writer.append(i, records)) await queue.enqueue(shard);
 * const report = await queue.drain(); // { acked, skipped, failed, pending }
 * ```
 */
import type { Logger } from '../logger.js';
import type { SealedShard } from '../shards/shard-writer.js';
import type { HandoffLedger } from './handoff-ledger.js';
import { RETRY_DEFAULTS, withRetry, type RetryEvent, type RetryPolicy } from './retry.js';
import { readShardDelivery } from './shard-delivery.js';
import type { Transport } from './transport.js';

const NAME = 'handoff';

/** What happened to the shards given to a queue. */
export interface HandoffReport {
  /** Target id (no credential). */
  target: string;
  /** Shards acknowledged now, in order. */
  acked: string[];
  /** Shards the ledger already had as acknowledged, not sent again. */
  skipped: string[];
  /** The shard that failed for good, and why (at most one: the queue stops there). */
  failed: { path: string; error: string }[];
  /** Shards not sent because the queue stopped (send them later with `npm run handoff`). */
  pending: string[];
}

/** What the run needs from a hand-off: enqueue each sealed shard, drain at the end. */
export interface HandoffSink {
  /** Queues a sealed shard; resolves at once unless the queue is full. Never rejects. */
  enqueue(shard: SealedShard): Promise<void>;
  /** Waits until every queued shard is acknowledged or the queue stopped; never rejects. */
  drain(): Promise<HandoffReport>;
}

/** True when every shard given to the queue is acknowledged (now or before). */
export function isHandoffComplete(report: HandoffReport): boolean {
  return report.failed.length === 0 && report.pending.length === 0;
}

export interface HandoffQueueOptions {
  transport: Transport;
  ledger: HandoffLedger;
  /** Output root the shard paths are relative to. */
  outDir: string;
  /** Dataset name sent with each shard. */
  datasetName: string;
  /** Shards waiting or in flight before `enqueue` waits. @default 16 */
  capacity?: number;
  /** Retries of one shard (`--handoff-retries` sets `retries`). @default {@link RETRY_DEFAULTS} */
  retry?: RetryPolicy;
  /** How long to wait for the target to become ready, milliseconds. @default 120000 */
  readyTimeoutMs?: number;
  logger: Logger;
  /** [0, 1) uniform, for backoff jitter. */
  random: () => number;
  /** Milliseconds since the epoch, for the readiness deadline. */
  now: () => number;
  /** @default a real timer */
  sleep?: (ms: number) => Promise<void>;
}

/** Defaults of {@link HandoffQueueOptions}. */
export const HANDOFF_QUEUE_DEFAULTS = { capacity: 16, readyTimeoutMs: 120_000 } as const;

/** Polling of a target that is not ready yet: quick at first, then every ~5 s until the deadline. */
const READY_POLICY: RetryPolicy = { retries: Infinity, baseDelayMs: 250, maxDelayMs: 5_000 };

/** Queue of sealed shards for one transport; see the file header. */
export class HandoffQueue implements HandoffSink {
  private readonly options: HandoffQueueOptions;
  private readonly capacity: number;
  private readonly items: SealedShard[] = [];
  private readonly report: HandoffReport;
  private running: Promise<void> | null = null;
  private spaceWaiters: (() => void)[] = [];
  private prepared = false;
  private halted = false;

  constructor(options: HandoffQueueOptions) {
    const capacity = options.capacity ?? HANDOFF_QUEUE_DEFAULTS.capacity;
    if (!(capacity === Infinity || (Number.isSafeInteger(capacity) && capacity >= 1))) {
      throw new TypeError(`HandoffQueue: expected capacity to be a positive integer, got ${capacity}`);
    }
    const retries = options.retry?.retries ?? RETRY_DEFAULTS.retries;
    if (!Number.isSafeInteger(retries) || retries < 0) throw new TypeError(`HandoffQueue: expected retry.retries to be a non-negative integer, got ${retries}`);
    if (typeof options.datasetName !== 'string' || options.datasetName === '') {
      throw new TypeError(`HandoffQueue: expected datasetName to be a non-empty string, got ${JSON.stringify(options.datasetName)}`);
    }
    this.options = options;
    this.capacity = capacity;
    this.report = { target: options.transport.id, acked: [], skipped: [], failed: [], pending: [] };
  }

  /** Shards waiting or in flight. */
  get size(): number {
    return this.items.length;
  }

  /** Queues `shard` (see {@link HandoffSink.enqueue}). After the queue stopped, the shard is reported as pending at once. */
  async enqueue(shard: SealedShard): Promise<void> {
    while (!this.halted && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.halted) {
      this.report.pending.push(shard.path);
      return;
    }
    this.items.push(shard);
    if (this.running === null) this.running = this.pump();
  }

  /** Waits for the queue to empty or stop, then returns the report. */
  async drain(): Promise<HandoffReport> {
    while (this.running !== null) await this.running;
    return this.getReport();
  }

  /** The report so far (a copy). */
  getReport(): HandoffReport {
    const r = this.report;
    return { target: r.target, acked: [...r.acked], skipped: [...r.skipped], failed: r.failed.map((f) => ({ ...f })), pending: [...r.pending] };
  }

  private async pump(): Promise<void> {
    while (this.items.length > 0 && !this.halted) {
      const shard = this.items[0];
      try {
        await this.deliver(shard);
      } catch (err) {
        this.fail(shard, `${NAME}: unexpected error: ${(err as Error).stack ?? String(err)}`);
      }
      this.items.shift();
      this.wakeOne();
    }
    if (this.halted) {
      for (const s of this.items.splice(0)) this.report.pending.push(s.path);
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const w of waiters) w();
    }
    // No await between the loop's last check and this line, so an enqueue cannot slip in unseen.
    this.running = null;
  }

  private wakeOne(): void {
    this.spaceWaiters.shift()?.();
  }

  private fail(shard: SealedShard, message: string): void {
    this.halted = true;
    this.report.failed.push({ path: shard.path, error: message });
    this.options.logger.error(`${message}; stopping the hand-off (the run goes on; send the rest later with: npm run handoff -- <out> --handoff ${this.report.target})`);
  }

  private async deliver(shard: SealedShard): Promise<void> {
    const { transport, ledger, logger, random, now, sleep } = this.options;
    if (ledger.has(transport.id, shard.path, shard.sha256)) {
      this.report.skipped.push(shard.path);
      return;
    }
    if (!this.prepared) {
      try {
        await withRetry(() => transport.prepare(), {
          policy: READY_POLICY,
          deadline: { atMs: now() + (this.options.readyTimeoutMs ?? HANDOFF_QUEUE_DEFAULTS.readyTimeoutMs), now },
          random,
          sleep,
          onRetry: (e) => {
            if (e.retry === 1 || e.retry % 10 === 0) logger.info(`${NAME}: waiting for ${transport.id}: ${e.error.message}`);
          },
        });
        this.prepared = true;
      } catch (err) {
        this.fail(shard, `${NAME}: ${transport.id} cannot take shards: ${(err as Error).message}`);
        return;
      }
    }
    try {
      const delivery = await readShardDelivery(this.options.outDir, shard, this.options.datasetName);
      const ack = await withRetry(() => transport.send(delivery), {
        policy: this.options.retry ?? RETRY_DEFAULTS,
        random,
        sleep,
        onRetry: (e: RetryEvent) => logger.warn(`${NAME}: ${shard.path}: retry ${e.retry} in ${e.delayMs} ms after: ${e.error.message}`),
      });
      await ledger.append({ target: transport.id, kind: shard.kind, path: shard.path, sha256: ack.sha256, records: shard.records, receipt: ack.receipt });
      this.report.acked.push(shard.path);
      logger.info(`${NAME}: ${shard.path} acknowledged by ${transport.id}`);
    } catch (err) {
      this.fail(shard, (err as Error).message);
    }
  }
}
