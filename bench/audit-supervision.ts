/**
 * `npx tsx bench/audit-supervision.ts <out>`: audits a built data set made with `--passes mask`
 * against its own files, independently of the code that wrote it (issue 10's report). It reads
 * each record's text and holds it against the written mask and JPEG:
 *
 * - reasoning statements about an image: "the first image shows X … on the left" (X covers a patch
 *   of the mask with its centroid in that third), "X cannot be seen in the second image" / "the
 *   second image does not show X" / "X comes into view" / "drops out of sight" / "no longer shows"
 *   / "newly shows" (X's mask coverage in the image it is said to be hidden in is at most a sliver),
 *   "the same parts are visible in both images" (no part seen in one image and hidden in the other);
 * - colour words: the mean colour of each seen part's mask interior in the JPEG is nearest
 *   (CIELAB) to its colour word among the palette;
 * - prompt/target: the instruction asks for the target's format;
 * - blank images: the mask covers at least 0.2 % of each image;
 * - single-view perspective / relative-depth: no named part is hidden in the asked view and seen
 *   in the other.
 * Prints the counts, the blind prior per family, and the re-draws per reason from the manifest.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { nearestNamedColour } from '../assets/procedural/colour-lab.js';
import { formatOfInstruction } from '../pipeline/records/answer-instruction.js';
import type { RecordMeta } from '../pipeline/records/record-meta.js';
import { measureBlindPrior } from '../pipeline/stats/blind-prior.js';
import { listJsonlShards, readShardRecords } from '../pipeline/stats/read-shard-records.js';
import { MAX_HIDDEN_MASK_SHARE, MIN_OBJECT_SHARE, MIN_SEEN_MASK_SHARE, REGION_SLACK } from '../pipeline/verify/check-pixels.js';
import { decodePass } from '../renderers/encode-image.js';
import { firstRegion } from '../test/questions/check-reasoning.js';

const out = process.argv[2];
if (!out) throw new Error('usage: npx tsx bench/audit-supervision.ts <out>');
const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));

interface ViewPixels {
  width: number;
  height: number;
  count: number[];
  cx: number[];
  cy: number[];
  colour: ([number, number, number] | null)[];
}

async function readView(meta: RecordMeta, v: 0 | 1): Promise<ViewPixels> {
  const image = meta.images[v];
  const mask = await decodePass(await readFile(join(out, image.mask!.path)), 'mask');
  const { data } = await sharp(await readFile(join(out, image.path))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = meta.parts.length + 1;
  const count = new Array<number>(n).fill(0);
  const cx = new Array<number>(n).fill(0);
  const cy = new Array<number>(n).fill(0);
  const sum = Array.from({ length: n }, () => [0, 0, 0, 0]);
  const { width, height } = mask;
  const m = mask.values;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      const l = m[k];
      if (l === 0 || l >= n) continue;
      count[l]++;
      cx[l] += x + 0.5;
      cy[l] += y + 0.5;
      // Interior: 2 px from any other label, so JPEG ringing and anti-aliased rims are left out.
      let interior = x >= 2 && y >= 2 && x < width - 2 && y < height - 2;
      for (let dy = -2; interior && dy <= 2; dy++) for (let dx = -2; interior && dx <= 2; dx++) if (m[k + dy * width + dx] !== l) interior = false;
      if (!interior) continue;
      const s = sum[l];
      s[0] += data[3 * k];
      s[1] += data[3 * k + 1];
      s[2] += data[3 * k + 2];
      s[3]++;
    }
  }
  return { width, height, count, cx, cy, colour: sum.map((s) => (s[3] === 0 ? null : [s[0] / s[3], s[1] / s[3], s[2] / s[3]])) };
}

function thirds(value: number, size: number, names: string[]): string[] {
  const slack = REGION_SLACK * size;
  const outList: string[] = [];
  if (value < size / 3 + slack) outList.push(names[0]);
  if (value >= size / 3 - slack && value < (2 * size) / 3 + slack) outList.push(names[1]);
  if (value >= (2 * size) / 3 - slack) outList.push(names[2]);
  return outList;
}

const counts = { records: 0, statements: 0, contradicted: 0, colourChecked: 0, colourWrong: 0, prompts: 0, promptMismatch: 0, images: 0, blank: 0, crossViewRecords: 0, singleView: 0 };
const examples: string[] = [];
const note = (s: string) => {
  if (examples.length < 12) examples.push(s);
};
const blind: Parameters<typeof measureBlindPrior>[0] extends Iterable<infer T> ? T[] : never = [];
const seen = new Set<number>();

for await (const r of readShardRecords(out, listJsonlShards(manifest.shards))) {
  const rec = r.record as { meta?: RecordMeta; extra_info?: RecordMeta; messages?: { role: string; content: string }[]; prompt?: { content: string }[] };
  const meta = (rec.meta ?? rec.extra_info)!;
  // Prompt/target: every record, SFT and RL.
  counts.prompts++;
  const user = rec.messages ? rec.messages.find((m) => m.role === 'user')!.content : rec.prompt![0].content;
  const asked = formatOfInstruction(user.split('\n').at(-1)!);
  const target = rec.messages ? rec.messages.find((m) => m.role === 'assistant')!.content : '<think>';
  if (asked !== (target.startsWith('<think>') ? 'think-answer' : 'answer-only')) counts.promptMismatch++;
  if (seen.has(meta.index)) continue;
  seen.add(meta.index);
  blind.push(meta);
  counts.records++;
  const views = [await readView(meta, 0), await readView(meta, 1)];
  const seenIn = (v: number, j: number) => views[v].count[j + 1] >= MIN_SEEN_MASK_SHARE * views[v].width * views[v].height;
  const hiddenIn = (v: number, j: number) => views[v].count[j + 1] <= MAX_HIDDEN_MASK_SHARE * views[v].width * views[v].height;
  for (const v of [0, 1]) {
    counts.images++;
    const covered = views[v].count.slice(1).reduce((a, b) => a + b, 0);
    if (covered < MIN_OBJECT_SHARE * views[v].width * views[v].height) {
      counts.blank++;
      note(`${meta.id}: image ${v} is blank`);
    }
    // Colour words of seen procedural parts.
    if (meta.asset.source === 'procedural') {
      meta.parts.forEach((p, j) => {
        const c = views[v].colour[j + 1];
        if (!seenIn(v, j) || c === null || views[v].count[j + 1] < 0.002 * views[v].width * views[v].height) return;
        counts.colourChecked++;
        const nearest = nearestNamedColour(c).name;
        if (nearest !== p.color) {
          counts.colourWrong++;
          note(`${meta.id}: the ${p.color} ${p.name} looks ${nearest} in image ${v} (rgb ${c.map(Math.round).join(',')})`);
        }
      });
    }
  }
  // Reasoning statements.
  const labels = meta.parts.map((p, j) => ({ j, label: `the ${p.color} ${p.name}` }));
  const sentences = meta.reasoning.split(/(?<=[.!?"])\s+(?=[A-Z])/);
  const claim = (ok: boolean, what: string) => {
    counts.statements++;
    if (!ok) {
      counts.contradicted++;
      note(`${meta.id}: ${what}`);
    }
  };
  for (const s of sentences) {
    const first = s.includes('first image');
    const second = s.includes('second image');
    const view = first && !second ? 0 : second && !first ? 1 : -1;
    const lower = s.toLowerCase();
    const named = labels.filter(({ label }) => lower.includes(label));
    if (/same parts are visible|no part appears or disappears/i.test(s)) {
      // A clear flip: a solid patch (the run's 6 ID pixels of 128², in mask pixels) in one image, at most one ID pixel's worth in the other.
      const solid = (v: number, j: number) => views[v].count[j + 1] >= (6 / (128 * 128)) * views[v].width * views[v].height;
      const gone = (v: number, j: number) => views[v].count[j + 1] <= (1 / (128 * 128)) * views[v].width * views[v].height;
      const flips = meta.parts.filter((_, j) => (solid(0, j) && gone(1, j)) || (solid(1, j) && gone(0, j)));
      claim(flips.length === 0, `"${s}" but ${flips.map((p) => p.name).join(', ')} is seen in one image and hidden in the other`);
      continue;
    }
    // Change and carried-part sentences: which labels the sentence says are hidden in image B, or new in B, by position.
    const at = (re: RegExp) => {
      const m = re.exec(lower);
      return m === null ? -1 : m.index;
    };
    const intoView = at(/comes? into view/);
    const outOfSight = at(/drops? out of sight/);
    const newly = at(/newly shows/);
    const noLonger = at(/no longer shows/);
    const cannot = at(/cannot be seen in the second image/);
    const doesNot = at(/the second image does not show/);
    if ([intoView, outOfSight, newly, noLonger, cannot, doesNot].some((i) => i >= 0)) {
      for (const { j, label } of named) {
        const p = lower.indexOf(label);
        const appeared = (intoView >= 0 && p < intoView) || (newly >= 0 && p > newly && (noLonger < 0 || p < noLonger));
        const dropped = (outOfSight >= 0 && p < outOfSight && (intoView < 0 || p > intoView)) || (noLonger >= 0 && p > noLonger);
        const carried = (cannot >= 0 && p < cannot) || (doesNot >= 0 && p > doesNot && p < doesNot + 40 + label.length);
        if (appeared) claim(hiddenIn(0, j) && seenIn(1, j), `"${s}": ${label} is said to come into view but covers ${views[0].count[j + 1]} px of mask A / ${views[1].count[j + 1]} of B`);
        if (dropped) claim(seenIn(0, j) && hiddenIn(1, j), `"${s}": ${label} is said to drop out of sight but covers ${views[0].count[j + 1]} px of mask A / ${views[1].count[j + 1]} of B`);
        if (carried) claim(hiddenIn(1, j) && seenIn(0, j), `"${s}": ${label} is said to be hidden in image B and seen in A but covers ${views[0].count[j + 1]} px of mask A / ${views[1].count[j + 1]} of B`);
      }
      continue;
    }
    if (view >= 0 && /(image shows|I see)/.test(s) && named.length > 0) {
      const listPart = s.split(/, with | ; of these|; of these/)[0];
      for (const { j, label } of named) {
        const at = listPart.toLowerCase().indexOf(label);
        if (at < 0) continue;
        const region = firstRegion(listPart.slice(at + label.length));
        const pv = views[view];
        if (!seenIn(view, j)) {
          claim(false, `"${s}" but ${label} covers only ${pv.count[j + 1]} px of mask ${view === 0 ? 'A' : 'B'}`);
          continue;
        }
        const h = thirds(pv.cx[j + 1] / pv.count[j + 1], pv.width, ['left', 'centre', 'right']);
        const vv = thirds(pv.cy[j + 1] / pv.count[j + 1], pv.height, ['top', 'middle', 'bottom']);
        claim(region !== null && vv.includes(region[0]) && h.includes(region[1]), `"${s}": ${label} has its mask centroid ${vv.join('|')}/${h.join('|')}`);
      }
    }
  }
  // Cross-view rule of the part-pair families.
  if (meta.family === 'perspective' || meta.family === 'relative-depth') {
    counts.crossViewRecords++;
    const v = meta.question_view ?? 1;
    const carried = meta.question_parts.some((j) => hiddenIn(v, j) && seenIn(1 - v, j));
    if (!carried) {
      counts.singleView++;
      note(`${meta.id}: ${meta.family} names no part hidden in view ${v} and seen in the other`);
    }
  }
}

console.log(`records (samples): ${counts.records}`);
console.log(`reasoning statements about images checked against the masks: ${counts.statements}, contradicted: ${counts.contradicted}`);
console.log(`colour words checked against mask interiors in the JPEGs: ${counts.colourChecked}, nearest to another palette colour: ${counts.colourWrong}`);
console.log(`prompts: ${counts.prompts}, instruction not matching the target: ${counts.promptMismatch}`);
console.log(`images: ${counts.images}, blank (mask under 0.2 %): ${counts.blank}`);
console.log(`perspective + relative-depth records: ${counts.crossViewRecords}, answerable from one image (no named part hidden in the asked view and seen in the other): ${counts.singleView}`);
console.log('blind prior (family: accuracy / chance):');
for (const row of measureBlindPrior(blind)) console.log(`  ${row.family}: ${(100 * row.accuracy).toFixed(1)} % / ${(100 * row.chance).toFixed(1)} % (${row.scored} scored)`);
console.log('re-draws per family and reason (manifest stats.redraws):');
for (const [family, reasons] of Object.entries(manifest.stats.redraws as Record<string, Record<string, number>>)) console.log(`  ${family}: ${Object.entries(reasons).map(([k, n]) => `${k} ${n}`).join(', ')}`);
if (examples.length > 0) console.log(`examples:\n  ${examples.join('\n  ')}`);
