/**
 * `WorkerRun`: the scale-out and crash-safety state of one render process over its life — which
 * shards it owns (`assign-shards.ts`), which of them an earlier attempt already sealed (kept) and
 * which it builds, the stats and images of each shard being built, one sidecar per shard as it is
 * sealed, and at the end the data set's manifest, when this folder is complete.
 *
 * The run loop (`pipeline/run/run.ts`) asks it which global indices to produce
 * ({@link WorkerRun.indexAt}), counts each re-draw and each sample into the shard it belongs to,
 * and calls {@link WorkerRun.commitShard} right after the shard writer sealed a shard's files.
 *
 * @example
 * ```ts
 * const start = await openRunDir({ outDir, worker, configHash, resume, overwrite });
 * const work = await WorkerRun.begin({ outDir, worker, start, config: manifestConfig, versions, renderer: renderer.info, logger });
 * for (let p = 0; p < work.positions; p++) produce(work.indexAt(p));
 * // … for each sealed shard: await work.commitShard(shard, writer.getSealedFiles().filter((f) => f.shard === shard));
 * const { manifest } = await work.complete();
 * ```
 */
import { EnvironmentError, type ShardProgress } from '../errors.js';
import type { Logger } from '../logger.js';
import { countRedraw, countSample, countSkipped, createRunStats, type RunStats } from '../run-stats.js';
import { copyManifestConfig, getConfigHash, type Manifest, type ManifestConfig, type ManifestRendererInput } from '../shards/manifest.js';
import type { SealedFile } from '../shards/shard-writer.js';
import { assignShards, formatShardList, getShardRange, getShardTotal, getWorkerLabel, type WorkerSpec } from './assign-shards.js';
import { claimFinalize, collectSidecars, finalizeDataset, releaseStaleFinalize } from './finalize-dataset.js';
import type { RunStart } from './open-run-dir.js';
import { planShardWork } from './plan-shard-work.js';
import { buildShardSidecar, writeShardSidecar, type ShardSidecar, type SidecarImage } from './shard-sidecar.js';
import { findStackMismatch, writeWorkerState, type WorkerState } from './worker-state.js';

export interface WorkerRunOptions {
  outDir: string;
  worker: WorkerSpec;
  /** What {@link openRunDir} decided. */
  start: RunStart;
  /** The run's manifest config (its hash ties sidecars and state files to this run). */
  config: ManifestConfig;
  versions: Readonly<Record<string, string>>;
  renderer: ManifestRendererInput;
  logger: Logger;
}

/** How {@link WorkerRun.complete} ended. */
export interface WorkerRunEnd {
  /** The manifest, when this process wrote it (every shard of the run is sealed in this folder). */
  manifest: Manifest | null;
  /** Shards of the run not (yet) in this folder: other workers' (empty once complete). */
  missing: number[];
}

interface OpenShardState {
  stats: RunStats;
  images: SidecarImage[];
}

/** See the file header. */
export class WorkerRun {
  /** Shards this worker owns, ascending. */
  readonly owned: readonly number[];
  /** Sealed shards kept from an earlier attempt (resume). */
  readonly kept: readonly ShardSidecar[];
  /** Shards this process builds, ascending. */
  readonly build: readonly number[];
  /** Number of samples this process builds: indices of {@link build}, in order. */
  readonly positions: number;
  readonly configHash: string;
  private readonly open = new Map<number, OpenShardState>();
  private committed = 0;
  private readonly built = createRunStats();
  private redrawTotal = 0;

  private constructor(
    private readonly options: WorkerRunOptions,
    owned: number[],
    kept: ShardSidecar[],
    build: number[],
  ) {
    this.owned = owned;
    this.kept = kept;
    this.build = build;
    this.configHash = getConfigHash(options.config);
    const { shard_size: size, count } = options.config;
    const last = getShardTotal(count, size) - 1;
    this.positions = build.length * size - (build.includes(last) ? (last + 1) * size - count : 0);
  }

  /**
   * Checks that earlier or sibling workers of this run used the same software stack, writes this
   * worker's state file, and decides which shards to keep and which to build (clearing what
   * unsealed shards left behind).
   * @throws EnvironmentError when the software stack differs from the one that sealed shards here.
   */
  static async begin(options: WorkerRunOptions): Promise<WorkerRun> {
    const { outDir, worker, start, config, logger } = options;
    const configHash = getConfigHash(config);
    const mismatch = findStackMismatch(start.states, options.versions, options.renderer);
    if (mismatch !== null) {
      throw new EnvironmentError(
        `output: "${outDir}" holds shards of this run made with another software stack (${mismatch}); their images would not match new ones. ` +
          'Finish the run on the original stack, or start over with --overwrite.',
      );
    }
    await releaseStaleFinalize(outDir, worker);
    await writeWorkerState(outDir, stateOf(options, configHash, 'running'));
    const owned = assignShards(worker, getShardTotal(config.count, config.shard_size));
    const { keep, build } = await planShardWork({ outDir, shards: owned, configHash, keepSealed: start.mode === 'resume', logger });
    const who = worker.count > 1 ? `${getWorkerLabel(worker)}: ` : '';
    if (start.mode === 'resume') {
      logger.info(`resume: ${who}${keep.length} of ${owned.length} shard(s) sealed and verified, kept; ${build.length} to build${build.length ? ` (${formatShardList(build)})` : ''}`);
    } else if (worker.count > 1) {
      logger.info(`run: ${who}builds ${owned.length} shard(s) (s mod ${worker.count} = ${worker.index}) of ${getShardTotal(config.count, config.shard_size)}`);
    }
    return new WorkerRun(options, owned, keep, build);
  }

  /** This worker. */
  get worker(): WorkerSpec {
    return { ...this.options.worker };
  }

  /** Global sample index of position `p` (`0 ≤ p < positions`): the shards to build, in order. */
  indexAt(p: number): number {
    const size = this.options.config.shard_size;
    return this.build[Math.floor(p / size)] * size + (p % size);
  }

  /** Whether `index` is the last index of its shard (sealing follows its append). */
  isLastOfShard(index: number): boolean {
    const { shard_size: size, count } = this.options.config;
    return index === getShardRange(Math.floor(index / size), size, count).last;
  }

  /** Shards of this worker sealed so far (kept and committed), of how many. */
  get progress(): ShardProgress {
    return { sealed: this.kept.length + this.committed, total: this.owned.length };
  }

  /**
   * Counters of everything this process built (kept shards excluded): the sum of the counts
   * below, which go into each sample's shard (its sidecar) and here at once, so a sample is
   * counted in one call.
   */
  get builtStats(): RunStats {
    return this.built;
  }

  /** Redraws counted so far by this process, every family and reason together. */
  get builtRedraws(): number {
    return this.redrawTotal;
  }

  /** Counts a re-draw of sample `index` into its shard. */
  countRedraw(index: number, family: string, reason: string): void {
    countRedraw(this.shardState(index).stats, family, reason);
    countRedraw(this.built, family, reason);
    this.redrawTotal += 1;
  }

  /** Counts `n` inputs skipped for `reason` into the shard of sample `index`. */
  countSkipped(index: number, reason: string, n = 1): void {
    countSkipped(this.shardState(index).stats, reason, n);
    countSkipped(this.built, reason, n);
  }

  /** Counts a finished sample (appended to the writer) into its shard, with its images in record order. */
  countSample(index: number, sample: { images: readonly SidecarImage[] }): void {
    const state = this.shardState(index);
    countSample(state.stats);
    countSample(this.built);
    state.images.push(...sample.images.map((i) => ({ path: i.path, sha256: i.sha256, bytes: i.bytes })));
  }

  /**
   * Writes shard `shard`'s sidecar, after the writer sealed its files: from now on the shard
   * counts as done. Call once per shard, with every file the writer sealed for it.
   */
  async commitShard(shard: number, files: readonly SealedFile[]): Promise<ShardSidecar> {
    const state = this.open.get(shard) ?? { stats: createRunStats(), images: [] };
    const { shard_size: shardSize, count } = this.options.config;
    const sidecar = buildShardSidecar({ configHash: this.configHash, shard, shardSize, count, files, images: state.images, stats: state.stats });
    await writeShardSidecar(this.options.outDir, sidecar);
    this.open.delete(shard);
    this.committed += 1;
    return sidecar;
  }

  /**
   * Marks this worker complete and, when every shard of the run is sealed in this folder (always
   * for a one-machine run; for the last worker of a shared folder), writes `dataset_info.json`,
   * `README.md` and `manifest.json` from the sidecars. In a shared folder only the worker that takes
   * the finalize lock writes them.
   */
  async complete(): Promise<WorkerRunEnd> {
    const { outDir, worker, config, logger } = this.options;
    await writeWorkerState(outDir, stateOf(this.options, this.configHash, 'complete'));
    const { sidecars, missing } = await collectSidecars(outDir, getShardTotal(config.count, config.shard_size), this.configHash);
    if (missing.length > 0) return { manifest: null, missing };
    if (worker.count > 1 && !(await claimFinalize(outDir, worker))) {
      logger.info(`run: every shard is sealed; another worker of this folder writes the manifest`);
      return { manifest: null, missing };
    }
    const manifest = await finalizeDataset({ outDir, config, versions: this.options.versions, renderer: this.options.renderer, sidecars });
    return { manifest, missing };
  }

  private shardState(index: number): OpenShardState {
    const shard = Math.floor(index / this.options.config.shard_size);
    let state = this.open.get(shard);
    if (!state) {
      state = { stats: createRunStats(), images: [] };
      this.open.set(shard, state);
    }
    return state;
  }
}

function stateOf(options: WorkerRunOptions, configHash: string, status: WorkerState['status']): WorkerState {
  return {
    format_version: 1,
    worker: { ...options.worker },
    status,
    config: copyManifestConfig(options.config),
    config_hash: configHash,
    versions: Object.fromEntries(Object.entries(options.versions).sort()),
    renderer: { name: options.renderer.name, browserVersion: options.renderer.browserVersion, glRenderer: options.renderer.glRenderer },
  };
}
