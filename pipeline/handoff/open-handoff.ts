/**
 * `openHandoff(options)`: builds the hand-off of one run: the transport for the target, the
 * output folder's ledger, and the {@link HandoffQueue} that joins them. What `run()` receives as
 * `deps.handoff`, and what `handoffPending` uses for `npm run handoff`.
 *
 * Relative `dir:` paths are resolved against the working directory, so the ledger's target id
 * is the same whatever folder a later `npm run handoff` starts from.
 *
 * @example
 * ```ts
 * const handoff = await openHandoff({
 *   target: parseHandoffTarget('triton:http://trainer:8000#viewforge_handoff'),
 *   outDir: 'output', datasetName: 'viewforge', retries: 5, token: process.env.TRAINER_TOKEN,
 *   logger, random: Math.random, now: Date.now,
 * });
 * const result = await run(config, { ...deps, handoff });
 * ```
 */
import { resolve } from 'node:path';
import type { Logger } from '../logger.js';
import { DirTransport } from './dir-transport.js';
import { HandoffLedger } from './handoff-ledger.js';
import { HandoffQueue } from './handoff-queue.js';
import { getTargetId, type HandoffTarget } from './parse-handoff-target.js';
import { RETRY_DEFAULTS } from './retry.js';
import type { Transport } from './transport.js';
import { TritonTransport } from './triton-transport.js';

export interface HandoffOptions {
  target: HandoffTarget;
  /** The output folder (shards, ledger). */
  outDir: string;
  /** Dataset name sent with each shard. */
  datasetName: string;
  /** Retries per shard after the first attempt. @default 5 */
  retries?: number;
  /** Bearer token for `triton:` targets (from `--handoff-token-env`). Never logged or written. */
  token?: string;
  /** Shards waiting before the run waits. @default 16 */
  capacity?: number;
  /** How long to wait for the target to become ready, milliseconds. @default 120000 */
  readyTimeoutMs?: number;
  /** Time limit of one infer request, milliseconds. @default 30000 */
  requestTimeoutMs?: number;
  /** Prefix of `shard_uri` for `triton:`. @default the file:// URL of the output folder */
  shardBaseUri?: string;
  logger: Logger;
  random: () => number;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

/** Builds the transport of a target (no I/O). */
export function createTransport(target: HandoffTarget, options: Pick<HandoffOptions, 'token' | 'requestTimeoutMs' | 'shardBaseUri' | 'logger' | 'fetch'>): Transport {
  if (target.kind === 'dir') {
    const dropDir = resolve(target.path);
    return new DirTransport({ dropDir, id: getTargetId({ kind: 'dir', path: dropDir }), logger: options.logger });
  }
  return new TritonTransport({
    baseUrl: target.baseUrl,
    model: target.model,
    token: options.token,
    shardBaseUri: options.shardBaseUri,
    requestTimeoutMs: options.requestTimeoutMs,
    fetch: options.fetch,
    logger: options.logger,
  });
}

/**
 * Opens the ledger of `outDir` (a missing one is empty) and returns the queue.
 * @throws Error when the ledger cannot be read or is damaged.
 */
export async function openHandoff(options: HandoffOptions): Promise<HandoffQueue> {
  const { logger, now } = options;
  const transport = createTransport(options.target, options);
  const ledger = await HandoffLedger.open(options.outDir, { now, onTornTail: (m) => logger.warn(m) });
  return new HandoffQueue({
    transport,
    ledger,
    outDir: options.outDir,
    datasetName: options.datasetName,
    capacity: options.capacity,
    retry: { ...RETRY_DEFAULTS, retries: options.retries ?? RETRY_DEFAULTS.retries },
    readyTimeoutMs: options.readyTimeoutMs,
    logger,
    random: options.random,
    now,
    sleep: options.sleep,
  });
}
