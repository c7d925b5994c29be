/**
 * Every setting of a run, declared once (CONTRIBUTING.md, "Adding a setting"): its config key
 * (camelCase, as config files and `renderDataset` take it), flag, help line, JSON schema (type,
 * range, description), default, how flag text parses, and where the manifest's `config` block
 * records it. From this one table come:
 *
 * - the `RunConfig` type and `RUN_DEFAULTS` (pipeline/config.ts);
 * - the JSON schema of a run configuration (`getRunConfigSchema`; `schemas/config.schema.json` is
 *   its committed copy for editors and other tools, kept equal by test/settings.test.ts) and of a
 *   config file (pipeline/config-file.ts);
 * - the `render` and `handoff` command options (pipeline/cli/setting-options.ts);
 * - the manifest projection (`projectManifestConfig`, which pipeline/shards/manifest.ts orders).
 *
 * The hand-off settings ({@link HANDOFF_SETTINGS}) are declared the same way; they are flags and
 * config-file keys of `render` and `handoff`, not part of `RunConfig`.
 */
import { availableParallelism } from 'node:os';
import { GL_MODES, type GlMode } from '../renderers/gl-mode.js';
import { FAMILIES, LIBRARY_FAMILIES, listFamilyNames, SCENE_FAMILY_NAMES, SINGLE_OBJECT_FAMILIES } from './questions/index.js';

/** A JSON schema fragment (draft-07). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** What the manifest's `config` block is projected from, beyond the settings. */
export interface ManifestContext {
  /** The indexed asset library of the run (when `assets` is set). */
  library?: { digest: string };
  /** The listed environment maps of the run (when `env` is set). */
  envMaps?: { files: readonly string[]; digest: string };
  /** The read holdout file of the run (when `holdout` is set). */
  holdout?: { digest: string };
}

/** Where the manifest records a setting: a dotted path in its `config` block, and the value (undefined = leave it out). */
export interface ManifestProjection<T> {
  path: string;
  project?: (value: T, context: ManifestContext & { config: Readonly<Record<string, unknown>> }) => unknown;
}

/** One setting. */
export interface Setting<T> {
  /** The flag as commander spells it: `--count <n>`, `--overwrite`, `--no-parquet`, `--resume [when]`. */
  flag: string;
  /** The `--help` line. */
  help: string;
  /** JSON schema of the value; its `description` is the schema's and the README's wording. */
  schema: JsonSchema;
  default: T;
  /** Shown as the default in `--help` instead of the value (e.g. a machine-dependent one); null = show none. */
  defaultHelp?: string | null;
  /** Flag text → value. @throws Error saying what the flag takes. Absent for boolean flags and choices. */
  parse?: (text: string) => T;
  /** The values a choice flag takes (for `--help` and commander's check). @default the schema's `enum`, when every entry is a string */
  choices?: readonly string[];
  /** Where the manifest records it; absent for a setting that never changes the output bytes. */
  manifest?: ManifestProjection<T>;
  /** A path, resolved against a config file's folder (`'path'`), or a text that may be `@path` (`'at-path'`). */
  pathLike?: 'path' | 'at-path';
  /** Help group heading in `docs`, and a marker for readers of this table. */
  group: 'output' | 'questions' | 'renderer' | 'scale-out' | 'assets' | 'look' | 'handoff';
}

/** A setting with its value type (the table's entries are built with this, so `RunConfig` is derived from them). */
const setting = <T>(s: Setting<T>): Setting<T> => s;

/**
 * Flag text parsers. Each error message is the reason alone (`must be an integer, got "x".`); the
 * CLI puts the flag in front.
 */
export const parseFlag = {
  int: (text: string): number => {
    if (!/^-?\d+$/.test(text.trim())) throw new Error(`must be an integer, got "${text}".`);
    return Number(text);
  },
  number: (text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`must be a number, got "${text}".`);
    return n;
  },
  /** `min,max` (two numbers), e.g. `--fov 35,55`. */
  range: (text: string): [number, number] => {
    const parts = text.split(',').map((p) => p.trim());
    const nums = parts.map(Number);
    if (parts.length !== 2 || parts.some((p) => p === '') || !nums.every(Number.isFinite)) {
      throw new Error(`must be two numbers min,max (e.g. 35,55), got "${text}".`);
    }
    return [nums[0], nums[1]];
  },
  /** A comma-separated list, blanks dropped. */
  list: (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean),
};

/**
 * Parses `--mix family=weight,family=weight,…` (weights: positive numbers of any scale, e.g.
 * `orbit=0.4,ego-turn=0.2`) into a mix object in the given order. Family names are checked later
 * (pipeline/config.ts `validateConfig`).
 * @throws Error (the reason alone) naming the entry for a missing "=", an empty name, a repeated family or a weight that is not a positive number.
 */
export function parseMixText(text: string): Record<string, number> {
  const mix: Record<string, number> = {};
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw new Error('is empty; give family=weight pairs, e.g. orbit=0.4,ego-turn=0.6');
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const family = eq < 0 ? entry : entry.slice(0, eq).trim();
    if (eq < 0 || family === '') throw new Error(`entry "${entry}" is not family=weight`);
    const raw = entry.slice(eq + 1).trim();
    const weight = Number(raw);
    if (raw === '' || !Number.isFinite(weight) || !(weight > 0)) throw new Error(`weight of "${family}" must be a positive number, got "${raw}"`);
    if (Object.hasOwn(mix, family)) throw new Error(`names family "${family}" twice`);
    mix[family] = weight;
  }
  return mix;
}

/** Parses `--passes mask,depth` (each at most once; "none" or "" for none). */
function parsePasses(text: string): ('mask' | 'depth')[] {
  const names = text.split(',').map((p) => p.trim()).filter((p) => p !== '' && p !== 'none');
  for (const name of names) if (name !== 'mask' && name !== 'depth') throw new Error(`takes mask and/or depth, comma-separated; got "${name}".`);
  if (new Set(names).size !== names.length) throw new Error(`names a pass twice: "${text}".`);
  return names as ('mask' | 'depth')[];
}

/**
 * Default page count: one per core (`os.availableParallelism()`), at least 2 (a page renders
 * while Node takes the other's pixels) and at most 8 (beyond that the GPU processes, not the
 * pages, are the limit; the renderer spreads pages over browsers, see `browsersForPages`).
 */
export function defaultConcurrency(cores: number = availableParallelism()): number {
  return Math.min(8, Math.max(2, cores));
}

/** Environment variables of a Kubernetes Indexed Job that default `shardIndex` / `shardCount` (pipeline/scale/read-worker-flags.ts). */
export const WORKER_ENV = { index: 'JOB_COMPLETION_INDEX', count: 'JOB_COMPLETION_COUNT' } as const;

/** Every family name, for help lines. */
const FAMILY_LIST = listFamilyNames().join(', ');

/**
 * The run settings, in the order of `--help`, the schema and the README. Each key's comment is
 * what `RunConfig` shows for it.
 */
export const RUN_SETTINGS = {
  /** Number of samples (image pairs). @default 1000 */
  count: setting<number>({
    group: 'output', flag: '--count <n>', help: 'number of samples (image pairs)', default: 1000, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 1, maximum: 100000000, description: 'Number of samples (image pairs).' }, manifest: { path: 'count' },
  }),
  /** Run seed, unsigned 32-bit. @default 0 */
  seed: setting<number>({
    group: 'output', flag: '--seed <n>', help: 'run seed, 0..4294967295; same seed + flags = same bytes', default: 0, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Run seed (unsigned 32-bit).' }, manifest: { path: 'seed' },
  }),
  /**
   * Which split the run builds (README "Evaluation sets"): 'train', or a held-out 'val' / 'test'
   * set whose samples come from streams derived from the seed and the split's name
   * (pipeline/plan/split-seed.ts), disjoint from every other split's. @default "train"
   */
  split: setting<'train' | 'val' | 'test'>({
    group: 'output', flag: '--split <name>', help: 'train, or a held-out val or test set: its own sample streams (no id, object or camera draw shared with another split of the seed)', default: 'train',
    schema: { enum: ['train', 'val', 'test'], description: 'Split: train, or a held-out val/test set drawn from streams derived from the seed and the split name, disjoint from every other split.' },
    manifest: { path: 'split', project: (value) => (value === 'train' ? undefined : value) },
  }),
  /**
   * A file of asset content hashes or categories, one a line: those library models are never in
   * `train` and are the only ones in `val` / `test` (assets/library/holdout.ts). null = none.
   * @default null
   */
  holdout: setting<string | null>({
    group: 'assets', flag: '--holdout <file>', help: 'file of asset content hashes or categories (one a line) kept out of train and the only models of val/test (default: none)', default: null, defaultHelp: null, pathLike: 'path',
    schema: { type: ['string', 'null'], minLength: 1, description: 'File of library content hashes or categories, one a line: never drawn by train, the only models of val and test; needs assets.' },
    manifest: { path: 'holdout', project: (value, { holdout }) => (value !== null && holdout !== undefined ? holdout.digest : undefined) },
  }),
  /** Output folder. @default "output" */
  out: setting<string>({
    group: 'output', flag: '--out <dir>', help: 'output folder', default: 'output', pathLike: 'path',
    schema: { type: 'string', minLength: 1, description: 'Output folder.' },
  }),
  /** Image width and height, pixels. @default 512 */
  size: setting<number>({
    group: 'output', flag: '--size <px>', help: 'image width and height in pixels', default: 512, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 64, maximum: 4096, description: 'Image width and height in pixels.' }, manifest: { path: 'size' },
  }),
  /** Image format. @default "jpeg" */
  format: setting<'jpeg' | 'png' | 'webp'>({
    group: 'output', flag: '--format <fmt>', help: 'image format', default: 'jpeg',
    schema: { enum: ['jpeg', 'png', 'webp'], description: 'Image file format.' }, manifest: { path: 'format' },
  }),
  /** Records per shard. @default 1000 */
  shardSize: setting<number>({
    group: 'output', flag: '--shard-size <n>', help: 'records per shard', default: 1000, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 1, maximum: 1000000, description: 'Records per shard.' }, manifest: { path: 'shard_size' },
  }),
  /**
   * Renderer pages working at once; never changes the output bytes. The default follows the
   * machine: one page per core, at least 2 and at most 8 ({@link defaultConcurrency}).
   * @default defaultConcurrency()
   */
  concurrency: setting<number>({
    group: 'renderer', flag: '--concurrency <n>', help: 'renderer pages working at once (does not change the output)', default: defaultConcurrency(), parse: parseFlag.int,
    schema: { type: 'integer', minimum: 1, maximum: 64, description: 'Renderer pages working at once.' },
  }),
  /** Share of SFT records carrying `<think>…</think>`. @default 0.5 */
  cotRatio: setting<number>({
    group: 'questions', flag: '--cot-ratio <r>', help: 'share of SFT records with <think> reasoning (hybrid cold start), 0..1', default: 0.5, parse: parseFlag.number,
    schema: { type: 'number', minimum: 0, maximum: 1, description: 'Share of SFT records with a <think> chain of thought.' }, manifest: { path: 'cot_ratio' },
  }),
  /**
   * Question families (see pipeline/questions), in cycle order. @default every single-object family
   * (viewpoint, then SAT); with `scene` 'multi' the scene families, with 'mixed' both
   */
  families: setting<string[]>({
    group: 'questions', flag: '--families <list>', help: `comma-separated question families (${FAMILY_LIST}); default: every single-object family, the scene families with --scene multi, all with --scene mixed, the mix's with --mix, or ${LIBRARY_FAMILIES.join(', ')} with --assets`,
    default: [...SINGLE_OBJECT_FAMILIES], defaultHelp: null, parse: parseFlag.list,
    schema: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 }, description: 'Question families, in the order of the family cycle.' }, manifest: { path: 'families' },
  }),
  /**
   * Share of each family in the samples, as positive weights of any scale (`{ orbit: 0.4,
   * 'ego-turn': 0.2, … }`), turned into an integer family cycle by `mixToCycleWeights`; it must
   * name exactly the families of `families`. null = every family equally often.
   * @default null
   */
  mix: setting<Record<string, number> | null>({
    group: 'questions', flag: '--mix <weights>', help: "share of each family, family=weight,… (e.g. orbit=0.4,ego-turn=0.2,perspective=0.4); without --families, the families are the mix's",
    default: null, defaultHelp: null, parse: parseMixText,
    schema: {
      type: ['object', 'null'],
      additionalProperties: { type: 'number', exclusiveMinimum: 0 },
      description: 'Share of each family as positive weights of any scale (e.g. {"orbit": 0.4, "ego-turn": 0.2}); must name exactly the families. null = equal shares.',
    },
    manifest: { path: 'mix' },
  }),
  /**
   * Which record files a sample goes to: 'family' = only its family's stage (viewpoint families →
   * `sft/`, SAT families → `rl/`); 'both' = every sample to `sft/` and `rl/`.
   * @default "family"
   */
  stages: setting<'family' | 'both'>({
    group: 'questions', flag: '--stages <mode>', help: 'record files per sample: family (viewpoint families to sft/, SAT families to rl/) or both (every sample to both)', default: 'family',
    schema: { enum: ['family', 'both'], description: "family: a sample goes only to its family's stage (viewpoint families to sft/, SAT families to rl/); both: every sample to sft/ and rl/." },
    manifest: { path: 'stages' },
  }),
  /** WebGL back-end. @default "auto" */
  gl: setting<GlMode>({
    group: 'renderer', flag: '--gl <mode>', help: 'WebGL back-end: auto (fastest software that works), llvmpipe, swiftshader, gpu', default: 'auto',
    schema: { enum: ['auto', ...GL_MODES.filter((m) => m !== 'auto')], description: 'WebGL back-end.' },
    manifest: { path: 'gl' },
  }),
  /** Dataset name. @default "viewforge" */
  datasetName: setting<string>({
    group: 'output', flag: '--dataset-name <name>', help: 'dataset name (verl data_source, LLaMA-Factory key prefix)', default: 'viewforge',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', description: 'Dataset name (verl data_source, LLaMA-Factory dataset key prefix).' }, manifest: { path: 'dataset_name' },
  }),
  /** SFT system message. @default null */
  systemPrompt: setting<string | null>({
    group: 'questions', flag: '--system-prompt <text|@file>', help: 'system message added to SFT records; @path reads it from a file (default: none)', default: null, defaultHelp: null, pathLike: 'at-path',
    schema: { type: ['string', 'null'], description: 'System message for SFT records, or null.' }, manifest: { path: 'system_prompt' },
  }),
  /** Also write `rl/shard-NNNNN.parquet` (verl-native, images embedded) beside each RL JSONL shard. @default true */
  parquet: setting<boolean>({
    group: 'output', flag: '--no-parquet', help: 'skip the verl-native rl/shard-NNNNN.parquet copies (images embedded) of the RL shards', default: true, defaultHelp: null,
    schema: { type: 'boolean', description: 'Also write the verl-native parquet copy of each RL shard (images embedded).' }, manifest: { path: 'parquet' },
  }),
  /** Replace a dataset already in `out`. @default false */
  overwrite: setting<boolean>({
    group: 'output', flag: '--overwrite', help: 'replace a dataset already in --out', default: false,
    schema: { type: 'boolean', description: 'Replace a dataset already in the output folder.' },
  }),
  // --- Scale-out and crash safety (pipeline/scale/, docs/scale-out.md); none of these changes the output bytes
  /** This worker's number in a split run, `0 … shardCount − 1`; it builds shards `s` with `s mod shardCount = shardIndex`. @default 0 */
  shardIndex: setting<number>({
    group: 'scale-out', flag: '--shard-index <i>', help: `this worker's number in a split run, 0..n-1; it builds the shards s with s mod n = i (default: $${WORKER_ENV.index}, else 0)`, default: 0, defaultHelp: null, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 0, maximum: 99999, description: "This worker's number in a split run; it builds the shards s with s mod shardCount = shardIndex." },
  }),
  /** Workers of a split run. @default 1 */
  shardCount: setting<number>({
    group: 'scale-out', flag: '--shard-count <n>', help: `workers in a split run (default: $${WORKER_ENV.count}, else 1)`, default: 1, defaultHelp: null, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 1, maximum: 100000, description: 'Workers of a split run.' },
  }),
  /**
   * Finish an earlier run in `out`: keep the sealed shards whose checksums verify, rebuild the
   * rest. `'auto'`: resume when there is a run to resume, else start fresh (Jobs whose pods restart).
   * @default false
   */
  resume: setting<boolean | 'auto'>({
    group: 'scale-out', flag: '--resume [when]', help: 'finish the run in --out: keep sealed shards whose checksums verify, rebuild the rest; "--resume auto" starts fresh when there is nothing to resume', default: false, defaultHelp: null, choices: ['auto'],
    schema: { enum: [false, true, 'auto'], description: 'Finish an earlier run in the output folder (true), or do so when there is one (auto).' },
  }),
  /** Time limit of one render (both views of a sample) in the browser, ms. @default 30000 (as `CHROMIUM_RENDERER_DEFAULTS`) */
  renderTimeoutMs: setting<number>({
    group: 'renderer', flag: '--render-timeout <ms>', help: 'time limit of one render in the browser; a page past it is replaced and the sample retried', default: 30_000, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 100, maximum: 3600000, description: 'Time limit of one render in the browser, ms.' },
  }),
  /** Retries of a sample whose page crashed or hung, before the run fails. @default 2 (as `CHROMIUM_RENDERER_DEFAULTS`) */
  renderRetries: setting<number>({
    group: 'renderer', flag: '--render-retries <n>', help: 'retries of a sample whose page crashed or hung, before the run fails', default: 2, parse: parseFlag.int,
    schema: { type: 'integer', minimum: 0, maximum: 100, description: 'Retries of a sample whose renderer page crashed or hung.' },
  }),
  // --- Asset library (assets/library/, docs/assets.md)
  /**
   * Asset library: a folder searched recursively for `.glb`/`.gltf`, or a `.jsonl` manifest
   * (`{"path", "name"?, "category"?, "up"?, "scale"?}` per line). Every sample then shows a
   * library model instead of a procedural object, and `families` must be among
   * `LIBRARY_FAMILIES`. null = procedural objects.
   * @default null
   */
  assets: setting<string | null>({
    group: 'assets', flag: '--assets <dir|manifest.jsonl>', help: `render .glb/.gltf models from a folder (recursively) or a JSONL manifest instead of procedural objects; families default to ${LIBRARY_FAMILIES.join(', ')}`,
    default: null, defaultHelp: null, pathLike: 'path',
    schema: {
      type: ['string', 'null'], minLength: 1,
      description: `Asset library: a folder searched recursively for .glb/.gltf, or a .jsonl manifest ({path, name?, category?, up?, scale?} per line); null = procedural objects. With a library, families must be among ${LIBRARY_FAMILIES.join(', ')}.`,
    },
    manifest: { path: 'assets.digest', project: (value, { library }) => (value !== null && library !== undefined ? library.digest : undefined) },
  }),
  /** Largest library model, with its referenced files, in MiB; larger ones are skipped. @default 100 */
  maxAssetMb: setting<number>({
    group: 'assets', flag: '--max-asset-mb <mb>', help: 'skip library models larger than this (with their referenced files), MiB', default: 100, parse: parseFlag.number,
    schema: { type: 'number', exclusiveMinimum: 0, description: 'Largest library model, with its referenced files, in MiB; larger ones are skipped and counted.' },
    manifest: { path: 'assets.max_asset_mb', project: (value, { library }) => (library !== undefined ? value : undefined) },
  }),
  /**
   * Where the library's index cache lives (content hashes, boxes and symmetry labels of the files
   * already seen; assets/library/index-cache.ts): a folder, 'off', or null for
   * `<library root>/.viewforge-cache`. Changes no output byte. @default null
   */
  assetCache: setting<string | null>({
    group: 'assets', flag: '--asset-cache <dir|off>', help: 'folder of the library index cache (content hashes, boxes, symmetry labels), or off (default: .viewforge-cache inside the library)', default: null, defaultHelp: null,
    schema: { type: ['string', 'null'], minLength: 1, description: 'Folder of the asset library index cache, "off", or null for .viewforge-cache inside the library.' },
  }),
  // --- Scenes of several objects (pipeline/plan/plan-scene.ts, README "Scenes")
  /**
   * 'single': every sample shows one object (the families of single objects); 'multi': every
   * sample is a scene of several objects (the scene families); 'mixed': both, each
   * sample as its family asks. @default "single"
   */
  scene: setting<'single' | 'multi' | 'mixed'>({
    group: 'look', flag: '--scene <mode>', help: `single objects, scenes of several objects (families ${SCENE_FAMILY_NAMES.join(', ')}; with --families also ${FAMILIES.filter((f) => f.onScenes).map((f) => f.name).join(', ')}), or mixed (each sample as its family asks)`, default: 'single',
    schema: { enum: ['single', 'multi', 'mixed'], description: 'single: one object per sample; multi: scenes of several objects (the scene families, and the viewpoint families named in families); mixed: each sample as its family asks.' },
    manifest: { path: 'scene.mode', project: (value) => (value === 'single' ? undefined : value) },
  }),
  /**
   * Share of the samples of the families that can be asked of one image (`object-depth`,
   * `object-distance`, `object-count`, `object-left-right`) written as single-image records: one
   * image, one `<image>` token (CV-Bench style). @default 0
   */
  singleViewShare: setting<number>({
    group: 'look', flag: '--single-view-share <r>', help: 'share of the one-image scene families\' samples (object-depth, object-distance, object-count, object-left-right) written as single-image records, 0..1', default: 0, parse: parseFlag.number,
    schema: { type: 'number', minimum: 0, maximum: 1, description: 'Share of the samples of the scene families that can be asked of one image written as single-image records (one image, one <image> token).' },
    manifest: { path: 'scene.single_view_share', project: (value, { config }) => (value === 0 || config.scene === 'single' ? undefined : value) },
  }),
  /** Objects per scene, [min, max], 2..6. @default [3, 5] */
  objects: setting<[number, number]>({
    group: 'look', flag: '--objects <min,max>', help: 'objects per scene (2..6)', default: [3, 5], parse: parseFlag.range,
    schema: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'integer', minimum: 2, maximum: 6 }, description: 'Objects per scene, [min, max] (2..6).' },
    manifest: { path: 'scene.objects', project: (value, { config }) => (config.scene === 'single' ? undefined : value) },
  }),
  // --- Look and camera ranges (pipeline/plan/draw-look.ts, docs/look.md)
  /** Vertical field of view range, degrees, [min, max]. @default [35, 55] */
  fov: setting<[number, number]>({
    group: 'look', flag: '--fov <min,max>', help: 'vertical field of view range of the cameras, degrees', default: [35, 55], parse: parseFlag.range,
    schema: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number', minimum: 20, maximum: 120 }, description: 'Vertical field of view range of the cameras, degrees, [min, max].' },
    manifest: { path: 'look.fov' },
  }),
  /**
   * Camera distance range as factors of the closest distance that keeps the object's unit sphere
   * inside 90% of the half field of view (`minRadiusForFov`), [min, max], min ≥ 1. @default [1, 1.7]
   */
  distance: setting<[number, number]>({
    group: 'look', flag: '--distance <min,max>', help: 'camera distance range as factors of the closest distance that keeps the object in frame (≥ 1)', default: [1, 1.7], parse: parseFlag.range,
    schema: {
      type: 'array', minItems: 2, maxItems: 2, items: { type: 'number', minimum: 1, maximum: 20 },
      description: 'Camera distance range, [min, max], as factors of the closest distance that keeps the object inside 90% of the half field of view (1 = as close as framing allows).',
    },
    manifest: { path: 'look.distance' },
  }),
  /** Background: 'solid' colours, vertical 'gradient's, procedural daylight 'sky's, or 'mixed' (a third each). @default "mixed" */
  background: setting<'solid' | 'gradient' | 'sky' | 'mixed'>({
    group: 'look', flag: '--background <mode>', help: 'background: solid colours, vertical gradients, procedural daylight skies over a ground, or mixed (a third each)', default: 'mixed',
    schema: { enum: ['solid', 'gradient', 'sky', 'mixed'], description: 'Background: solid colours, vertical two-colour gradients, procedural daylight skies (three\'s Sky shader, sun at the key light) over a plain ground, or mixed (each sample one of the three, evenly).' },
    manifest: { path: 'look.background' },
  }),
  /**
   * Surface of the procedural parts: 'plain' (one roughness, no pattern: the look the colour words
   * were calibrated under) or 'varied' (seeded roughness, metalness and a pattern that only darkens
   * the part's own colour; docs/look.md, "Materials"). @default 'plain'
   */
  materials: setting<'plain' | 'varied'>({
    group: 'look', flag: '--materials <mode>', help: 'procedural surfaces: plain, or varied (seeded roughness, metalness and stripes/checks/noise/bands in the part\'s own colour)', default: 'plain',
    schema: { enum: ['plain', 'varied'], description: 'Procedural part surfaces: plain, or varied (seeded roughness, metalness and a pattern that only darkens the part colour).' },
    manifest: { path: 'look.materials', project: (value) => (value === 'plain' ? undefined : value) },
  }),
  /** Folder of `.hdr` environment maps (its files directly inside); null = none. @default null */
  env: setting<string | null>({
    group: 'look', flag: '--env <dir>', help: 'folder of .hdr environment maps lighting the object (image-based lighting; default: none)', default: null, defaultHelp: null, pathLike: 'path',
    schema: { type: ['string', 'null'], minLength: 1, description: 'Folder of .hdr environment maps (files directly inside it); null = no image-based lighting.' },
    manifest: { path: 'look.env', project: (value, { envMaps }) => (value !== null && envMaps !== undefined ? { files: [...envMaps.files], digest: envMaps.digest } : null) },
  }),
  /** Share of samples lit by an environment map when `env` is set, 0..1. @default 1 */
  envShare: setting<number>({
    group: 'look', flag: '--env-share <p>', help: 'share of samples lit by an environment map when --env is given, 0..1', default: 1, parse: parseFlag.number,
    schema: { type: 'number', minimum: 0, maximum: 1, description: 'Share of samples lit by an environment map when env is set.' }, manifest: { path: 'look.env_share' },
  }),
  /** Share of samples with a shadow-catching ground plane, 0..1 (none when a camera is below it). @default 0 */
  ground: setting<number>({
    group: 'look', flag: '--ground <share>', help: 'share of samples with a shadow-catching ground plane under the object, 0..1', default: 0, parse: parseFlag.number,
    schema: { type: 'number', minimum: 0, maximum: 1, description: 'Share of samples drawn with a shadow-catching ground plane under the object (none when a camera is below the plane).' },
    manifest: { path: 'look.ground' },
  }),
  // --- Extra passes (README, Output)
  /**
   * Full-size passes written beside each colour image: 'mask' (`<id>_a.mask.png`, 8-bit, 1 + part
   * index, 0 = background) and 'depth' (`<id>_a.depth.png`, 16-bit z-depth in millimetres, 0 =
   * background), named in `meta.images[i].mask` / `.depth`. Empty = none.
   * @default []
   */
  passes: setting<('mask' | 'depth')[]>({
    group: 'output', flag: '--passes <list>', help: 'also write full-size passes beside each image: mask (8-bit PNG, 1 + part index; in scenes 1 + object index) and/or depth (16-bit PNG, mm), e.g. mask,depth (default: none)',
    default: [], defaultHelp: null, parse: parsePasses,
    schema: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['mask', 'depth'] }, description: 'Full-size passes written beside each colour image: mask (8-bit PNG, 1 + part index) and depth (16-bit PNG, z-depth in mm).' },
    manifest: { path: 'passes' },
  }),
};

/** The value type of a setting. */
export type SettingValue<S> = S extends Setting<infer T> ? T : never;

/** Largest `handoffRetries`. */
export const MAX_HANDOFF_RETRIES = 100;

/**
 * The hand-off settings of `render` and `handoff` (pipeline/handoff/, docs/handoff.md): flags and
 * config-file keys, read by `readHandoffFlags`; they never change the output bytes.
 */
export const HANDOFF_SETTINGS = {
  /** Hand-off target. @default none */
  handoff: setting<string | null>({
    group: 'handoff', flag: '--handoff <target>', default: null, defaultHelp: null,
    help: 'hand each sealed shard to training: dir:<path> (or a bare path) drops it in a folder; triton:http(s)://host:port#<model> sends it to a KServe v2 / Triton model (docs/handoff.md)',
    schema: { type: 'string', minLength: 1, description: 'Hand-off target (--handoff).' },
  }),
  /** Hand-off retries per shard. @default 5 (as `RETRY_DEFAULTS`) */
  handoffRetries: setting<number>({
    group: 'handoff', flag: '--handoff-retries <n>', default: 5, parse: parseFlag.int,
    help: 'retries per shard on connection errors, timeouts, HTTP 5xx and 429 (exponential backoff with jitter)',
    schema: { type: 'integer', minimum: 0, maximum: MAX_HANDOFF_RETRIES, description: 'Hand-off retries per shard (--handoff-retries).' },
  }),
  /** Name of the environment variable holding the hand-off bearer token. @default none */
  handoffTokenEnv: setting<string | null>({
    group: 'handoff', flag: '--handoff-token-env <NAME>', default: null, defaultHelp: null,
    help: 'name of an environment variable holding a bearer token for triton: targets (never logged or written)',
    schema: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Environment variable holding the hand-off bearer token (--handoff-token-env).' },
  }),
};

/** Any setting of either table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table entry of any value type (Setting is invariant in T)
export type AnySetting = Setting<any>;

/** The settings' defaults, as an object of the same keys. */
export function getDefaults<T extends Record<string, AnySetting>>(table: T): { [K in keyof T]: SettingValue<T[K]> } {
  return Object.fromEntries(Object.entries(table).map(([key, s]) => [key, structuredClone(s.default)])) as { [K in keyof T]: SettingValue<T[K]> };
}

/** The JSON schema of a whole run configuration: every run setting, all required, no other key. */
export function getRunConfigSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://viewforge.dev/schemas/config.schema.json',
    title: 'viewforge run configuration',
    description: 'Generated from pipeline/settings.ts (RUN_SETTINGS); do not edit by hand. Regenerate: VF_UPDATE_SCHEMA=1 npx vitest run test/settings.test.ts',
    type: 'object',
    additionalProperties: false,
    required: Object.keys(RUN_SETTINGS),
    properties: Object.fromEntries(Object.entries(RUN_SETTINGS).map(([key, s]) => [key, s.schema])),
  };
}

/**
 * The manifest's `config` block of a run configuration, as a plain object (pipeline/shards/
 * manifest.ts `copyManifestConfig` puts its keys in the manifest's order): each setting with a
 * projection at its path, left out where the projection gives undefined.
 */
export function projectManifestConfig(config: { [K in keyof typeof RUN_SETTINGS]: SettingValue<(typeof RUN_SETTINGS)[K]> }, context: ManifestContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(RUN_SETTINGS) as [keyof typeof RUN_SETTINGS, AnySetting][]) {
    if (s.manifest === undefined) continue;
    const value = s.manifest.project === undefined ? config[key] : s.manifest.project(config[key], { ...context, config });
    if (value === undefined) continue;
    const path = s.manifest.path.split('.');
    let at = out;
    for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = value;
  }
  return out;
}
