/**
 * Bundles the in-page renderer (`renderers/page/main.ts` with three.js) into one IIFE script,
 * once per process, kept on disk until a source changes (pipeline/cached-build.mjs: ~0.5 s of
 * esbuild's CPU saved on every start after the first).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { cachedBuild } from '../../pipeline/cached-build.mjs';

/** Entry point of the page code. */
export const PAGE_ENTRY = fileURLToPath(new URL('../page/main.ts', import.meta.url));

let cached: Promise<string> | undefined;

/**
 * Returns the page script (JavaScript source): minified, no source map, target Chromium 120. The
 * first call reads it from the build cache, or runs esbuild (in memory when the cache cannot be
 * written); later calls share its result. A failed build is not cached, so a fixed source can be
 * retried.
 *
 * @throws Error prefixed `pageBundle:` with esbuild's messages.
 */
export function pageBundle(): Promise<string> {
  cached ??= buildBundle().catch((error: unknown) => {
    cached = undefined;
    throw new Error(`pageBundle: esbuild failed to bundle ${PAGE_ENTRY}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  });
  return cached;
}

/** How the page script is built (exported for the build cache's test). */
export const PAGE_BUILD_OPTIONS: BuildOptions = {
  entryPoints: [PAGE_ENTRY],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome120',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'silent',
  // three's DRACOLoader computes default decoder URLs from import.meta.url at load time; in an
  // IIFE that is undefined, so point it at the page (the page sets its own decoder path anyway).
  define: { 'import.meta.url': 'location.href' },
};

async function buildBundle(): Promise<string> {
  const dir = await cachedBuild('page', PAGE_BUILD_OPTIONS).catch(() => null);
  if (dir !== null) return readFile(join(dir, 'main.js'), 'utf8');
  const result = await build({ ...PAGE_BUILD_OPTIONS, write: false });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output file');
  return file.text;
}
