/**
 * Scene records re-derived in test code from the record fields alone (meta.scene, the cameras,
 * question_objects, question_view), never by calling the families' code: the answer, the
 * cross-view rule (a two-image record needs both images), margins, and balance.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFake, smallConfig } from '../scale/fake-run.js';

interface SceneObject { id: string; name: string; position: number[]; visible: [boolean, boolean] }
interface Meta {
  family: string;
  options: string[];
  answer: string;
  answer_text: string;
  question: string;
  reasoning: string;
  question_view: 0 | 1 | null;
  question_objects: string[] | null;
  scene: { objects: SceneObject[] } | null;
  views: { R: number[][]; t: number[] }[];
}

let metas: Meta[] = [];

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'vf-scene-'));
  await runFake(smallConfig(out, { count: 240, shardSize: 60, scene: 'multi', families: ['object-depth', 'object-distance'] }));
  for (const f of (await readdir(join(out, 'rl'))).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(out, 'rl', f), 'utf8')).trim().split('\n')) metas.push(JSON.parse(line).extra_info as Meta);
  }
}, 120_000);

const depth = (m: Meta, view: 0 | 1, p: number[]) => {
  const { R, t } = m.views[view];
  return R[2][0] * p[0] + R[2][1] * p[1] + R[2][2] * p[2] + t[2];
};
const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const byId = (m: Meta, id: string) => m.scene!.objects.find((o) => o.id === id)!;
const letterOf = (m: Meta, text: string) => String.fromCharCode(65 + m.options.indexOf(text));

describe('scene records', () => {
  it('object-depth: the answer is the nearer centre along the asked camera; one object hidden there and seen in the other image', () => {
    const rows = metas.filter((m) => m.family === 'object-depth');
    expect(rows.length).toBeGreaterThan(100);
    let hiddenCloser = 0;
    for (const m of rows) {
      const v = m.question_view!;
      const [x, y] = m.question_objects!.map((id) => byId(m, id));
      const [dx, dy] = [depth(m, v, x.position), depth(m, v, y.position)];
      const near = dx < dy ? x : y;
      expect(m.answer_text).toBe(near.name);
      expect(m.answer).toBe(letterOf(m, near.name));
      expect(Math.abs(dx - dy)).toBeGreaterThanOrEqual(0.12 - 1e-6);
      const hidden = [x, y].filter((o) => !o.visible[v] && o.visible[1 - v]);
      const seen = [x, y].filter((o) => o.visible[v]);
      expect(hidden.length).toBe(1);
      expect(seen.length).toBe(1);
      if (hidden[0] === near) hiddenCloser++;
      expect(m.question).toContain(x.name);
      expect(m.question).toContain(y.name);
      expect(m.reasoning).toMatch(new RegExp(`\\b${m.answer}\\b.*${near.name}`)); // it ends naming the answer
    }
    // The hidden object is the closer one about half the time (the classes are balanced).
    expect(Math.abs(hiddenCloser / rows.length - 0.5)).toBeLessThan(0.12);
  });

  it('object-distance: the answer is the centre nearer the reference in 3D; each object seen somewhere, one carried over', () => {
    const rows = metas.filter((m) => m.family === 'object-distance');
    expect(rows.length).toBeGreaterThan(100);
    for (const m of rows) {
      expect(m.question_view).toBeNull();
      const [x, y, z] = m.question_objects!.map((id) => byId(m, id));
      const [dy, dz] = [dist(x.position, y.position), dist(x.position, z.position)];
      const near = dy < dz ? y : z;
      expect(m.answer_text).toBe(near.name);
      expect(m.answer).toBe(letterOf(m, near.name));
      expect(Math.max(dy, dz) / Math.min(dy, dz)).toBeGreaterThanOrEqual(1.25 - 1e-6);
      for (const o of [x, y, z]) expect(o.visible.some(Boolean)).toBe(true);
      expect([x, y, z].some((o) => o.visible[0] !== o.visible[1])).toBe(true);
    }
  });

  it('balances the answer letters of each family', () => {
    for (const family of ['object-depth', 'object-distance']) {
      const rows = metas.filter((m) => m.family === family);
      const a = rows.filter((m) => m.answer === 'A').length / rows.length;
      expect(Math.abs(a - 0.5)).toBeLessThan(0.1);
    }
  });

  it('options name objects by their names exactly', () => {
    for (const m of metas) for (const o of m.options) expect(m.scene!.objects.map((s) => s.name)).toContain(o);
  });
});
