/**
 * Error kinds the CLI maps to exit codes. Library code throws these; only the CLI decides what
 * a kind means for the process.
 */

/** The environment cannot serve the run: no browser, no WebGL, an unwritable output folder. */
export class EnvironmentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}
