import { describe, expect, it } from 'vitest';
import { getFamilyQuotas, selectPreviewSamples } from '../../pipeline/preview/select-samples.js';
import type { ShardRecord } from '../../pipeline/stats/read-shard-records.js';

function rec(index: number, family: string, stage: 'sft' | 'rl', kind: 'sft' | 'rl' = stage): ShardRecord {
  const meta = {
    id: `vf-${index}`,
    index,
    family,
    stage,
    template_id: `${family}/t1`,
    question: 'q',
    options: ['a', 'b'],
    answer: 'A',
    answer_text: 'a',
    reasoning: 'r',
    has_cot: false,
    images: [{ path: `images/00000/vf-${index}_a.jpg`, width: 8, height: 8, format: 'jpeg' }],
    relative: { delta_azimuth_deg: 12.345, delta_elevation_deg: -1, angle_deg: 13, yaw_deg: 1, pitch_deg: 2, roll_deg: 3, baseline_m: 0.5, radius_ratio: 1, delta_object_yaw_deg: 0 },
    views: [{ orbit: { azimuth_deg: 10, elevation_deg: 5 } }, { orbit: { azimuth_deg: 22.345, elevation_deg: 4 } }],
    difficulty: { margin: 2.5, margin_unit: 'deg', bin: 'left', value: 12 },
  };
  return { kind, path: `${kind}/shard-00000.jsonl`, line: index, record: kind === 'sft' ? { meta } : { extra_info: meta } };
}

async function* stream(records: ShardRecord[], seen: number[] = []): AsyncGenerator<ShardRecord> {
  for (const r of records) {
    seen.push(r.record === undefined ? -1 : r.line);
    yield r;
  }
}

const DATA = [rec(0, 'orbit', 'sft'), rec(1, 'orbit', 'sft'), rec(2, 'orbit', 'sft'), rec(3, 'distance', 'sft'), rec(4, 'perspective', 'rl'), rec(5, 'perspective', 'rl')];

describe('selectPreviewSamples', () => {
  it('spreads over families round-robin in the configured order', async () => {
    const picked = await selectPreviewSamples(stream(DATA), { n: 5, families: ['perspective', 'orbit', 'distance'] });
    expect(picked.map((s) => s.index)).toEqual([4, 0, 3, 5, 1]);
  });

  it('takes every sample when n exceeds the data set, and each sample once with --stages both', async () => {
    const both = [...DATA, rec(0, 'orbit', 'sft', 'rl'), rec(4, 'perspective', 'rl', 'sft')];
    const picked = await selectPreviewSamples(stream(both), { n: 50, families: ['orbit', 'distance', 'perspective'] });
    expect(picked.map((s) => s.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('stops reading once the known family shares are filled', async () => {
    const seen: number[] = [];
    const picked = await selectPreviewSamples(stream(DATA, seen), { n: 2, families: ['orbit', 'distance', 'perspective'], available: { orbit: 3, distance: 1, perspective: 2 } });
    expect(picked.map((s) => s.index)).toEqual([0, 3]);
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('formats the key ground-truth numbers', async () => {
    const [s] = await selectPreviewSamples(stream(DATA), { n: 1, families: ['orbit'] });
    const facts = Object.fromEntries(s.facts.map((f) => [f.label, f.value]));
    expect(facts['Δ azimuth']).toBe('12.3°');
    expect(facts['azimuth A → B']).toBe('10.0° → 22.3°');
    expect(facts['baseline']).toBe('0.500 m');
    expect(facts['bin / margin']).toBe('left / 2.50 deg');
    expect(s.images[0].path).toBe('images/00000/vf-0_a.jpg');
  });
});

describe('getFamilyQuotas', () => {
  it('deals n out round-robin, skipping families that run out', () => {
    expect(Object.fromEntries(getFamilyQuotas(['a', 'b', 'c'], { a: 10, b: 1, c: 3 }, 7))).toEqual({ a: 3, b: 1, c: 3 });
    expect(Object.fromEntries(getFamilyQuotas(['a', 'b'], { a: 1, b: 1 }, 7))).toEqual({ a: 1, b: 1 });
  });
});

describe('sceneFacts', () => {
  it('lists a scene\'s objects with the images that show them, the moved one, and what the question names', async () => {
    const { sceneFacts } = await import('../../pipeline/preview/select-samples.js');
    const meta = {
      images: [{}, {}],
      question_objects: ['o1'],
      question_category: null,
      scene: {
        objects: [
          { id: 'o0', name: 'red mug', visible: [true, true], position_b: null },
          { id: 'o1', name: 'chair', visible: [false, true], position_b: [0, 0, 0] },
          { id: 'o2', name: 'ball', visible: [false, false], position_b: null },
        ],
      },
    };
    expect(sceneFacts(meta)).toEqual([
      { label: 'objects (seen in)', value: 'red mug (A, B) · chair (B), moved · ball (—)' },
      { label: 'question names', value: 'chair' },
    ]);
    // A single-image record shows image A only; counting names the category.
    expect(sceneFacts({ ...meta, images: [{}], question_objects: [], question_category: 'mug' })).toEqual([
      { label: 'objects (seen in)', value: 'red mug (A) · chair (—), moved · ball (—)' },
      { label: 'question names', value: 'counts: mug' },
    ]);
    expect(sceneFacts({ scene: null })).toEqual([]);
  });
});
