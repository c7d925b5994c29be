import { describe, expect, it } from 'vitest';
import { buildExamplesSection, elideRecord, prettyJson } from '../../pipeline/stats/example-records.js';

describe('elideRecord', () => {
  it('replaces matrices, cuts parts and long strings, keeps the rest', () => {
    const record = {
      id: 'vf-1',
      meta: {
        R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        c2w_gl: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
        t: [0, 0, 3],
        options: ['a', 'b'],
        reasoning: 'x'.repeat(700),
        parts: [{ name: 'knob' }, { name: 'fin' }, { name: 'handle' }],
      },
    };
    const out = elideRecord(record) as typeof record & { meta: Record<string, unknown> };
    expect(out.meta.R).toBe('<3×3 matrix elided>');
    expect(out.meta.c2w_gl).toBe('<4×4 matrix elided>');
    expect(out.meta.t).toEqual([0, 0, 3]);
    expect(out.meta.options).toEqual(['a', 'b']);
    expect(out.meta.reasoning).toBe(`${'x'.repeat(600)}…`);
    expect(out.meta.parts).toEqual([{ name: 'knob' }, '<2 more parts elided>']);
    expect(record.meta.R).toHaveLength(3); // input untouched
  });
});

describe('prettyJson', () => {
  it('indents objects and keeps flat arrays on one line', () => {
    expect(prettyJson({ a: [1, 2], b: { c: 'x' }, d: [], e: {} })).toBe('{\n  "a": [1, 2],\n  "b": {\n    "c": "x"\n  },\n  "d": [],\n  "e": {}\n}');
    expect(JSON.parse(prettyJson({ m: [{ role: 'user', content: 'q' }] }))).toEqual({ m: [{ role: 'user', content: 'q' }] });
  });
});

describe('buildExamplesSection', () => {
  it('shows each record in a fenced block that its content cannot close, and says what was shortened', () => {
    const s = buildExamplesSection({ sft: { path: 'sft/shard-00000.jsonl', record: { note: 'has ``` inside' } }, rl: null });
    expect(s.title).toBe('Example records');
    expect(s.body).toContain('line 1 of `sft/shard-00000.jsonl`');
    expect(s.body).toContain('````json\n');
    expect(s.body).toMatch(/RL \(verl\): none/);
    expect(s.body).toMatch(/rotation matrices .* replaced by a placeholder/);
  });
});
