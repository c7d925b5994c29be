/**
 * Scene records re-derived in test code from the record fields alone (meta.scene, the cameras,
 * question_objects, question_view), never by calling the families' code: the answer, the
 * cross-view rule (a two-image record needs both images), margins, and balance.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENE_FAMILY_NAMES } from '../../pipeline/questions/index.js';
import { runFake, smallConfig } from '../scale/fake-run.js';

interface SceneObject { id: string; name: string; category: string; position: number[]; position_b: number[] | null; yaw_deg: number; yaw_deg_b: number | null; visible: [boolean, boolean] }
interface Meta {
  family: string;
  options: string[];
  answer: string;
  answer_text: string;
  question: string;
  reasoning: string;
  question_view: 0 | 1 | null;
  question_objects: string[] | null;
  question_category: string | null;
  scene: { objects: SceneObject[] } | null;
  views: { R: number[][]; t: number[]; centre: number[] }[];
}

let metas: Meta[] = [];

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'vf-scene-'));
  await runFake(smallConfig(out, { count: 600, shardSize: 100, scene: 'multi', families: [...SCENE_FAMILY_NAMES] }));
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
/** Bearing from camera v about world up, written out from R's rows and the centre (0 ahead, + right). */
const bearing = (m: Meta, v: number, p: number[]) => {
  const { R, centre } = m.views[v];
  const f = [R[2][0], R[2][2]];
  const r = [R[0][0], R[0][2]];
  const d = [p[0] - centre[0], p[2] - centre[2]];
  return (Math.atan2((d[0] * r[0] + d[1] * r[1]) / Math.hypot(...r), (d[0] * f[0] + d[1] * f[1]) / Math.hypot(...f)) * 180) / Math.PI;
};
const carried = (o: SceneObject) => o.visible[0] !== o.visible[1];
const share = <T>(rows: T[], pred: (r: T) => boolean) => rows.filter(pred).length / rows.length;

describe('scene records', () => {
  it('object-depth: the answer is the nearer centre along the asked camera; one object hidden there and seen in the other image', () => {
    const rows = metas.filter((m) => m.family === 'object-depth');
    expect(rows.length).toBeGreaterThan(60);
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
    expect(rows.length).toBeGreaterThan(60);
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

  it('goal-aim: side and bin of the target\'s bearing from camera A; the target hidden in image A, seen in image B', () => {
    const rows = metas.filter((m) => m.family === 'goal-aim');
    expect(rows.length).toBeGreaterThan(60);
    const edges = [0, 45, 90, 180];
    for (const m of rows) {
      const x = byId(m, m.question_objects![0]);
      expect(x.visible).toEqual([false, true]);
      const b = bearing(m, 0, x.position);
      const bin = edges.findIndex((e, i) => Math.abs(b) >= e && Math.abs(b) < edges[i + 1]);
      expect(m.answer_text).toBe(`${b > 0 ? 'right' : 'left'}, ${edges[bin]}–${edges[bin + 1]}°`);
      expect(Math.min(...edges.map((e) => Math.abs(Math.abs(b) - e)))).toBeGreaterThanOrEqual(5 - 1e-6);
    }
    // Side × bin classes about equally often.
    const classes = new Map<string, number>();
    for (const m of rows) classes.set(m.answer_text, (classes.get(m.answer_text) ?? 0) + 1);
    expect(classes.size).toBe(6);
    for (const [, n] of classes) expect(Math.abs(n / rows.length - 1 / 6)).toBeLessThan(0.1);
  });

  it('perspective-taking: standing at X facing Y, the side of Z on the ground plane', () => {
    const rows = metas.filter((m) => m.family === 'perspective-taking');
    expect(rows.length).toBeGreaterThan(60);
    for (const m of rows) {
      const [x, y, z] = m.question_objects!.map((id) => byId(m, id));
      const f = [y.position[0] - x.position[0], y.position[2] - x.position[2]];
      const d = [z.position[0] - x.position[0], z.position[2] - x.position[2]];
      const cross = f[0] * d[1] - f[1] * d[0]; // facing −Z (f = [0, −1]), +X (d = [1, 0]) is the right: cross = 1 > 0
      expect(m.answer_text).toBe(cross > 0 ? 'right' : 'left');
      for (const o of [x, y, z]) expect(o.visible.some(Boolean)).toBe(true);
      expect([x, y, z].some(carried)).toBe(true);
    }
    expect(Math.abs(share(rows, (m) => m.answer_text === 'left') - 0.5)).toBeLessThan(0.15);
  });

  it('object-count: the objects of the category seen in some image, one of them in one image only', () => {
    const rows = metas.filter((m) => m.family === 'object-count');
    expect(rows.length).toBeGreaterThan(60);
    const counts = new Map<string, number>();
    for (const m of rows) {
      const members = m.scene!.objects.filter((o) => o.category === m.question_category);
      const counted = members.filter((o) => o.visible[0] || o.visible[1]);
      expect(m.answer_text).toBe(String(counted.length));
      expect(counted.some(carried)).toBe(true);
      expect(m.question_objects).toEqual([]);
      counts.set(m.answer_text, (counts.get(m.answer_text) ?? 0) + 1);
    }
    // 1, 2 and 3 about equally often.
    for (const n of ['1', '2', '3']) expect(Math.abs((counts.get(n) ?? 0) / rows.length - 1 / 3)).toBeLessThan(0.12);
  });

  it('object-left-right: the bearings from the asked camera order X and Y; X hidden there, seen in the other image', () => {
    const rows = metas.filter((m) => m.family === 'object-left-right');
    expect(rows.length).toBeGreaterThan(60);
    for (const m of rows) {
      const v = m.question_view!;
      const [x, y] = m.question_objects!.map((id) => byId(m, id));
      expect(x.visible[v]).toBe(false);
      expect(x.visible[1 - v]).toBe(true);
      expect(y.visible[v]).toBe(true);
      const [bx, by] = [bearing(m, v, x.position), bearing(m, v, y.position)];
      expect(m.answer_text).toBe(bx < by ? 'left' : 'right');
      expect(Math.abs(bx - by)).toBeGreaterThanOrEqual(8 - 1e-6);
    }
    expect(Math.abs(share(rows, (m) => m.answer_text === 'left') - 0.5)).toBeLessThan(0.15);
  });

  it('action-consequence: the target\'s bearing from camera A minus the stated turn gives its place', () => {
    const rows = metas.filter((m) => m.family === 'action-consequence');
    expect(rows.length).toBeGreaterThan(40);
    const places = new Map<string, number>();
    for (const m of rows) {
      const x = byId(m, m.question_objects![0]);
      expect(x.visible).toEqual([false, true]);
      const turned = /turn (left|right) by (45|90)°|turn around/.exec(m.question);
      const turn = turned === null ? NaN : turned[1] === undefined ? 180 : (turned[1] === 'left' ? -1 : 1) * Number(turned[2]);
      expect(Number.isNaN(turn), m.question).toBe(false);
      let after = bearing(m, 0, x.position) - turn;
      after = ((((after + 180) % 360) + 360) % 360) - 180;
      const a = Math.abs(after);
      const place = a < 45 ? 'ahead of you' : a > 135 ? 'behind you' : after > 0 ? 'on your right' : 'on your left';
      expect(m.answer_text).toBe(place);
      expect(Math.min(Math.abs(a - 45), Math.abs(a - 135))).toBeGreaterThanOrEqual(10 - 1e-6);
      places.set(place, (places.get(place) ?? 0) + 1);
    }
    for (const [, n] of places) expect(Math.abs(n / rows.length - 0.25)).toBeLessThan(0.12);
    expect(places.size).toBe(4);
  });

  it('camera-move: forward/back and left/right from the two cameras alone', () => {
    const rows = metas.filter((m) => m.family === 'camera-move');
    expect(rows.length).toBeGreaterThan(40);
    const answers = new Map<string, number>();
    for (const m of rows) {
      const [a, b] = m.views;
      const f = [a.R[2][0], a.R[2][2]];
      const step = (b.centre[0] - a.centre[0]) * f[0] + (b.centre[2] - a.centre[2]) * f[1];
      const g = [b.R[2][0], b.R[2][2]];
      const r = [a.R[0][0], a.R[0][2]];
      const turnRight = g[0] * r[0] + g[1] * r[1] > 0; // B's heading has a component along A's right
      expect(m.answer_text).toBe(`moved ${step > 0 ? 'forward' : 'back'} and turned ${turnRight ? 'right' : 'left'}`);
      answers.set(m.answer_text, (answers.get(m.answer_text) ?? 0) + 1);
    }
    expect(answers.size).toBe(4);
    for (const [, n] of answers) expect(Math.abs(n / rows.length - 0.25)).toBeLessThan(0.12);
  });

  it('object-move: the moved object\'s step from position to position_b, on camera A\'s ground axes; one camera, one object moved, seen in both images', () => {
    const rows = metas.filter((m) => m.family === 'object-move');
    expect(rows.length).toBeGreaterThan(40);
    const answers = new Map<string, number>();
    for (const m of rows) {
      // One camera for both images.
      expect(m.views[1].centre).toEqual(m.views[0].centre);
      expect(m.views[1].R).toEqual(m.views[0].R);
      const moved = m.scene!.objects.filter((o) => o.position_b !== null);
      expect(moved).toHaveLength(1);
      const x = moved[0];
      expect(m.question_objects).toEqual([x.id]);
      expect(x.visible).toEqual([true, true]);
      expect(x.yaw_deg_b).toBe(x.yaw_deg);
      for (const o of m.scene!.objects) if (o !== x) expect(o.yaw_deg_b).toBeNull();
      const { R } = m.views[0];
      const f = [R[2][0], R[2][2]].map((v, _, a) => v / Math.hypot(a[0], a[1])); // viewing direction on the ground
      const r = [-f[1], f[0]]; // its right: facing −Z, the right is +X
      const d = [x.position_b![0] - x.position[0], x.position_b![2] - x.position[2]];
      const right = d[0] * r[0] + d[1] * r[1];
      const ahead = d[0] * f[0] + d[1] * f[1];
      expect(Math.hypot(right, ahead)).toBeGreaterThanOrEqual(0.18 - 1e-6);
      const expected = Math.abs(right) > Math.abs(ahead) ? (right > 0 ? 'to the right' : 'to the left') : ahead > 0 ? 'away from the camera' : 'towards the camera';
      expect(m.answer_text).toBe(expected);
      // Away from the diagonals between two answers by at least 10°.
      const off = Math.abs(Math.atan2(Math.min(Math.abs(right), Math.abs(ahead)), Math.max(Math.abs(right), Math.abs(ahead))) * 180 / Math.PI);
      expect(45 - off).toBeGreaterThanOrEqual(10 - 1e-6);
      expect(m.question).toContain(x.name);
      answers.set(m.answer_text, (answers.get(m.answer_text) ?? 0) + 1);
    }
    expect(answers.size).toBe(4);
    for (const [, n] of answers) expect(Math.abs(n / rows.length - 0.25)).toBeLessThan(0.12);
  });

  it('balances the answer letters of each family', () => {
    for (const family of ['object-depth', 'object-distance', 'goal-aim', 'perspective-taking', 'object-count', 'object-left-right', 'action-consequence', 'camera-move', 'object-move']) {
      const rows = metas.filter((m) => m.family === family);
      const letters = [...new Set(rows.flatMap((m) => m.options.map((_, i) => String.fromCharCode(65 + i))))];
      for (const l of letters) expect(Math.abs(share(rows, (m) => m.answer === l) - 1 / letters.length), `${family} ${l}`).toBeLessThan(0.12);
    }
  });

  it('options name objects by their names exactly', () => {
    for (const m of metas.filter((r) => r.family === 'object-depth' || r.family === 'object-distance')) for (const o of m.options) expect(m.scene!.objects.map((s) => s.name)).toContain(o);
    // Every object a question names is in the question text by its name.
    for (const m of metas) for (const id of m.question_objects!) expect(m.question).toContain(byId(m, id).name);
  });
});

describe('scene determinism', () => {
  it('writes the same bytes whatever the concurrency and the worker split', async () => {
    // Both kinds: the scene families' records (rl/) and orbit's, asked of scenes (sft/); single-image records among them.
    const shardsOf = async (dir: string) => {
      const files = (await Promise.all(['rl', 'sft'].map(async (kind) => (await readdir(join(dir, kind))).filter((f) => f.endsWith('.jsonl')).map((f) => `${kind}/${f}`)))).flat().sort();
      return new Map(await Promise.all(files.map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const)));
    };
    const base = { count: 40, shardSize: 10, scene: 'multi' as const, families: [...SCENE_FAMILY_NAMES, 'orbit'], singleViewShare: 0.5 };
    const one = await mkdtemp(join(tmpdir(), 'vf-scene-det-'));
    await runFake(smallConfig(one, { ...base, concurrency: 1 }));
    const four = await mkdtemp(join(tmpdir(), 'vf-scene-det-'));
    await runFake(smallConfig(four, { ...base, concurrency: 4 }));
    const reference = await shardsOf(one);
    expect(reference.size).toBe(8);
    const records = [...reference.values()].flatMap((text) => text.trim().split('\n').map((l) => JSON.parse(l) as { images: string[] }));
    expect(records.some((r) => r.images.length === 1)).toBe(true);
    expect(await shardsOf(four)).toEqual(reference);
    for (const shardIndex of [0, 1]) {
      const part = await mkdtemp(join(tmpdir(), 'vf-scene-det-'));
      await runFake(smallConfig(part, { ...base, concurrency: 2, shardIndex, shardCount: 2 }));
      for (const [f, text] of await shardsOf(part)) expect(text, `worker ${shardIndex} ${f}`).toBe(reference.get(f));
    }
  }, 120_000);
});

describe('scene summary (the card section)', () => {
  it('counts scenes, objects per scene, categories and answer contents of the records', async () => {
    const { SceneSummaryCollector, buildSceneSection, listScenePlots } = await import('../../pipeline/stats/scene-summary.js');
    const collector = new SceneSummaryCollector();
    for (const m of metas) collector.add({ ...m, id: (m as unknown as { id: string }).id } as unknown as Record<string, unknown>);
    const summary = collector.result()!;
    expect(summary.scenes).toBe(metas.length);
    expect(Object.values(summary.objectsPerScene).reduce((a, b) => a + b, 0)).toBe(metas.length);
    expect(Object.values(summary.categories).reduce((a, b) => a + b, 0)).toBe(metas.reduce((n, m) => n + m.scene!.objects.length, 0));
    const depth = summary.answers['object-depth'];
    expect(Object.keys(depth).sort()).toEqual(['first-named', 'second-named']);
    expect(buildSceneSection(summary)!.body).toMatch(/\| object-count|\*\*object-count\*\*/);
    expect(buildSceneSection(new SceneSummaryCollector().result())).toBeNull();
    // Plots: scenes by object count (every scene once) and objects by category.
    const [objects, categories] = listScenePlots(summary);
    expect([objects.path, categories.path]).toEqual(['plots/scene-objects.svg', 'plots/scene-categories.svg']);
    for (const k of Object.keys(summary.objectsPerScene)) expect(objects.svg).toContain(`>${k}<`);
    for (const k of Object.keys(summary.categories)) expect(categories.svg).toContain(`>${k}<`);
    expect(listScenePlots(null)).toEqual([]);
  });
});
