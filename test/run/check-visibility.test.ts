/**
 * The run loop's cross-check of named parts between the ray cast and the renderer's ID pass:
 * the pure check on hand-made data, and `run()` re-drawing (and counting) samples whose named
 * parts the fake renderer's ID pass does not show.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../../pipeline/config.js';
import type { BuiltQuestion } from '../../pipeline/questions/question-family.js';
import { findVisibilityDisagreement, VISIBILITY_DISAGREES } from '../../pipeline/run/check-visibility.js';
import { run } from '../../pipeline/run/run.js';
import type { IdPass, RawImage, RenderJob } from '../../pipeline/types.js';
import type { Renderer } from '../../renderers/renderer.js';
import { makeTruth } from '../questions/make-truth.js';

const image = (idPass?: IdPass): RawImage => ({ width: 4, height: 4, rgba: new Uint8Array(64), idPass });
const idPass = (pixels: Record<string, number>): IdPass => ({
  width: 128,
  height: 128,
  parts: Object.entries(pixels).map(([name, n]) => ({ name, pixels: n, centroidPx: n > 0 ? [10, 10] : null })),
});

describe('findVisibilityDisagreement', () => {
  // make-truth: view B has body, knob, fin visible and the handle hidden.
  const truth = makeTruth({}, { azimuthDeg: 40 });
  const question = (names: string[]): BuiltQuestion => ({
    family: 'relative-depth',
    templateId: 'relative-depth/t1',
    question: 'q',
    options: ['a', 'b'],
    answerIndex: 0,
    answerLetter: 'A',
    answerText: 'a',
    reasoning: 'r',
    difficulty: { margin: 1, marginUnit: 'm', bin: 'gap <10%', value: 1 },
    namedParts: names.map((name) => ({ view: 1 as const, name })),
  });
  const a = image(idPass({ body: 500, handle: 40, knob: 30, fin: 0 }));

  it('is null when both agree, when nothing is named, or without an ID pass', () => {
    expect(findVisibilityDisagreement(truth, question(['body', 'knob']), [a, image(idPass({ body: 400, handle: 0, knob: 25, fin: 60 }))])).toBeNull();
    expect(findVisibilityDisagreement(truth, question([]), [a, image(idPass({ body: 0, handle: 0, knob: 0, fin: 0 }))])).toBeNull();
    expect(findVisibilityDisagreement(truth, question(['body', 'knob']), [image(), image()])).toBeNull();
  });

  it('names a part the ray cast sees but the ID pass does not, and the reverse', () => {
    expect(findVisibilityDisagreement(truth, question(['body', 'knob']), [a, image(idPass({ body: 400, handle: 0, knob: 0, fin: 60 }))])).toEqual({
      view: 1,
      name: 'knob',
      rayVisible: true,
      idPixels: 0,
    });
    expect(findVisibilityDisagreement(truth, question(['handle']), [a, image(idPass({ body: 400, handle: 12, knob: 9, fin: 60 }))])).toEqual({
      view: 1,
      name: 'handle',
      rayVisible: false,
      idPixels: 12,
    });
  });
});

describe('run(): visibility-disagrees re-draws', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vf-visibility-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('re-draws a sample whose named part has no ID pixels, counts it, and writes the next draw', async () => {
    // The fake ID pass shows no part at the first render of a sample and every part afterwards.
    const rendered = new Map<string, number>();
    const renderer: Renderer = {
      info: { name: 'fake', browserVersion: 'none', glRenderer: 'none', glMode: 'swiftshader' },
      render: async (job: RenderJob) => {
        const n = rendered.get(job.id) ?? 0;
        rendered.set(job.id, n + 1);
        const pass = idPass(Object.fromEntries(job.object.parts.map((p) => [p.name, n === 0 ? 0 : 50])));
        const img = (): RawImage => ({ width: job.width, height: job.height, rgba: new Uint8Array(job.width * job.height * 4).fill(99), idPass: pass });
        return [img(), img()];
      },
      close: async () => {},
    };
    const out = join(root, 'out');
    const families = ['orbit', 'perspective', 'relative-depth'];
    await run({ ...RUN_DEFAULTS, count: 6, shardSize: 6, size: 32, out, concurrency: 1, families }, { createRenderer: async () => renderer, logger: { info: () => {}, warn: () => {}, error: () => {} }, versions: { viewforge: '0.0.0-test' } });
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    const redraws = manifest.stats.redraws as Record<string, Record<string, number>>;
    // Two perspective and two relative-depth samples, each re-drawn once; orbit names no part.
    expect(redraws.perspective?.[VISIBILITY_DISAGREES]).toBe(2);
    expect(redraws['relative-depth']?.[VISIBILITY_DISAGREES]).toBe(2);
    expect(redraws.orbit?.[VISIBILITY_DISAGREES]).toBeUndefined();
    const rl = (await readFile(join(out, 'rl', 'shard-00000.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l).extra_info);
    expect(rl.map((m) => m.family)).toEqual(['perspective', 'relative-depth', 'perspective', 'relative-depth']);
    for (const m of rl) expect(m.attempt).toBeGreaterThanOrEqual(1);
  });
});
