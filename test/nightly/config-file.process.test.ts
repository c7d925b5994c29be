/**
 * Config files and the browser-free parts of nightly builds: the file schema covers every
 * `render` flag, precedence defaults < file < command line, a message naming the key for each
 * bad key or value, night seeds, build ids, pruning choice, the build lock and the gates.
 */
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { attributeOf } from '../../pipeline/cli/setting-options.js';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../pipeline/cli.js';
import { getConfigFileSchema, readConfigFile } from '../../pipeline/config-file.js';
import { readRenderRequest, RENDER_SETTINGS } from '../../pipeline/cli/render-command.js';
import { ConfigError } from '../../pipeline/config.js';
import { checkBuildId, nextBuildId } from '../../pipeline/nightly/build-id.js';
import { acquireBuildLock, BuildLockedError, getStaleReason, LOCK_FILE } from '../../pipeline/scale/folder-lock.js';
import type { BuildMetrics } from '../../pipeline/nightly/build-metrics.js';
import { getNightlySettings } from '../../pipeline/nightly/nightly-settings.js';
import { nightSeed } from '../../pipeline/nightly/night-seed.js';
import { choosePrunes } from '../../pipeline/nightly/prune-builds.js';
import { evaluateGates, GATE_DEFAULTS } from '../../pipeline/nightly/quality-gates.js';
import { ROOT, runCli } from '../e2e/run-cli.js';

const dir = await mkdtemp(join(tmpdir(), 'vf-config-file-'));

async function file(name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

function renderCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'render')!;
}

/** Parses `render <args>` with the real option definitions and returns the settings it would render with (file values under the flags). */
async function parseRender(args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram();
  const render = renderCommand(program);
  let seen: Record<string, unknown> = {};
  render.action(async (flags: { config?: string }, command: Command) => {
    seen = { ...(await readRenderRequest(flags.config, command)).values };
  });
  await program.parseAsync(['node', 'viewforge', 'render', ...args]);
  return seen;
}

/** The setting key of a commander attribute (only --render-timeout differs: renderTimeoutMs). */
function keyOf(attribute: string): string {
  return Object.entries(RENDER_SETTINGS).find(([, s]) => attributeOf(s) === attribute)![0];
}

describe('config file', () => {
  it('has a key for every option of the render command', () => {
    const keys = Object.keys(getConfigFileSchema().properties);
    const options = renderCommand(buildProgram()).options.filter((o) => o.long !== '--config');
    expect(options.length).toBeGreaterThan(20);
    const missing = options.map((o) => keyOf(o.attributeName())).filter((k) => !keys.includes(k));
    expect(missing).toEqual([]);
  });

  it('takes file values over defaults and command-line flags over file values', async () => {
    const path = await file('precedence.json', { count: 12, seed: 9, size: 128, families: ['orbit', 'ego-turn'], mix: { orbit: 2, 'ego-turn': 1 }, parquet: false, renderTimeoutMs: 5000, out: 'data/x' });
    const flags = await parseRender(['--config', path, '--seed', '4', '--size', '256']);
    expect(flags).toEqual({ count: 12, seed: 4, size: 256, families: ['orbit', 'ego-turn'], mix: { orbit: 2, 'ego-turn': 1 }, parquet: false, renderTimeoutMs: 5000, out: join(dir, 'data/x') });
    expect(flags.format).toBeUndefined(); // not in the file, not a flag: the default applies later
    const prompts = await parseRender(['--config', await file('prompt.json', { systemPrompt: '@prompts/sys.txt' })]);
    expect(prompts.systemPrompt).toBe(`@${join(dir, 'prompts/sys.txt')}`);
    expect((await parseRender(['--config', await file('literal.json', { systemPrompt: '@@handle' })])).systemPrompt).toBe('@@handle');
  });

  const bad: [string, unknown, RegExp][] = [
    ['unknown key', { cout: 3 }, /"cout" is not a known setting/],
    ['wrong type', { count: 'ten' }, /"count" must be integer, got "ten"/],
    ['below minimum', { count: 0 }, /"count" must be >= 1, got 0/],
    ['not a choice', { format: 'gif' }, /"format" must be equal to one of the allowed values, got "gif"/],
    ['list as text', { families: 'orbit' }, /"families" must be array, got "orbit"/],
    ['bad mix weight', { mix: { orbit: -1 } }, /"mix\.orbit" must be > 0, got -1/],
    ['bad gate', { nightly: { gates: { maxBlankRate: 2 } } }, /"nightly\.gates\.maxBlankRate" must be <= 1, got 2/],
    ['unknown nightly key', { nightly: { kepp: 2 } }, /"nightly\.kepp" is not a known setting/],
    ['bad keep', { nightly: { keep: 0 } }, /"nightly\.keep" must be >= 1, got 0/],
    ['not JSON', '{ "count": 3, }', /not valid JSON/],
  ];
  it.each(bad)('names the key of a bad setting: %s', async (name, value, message) => {
    const path = await file(`bad-${name.replace(/ /g, '-')}.json`, value);
    const err = await readConfigFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(path);
  });

  it('makes the CLI exit 2 with the message, before any browser starts', async () => {
    const path = await file('cli-bad.json', { size: 10 });
    const result = await runCli(['render', '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"size" must be >= 64, got 10/);
  });

  it('accepts examples/nightly.json (Actial-style mix: viewpoint families to sft, SAT families to rl)', async () => {
    const f = await readConfigFile(join(ROOT, 'examples/nightly.json'));
    expect(getNightlySettings(f, {})).toMatchObject({ root: '/data/viewforge/nightly', keep: 7, baseSeed: 7 });
    const flags = await parseRender(['--config', join(ROOT, 'examples/nightly.json'), '--count', '50']);
    expect(flags).toMatchObject({ count: 50, stages: 'family', datasetName: 'viewforge-nightly' });
  });

  it('resolves nightly settings: root relative to the file, --root/--keep win, overwrite refused', async () => {
    const path = await file('n.json', { seed: 5, nightly: { root: 'builds', keep: 3, gates: { maxPoseFailRate: 0.1, drift: { blankRate: 0.5 } } } });
    const f = await readConfigFile(path);
    const s = getNightlySettings(f, {});
    expect(s).toMatchObject({ root: join(dir, 'builds'), keep: 3, baseSeed: 5, buildId: null });
    expect(s.gates.maxPoseFailRate).toBe(0.1);
    expect(s.gates.drift).toEqual({ ...GATE_DEFAULTS.drift, blankRate: 0.5 });
    expect(getNightlySettings(f, { root: '/r', keep: 1 })).toMatchObject({ root: '/r', keep: 1 });
    expect(() => getNightlySettings(f, { buildId: '../x' })).toThrow(/build id "..\/x"/);
    expect(() => getNightlySettings(f, { buildId: 'latest' })).toThrow(/reserved/);
    const noRoot = await readConfigFile(await file('noroot.json', {}));
    expect(() => getNightlySettings(noRoot, {})).toThrow(/no build root/);
    const over = await readConfigFile(await file('over.json', { overwrite: true, nightly: { root: 'r' } }));
    expect(() => getNightlySettings(over, {})).toThrow(/"overwrite" cannot be true/);
  });
});

describe('nightly pieces', () => {
  it('derives distinct night seeds and skips seeds already used', () => {
    const a = nightSeed(7, '20261125-01', new Set());
    const b = nightSeed(7, '20261126-01', new Set());
    expect(a).not.toBe(b);
    expect(nightSeed(7, '20261125-01', new Set())).toBe(a); // a resumed build keeps its seed
    expect(nightSeed(7, '20261125-01', new Set([a]))).not.toBe(a);
  });

  it('numbers builds per UTC date', () => {
    const now = new Date('2026-11-25T23:59:00-02:00'); // 01:59 UTC on the 26th
    expect(nextBuildId(now, [])).toBe('20261126-01');
    expect(nextBuildId(now, ['20261126-01', '20261126-07', '20261125-09', 'latest'])).toBe('20261126-08');
    expect(checkBuildId('weekly.3')).toBe('weekly.3');
  });

  it('prunes the oldest finished builds beyond keep, never a protected one', () => {
    const ledger = { builds: ['a', 'b', 'c', 'd'].map((id) => ({ id })) } as never;
    expect(choosePrunes(ledger, 2, new Set(['b']))).toEqual(['a']);
    expect(choosePrunes(ledger, 2, new Set(['d']))).toEqual(['a', 'b']);
    expect(choosePrunes(ledger, 9, new Set())).toEqual([]);
  });

  it('refuses a second build while the lock is alive, and takes over a dead or silent one', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vf-lock-'));
    const held = await acquireBuildLock(root);
    await held.setBuild('20261125-01');
    await expect(acquireBuildLock(root)).rejects.toThrow(BuildLockedError);
    await expect(acquireBuildLock(root)).rejects.toThrow(/another build \(20261125-01\) is running .* pid \d+ on /);
    await held.release();
    // A lock of a dead pid on this host is stale at once.
    await writeFile(join(root, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), buildId: 'x', startedAt: new Date().toISOString(), heartbeatAt: new Date().toISOString() }));
    const warnings: string[] = [];
    const taken = await acquireBuildLock(root, { warn: (l) => warnings.push(l) });
    expect(warnings[0]).toMatch(/stale lock .* is gone/);
    expect(JSON.parse(await readFile(join(root, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await taken.release();
    // Another host: stale only once its heartbeat is old.
    const other = { pid: 1, host: 'elsewhere', buildId: null, startedAt: '', heartbeatAt: new Date(1000).toISOString() };
    expect(getStaleReason(other, 1000 + 60_000, 600_000)).toBeNull();
    expect(getStaleReason(other, 1000 + 700_000, 600_000)).toMatch(/heartbeat is 12 min old/);
  });

  it('fails the gates it should, with their values', () => {
    const m: BuildMetrics = {
      samples: 1000, redraws: 100, redrawRate: 0.1, skips: 0, skipRate: 0,
      letters: { orbit: { samples: 400, options: 4, letters: { A: 200, B: 100, C: 50, D: 50 }, maxDeviation: 0.25 } },
      imageBytes: { mean: 20_000, min: 10_000, max: 30_000 },
      blankChecked: 100, blank: 0, blankRate: 0, poseChecked: 50, poseFailed: 10, poseNotCheckable: 0, poseFailRate: 0.2, poseFailures: [],
    };
    const failed = (r: ReturnType<typeof evaluateGates>) => r.filter((g) => !g.passed).map((g) => g.gate);
    expect(failed(evaluateGates(m, null, GATE_DEFAULTS))).toEqual(['letters:orbit', 'pose-pixel']);
    const previous = { ...m, imageBytes: { mean: 10_000, min: 0, max: 0 } };
    const withDrift = failed(evaluateGates({ ...m, letters: {} }, previous, { ...GATE_DEFAULTS, maxPoseFailRate: 1 }));
    expect(withDrift).toEqual(['drift:image-bytes']);
  });
});
