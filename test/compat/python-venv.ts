/**
 * The Python virtual environment of the compatibility tests (`.venv-compat/`, git-ignored): made
 * on first use with the packages the evaluators' and trainers' loaders need, reused while they
 * import. pip reads its index from `pip config list` (the first `extra-index-url` becomes
 * `--index-url`, so an unreachable default index is never tried); without one it uses pip's own
 * default. Never skips: without Python 3, venv or pip it fails with the reason.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../e2e/run-cli.js';

const VENV = join(ROOT, '.venv-compat');
const VENV_PYTHON = join(VENV, 'bin', 'python');
/** Hugging Face datasets (with pandas, pyarrow, PyYAML), Pillow, and openpyxl for the xlsx files VLMEvalKit writes. */
const PACKAGES = ['datasets', 'pyarrow', 'Pillow', 'pandas', 'openpyxl'];
const IMPORT_CHECK = 'import datasets, pyarrow, PIL, yaml, pandas, openpyxl';

export interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function exec(cmd: string, args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function tail(text: string, n = 2000): string {
  return text.length > n ? `…${text.slice(-n)}` : text;
}

/** `--index-url <first extra-index-url>` from `pip config list`, or nothing when none is configured. */
async function pipIndexArgs(python: string): Promise<string[]> {
  const listed = await exec(python, ['-m', 'pip', 'config', 'list']);
  const match = /^[^\n]*extra-index-url='([^']*)'/m.exec(listed.stdout);
  const first = match?.[1].trim().split(/\s+/)[0];
  return first ? ['--index-url', first] : [];
}

/** The venv's python, created and filled on first use; reused while it imports the packages. */
export async function ensureVenv(): Promise<string> {
  // Two test files may want the venv at once (separate workers): one makes it, the other waits.
  const lock = `${VENV}.lock`;
  for (let waited = 0; ; waited += 500) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 15 * 60_000) await rm(lock, { recursive: true, force: true }); // left by a killed run
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await makeVenv();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function makeVenv(): Promise<string> {
  if (existsSync(VENV_PYTHON) && (await exec(VENV_PYTHON, ['-c', IMPORT_CHECK])).code === 0) return VENV_PYTHON;
  const python = process.env.PYTHON ?? 'python3';
  const version = await exec(python, ['--version']);
  if (version.code !== 0) {
    throw new Error(`python venv: "${python}" is not runnable (${tail(version.stderr, 300)}); this test needs Python 3 with venv and pip`);
  }
  await rm(VENV, { recursive: true, force: true });
  const made = await exec(python, ['-m', 'venv', VENV]);
  if (made.code !== 0) throw new Error(`python venv: "${python} -m venv ${VENV}" failed: ${tail(made.stderr)}`);
  const pip = await exec(VENV_PYTHON, ['-m', 'pip', '--version']);
  if (pip.code !== 0) throw new Error(`python venv: the venv has no pip (${tail(pip.stderr, 300)}); install Python's venv/ensurepip support`);
  const indexArgs = await pipIndexArgs(VENV_PYTHON);
  const install = await exec(VENV_PYTHON, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', ...indexArgs, ...PACKAGES], { timeoutMs: 600_000 });
  if (install.code !== 0) {
    throw new Error(`python venv: pip install ${PACKAGES.join(' ')} ${indexArgs.join(' ')} failed (exit ${install.code}): ${tail(install.stderr)}`);
  }
  const check = await exec(VENV_PYTHON, ['-c', IMPORT_CHECK]);
  if (check.code !== 0) throw new Error(`python venv: the packages do not import after installing: ${tail(check.stderr)}`);
  return VENV_PYTHON;
}

