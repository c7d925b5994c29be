/**
 * Commander options from the settings table (pipeline/settings.ts), and the way back: the values
 * a user gave on the command line, keyed as settings, and an error message that names a setting
 * the way the user wrote it (the flag, or the key in their config file).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ConfigError } from '../errors.js';
import type { AnySetting } from '../settings.js';

/** The long flag of a setting (`--render-timeout`, `--no-parquet`). */
export function flagOf(s: AnySetting): string {
  return s.flag.split(' ')[0];
}

/** The choices of a choice flag: its own, or its schema's enum when every entry is a string. */
function choicesOf(s: AnySetting): readonly string[] | undefined {
  if (s.choices !== undefined) return s.choices;
  const values = s.schema.enum as unknown[] | undefined;
  return values !== undefined && values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

/** The commander option of one setting. */
export function settingOption(s: AnySetting): Option {
  const option = new Option(s.flag, s.help);
  const choices = choicesOf(s);
  if (choices !== undefined) option.choices(choices);
  const parse = s.parse;
  if (parse !== undefined) {
    option.argParser((text: string) => {
      try {
        return parse(text);
      } catch (err) {
        throw new InvalidArgumentError(`${flagOf(s)} ${(err as Error).message}`);
      }
    });
  }
  if (s.defaultHelp !== null && !option.negate) option.default(s.default, s.defaultHelp);
  return option;
}

/** The commander attribute name of a setting's option (`--render-timeout` → `renderTimeout`, `--no-parquet` → `parquet`). */
export function attributeOf(s: AnySetting): string {
  return new Option(s.flag, '').attributeName();
}

/** Adds one option per setting of `table` to `command`, in table order; read them back with {@link readGivenSettings}. */
export function addSettingOptions(command: Command, table: Readonly<Record<string, AnySetting>>): void {
  for (const s of Object.values(table)) command.addOption(settingOption(s));
}

/** The settings of `table` the user gave on `command`'s command line (source 'cli'), keyed as settings, as values. */
export function readGivenSettings(command: Command, table: Readonly<Record<string, AnySetting>>): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  const opts = command.opts();
  for (const [key, s] of Object.entries(table)) {
    const attribute = attributeOf(s);
    if (command.getOptionValueSource(attribute) === 'cli') given[key] = opts[attribute];
  }
  return given;
}

/** Where a setting's value came from. */
export type SettingSource = 'flag' | 'file' | 'default';

/**
 * `err`'s message in the user's own words: for an error about one setting's value (`reason`
 * set, `key` a setting of `table`), `<flag> <reason>` when the value came from the command line
 * or a default, `config file <path>: "<key>" <reason>` when it came from the config file. Any
 * other error's message is returned unchanged.
 */
export function nameSetting(err: ConfigError, table: Readonly<Record<string, AnySetting>>, sourceOf: (key: string) => SettingSource, configPath?: string): string {
  const s = Object.hasOwn(table, err.key) ? table[err.key] : undefined;
  if (s === undefined || err.reason === err.message) return err.message;
  if (sourceOf(err.key) === 'file' && configPath !== undefined) return `config file ${configPath}: "${err.key}" ${err.reason}`;
  return `${flagOf(s)} ${err.reason}`;
}
