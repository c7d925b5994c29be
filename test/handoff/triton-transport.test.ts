/**
 * The `triton:` hand-off against a real KServe v2 server on 127.0.0.1 ({@link KserveTestServer}),
 * through the same pieces a run uses (openHandoff → HandoffQueue → TritonTransport, ledger),
 * with shards sealed by the real ShardWriter. Sleeps are fake (no test waits for a backoff).
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLedgerEntry, LEDGER_FILE, parseLedger } from '../../pipeline/handoff/handoff-ledger.js';
import { handoffPending } from '../../pipeline/handoff/handoff-pending.js';
import { isHandoffComplete, type HandoffReport } from '../../pipeline/handoff/handoff-queue.js';
import { openHandoff, type HandoffOptions } from '../../pipeline/handoff/open-handoff.js';
import { parseHandoffTarget } from '../../pipeline/handoff/parse-handoff-target.js';
import { KserveTestServer } from './kserve-test-server.js';
import { fakeTime, memoryLogger, writeSealedOutput } from './sealed-output-fixture.js';

let outDir: string;
let server: KserveTestServer;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vf-triton-'));
});
afterEach(async () => {
  await server?.stop();
  await rm(outDir, { recursive: true, force: true });
});

const PATHS = ['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl', 'sft/shard-00001.jsonl', 'rl/shard-00001.jsonl', 'sft/shard-00002.jsonl', 'rl/shard-00002.jsonl'];

type Time = ReturnType<typeof fakeTime>;

function options(time: Time, logger = memoryLogger(), extra: Partial<HandoffOptions> = {}): HandoffOptions {
  return {
    target: parseHandoffTarget(`triton:${server.url}#viewforge_handoff`),
    outDir,
    datasetName: 'viewforge',
    logger,
    random: time.random,
    now: time.now,
    sleep: time.sleep,
    ...extra,
  };
}

/** "Renders" 10 samples in shards of 4 (3 shards × 2 kinds), enqueuing each as it is sealed, then drains. */
async function renderAndHandOff(opts: HandoffOptions): Promise<{ report: HandoffReport; shas: string[] }> {
  const queue = await openHandoff(opts);
  const { shards } = await writeSealedOutput(outDir, { samples: 10, shardSize: 4, manifest: true, onSealed: (s) => queue.enqueue(s) });
  return { report: await queue.drain(), shas: shards.map((s) => s.sha256) };
}

async function ledgerPaths(): Promise<string[]> {
  const text = await readFile(join(outDir, LEDGER_FILE), 'utf8').catch(() => '');
  return parseLedger(text).entries.map((e) => e.path);
}

describe('triton hand-off (KServe v2)', () => {
  it('happy path: every shard sent once, in order, validated by the server, acknowledged and in the ledger; the token never written', async () => {
    server = await KserveTestServer.start({ token: 's3cr3t-t0ken' });
    const time = fakeTime();
    const logger = memoryLogger();
    const { report, shas } = await renderAndHandOff(options(time, logger, { token: 's3cr3t-t0ken' }));
    expect(report).toEqual({ target: `triton:${server.url}#viewforge_handoff`, acked: PATHS, skipped: [], failed: [], pending: [] });
    expect(isHandoffComplete(report)).toBe(true);
    expect(server.invalid).toEqual([]);
    expect(server.received.map((r) => [r.shardUri, r.sha256, r.records, r.kind, r.dataset, r.isNew])).toEqual(
      PATHS.map((p, i) => [pathToFileURL(join(outDir, p)).href, shas[i], i < 4 ? 4 : 2, p.split('/')[0], 'viewforge', true]),
    );
    expect(server.received[0].id).toBe(`viewforge/sft/shard-00000.jsonl@${shas[0].slice(0, 16)}`);
    expect(server.log.slice(0, 3).map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual([
      'GET /v2/health/ready 200',
      'GET /v2/models/viewforge_handoff/ready 200',
      'GET /v2/models/viewforge_handoff 200',
    ]);
    expect(server.log.every((l) => l.authorized)).toBe(true);
    expect(new Set(server.authHeaders)).toEqual(new Set(['Bearer s3cr3t-t0ken']));
    expect(time.sleeps).toEqual([]);
    const ledger = parseLedger(await readFile(join(outDir, LEDGER_FILE), 'utf8')).entries;
    expect(ledger.map((e) => [e.target, e.path, e.sha256])).toEqual(PATHS.map((p, i) => [report.target, p, shas[i]]));
    expect(ledger[0].receipt).toBe(`viewforge_handoff/1 id=viewforge/sft/shard-00000.jsonl@${shas[0].slice(0, 16)}`);
    const written = (await readFile(join(outDir, LEDGER_FILE), 'utf8')) + (await readFile(join(outDir, 'manifest.json'), 'utf8')) + logger.lines.join('\n');
    expect(written).not.toContain('s3cr3t');
  });

  it('works with a batching model (inputs declared [-1, 1])', async () => {
    server = await KserveTestServer.start({ batching: true });
    const { report } = await renderAndHandOff(options(fakeTime()));
    expect(report.acked).toEqual(PATHS);
    expect(server.invalid).toEqual([]);
  });

  it('waits for a server (and model) that is not ready at start, then sends', async () => {
    server = await KserveTestServer.start();
    server.serverNotReadyPolls = 3;
    server.modelNotReadyPolls = 2;
    const time = fakeTime();
    const logger = memoryLogger();
    const { report } = await renderAndHandOff(options(time, logger));
    expect(report.acked).toEqual(PATHS);
    expect(time.sleeps).toHaveLength(5);
    expect(server.log.filter((l) => l.path === '/v2/health/ready').map((l) => l.status)).toEqual([400, 400, 400, 200, 200, 200]);
    expect(logger.lines[0]).toMatch(/^info: handoff: waiting for triton:.*: triton: the server at http:\/\/127\.0\.0\.1:\d+ is not ready \(GET \/v2\/health\/ready: HTTP 400 Bad Request: server is not ready\)$/);
  });

  it('gives up waiting for readiness after the ready timeout, sending nothing', async () => {
    server = await KserveTestServer.start();
    server.serverNotReadyPolls = 1_000_000;
    const time = fakeTime();
    const { report } = await renderAndHandOff(options(time, memoryLogger(), { readyTimeoutMs: 60_000 }));
    expect(report.acked).toEqual([]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0].error).toMatch(/cannot take shards: .*is not ready .*\(gave up after \d+ attempts\)/);
    expect(report.pending).toEqual(PATHS.slice(1));
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60_000);
    expect(server.received).toEqual([]);
    expect(await ledgerPaths()).toEqual([]);
  });

  it('retries 503 twice then 200, with growing jittered delays, and takes the shard once', async () => {
    server = await KserveTestServer.start();
    server.script.push({ status: 503, error: 'model is overloaded' }, { status: 503, error: 'model is overloaded' });
    const time = fakeTime();
    const logger = memoryLogger();
    const { report } = await renderAndHandOff(options(time, logger));
    expect(report.acked).toEqual(PATHS);
    expect(time.sleeps).toEqual([375, 750]);
    expect(server.log.filter((l) => l.path.endsWith('/infer')).map((l) => l.status)).toEqual([503, 503, 200, 200, 200, 200, 200, 200]);
    expect(server.listNewShas()).toHaveLength(6);
    expect(logger.lines.filter((l) => l.startsWith('warn:'))).toEqual([
      expect.stringMatching(/^warn: handoff: sft\/shard-00000.jsonl: retry 1 in 375 ms after: triton: sft\/shard-00000.jsonl was not accepted by triton:.*: HTTP 503 Service Unavailable: model is overloaded$/),
      expect.stringMatching(/retry 2 in 750 ms/),
    ]);
  });

  it('retries 429 (honouring Retry-After) but gives up after --handoff-retries', async () => {
    server = await KserveTestServer.start();
    server.script.push({ status: 429, error: 'slow down', retryAfterS: 2 }, ...Array.from({ length: 5 }, () => ({ status: 500, error: 'boom' })));
    const time = fakeTime();
    const { report } = await renderAndHandOff(options(time, memoryLogger(), { retries: 3 }));
    expect(time.sleeps[0]).toBe(2000);
    expect(time.sleeps).toHaveLength(3);
    expect(report.acked).toEqual([]);
    expect(report.failed).toEqual([{ path: 'sft/shard-00000.jsonl', error: expect.stringMatching(/HTTP 500 Internal Server Error: boom \(gave up after 4 attempts\)$/) }]);
    expect(report.pending).toEqual(PATHS.slice(1));
  });

  it('retries a connection refused (server down, then up again) at start and mid-run', async () => {
    server = await KserveTestServer.start({ keepAlive: false });
    await server.stop();
    const time = fakeTime(async () => {
      if (!server.listening) await server.restart();
    });
    let downAgain = false;
    const realFetch = globalThis.fetch;
    const fetchOnce: typeof fetch = async (url, init) => {
      if (String(url).endsWith('/infer') && !downAgain) {
        downAgain = true;
        await server.stop();
      }
      return realFetch(url, init);
    };
    const logger = memoryLogger();
    const { report } = await renderAndHandOff(options(time, logger, { fetch: fetchOnce }));
    expect(report.acked).toEqual(PATHS);
    expect(logger.lines[0]).toMatch(/^info: handoff: waiting for triton:.*: triton: GET http:\/\/127\.0\.0\.1:\d+\/v2\/health\/ready: connection failed \(ECONNREFUSED\)$/);
    expect(logger.lines[1]).toMatch(/^warn: handoff: sft\/shard-00000.jsonl: retry 1 in 375 ms after: triton: POST .*\/infer: connection failed \(ECONNREFUSED\)$/);
    expect(time.sleeps).toHaveLength(2);
    expect(server.listNewShas()).toHaveLength(6);
  });

  it('retries a request that timed out; the repeat carries the same id and is not taken as new', async () => {
    server = await KserveTestServer.start();
    server.script.push({ hangMs: 1200 });
    const time = fakeTime();
    const logger = memoryLogger();
    const { report } = await renderAndHandOff(options(time, logger, { requestTimeoutMs: 400 }));
    expect(report.acked).toEqual(PATHS);
    expect(time.sleeps.length).toBeGreaterThanOrEqual(1);
    expect(logger.lines).toContainEqual(expect.stringMatching(/^warn: handoff: sft\/shard-00000.jsonl: retry 1 in 375 ms after: triton: POST .*\/infer: timed out after 400 ms$/));
    // Wait for the hung request to finish on the server: it arrives after the retry, as a repeat.
    const firstSha = server.received[0].sha256;
    while (server.received.filter((r) => r.sha256 === firstSha).length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(server.received.filter((r) => r.sha256 === firstSha).map((r) => r.isNew)).toEqual([true, false]);
    expect(server.listNewShas()).toHaveLength(6);
    expect(new Set(server.listNewShas()).size).toBe(6);
  });

  it('400 with an error body: fails clearly, without retrying, and the shard is not marked', async () => {
    server = await KserveTestServer.start();
    server.script.push({ status: 400, error: "inference request for unknown dataset 'viewforge'" });
    const time = fakeTime();
    const logger = memoryLogger();
    const { report } = await renderAndHandOff(options(time, logger));
    expect(report.acked).toEqual([]);
    expect(report.failed).toEqual([
      { path: 'sft/shard-00000.jsonl', error: `triton: sft/shard-00000.jsonl was not accepted by triton:${server.url}#viewforge_handoff: HTTP 400 Bad Request: inference request for unknown dataset 'viewforge'` },
    ]);
    expect(report.pending).toEqual(PATHS.slice(1));
    expect(isHandoffComplete(report)).toBe(false);
    expect(time.sleeps).toEqual([]);
    expect(server.log.filter((l) => l.path.endsWith('/infer'))).toHaveLength(1);
    expect(await ledgerPaths()).toEqual([]);
    expect(logger.lines.filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringMatching(/HTTP 400 Bad Request: inference request for unknown dataset 'viewforge'; stopping the hand-off \(the run goes on; send the rest later with: npm run handoff -- <out> --handoff triton:/),
    ]);
  });

  it('refuses a model whose metadata does not declare the inputs, before sending anything', async () => {
    server = await KserveTestServer.start({ inputs: [{ name: 'shard_uri', datatype: 'BYTES', shape: [1] }, { name: 'records', datatype: 'INT32', shape: [1] }] });
    const time = fakeTime();
    const { report } = await renderAndHandOff(options(time));
    expect(report.failed[0].error).toMatch(
      /cannot take shards: triton: model "viewforge_handoff" does not take viewforge shards: input "sha256" \(BYTES\) is missing; input "records" is INT32, expected INT64; input "kind" \(BYTES\) is missing; input "dataset" \(BYTES\) is missing/,
    );
    expect(time.sleeps).toEqual([]);
    expect(server.log.filter((l) => l.path.endsWith('/infer'))).toEqual([]);
  });

  it('fails fast on 401 (missing token) and on an unknown model', async () => {
    server = await KserveTestServer.start({ token: 'needed' });
    const time = fakeTime();
    const { report } = await renderAndHandOff(options(time));
    expect(report.failed[0].error).toMatch(/HTTP 401 Unauthorized: missing or invalid bearer token\); check the URL, model name and --handoff-token-env$/);
    expect(time.sleeps).toEqual([]);
    await server.stop();
    server = await KserveTestServer.start();
    await rm(outDir, { recursive: true, force: true });
    const other = await renderAndHandOff({ ...options(time), target: parseHandoffTarget(`triton:${server.url}#nope`) });
    expect(other.report.failed[0].error).toMatch(/model "nope" at .* is not ready \(GET \/v2\/models\/nope\/ready: HTTP 404 Not Found: Request for unknown model: 'nope' is not found\)/);
  });

  it('does not accept a 200 that acknowledges something else', async () => {
    server = await KserveTestServer.start();
    server.script.push({ ack: 'not-the-sha' });
    const time = fakeTime();
    const { report } = await renderAndHandOff(options(time));
    expect(report.failed[0].error).toMatch(/does not acknowledge the shard: "ack" is "not-the-sha", expected the shard's sha256/);
    expect(time.sleeps).toEqual([]);
    expect(await ledgerPaths()).toEqual([]);
  });

  it('crash after some acks, then rerun: only the rest are sent, none twice as new', async () => {
    server = await KserveTestServer.start();
    await writeSealedOutput(outDir, { samples: 10, shardSize: 4, manifest: true });
    // Shards 1–2 are acknowledged; the server takes shard 3 but dies before answering, and stays down.
    server.script.push(null, null, { drop: 'after' });
    const time = fakeTime(async () => server.stop());
    const first = await handoffPending(options(time, memoryLogger(), { retries: 2 }));
    expect(first.acked).toEqual(PATHS.slice(0, 2));
    expect(first.failed.map((f) => f.path)).toEqual(['sft/shard-00001.jsonl']);
    expect(first.pending).toEqual(PATHS.slice(3));
    // The client crashed while writing the next ledger line: a torn tail.
    await appendFile(join(outDir, LEDGER_FILE), formatLedgerEntry({ target: first.target, kind: 'rl', path: 'rl/shard-00001.jsonl', sha256: 'a'.repeat(64), records: 4, receipt: '', acked_at: '' }).slice(0, 60));
    await server.restart();
    const logger = memoryLogger();
    const second = await handoffPending(options(fakeTime(), logger));
    expect(logger.lines).toContainEqual(expect.stringMatching(/^warn: HandoffLedger: .* ended in a torn line/));
    expect(second.skipped).toEqual(PATHS.slice(0, 2));
    expect(second.acked).toEqual(PATHS.slice(2));
    expect(isHandoffComplete(second)).toBe(true);
    // Shard 3 reached the server twice (its answer was lost), with the same id: new once.
    expect(server.received.map((r) => r.isNew)).toEqual([true, true, true, false, true, true, true]);
    expect(server.listNewShas()).toHaveLength(6);
    expect(new Set(server.listNewShas()).size).toBe(6);
    expect(await ledgerPaths()).toEqual(PATHS);
    // A third run has nothing to send.
    const before = server.received.length;
    const third = await handoffPending(options(fakeTime()));
    expect(third).toMatchObject({ acked: [], skipped: PATHS, failed: [], pending: [] });
    expect(server.received.length).toBe(before);
    expect(server.log.filter((l) => l.path.endsWith('/infer')).length).toBe(before);
  });

  it('rerun refuses a shard whose bytes no longer match the manifest, without sending it', async () => {
    server = await KserveTestServer.start();
    await writeSealedOutput(outDir, { samples: 4, shardSize: 4, manifest: true });
    await appendFile(join(outDir, 'rl/shard-00000.jsonl'), '\n');
    const report = await handoffPending(options(fakeTime()));
    expect(report.acked).toEqual(['sft/shard-00000.jsonl']);
    expect(report.failed).toEqual([{ path: 'rl/shard-00000.jsonl', error: expect.stringMatching(/the file changed after sealing and is not handed off/) }]);
    expect(server.received.map((r) => r.kind)).toEqual(['sft']);
  });
});
