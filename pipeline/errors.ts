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

/** Where a split or interrupted run stands: the shards of this worker sealed so far, of how many. */
export interface ShardProgress {
  /** This worker's shards that are sealed (kept from an earlier attempt or built now). */
  sealed: number;
  /** This worker's shards in all. */
  total: number;
}

/**
 * The run stopped on SIGINT/SIGTERM (`RunDeps.signal`): it took no new work, sealed nothing
 * partial, and can be finished with `--resume`.
 */
export class RunInterruptedError extends Error {
  constructor(
    readonly reason: string,
    readonly progress: ShardProgress,
  ) {
    super(`interrupted (${reason}): ${progress.sealed} of ${progress.total} shards sealed`);
    this.name = 'RunInterruptedError';
  }
}

/**
 * The run failed part-way (a sample the renderer could not render after its retries, a full or
 * unwritable disk…). Sealed shards are intact and `--resume` rebuilds the rest; `cause` holds the
 * original error.
 */
export class RunFailedError extends Error {
  constructor(
    message: string,
    readonly progress: ShardProgress,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunFailedError';
  }
}

/**
 * Thrown for a configuration that cannot run: `key` names the offending setting and `reason`
 * says why, apart (so the CLI can name the flag or the config file instead of the key); `message`
 * is the whole sentence.
 */
export class ConfigError extends Error {
  /** Why the value of `key` cannot run (`"must be <= 1, got 2"`), when the error is about that one key's value; else the message. */
  readonly reason: string;

  constructor(
    readonly key: string,
    message: string,
    reason?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
    this.reason = reason ?? message;
  }

  /** The error `config: "<key>" <reason>`, about the value of one setting. */
  static because(key: string, reason: string): ConfigError {
    return new ConfigError(key, `config: "${key}" ${reason}`, reason);
  }
}
