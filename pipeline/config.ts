/**
 * The run configuration: defaults, and validation with ajv against `schemas/config.schema.json`.
 * The CLI builds a {@link RunConfig} from flags; library users build one directly.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Ajv, type ValidateFunction } from 'ajv';
import type { GlMode } from '../renderers/gl-mode.js';
import { mixToCycleWeights } from './plan/family-schedule.js';
import { LIBRARY_FAMILIES, listFamilyNames } from './questions/index.js';

const require = createRequire(import.meta.url);
const CONFIG_SCHEMA = require('../schemas/config.schema.json') as object;

export interface RunConfig {
  /** Number of samples (image pairs). @default 1000 */
  count: number;
  /** Run seed, unsigned 32-bit. @default 0 */
  seed: number;
  /** Output folder. @default "output" */
  out: string;
  /** Image width and height, pixels. @default 512 */
  size: number;
  /** Image format. @default "jpeg" */
  format: 'jpeg' | 'png' | 'webp';
  /** Records per shard. @default 1000 */
  shardSize: number;
  /**
   * Renderer pages working at once; never changes the output bytes. The default follows the
   * machine: one page per core, at least 2 and at most 8 ({@link defaultConcurrency}).
   * @default defaultConcurrency()
   */
  concurrency: number;
  /** Share of SFT records carrying `<think>…</think>`. @default 0.5 */
  cotRatio: number;
  /** Question families (see pipeline/questions), in cycle order. @default every registered family (viewpoint, then SAT) */
  families: string[];
  /**
   * Share of each family in the samples, as positive weights of any scale (`{ orbit: 0.4,
   * 'ego-turn': 0.2, … }`), turned into an integer family cycle by `mixToCycleWeights`; it must
   * name exactly the families of `families`. null = every family equally often.
   * @default null
   */
  mix: Record<string, number> | null;
  /**
   * Which record files a sample goes to: 'family' = only its family's stage (viewpoint families →
   * `sft/`, SAT families → `rl/`); 'both' = every sample to `sft/` and `rl/`.
   * @default "family"
   */
  stages: 'family' | 'both';
  /** WebGL back-end. @default "auto" */
  gl: GlMode;
  /** Dataset name. @default "viewforge" */
  datasetName: string;
  /** SFT system message. @default null */
  systemPrompt: string | null;
  /** Also write `rl/shard-NNNNN.parquet` (verl-native, images embedded) beside each RL JSONL shard. @default true */
  parquet: boolean;
  /** Replace a dataset already in `out`. @default false */
  overwrite: boolean;
  // --- Scale-out and crash safety (pipeline/scale/, docs/scale-out.md); none of these changes the output bytes
  /** This worker's number in a split run, `0 … shardCount − 1`; it builds shards `s` with `s mod shardCount = shardIndex`. @default 0 */
  shardIndex: number;
  /** Workers of a split run. @default 1 */
  shardCount: number;
  /**
   * Finish an earlier run in `out`: keep the sealed shards whose checksums verify, rebuild the
   * rest. `'auto'`: resume when there is a run to resume, else start fresh (Jobs whose pods restart).
   * @default false
   */
  resume: boolean | 'auto';
  /** Time limit of one render (both views of a sample) in the browser, ms. @default 30000 (as `CHROMIUM_RENDERER_DEFAULTS`) */
  renderTimeoutMs: number;
  /** Retries of a sample whose page crashed or hung, before the run fails. @default 2 (as `CHROMIUM_RENDERER_DEFAULTS`) */
  renderRetries: number;
  // --- Asset library (assets/library/, docs/assets.md)
  /**
   * Asset library: a folder searched recursively for `.glb`/`.gltf`, or a `.jsonl` manifest
   * (`{"path", "name"?, "category"?, "up"?, "scale"?}` per line). Every sample then shows a
   * library model instead of a procedural object, and `families` must be among
   * `LIBRARY_FAMILIES`. null = procedural objects.
   * @default null
   */
  assets: string | null;
  /** Largest library model, with its referenced files, in MiB; larger ones are skipped. @default 100 */
  maxAssetMb: number;
  // --- Look and camera ranges (pipeline/plan/draw-look.ts, docs/look.md)
  /** Vertical field of view range, degrees, [min, max]. @default [35, 55] */
  fov: [number, number];
  /**
   * Camera distance range as factors of the closest distance that keeps the object's unit sphere
   * inside 90% of the half field of view (`minRadiusForFov`), [min, max], min ≥ 1. @default [1, 1.7]
   */
  distance: [number, number];
  /** Background: 'solid' colours, vertical 'gradient's, or 'mixed' (half and half). @default "mixed" */
  background: 'solid' | 'gradient' | 'mixed';
  /** Folder of `.hdr` environment maps (its files directly inside); null = none. @default null */
  env: string | null;
  /** Share of samples lit by an environment map when `env` is set, 0..1. @default 1 */
  envShare: number;
  /** Share of samples with a shadow-catching ground plane, 0..1 (none when a camera is below it). @default 0 */
  ground: number;
  // --- Extra passes (README, Output)
  /**
   * Full-size passes written beside each colour image: 'mask' (`<id>_a.mask.png`, 8-bit, 1 + part
   * index, 0 = background) and 'depth' (`<id>_a.depth.png`, 16-bit z-depth in millimetres, 0 =
   * background), named in `meta.images[i].mask` / `.depth`. Empty = none.
   * @default []
   */
  passes: ('mask' | 'depth')[];
}

/**
 * Default page count: one per core (`os.availableParallelism()`), at least 2 (a page renders
 * while Node takes the other's pixels) and at most 8 (beyond that the GPU processes, not the
 * pages, are the limit; the renderer spreads pages over browsers, see `browsersForPages`).
 */
export function defaultConcurrency(cores: number = availableParallelism()): number {
  return Math.min(8, Math.max(2, cores));
}

export const RUN_DEFAULTS: RunConfig = {
  count: 1000,
  seed: 0,
  out: 'output',
  size: 512,
  format: 'jpeg',
  shardSize: 1000,
  concurrency: defaultConcurrency(),
  cotRatio: 0.5,
  families: listFamilyNames(),
  mix: null,
  stages: 'family',
  gl: 'auto',
  datasetName: 'viewforge',
  systemPrompt: null,
  parquet: true,
  overwrite: false,
  shardIndex: 0,
  shardCount: 1,
  resume: false,
  renderTimeoutMs: 30_000,
  renderRetries: 2,
  assets: null,
  maxAssetMb: 100,
  fov: [35, 55],
  distance: [1, 1.7],
  background: 'mixed',
  env: null,
  envShare: 1,
  ground: 0,
  passes: [],
};

/** Smallest max/min of the `distance` range that the distance family's closest class (ratio 0.6) fits in. */
export const DISTANCE_FAMILY_MIN_SPAN = 1 / 0.6;

/** The schema's validator, compiled on first use (compiling costs ~0.1 s of every CLI start, `--help` included). */
let validator: ValidateFunction<RunConfig> | undefined;
const getValidator = (): ValidateFunction<RunConfig> => (validator ??= new Ajv({ allErrors: true, strict: true }).compile<RunConfig>(CONFIG_SCHEMA));

/** Thrown for a configuration that cannot run; `key` names the offending setting. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the `--mix` flag, `family=weight,family=weight,…` (weights: positive numbers of any
 * scale, e.g. `orbit=0.4,ego-turn=0.2` or `orbit=2,ego-turn=1`), into a mix object in the given
 * order. Family names are checked later, by {@link validateConfig}.
 * @throws ConfigError (key "mix") naming the entry for a missing "=", an empty name, a repeated
 *   family or a weight that is not a positive number.
 */
export function parseMix(text: string): Record<string, number> {
  const mix: Record<string, number> = {};
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw new ConfigError('mix', 'config: "mix" is empty; give family=weight pairs, e.g. orbit=0.4,ego-turn=0.6');
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const family = eq < 0 ? entry : entry.slice(0, eq).trim();
    if (eq < 0 || family === '') throw new ConfigError('mix', `config: "mix" entry "${entry}" is not family=weight`);
    const raw = entry.slice(eq + 1).trim();
    const weight = Number(raw);
    if (raw === '' || !Number.isFinite(weight) || !(weight > 0)) {
      throw new ConfigError('mix', `config: "mix" weight of "${family}" must be a positive number, got "${raw}"`);
    }
    if (Object.hasOwn(mix, family)) throw new ConfigError('mix', `config: "mix" names family "${family}" twice`);
    mix[family] = weight;
  }
  return mix;
}

/**
 * Validates a configuration object; throws {@link ConfigError} naming the first bad key and why.
 * `knownFamilies` (from the question registry) are checked here too, and the mix against the
 * families: every mix weight is a positive number and the mix names exactly `families`.
 */
export function validateConfig(config: unknown, knownFamilies: readonly string[]): RunConfig {
  const validate = getValidator();
  if (!validate(config)) {
    const e = validate.errors![0];
    const mixPath = /^\/mix\/(.+)$/.exec(e.instancePath);
    if (mixPath !== null) {
      const family = mixPath[1].replace(/~1/g, '/').replace(/~0/g, '~');
      const weight = ((config as { mix: Record<string, unknown> }).mix ?? {})[family];
      throw new ConfigError('mix', `config: "mix" weight of "${family}" ${e.message}, got ${JSON.stringify(weight)}`);
    }
    const key =
      e.keyword === 'additionalProperties'
        ? String((e.params as { additionalProperty: string }).additionalProperty)
        : e.keyword === 'required'
          ? String((e.params as { missingProperty: string }).missingProperty)
          : e.instancePath.replace(/^\//, '').split('/')[0] || '(config)';
    const value = e.instancePath ? JSON.stringify(key in (config as object) ? (config as Record<string, unknown>)[key] : undefined) : '';
    const why = e.keyword === 'additionalProperties' ? 'is not a known setting' : `${e.message}${value ? `, got ${value}` : ''}`;
    throw new ConfigError(key, `config: "${key}" ${why}`);
  }
  for (const f of config.families) {
    if (!knownFamilies.includes(f)) {
      throw new ConfigError('families', `config: "families" has unknown family "${f}"; known: ${knownFamilies.join(', ')}`);
    }
  }
  if (config.mix !== null) {
    for (const f of Object.keys(config.mix)) {
      if (!knownFamilies.includes(f)) throw new ConfigError('mix', `config: "mix" has unknown family "${f}"; known: ${knownFamilies.join(', ')}`);
      if (!config.families.includes(f)) {
        throw new ConfigError('mix', `config: "mix" gives family "${f}" a weight but "families" does not list it; add it to the families or drop it from the mix`);
      }
    }
    for (const f of config.families) {
      if (!Object.hasOwn(config.mix, f)) {
        throw new ConfigError('mix', `config: family "${f}" is in "families" but has no weight in "mix"; give it one (${f}=<weight>) or drop it from the families`);
      }
    }
    const mix = config.mix;
    try {
      mixToCycleWeights(config.families.map((family) => ({ family, weight: mix[family] })));
    } catch (err) {
      throw new ConfigError('mix', `config: "mix": ${(err as Error).message.replace(/^familySchedule: /, '')}`);
    }
  }
  if (config.assets !== null) {
    const partFamilies = config.families.filter((f) => !LIBRARY_FAMILIES.includes(f));
    if (partFamilies.length > 0) {
      throw new ConfigError(
        'families',
        `config: "families" ${partFamilies.join(', ')} name object parts, which library assets ("assets") do not have; use only ${LIBRARY_FAMILIES.join(', ')}`,
      );
    }
  }
  for (const key of ['fov', 'distance'] as const) {
    const [min, max] = config[key];
    if (min > max) throw new ConfigError(key, `config: "${key}" minimum ${min} is above its maximum ${max}; give min,max`);
  }
  // The distance family asks closer (ratio 0.6–0.85) / farther (1.18–1.6): both views must fit the range.
  if (config.families.includes('distance') && config.distance[1] / config.distance[0] < DISTANCE_FAMILY_MIN_SPAN) {
    throw new ConfigError(
      'distance',
      `config: "distance" range ${config.distance.join(',')} is too narrow for the distance family (max/min must be at least ${DISTANCE_FAMILY_MIN_SPAN.toFixed(3)}); widen it or leave the distance family out`,
    );
  }
  if (config.shardIndex >= config.shardCount) {
    throw new ConfigError('shardIndex', `config: "shardIndex" must be below "shardCount" (${config.shardCount}), got ${config.shardIndex}`);
  }
  if (config.resume !== false && config.overwrite) {
    throw new ConfigError('resume', 'config: "resume" and "overwrite" exclude each other: --resume keeps the sealed shards, --overwrite deletes them');
  }
  return config;
}
