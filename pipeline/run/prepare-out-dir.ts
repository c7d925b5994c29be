/**
 * Makes sure the output folder can take a new dataset before any work starts: it exists (or can
 * be created), is writable, and does not already hold a dataset unless the caller asked to
 * replace it. Fails with a message naming the folder and the fix.
 */
import { access, mkdir, rm, writeFile, constants, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';

/** Files and folders a dataset consists of; `overwrite` removes exactly these. */
export const DATASET_ENTRIES = ['sft', 'rl', 'images', 'manifest.json', 'dataset_info.json', 'README.md'];

export async function prepareOutDir(outDir: string, overwrite: boolean): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
    await access(outDir, constants.W_OK);
    const probe = join(outDir, `.write-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    throw new EnvironmentError(`output: cannot write to --out "${outDir}": ${(err as Error).message}. Choose a writable folder.`, { cause: err });
  }
  const present = new Set(await readdir(outDir));
  const existing = DATASET_ENTRIES.filter((e) => present.has(e));
  if (existing.length === 0) return;
  if (!overwrite) {
    throw new EnvironmentError(
      `output: "${outDir}" already holds a dataset (${existing.join(', ')}); pass --overwrite to replace it, or choose another --out.`,
    );
  }
  for (const e of existing) await rm(join(outDir, e), { recursive: true, force: true });
}
