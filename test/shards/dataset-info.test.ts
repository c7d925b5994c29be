import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDatasetInfo, writeDatasetInfo } from '../../pipeline/shards/dataset-info.js';

const SPEC_EXAMPLE = {
  viewforge_sft: {
    file_name: 'sft',
    formatting: 'sharegpt',
    columns: { messages: 'messages', images: 'images' },
    tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
  },
};

describe('buildDatasetInfo', () => {
  it("returns the registration the README's Output section describes", () => {
    expect(JSON.stringify(buildDatasetInfo('viewforge'))).toBe(JSON.stringify(SPEC_EXAMPLE));
  });

  it('rejects names that are not identifiers', () => {
    expect(() => buildDatasetInfo('')).toThrow(TypeError);
    expect(() => buildDatasetInfo('a b')).toThrow(/dataset name/);
  });
});

describe('writeDatasetInfo', () => {
  it('writes dataset_info.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vf-info-'));
    try {
      await writeDatasetInfo(dir, 'viewforge');
      expect(JSON.parse(await readFile(join(dir, 'dataset_info.json'), 'utf8'))).toEqual(SPEC_EXAMPLE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
