/**
 * The viewpoint families asked of scenes (`--scene multi` with orbit, orbit-direction, elevation,
 * distance; README, "Scenes"): every sample is a scene, the answer is re-derived in test code from
 * the two cameras' orbits about the scene centre, the wording speaks of the scene, the reasoning
 * lists only objects by name, and the cameras stay above the ground.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS, validateConfig } from '../../pipeline/config.js';
import { resolveRunConfig } from '../../pipeline/render-dataset.js';
import { FAMILIES, SCENE_FAMILY_NAMES } from '../../pipeline/questions/index.js';
import { runFake, smallConfig } from '../scale/fake-run.js';

interface Meta {
  family: string;
  question: string;
  reasoning: string;
  answer_text: string;
  scene: { objects: { name: string; visible: [boolean, boolean] }[] } | null;
  parts: unknown[];
  views: { orbit: { azimuth_deg: number; elevation_deg: number; radius_m: number } }[];
}

const VIEWPOINT = ['orbit', 'orbit-direction', 'elevation', 'distance'];
let metas: Meta[] = [];

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'vf-vp-scene-'));
  await runFake(smallConfig(out, { count: 160, shardSize: 80, scene: 'multi', families: VIEWPOINT }));
  for (const f of (await readdir(join(out, 'sft'))).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(out, 'sft', f), 'utf8')).trim().split('\n')) metas.push(JSON.parse(line).meta as Meta);
  }
}, 120_000);

const deltaAz = (m: Meta) => {
  const d = m.views[1].orbit.azimuth_deg - m.views[0].orbit.azimuth_deg;
  return ((((d + 180) % 360) + 360) % 360) - 180;
};

describe('viewpoint families on scenes', () => {
  it('makes every sample a scene whose cameras stand above its ground', () => {
    expect(metas).toHaveLength(160);
    for (const m of metas) {
      expect(VIEWPOINT).toContain(m.family);
      expect(m.scene).not.toBeNull();
      for (const v of m.views) expect(v.orbit.elevation_deg).toBeGreaterThanOrEqual(5 - 1e-6);
    }
  });

  it('speaks of the scene, never of "the object", and names objects, not parts', () => {
    for (const m of metas) {
      expect(`${m.question} ${m.reasoning}`).not.toMatch(/\bthe object\b|\bThe object\b|\bpart\b/);
      expect(m.question).toMatch(/scene/);
      // Each image sentence lists objects of the scene by their names.
      const named = m.scene!.objects.filter((o) => m.reasoning.includes(`the ${o.name}`));
      expect(named.length).toBeGreaterThan(0);
      for (const o of named) {
        if (!o.visible[0] && !o.visible[1]) throw new Error(`${m.family}: the reasoning names ${o.name}, seen in neither image`);
      }
    }
  });

  it('answers from the two cameras about the scene centre', () => {
    for (const m of metas) {
      const d = deltaAz(m);
      const side = d > 0 ? 'right' : 'left';
      if (m.family === 'orbit-direction') expect(m.answer_text).toBe(side);
      if (m.family === 'orbit') {
        const edges = [0, 30, 60, 90, 135, 180];
        const bin = edges.findIndex((e, i) => Math.abs(d) >= e && Math.abs(d) < edges[i + 1]);
        expect(m.answer_text).toBe(`${side}, ${edges[bin]}–${edges[bin + 1]}°`);
      }
      if (m.family === 'elevation') {
        const de = m.views[1].orbit.elevation_deg - m.views[0].orbit.elevation_deg;
        if (m.answer_text === 'higher') expect(de).toBeGreaterThan(0);
        if (m.answer_text === 'lower') expect(de).toBeLessThan(0);
      }
      if (m.family === 'distance') {
        const ratio = m.views[1].orbit.radius_m / m.views[0].orbit.radius_m;
        if (m.answer_text === 'closer') expect(ratio).toBeLessThan(1);
        if (m.answer_text === 'farther') expect(ratio).toBeGreaterThan(1);
      }
    }
  });

  it('is allowed with --scene multi only for the families that can ask scenes; multi alone still asks the scene families', () => {
    const names = FAMILIES.map((f) => f.name);
    expect(FAMILIES.filter((f) => f.onScenes).map((f) => f.name)).toEqual(VIEWPOINT);
    expect(validateConfig({ ...RUN_DEFAULTS, scene: 'multi', families: ['orbit', 'object-depth'] }, names).families).toEqual(['orbit', 'object-depth']);
    expect(() => validateConfig({ ...RUN_DEFAULTS, scene: 'multi', families: ['perspective', 'object-depth'] }, names)).toThrow(/perspective ask about single objects only/);
    expect(resolveRunConfig({ scene: 'multi' }).families).toEqual([...SCENE_FAMILY_NAMES]);
  });
});
