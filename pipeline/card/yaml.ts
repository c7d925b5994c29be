/**
 * `toYaml(value)`: block-style YAML for the dataset card's front matter: maps (key order kept),
 * lists, strings, finite numbers, booleans and null. Enough for `configs:` and `dataset_info:`;
 * not a general YAML writer (no anchors, no multi-line strings).
 *
 * Strings are written plain when YAML would read them back as the same string (letters, digits
 * and `_ . / * - +` not starting with a YAML indicator and not looking like a number, boolean or
 * null), otherwise double-quoted with JSON escapes, which YAML reads identically.
 *
 * @example
 * toYaml({ configs: [{ config_name: 'sft', data_files: [{ split: 'train', path: 'sft/*.jsonl' }] }] });
 * // configs:
 * // - config_name: sft
 * //   data_files:
 * //   - split: train
 * //     path: sft/*.jsonl
 */

/** A value {@link toYaml} can write. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

const PLAIN = /^[A-Za-z_./][A-Za-z0-9_./*+-]*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`toYaml: cannot write ${value}`);
    return JSON.stringify(value);
  }
  return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

function isScalar(v: YamlValue): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

function writeKey(key: string): string {
  return scalar(key);
}

function lines(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) {
      if (isScalar(item)) {
        out.push(`${indent}- ${scalar(item)}`);
        continue;
      }
      const inner = lines(item, `${indent}  `);
      if (inner.length === 0) {
        out.push(`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`);
        continue;
      }
      out.push(`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1));
    }
    return out;
  }
  if (isScalar(value)) return [`${indent}${scalar(value)}`];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (isScalar(v)) out.push(`${indent}${writeKey(key)}: ${scalar(v)}`);
    else if (Array.isArray(v) && v.length === 0) out.push(`${indent}${writeKey(key)}: []`);
    else if (!Array.isArray(v) && Object.keys(v).length === 0) out.push(`${indent}${writeKey(key)}: {}`);
    else out.push(`${indent}${writeKey(key)}:`, ...lines(v, Array.isArray(v) ? indent : `${indent}  `));
  }
  return out;
}

/** Block-style YAML text of `value`, ending with a newline. */
export function toYaml(value: YamlValue): string {
  return `${lines(value, '').join('\n')}\n`;
}
