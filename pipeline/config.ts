/**
 * The run configuration: defaults, and validation with ajv against `schemas/config.schema.json`.
 * The CLI builds a {@link RunConfig} from flags; library users build one directly.
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { GlMode } from '../renderers/chromium/gl-flags.js';

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
  /** Renderer pages working at once; never changes the output bytes. @default 2 */
  concurrency: number;
  /** Share of SFT records carrying `<think>…</think>`. @default 0.5 */
  cotRatio: number;
  /** Question families (see pipeline/questions). @default the viewpoint families */
  families: string[];
  /** WebGL back-end. @default "auto" */
  gl: GlMode;
  /** Dataset name. @default "viewforge" */
  datasetName: string;
  /** SFT system message. @default null */
  systemPrompt: string | null;
  /** Replace a dataset already in `out`. @default false */
  overwrite: boolean;
}

export const RUN_DEFAULTS: RunConfig = {
  count: 1000,
  seed: 0,
  out: 'output',
  size: 512,
  format: 'jpeg',
  shardSize: 1000,
  concurrency: 2,
  cotRatio: 0.5,
  families: ['orbit', 'orbit-direction', 'elevation', 'distance'],
  gl: 'auto',
  datasetName: 'viewforge',
  systemPrompt: null,
  overwrite: false,
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile<RunConfig>(CONFIG_SCHEMA);

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
 * Validates a configuration object; throws {@link ConfigError} naming the first bad key and why.
 * `knownFamilies` (from the question registry) are checked here too.
 */
export function validateConfig(config: unknown, knownFamilies: readonly string[]): RunConfig {
  if (!validate(config)) {
    const e = validate.errors![0];
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
  return config;
}
