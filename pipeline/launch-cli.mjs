#!/usr/bin/env node
// @ts-check
/**
 * Starts the CLI (pipeline/cli.ts) from one bundled ES module, built from the TypeScript sources
 * on first use and again only after one of them changes. `npm run <command>`, the container's
 * entry point and the end-to-end tests start the CLI through this file.
 *
 * Why: under `node --import tsx`, every one of the CLI's ~200 modules and every package module it
 * imports goes through tsx's loader hooks (a round trip to the hooks thread, a cache lookup,
 * source maps): ~1.7 s of CPU per start on a 2-core machine, more than the rest of Node's start-up.
 * The bundle is plain JavaScript with the packages left as imports, so Node loads them itself.
 *
 * - The bundle lives in `node_modules/.cache/viewforge/cli-<hash>/` (an entry module and the chunks
 *   of the commands' lazy imports, so `--help` still loads little), where its package imports
 *   resolve like the sources' own. Its stamp, `cli.json`, names that folder and lists every source
 *   the bundle holds with its size and mtime, plus the esbuild and Node versions; any difference
 *   builds it again (~0.4 s). A folder is written under a temporary name and renamed, and never
 *   changed after, so processes that start at once, or load a chunk later, never read half a
 *   bundle; folders of earlier builds are removed a week after they were made.
 * - Each module keeps its own `import.meta.url` (the source file's URL), so paths a module
 *   resolves relative to itself (package.json, the page script, Draco's files) are unchanged.
 * - Stack traces name the TypeScript sources (inline source map, source maps enabled).
 * - When the bundle cannot be built or written (a read-only install, say), the CLI starts under
 *   tsx as before: slower, the same behaviour.
 *
 * Test-only environment variable: `VIEWFORGE_TEST_CLI_CACHE`, another cache folder (inside the
 * project, so that packages resolve).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'pipeline', 'cli.ts');
const CACHE = process.env.VIEWFORGE_TEST_CLI_CACHE ?? join(ROOT, 'node_modules', '.cache', 'viewforge');
const STAMP = join(CACHE, 'cli.json');
/** Where esbuild is told it writes (the bundle's folder is renamed after its hash, at the same depth, so source map paths hold). */
const OUT = join(CACHE, 'cli');
/** Folders of earlier builds are removed when a build is this old (a long run may still load a chunk from its own). */
const KEEP_OLD_MS = 7 * 24 * 3600_000;
/** Read by esbuild besides the sources it lists (compiler options, the package type). */
const CONFIG_FILES = ['tsconfig.json', 'package.json'];

/**
 * @typedef {{ esbuild: string, node: string, dir: string, inputs: Record<string, [number, number]> }} Stamp
 * `dir`: the bundle's folder in the cache; `inputs`: path relative to the root → [mtimeMs, size].
 */

/** @param {string[]} files relative to the root @returns {Promise<Record<string, [number, number]>>} */
async function statAll(files) {
  const stats = await Promise.all(files.map((file) => stat(join(ROOT, file))));
  return Object.fromEntries(files.map((file, i) => [file, [stats[i].mtimeMs, stats[i].size]]));
}

/** The entry module of the bundle on disk when it was built from the sources as they are now, by this esbuild and Node; else null. */
async function freshBundle() {
  try {
    /** @type {Stamp} */
    const stamp = JSON.parse(await readFile(STAMP, 'utf8'));
    if (stamp.esbuild !== (await esbuildVersion()) || stamp.node !== process.version) return null;
    const now = await statAll(Object.keys(stamp.inputs));
    for (const [file, [mtimeMs, size]] of Object.entries(stamp.inputs)) {
      if (now[file][0] !== mtimeMs || now[file][1] !== size) return null;
    }
    const entry = join(CACHE, stamp.dir, 'cli.js');
    await stat(entry);
    return entry;
  } catch {
    return null;
  }
}

/** The installed esbuild's version, read from its package.json (importing esbuild takes ~70 ms). */
async function esbuildVersion() {
  return /** @type {{ version: string }} */ (JSON.parse(await readFile(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8'))).version;
}

/** Writes `text` to `path` through a temporary file of this process. @param {string} path @param {string} text */
async function writeAtomic(path, text) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** esbuild plugin: `import.meta.url` in a source becomes that source's own file URL. @type {import('esbuild').Plugin} */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replace(/(?<![\w'"`.])import\.meta\.url(?![\w'"`])/g, url), loader: 'ts' };
    });
  },
};

/** Bundles pipeline/cli.ts, writes the bundle's folder, then its stamp; returns the entry module. */
async function buildBundle() {
  const { build, version } = await import('esbuild');
  const started = Date.now();
  const result = await build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    outdir: OUT,
    splitting: true,
    write: false,
    metafile: true,
    sourcemap: 'inline',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [ownUrls],
  });
  const inputs = [...Object.keys(result.metafile.inputs), ...CONFIG_FILES];
  const stamp = { esbuild: version, node: process.version, inputs: await statAll(inputs) };
  const hash = createHash('sha256');
  for (const file of result.outputFiles) hash.update(relative(OUT, file.path)).update(file.contents);
  const dir = `cli-${hash.digest('hex').slice(0, 16)}`;
  const final = join(CACHE, dir);
  const temporary = `${final}.${process.pid}.tmp`;
  await rm(temporary, { recursive: true, force: true });
  for (const file of result.outputFiles) {
    const path = join(temporary, relative(OUT, file.path));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.contents);
  }
  try {
    await rename(temporary, final);
  } catch (error) {
    // Another process built the same bundle first: its folder holds the same files.
    await rm(temporary, { recursive: true, force: true });
    if (!['EEXIST', 'ENOTEMPTY'].includes(/** @type {NodeJS.ErrnoException} */ (error).code ?? '')) throw error;
  }
  // A source saved while esbuild read it may be in the bundle as it was: no stamp, so the next start builds again.
  if (Object.values(stamp.inputs).every(([mtimeMs]) => mtimeMs < started)) await writeAtomic(STAMP, `${JSON.stringify({ ...stamp, dir })}\n`);
  await removeOldBuilds(dir);
  return join(final, 'cli.js');
}

/** Removes the folders of earlier builds made more than {@link KEEP_OLD_MS} ago. @param {string} current */
async function removeOldBuilds(current) {
  for (const name of await readdir(CACHE)) {
    if (!name.startsWith('cli-') || name === current) continue;
    const made = await stat(join(CACHE, name)).then((s) => s.mtimeMs, () => Date.now());
    if (Date.now() - made > KEEP_OLD_MS) await rm(join(CACHE, name), { recursive: true, force: true });
  }
}

/** The CLI module: the bundle when it is fresh or can be made so, else the sources under tsx. */
async function loadCli() {
  const entry = (await freshBundle()) ?? (await buildBundle().catch(() => null));
  if (entry !== null) {
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(entry).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(ENTRY).href);
}

const cli = await loadCli();
process.exitCode = await cli.main(process.argv);
