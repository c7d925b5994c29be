import { describe, expect, it } from 'vitest';
import { buildRlRecord } from '../../pipeline/records/rl-record.js';
import { buildSftRecord } from '../../pipeline/records/sft-record.js';
import { validateRlRecord, validateSftRecord } from '../../pipeline/records/validate-record.js';
import { validateManifest } from '../../pipeline/shards/validate-manifest.js';
import { makeRecordInput } from './record-input-fixture.js';

const ID = 'vf-0000002a-00000007';

/** A plain-JSON copy of a fresh record, for mutation. */
function sft(): any {
  return JSON.parse(JSON.stringify(buildSftRecord(makeRecordInput())));
}
function rl(): any {
  return JSON.parse(JSON.stringify(buildRlRecord(makeRecordInput())));
}

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('validateSftRecord', () => {
  it('rejects an extra key, naming the id and the path', () => {
    const rec = sft();
    rec.meta.relative.extra = 1;
    const msg = messageOf(() => validateSftRecord(rec));
    expect(msg).toContain(`record "${ID}"`);
    expect(msg).toContain('/meta/relative must NOT have additional properties ("extra")');
  });

  it('rejects a missing key', () => {
    const rec = sft();
    delete rec.meta.difficulty.bin;
    expect(messageOf(() => validateSftRecord(rec))).toMatch(new RegExp(`"${ID}".*/meta/difficulty must have required property 'bin'`));
  });

  it('rejects a wrong type', () => {
    const rec = sft();
    rec.meta.views[1].K.fx = '443.1';
    expect(messageOf(() => validateSftRecord(rec))).toMatch(new RegExp(`"${ID}".*/meta/views/1/K/fx must be number`));
  });

  it('rejects a NaN that became null on the way to JSON', () => {
    const rec = sft();
    rec.meta.relative.angle_deg = Number.NaN;
    expect(messageOf(() => validateSftRecord(JSON.parse(JSON.stringify(rec))))).toContain('/meta/relative/angle_deg must be number');
  });

  it('rejects a bad sha256', () => {
    const rec = sft();
    rec.meta.images[0].sha256 = 'ABC123';
    expect(messageOf(() => validateSftRecord(rec))).toMatch(new RegExp(`"${ID}".*/meta/images/0/sha256 must match pattern`));
  });

  it('rejects image paths that leave the output root', () => {
    for (const path of ['images/../../etc/passwd', '/abs/a.jpg', 'images//a.jpg', 'images\\a.jpg', './a.jpg']) {
      const rec = sft();
      rec.images[1] = path;
      expect(messageOf(() => validateSftRecord(rec))).toMatch(new RegExp(`"${ID}".*/images/1 must match pattern`));
    }
    const rec = sft();
    rec.meta.images[0].path = 'images/00000/../x.jpg';
    expect(messageOf(() => validateSftRecord(rec))).toContain('/meta/images/0/path must match pattern');
  });

  it('rejects a letter outside A-Z and an unknown enum value', () => {
    const rec = sft();
    rec.meta.answer = 'b';
    rec.meta.images[0].format = 'gif';
    const msg = messageOf(() => validateSftRecord(rec));
    expect(msg).toContain('/meta/answer must match pattern "^[A-Z]$"');
    expect(msg).toContain('/meta/images/0/format must be equal to one of the allowed values ["jpeg","png","webp"]');
  });

  it('checks cross-field invariants', () => {
    const rec = sft();
    rec.messages[0].content = rec.messages[0].content.replace('<image><image>', '<image>');
    expect(messageOf(() => validateSftRecord(rec))).toMatch(/\/messages hold 1 <image> tokens for 2 images/);
    const wrong = sft();
    wrong.messages[1].content = wrong.messages[1].content.replace('<answer>B</answer>', '<answer>C</answer>');
    expect(messageOf(() => validateSftRecord(wrong))).toMatch(/answers "C", meta.answer is "B"/);
    const cot = sft();
    cot.meta.has_cot = false;
    expect(messageOf(() => validateSftRecord(cot))).toMatch(/think block present: true/);
    const img = sft();
    img.images[0] = 'images/00000/other.jpg';
    expect(messageOf(() => validateSftRecord(img))).toMatch(/\/images\/0 differs from \/meta\/images\/0\/path/);
  });

  it('reports at most a few problems', () => {
    const rec = sft();
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) rec.meta[k] = 1;
    expect(messageOf(() => validateSftRecord(rec))).toMatch(/and 2 more$/);
  });
});

describe('validateRlRecord', () => {
  it('names the id from extra_info and the path', () => {
    const rec = rl();
    rec.extra_info.asset.content_hash = 'z'.repeat(64);
    expect(messageOf(() => validateRlRecord(rec))).toMatch(new RegExp(`record "${ID}".*/extra_info/asset/content_hash must match pattern`));
    const extra = rl();
    extra.extra_info.views[0].orbit.fov = 1;
    expect(messageOf(() => validateRlRecord(extra))).toContain('/extra_info/views/0/orbit must NOT have additional properties ("fov")');
    const missing = rl();
    delete missing.reward_model.style;
    expect(messageOf(() => validateRlRecord(missing))).toContain("/reward_model must have required property 'style'");
    const type = rl();
    type.extra_info.index = '7';
    expect(messageOf(() => validateRlRecord(type))).toContain('/extra_info/index must be integer');
    const path = rl();
    path.images[0] = '../a.jpg';
    expect(messageOf(() => validateRlRecord(path))).toContain('/images/0 must match pattern');
  });

  it('checks ground truth against the answer', () => {
    const rec = rl();
    rec.reward_model.ground_truth = 'A';
    expect(messageOf(() => validateRlRecord(rec))).toContain('/reward_model/ground_truth differs from /extra_info/answer "B"');
  });
});

describe('validateManifest', () => {
  it('names the manifest', () => {
    expect(messageOf(() => validateManifest({}))).toMatch(/^validateManifest: record "manifest" is invalid: \/ must have required property/);
  });
});
