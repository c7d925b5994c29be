/**
 * Locates the Chromium binary to launch. Puppeteer never downloads a browser here: the project
 * uses the distribution's package (Debian `chromium`).
 */
import { accessSync, constants, statSync } from 'node:fs';

/** Paths tried, in order, when `CHROMIUM_PATH` is not set. */
export const CHROMIUM_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Options of {@link findChromium}. */
export interface FindChromiumOptions {
  /**
   * Environment-like map; only `CHROMIUM_PATH` is read. The CLI passes `process.env`; nothing
   * below it reads the process environment.
   * @default {}
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Explicit path; wins over `env.CHROMIUM_PATH` and the candidates. */
  executablePath?: string;
  /** Paths tried when neither an explicit path nor `CHROMIUM_PATH` is given. @default CHROMIUM_CANDIDATES */
  candidates?: readonly string[];
  /** Test seam: whether a path is an executable file. @default a check with `fs.accessSync(X_OK)` */
  isExecutable?: (path: string) => boolean;
}

/** True when `path` is a regular file the current user may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves the Chromium executable: `executablePath`, else `env.CHROMIUM_PATH`, else the first
 * executable of {@link CHROMIUM_CANDIDATES}. An explicit path that is not executable is an
 * error (no silent fallback to another browser).
 *
 * @throws Error naming every path tried and how to install Chromium.
 * @example
 * const path = findChromium({ env: process.env }); // in the CLI
 */
export function findChromium(options: FindChromiumOptions = {}): string {
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const explicit = options.executablePath ?? options.env?.CHROMIUM_PATH;
  if (explicit !== undefined && explicit !== '') {
    if (isExecutable(explicit)) return explicit;
    const source = options.executablePath !== undefined ? 'executablePath' : 'CHROMIUM_PATH';
    throw new Error(
      `findChromium: ${source} is "${explicit}", which is not an executable file. ` +
        'Point it at a Chromium binary, or unset it to use /usr/bin/chromium (Debian/Ubuntu: `apt-get install -y chromium`).',
    );
  }
  const candidates = options.candidates ?? CHROMIUM_CANDIDATES;
  for (const path of candidates) if (isExecutable(path)) return path;
  throw new Error(
    `findChromium: no Chromium found; tried ${candidates.join(', ')}. ` +
      'Install it (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROMIUM_PATH to the binary.',
  );
}
