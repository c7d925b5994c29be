/**
 * Config files (`--config <file.json>`): one JSON object whose keys are the settings (camelCase,
 * the keys of pipeline/settings.ts: the run settings and the hand-off settings) plus a `nightly`
 * section (schemas/nightly.schema.json). The file schema is derived: every setting's schema, none
 * required, joined with nightly.schema.json's, no other key allowed.
 *
 * A file's values are values, not flag text: the render command merges them over the defaults
 * and under the flags given on the command line (defaults < file < flags). Relative paths in the
 * file (`out`, `assets`, `env`, `nightly.root`, an `@file` system prompt; `@@…` stays literal
 * text) resolve against the file's folder.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigError } from './config.js';
import { HANDOFF_SETTINGS, RUN_SETTINGS, type AnySetting } from './settings.js';

const require = createRequire(import.meta.url);
const FILE_EXTRAS = require('../schemas/nightly.schema.json') as { properties: Record<string, object> };

/** Every setting a config file may hold. */
const FILE_SETTINGS: Readonly<Record<string, AnySetting>> = { ...RUN_SETTINGS, ...HANDOFF_SETTINGS };

/** The JSON schema of a config file. */
export function getConfigFileSchema(): { type: 'object'; additionalProperties: false; properties: Record<string, object> } {
  const settings = Object.fromEntries(Object.entries(FILE_SETTINGS).map(([key, s]) => [key, s.schema]));
  return { type: 'object', additionalProperties: false, properties: { ...settings, ...FILE_EXTRAS.properties } };
}

/** The config-file validator, compiled on first use (not on every CLI start). */
let fileValidator: ValidateFunction | undefined;
const getFileValidator = (): ValidateFunction => (fileValidator ??= new Ajv({ allErrors: false, strict: false }).compile(getConfigFileSchema()));

export interface ConfigFile {
  path: string;
  /** Validated keys, relative paths already resolved. */
  values: Record<string, unknown>;
  /** sha256 of the file's bytes. */
  sha256: string;
}

function describeError(path: string, e: ErrorObject, data: unknown): ConfigError {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: unknown = data;
  for (const p of parts) value = (value as Record<string, unknown> | undefined)?.[p];
  if (e.keyword === 'additionalProperties') {
    const key = [...parts, (e.params as { additionalProperty: string }).additionalProperty].join('.');
    return new ConfigError(key, `config file ${path}: "${key}" is not a known setting`);
  }
  const key = parts.join('.') || '(file)';
  return new ConfigError(key, `config file ${path}: "${key}" ${e.message}, got ${JSON.stringify(value)}`);
}

/** Reads and validates a config file; throws {@link ConfigError} naming the key and the reason. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ConfigError('config', `config file ${path}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ConfigError('config', `config file ${path}: not valid JSON: ${(err as Error).message}`);
  }
  const validateFile = getFileValidator();
  if (!validateFile(data)) throw describeError(path, validateFile.errors![0], data);
  const dir = dirname(resolve(path));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const values: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  delete values.$schema;
  for (const [key, s] of Object.entries(FILE_SETTINGS)) {
    const value = values[key];
    if (typeof value !== 'string') continue;
    if (s.pathLike === 'path') values[key] = at(value);
    if (s.pathLike === 'at-path' && /^@(?!@)/.test(value)) values[key] = `@${at(value.slice(1))}`;
  }
  const nightly = values.nightly as { root?: string } | undefined;
  if (nightly?.root !== undefined) values.nightly = { ...nightly, root: at(nightly.root) };
  return { path, values, sha256: createHash('sha256').update(bytes).digest('hex') };
}
