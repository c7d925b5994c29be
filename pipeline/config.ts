/**
 * The run configuration: its type and defaults (derived from the settings table,
 * pipeline/settings.ts), and validation with ajv against the schema the table gives.
 * The CLI builds a {@link RunConfig} from flags and config files; library users pass one (or part
 * of one) to `renderDataset`.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { mixToCycleWeights } from './plan/family-schedule.js';
import { FAMILIES, LIBRARY_FAMILIES } from './questions/index.js';
import { ConfigError } from './errors.js';
import { getDefaults, getRunConfigSchema, parseMixText, RUN_SETTINGS, type SettingValue } from './settings.js';

export { ConfigError } from './errors.js';
export { defaultConcurrency } from './settings.js';

/** A run configuration: one key per setting of `RUN_SETTINGS` (see each key there for its meaning and default). */
export type RunConfig = { -readonly [K in keyof typeof RUN_SETTINGS]: SettingValue<(typeof RUN_SETTINGS)[K]> };

/** Every setting's default. */
export const RUN_DEFAULTS: RunConfig = getDefaults(RUN_SETTINGS);

/** Smallest max/min of the `distance` range that the distance family's closest class (ratio 0.6) fits in. */
export const DISTANCE_FAMILY_MIN_SPAN = 1 / 0.6;

/** The schema's validator, compiled on first use (compiling costs ~0.1 s of every CLI start, `--help` included). */
let validator: ValidateFunction<RunConfig> | undefined;
const getValidator = (): ValidateFunction<RunConfig> => (validator ??= new Ajv({ allErrors: true, strict: true }).compile<RunConfig>(getRunConfigSchema()));

/**
 * Parses mix text, `family=weight,family=weight,…` (weights: positive numbers of any scale, e.g.
 * `orbit=0.4,ego-turn=0.2` or `orbit=2,ego-turn=1`), into a mix object in the given order. Family
 * names are checked later, by {@link validateConfig}.
 * @throws ConfigError (key "mix") naming the entry for a missing "=", an empty name, a repeated
 *   family or a weight that is not a positive number.
 */
export function parseMix(text: string): Record<string, number> {
  try {
    return parseMixText(text);
  } catch (err) {
    throw ConfigError.because('mix', (err as Error).message);
  }
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
      throw ConfigError.because('mix', `weight of "${family}" ${e.message}, got ${JSON.stringify(weight)}`);
    }
    const key =
      e.keyword === 'additionalProperties'
        ? String((e.params as { additionalProperty: string }).additionalProperty)
        : e.keyword === 'required'
          ? String((e.params as { missingProperty: string }).missingProperty)
          : e.instancePath.replace(/^\//, '').split('/')[0] || '(config)';
    const value = e.instancePath ? JSON.stringify(key in (config as object) ? (config as Record<string, unknown>)[key] : undefined) : '';
    const why = e.keyword === 'additionalProperties' ? 'is not a known setting' : `${e.message}${value ? `, got ${value}` : ''}`;
    throw ConfigError.because(key, `${why}`);
  }
  for (const f of config.families) {
    if (!knownFamilies.includes(f)) {
      throw ConfigError.because('families', `has unknown family "${f}"; known: ${knownFamilies.join(', ')}`);
    }
  }
  if (config.mix !== null) {
    for (const f of Object.keys(config.mix)) {
      if (!knownFamilies.includes(f)) throw ConfigError.because('mix', `has unknown family "${f}"; known: ${knownFamilies.join(', ')}`);
      if (!config.families.includes(f)) {
        throw ConfigError.because('mix', `gives family "${f}" a weight but "families" does not list it; add it to the families or drop it from the mix`);
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
    // The scene families name whole objects, which a library model is; only the families that name parts are refused.
    const partFamilies = config.families.filter((f) => FAMILIES.find((g) => g.name === f)?.namesParts === true);
    if (partFamilies.length > 0) {
      throw ConfigError.because(
        'families',
        `${partFamilies.join(', ')} name object parts, which library assets ("assets") do not have; use only ${LIBRARY_FAMILIES.join(', ')}, or the scene families with --scene multi`,
      );
    }
  }
  // Scenes (README, "Scenes"): a scene family asks scenes only; with --scene multi the viewpoint families (onScenes) ask scenes too, the others single objects only.
  const sceneFamilies = config.families.filter((f) => FAMILIES.find((g) => g.name === f)?.scene === true);
  const objectFamilies = config.families.filter((f) => !sceneFamilies.includes(f) && FAMILIES.find((g) => g.name === f)?.onScenes !== true);
  if (config.scene === 'single' && sceneFamilies.length > 0) {
    throw ConfigError.because('families', `${sceneFamilies.join(', ')} ask about scenes of several objects; pass --scene multi (or mixed) with them`);
  }
  if (config.scene === 'multi' && objectFamilies.length > 0) {
    throw ConfigError.because('families', `${objectFamilies.join(', ')} ask about single objects only, and --scene multi makes every sample a scene (of the single-object families, ${FAMILIES.filter((g) => g.onScenes).map((g) => g.name).join(', ')} can ask scenes); use --scene mixed to ask both`);
  }
  if (config.singleViewShare > 0) {
    const oneImage = config.families.filter((f) => FAMILIES.find((g) => g.name === f)?.oneImage !== undefined);
    if (config.scene === 'single' || oneImage.length === 0) {
      throw ConfigError.because('singleViewShare', `no family of this run can be asked of one image (those that can: ${FAMILIES.filter((f) => f.oneImage !== undefined).map((f) => f.name).join(', ')}, with --scene multi or mixed)`);
    }
  }
  if (config.holdout !== null && config.assets === null) throw ConfigError.because('holdout', 'needs --assets: it holds library models out of train');
  if (config.objects[0] > config.objects[1]) throw ConfigError.because('objects', `minimum ${config.objects[0]} is above its maximum ${config.objects[1]}; give min,max`);
  for (const key of ['fov', 'distance'] as const) {
    const [min, max] = config[key];
    if (min > max) throw ConfigError.because(key, `minimum ${min} is above its maximum ${max}; give min,max`);
  }
  // The distance family asks closer (ratio 0.6–0.85) / farther (1.18–1.6): both views must fit the range.
  if (config.families.includes('distance') && config.distance[1] / config.distance[0] < DISTANCE_FAMILY_MIN_SPAN) {
    throw ConfigError.because(
      'distance',
      `range ${config.distance.join(',')} is too narrow for the distance family (max/min must be at least ${DISTANCE_FAMILY_MIN_SPAN.toFixed(3)}); widen it or leave the distance family out`,
    );
  }
  if (config.shardIndex >= config.shardCount) {
    throw ConfigError.because('shardIndex', `must be below "shardCount" (${config.shardCount}), got ${config.shardIndex}`);
  }
  if (config.resume !== false && config.overwrite) {
    throw new ConfigError('resume', 'config: "resume" and "overwrite" exclude each other: --resume keeps the sealed shards, --overwrite deletes them');
  }
  return config;
}
