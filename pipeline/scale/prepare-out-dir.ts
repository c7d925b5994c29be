/**
 * Makes sure the output folder can take a new dataset before any work starts: it exists (or can
 * be created), is writable, and does not already hold a dataset unless the caller asked to
 * replace it. Fails with a message naming the folder and the fix.
 */
import { access, mkdir, rm, writeFile, constants, readdir, stat, statfs } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EnvironmentError } from '../errors.js';

/**
 * Files and folders a dataset consists of; `overwrite` removes exactly these. `.viewforge` holds
 * the run's own state (shard sidecars, worker state files: `pipeline/scale/`); `plots` the card's
 * SVG plots and `preview.html` the gallery of `viewforge preview` (`pipeline/stats/`, `pipeline/preview/`).
 */
export const DATASET_ENTRIES = ['sft', 'rl', 'images', 'manifest.json', 'dataset_info.json', 'README.md', '.viewforge', 'plots', 'preview.html'];

export async function prepareOutDir(outDir: string, overwrite: boolean): Promise<void> {
  await checkWritable(outDir);
  const existing = await listDatasetEntries(outDir);
  if (existing.length === 0) return;
  if (!overwrite) {
    throw new EnvironmentError(
      `output: "${outDir}" already holds a dataset (${existing.join(', ')}); pass --overwrite to replace it, or choose another --out.`,
    );
  }
  await removeDatasetEntries(outDir, existing);
}

/**
 * Kernel pseudo file systems (statfs magic numbers) on which an output folder makes no sense and
 * where Node's `mkdir` can hang for ever: proc, sysfs, cgroup, cgroup2, debugfs, securityfs, devpts.
 */
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
]);

/** The deepest existing folder or file on the way to `path` (the path itself when it exists). */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  let p = resolve(path);
  for (;;) {
    const s = await stat(p).catch(() => undefined);
    if (s !== undefined) return { path: p, isDirectory: s.isDirectory() };
    const up = dirname(p);
    if (up === p) return { path: p, isDirectory: true };
    p = up;
  }
}

/** Why `outDir` cannot be written, in plain words, from the folder itself or its nearest existing ancestor. */
async function explainUnwritable(outDir: string, err: NodeJS.ErrnoException): Promise<string> {
  const near = await nearestExisting(outDir);
  if (!near.isDirectory) return near.path === resolve(outDir) ? 'it is a file, not a folder' : `"${near.path}" is a file, not a folder`;
  const code = await access(near.path, constants.W_OK).then(() => err.code, (e: NodeJS.ErrnoException) => e.code);
  if (code === 'EROFS') return `"${near.path}" is on a read-only file system`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied on "${near.path}"`;
  return err.message;
}

/**
 * Creates `outDir` if needed and proves it writable; throws {@link EnvironmentError} naming the
 * folder and the reason otherwise (a file in the way, a read-only file system, no permission, a
 * kernel pseudo file system such as /proc, refused before anything touches it).
 */
export async function checkWritable(outDir: string): Promise<void> {
  const near = await nearestExisting(outDir);
  const fs = await statfs(near.path).then((s) => PSEUDO_FS.get(Number(s.type)), () => undefined);
  if (fs !== undefined) throw new EnvironmentError(`output: cannot write to --out "${outDir}": it is on the kernel's ${fs} pseudo file system. Choose a folder on a disk.`);
  try {
    await mkdir(outDir, { recursive: true });
    await access(outDir, constants.W_OK);
    const probe = join(outDir, `.write-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    const why = await explainUnwritable(outDir, err as NodeJS.ErrnoException);
    throw new EnvironmentError(`output: cannot write to --out "${outDir}": ${why}. Choose a writable folder.`, { cause: err });
  }
}

/** The {@link DATASET_ENTRIES} present in `outDir`, in that order. */
export async function listDatasetEntries(outDir: string): Promise<string[]> {
  const present = new Set(await readdir(outDir));
  return DATASET_ENTRIES.filter((e) => present.has(e));
}

/** Removes the given dataset entries of `outDir` (files or whole folders). */
export async function removeDatasetEntries(outDir: string, entries: readonly string[]): Promise<void> {
  for (const e of entries) await rm(join(outDir, e), { recursive: true, force: true });
}
