import { describe, expect, it } from 'vitest';
import { buildMeta, getFamilyStage } from '../../pipeline/records/record-meta.js';
import { makeRecordInput } from './record-input-fixture.js';

const META_KEYS = [
  'id', 'index', 'split', 'seed', 'attempt', 'family', 'stage', 'template_id', 'question', 'options', 'answer',
  'answer_text', 'reasoning', 'has_cot', 'asset', 'object_pose', 'look', 'views', 'relative', 'images', 'difficulty', 'parts', 'question_view', 'question_parts', 'scene', 'question_objects', 'question_category',
];

describe('buildMeta', () => {
  it('writes the fixed keys in the fixed order', () => {
    const meta = buildMeta(makeRecordInput());
    expect(Object.keys(meta)).toEqual(META_KEYS);
    expect(Object.keys(meta.views[0])).toEqual(['K', 'R', 't', 'centre', 'c2w_gl', 'orbit']);
    expect(Object.keys(meta.views[0].K)).toEqual(['fx', 'fy', 'cx', 'cy', 'width', 'height', 'fov_y_deg']);
    expect(Object.keys(meta.relative)).toEqual([
      'R_AB', 't_AB', 'angle_deg', 'axis', 'quaternion_xyzw', 'yaw_deg', 'pitch_deg', 'roll_deg', 'baseline_m',
      'motion_in_a', 'delta_azimuth_deg', 'delta_elevation_deg', 'radius_ratio', 'delta_object_yaw_deg',
    ]);
    expect(Object.keys(meta.parts[0])).toEqual(['name', 'color', 'view_a', 'view_b']);
    expect(Object.keys(meta.parts[0].view_a)).toEqual(['visible', 'visible_fraction', 'id_pixels', 'centre_px', 'depth_m', 'horizontal', 'vertical']);
  });

  it('maps the sample to snake_case fields', () => {
    const input = makeRecordInput({ withCot: false });
    const meta = buildMeta(input);
    expect(meta).toMatchObject({
      id: 'vf-0000002a-00000007',
      index: 7,
      split: 'train',
      seed: 42,
      attempt: 1,
      family: 'orbit',
      stage: 'sft',
      template_id: 'orbit/t1',
      answer: 'B',
      answer_text: 'right by 30-60°',
      has_cot: false,
      asset: { source: 'procedural', name: 'gadget-00000007', symmetry: 'none' },
      object_pose: { yaw_deg: [123.456789, 123.456789] },
      difficulty: { margin: 12.5, margin_unit: 'deg', bin: 'right 30-60°', value: 42.5 },
    });
    expect(meta.reasoning).toBe(input.question.reasoning); // present even without CoT
    expect(meta.views[0].orbit).toEqual({ azimuth_deg: 10, elevation_deg: 20, radius_m: 3, roll_deg: 0, pan_deg: 0 });
    expect(meta.views[1].c2w_gl[3]).toEqual([0, 0, 0, 1]);
    expect(meta.images[1]).toEqual({ ...input.images[1] });
  });

  it('writes the view the question asks about and the parts it names, in question order', () => {
    expect(buildMeta(makeRecordInput())).toMatchObject({ question_view: null, question_parts: [] });
    const input = makeRecordInput();
    input.question.namedParts = [{ view: 1, name: 'handle' }, { view: 1, name: 'body' }];
    expect(buildMeta(input)).toMatchObject({ question_view: 1, question_parts: [1, 0] });
    input.question.namedParts = [{ view: 1, name: 'lid' }];
    expect(() => buildMeta(input)).toThrow(/names part "lid"/);
  });

  it('lists parts in object-spec order with facts from both views', () => {
    const meta = buildMeta(makeRecordInput());
    expect(meta.parts.map((p) => [p.name, p.color])).toEqual([['body', 'red'], ['handle', 'blue']]);
    expect(meta.parts[1].view_a).toEqual({ visible: true, visible_fraction: 0.8, id_pixels: null, centre_px: [301.25, 250.5], depth_m: 2.612345679, horizontal: 'right', vertical: 'middle' });
    expect(meta.parts[1].view_b.visible).toBe(false);
  });

  it('rounds every float and never writes -0', () => {
    const meta = buildMeta(makeRecordInput());
    const json = JSON.stringify(meta);
    expect(json).not.toMatch(/-0(?![.\d])/);
    expect(Object.is(meta.relative.roll_deg, 0)).toBe(true);
    expect(Object.is(meta.relative.delta_object_yaw_deg, 0)).toBe(true);
    expect(Object.is(meta.parts[0].view_b.centre_px[1], 0)).toBe(true);
    expect(meta.relative.radius_ratio).toBe(1.1);
    for (const m of json.matchAll(/\d\.(\d+)/g)) expect(m[1].length).toBeLessThanOrEqual(9);
  });

  it('is byte-stable', () => {
    expect(JSON.stringify(buildMeta(makeRecordInput()))).toBe(JSON.stringify(buildMeta(makeRecordInput())));
  });

  it('throws on broken invariants, naming the sample', () => {
    const bad = (mutate: (i: ReturnType<typeof makeRecordInput>) => void) => {
      const input = makeRecordInput();
      mutate(input);
      return () => buildMeta(input);
    };
    expect(bad((i) => (i.question.answerLetter = 'C'))).toThrow(/vf-0000002a-00000007.*answerLetter/);
    expect(bad((i) => (i.question.answerText = 'left by 0-30°'))).toThrow(/answerText/);
    expect(bad((i) => (i.question.family = 'elevation'))).toThrow(/planned family/);
    expect(bad((i) => (i.question.options = ['a', 'a', 'b', 'c']))).toThrow(/not unique/);
    expect(bad((i) => (i.question.question += ' <image>'))).toThrow(/question contains the reserved token "<image>"/);
    expect(bad((i) => (i.question.reasoning += '</think>'))).toThrow(/reasoning/);
    expect(bad((i) => (i.truth.views[1].parts = i.truth.views[1].parts.slice(0, 1)))).toThrow(/part "handle" has no facts for view B/);
    expect(bad((i) => (i.truth.relative.angleDeg = Number.NaN))).toThrow(/vf-0000002a-00000007.*finite/);
  });

  it('knows the stage of every SPEC family', () => {
    expect(getFamilyStage('distance')).toBe('sft');
    expect(getFamilyStage('relative-depth')).toBe('rl');
    expect(() => getFamilyStage('toString')).toThrow(/unknown question family "toString"/);
  });
});
