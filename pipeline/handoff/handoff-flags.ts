/**
 * The hand-off's settings, shared by `render` and `handoff` (declared in pipeline/settings.ts,
 * `HANDOFF_SETTINGS`): {@link readHandoffFlags} (flags + environment → what {@link openHandoff} needs; the
 * CLI passes `process.env` in), and {@link formatHandoffReport} (what the CLI prints).
 *
 * ```text
 * --handoff <target>           dir:<path> (or a bare path) | triton:http(s)://host:port#<model>
 * --handoff-retries <n>        retries per shard (connection errors, timeouts, 5xx, 429), default 5
 * --handoff-token-env <NAME>   environment variable holding a bearer token (triton: only)
 * ```
 */
import { ConfigError } from '../config.js';
import { MAX_HANDOFF_RETRIES } from '../settings.js';
import { isHandoffComplete, type HandoffReport } from './handoff-queue.js';
import { parseHandoffTarget, type HandoffTarget } from './parse-handoff-target.js';
import { RETRY_DEFAULTS } from './retry.js';

/** The flags as commander hands them over. */
export interface HandoffFlags {
  handoff?: string;
  handoffRetries?: number;
  handoffTokenEnv?: string;
}

export { MAX_HANDOFF_RETRIES } from '../settings.js';

/** What {@link readHandoffFlags} gives. */
export interface HandoffSettings {
  target: HandoffTarget;
  retries: number;
  token?: string;
}

/**
 * Validates the flags against each other and reads the token from `env`.
 * @throws ConfigError (key "handoff", "handoffRetries" or "handoffTokenEnv") saying what to fix.
 */
export function readHandoffFlags(target: string, flags: HandoffFlags, env: Readonly<Record<string, string | undefined>>): HandoffSettings {
  let parsed: HandoffTarget;
  try {
    parsed = parseHandoffTarget(target);
  } catch (err) {
    throw new ConfigError('handoff', (err as Error).message);
  }
  const retries = flags.handoffRetries ?? RETRY_DEFAULTS.retries;
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > MAX_HANDOFF_RETRIES) {
    throw new ConfigError('handoffRetries', `handoff: --handoff-retries must be an integer from 0 to ${MAX_HANDOFF_RETRIES}, got ${retries}`);
  }
  const name = flags.handoffTokenEnv;
  if (name === undefined) return { target: parsed, retries };
  if (parsed.kind !== 'triton') throw new ConfigError('handoffTokenEnv', 'handoff: --handoff-token-env applies to triton: targets only');
  const token = env[name];
  if (token === undefined || token === '') {
    throw new ConfigError('handoffTokenEnv', `handoff: --handoff-token-env ${name}: that environment variable is not set or empty`);
  }
  if (/[\r\n]/.test(token)) throw new ConfigError('handoffTokenEnv', `handoff: the token in ${name} contains a line break`);
  return { target: parsed, retries, token };
}

/**
 * The lines the CLI prints after a hand-off: a summary, then one line per failed shard and a
 * hint when some shards are still to send. `ok` is {@link isHandoffComplete}.
 */
export function formatHandoffReport(report: HandoffReport, outDir: string): { ok: boolean; lines: string[] } {
  const { acked, skipped, failed, pending } = report;
  const lines = [`handoff: ${acked.length} shard(s) acknowledged, ${skipped.length} already acknowledged, ${failed.length} failed, ${pending.length} not sent → ${report.target}`];
  for (const f of failed) lines.push(`handoff: ${f.path}: ${f.error}`);
  const ok = isHandoffComplete(report);
  if (!ok) lines.push(`handoff: send the rest with: npm run handoff -- ${outDir} --handoff ${report.target}`);
  return { ok, lines };
}
