/**
 * Config files (`--config <file.json>`): one JSON object whose keys are the RunConfig keys
 * (camelCase, as pipeline/config.ts and schemas/config.schema.json), plus the hand-off keys and a
 * `nightly` section (schemas/nightly.schema.json). The file schema is derived: every property of
 * config.schema.json, none required, joined with nightly.schema.json's, no other key allowed.
 *
 * Precedence: defaults < file < flags given on the command line (commander's value source
 * 'cli'). Relative paths in the file (`out`, `assets`, `env`, `nightly.root`, an `@file` system
 * prompt; `@@…` stays literal text) resolve against the file's folder.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Command } from 'commander';
import { ConfigError } from './config.js';

const require = createRequire(import.meta.url);
const RUN_SCHEMA = require('../schemas/config.schema.json') as { properties: Record<string, object> };
const FILE_EXTRAS = require('../schemas/nightly.schema.json') as { properties: Record<string, object> };

/** Commander attribute names whose config key differs. */
export const FLAG_KEY_ALIASES: Readonly<Record<string, string>> = { renderTimeout: 'renderTimeoutMs' };

/** Flags that are not settings (the file names itself). */
const NOT_IN_FILE = new Set(['config']);

/** Keys whose string value is a path, resolved against the file's folder. */
const PATH_KEYS = new Set(['out', 'assets', 'env']);

/** The JSON schema of a config file. */
export function getConfigFileSchema(): { type: 'object'; additionalProperties: false; properties: Record<string, object> } {
  return { type: 'object', additionalProperties: false, properties: { ...RUN_SCHEMA.properties, ...FILE_EXTRAS.properties } };
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
  for (const key of PATH_KEYS) if (typeof values[key] === 'string') values[key] = at(values[key] as string);
  if (typeof values.systemPrompt === 'string' && /^@(?!@)/.test(values.systemPrompt)) values.systemPrompt = `@${at(values.systemPrompt.slice(1))}`;
  const nightly = values.nightly as { root?: string } | undefined;
  if (nightly?.root !== undefined) values.nightly = { ...nightly, root: at(nightly.root) };
  return { path, values, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The config key of a commander option attribute, or null for flags that are not settings. */
export function getConfigKey(attribute: string): string | null {
  return NOT_IN_FILE.has(attribute) ? null : (FLAG_KEY_ALIASES[attribute] ?? attribute);
}

/** A file value in the shape the flag parser leaves (lists as comma text, null as absent). */
function toFlagValue(key: string, value: unknown): unknown {
  if (value === null) return undefined;
  if (key === 'families' && Array.isArray(value)) return value.join(',');
  if (key === 'mix' && typeof value === 'object') return Object.entries(value as Record<string, number>).map(([f, w]) => `${f}=${w}`).join(',');
  if (key === 'resume' && value === false) return undefined;
  return value;
}

/**
 * Fills `flags` (commander's parsed options of `command`) from the file for every option not
 * given on the command line. Returns the names of the options set from the file.
 */
export function applyConfigFile(flags: Record<string, unknown>, command: Command, file: ConfigFile): string[] {
  const set: string[] = [];
  for (const option of command.options) {
    const attribute = option.attributeName();
    const key = getConfigKey(attribute);
    if (key === null || !Object.hasOwn(file.values, key)) continue;
    if (command.getOptionValueSource(attribute) === 'cli') continue;
    flags[attribute] = toFlagValue(key, file.values[key]);
    command.setOptionValueWithSource(attribute, flags[attribute], 'config');
    set.push(attribute);
  }
  return set;
}
