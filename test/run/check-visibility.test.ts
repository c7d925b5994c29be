/**
 * Grounding the truth in the renderer's ID pass: the pure rules on hand-made data, and `run()`
 * re-drawing (and counting) samples whose parts the fake renderer's ID pass does not show.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_DEFAULTS } from '../../pipeline/config.js';
import { BLANK_VIEW, COLOUR_MISMATCH, groundInPixels, ID_PASS_RULES, VISIBILITY_DISAGREES } from '../../pipeline/run/check-visibility.js';
import { run } from '../../pipeline/run/run.js';
import type { IdPass, RawImage, RenderJob } from '../../pipeline/types.js';
import type { Renderer } from '../../renderers/renderer.js';
import { makeTruth, TEST_OBJECT } from '../questions/make-truth.js';

const image = (idPass?: IdPass): RawImage => ({ width: 4, height: 4, rgba: new Uint8Array(64), idPass });
/** An ID pass of 128² with `pixels` per part (all interior) and each part showing `colours[name]` (default: its own palette colour). */
const idPass = (pixels: Record<string, number>, colours: Record<string, [number, number, number]> = {}): IdPass => ({
  width: 128,
  height: 128,
  parts: Object.entries(pixels).map(([name, n]) => {
    const hex = TEST_OBJECT.parts.find((p) => p.name === name)?.colorHex ?? '#808080';
    const own = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
    return { name, pixels: n, centroidPx: n > 0 ? [10, 10] : null, interiorPixels: n, meanColour: n > 0 ? (colours[name] ?? own) : null };
  }),
});

describe('groundInPixels', () => {
  // make-truth: view A shows body, handle, knob (fin hidden); view B body, knob, fin (handle hidden); ray fractions 0.6 / 0.
  const truth = makeTruth({}, { azimuthDeg: 40 });
  const agreeA = idPass({ body: 500, handle: 40, knob: 30, fin: 0 });
  const agreeB = idPass({ body: 400, handle: 0, knob: 25, fin: 60 });

  it('keeps a render whose ID pass agrees, with visibility, pixel counts and regions from the ID pass', () => {
    const grounded = groundInPixels(truth, [image(agreeA), image(agreeB)]);
    expect(grounded.ok).toBe(true);
    if (!grounded.ok) return;
    const b = grounded.truth.views[1].parts;
    expect(b.map((p) => [p.name, p.visible, p.idPixels])).toEqual([['body', true, 400], ['handle', false, 0], ['knob', true, 25], ['fin', true, 60]]);
    // The centroid (10, 10) of a 384 px view lies in the upper left third.
    expect(b[0]).toMatchObject({ horizontal: 'left', vertical: 'top' });
    expect(groundInPixels(truth, [image(), image()])).toEqual({ ok: true, truth });
  });

  it('calls a part with a few rim pixels neither seen nor hidden (a sliver)', () => {
    const sliver = idPass({ body: 400, handle: 0, knob: 25, fin: 60 });
    sliver.parts[2] = { ...sliver.parts[2], pixels: 9, interiorPixels: ID_PASS_RULES.minSeenInterior - 1 };
    const grounded = groundInPixels(truth, [image(agreeA), image(sliver)]);
    expect(grounded.ok && grounded.truth.views[1].parts[2]).toMatchObject({ name: 'knob', visible: false, idPixels: 9 });
  });

  it('re-draws a part the ray cast sees but the ID pass does not, and the reverse', () => {
    expect(groundInPixels(truth, [image(agreeA), image(idPass({ body: 400, handle: 0, knob: 0, fin: 60 }))])).toMatchObject({ ok: false, reason: VISIBILITY_DISAGREES, view: 1, part: 'knob' });
    expect(groundInPixels(truth, [image(agreeA), image(idPass({ body: 400, handle: 12, knob: 25, fin: 60 }))])).toMatchObject({ ok: false, reason: VISIBILITY_DISAGREES, view: 1, part: 'handle' });
  });

  it('re-draws a view that shows (almost) nothing of the object', () => {
    const blank = idPass({ body: 20, handle: 0, knob: 0, fin: 0 });
    expect(groundInPixels(truth, [image(blank), image(agreeB)])).toMatchObject({ ok: false, reason: BLANK_VIEW, view: 0, part: null });
  });

  it('re-draws a seen part whose render is nearer another colour word than its own', () => {
    // The green body rendered so dark that it reads as black; the yellow fin as olive-brown.
    expect(groundInPixels(truth, [image(idPass({ body: 500, handle: 40, knob: 30, fin: 0 }, { body: [20, 40, 20] })), image(agreeB)])).toMatchObject({ ok: false, reason: COLOUR_MISMATCH, view: 0, part: 'body' });
    expect(groundInPixels(truth, [image(agreeA), image(idPass({ body: 400, handle: 0, knob: 25, fin: 60 }, { fin: [120, 90, 60] }))])).toMatchObject({ ok: false, reason: COLOUR_MISMATCH, view: 1, part: 'fin' });
  });
});

describe('run(): a render that breaks a grounding rule is re-drawn', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vf-visibility-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('re-draws a sample whose first render is blank, counts it, and writes the next draw', async () => {
    // The fake ID pass shows nothing at the first render of a sample; later renders carry no ID pass (kept as drawn).
    const rendered = new Map<string, number>();
    const asked: (readonly [boolean, boolean] | undefined)[] = [];
    const renderer: Renderer = {
      info: { name: 'fake', browserVersion: 'none', glRenderer: 'none', glMode: 'swiftshader' },
      render: async (job: RenderJob, options) => {
        asked.push(options?.idPass);
        const n = rendered.get(job.id) ?? 0;
        rendered.set(job.id, n + 1);
        const pass = n === 0 ? idPass(Object.fromEntries(job.object.parts.map((p) => [p.name, 0]))) : undefined;
        const img = (): RawImage => ({ width: job.width, height: job.height, rgba: new Uint8Array(job.width * job.height * 4).fill(99), idPass: pass });
        return [img(), img()];
      },
      close: async () => {},
    };
    const out = join(root, 'out');
    const families = ['orbit', 'perspective', 'relative-depth'];
    await run({ ...RUN_DEFAULTS, count: 6, shardSize: 6, size: 32, out, concurrency: 1, families }, { createRenderer: async () => renderer, logger: { info: () => {}, warn: () => {}, error: () => {} }, versions: { viewforge: '0.0.0-test' } });
    // Every render asks for the ID pass of both views.
    expect(asked.every((a) => a?.[0] === true && a?.[1] === true)).toBe(true);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    const redraws = manifest.stats.redraws as Record<string, Record<string, number>>;
    // Two samples of each family, each re-drawn once.
    for (const family of families) expect(redraws[family]?.[BLANK_VIEW]).toBe(2);
    const rl = (await readFile(join(out, 'rl', 'shard-00000.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l).extra_info);
    expect(rl.map((m) => m.family)).toEqual(['perspective', 'relative-depth', 'perspective', 'relative-depth']);
    for (const m of rl) expect(m.attempt).toBeGreaterThanOrEqual(1);
  });
});
