/**
 * `renderDataset(options, deps?)`: the render job as a library call. It takes the same camelCase
 * keys a config file does (every key optional but what the run needs; the rest from
 * `RUN_DEFAULTS`), validates them, indexes the asset library and lists the environment maps
 * when asked, starts headless Chromium, runs, and resolves to the run's result. The CLI's
 * `render` command is this call plus flag parsing, progress bar and signal handling.
 *
 * ```ts
 * import { renderDataset } from 'viewforge';
 * const result = await renderDataset({ count: 4, seed: 1, size: 128, out: 'x' });
 * ```
 */
import { createRequire } from 'node:module';
import { REVISION } from 'three';
import { indexLibrary, type AssetLibrary } from '../assets/library/index-library.js';
import { assetRoutes } from '../assets/library/library-objects.js';
import { listEnvMaps, type EnvMaps } from '../assets/env/list-env-maps.js';
import { applyHoldout, readHoldout, type Holdout } from '../assets/library/holdout.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import type { Renderer } from '../renderers/renderer.js';
import { ConfigError, RUN_DEFAULTS, validateConfig, type RunConfig } from './config.js';
import { EnvironmentError } from './errors.js';
import { SILENT_LOGGER, type Logger } from './logger.js';
import { FAMILIES, LIBRARY_FAMILIES, SCENE_FAMILY_NAMES } from './questions/index.js';
import { run, type RunDeps, type RunResult } from './run/run.js';

const require = createRequire(import.meta.url);
const PKG = require('../package.json') as { version: string };

/** What `renderDataset` takes: any {@link RunConfig} keys (camelCase, as in a config file). */
export type RenderOptions = Partial<RunConfig>;

/** Optional collaborators of {@link renderDataset}; every one has a default. */
export interface RenderDeps extends Partial<Omit<RunDeps, 'createRenderer' | 'library' | 'envMaps' | 'versions'>> {
  /** Where messages go. @default silent */
  logger?: Logger;
  /**
   * Wraps the started Chromium renderer (test fault injection, instrumentation); called once.
   * @default the renderer itself
   */
  wrapRenderer?: (chromium: ChromiumRenderer) => Renderer;
  /** Told the Chromium renderer once it is up (the CLI reports its repairs from its stats). */
  onChromium?: (chromium: ChromiumRenderer) => void;
  /** Starts another renderer instead of Chromium (tests, other back-ends). */
  createRenderer?: () => Promise<Renderer>;
}

/**
 * A validated {@link RunConfig} from `options` over the defaults. Without `families`, a `mix` names
 * the families in its order, `scene` 'multi' asks the scene families and 'mixed' every family, and
 * a library run (`assets`) leaves out the families that name parts.
 * @throws ConfigError naming the offending key and why.
 */
export function resolveRunConfig(options: RenderOptions): RunConfig {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RenderOptions;
  // Defaults: the scene families for scenes; with a library, the part-free single-object families (and in 'mixed' the scene families too).
  const library = given.assets != null;
  const byScene =
    given.scene === 'multi'
      ? [...SCENE_FAMILY_NAMES]
      : given.scene === 'mixed'
        ? library
          ? [...LIBRARY_FAMILIES, ...SCENE_FAMILY_NAMES]
          : FAMILIES.map((f) => f.name)
        : library
          ? [...LIBRARY_FAMILIES]
          : RUN_DEFAULTS.families;
  const families = given.families ?? (given.mix != null ? Object.keys(given.mix) : byScene);
  return validateConfig({ ...RUN_DEFAULTS, ...given, families }, FAMILIES.map((f) => f.name));
}

/** The indexed library of `config.assets` (undefined without one). @throws ConfigError (key "assets") when it cannot be read or holds no usable model. */
async function openLibrary(config: RunConfig, logger: Logger): Promise<AssetLibrary | undefined> {
  if (config.assets === null) return undefined;
  let library: AssetLibrary;
  try {
    library = await indexLibrary(config.assets, {
      maxAssetBytes: config.maxAssetMb * 1048576,
      onSkip: (s) => logger.warn(`assets: skipped "${s.path}" (${s.reason}): ${s.message}`),
      cacheDir: config.assetCache,
      onCacheProblem: (message) => logger.warn(message),
    });
  } catch (err) {
    throw new ConfigError('assets', `${(err as Error).message} (--assets)`);
  }
  if (library.assets.length === 0) throw new ConfigError('assets', `assets: "${config.assets}" holds no usable .glb/.gltf model (${library.skipped.length} skipped, see above) (--assets)`);
  logger.info(`assets: ${library.assets.length} model(s) indexed from ${library.root}, ${library.skipped.length} skipped`);
  return library;
}

/** The read `--holdout` file and the split's part of `library` (unchanged without one). @throws ConfigError (key "holdout") for a bad file or an empty split. */
async function applyHoldoutFile(config: RunConfig, library: AssetLibrary | undefined, logger: Logger): Promise<{ library?: AssetLibrary; holdout?: Holdout }> {
  if (config.holdout === null || library === undefined) return { library };
  try {
    const holdout = await readHoldout(config.holdout);
    const part = applyHoldout(library, holdout, config.split);
    logger.info(`holdout: ${holdout.entries.length} listed content hash(es)/categories; split "${config.split}" draws ${part.assets.length} of ${library.assets.length} model(s) (${config.split === 'train' ? 'the held-out ones never' : 'only held-out ones'})`);
    return { library: part, holdout };
  } catch (err) {
    throw new ConfigError('holdout', `${(err as Error).message} (--holdout)`);
  }
}

/** The environment maps of `config.env` (undefined without). @throws ConfigError (key "env") for a bad folder. */
async function openEnvMaps(config: RunConfig, logger: Logger): Promise<EnvMaps | undefined> {
  if (config.env === null) return undefined;
  let envMaps: EnvMaps;
  try {
    envMaps = await listEnvMaps(config.env);
  } catch (err) {
    throw new ConfigError('env', `${(err as Error).message} (--env)`);
  }
  logger.info(`env: ${envMaps.files.length} environment map(s) in ${envMaps.root}`);
  return envMaps;
}

/**
 * Renders a dataset: see the module comment.
 * @throws ConfigError for bad options (before any browser starts), EnvironmentError when Chromium
 *   or WebGL cannot start, RunFailedError / RunInterruptedError as {@link run} does (sealed shards
 *   stay intact; `resume: true` finishes the run).
 */
export async function renderDataset(options: RenderOptions, deps: RenderDeps = {}): Promise<RunResult> {
  const config = resolveRunConfig(options);
  const logger = deps.logger ?? SILENT_LOGGER;
  // The library is indexed, and the maps listed, before the browser starts: its page server serves exactly these files.
  const { library, holdout } = await applyHoldoutFile(config, await openLibrary(config, logger), logger);
  const envMaps = await openEnvMaps(config, logger);
  const { wrapRenderer, onChromium, createRenderer, ...runDeps } = deps;
  return run(config, {
    ...runDeps,
    logger,
    versions: { viewforge: PKG.version, three: `r${REVISION}`, node: process.version },
    library,
    envMaps,
    holdout,
    createRenderer:
      createRenderer ??
      (async () => {
        let chromium: ChromiumRenderer;
        try {
          chromium = await ChromiumRenderer.create({
            glMode: config.gl,
            pages: config.concurrency,
            renderTimeoutMs: config.renderTimeoutMs,
            maxRetries: config.renderRetries,
            env: process.env,
            logger,
            ...(library !== undefined ? { assets: assetRoutes(library) } : {}),
            ...(envMaps !== undefined ? { envMaps } : {}),
          });
        } catch (err) {
          throw new EnvironmentError((err as Error).message, { cause: err });
        }
        onChromium?.(chromium);
        return wrapRenderer ? wrapRenderer(chromium) : chromium;
      }),
  });
}
