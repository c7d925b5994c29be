/**
 * The dataset card (`<out>/README.md`): front matter that `datasets` reads (configs + features from
 * the record schemas), a body built from the manifest, deterministic, extensible by sections.
 * test/compat loads a real folder through it with Hugging Face `datasets`.
 */
import { describe, expect, it } from 'vitest';
import { buildCardFrontMatter, buildDatasetCard } from '../../pipeline/card/dataset-card.js';
import { toYaml } from '../../pipeline/card/yaml.js';
import { buildManifest, type Manifest } from '../../pipeline/shards/manifest.js';
import type { SealedFile } from '../../pipeline/shards/shard-writer.js';

const SHA = 'a'.repeat(64);

function shard(kind: SealedFile['kind'], n: number, records: number): SealedFile {
  const ext = kind === 'rl-parquet' ? 'parquet' : 'jsonl';
  const dir = kind === 'sft' ? 'sft' : 'rl';
  return { kind, shard: n, path: `${dir}/shard-0000${n}.${ext}`, records, sha256: SHA, bytes: 10, firstIndex: n * 4, lastIndex: n * 4 + records - 1 } as SealedFile;
}

function manifestOf(shards: SealedFile[], systemPrompt: string | null = null): Manifest {
  const sum = (k: string) => shards.filter((s) => s.kind === k).reduce((n, s) => n + s.records, 0);
  return buildManifest({
    config: {
      seed: 7, count: sum('sft') + sum('rl'), size: 256, format: 'jpeg', shard_size: 4, cot_ratio: 0.5,
      families: ['orbit', 'ego-turn'], mix: null, stages: 'family', gl: 'auto', dataset_name: 'vfcard', system_prompt: systemPrompt,
    },
    versions: { viewforge: '0.1.0' },
    renderer: { name: 'chromium', browserVersion: 'Chrome/1', glRenderer: 'llvmpipe' },
    shards,
    stats: {},
    counts: { samples: sum('sft') + sum('rl'), sft_records: sum('sft'), rl_records: sum('rl'), images: 2 * (sum('sft') + sum('rl')) },
  });
}

const FULL = manifestOf([shard('sft', 0, 2), shard('rl', 0, 2), shard('rl-parquet', 0, 2), shard('sft', 1, 2), shard('rl', 1, 1), shard('rl-parquet', 1, 1)], 'Be careful.');

describe('dataset card', () => {
  it('declares an sft (default) and an rl config over the JSONL shards, with features from the schemas', () => {
    const front = buildCardFrontMatter(FULL);
    expect(front.startsWith('---\npretty_name: vfcard\n')).toBe(true);
    expect(front.endsWith('\n---\n')).toBe(true);
    expect(front).toContain(
      ['configs:', '- config_name: sft', '  default: true', '  data_files:', '  - split: train', '    path: sft/*.jsonl', '- config_name: rl', '  data_files:', '  - split: train', '    path: rl/*.jsonl'].join('\n'),
    );
    expect(front).toContain(['dataset_info:', '- config_name: sft', '  features:', '  - name: id', '    dtype: string', '  - name: messages', '    list:', '    - name: role'].join('\n'));
    expect(front).toContain(['        - name: cx', '          dtype: float64'].join('\n'));
    expect(front).toContain(['        - name: width', '          dtype: int64'].join('\n'));
    expect(front).toContain(['      - name: R', '        list:', '          list: float64'].join('\n'));
    expect(front).toContain(['- config_name: rl', '  features:', '  - name: data_source', '    dtype: string'].join('\n'));
    expect(front).not.toContain('parquet');
  });

  it('describes the run and the files, is deterministic, and takes extra sections before "Loading"', () => {
    const card = buildDatasetCard(FULL, { sections: [{ title: 'Statistics', body: 'Many.' }] });
    expect(buildDatasetCard(FULL, { sections: [{ title: 'Statistics', body: 'Many.' }] })).toBe(card);
    expect(card).toContain('\n# vfcard\n');
    expect(card).toContain('| `sft` | `sft/*.jsonl` | 2 | 4 |');
    expect(card).toContain('| `rl` | `rl/*.jsonl` | 2 | 3 |');
    expect(card).toContain('| (verl) | `rl/*.parquet` | 2 | 3 |');
    expect(card).toContain('system prompt (SFT): "Be careful."');
    expect(card).toContain('`dataset: vfcard_sft`');
    expect(card.indexOf('## Statistics')).toBeGreaterThan(card.indexOf('## Conventions'));
    expect(card.indexOf('## Statistics')).toBeLessThan(card.indexOf('## Loading'));
    expect(card).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('lists only the configs that have files; without parquet it says so', () => {
    const rlOnly = buildDatasetCard(manifestOf([shard('rl', 0, 2)]));
    expect(rlOnly).toContain('- config_name: rl\n  default: true\n');
    expect(rlOnly).not.toContain('config_name: sft');
    expect(rlOnly).toContain('no parquet copies');
  });
});

describe('toYaml', () => {
  it('writes block YAML, quoting what YAML would not read back as the same string', () => {
    expect(toYaml({ a: 'sft/*.jsonl', b: ['n<1K', 'true', '1.5', 'x y', ''], c: [{ d: 1, e: [] }, 'z'], f: null, g: false, h: {} })).toBe(
      ['a: sft/*.jsonl', 'b:', '- "n<1K"', '- "true"', '- "1.5"', '- "x y"', '- ""', 'c:', '- d: 1', '  e: []', '- z', 'f: null', 'g: false', 'h: {}', ''].join('\n'),
    );
  });
});
