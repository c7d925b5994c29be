/**
 * `--out` that cannot hold a dataset is refused up front in plain words: a file where the folder
 * should be, a file further up the path, a kernel pseudo file system (where mkdir may hang).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWritable } from '../../pipeline/scale/prepare-out-dir.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-out-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('checkWritable', () => {
  it('says a file stands where the folder should be', async () => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'x');
    await expect(checkWritable(file)).rejects.toThrow(`cannot write to --out "${file}": it is a file, not a folder`);
    await expect(checkWritable(join(file, 'sub', 'dir'))).rejects.toThrow(`"${file}" is a file, not a folder`);
  });

  it('refuses the kernel pseudo file systems before touching them', async () => {
    await expect(checkWritable('/proc/viewforge-out')).rejects.toThrow(/on the kernel's proc pseudo file system/);
    await expect(checkWritable('/sys/viewforge-out')).rejects.toThrow(/on the kernel's sysfs pseudo file system/);
  });

  it('creates a missing folder', async () => {
    await expect(checkWritable(join(tmp, 'new', 'folder'))).resolves.toBeUndefined();
  });
});
