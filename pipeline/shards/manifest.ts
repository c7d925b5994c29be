/**
 * `<out>/manifest.json`: what made the data set (generator, versions, config, renderer,
 * conventions) and what is in it (counts, every shard file with its sha256, stats). Schema:
 * `schemas/manifest.schema.json`.
 *
 * The manifest is a function of the run's seed and flags (and the software stack): it holds no
 * wall-clock time, duration, host name, worker count or absolute path, keys come in a fixed
 * order and the free-form maps (`versions`, `stats`) are written with sorted keys. So two runs
 * with the same seed and flags write the same bytes whatever their `--concurrency`; timing
 * belongs in a separate run log.
 *
 * Key order: `format_version`, `generator`, `versions`, `config`, `config_hash`, `renderer`,
 * `conventions`, `counts`, `shards`, `stats`.
 *
 * @example
 * ```ts
 * const manifest = buildManifest({ config, versions, renderer: renderer.info, shards: await writer.finish(), stats, counts });
 * await writeManifest(outDir, manifest);
 * ```
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { validateManifest } from './validate-manifest.js';
import { writeFileAtomic } from './seal-file.js';
import { SHARD_FILE_KINDS, type SealedFile } from './shard-writer.js';

const NAME = 'manifest';

/** Version of the manifest layout; bump it when a key changes meaning or shape. */
export const MANIFEST_FORMAT_VERSION = 1;

/** File name of the manifest in the output root. */
export const MANIFEST_FILE = 'manifest.json';

/** Generator name used when {@link ManifestInput.createdBy} is not given. */
export const GENERATOR_NAME = 'viewforge';

/** The axis conventions of every record (README, Conventions), written into each manifest. */
export const CONVENTIONS = {
  world: 'right-handed, +Y up, metres; object centred at the origin',
  extrinsics: 'OpenCV/COLMAP camera axes (x right, y down, z forward); x_cam = R * X_world + t; centre = -R^T t',
  c2w_gl: 'camera-to-world 4x4 with OpenGL camera axes (x right, y up, z backward)',
  intrinsics: 'K in pixels (fx, fy, cx, cy), width, height, vertical field of view in degrees',
  pixels: '(0,0) is the top-left corner of the top-left pixel; pixel (i, j) has its centre at (i + 0.5, j + 0.5)',
  relative_pose: 'R_AB = R_B * R_A^T, t_AB = t_B - R_AB * t_A (camera A to camera B); motion_in_a = R_A * (C_B - C_A)',
  matrices: 'row-major nested arrays, m[row][col]',
  angles: 'degrees',
} as const;

/** The run configuration that determines the output bytes, as written in the manifest. */
export interface ManifestConfig {
  seed: number;
  /** `--split` when not train (absent = train): a held-out set drawn from streams derived from `seed` and this name. */
  split?: 'val' | 'test';
  /** `--holdout`: sha256 over the listed content hashes and categories; absent without one. */
  holdout?: string;
  count: number;
  /** Image width and height, pixels. */
  size: number;
  format: 'jpeg' | 'png' | 'webp';
  shard_size: number;
  cot_ratio: number;
  families: readonly string[];
  /** Mix weights per family as configured (keys in `families` order), or null for equal shares. */
  mix: Readonly<Record<string, number>> | null;
  /** 'family': each sample in its family's stage only (sft/ or rl/); 'both': every sample in both. */
  stages: 'family' | 'both';
  /** WebGL mode as configured (e.g. "auto"); {@link ManifestRenderer} says what ran. */
  gl: string;
  dataset_name: string;
  system_prompt: string | null;
  /**
   * Whether the RL shards have parquet copies (`--no-parquet` = false). Optional on input for
   * callers that predate it (then true, the default); always written.
   */
  parquet?: boolean;
  /**
   * Asset library runs only (`--assets`; absent otherwise): the digest of the indexed library's
   * content hashes (assets/library/index-library.ts) and the size limit, which decide its assets.
   */
  assets?: { digest: string; max_asset_mb: number };
  /**
   * The look and camera ranges (docs/look.md), which change every image: `--fov`, `--distance`,
   * `--background`, `--env-share`, `--ground`, and the `--env` maps (names and a sha256 over names
   * and bytes; null without `--env`). Absent in manifests written before these flags existed.
   */
  look?: ManifestLook;
  /** The extra passes written beside the images (`--passes`); absent when none (and in manifests written before them). */
  passes?: ('mask' | 'depth')[];
  /** Scenes of several objects (`--scene multi|mixed`, `--objects`); absent for single objects (and in manifests written before scenes). */
  scene?: { mode: 'multi' | 'mixed'; objects: [number, number]; single_view_share?: number };
}

/** {@link ManifestConfig.look}. */
export interface ManifestLook {
  fov: [number, number];
  distance: [number, number];
  background: string;
  env: { files: string[]; digest: string } | null;
  env_share: number;
  ground: number;
  /** `--materials` when not 'plain' (absent: plain). */
  materials?: 'varied';
}

/** Record and image counts. */
export interface ManifestCounts {
  samples: number;
  sft_records: number;
  rl_records: number;
  images: number;
}

/** What produced the pixels (a `RendererInfo` fits). */
export interface ManifestRendererInput {
  name: string;
  browserVersion: string;
  glRenderer: string;
}

/** Renderer block as written. */
export interface ManifestRenderer {
  name: string;
  browser_version: string;
  gl_renderer: string;
}

/** One shard file as written. */
export interface ManifestShard {
  /** `sft`, `rl` (JSONL) or `rl-parquet` (the verl-native copy of the `rl` shard with the same index range). */
  kind: SealedFile['kind'];
  path: string;
  records: number;
  sha256: string;
  bytes: number;
  first_index: number;
  last_index: number;
}

/** Counters: numbers, or nested counters. */
export interface Counters {
  [key: string]: number | Counters;
}

/** The manifest object, in its fixed key order. */
export interface Manifest {
  format_version: typeof MANIFEST_FORMAT_VERSION;
  generator: { name: string; version: string };
  versions: Record<string, string>;
  config: ManifestConfig;
  config_hash: string;
  renderer: ManifestRenderer;
  conventions: typeof CONVENTIONS;
  counts: ManifestCounts;
  shards: ManifestShard[];
  stats: Counters;
}

export interface ManifestInput {
  /**
   * The run configuration. Only the keys of {@link ManifestConfig} are copied (in that order):
   * anything else, such as the worker count or the output path, is dropped, since it must not
   * change the bytes.
   */
  config: ManifestConfig;
  /** Versions of the software that can change the output (e.g. `{ viewforge, three, node }`); written with sorted keys. */
  versions: Readonly<Record<string, string>>;
  renderer: ManifestRendererInput;
  /**
   * Sealed shard files (from {@link ShardWriter.getSealedFiles}: JSONL shards and parquet copies);
   * written ordered by first index, then kind (sft, rl, rl-parquet).
   */
  shards: readonly SealedFile[];
  /** Counters (redraws by reason, per-family counts, answer letters…): numbers or nested objects; written with sorted keys. */
  stats: object;
  counts: ManifestCounts;
  /**
   * Generator name and version.
   * @default { name: "viewforge", version: versions.viewforge }
   */
  createdBy?: { name: string; version: string };
}

function sortKeys(value: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]));
}

function toCounters(value: object, path: string): Counters {
  const out: Counters = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'number') out[key] = v;
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) out[key] = toCounters(v, `${path}.${key}`);
    else throw new TypeError(`${NAME}: ${path}.${key} must be a number or an object of counters, got ${JSON.stringify(v)}`);
  }
  return out;
}

function mapShards(shards: readonly SealedFile[]): ManifestShard[] {
  const seen = new Set<string>();
  for (const s of shards) {
    if (seen.has(s.path)) throw new Error(`${NAME}: shard "${s.path}" is listed twice`);
    seen.add(s.path);
  }
  return [...shards]
    .sort((a, b) => a.firstIndex - b.firstIndex || SHARD_FILE_KINDS.indexOf(a.kind) - SHARD_FILE_KINDS.indexOf(b.kind))
    .map((s) => ({
      kind: s.kind,
      path: s.path,
      records: s.records,
      sha256: s.sha256,
      bytes: s.bytes,
      first_index: s.firstIndex,
      last_index: s.lastIndex,
    }));
}

function checkCounts(counts: ManifestCounts, shards: readonly ManifestShard[]): void {
  const sum = (kind: SealedFile['kind']) => shards.filter((s) => s.kind === kind).reduce((n, s) => n + s.records, 0);
  for (const [kind, key] of [['sft', 'sft_records'], ['rl', 'rl_records']] as const) {
    if (sum(kind) !== counts[key]) {
      throw new Error(`${NAME}: counts.${key} is ${counts[key]} but the ${kind} shards hold ${sum(kind)} records`);
    }
  }
  const parquet = shards.filter((s) => s.kind === 'rl-parquet');
  if (parquet.length > 0 && sum('rl-parquet') !== counts.rl_records) {
    throw new Error(`${NAME}: counts.rl_records is ${counts.rl_records} but the rl-parquet shards hold ${sum('rl-parquet')} records`);
  }
}

/**
 * Copies the keys of {@link ManifestConfig} in their fixed order (and only those): the `config`
 * block as the manifest writes it.
 */
export function copyManifestConfig(c: ManifestConfig): ManifestConfig {
  return {
    seed: c.seed,
    ...(c.split !== undefined ? { split: c.split } : {}),
    ...(c.holdout !== undefined ? { holdout: c.holdout } : {}),
    count: c.count,
    size: c.size,
    format: c.format,
    shard_size: c.shard_size,
    cot_ratio: c.cot_ratio,
    families: [...c.families],
    mix: c.mix === null ? null : Object.fromEntries(c.families.filter((f) => Object.hasOwn(c.mix!, f)).map((f) => [f, c.mix![f]])),
    stages: c.stages,
    gl: c.gl,
    dataset_name: c.dataset_name,
    system_prompt: c.system_prompt,
    parquet: c.parquet ?? true,
    ...(c.assets !== undefined ? { assets: { digest: c.assets.digest, max_asset_mb: c.assets.max_asset_mb } } : {}),
    ...(c.look !== undefined
      ? {
          look: {
            fov: [c.look.fov[0], c.look.fov[1]],
            distance: [c.look.distance[0], c.look.distance[1]],
            background: c.look.background,
            env: c.look.env === null ? null : { files: [...c.look.env.files], digest: c.look.env.digest },
            env_share: c.look.env_share,
            ground: c.look.ground,
            ...(c.look.materials !== undefined ? { materials: c.look.materials } : {}),
          },
        }
      : {}),
    ...(c.passes !== undefined && c.passes.length > 0 ? { passes: [...c.passes] } : {}),
    ...(c.scene !== undefined
      ? { scene: { mode: c.scene.mode, objects: [c.scene.objects[0], c.scene.objects[1]], ...(c.scene.single_view_share !== undefined ? { single_view_share: c.scene.single_view_share } : {}) } }
      : {}),
  };
}

/**
 * The manifest's `config_hash`: sha256 (hex) of the JSON of {@link copyManifestConfig}`(config)`.
 * Resume and merge compare it to tell whether two outputs were made with the same flags.
 */
export function getConfigHash(config: ManifestConfig): string {
  return createHash('sha256').update(JSON.stringify(copyManifestConfig(config))).digest('hex');
}

/**
 * Builds the manifest object (pure; see the file header for what it holds and why it is
 * byte-stable).
 * @throws Error when the counts disagree with the shards, a shard is listed twice, a stats
 *   value is neither a number nor an object, or no generator version is known.
 */
export function buildManifest(input: ManifestInput): Manifest {
  const { config: c, renderer, counts } = input;
  const generator = input.createdBy ?? { name: GENERATOR_NAME, version: input.versions[GENERATOR_NAME] };
  if (typeof generator.version !== 'string' || generator.version.length === 0) {
    throw new TypeError(`${NAME}: no generator version; pass createdBy or versions.${GENERATOR_NAME}`);
  }
  const config = copyManifestConfig(c);
  const shards = mapShards(input.shards);
  checkCounts(counts, shards);
  return {
    format_version: MANIFEST_FORMAT_VERSION,
    generator: { name: generator.name, version: generator.version },
    versions: sortKeys(input.versions),
    config,
    config_hash: getConfigHash(config),
    renderer: { name: renderer.name, browser_version: renderer.browserVersion, gl_renderer: renderer.glRenderer },
    conventions: { ...CONVENTIONS },
    counts: { samples: counts.samples, sft_records: counts.sft_records, rl_records: counts.rl_records, images: counts.images },
    shards,
    stats: toCounters(input.stats, 'stats'),
  };
}

/** The manifest as written: JSON with 2-space indent and a final newline. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * Validates the manifest (as it will be read back) against the schema and writes
 * `<outDir>/manifest.json` atomically.
 * @throws Error from {@link validateManifest} (nothing is written) or {@link writeFileAtomic}.
 */
export async function writeManifest(outDir: string, manifest: Manifest): Promise<void> {
  const text = serializeManifest(manifest);
  validateManifest(JSON.parse(text));
  await writeFileAtomic(join(outDir, MANIFEST_FILE), text);
}
