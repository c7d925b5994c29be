import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HandoffLedger } from '../../pipeline/handoff/handoff-ledger.js';
import { HandoffQueue } from '../../pipeline/handoff/handoff-queue.js';
import { HandoffError } from '../../pipeline/handoff/retry.js';
import type { ShardDelivery } from '../../pipeline/handoff/shard-delivery.js';
import type { Ack, Transport } from '../../pipeline/handoff/transport.js';
import type { SealedShard } from '../../pipeline/shards/shard-writer.js';
import { fakeTime, memoryLogger, writeSealedOutput } from './sealed-output-fixture.js';

let outDir: string;
let shards: SealedShard[];
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vf-queue-'));
  shards = (await writeSealedOutput(outDir, { samples: 8, shardSize: 2 })).shards; // 8 shard files
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** A transport whose sends wait until the test releases them. */
class GatedTransport implements Transport {
  readonly id = 'dir:/gated';
  readonly sent: string[] = [];
  prepares = 0;
  failOn: string | null = null;
  private gates: (() => void)[] = [];
  async prepare(): Promise<void> {
    this.prepares++;
  }
  async send(shard: ShardDelivery): Promise<Ack> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    if (shard.path === this.failOn) throw new HandoffError(`rejected ${shard.path}`, { retryable: false });
    this.sent.push(shard.path);
    return { sha256: shard.sha256, receipt: 'gated' };
  }
  /** Lets the pending send go on; resolves once it had a chance to finish. */
  async release(): Promise<void> {
    while (this.gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    this.gates.shift()!();
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function makeQueue(transport: Transport, capacity: number) {
  const time = fakeTime();
  const logger = memoryLogger();
  const ledger = await HandoffLedger.open(outDir, { now: time.now });
  return { queue: new HandoffQueue({ transport, ledger, outDir, datasetName: 'viewforge', capacity, logger, random: time.random, now: time.now, sleep: time.sleep }), ledger, logger };
}

/** True when `p` settles within `ms` (a pending promise is given that long). */
function settles(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

describe('HandoffQueue', () => {
  it('enqueue returns at once below capacity, waits when full, and sends one at a time in order', async () => {
    const transport = new GatedTransport();
    const { queue, ledger } = await makeQueue(transport, 3);
    for (const s of shards.slice(0, 3)) expect(await settles(queue.enqueue(s), 1000)).toBe(true);
    expect(queue.size).toBe(3);
    const fourth = queue.enqueue(shards[3]);
    expect(await settles(fourth, 30)).toBe(false); // the queue is full: the run waits here
    await transport.release();
    expect(await settles(fourth, 1000)).toBe(true);
    for (let i = 4; i < shards.length; i++) {
      const p = queue.enqueue(shards[i]);
      await transport.release();
      await p;
    }
    const drained = queue.drain();
    for (let i = 0; i < 3; i++) await transport.release();
    const report = await drained;
    expect(transport.sent).toEqual(shards.map((s) => s.path));
    expect(report.acked).toEqual(shards.map((s) => s.path));
    expect(transport.prepares).toBe(1);
    expect(ledger.listEntries().map((e) => e.path)).toEqual(shards.map((s) => s.path));
  });

  it('stops at the first shard that fails for good; later shards are reported pending, and enqueue no longer waits', async () => {
    const transport = new GatedTransport();
    transport.failOn = shards[1].path;
    const { queue, ledger, logger } = await makeQueue(transport, 2);
    await queue.enqueue(shards[0]);
    await queue.enqueue(shards[1]);
    const third = queue.enqueue(shards[2]);
    await transport.release();
    await transport.release();
    await third;
    for (const s of shards.slice(3)) expect(await settles(queue.enqueue(s), 1000)).toBe(true);
    const report = await queue.drain();
    expect(report.acked).toEqual([shards[0].path]);
    expect(report.failed).toEqual([{ path: shards[1].path, error: `rejected ${shards[1].path}` }]);
    expect(report.pending).toEqual(shards.slice(2).map((s) => s.path));
    expect(ledger.listEntries().map((e) => e.path)).toEqual([shards[0].path]);
    expect(logger.lines.filter((l) => l.startsWith('error:'))).toHaveLength(1);
  });

  it('skips shards the ledger already has for this target, and drains an empty queue at once', async () => {
    const transport = new GatedTransport();
    const { queue, ledger } = await makeQueue(transport, 4);
    expect(await queue.drain()).toEqual({ target: 'dir:/gated', acked: [], skipped: [], failed: [], pending: [] });
    await ledger.append({ target: 'dir:/gated', kind: shards[0].kind, path: shards[0].path, sha256: shards[0].sha256, records: 2, receipt: '' });
    await ledger.append({ target: 'dir:/other', kind: shards[1].kind, path: shards[1].path, sha256: shards[1].sha256, records: 2, receipt: '' });
    await queue.enqueue(shards[0]);
    await queue.enqueue(shards[1]);
    await transport.release();
    const report = await queue.drain();
    expect(report.skipped).toEqual([shards[0].path]);
    expect(report.acked).toEqual([shards[1].path]);
  });

  it('checks its options', async () => {
    const transport = new GatedTransport();
    const ledger = await HandoffLedger.open(outDir, { now: () => 0 });
    const base = { transport, ledger, outDir, datasetName: 'viewforge', logger: memoryLogger(), random: () => 0, now: () => 0 };
    expect(() => new HandoffQueue({ ...base, capacity: 0 })).toThrow('HandoffQueue: expected capacity to be a positive integer, got 0');
    expect(() => new HandoffQueue({ ...base, retry: { retries: 1.5, baseDelayMs: 1, maxDelayMs: 1 } })).toThrow(/retry.retries/);
    expect(() => new HandoffQueue({ ...base, datasetName: '' })).toThrow(/datasetName/);
  });
});
