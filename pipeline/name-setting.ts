/**
 * Says a configuration error in the user's own words: a `ConfigError` names a config key
 * (`"cotRatio"`), but a user typed `--cot-ratio`, or wrote the key in a config file. Given where
 * the value came from, the message names the flag, or the key and the file.
 */
import type { Command } from 'commander';
import type { ConfigError } from './config.js';
import { FLAG_KEY_ALIASES } from './config-file.js';

/** The commander option attribute of config key `key` (the inverse of the flag→key aliases). */
function attributeOf(key: string): string {
  return Object.entries(FLAG_KEY_ALIASES).find(([, k]) => k === key)?.[0] ?? key;
}

/**
 * `err`'s message with its leading `config: "key"` replaced by the flag (`--cot-ratio`) when the
 * value came from the command line or a default, or by `config file <path>: "key"` when it came
 * from `configPath`. A message about no single option is returned unchanged.
 */
export function nameSetting(err: ConfigError, command: Command, configPath?: string): string {
  const prefix = `config: "${err.key}"`;
  if (!err.message.startsWith(prefix)) return err.message;
  const attribute = attributeOf(err.key);
  const option = command.options.find((o) => o.attributeName() === attribute);
  if (option?.long === undefined) return err.message;
  const rest = err.message.slice(prefix.length);
  if (command.getOptionValueSource(attribute) === 'config' && configPath !== undefined) return `config file ${configPath}: "${err.key}"${rest}`;
  return `${option.long}${rest}`;
}
