import { describe, expect, it } from 'vitest';
import { buildRlRecord } from '../../pipeline/records/rl-record.js';
import { buildSftRecord } from '../../pipeline/records/sft-record.js';
import { validateRlRecord } from '../../pipeline/records/validate-record.js';
import { makeRecordInput } from './record-input-fixture.js';

describe('buildRlRecord', () => {
  it('builds a valid verl record with keys in fixed order', () => {
    const rec = buildRlRecord(makeRecordInput());
    expect(Object.keys(rec)).toEqual(['data_source', 'prompt', 'images', 'ability', 'reward_model', 'extra_info']);
    expect(() => validateRlRecord(JSON.parse(JSON.stringify(rec)))).not.toThrow();
    expect(rec.data_source).toBe('viewforge');
    expect(rec.ability).toBe('spatial');
    expect(rec.reward_model).toEqual({ style: 'rule', ground_truth: 'B' });
    expect(rec.extra_info.index).toBe(7);
    expect(rec.extra_info.split).toBe('train');
  });

  it('shares the user content and the meta object with the SFT record, but for has_cot (null: an RL prompt has no target)', () => {
    const input = makeRecordInput({ systemPrompt: 'sys' });
    const rl = buildRlRecord(input);
    const sft = buildSftRecord(input);
    expect(rl.prompt).toEqual([{ role: 'user', content: sft.messages[1].content }]);
    expect(sft.meta.has_cot).toBe(true);
    expect(rl.extra_info.has_cot).toBeNull();
    expect(JSON.stringify(rl.extra_info)).toBe(JSON.stringify({ ...sft.meta, has_cot: null }));
    expect(rl.images).toEqual(sft.images);
    expect(rl.prompt[0].content.split('<image>').length - 1).toBe(rl.images.length);
  });
});
