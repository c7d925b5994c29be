/**
 * The hand-off transport interface: how one sealed shard reaches the training side. Two
 * implementations, {@link DirTransport} (`dir:`) and {@link TritonTransport} (`triton:`); the
 * {@link HandoffQueue} drives either one, adds retries and records acknowledgements in the ledger.
 *
 * A transport throws {@link HandoffError} for expected failures, marked `retryable` or not (see
 * `retry.ts`), and never retries by itself. `send` must be idempotent for one shard: the queue
 * may call it again after a timeout whose request did arrive, and a rerun may send a shard whose
 * acknowledgement was lost; a repeat of a delivered shard must be acknowledged again, not taken
 * as new data.
 */
import type { ShardDelivery } from './shard-delivery.js';

/** What the receiving side said when it took a shard. */
export interface Ack {
  /** sha256 of the shard's JSONL, as acknowledged by the receiver. */
  sha256: string;
  /** Where or by what it was taken: the drop folder, or "<model>/<version> id=<request id>". Never a credential. */
  receipt: string;
}

/** One way of handing shards to training. */
export interface Transport {
  /** Ledger id of the target: `dir:<path>` or `triton:<url>#<model>`; no credential. */
  readonly id: string;
  /** Checks the target can take shards (folder writable; server and model ready, model inputs as expected). */
  prepare(): Promise<void>;
  /** Hands one shard over; resolves once the receiver has acknowledged it. */
  send(shard: ShardDelivery): Promise<Ack>;
}
