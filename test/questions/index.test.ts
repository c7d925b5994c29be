import { describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../../pipeline/config.js';
import {
  ANSWER_TEMPLATES,
  CHANGE_TEMPLATES,
  SHIFT_TEMPLATES,
  VIEW_TEMPLATES,
  countWords,
  describeView,
  fillTemplate,
  joinList,
  listWithRegions,
  observeViews,
  partsToList,
  regionPhrase,
  writeReasoning,
  type PartMention,
} from '../../pipeline/questions/describe-view.js';
import { DISTANCE_TEMPLATES } from '../../pipeline/questions/distance.js';
import { ELEVATION_TEMPLATES } from '../../pipeline/questions/elevation.js';
import { EGO_TURN_TEMPLATES } from '../../pipeline/questions/ego-turn.js';
import { FAMILIES, SAT_FAMILIES, SCENE_FAMILIES, VIEWPOINT_FAMILIES, getFamily, listFamilyNames, listFamilyNamesOfStage } from '../../pipeline/questions/index.js';
import { OBJECT_ROTATION_TEMPLATES } from '../../pipeline/questions/object-rotation.js';
import { PERSPECTIVE_TEMPLATES } from '../../pipeline/questions/perspective.js';
import { RELATIVE_DEPTH_TEMPLATES } from '../../pipeline/questions/relative-depth.js';
import { getFamilyStage } from '../../pipeline/records/record-meta.js';
import { ORBIT_DIRECTION_TEMPLATES } from '../../pipeline/questions/orbit-direction.js';
import { ORBIT_TEMPLATES, buildOrbitQuestion } from '../../pipeline/questions/orbit.js';
import { createRng } from '../../pipeline/rng.js';
import { reasoningProblems } from './check-reasoning.js';
import { PARTS_A, PARTS_B, makeTruth } from './make-truth.js';

describe('family registry', () => {
  it('lists the viewpoint families, then the SAT families, then the scene families, in a fixed order', () => {
    const viewpoint = ['orbit', 'orbit-direction', 'elevation', 'distance'];
    const sat = ['ego-turn', 'object-rotation', 'perspective', 'relative-depth'];
    const scene = ['object-depth', 'object-distance', 'goal-aim', 'perspective-taking', 'object-count', 'object-left-right', 'action-consequence', 'camera-move', 'object-move'];
    expect(listFamilyNames()).toEqual([...viewpoint, ...sat, ...scene]);
    expect(FAMILIES.map((f) => f.name)).toEqual([...viewpoint, ...sat, ...scene]);
    expect(SCENE_FAMILIES.map((f) => f.name)).toEqual(scene);
    expect(SCENE_FAMILIES.every((f) => f.scene && f.stage === 'rl')).toBe(true);
    expect(VIEWPOINT_FAMILIES.map((f) => f.name)).toEqual(viewpoint);
    expect(SAT_FAMILIES.map((f) => f.name)).toEqual(sat);
    expect(VIEWPOINT_FAMILIES.every((f) => f.stage === 'sft')).toBe(true);
    expect(SAT_FAMILIES.every((f) => f.stage === 'rl')).toBe(true);
    expect(listFamilyNamesOfStage('sft')).toEqual(viewpoint);
    expect(listFamilyNamesOfStage('rl')).toEqual([...sat, ...scene]);
    expect(FAMILIES.map((f) => f.optionCount)).toEqual([4, 2, 3, 3, 4, 4, 2, 2, 2, 2, 4, 2, 3, 2, 4, 4, 4]);
  });

  it('agrees with the stage table the records use', () => {
    for (const f of FAMILIES) expect(getFamilyStage(f.name)).toBe(f.stage);
    expect(() => getFamilyStage('orbitt')).toThrow(/unknown question family "orbitt"/);
  });

  it('looks families up by name, and lists the known names for an unknown one', () => {
    for (const f of FAMILIES) expect(getFamily(f.name)).toBe(f);
    expect(() => getFamily('orbitt')).toThrow(
      'questions: unknown question family "orbitt"; known families: orbit, orbit-direction, elevation, distance, ego-turn, object-rotation, perspective, relative-depth',
    );
  });

  it('knows every family the run config asks for by default', () => {
    for (const name of RUN_DEFAULTS.families) expect(() => getFamily(name)).not.toThrow();
  });

  it('has at least three question phrasings per family, none with image tokens or option lists', () => {
    for (const templates of [ORBIT_TEMPLATES, ORBIT_DIRECTION_TEMPLATES, ELEVATION_TEMPLATES, DISTANCE_TEMPLATES, EGO_TURN_TEMPLATES, OBJECT_ROTATION_TEMPLATES]) {
      expect(templates.length).toBeGreaterThanOrEqual(3);
      expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
      for (const t of templates) {
        expect(t.text).not.toMatch(/<image>|\bA[.)] /);
        expect(t.text).toMatch(/first image|two images|both images/i);
        expect(t.text).toMatch(/\bsecond\b|two images|both images/i);
      }
    }
    // The part-pair families ask about the second image and name two parts ({x}, {y}).
    for (const templates of [PERSPECTIVE_TEMPLATES, RELATIVE_DEPTH_TEMPLATES]) {
      expect(templates.length).toBeGreaterThanOrEqual(3);
      for (const t of templates) {
        expect(t.text).not.toMatch(/<image>|\bA[.)] /);
        expect(t.text).toMatch(/\bsecond\b/);
        expect(t.text).toMatch(/\{x\}.*\{y\}/);
      }
    }
  });
});

describe('reasoning sentences', () => {
  it('has at least two phrasings of every sentence', () => {
    expect(VIEW_TEMPLATES.length).toBeGreaterThanOrEqual(2);
    for (const list of Object.values(CHANGE_TEMPLATES)) expect(list.length).toBeGreaterThanOrEqual(2);
    expect(SHIFT_TEMPLATES.length).toBeGreaterThanOrEqual(2);
    expect(ANSWER_TEMPLATES.length).toBeGreaterThanOrEqual(2);
    for (const t of ANSWER_TEMPLATES) expect(t).toMatch(/\{letter\}.*\{text\}/);
  });

  it('names image regions from the vertical and horizontal thirds', () => {
    expect(regionPhrase('top', 'left')).toBe('in the upper left');
    expect(regionPhrase('middle', 'centre')).toBe('in the centre');
    expect(regionPhrase('bottom', 'right')).toBe('in the lower right');
    expect(regionPhrase('middle', 'right')).toBe('on the right');
  });

  it('fills templates, capitalises {Key}, and refuses a missing value', () => {
    expect(fillTemplate('{Part} is {where}.', { part: 'the red handle', where: 'on the left' })).toBe('The red handle is on the left.');
    expect(() => fillTemplate('{nope}', {})).toThrow(/needs \{nope\}/);
    expect(joinList(['a'])).toBe('a');
    expect(joinList(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('observes visible parts, appearances, disappearances and shifts from the truth', () => {
    const obs = observeViews(makeTruth({ azimuthDeg: 0 }, { azimuthDeg: 40 }));
    expect(obs.visible[0].map((m) => m.label)).toEqual(['the green body', 'the red handle', 'the blue knob']);
    expect(obs.visible[1].map((m) => m.label)).toEqual(['the green body', 'the blue knob', 'the yellow fin']);
    expect(obs.appeared.map((m) => m.name)).toEqual(['fin']);
    expect(obs.disappeared.map((m) => m.name)).toEqual(['handle']);
    expect(obs.shifted).toEqual([{ label: 'the blue knob', from: 'centre', to: 'right' }]);
  });

  it('groups parts by region and names the nearest of those listed', () => {
    const obs = observeViews(makeTruth({}, { azimuthDeg: 40 }));
    expect(listWithRegions(obs.visible[0])).toBe('the green body in the centre, the red handle on the left, and the blue knob at the top centre');
    const twoInCentre: PartMention[] = [obs.visible[0][0], { ...obs.visible[0][2], vertical: 'middle' }, obs.visible[0][1]];
    expect(listWithRegions(twoInCentre)).toBe('the green body and the blue knob in the centre, and the red handle on the left');
    expect(describeView(obs.visible[0], 'first', 0, 3)).toBe(
      'The first image shows the green body in the centre, the red handle on the left, and the blue knob at the top centre, with the red handle the nearest of them to the camera.',
    );
    // With two parts listed, the nearest is the nearer of those two (the handle is not listed).
    expect(describeView(obs.visible[0], 'first', 1, 1)).toBe('In the first image I see the green body in the centre.');
    expect(describeView([obs.visible[0][0], obs.visible[0][2]], 'first', 1, 2)).toMatch(/of these, the blue knob is closest/);
    expect(describeView([], 'second', 0, 3)).toBe('The second image shows no named part clearly.');
  });

  it('lists the parts both images share first, then what dropped out of (came into) sight', () => {
    const obs = observeViews(makeTruth({}, { azimuthDeg: 40 }));
    const names = (k: number) => partsToList(obs, k).map((list) => list.map((m) => m.name));
    expect(names(3)).toEqual([['body', 'knob', 'handle'], ['body', 'knob', 'fin']]);
    expect(names(2)).toEqual([['body', 'handle'], ['body', 'fin']]);
    expect(names(1)).toEqual([['body'], ['body']]);
    const same = observeViews(makeTruth({}, { azimuthDeg: 40 }, { parts: [PARTS_A, PARTS_A] }));
    expect(partsToList(same, 2).map((list) => list.map((m) => m.name))).toEqual([['body', 'handle'], ['body', 'handle']]);
  });

  it('keeps within the word budget by listing fewer parts, never dropping the conclusion or answer', () => {
    const obs = observeViews(makeTruth({}, { azimuthDeg: 40 }));
    const style = { views: [0, 1] as [number, number], change: 0, answer: 0, conclusion: 0 };
    const input = { observations: obs, style, conclusion: ['The camera orbited about 40° to the right.'], answerLetter: 'C', answerText: 'right, 30–60°' };
    const full = writeReasoning({ ...input, maxWords: 1000 });
    expect(full).toContain('the blue knob goes from the centre to the right of the frame');
    const short = writeReasoning({ ...input, maxWords: 70 });
    expect(countWords(short)).toBeLessThanOrEqual(70);
    expect(short).toMatch(/The camera orbited about 40° to the right\. So the answer is C: right, 30–60°\.$/);
    expect(countWords(short)).toBeLessThan(countWords(full));
  });

  it('is caught by the test checker when it would contradict the truth', () => {
    // Guards the guard: the checker used on thousands of samples must flag real mistakes.
    const truth = makeTruth({ azimuthDeg: 10 }, { azimuthDeg: 57 });
    const q = buildOrbitQuestion(truth, createRng(5), 1);
    expect(reasoningProblems(q, truth, ['left'])).toEqual([]);
    const broken = (reasoning: string) => reasoningProblems({ ...q, reasoning }, truth, ['left']);
    expect(broken(q.reasoning.replace('the red handle on the left', 'the red handle on the right'))).not.toEqual([]);
    expect(broken(q.reasoning.replace(/(second image[^.]*?)the yellow fin/, '$1the red handle'))).not.toEqual([]);
    expect(broken(q.reasoning.replace(/orbited about 47° to the right|swung about 47° around the object to its right/, 'orbited about 47° to the left'))).not.toEqual([]);
    expect(broken(q.reasoning.replace(/So the answer is B|The answer is therefore B|This matches option B/, 'So the answer is C'))).not.toEqual([]);
    const knobAppears = q.reasoning.replace('the yellow fin comes into view', 'the blue knob comes into view').replace('newly shows the yellow fin', 'newly shows the blue knob');
    expect(knobAppears).not.toBe(q.reasoning);
    expect(broken(knobAppears)).not.toEqual([]);
    const s = 'The first image shows the green body and the blue knob in the centre, with the blue knob the nearest of them to the camera.';
    expect(broken(`${s} ${q.reasoning}`).join(' ')).toMatch(/blue knob is top\/centre|nearer/);
    expect(PARTS_A.find((p) => p.name === 'fin')!.visible).toBe(false);
  });
});
