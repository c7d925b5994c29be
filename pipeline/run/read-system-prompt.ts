/**
 * `readSystemPrompt(flag)`: the value of `--system-prompt <text|@file>` as the run uses it.
 *
 * - not given → `null` (no system message; the default);
 * - `@path` → the contents of that file (UTF-8), trailing whitespace removed (a file's final
 *   newline is not part of the prompt);
 * - `@@text` → the literal text `@text` (for a prompt that starts with "@");
 * - anything else → the text itself.
 *
 * The prompt must not be empty and must not contain a token the records reserve (`<image>`,
 * `<think>`, `<answer>`…): LLaMA-Factory counts `<image>` tokens in every message, and the reward
 * parses the tags. Both are checked here, before any rendering starts.
 *
 * @example
 * await readSystemPrompt('@prompts/actial.txt'); // "You are a spatial reasoning assistant…"
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config.js';
import { RESERVED_TOKENS } from '../records/record-meta.js';

const FLAG = '--system-prompt';

/**
 * Resolves the flag value (see the file header).
 * @throws ConfigError (key `systemPrompt`) naming the file when it cannot be read, or saying why
 *   the prompt is unusable.
 */
export async function readSystemPrompt(flag: string | undefined | null): Promise<string | null> {
  if (flag === undefined || flag === null) return null;
  let text: string;
  let from = '';
  if (flag.startsWith('@@')) {
    text = flag.slice(1);
  } else if (flag.startsWith('@')) {
    const path = flag.slice(1);
    if (path === '') throw new ConfigError('systemPrompt', `${FLAG} @<file>: no file named after "@"`);
    try {
      text = (await readFile(path, 'utf8')).trimEnd();
    } catch (err) {
      throw new ConfigError('systemPrompt', `${FLAG} @${path}: cannot read "${path}": ${(err as Error).message}`);
    }
    from = ` (from "${path}")`;
  } else {
    text = flag;
  }
  if (text.trim() === '') throw new ConfigError('systemPrompt', `${FLAG}: the system prompt${from} is empty; leave the flag out for none`);
  for (const token of RESERVED_TOKENS) {
    if (text.includes(token)) {
      throw new ConfigError('systemPrompt', `${FLAG}: the system prompt${from} contains "${token}", which the records reserve (image placeholders and answer tags)`);
    }
  }
  return text;
}
