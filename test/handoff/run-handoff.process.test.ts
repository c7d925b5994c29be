/**
 * The hand-off wired into `run()` (with a fake renderer: no browser) and into the CLI's
 * `handoff <out>` subcommand (once as a real child process, as `npm run handoff -- <out>` runs it,
 * then in-process).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../pipeline/cli.js';
import { RUN_DEFAULTS, type RunConfig } from '../../pipeline/config.js';
import { LEDGER_FILE, parseLedger } from '../../pipeline/handoff/handoff-ledger.js';
import { openHandoff } from '../../pipeline/handoff/open-handoff.js';
import { parseHandoffTarget } from '../../pipeline/handoff/parse-handoff-target.js';
import { run } from '../../pipeline/run/run.js';
import type { Renderer } from '../../renderers/renderer.js';
import { runCli } from '../e2e/run-cli.js';
import { KserveTestServer } from './kserve-test-server.js';
import { fakeTime, memoryLogger, writeSealedOutput } from './sealed-output-fixture.js';

let root: string;
let server: KserveTestServer | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vf-run-handoff-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

/** A renderer that paints both views one grey level, at once. */
function fakeRenderer(): Renderer {
  return {
    info: { name: 'fake', browserVersion: 'none', glRenderer: 'none', glMode: 'swiftshader' },
    render: async (job) => {
      const image = () => ({ width: job.width, height: job.height, rgba: new Uint8Array(job.width * job.height * 4).fill(128) });
      return [image(), image()];
    },
    close: async () => {},
  };
}

const PATHS = ['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl', 'sft/shard-00001.jsonl', 'rl/shard-00001.jsonl', 'sft/shard-00002.jsonl', 'rl/shard-00002.jsonl'];

function config(out: string): RunConfig {
  // stages 'both': every sample in sft/ and rl/, so each shard number has a file of each kind.
  return { ...RUN_DEFAULTS, count: 10, shardSize: 4, size: 32, out, concurrency: 1, families: ['orbit', 'elevation'], stages: 'both' };
}

describe('run() with a hand-off', () => {
  it('hands off every shard as it is sealed and reports it; a 400 fails the hand-off clearly but not the data, and `handoff <out>` sends the rest', async () => {
    server = await KserveTestServer.start();
    server.script.push(null, null, { status: 400, error: 'trainer refuses shard 2' });
    const out = join(root, 'out');
    const time = fakeTime();
    const logger = memoryLogger();
    const handoff = await openHandoff({ target: parseHandoffTarget(`triton:${server.url}#viewforge_handoff`), outDir: out, datasetName: 'viewforge', logger, random: time.random, now: time.now, sleep: time.sleep });
    const result = await run(config(out), { createRenderer: async () => fakeRenderer(), logger, versions: { viewforge: '0.0.0-test' }, handoff });
    expect(result.samples).toBe(10);
    expect(result.handoff).toEqual({
      target: `triton:${server.url}#viewforge_handoff`,
      acked: PATHS.slice(0, 2),
      skipped: [],
      failed: [{ path: 'sft/shard-00001.jsonl', error: expect.stringContaining('HTTP 400 Bad Request: trainer refuses shard 2') }],
      pending: PATHS.slice(3),
    });
    expect(server.invalid).toEqual([]);
    // The dataset is complete; the ledger holds only what was acknowledged and is not in the manifest.
    const manifest = await readFile(join(out, 'manifest.json'), 'utf8');
    // The manifest also lists the parquet copy of each rl shard (not handed off).
    expect(JSON.parse(manifest).shards.map((s: { path: string }) => s.path).filter((p: string) => p.endsWith('.jsonl'))).toEqual(PATHS);
    expect(manifest).not.toContain('handoff');
    expect(parseLedger(await readFile(join(out, LEDGER_FILE), 'utf8')).entries.map((e) => e.path)).toEqual(PATHS.slice(0, 2));

    // The trainer is fixed; `npm run handoff -- <out>` (target from the ledger) sends the other four, once each.
    const cli = await runCli(['handoff', out]);
    expect(cli.stderr).toContain(`handoff: 4 shard(s) acknowledged, 2 already acknowledged, 0 failed, 0 not sent → triton:${server.url}#viewforge_handoff`);
    expect(cli.code).toBe(0);
    expect(server.listNewShas()).toHaveLength(6);
    expect(new Set(server.listNewShas()).size).toBe(6);
    expect(server.received).toHaveLength(6);
  });

  it('drops every shard in a folder during a run', async () => {
    const out = join(root, 'out');
    const drop = join(root, 'drop');
    const time = fakeTime();
    const handoff = await openHandoff({ target: parseHandoffTarget(drop), outDir: out, datasetName: 'viewforge', logger: memoryLogger(), random: time.random, now: time.now, sleep: time.sleep });
    const result = await run(config(out), { createRenderer: async () => fakeRenderer(), logger: memoryLogger(), versions: { viewforge: '0.0.0-test' }, handoff });
    expect(result.handoff?.acked).toEqual(PATHS);
    expect((await readdir(join(drop, 'viewforge'))).sort()).toEqual(['rl-shard-00000', 'rl-shard-00001', 'rl-shard-00002', 'sft-shard-00000', 'sft-shard-00001', 'sft-shard-00002']);
  });
});

describe('viewforge handoff <out> (CLI, in-process)', () => {
  /** Runs the CLI's command tree in-process; returns its exit code (0, or the error's) and what it printed. */
  async function cli(args: string[]): Promise<{ code: number; printed: string }> {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      await buildProgram().parseAsync(['node', 'viewforge', ...args]);
      return { code: 0, printed: lines.join('\n') };
    } catch (err) {
      return { code: (err as { exitCode?: number }).exitCode ?? -1, printed: `${lines.join('\n')}\n${(err as Error).message}` };
    } finally {
      spy.mockRestore();
    }
  }

  it('exits 1 with the failure when the target refuses, 0 once all are sent, 2 for bad flags, and never prints the token', async () => {
    server = await KserveTestServer.start({ token: 'tok-123-secret' });
    server.script.push({ status: 422, error: 'bad dataset' });
    const out = join(root, 'out');
    await writeSealedOutput(out, { samples: 2, shardSize: 2, manifest: true });
    const target = `triton:${server.url}#viewforge_handoff`;
    process.env.VF_TEST_TOKEN = 'tok-123-secret';
    try {
      const failed = await cli(['handoff', out, '--handoff', target, '--handoff-token-env', 'VF_TEST_TOKEN', '--handoff-retries', '0']);
      expect(failed.code).toBe(1);
      expect(failed.printed).toContain('handoff: sft/shard-00000.jsonl: triton: sft/shard-00000.jsonl was not accepted by');
      expect(failed.printed).toContain('HTTP 422 Unprocessable Entity: bad dataset');
      expect(failed.printed).toContain(`send the rest with: npm run handoff -- ${out} --handoff ${target}`);
      expect(failed.printed).toContain('hand-off incomplete: 1 failed, 1 not sent');
      expect(failed.printed).not.toContain('tok-123-secret');
      const ok = await cli(['handoff', out, '--handoff', target, '--handoff-token-env', 'VF_TEST_TOKEN']);
      expect(ok.code).toBe(0);
      expect(ok.printed).toContain('handoff: 2 shard(s) acknowledged, 0 already acknowledged, 0 failed, 0 not sent');
      expect(server.log.every((l) => l.authorized)).toBe(true);
    } finally {
      delete process.env.VF_TEST_TOKEN;
    }
    const noToken = await cli(['handoff', out, '--handoff', target, '--handoff-token-env', 'VF_TEST_UNSET_VAR']);
    expect(noToken).toMatchObject({ code: 2 });
    expect(noToken.printed).toContain('--handoff-token-env VF_TEST_UNSET_VAR: that environment variable is not set or empty');
    const badScheme = await cli(['handoff', out, '--handoff', 's3://bucket']);
    expect(badScheme.code).toBe(2);
    expect(badScheme.printed).toContain('unsupported scheme "s3:"');
    const noTarget = await cli(['handoff', join(root, 'elsewhere')]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.printed).toContain('no --handoff <target> given');
  });
});
