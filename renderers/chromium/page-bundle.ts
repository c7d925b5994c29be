/**
 * Bundles the in-page renderer (`renderers/page/main.ts` with three.js) into one IIFE script,
 * in memory, once per process.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Entry point of the page code. */
export const PAGE_ENTRY = fileURLToPath(new URL('../page/main.ts', import.meta.url));

let cached: Promise<string> | undefined;

/**
 * Returns the page script (JavaScript source). The first call runs esbuild (`write: false`,
 * minified, no source map, target Chromium 120); later calls share its result. A failed build
 * is not cached, so a fixed source can be retried.
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

async function buildBundle(): Promise<string> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    sourcemap: false,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    // three's DRACOLoader computes default decoder URLs from import.meta.url at load time; in an
    // IIFE that is undefined, so point it at the page (the page sets its own decoder path anyway).
    define: { 'import.meta.url': 'location.href' },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output file');
  return file.text;
}
