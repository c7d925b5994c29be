/**
 * The `.hdr` environment maps of an `--env` folder (docs/look.md): the regular files directly
 * inside it whose names end in `.hdr` (any case), sorted by name so the seeded draw of a map does
 * not depend on the file system's order. Symbolic links count only when they resolve to a regular
 * file inside the folder (the page server checks the real path again on every request).
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import type { EnvMapRoutes } from '../../renderers/chromium/page-server.js';

/** The maps of an `--env` folder, with a digest of what they hold. */
export interface EnvMaps extends EnvMapRoutes {
  /** sha256 (hex) over each file's name and sha256, in `files` order: changes when any map does. */
  digest: string;
}

/** Lists the maps; throws an Error naming the folder and the reason when there is none to use. */
export async function listEnvMaps(dir: string): Promise<EnvMaps> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`env: "${dir}" is not a readable folder (${code ?? (err as Error).message})`);
  }
  const files: string[] = [];
  for (const name of (await readdir(root)).sort()) {
    if (!name.toLowerCase().endsWith('.hdr')) continue;
    try {
      const real = await realpath(join(root, name));
      const rel = relative(root, real);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
      if ((await stat(real)).isFile()) files.push(name);
    } catch {
      // a dangling link: not a map
    }
  }
  if (files.length === 0) throw new Error(`env: "${dir}" holds no .hdr file`);
  const digest = createHash('sha256');
  for (const name of files) digest.update(`${name}\n${createHash('sha256').update(await readFile(join(root, name))).digest('hex')}\n`);
  return { root, files, digest: digest.digest('hex') };
}
