/**
 * `<out>/dataset_info.json`: registers the SFT shards with LLaMA-Factory (README, Output), so that
 * `dataset_dir: <out>` and `dataset: <name>_sft` train on them. `file_name: "sft"` points at the
 * folder of JSONL shards; image paths in the records are relative to `<out>`.
 *
 * @example
 * ```json
 * {"viewforge_sft": {"file_name": "sft", "formatting": "sharegpt",
 *   "columns": {"messages": "messages", "images": "images"},
 *   "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
 *            "assistant_tag": "assistant", "system_tag": "system"}}}
 * ```
 */
import { join } from 'node:path';
import { writeFileAtomic } from './seal-file.js';

/** File name in the output root. */
export const DATASET_INFO_FILE = 'dataset_info.json';

/** One LLaMA-Factory dataset entry (sharegpt with `messages` and `images`). */
export interface DatasetInfoEntry {
  file_name: string;
  formatting: 'sharegpt';
  columns: { messages: 'messages'; images: 'images' };
  tags: { role_tag: 'role'; content_tag: 'content'; user_tag: 'user'; assistant_tag: 'assistant'; system_tag: 'system' };
}

/**
 * Builds the `dataset_info.json` object: one entry, `<name>_sft`.
 * @throws TypeError when `name` is empty or not a plain identifier (letters, digits, `_`, `.`, `-`).
 */
export function buildDatasetInfo(name: string): Record<string, DatasetInfoEntry> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) {
    throw new TypeError(`buildDatasetInfo: expected a dataset name of letters, digits, "_", "." or "-" (not starting with "." or "-"), got ${JSON.stringify(name)}`);
  }
  return {
    [`${name}_sft`]: {
      file_name: 'sft',
      formatting: 'sharegpt',
      columns: { messages: 'messages', images: 'images' },
      tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
    },
  };
}

/** Writes `<outDir>/dataset_info.json` atomically (JSON, 2-space indent, final newline). */
export async function writeDatasetInfo(outDir: string, name: string): Promise<void> {
  await writeFileAtomic(join(outDir, DATASET_INFO_FILE), `${JSON.stringify(buildDatasetInfo(name), null, 2)}\n`);
}
