/**
 * `<out>/README.md`: the dataset card (README, Output). A pure function of the manifest, so it is as
 * deterministic as the manifest itself (no time, no host, no absolute path).
 *
 * Front matter (YAML), what Hugging Face `datasets` and the Hub read:
 * - `configs:` one config per record kind that has files: `sft` (`sft/*.jsonl`, the default
 *   config) and `rl` (`rl/*.jsonl`), each with one `train` split. `load_dataset("<out>")` loads
 *   `sft`, `load_dataset("<out>", "rl")` loads `rl`; `get_dataset_config_names("<out>")` lists
 *   both. One config cannot hold both kinds (their columns differ), and the `rl` config names the
 *   JSONL shards, not the parquet ones: `datasets` picks one builder (json, parquet…) for a whole
 *   folder, from the files of its first config, so every config must be of the same format. The
 *   parquet shards are what verl reads, by file name (`data.train_files`); their rows are the JSONL
 *   rows with the images embedded.
 * - `dataset_info:` the `features` of each config, derived from the record schemas
 *   ({@link getRecordType}), so `datasets` casts every shard to the same declared types instead
 *   of inferring them.
 *
 * Body: how the data was made, the files, the record formats, the conventions, how to load it in
 * `datasets`, LLaMA-Factory and verl, and the reward.
 *
 * Extending it: {@link buildDatasetCard} takes `sections` (title + Markdown body) that are placed
 * before "Loading"; statistics and plots go there.
 *
 * @example
 * await writeDatasetCard(outDir, manifest);
 */
import { ANSWER_INSTRUCTIONS } from '../records/answer-instruction.js';
import { join } from 'node:path';
import { getRecordType, type FieldType } from '../records/record-types.js';
import type { Manifest } from '../shards/manifest.js';
import { PARQUET_CODEC, PARQUET_ROW_GROUP_ROWS } from '../shards/parquet-shard.js';
import { writeFileAtomic } from '../shards/seal-file.js';
import { toYaml, type YamlValue } from './yaml.js';

/** File name of the card in the output root. */
export const DATASET_CARD_FILE = 'README.md';

/** One extra section of the card body. */
export interface CardSection {
  /** Heading text (written as `## title`). */
  title: string;
  /** Markdown, without the heading. */
  body: string;
}

export interface DatasetCardOptions {
  /** Extra sections (statistics, plots…), placed after the built-in description and before "Loading". */
  sections?: readonly CardSection[];
}

/** `datasets` YAML for one feature type: `dtype: …`, `list: …` or `struct: […]` (datasets ≥ 4 form, read by 3.x too). */
function featureOf(type: FieldType): Record<string, YamlValue> {
  switch (type.kind) {
    case 'string':
      return { dtype: 'string' };
    case 'integer':
      return { dtype: 'int64' };
    case 'number':
      return { dtype: 'float64' };
    case 'boolean':
      return { dtype: 'bool' };
    case 'array': {
      const inner = featureOf(type.items);
      return { list: 'dtype' in inner ? inner.dtype : 'struct' in inner ? inner.struct : inner };
    }
    case 'object':
      return { struct: fieldsOf(type.fields) };
  }
}

function fieldsOf(fields: readonly { name: string; type: FieldType }[]): YamlValue[] {
  return fields.map((f) => ({ name: f.name, ...featureOf(f.type) }));
}

function sizeCategory(n: number): string {
  if (n < 1_000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  if (n < 10_000_000) return '1M<n<10M';
  return '10M<n<100M';
}

interface CardConfig {
  name: 'sft' | 'rl';
  pattern: string;
  features: YamlValue[];
  files: number;
  records: number;
}

/** The configs the card declares: one per record kind with files, `sft` first. */
function listConfigs(manifest: Manifest): CardConfig[] {
  const files = (kind: string) => manifest.shards.filter((s) => s.kind === kind);
  const count = (kind: string) => files(kind).reduce((n, s) => n + s.records, 0);
  const configs: CardConfig[] = [];
  if (files('sft').length > 0) {
    configs.push({ name: 'sft', pattern: 'sft/*.jsonl', features: fieldsOf(getRecordType('sft').fields), files: files('sft').length, records: count('sft') });
  }
  if (files('rl').length > 0) {
    configs.push({ name: 'rl', pattern: 'rl/*.jsonl', features: fieldsOf(getRecordType('rl').fields), files: files('rl').length, records: count('rl') });
  }
  return configs;
}

/** The YAML front matter (between `---` lines) of the card. */
export function buildCardFrontMatter(manifest: Manifest): string {
  const configs = listConfigs(manifest);
  const front: Record<string, YamlValue> = {
    pretty_name: manifest.config.dataset_name,
    task_categories: ['visual-question-answering'],
    tags: ['spatial-reasoning', 'multi-view', 'camera-pose', 'synthetic', 'viewforge'],
    size_categories: [sizeCategory(manifest.counts.samples)],
    configs: configs.map((c, i) => ({
      config_name: c.name,
      ...(i === 0 ? { default: true } : {}),
      data_files: [{ split: manifest.config.split ?? 'train', path: c.pattern }],
    })),
    dataset_info: configs.map((c) => ({ config_name: c.name, features: c.features })),
  };
  return `---\n${toYaml(front)}---\n`;
}

function describeRun(m: Manifest): string {
  const c = m.config;
  const lines = [
    `Made by ${m.generator.name} ${m.generator.version}: headless Chromium (${m.renderer.name}, ${m.renderer.browser_version || 'unknown version'}, ` +
      `GL renderer "${m.renderer.gl_renderer}") rendered each object from two known camera poses; the questions, options, answers and ` +
      'reasoning follow from the exact geometry, never from a model.',
    '',
    `- samples: ${m.counts.samples} (${m.counts.sft_records} SFT records, ${m.counts.rl_records} RL records, ${m.counts.images} images)`,
    `- seed ${c.seed}, ${c.size}×${c.size} px ${c.format}, ${c.shard_size} records per shard, CoT share ${c.cot_ratio}`,
    `- split: ${describeSplit(c)}`,
    `- question families: ${c.families.join(', ')}`,
    `- system prompt (SFT): ${c.system_prompt === null ? 'none' : JSON.stringify(c.system_prompt)}`,
    `- config hash: \`${m.config_hash}\` (same seed and flags ⇒ same bytes; see \`manifest.json\`)`,
  ];
  return lines.join('\n');
}

/** The split rule the card states (README "Evaluation sets"). */
function describeSplit(c: Manifest['config']): string {
  const split = c.split ?? 'train';
  const streams =
    split === 'train'
      ? '`train`: samples drawn from the seed\'s own streams; a `val` or `test` set of the same seed (`--split`) draws from streams derived from the seed and its split name, so it shares no id, object draw, camera draw or image with this one'
      : `\`${split}\`, a held-out set: its samples come from streams derived from seed ${c.seed} and the name "${split}" (records carry that stream seed), disjoint from the \`train\` set of the same seed and from every other split: no shared id, object draw, camera draw or image`;
  const models =
    c.holdout === undefined
      ? ''
      : split === 'train'
        ? `; the library models listed in the holdout file (sha256 \`${c.holdout}\`) are never drawn`
        : `; only the library models listed in the holdout file (sha256 \`${c.holdout}\`) are drawn, none of which a \`train\` set made with the same file shows`;
  return streams + models;
}

function describeFiles(m: Manifest, configs: readonly CardConfig[]): string {
  const rows = configs.map((c) => `| \`${c.name}\` | \`${c.pattern}\` | ${c.files} | ${c.records} |`);
  const parquet = m.shards.filter((s) => s.kind === 'rl-parquet');
  if (parquet.length > 0) {
    rows.push(`| (verl) | \`rl/*.parquet\` | ${parquet.length} | ${parquet.reduce((n, s) => n + s.records, 0)} |`);
  }
  return [
    '| config | files | shards | records |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '- `images/<shard>/<id>_a.<ext>`, `<id>_b.<ext>`: view A and view B of each sample.',
    '- `sft/shard-NNNNN.jsonl`: LLaMA-Factory sharegpt records (`id`, `messages`, `images`, `meta`).',
    `- \`rl/shard-NNNNN.jsonl\`: verl records (\`data_source\`, \`prompt\`, \`images\`, \`ability\`, \`reward_model\`, \`extra_info\`), readable copy.`,
    parquet.length > 0
      ? `- \`rl/shard-NNNNN.parquet\`: the same rows in the same order, verl-native: \`images\` is a list of \`{bytes, path}\` structs with the image bytes embedded (${PARQUET_CODEC.toLowerCase()}, ${PARQUET_ROW_GROUP_ROWS} rows per row group).`
      : '- (no parquet copies: this run was made with `--no-parquet`)',
    '- `manifest.json`: config, versions, renderer, every shard file with its sha256 and record count, stats.',
    '- `dataset_info.json`: LLaMA-Factory registration of `sft/`.',
  ].join('\n');
}

const RECORD_FORMATS = [
  'SFT line (`messages`: an optional `system` message, the `user` message, the `assistant` answer):',
  '',
  '```json',
  '{"id": "vf-…", "messages": [{"role": "user", "content": "<image><image>How did the camera move…?\\nA. …\\nB. …\\n…"},',
  '  {"role": "assistant", "content": "<think>…</think><answer>B</answer>"}],',
  ' "images": ["images/00000/vf-…_a.jpg", "images/00000/vf-…_b.jpg"], "meta": {…}}',
  '```',
  '',
  'RL row (`reward_model.ground_truth` is the answer letter):',
  '',
  '```json',
  '{"data_source": "…", "prompt": [{"role": "user", "content": "<image><image>…"}], "images": [a, b], "ability": "spatial",',
  ' "reward_model": {"style": "rule", "ground_truth": "B"}, "extra_info": {"index": 7, "split": "train", "family": "orbit", "id": "vf-…", …}}',
  '```',
  '',
  'Every `<image>` token stands for one image, in order (view A, then view B); image paths are relative to this folder. ' +
    '`meta` (SFT) and `extra_info` (RL) are the same fixed-shape object for every record of every family: ids, the question and ' +
    'options, the answer, the templated reasoning, both cameras (K, R, t, centre, c2w_gl, orbit parameters), the relative pose, ' +
    'the images with their sha256, difficulty and the named parts seen in each view. Floats are always written with a decimal ' +
    'point (`0.0`), so every shard has the same column types.',
  '',
  'The last line of every user message is an instruction that asks for exactly the format of its target (one phrasing of each, drawn per sample):',
  '',
  '| target | records | instruction (one of) |',
  '| --- | --- | --- |',
  `| \`<think>…</think><answer>X</answer>\` | SFT with reasoning (\`meta.has_cot\` true), every RL prompt (the reward scores this format) | ${ANSWER_INSTRUCTIONS['think-answer'].map((t) => `"${t}"`).join('; ')} |`,
  `| \`<answer>X</answer>\` | SFT without reasoning (\`meta.has_cot\` false) | ${ANSWER_INSTRUCTIONS['answer-only'].map((t) => `"${t}"`).join('; ')} |`,
].join('\n');

function describeConventions(m: Manifest): string {
  return Object.entries(m.conventions)
    .map(([k, v]) => `- \`${k}\`: ${v}`)
    .join('\n');
}

function describeLoading(m: Manifest, configs: readonly CardConfig[]): string {
  const name = m.config.dataset_name;
  const hasRl = configs.some((c) => c.name === 'rl');
  const parquet = m.shards.some((s) => s.kind === 'rl-parquet');
  const out = [
    '```python',
    'from datasets import load_dataset',
    ...(configs[0] ? [`${configs[0].name} = load_dataset("path/to/this/folder", split="${m.config.split ?? 'train'}")  # the default config, "${configs[0].name}"`] : []),
    ...(hasRl && configs[0]?.name !== 'rl' ? [`rl = load_dataset("path/to/this/folder", "rl", split="${m.config.split ?? 'train'}")`] : []),
    '```',
    '',
    ...(hasRl ? ['`datasets` reads the `rl` config from the JSONL copies (a folder has one file format for all its configs); image paths are relative to this folder.', ''] : []),
    `LLaMA-Factory (SFT): set \`dataset_dir\` to this folder and \`dataset: ${name}_sft\` (registered in \`dataset_info.json\`); ` +
      'the image paths resolve against `dataset_dir`.',
  ];
  if (hasRl && parquet) {
    out.push(
      '',
      'verl (GRPO): point `data.train_files` at the parquet shards; the columns are the ones verl reads by default ' +
        '(`data.prompt_key=prompt`, `data.image_key=images`, `reward_model.ground_truth`).',
      '',
      '```sh',
      'python3 -m verl.trainer.main_ppo algorithm.adv_estimator=grpo \\',
      '  data.train_files="[$(ls path/to/this/folder/rl/*.parquet | paste -sd, -)]" data.image_key=images …',
      '```',
    );
  }
  return out.join('\n');
}

const REWARD = [
  'The reward of the recipe this data is made for (Actial, "Viewpoint Learning"): `0.5 × format + 0.5 × accuracy`, where ' +
    'format is 1 when the whole completion is `<think>…</think>` followed by `<answer>…</answer>` (whitespace around the tags ' +
    'allowed, tags case-insensitive) and accuracy is 1 when the stripped content of the answer tag equals `ground_truth` exactly.',
].join('\n');

/**
 * Builds the card text (front matter + Markdown body); see the file header.
 * @example
 * const text = buildDatasetCard(manifest, { sections: [{ title: 'Statistics', body: '…' }] });
 */
export function buildDatasetCard(manifest: Manifest, options: DatasetCardOptions = {}): string {
  const configs = listConfigs(manifest);
  const sections: CardSection[] = [
    { title: 'How it was made', body: describeRun(manifest) },
    { title: 'Files', body: describeFiles(manifest, configs) },
    { title: 'Record formats', body: RECORD_FORMATS },
    { title: 'Conventions', body: describeConventions(manifest) },
    ...(options.sections ?? []),
    { title: 'Loading', body: describeLoading(manifest, configs) },
    { title: 'Reward', body: REWARD },
  ];
  const intro =
    'Synthetic multi-view spatial-reasoning data for multimodal LLMs: two rendered views of one object and multiple-choice ' +
    'questions about how the camera (or the object) moved between them, with exact answers and a templated chain of thought.';
  const body = sections.map((s) => `## ${s.title}\n\n${s.body.trimEnd()}\n`).join('\n');
  return `${buildCardFrontMatter(manifest)}\n# ${manifest.config.dataset_name}\n\n${intro}\n\n${body}`;
}

/** Writes `<outDir>/README.md` atomically. */
export async function writeDatasetCard(outDir: string, manifest: Manifest, options: DatasetCardOptions = {}): Promise<void> {
  await writeFileAtomic(join(outDir, DATASET_CARD_FILE), buildDatasetCard(manifest, options));
}
