/**
 * One nightly build, start to finish (docs/nightly.md):
 *
 * 1. take `<root>/.nightly.lock` (refuse when another build of this root is alive);
 * 2. pick the build: the one a crashed or killed run left (`<root>/.nightly-build.json`) is
 *    resumed with its id and seed; otherwise a new id (`YYYYMMDD-NN` or `--build-id`) and its
 *    night seed (night-seed.ts);
 * 3. render into `<root>/<id>/` (`deps.render` with the config file's settings and `out`,
 *    `seed` and `resume: 'auto'` over them, so a rerun keeps every sealed shard);
 * 4. verify the folder, measure it and judge the quality gates (against the last good build);
 * 5. write `<id>/report.json`; when verify and every gate passed, move `<root>/latest` (atomic
 *    symlink rename); then append the build to `<root>/builds.json` either way; prune (`--keep`);
 *    drop the in-progress marker and the lock.
 *
 * Nothing before step 5 touches `latest` or the ledger, so a kill at any point leaves the
 * previous good build in place.
 */
import { access, mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import type { ConfigFile } from '../config-file.js';
import { MANIFEST_FILE, type Manifest } from '../shards/manifest.js';
import { verifyDataset } from '../verify/verify-dataset.js';
import { nextBuildId } from './build-id.js';
import { acquireBuildLock } from '../scale/folder-lock.js';
import { measureBuild, type BuildMetrics } from './build-metrics.js';
import { getLastGood, LEDGER_FILE, moveLatest, readLatest, readLedger, writeLedger, type BuildEntry } from './builds-ledger.js';
import { nightSeed } from './night-seed.js';
import type { NightlySettings } from './nightly-settings.js';
import { pruneBuilds } from './prune-builds.js';
import { evaluateGates, type GateResult } from './quality-gates.js';

export const IN_PROGRESS_FILE = '.nightly-build.json';
export const REPORT_FILE = 'report.json';

export interface NightlyDeps {
  /**
   * Renders with these settings (config-file keys and values, camelCase; `out`, `seed` and
   * `resume` set by the build) and resolves with the exit code a `render` command would end with
   * (0 done), or with a {@link RenderOutcome} that also says the build folder holds a run of
   * another configuration. The CLI passes its render command's body; a script can pass
   * `(settings) => renderDataset(settings).then(() => 0, () => 1)`.
   */
  render(settings: Readonly<Record<string, unknown>>, configPath: string): Promise<number | RenderOutcome>;
  now(): Date;
  log(line: string): void;
  warn(line: string): void;
}

/** What a build's render came to: its exit code, and whether the folder held a run of another configuration (the message). */
export interface RenderOutcome {
  exitCode: number;
  otherConfiguration?: string;
}

export interface BuildReport {
  id: string;
  seed: number;
  /** 'worker-done': a worker of a split build sealed its shards; the last one to finish publishes. (An abandoned build is only in the ledger.) */
  verdict: 'passed' | 'failed' | 'render-failed' | 'worker-done';
  reasons: string[];
  counts: BuildEntry['counts'];
  metrics: BuildMetrics | null;
  gates: GateResult[];
  verifyFaults: number;
  timings: { renderS: number; verifyS: number; gatesS: number; totalS: number };
  pairsPerSecond: number;
  previousGood: string | null;
  latest: string | null;
  pruned: string[];
  resumed: boolean;
  renderExitCode: number;
  /** 'i/n' for a worker of a split build. */
  worker: string | null;
}

interface InProgress {
  id: string;
  seed: number;
  startedAt: string;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

const seconds = (from: number) => Math.round((performance.now() - from) / 10) / 100;

/** Runs one nightly build; the report's verdict says how it went (the CLI maps it to an exit code). */
export async function runNightly(file: ConfigFile, settings: NightlySettings, deps: NightlyDeps): Promise<BuildReport> {
  const { root } = settings;
  await mkdir(root, { recursive: true });
  const split = settings.worker.count > 1;
  const lock = await acquireBuildLock(root, { staleMs: settings.lockStaleMs, warn: deps.warn, buildId: settings.buildId ?? undefined, joinSameBuild: split });
  let keepLock = false; // a worker of a split build that does not publish leaves the lock to the others
  try {
    const started = performance.now();
    const ledger = await readLedger(root);
    const known = new Set(ledger.builds.map((b) => b.id));
    const markerPath = join(root, IN_PROGRESS_FILE);
    let marker = await readJson<InProgress>(markerPath);
    if (marker !== null && known.has(marker.id)) marker = null; // finished; only the marker's removal was lost
    let resumed = false;
    let build: InProgress;
    const startBuild = async (): Promise<InProgress> => {
      const entries = await readdir(root);
      const id = settings.buildId ?? nextBuildId(deps.now(), [...known, ...entries]);
      if (known.has(id) || (!split && entries.includes(id))) throw new ConfigError('buildId', `nightly: build ${id} already exists in ${root}; pick another --build-id`);
      const used = new Set(ledger.builds.map((b) => b.seed));
      const fresh = { id, seed: nightSeed(settings.baseSeed, id, used), startedAt: deps.now().toISOString() };
      await writeJsonAtomic(markerPath, fresh);
      deps.log(`nightly: build ${fresh.id}, seed ${fresh.seed} (night seed of base seed ${settings.baseSeed})`);
      return fresh;
    };
    if (marker !== null && (settings.buildId === null || settings.buildId === marker.id)) {
      build = marker;
      resumed = true;
      deps.log(split ? `nightly: worker ${settings.worker.index}/${settings.worker.count} joins build ${build.id} (seed ${build.seed})` : `nightly: resuming build ${build.id} (seed ${build.seed}), left unfinished by an earlier run`);
    } else {
      if (marker !== null) deps.warn(`nightly: build ${marker.id} was left unfinished; starting ${settings.buildId} instead (its folder stays until you remove it)`);
      build = await startBuild();
    }
    await lock.setBuild(build.id);

    // --- Render (resumable)
    const { nightly: _section, ...fileSettings } = file.values;
    const renderBuild = async (b: InProgress): Promise<RenderOutcome> => {
      const outcome = await deps.render({ ...fileSettings, out: join(root, b.id), seed: b.seed, resume: 'auto' }, file.path);
      return typeof outcome === 'number' ? { exitCode: outcome } : outcome;
    };
    let outcome = await renderBuild(build);
    // An unfinished build whose folder holds a run of another configuration (the config changed since it started)
    // can never be resumed: close it as abandoned, with the reason, and start a new build.
    if (outcome.otherConfiguration !== undefined && resumed && !split) {
      const reason = `left unfinished, then the config changed: ${outcome.otherConfiguration}`;
      const now = deps.now();
      ledger.builds.push({
        id: build.id, seed: build.seed, verdict: 'abandoned', reasons: [reason], startedAt: build.startedAt, finishedAt: now.toISOString(),
        durationS: Math.round((now.getTime() - Date.parse(build.startedAt)) / 1000), counts: null, configHash: null, configFileHash: file.sha256, renderer: null, gates: [], metrics: null,
      });
      await writeLedger(root, ledger);
      known.add(build.id);
      deps.warn(`nightly: build ${build.id} abandoned (recorded in ${LEDGER_FILE}): its folder holds a run of another configuration; starting a new build`);
      build = await startBuild();
      resumed = false;
      await lock.setBuild(build.id);
      outcome = await renderBuild(build);
    }
    const renderExitCode = outcome.exitCode;
    const dir = join(root, build.id);
    const renderS = seconds(started);
    const previous = getLastGood(ledger);
    const worker = split ? `${settings.worker.index}/${settings.worker.count}` : null;
    const base = { id: build.id, seed: build.seed, previousGood: previous?.id ?? null, resumed, renderExitCode, pruned: [] as string[], worker };
    const empty = { counts: null, metrics: null, gates: [], verifyFaults: 0, timings: { renderS, verifyS: 0, gatesS: 0, totalS: seconds(started) }, pairsPerSecond: 0 };
    if (renderExitCode !== 0) {
      keepLock = split;
      return { ...base, ...empty, verdict: 'render-failed', reasons: [`render exited with ${renderExitCode}; rerun nightly to resume build ${build.id}`], latest: await readLatest(root) };
    }
    // --- A split build: only the worker that finds the whole folder (manifest.json) and claims it publishes
    if (split && !(await claimPublish(root, build.id, dir))) {
      keepLock = true;
      return { ...base, ...empty, verdict: 'worker-done', reasons: [], latest: await readLatest(root) };
    }

    // --- Verify, measure, judge
    const verifyStart = performance.now();
    const verify = await verifyDataset(dir);
    const verifyS = seconds(verifyStart);
    const gatesStart = performance.now();
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    const metrics = await measureBuild(dir, { checkShare: settings.gates.checkShare, blankStdev: settings.gates.blankStdev });
    const gates = evaluateGates(metrics, previous?.metrics ?? null, settings.gates);
    const gatesS = seconds(gatesStart);
    const reasons = [
      ...verify.faults.slice(0, 20).map((f) => `verify: ${f.path || '(dataset)'}: ${f.problem}`),
      ...(verify.faults.length > 20 ? [`verify: … and ${verify.faults.length - 20} more faults`] : []),
      ...gates.filter((g) => !g.passed).map((g) => `gate ${g.gate}: ${g.detail}`),
      ...metrics.poseFailures.slice(0, 3).map((f) => `pose↔pixel: ${f}`),
    ];
    const passed = verify.faults.length === 0 && gates.every((g) => g.passed);
    const finished = deps.now();
    const totalS = seconds(started);
    const counts = { samples: manifest.counts.samples, sftRecords: manifest.counts.sft_records, rlRecords: manifest.counts.rl_records, images: manifest.counts.images };
    const entry: BuildEntry = {
      id: build.id,
      seed: build.seed,
      verdict: passed ? 'passed' : 'failed',
      reasons: passed ? [] : reasons,
      startedAt: build.startedAt,
      finishedAt: finished.toISOString(),
      durationS: Math.round((finished.getTime() - Date.parse(build.startedAt)) / 1000),
      counts,
      configHash: manifest.config_hash,
      configFileHash: file.sha256,
      renderer: { name: manifest.renderer.name, browserVersion: manifest.renderer.browser_version, glRenderer: manifest.renderer.gl_renderer },
      gates,
      metrics,
    };
    const report: BuildReport = {
      ...base,
      verdict: passed ? 'passed' : 'failed',
      reasons: entry.reasons,
      counts,
      metrics,
      gates,
      verifyFaults: verify.faults.length,
      timings: { renderS, verifyS, gatesS, totalS },
      pairsPerSecond: renderS > 0 ? Math.round((counts.samples / renderS) * 100) / 100 : 0,
      latest: null,
    };

    // --- Publish: latest first (only for a good build), then the ledger, prune, marker
    if (passed) await moveLatest(root, build.id);
    ledger.builds.push(entry);
    await writeLedger(root, ledger);
    const latest = await readLatest(root);
    if (settings.keep !== null) {
      report.pruned = await pruneBuilds(root, ledger, settings.keep, new Set(latest === null ? [] : [latest]), deps.now());
      if (report.pruned.length > 0) await writeLedger(root, ledger);
    }
    report.latest = latest;
    report.timings.totalS = seconds(started);
    await writeJsonAtomic(join(dir, REPORT_FILE), report);
    await rm(markerPath, { force: true });
    if (split) await rm(join(root, publishClaim(build.id)), { force: true });
    return report;
  } finally {
    if (keepLock) lock.leave();
    else await lock.release(split);
  }
}

const publishClaim = (id: string) => `.nightly-publish-${id}`;

/**
 * Whether this worker publishes the split build: its folder is whole (the last worker to finish
 * wrote manifest.json) and this worker created the claim file first.
 */
async function claimPublish(root: string, id: string, dir: string): Promise<boolean> {
  try {
    await access(join(dir, MANIFEST_FILE));
  } catch {
    return false; // other workers' shards are still missing
  }
  try {
    await (await open(join(root, publishClaim(id)), 'wx')).close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** A few lines for stdout: verdict, counts, rates, gates, timings. */
export function formatNightlySummary(r: BuildReport, root: string): string[] {
  if (r.verdict === 'worker-done') {
    return [`nightly: worker ${r.worker} of build ${r.id} (seed ${r.seed}): its shards are sealed in ${r.timings.renderS} s; the worker that finishes last verifies and publishes`];
  }
  const lines = [`nightly: build ${r.id} ${r.verdict.toUpperCase()} (seed ${r.seed}${r.resumed ? ', resumed' : ''}${r.worker ? `, published by worker ${r.worker}` : ''})`];
  if (r.counts !== null) lines.push(`  counts: ${r.counts.samples} pairs, ${r.counts.sftRecords} SFT + ${r.counts.rlRecords} RL records, ${r.counts.images} images`);
  if (r.metrics !== null) {
    const m = r.metrics;
    lines.push(
      `  rates: re-draws ${m.redrawRate.toFixed(3)}/pair, skips ${m.skipRate.toFixed(3)}, pose↔pixel failures ${m.poseFailed}/${m.poseChecked}, blank ${m.blank}/${m.blankChecked}, mean image ${Math.round(m.imageBytes.mean)} B`,
    );
  }
  if (r.gates.length > 0) lines.push(`  gates: ${r.gates.filter((g) => g.passed).length}/${r.gates.length} passed${r.verifyFaults > 0 ? `; verify: ${r.verifyFaults} fault(s)` : '; verify: OK'}`);
  for (const reason of r.reasons) lines.push(`  reason: ${reason}`);
  lines.push(`  time: render ${r.timings.renderS} s, verify ${r.timings.verifyS} s, gates ${r.timings.gatesS} s, total ${r.timings.totalS} s (${r.pairsPerSecond} pairs/s)`);
  lines.push(`  latest → ${r.latest ?? '(none)'}${r.verdict === 'passed' ? '' : ` (unchanged)`}${r.pruned.length > 0 ? `; pruned ${r.pruned.join(', ')}` : ''}`);
  lines.push(`  report: ${join(root, r.id, REPORT_FILE)}; ledger: ${join(root, 'builds.json')}`);
  return lines;
}
