/**
 * `createPauseHook(options)`: a test-only run hook (`RunHooks` in `pipeline/run/run.ts`) that
 * stops the run at one shard — before it is sealed, or between sealing and its sidecar — prints
 * one line, and waits: until a release file appears, the run is aborted, or forever (the test
 * kills the process there with SIGKILL). The CLI builds it only from `VIEWFORGE_TEST_PAUSE_*`
 * environment variables; no flag reaches it.
 */
import { access } from 'node:fs/promises';

export interface PauseHookOptions {
  /** Shard at which to pause. */
  shard: number;
  /** Words for the printed line, e.g. "before sealing". */
  label: string;
  /** Resume once this file exists (else pause until aborted or killed). */
  releaseFile?: string;
  signal?: AbortSignal;
  /** Where the line goes (the CLI: stderr). */
  log: (line: string) => void;
  /** Poll interval, ms. @default 50 */
  pollMs?: number;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** See the file header. The line printed is `test-hook: paused <label> shard <n>`. */
export function createPauseHook(options: PauseHookOptions): (shard: number) => Promise<void> {
  const { pollMs = 50 } = options;
  return async (shard) => {
    if (shard !== options.shard) return;
    options.log(`test-hook: paused ${options.label} shard ${shard}`);
    while (!options.signal?.aborted && !(options.releaseFile !== undefined && (await exists(options.releaseFile)))) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
}
