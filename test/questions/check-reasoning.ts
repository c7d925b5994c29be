/**
 * Test helper: checks a question's reasoning against its ground truth by reading the text —
 * independently of the facts object the family wrote it from.
 */
import type { BuiltQuestion } from '../../pipeline/questions/question-family.js';
import type { GroundTruth } from '../../pipeline/types.js';

/** Splits text into sentences (a sentence ends in . ! ? followed by a space and a capital). */
export function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?"])\s+(?=[A-Z])/);
}

/** Names of the parts whose "the <colour> <name>" label occurs in `text`. */
export function mentionedParts(text: string, truth: GroundTruth): string[] {
  return truth.object.parts.filter((p) => text.includes(`the ${p.colorName} ${p.name}`)).map((p) => p.name);
}

/**
 * The checkers' own table of region words (vertical third × horizontal third), written apart from
 * the families' (pipeline/questions/describe-view.ts) so that a wrong word there is caught; the
 * supervision audit (bench/audit-supervision.ts) reads it too.
 */
export const REGION_WORDS: Readonly<Record<string, readonly [vertical: string, horizontal: string]>> = {
  'in the upper left': ['top', 'left'],
  'at the top centre': ['top', 'centre'],
  'in the upper right': ['top', 'right'],
  'on the left': ['middle', 'left'],
  'in the centre': ['middle', 'centre'],
  'on the right': ['middle', 'right'],
  'in the lower left': ['bottom', 'left'],
  'at the bottom centre': ['bottom', 'centre'],
  'in the lower right': ['bottom', 'right'],
};

/** The region the first region phrase of `text` names, or null when it names none. */
export function firstRegion(text: string): readonly [vertical: string, horizontal: string] | null {
  let best: string | null = null;
  let bestAt = Infinity;
  for (const phrase of Object.keys(REGION_WORDS)) {
    const k = text.indexOf(phrase);
    if (k >= 0 && k < bestAt) [best, bestAt] = [phrase, k];
  }
  return best === null ? null : REGION_WORDS[best];
}

function partFacts(truth: GroundTruth, view: 0 | 1, name: string) {
  return truth.views[view].parts.find((p) => p.name === name)!;
}

/** Problems with the region and nearest-part claims of a sentence about one view. */
function viewSentenceProblems(s: string, truth: GroundTruth, view: 0 | 1): string[] {
  const problems: string[] = [];
  const labels = truth.object.parts.map((p) => ({ name: p.name, label: `the ${p.colorName} ${p.name}` }));
  const nearestMatch = /with (the [a-z ]+?) the nearest of them|of these, (the [a-z ]+?) is closest/.exec(s);
  const listPart = nearestMatch ? s.slice(0, nearestMatch.index) : s;
  const listed: string[] = [];
  for (const { name, label } of labels) {
    const at = listPart.indexOf(label);
    if (at < 0) continue;
    listed.push(name);
    const region = firstRegion(listPart.slice(at + label.length));
    const f = partFacts(truth, view, name);
    if (region === null) problems.push(`no region for ${label}: ${s}`);
    else if (region[0] !== f.vertical || region[1] !== f.horizontal) problems.push(`${label} is ${f.vertical}/${f.horizontal}, text says ${region.join('/')}: ${s}`);
  }
  if (nearestMatch) {
    const label = nearestMatch[1] ?? nearestMatch[2];
    const name = labels.find((l) => l.label === label)?.name;
    if (name === undefined || !listed.includes(name)) problems.push(`nearest part "${label}" is not among those listed: ${s}`);
    else {
      const depth = partFacts(truth, view, name).depthM;
      for (const other of listed) if (partFacts(truth, view, other).depthM < depth) problems.push(`"${other}" is nearer than "${name}": ${s}`);
    }
  }
  return problems;
}

/** Problems with the appeared / disappeared / moved claims of a sentence. */
function changeProblems(s: string, truth: GroundTruth, a: Set<string>, b: Set<string>): string[] {
  const problems: string[] = [];
  const claims: [RegExp, (name: string) => boolean, string][] = [
    [/second, (.+?) comes? into view/, (n) => b.has(n) && !a.has(n), 'appeared'],
    [/newly shows (.+?)(?: but|\.$)/, (n) => b.has(n) && !a.has(n), 'appeared'],
    [/into view and (.+?) drops? out of sight/, (n) => a.has(n) && !b.has(n), 'disappeared'],
    [/second, ((?:(?!into view).)+?) drops? out of sight/, (n) => a.has(n) && !b.has(n), 'disappeared'],
    [/no longer shows (.+?)\.$/, (n) => a.has(n) && !b.has(n), 'disappeared'],
  ];
  for (const [re, ok, what] of claims) {
    const m = re.exec(s);
    if (!m) continue;
    for (const name of mentionedParts(m[1], truth)) if (!ok(name)) problems.push(`"${name}" said to have ${what}: ${s}`);
  }
  if (/The same parts are visible in both images|No part appears or disappears/.test(s) && (a.size !== b.size || [...a].some((n) => !b.has(n)))) {
    problems.push(`says nothing appeared or disappeared: ${s}`);
  }
  const shift = /Across the two images, (.+) goes from the (\w+) to the (\w+) of the frame/.exec(s) ??
    /In the frame, (.+) is (?:on|in) the (\w+) in the first image and (?:on|in) the (\w+) in the second/.exec(s);
  if (shift) {
    for (const name of mentionedParts(shift[1], truth)) {
      const [fa, fb] = [partFacts(truth, 0, name), partFacts(truth, 1, name)];
      if (!a.has(name) || !b.has(name) || fa.horizontal !== shift[2] || fb.horizontal !== shift[3]) problems.push(`shift of "${name}" is wrong: ${s}`);
    }
  }
  return problems;
}

/** Which single image a sentence is about (null: both or neither), ignoring part names such as "the red second arm". */
function aboutImage(s: string, truth: GroundTruth): 0 | 1 | null {
  let bare = s;
  for (const p of truth.object.parts) bare = bare.split(`the ${p.colorName} ${p.name}`).join('PART');
  const first = bare.includes('first image') && !/\bsecond\b/.test(bare);
  const second = bare.includes('second image') && !/\bfirst\b/.test(bare);
  return first === second ? null : first ? 0 : 1;
}

function visibleIn(truth: GroundTruth, view: 0 | 1): Set<string> {
  return new Set(truth.views[view].parts.filter((p) => p.visible).map((p) => p.name));
}

/**
 * Problems found in `q.reasoning` (empty when consistent):
 * - the last sentence names the answer letter and the answer text;
 * - the second-to-last (the conclusion) contains none of `forbidden` (the other classes' words);
 * - a sentence about only the first (second) image names only parts visible in that view, each
 *   in the image region the truth gives it, and the part it calls nearest has the least depth of
 *   those listed;
 * - parts said to come into view (drop out of sight) are visible in the second (first) view only;
 *   a part said to move between thirds really does; "the same parts" means the same visible set
 *   and the same parts listed for both images;
 * - every part named anywhere is visible in at least one view;
 * - at most `maxWords` words.
 */
export function reasoningProblems(q: BuiltQuestion, truth: GroundTruth, forbidden: readonly string[], maxWords = 120): string[] {
  const problems: string[] = [];
  const sentences = splitSentences(q.reasoning);
  const last = sentences[sentences.length - 1];
  const conclusion = sentences[sentences.length - 2] ?? '';
  if (!last.includes(q.answerLetter) || !last.includes(q.answerText)) problems.push(`last sentence lacks "${q.answerLetter}" / "${q.answerText}": ${last}`);
  for (const word of forbidden) {
    if (new RegExp(`\\b${word}\\b`).test(conclusion) || new RegExp(`\\b${word}\\b`).test(last)) problems.push(`conclusion says "${word}": ${conclusion} ${last}`);
  }
  const a = visibleIn(truth, 0);
  const b = visibleIn(truth, 1);
  for (const s of sentences) {
    // About one image only: names it and never mentions the other ("…the first image to the second…" is about both).
    const view = aboutImage(s, truth);
    if (view === null) continue;
    const seen = view === 0 ? a : b;
    for (const name of mentionedParts(s, truth)) if (!seen.has(name)) problems.push(`"${name}" named for the ${view === 0 ? 'first' : 'second'} image but not visible there: ${s}`);
    problems.push(...viewSentenceProblems(s, truth, view));
  }
  for (const s of sentences) problems.push(...changeProblems(s, truth, a, b));
  // "The same parts are visible" must not sit next to two different part lists.
  if (sentences.some((s) => /The same parts are visible in both images|No part appears or disappears/.test(s))) {
    const listA = sentences.filter((s) => aboutImage(s, truth) === 0).flatMap((s) => mentionedParts(s, truth)).sort();
    const listB = sentences.filter((s) => aboutImage(s, truth) === 1).flatMap((s) => mentionedParts(s, truth)).sort();
    if (listA.join() !== listB.join()) problems.push(`"same parts" but the lists differ: ${listA} / ${listB}`);
  }
  for (const name of mentionedParts(q.reasoning, truth)) if (!a.has(name) && !b.has(name)) problems.push(`"${name}" named but visible in neither view`);
  const words = q.reasoning.trim().split(/\s+/).length;
  if (words > maxWords) problems.push(`${words} words`);
  return problems;
}

/** Basic shape of a built question: distinct options, slot honoured, letter and text consistent. */
export function shapeProblems(q: BuiltQuestion, slot: number, optionCount: number): string[] {
  const problems: string[] = [];
  if (q.options.length !== optionCount) problems.push(`${q.options.length} options`);
  if (new Set(q.options).size !== q.options.length) problems.push(`duplicate options ${JSON.stringify(q.options)}`);
  if (q.answerIndex !== slot) problems.push(`answerIndex ${q.answerIndex} ≠ slot ${slot}`);
  if (q.answerLetter !== String.fromCharCode(65 + q.answerIndex)) problems.push(`letter ${q.answerLetter} for index ${q.answerIndex}`);
  if (q.options[q.answerIndex] !== q.answerText) problems.push('answerText is not the option at answerIndex');
  if (/<image>/.test(q.question) || /\bA[.)]\s/.test(q.question)) problems.push('question carries image tokens or an option list');
  if (!q.templateId.startsWith(`${q.family}/`)) problems.push(`templateId ${q.templateId}`);
  return problems;
}

/** Count of each answer letter. */
export function letterHistogram(questions: readonly BuiltQuestion[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const q of questions) h[q.answerLetter] = (h[q.answerLetter] ?? 0) + 1;
  return h;
}
