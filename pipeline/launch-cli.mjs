#!/usr/bin/env node
// @ts-check
/**
 * Starts the CLI (pipeline/cli.ts) from one bundled ES module, built from the TypeScript sources
 * on first use and again only after one of them changes (pipeline/cached-build.mjs: kept in
 * `node_modules/.cache/viewforge/cli-<hash>/`, ~0.4 s to build). `npm run <command>`, the
 * container's entry point and the end-to-end tests start the CLI through this file.
 *
 * Why: under `node --import tsx`, every one of the CLI's ~200 modules and every package module it
 * imports goes through tsx's loader hooks (a round trip to the hooks thread, a cache lookup,
 * source maps): ~1.7 s of CPU per start on a 2-core machine, more than the rest of Node's start-up.
 * The bundle is plain JavaScript with the packages left as imports, so Node loads them itself.
 *
 * - The commands' lazy imports stay lazy: they become chunks beside the entry module.
 * - Each module keeps its own `import.meta.url` (the source file's URL), so paths a module
 *   resolves relative to itself (package.json, the page script, Draco's files) are unchanged.
 * - Stack traces name the TypeScript sources (inline source maps, source maps enabled).
 * - When the bundle cannot be built or written (a read-only install, say), the CLI starts under
 *   tsx as before: slower, the same behaviour.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cachedBuild, ROOT } from './cached-build.mjs';

const ENTRY = join(ROOT, 'pipeline', 'cli.ts');

/** esbuild plugin: `import.meta.url` in a source becomes that source's own file URL. @type {import('esbuild').Plugin} */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.m?[jt]s$/, namespace: 'file' }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replace(/(?<![\w'"`.])import\.meta\.url(?![\w'"`])/g, url), loader: args.path.endsWith('ts') ? 'ts' : 'js' };
    });
  },
};

/** The CLI module: the bundle when it is fresh or can be made so, else the sources under tsx. */
async function loadCli() {
  const dir = await cachedBuild('cli', {
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    splitting: true,
    sourcemap: 'inline',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [ownUrls],
  }).catch(() => null);
  if (dir !== null) {
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(join(dir, 'cli.js')).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(ENTRY).href);
}

const cli = await loadCli();
process.exitCode = await cli.main(process.argv);
