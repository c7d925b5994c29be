/** Types of pipeline/cached-build.mjs (plain JavaScript: the CLI's launcher imports it before TypeScript can load). */
import type { BuildOptions } from 'esbuild';

/** The project root. */
export declare const ROOT: string;

/**
 * The folder of build `name` made with `options` (esbuild's; `outdir`, `write`, `metafile` and
 * `absWorkingDir` are set by it): the one on disk when its inputs are as they were, else a new one.
 * @throws when esbuild fails or the cache folder cannot be written.
 */
export declare function cachedBuild(name: string, options: BuildOptions): Promise<string>;
