// @ts-check
/**
 * esbuild output kept on disk and built again only when an input changes: the CLI's bundle
 * (pipeline/launch-cli.mjs) and the page script (renderers/chromium/page-bundle.ts). Plain
 * JavaScript, because the launcher imports it before anything can load TypeScript.
 *
 * - A build named `name` lives in `node_modules/.cache/viewforge/<name>-<hash>/` (hash of its
 *   output files), where package imports resolve like the sources' own. Its stamp,
 *   `<name>.json`, names that folder and lists every input esbuild read with its size and mtime,
 *   plus the esbuild and Node versions and a hash of the build options (plugins by their source);
 *   any difference builds it again.
 * - A folder is written under a temporary name and renamed, and never changed after, so processes
 *   that start at once, or load a chunk later, never read half a build. Folders of earlier builds
 *   are removed a week after they were made (a long run may still load a chunk from its own).
 * - A source saved while esbuild read it gets no stamp, so the next start builds again.
 *
 * Test-only environment variable: `VIEWFORGE_TEST_BUILD_CACHE`, another cache folder (inside the
 * project, so that packages resolve).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = process.env.VIEWFORGE_TEST_BUILD_CACHE ?? join(ROOT, 'node_modules', '.cache', 'viewforge');
/** Folders of earlier builds are removed when they are this old. */
const KEEP_OLD_MS = 7 * 24 * 3600_000;
/** Read by esbuild besides the inputs it lists (compiler options, the package type). */
const CONFIG_FILES = ['tsconfig.json', 'package.json'];

/**
 * @typedef {{ esbuild: string, node: string, options: string, dir: string, inputs: Record<string, [number, number]> }} Stamp
 * `options`: {@link optionsHash}; `dir`: the build's folder in the cache; `inputs`: path relative to the root → [mtimeMs, size].
 */

/**
 * The folder of build `name` made with `options` (esbuild's; `outdir`, `write`, `metafile` and
 * `absWorkingDir` are set here): the one on disk when its inputs are as they were, else a new one.
 * @param {string} name
 * @param {import('esbuild').BuildOptions} options
 * @returns {Promise<string>}
 * @throws when esbuild fails or the cache folder cannot be written.
 */
export async function cachedBuild(name, options) {
  const hash = optionsHash(options);
  return (await freshBuild(name, hash)) ?? (await build(name, options, hash));
}

/** sha256 of the build options, functions (a plugin's setup) by their source text. @param {import('esbuild').BuildOptions} options */
function optionsHash(options) {
  const text = JSON.stringify(options, (_key, value) => (typeof value === 'function' ? String(value) : value));
  return createHash('sha256').update(text).digest('hex');
}

/** @param {string[]} files relative to the root @returns {Promise<Record<string, [number, number]>>} */
async function statAll(files) {
  const stats = await Promise.all(files.map((file) => stat(join(ROOT, file))));
  return Object.fromEntries(files.map((file, i) => [file, [stats[i].mtimeMs, stats[i].size]]));
}

/** The installed esbuild's version, read from its package.json (importing esbuild takes ~70 ms). */
async function esbuildVersion() {
  return /** @type {{ version: string }} */ (JSON.parse(await readFile(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8'))).version;
}

/**
 * The folder of build `name` when its stamp matches the inputs, esbuild, Node and options as they are now; else null.
 * @param {string} name @param {string} options {@link optionsHash}
 */
async function freshBuild(name, options) {
  try {
    /** @type {Stamp} */
    const stamp = JSON.parse(await readFile(join(CACHE, `${name}.json`), 'utf8'));
    if (stamp.esbuild !== (await esbuildVersion()) || stamp.node !== process.version || stamp.options !== options) return null;
    const now = await statAll(Object.keys(stamp.inputs));
    for (const [file, [mtimeMs, size]] of Object.entries(stamp.inputs)) {
      if (now[file][0] !== mtimeMs || now[file][1] !== size) return null;
    }
    const dir = join(CACHE, stamp.dir);
    await stat(dir);
    return dir;
  } catch {
    return null;
  }
}

/**
 * Builds, writes the build's folder, then its stamp.
 * @param {string} name @param {import('esbuild').BuildOptions} options @param {string} optionsKey {@link optionsHash} of `options`
 */
async function build(name, options, optionsKey) {
  const esbuild = await import('esbuild');
  const started = Date.now();
  // esbuild is told the folder `<name>` beside the real ones, so relative paths in source maps hold.
  const outdir = join(CACHE, name);
  const result = await esbuild.build({ ...options, absWorkingDir: ROOT, outdir, write: false, metafile: true });
  const inputs = await statAll([...Object.keys(result.metafile.inputs), ...CONFIG_FILES]);
  const hash = createHash('sha256');
  for (const file of result.outputFiles) hash.update(relative(outdir, file.path)).update(file.contents);
  const dir = `${name}-${hash.digest('hex').slice(0, 16)}`;
  const final = join(CACHE, dir);
  const temporary = `${final}.${process.pid}.tmp`;
  await rm(temporary, { recursive: true, force: true });
  for (const file of result.outputFiles) {
    const path = join(temporary, relative(outdir, file.path));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.contents);
  }
  try {
    await rename(temporary, final);
  } catch (error) {
    // Another process made the same build first: its folder holds the same files.
    await rm(temporary, { recursive: true, force: true });
    if (!['EEXIST', 'ENOTEMPTY'].includes(/** @type {NodeJS.ErrnoException} */ (error).code ?? '')) throw error;
  }
  if (Object.values(inputs).every(([mtimeMs]) => mtimeMs < started)) {
    /** @type {Stamp} */
    const stamp = { esbuild: esbuild.version, node: process.version, options: optionsKey, dir, inputs };
    const path = join(CACHE, `${name}.json`);
    await writeFile(`${path}.${process.pid}.tmp`, `${JSON.stringify(stamp)}\n`);
    await rename(`${path}.${process.pid}.tmp`, path);
  }
  await removeOldBuilds(name, dir);
  return final;
}

/** Removes folders of build `name` other than `current` made more than {@link KEEP_OLD_MS} ago. @param {string} name @param {string} current */
async function removeOldBuilds(name, current) {
  for (const entry of await readdir(CACHE)) {
    if (!entry.startsWith(`${name}-`) || entry === current) continue;
    const made = await stat(join(CACHE, entry)).then((s) => s.mtimeMs, () => Date.now());
    if (Date.now() - made > KEEP_OLD_MS) await rm(join(CACHE, entry), { recursive: true, force: true });
  }
}
