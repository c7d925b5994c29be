/**
 * `--out` on a read-only file system is refused up front as "read-only" (Node's own message is
 * `ENOENT … mkdir` or `EROFS … mkdir`), through the CLI. Needs a read-only mount: a tmpfs mounted
 * `ro` where the process may mount (root with CAP_SYS_ADMIN); skipped, saying so, elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWritable } from '../../pipeline/scale/prepare-out-dir.js';
import { runCli } from '../e2e/run-cli.js';

let tmp: string;
let disk: string;
let mounted = false;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-ro-'));
  disk = join(tmp, 'ro');
  await mkdir(disk);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', disk], { stdio: 'ignore' });
    mounted = true;
  } catch {
    console.warn('read-only --out test skipped: this process may not mount a tmpfs');
  }
});

afterAll(async () => {
  if (mounted) execFileSync('umount', [disk]);
  await rm(tmp, { recursive: true, force: true });
});

describe('--out on a read-only file system', () => {
  it('is refused in plain words by checkWritable and by render (exit 3)', async (ctx) => {
    if (!mounted) ctx.skip();
    const out = join(disk, 'data', 'set');
    await expect(checkWritable(out)).rejects.toThrow(`"${disk}" is on a read-only file system`);
    const res = await runCli(['render', '--count', '1', '--size', '64', '--out', out]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/read-only file system/);
    expect(res.stderr).not.toMatch(/ENOENT|EROFS/);
  });
});
