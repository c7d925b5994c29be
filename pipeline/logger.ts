/** The logger library code writes through; only the CLI decides where lines go. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (tests, benchmarks). */
export const SILENT_LOGGER: Logger = { info() {}, warn() {}, error() {} };
