/**
 * What every command of the CLI shares: exit codes, the error that carries one, the console
 * logger (which keeps a progress bar intact), and turning a thrown error into its exit code.
 * Only the CLI (pipeline/cli.ts and this folder) prints and reads `process.env`.
 */
import type { Logger } from '../logger.js';

export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 3;
/** Exit codes after a signal stopped a run (128 + signal number, as shells report it). */
export const EXIT_SIGNAL: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/** An error that carries the exit code the CLI should end with; an empty message is one already reported. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** While a progress bar is drawn on the terminal: clears its line before a log line and redraws it after. */
let barOnScreen: { render: () => void } | null = null;

/** Tells the logger which bar is on screen (null when none). */
export function setBarOnScreen(bar: { render: () => void } | null): void {
  barOnScreen = bar;
}

const logLine = (line: string) => {
  if (barOnScreen !== null) process.stderr.write('\r\x1b[K');
  console.error(line);
  barOnScreen?.render();
};

/** Messages to stderr, prefixed "warning:" / "error:". */
export const consoleLogger: Logger = {
  info: (m) => logLine(m),
  warn: (m) => logLine(`warning: ${m}`),
  error: (m) => logLine(`error: ${m}`),
};

/** Prints what `err` says (unless already reported) and returns the exit code it stands for. */
export function reportError(err: unknown): number {
  const e = err as { code?: string; exitCode?: number; message: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
  if (e.code?.startsWith('commander.')) return EXIT_USAGE;
  if (err instanceof CliError) {
    if (err.message !== '') console.error(`error: ${err.message}`); // '' = already reported
    return err.exitCode;
  }
  console.error(`error: ${(err as Error).stack ?? String(err)}`);
  return EXIT_FAILED;
}
