/**
 * Single-image scene records (`--single-view-share`; README, "Scenes"), re-derived in test code
 * from the record fields alone: one image and one `<image>` token, one camera, every named object
 * seen in that image, the answer from the fields of view A, reasoning that speaks of one image;
 * two-image records of the same run still need both images; the share, the classes and the
 * config checks.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS, validateConfig } from '../../pipeline/config.js';
import { FAMILIES } from '../../pipeline/questions/index.js';
import { runFake, smallConfig } from '../scale/fake-run.js';

interface SceneObject { id: string; name: string; category: string; position: number[]; visible: [boolean, boolean] }
interface Row {
  prompt: { content: string }[];
  images: string[];
  extra_info: {
    family: string;
    answer: string;
    answer_text: string;
    options: string[];
    question: string;
    reasoning: string;
    question_view: 0 | 1 | null;
    question_objects: string[];
    question_category: string | null;
    images: { path: string }[];
    scene: { objects: SceneObject[] };
    views: { R: number[][]; t: number[]; centre: number[] }[];
  };
}

const ONE_IMAGE = ['object-depth', 'object-distance', 'object-count', 'object-left-right'];
let rows: Row[] = [];
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'vf-one-image-'));
  await runFake(smallConfig(out, { count: 480, shardSize: 120, scene: 'multi', families: [...ONE_IMAGE, 'goal-aim'], singleViewShare: 0.5 }));
  for (const f of (await readdir(join(out, 'rl'))).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(out, 'rl', f), 'utf8')).trim().split('\n')) rows.push(JSON.parse(line) as Row);
  }
}, 120_000);

const one = (family: string) => rows.filter((r) => r.extra_info.family === family && r.images.length === 1).map((r) => r.extra_info);
const byId = (m: Row['extra_info'], id: string) => m.scene.objects.find((o) => o.id === id)!;
const depth = (m: Row['extra_info'], p: number[]) => m.views[0].R[2].reduce((s, r, k) => s + r * p[k], 0) + m.views[0].t[2];
const u = (m: Row['extra_info'], p: number[]) => {
  const c = [0, 1, 2].map((r) => m.views[0].R[r].reduce((s, v, k) => s + v * p[k], 0) + m.views[0].t[r]);
  return c[0] / c[2]; // normalised image x: enough to order left and right
};
const bearing = (m: Row['extra_info'], p: number[]) => {
  const { R, centre } = m.views[0];
  const f = [R[2][0], R[2][2]];
  const r = [R[0][0], R[0][2]];
  const d = [p[0] - centre[0], p[2] - centre[2]];
  return Math.atan2((d[0] * r[0] + d[1] * r[1]) / Math.hypot(...r), (d[0] * f[0] + d[1] * f[1]) / Math.hypot(...f));
};
const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('single-image scene records', () => {
  it('hold one image and one <image> token, from one camera, naming only objects that image shows', () => {
    const singles = rows.filter((r) => r.images.length === 1);
    expect(singles.length).toBeGreaterThan(100);
    for (const r of singles) {
      const m = r.extra_info;
      expect(ONE_IMAGE).toContain(m.family);
      expect(m.images).toHaveLength(1);
      expect(m.images[0].path).toBe(r.images[0]);
      expect(r.images[0]).toMatch(/_a\.[a-z]+$/);
      expect(r.prompt[0].content.split('<image>').length - 1).toBe(1);
      expect(m.views[1]).toEqual(m.views[0]);
      expect(m.question_view).toBe(0);
      for (const id of m.question_objects) expect(byId(m, id).visible[0]).toBe(true);
      expect(`${m.question} ${m.reasoning}`).not.toMatch(/first image|second image|both images|two images|two views/);
    }
    // goal-aim has no one-image form; the share is about half of the others' samples.
    expect(rows.filter((r) => r.extra_info.family === 'goal-aim').every((r) => r.images.length === 2)).toBe(true);
    const eligible = rows.filter((r) => ONE_IMAGE.includes(r.extra_info.family));
    expect(Math.abs(singles.length / eligible.length - 0.5)).toBeLessThan(0.1);
  });

  it('object-depth: the nearer of the two along the camera, the nearer one left or right of the other about equally often', () => {
    const ms = one('object-depth');
    expect(ms.length).toBeGreaterThan(30);
    let left = 0;
    for (const m of ms) {
      const [x, y] = m.question_objects.map((id) => byId(m, id));
      const near = depth(m, x.position) < depth(m, y.position) ? x : y;
      const far = near === x ? y : x;
      expect(m.answer_text).toBe(near.name);
      expect(Math.abs(depth(m, x.position) - depth(m, y.position))).toBeGreaterThanOrEqual(0.12 - 1e-6);
      if (u(m, near.position) < u(m, far.position)) left++;
    }
    expect(Math.abs(left / ms.length - 0.5)).toBeLessThan(0.15);
  });

  it('object-distance: the one nearer the reference in 3D; all three seen in the image', () => {
    const ms = one('object-distance');
    expect(ms.length).toBeGreaterThan(30);
    for (const m of ms) {
      const [x, y, z] = m.question_objects.map((id) => byId(m, id));
      expect(m.answer_text).toBe(dist(x.position, y.position) < dist(x.position, z.position) ? y.name : z.name);
    }
  });

  it('object-count: the objects of the category the image shows; 1, 2 and 3 about equally often', () => {
    const ms = one('object-count');
    expect(ms.length).toBeGreaterThan(30);
    const counts = new Map<string, number>();
    for (const m of ms) {
      const n = m.scene.objects.filter((o) => o.category === m.question_category && o.visible[0]).length;
      expect(m.answer_text).toBe(String(n));
      counts.set(m.answer_text, (counts.get(m.answer_text) ?? 0) + 1);
    }
    for (const n of ['1', '2', '3']) expect(Math.abs((counts.get(n) ?? 0) / ms.length - 1 / 3)).toBeLessThan(0.15);
  });

  it('object-left-right: the bearings from the camera order X and Y', () => {
    const ms = one('object-left-right');
    expect(ms.length).toBeGreaterThan(30);
    for (const m of ms) {
      const [x, y] = m.question_objects.map((id) => byId(m, id));
      expect(m.answer_text).toBe(bearing(m, x.position) < bearing(m, y.position) ? 'left' : 'right');
    }
    expect(Math.abs(ms.filter((m) => m.answer_text === 'left').length / ms.length - 0.5)).toBeLessThan(0.15);
  });

  it('two-image records of the same run still need both images', () => {
    for (const r of rows.filter((row) => row.images.length === 2 && row.extra_info.family !== 'object-count')) {
      const objects = r.extra_info.question_objects.map((id) => byId(r.extra_info, id));
      expect(objects.some((o) => o.visible[0] !== o.visible[1]), `${r.extra_info.family}: ${r.extra_info.question}`).toBe(true);
    }
  });

  it('states the share in the manifest and the card', async () => {
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.config.scene.single_view_share).toBe(0.5);
    const card = await readFile(join(out, 'README.md'), 'utf8');
    expect(card).toMatch(/of them are single-image records \(one image, one `<image>` token/);
    // The scene plots are written and linked from the card.
    for (const plot of ['plots/scene-objects.svg', 'plots/scene-categories.svg']) {
      expect(card).toContain(`](${plot})`);
      expect(await readFile(join(out, plot), 'utf8')).toMatch(/^<svg /);
    }
  });

  it('is refused where no family can be asked of one image', () => {
    const names = FAMILIES.map((f) => f.name);
    expect(() => validateConfig({ ...RUN_DEFAULTS, singleViewShare: 0.3 }, names)).toThrow(/single-view-share|singleViewShare/);
    expect(() => validateConfig({ ...RUN_DEFAULTS, scene: 'multi', families: ['goal-aim', 'camera-move'], singleViewShare: 0.3 }, names)).toThrow(/no family of this run can be asked of one image/);
    expect(validateConfig({ ...RUN_DEFAULTS, scene: 'multi', families: ['object-count'], singleViewShare: 0.3 }, names).singleViewShare).toBe(0.3);
  });
});
