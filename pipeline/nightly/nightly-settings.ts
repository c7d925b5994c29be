/**
 * The settings of one `nightly` invocation: the config file's `nightly` section with the gate
 * defaults filled in, overridden by `--root`, `--keep` and `--build-id`.
 */
import { ConfigError, RUN_DEFAULTS } from '../config.js';
import { readWorkerFlags } from '../scale/read-worker-flags.js';
import type { WorkerSpec } from '../scale/assign-shards.js';
import type { ConfigFile } from '../config-file.js';
import { checkBuildId } from './build-id.js';
import { GATE_DEFAULTS, type GateThresholds } from './quality-gates.js';

export interface NightlySettings {
  root: string;
  keep: number | null;
  buildId: string | null;
  baseSeed: number;
  lockStaleMs: number;
  gates: GateThresholds;
  /**
   * This process's part of a split build (Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` /
   * `JOB_COMPLETION_COUNT`, or the file's `shardIndex` / `shardCount`); `{0, 1}` = the whole build.
   */
  worker: WorkerSpec;
}

export interface NightlyFlags {
  root?: string;
  keep?: number;
  buildId?: string;
}

interface NightlySection {
  root?: string;
  keep?: number | null;
  lockStaleMinutes?: number;
  gates?: Partial<Omit<GateThresholds, 'drift'>> & { drift?: Partial<GateThresholds['drift']> };
}

/** Joins file and flags; throws {@link ConfigError} naming the setting. */
export function getNightlySettings(file: ConfigFile, flags: NightlyFlags, env: Readonly<Record<string, string | undefined>> = {}): NightlySettings {
  const section = (file.values.nightly ?? {}) as NightlySection;
  const root = flags.root ?? section.root;
  if (root === undefined) throw new ConfigError('nightly.root', `nightly: no build root: give --root <dir> or "nightly": { "root": … } in ${file.path}`);
  if (file.values.overwrite === true) throw new ConfigError('overwrite', `config file ${file.path}: "overwrite" cannot be true for nightly builds (a build never replaces another; each has its own folder)`);
  if (flags.keep !== undefined && !(Number.isInteger(flags.keep) && flags.keep >= 1)) throw new ConfigError('nightly.keep', `nightly: --keep must be an integer ≥ 1, got ${flags.keep}`);
  let buildId: string | null = null;
  if (flags.buildId !== undefined) {
    try {
      buildId = checkBuildId(flags.buildId);
    } catch (err) {
      throw new ConfigError('buildId', (err as Error).message);
    }
  }
  const worker = readWorkerFlags({ shardIndex: file.values.shardIndex as number | undefined, shardCount: file.values.shardCount as number | undefined }, env);
  if (worker.count > 1 && buildId === null) {
    throw new ConfigError('buildId', `nightly: a build split over ${worker.count} workers needs --build-id, the same for every worker (e.g. the Job's name)`);
  }
  const gates = { ...GATE_DEFAULTS, ...section.gates, drift: { ...GATE_DEFAULTS.drift, ...section.gates?.drift } };
  return {
    root,
    keep: flags.keep ?? section.keep ?? null,
    buildId,
    baseSeed: (file.values.seed as number | undefined) ?? RUN_DEFAULTS.seed,
    lockStaleMs: (section.lockStaleMinutes ?? 10) * 60_000,
    gates,
    worker,
  };
}
