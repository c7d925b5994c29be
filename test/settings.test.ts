/**
 * The settings table (pipeline/settings.ts) is the one place a setting is declared: the schema,
 * defaults, config-file keys, flags and manifest projection all come from it. These tests keep
 * the committed schema file equal to the table's, and check the table against itself and the
 * README.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDER_SETTINGS } from '../pipeline/cli/render-command.js';
import { flagOf } from '../pipeline/cli/setting-options.js';
import { getConfigFileSchema } from '../pipeline/config-file.js';
import { RUN_DEFAULTS, validateConfig } from '../pipeline/config.js';
import { listFamilyNames } from '../pipeline/questions/index.js';
import { getRunConfigSchema, HANDOFF_SETTINGS, parseFlag, parseMixText, projectManifestConfig, RUN_SETTINGS } from '../pipeline/settings.js';
import { copyManifestConfig, type ManifestConfig } from '../pipeline/shards/manifest.js';
import { RETRY_DEFAULTS } from '../pipeline/handoff/retry.js';

const ROOT = join(import.meta.dirname, '..');
const SCHEMA_FILE = join(ROOT, 'schemas/config.schema.json');

describe('settings table', () => {
  it('schemas/config.schema.json is the table\'s schema (VF_UPDATE_SCHEMA=1 rewrites it)', () => {
    const schema = getRunConfigSchema();
    if (process.env.VF_UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(schema);
  });

  it('every default is a valid value, and the defaults together are a valid configuration', () => {
    expect(() => validateConfig(structuredClone(RUN_DEFAULTS), listFamilyNames())).not.toThrow();
    expect(Object.keys(RUN_DEFAULTS)).toEqual(Object.keys(RUN_SETTINGS));
  });

  it('flags are unique and every flag, and every config-file key, is a setting', () => {
    const flags = Object.values(RENDER_SETTINGS).map(flagOf);
    expect(new Set(flags).size).toBe(flags.length);
    const fileKeys = Object.keys(getConfigFileSchema().properties);
    for (const key of Object.keys(RENDER_SETTINGS)) expect(fileKeys).toContain(key);
    expect(fileKeys.filter((k) => !Object.hasOwn(RENDER_SETTINGS, k))).toEqual(['$schema', 'nightly']);
  });

  it('the flag parsers read back what --help shows as each default', () => {
    for (const [key, s] of Object.entries(RUN_SETTINGS)) {
      const d = s.default as unknown;
      if (s.parse === undefined || d === null || (Array.isArray(d) && d.length === 0)) continue;
      const text = Array.isArray(d) ? d.join(',') : String(d);
      expect(s.parse(text), key).toEqual(d);
    }
    expect(() => parseFlag.int('3.5')).toThrow(/must be an integer, got "3.5"/);
    expect(() => parseFlag.range('1')).toThrow(/two numbers min,max/);
    expect(parseMixText('orbit=2, ego-turn=1')).toEqual({ orbit: 2, 'ego-turn': 1 });
  });

  it('the manifest projection covers exactly the byte-determining settings, and the manifest keeps every projected key', () => {
    const library = { digest: 'd'.repeat(64) };
    const envMaps = { files: ['sky.hdr'], digest: 'e'.repeat(64) };
    const config = { ...RUN_DEFAULTS, assets: '/lib', env: '/env', passes: ['mask' as const], mix: Object.fromEntries(RUN_DEFAULTS.families.map((f) => [f, 1])) };
    const projected = projectManifestConfig(config, { library, envMaps });
    // Every projected key survives the manifest's copy (nothing is projected that the manifest drops).
    const copied = copyManifestConfig(projected as unknown as ManifestConfig);
    expect(JSON.parse(JSON.stringify(copied))).toEqual(JSON.parse(JSON.stringify(projected)));
    expect(projected).toMatchObject({ assets: { digest: library.digest, max_asset_mb: 100 }, look: { env: { files: ['sky.hdr'], digest: envMaps.digest } } });
    // The settings the manifest leaves out are the ones that never change the output bytes.
    const unprojected = Object.entries(RUN_SETTINGS).filter(([, s]) => s.manifest === undefined).map(([k]) => k);
    expect(unprojected).toEqual(['out', 'concurrency', 'overwrite', 'shardIndex', 'shardCount', 'resume', 'renderTimeoutMs', 'renderRetries', 'assetCache']);
  });

  it('the hand-off retry default is the retry policy\'s', () => {
    expect(HANDOFF_SETTINGS.handoffRetries.default).toBe(RETRY_DEFAULTS.retries);
  });

  it('every render flag has a row in the README\'s flag table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const missing = Object.values(RUN_SETTINGS).map(flagOf).filter((flag) => !readme.includes(`| \`${flag}`) && !readme.includes(`/ \`${flag}`));
    expect(missing).toEqual([]);
  });
});
