/**
 * The dataset card's "Example records" section: the first line of the first SFT shard and of
 * the first RL shard, pretty-printed and shortened for reading.
 *
 * Shortening ({@link elideRecord}, pure): every matrix (an array of number arrays: `R`,
 * `c2w_gl`, `R_AB`) becomes a placeholder string such as `"<3×3 matrix elided>"`, `parts` keeps
 * its first entry followed by `"<N more parts elided>"`, and strings longer than
 * {@link EXAMPLE_DEFAULTS}.maxString characters are cut with `…`. The section says so.
 *
 * {@link readExampleRecords} reads the two lines (I/O); {@link buildExamplesSection} writes the
 * Markdown (pure).
 *
 * @example
 * const examples = await readExampleRecords(outDir, manifest.shards);
 * const section = buildExamplesSection(examples);
 */
import type { CardSection } from '../card/dataset-card.js';
import { readShardRecords, type ShardFileRef } from './read-shard-records.js';

export interface ExampleOptions {
  /** Longest string kept whole, characters. @default 600 */
  maxString: number;
  /** Entries of `parts` kept. @default 1 */
  maxParts: number;
}

export const EXAMPLE_DEFAULTS: ExampleOptions = { maxString: 600, maxParts: 1 };

/** The first record of each kind, with the shard it came from; null when there is none of that kind. */
export interface ExampleRecords {
  sft: { path: string; record: Record<string, unknown> } | null;
  rl: { path: string; record: Record<string, unknown> } | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isMatrix(v: Json[]): boolean {
  return v.length > 0 && v.every((row) => Array.isArray(row) && row.length > 0 && row.every((x) => typeof x === 'number'));
}

/** A shortened deep copy of `value`; see the file header. */
export function elideRecord(value: unknown, options: ExampleOptions = EXAMPLE_DEFAULTS): unknown {
  const walk = (v: Json, key: string): Json => {
    if (typeof v === 'string') return v.length > options.maxString ? `${v.slice(0, options.maxString)}…` : v;
    if (Array.isArray(v)) {
      if (isMatrix(v)) return `<${v.length}×${(v[0] as Json[]).length} matrix elided>`;
      if (key === 'parts' && v.length > options.maxParts) {
        return [...v.slice(0, options.maxParts).map((x) => walk(x, '')), `<${v.length - options.maxParts} more parts elided>`];
      }
      return v.map((x) => walk(x, ''));
    }
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value as Json, '');
}

/**
 * JSON with 2-space indentation, except that arrays of numbers, booleans or short strings stay on
 * one line (`[0.1, 0.2, 0.3]`), which keeps vectors readable.
 */
export function prettyJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every((x) => x === null || typeof x === 'number' || typeof x === 'boolean' || (typeof x === 'string' && x.length <= 80));
    if (flat) return `[${value.map((x) => JSON.stringify(x)).join(', ')}]`;
    return `[\n${value.map((x) => `${inner}${prettyJson(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${prettyJson(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Reads the first line of the first `sft` and the first `rl` JSONL shard among `shards` (listed in index order). */
export async function readExampleRecords(outDir: string, shards: readonly ShardFileRef[]): Promise<ExampleRecords> {
  const out: ExampleRecords = { sft: null, rl: null };
  for (const kind of ['sft', 'rl'] as const) {
    const first = shards.find((s) => s.kind === kind);
    if (first === undefined) continue;
    for await (const r of readShardRecords(outDir, [first])) {
      out[kind] = { path: r.path, record: r.record };
      break;
    }
  }
  return out;
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}json\n${text}\n${f}`;
}

/** The "Example records" card section. */
export function buildExamplesSection(examples: ExampleRecords, options: ExampleOptions = EXAMPLE_DEFAULTS): CardSection {
  const part = (label: string, ex: ExampleRecords['sft']) =>
    ex === null ? [`${label}: none (this data set has no records of this kind).`] : [`${label}, line 1 of \`${ex.path}\`:`, '', fence(prettyJson(elideRecord(ex.record, options)))];
  const body = [
    'The first record of each kind, as written except for three shortenings made here for reading: rotation matrices ' +
      '(`R`, `c2w_gl`, `R_AB`) are replaced by a placeholder, `parts` keeps its first entry, and strings longer than ' +
      `${options.maxString} characters are cut (\`…\`). Whole-number floats print here without their decimal point ` +
      '(the files write `64.0`, so every shard has the same column types). The files hold every value in full.',
    '',
    ...part('SFT (LLaMA-Factory sharegpt)', examples.sft),
    '',
    ...part('RL (verl)', examples.rl),
  ].join('\n');
  return { title: 'Example records', body };
}
