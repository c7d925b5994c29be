/**
 * Makes sure the output folder can take a new dataset before any work starts: it exists (or can
 * be created), is writable, and does not already hold a dataset unless the caller asked to
 * replace it. Fails with a message naming the folder and the fix.
 */
import { access, mkdir, rm, writeFile, constants, readdir } from 'node:fs/promises';
import { join } from 'node:path';
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

/** Creates `outDir` if needed and proves it writable; throws {@link EnvironmentError} naming the folder otherwise. */
export async function checkWritable(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
    await access(outDir, constants.W_OK);
    const probe = join(outDir, `.write-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    throw new EnvironmentError(`output: cannot write to --out "${outDir}": ${(err as Error).message}. Choose a writable folder.`, { cause: err });
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
