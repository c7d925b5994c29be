/**
 * The templated chain of thought shared by the viewpoint families (docs/supervision.md says how its claims are checked against the pixels).
 *
 * A family computes its small `facts` object once — the answer class and its number, plus the
 * {@link Observations} made here from ground truth — and writes both the options and the
 * reasoning from it, so the two cannot disagree. The reasoning is:
 *
 * 1. what is visible where in the first image: named, coloured parts (chosen by
 *    {@link partsToList}), the left/centre/right and top/middle/bottom third of the image holding
 *    each part's centre, and which listed part is nearest the camera (depth of its centre);
 * 2. the same for the second image;
 * 3. how that changes: parts that came into view or dropped out of sight, else "the same parts
 *    are visible"; then, when the word budget allows, a listed part whose horizontal third changed;
 * 4. family sentences: the geometric conclusion with the actual number;
 * 5. the answer: letter and option text.
 *
 * Only facts are stated. In particular nothing infers the camera's direction from how parts
 * moved in the image (parts behind the rotation centre move the other way); the conclusion comes
 * from the camera poses and is stated with its number.
 *
 * Every sentence exists in at least two phrasings (chosen once per question with
 * {@link drawReasoningStyle}); the whole text stays under `maxWords` by mentioning fewer parts.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth, PartView, ViewFacts } from '../types.js';
import { describeSceneView, getScene, listSceneObjects, type SceneObjectFacts } from './scene-facts.js';

/** Which image a sentence is about. */
export type ImageName = 'first' | 'second';

/** One visible part as the reasoning names it. */
export interface PartMention {
  /** {@link PartSpec.name}, e.g. "handle". */
  name: string;
  /** {@link PartSpec.colorName}, e.g. "red". */
  colorName: string;
  /** "the red handle". */
  label: string;
  /** Horizontal third of the image holding the projected part centre. */
  horizontal: PartView['horizontal'];
  /** Vertical third of the image holding the projected part centre. */
  vertical: PartView['vertical'];
  /** Depth of the part centre along the camera's viewing axis (OpenCV z), metres. */
  depthM: number;
  visibleFraction: number;
}

/** A part visible in both images whose centre moved to another horizontal third. */
export interface PartShift {
  label: string;
  from: PartView['horizontal'];
  to: PartView['horizontal'];
}

/** What the reasoning may say about the two images; all of it is read off {@link GroundTruth}. */
export interface Observations {
  /**
   * Per view, the parts with `visible === true`, most visible first (ties keep the object's part
   * order).
   */
  visible: [PartMention[], PartMention[]];
  /** Visible in the second image but not in the first (as seen in the second). */
  appeared: PartMention[];
  /** Visible in the first image but not in the second (as seen in the first). */
  disappeared: PartMention[];
  /** Visible in both, centre in another horizontal third; most visible (in the second) first. */
  shifted: PartShift[];
  /**
   * Names of the parts that are a sliver (some ID-pass pixels, no solid patch) in either image. A
   * sliver may be a thin strip at full size: "the same parts are visible in both images" is not
   * said while there is one, and it is never said to come into view or drop out of sight.
   */
  unclear: string[];
  /** {@link ViewFacts.coverage} of each view, 0..1. */
  coverage: [number, number];
  /**
   * A scene of several objects (a viewpoint family asked of a scene, README "Scenes"): its
   * objects, which the image sentences list instead of parts. Absent for a single object.
   */
  scene?: SceneObjectFacts[];
}

/** Phrasing choices for one question's reasoning, drawn once with {@link drawReasoningStyle}. */
export interface ReasoningStyle {
  /** Index into {@link VIEW_TEMPLATES} for the first and the second image. */
  views: [number, number];
  /** Index into each list of {@link CHANGE_TEMPLATES} and into {@link SHIFT_TEMPLATES}. */
  change: number;
  /** Index into {@link ANSWER_TEMPLATES}. */
  answer: number;
  /** Index into the family's own conclusion phrasings (taken modulo their count). */
  conclusion: number;
}

/**
 * Phrasings of the sentence about one image: `{parts}` lists the parts grouped by image region,
 * `{part}` is the nearest of them (only written when two or more parts are listed).
 */
export const VIEW_TEMPLATES: readonly { id: string; many: string; one: string; none: string }[] = [
  {
    id: 'v1',
    many: 'The {image} image shows {parts}, with {part} the nearest of them to the camera.',
    one: 'The {image} image shows {parts}.',
    none: 'The {image} image shows no named part clearly.',
  },
  {
    id: 'v2',
    many: 'In the {image} image I see {parts}; of these, {part} is closest to the camera.',
    one: 'In the {image} image I see {parts}.',
    none: 'In the {image} image I see no named part clearly.',
  },
];

/** Phrasings of the change between the images, by case; pick the same index in every list. */
export const CHANGE_TEMPLATES: Readonly<Record<'both' | 'appeared' | 'disappeared' | 'none', readonly string[]>> = {
  both: [
    'From the first image to the second, {appeared} {comes} into view and {disappeared} {drops} out of sight.',
    'Compared with the first image, the second image newly shows {appeared} but no longer shows {disappeared}.',
  ],
  appeared: [
    'From the first image to the second, {appeared} {comes} into view.',
    'Compared with the first image, the second image newly shows {appeared}.',
  ],
  disappeared: [
    'From the first image to the second, {disappeared} {drops} out of sight.',
    'Compared with the first image, the second image no longer shows {disappeared}.',
  ],
  none: ['The same parts are visible in both images.', 'No part appears or disappears between the two images.'],
};

/**
 * Phrasings of one part changing its horizontal third between the images: `{from}`/`{to}` are
 * "left", "centre", "right"; `{fromAt}`/`{toAt}` are "on the left", "in the centre", "on the right".
 */
export const SHIFT_TEMPLATES: readonly string[] = [
  'Across the two images, {part} goes from the {from} to the {to} of the frame.',
  'In the frame, {part} is {fromAt} in the first image and {toAt} in the second.',
];

/**
 * Phrasings of a part the question names in a view where it is hidden, carried over from the other
 * view: `{part}` hidden in `{hiddenIn}` image, seen `{region}` in `{seenIn}` image.
 */
export const CARRIED_TEMPLATES: readonly string[] = [
  '{Part} cannot be seen in the {hiddenIn} image, but the {seenIn} image shows it {region}.',
  'The {hiddenIn} image does not show {part}; the {seenIn} image does, {region}.',
];

/** The sentence about a part hidden in one image and seen in the other (phrasing by `variant`). */
export function carriedSentence(seen: PartMention, hiddenIn: ImageName, variant: number): string {
  return fillTemplate(CARRIED_TEMPLATES[variant % CARRIED_TEMPLATES.length], {
    part: seen.label,
    hiddenIn,
    seenIn: hiddenIn === 'first' ? 'second' : 'first',
    region: regionPhrase(seen.vertical, seen.horizontal),
  });
}

/** Phrasings of the final sentence: the answer letter and its option text. */
export const ANSWER_TEMPLATES: readonly string[] = [
  'So the answer is {letter}: {text}.',
  'The answer is therefore {letter} ({text}).',
  'This matches option {letter}, "{text}".',
];

/** Where a projected centre lies, as words: vertical third × horizontal third. */
const REGION: Readonly<Record<PartView['vertical'], Readonly<Record<PartView['horizontal'], string>>>> = {
  top: { left: 'in the upper left', centre: 'at the top centre', right: 'in the upper right' },
  middle: { left: 'on the left', centre: 'in the centre', right: 'on the right' },
  bottom: { left: 'in the lower left', centre: 'at the bottom centre', right: 'in the lower right' },
};

/** Words for a part's image position, e.g. `regionPhrase('top', 'left') === 'in the upper left'`. */
export function regionPhrase(vertical: PartView['vertical'], horizontal: PartView['horizontal']): string {
  return REGION[vertical][horizontal];
}

/** The name of a part with its colour: "the red handle". */
export function partLabel(colorName: string, name: string): string {
  return `the ${colorName} ${name}`;
}

/**
 * Replaces `{key}` in `text` with `vars.key`; `{Key}` (capitalised) inserts the value with its
 * first letter capitalised.
 * @throws Error when a placeholder has no value (a template bug).
 */
export function fillTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (_, key: string) => {
    const lower = key[0].toLowerCase() + key.slice(1);
    const value = vars[key] ?? vars[lower];
    if (value === undefined) throw new Error(`describeView: template "${text}" needs {${key}}`);
    return key === lower ? value : value[0].toUpperCase() + value.slice(1);
  });
}

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function mentions(view: ViewFacts, truth: GroundTruth): PartMention[] {
  const colours = new Map(truth.object.parts.map((p) => [p.name, p.colorName]));
  const out: PartMention[] = [];
  view.parts.forEach((p) => {
    if (!p.visible) return;
    const colorName = colours.get(p.name);
    if (colorName === undefined) throw new Error(`describeView: part "${p.name}" of the view facts is not in object "${truth.object.name}"`);
    out.push({
      name: p.name,
      colorName,
      label: partLabel(colorName, p.name),
      horizontal: p.horizontal,
      vertical: p.vertical,
      depthM: p.depthM,
      visibleFraction: p.visibleFraction,
    });
  });
  // Stable sort: ties keep the object's part order.
  return out.sort((a, b) => b.visibleFraction - a.visibleFraction);
}

/**
 * Whether part `name` is hidden in `view`: no ID-pass pixel at all once the truth is grounded in
 * pixels (a sliver is not hidden), else not ray-cast visible.
 */
export function isHidden(view: ViewFacts, name: string): boolean {
  const p = view.parts.find((q) => q.name === name);
  if (p === undefined) throw new Error(`describeView: part "${name}" has no facts in the view`);
  return p.idPixels !== undefined ? p.idPixels === 0 : !p.visible;
}

/** A part's state in one view: seen (a solid patch), hidden (no pixel) or a sliver in between. */
function partState(view: ViewFacts, name: string): 'seen' | 'hidden' | 'sliver' {
  const p = view.parts.find((q) => q.name === name)!;
  return p.visible ? 'seen' : isHidden(view, name) ? 'hidden' : 'sliver';
}

/** See {@link Observations.unclear}. */
function unclearParts(truth: GroundTruth): string[] {
  return truth.object.parts.map((p) => p.name).filter((name) => partState(truth.views[0], name) === 'sliver' || partState(truth.views[1], name) === 'sliver');
}

/** Reads the {@link Observations} of a sample off its ground truth. Pure. */
export function observeViews(truth: GroundTruth): Observations {
  const a = mentions(truth.views[0], truth);
  const b = mentions(truth.views[1], truth);
  const inA = new Map(a.map((m) => [m.name, m]));
  const inB = new Set(b.map((m) => m.name));
  const [viewA, viewB] = truth.views;
  const shifted: PartShift[] = [];
  for (const m of b) {
    const before = inA.get(m.name);
    if (before && before.horizontal !== m.horizontal) shifted.push({ label: m.label, from: before.horizontal, to: m.horizontal });
  }
  return {
    visible: [a, b],
    appeared: b.filter((m) => !inA.has(m.name) && isHidden(viewA, m.name)),
    disappeared: a.filter((m) => !inB.has(m.name) && isHidden(viewB, m.name)),
    shifted,
    unclear: unclearParts(truth),
    coverage: [truth.views[0].coverage, truth.views[1].coverage],
    ...(getScene(truth) !== null ? { scene: listSceneObjects(truth) } : {}),
  };
}

/**
 * The wording of a viewpoint family asked of a scene (README, "Scenes"): its question and
 * sentences speak of "the object"; of a scene they speak of "the scene" (whose centre, the world
 * origin on the ground, replaces the object's). Identity for a single object.
 */
export function subjectWording(truth: Pick<GroundTruth, 'object'>): (text: string) => string {
  if (getScene(truth) === null) return (text) => text;
  return (text) =>
    text
      .replace(/the apparent size of the object and its parts/g, 'the apparent size of the objects in the scene')
      .replace(/\bthe object\b/g, 'the scene')
      .replace(/\bThe object\b/g, 'The scene');
}

/** Draws the phrasing choices of one question's reasoning (five draws from `rng`, in a fixed order). */
export function drawReasoningStyle(rng: Rng): ReasoningStyle {
  const n = VIEW_TEMPLATES.length;
  return {
    views: [rng.int(0, n - 1), rng.int(0, n - 1)],
    change: rng.int(0, CHANGE_TEMPLATES.none.length - 1),
    answer: rng.int(0, ANSWER_TEMPLATES.length - 1),
    conclusion: rng.int(0, 5),
  };
}

/**
 * Lists parts with their image regions, parts in the same region together, regions in order of
 * first mention: "the red handle and the blue knob in the centre, and the green fin on the left".
 */
export function listWithRegions(parts: readonly PartMention[]): string {
  const groups = new Map<string, string[]>();
  for (const m of parts) {
    const region = regionPhrase(m.vertical, m.horizontal);
    const labels = groups.get(region) ?? [];
    labels.push(m.label);
    groups.set(region, labels);
  }
  const texts = [...groups].map(([region, labels]) => `${joinList(labels)} ${region}`);
  if (texts.length <= 1) return texts.join('');
  // A comma before the last region once a region lists several parts or there are three regions,
  // so "a and b in the centre, and c on the left" reads unambiguously.
  const comma = texts.length >= 3 || [...groups.values()].some((labels) => labels.length > 1);
  return `${texts.slice(0, -1).join(', ')}${comma ? ',' : ''} and ${texts[texts.length - 1]}`;
}

/** The sentence about one image: its most visible parts with their regions, and the nearest of them. */
export function describeView(parts: readonly PartMention[], image: ImageName, variant: number, maxParts: number): string {
  const t = VIEW_TEMPLATES[variant % VIEW_TEMPLATES.length];
  const shown = parts.slice(0, Math.max(1, maxParts));
  if (shown.length === 0) return fillTemplate(t.none, { image });
  if (shown.length === 1) return fillTemplate(t.one, { image, parts: listWithRegions(shown) });
  // Nearest among the parts listed, by depth of the part centre along the viewing axis.
  const nearest = shown.reduce((best, m) => (m.depthM < best.depthM ? m : best));
  return fillTemplate(t.many, { image, parts: listWithRegions(shown), part: nearest.label });
}

/**
 * Which parts the two image sentences list when each may name at most `maxParts`: the same
 * parts visible in both images (least-visible view decides their order), then in the first image
 * the parts that drop out of sight and in the second the parts that come into view. So two lists
 * differ only where the change sentence says why, and "the same parts are visible" is never next
 * to two different lists.
 */
export function partsToList(obs: Observations, maxParts: number): [PartMention[], PartMention[]] {
  const k = Math.max(1, maxParts);
  const inB = new Map(obs.visible[1].map((m) => [m.name, m]));
  const common = obs.visible[0]
    .filter((m) => inB.has(m.name))
    .map((a) => ({ a, b: inB.get(a.name)!, min: Math.min(a.visibleFraction, inB.get(a.name)!.visibleFraction) }))
    .sort((x, y) => y.min - x.min);
  const unique = Math.max(obs.disappeared.length, obs.appeared.length);
  const slotsForUnique = Math.min(unique, common.length > 0 ? k - 1 : k);
  const shared = common.slice(0, k - slotsForUnique);
  return [
    [...shared.map((c) => c.a), ...obs.disappeared.slice(0, slotsForUnique)],
    [...shared.map((c) => c.b), ...obs.appeared.slice(0, slotsForUnique)],
  ];
}

/**
 * The sentence(s) about what changed between the images: parts that came into view or dropped
 * out of sight (at most `maxParts` each), else "the same parts are visible"; then, if
 * `withShift`, one part (from the labels in `listed`, when given) whose horizontal third changed.
 */
export function describeChange(obs: Observations, variant: number, maxParts: number, withShift: boolean, listed?: readonly string[]): string[] {
  const names = (ms: readonly PartMention[]) => joinList(ms.slice(0, Math.max(1, maxParts)).map((m) => m.label));
  const verb = (ms: readonly PartMention[], one: string, many: string) => (Math.min(ms.length, Math.max(1, maxParts)) === 1 ? one : many);
  const vars = {
    appeared: names(obs.appeared),
    disappeared: names(obs.disappeared),
    comes: verb(obs.appeared, 'comes', 'come'),
    drops: verb(obs.disappeared, 'drops', 'drop'),
  };
  const kind = obs.appeared.length > 0 ? (obs.disappeared.length > 0 ? 'both' : 'appeared') : obs.disappeared.length > 0 ? 'disappeared' : 'none';
  const list = CHANGE_TEMPLATES[kind];
  // "The same parts are visible" is not said while a part is seen in one image and a mere sliver in the other.
  const out = kind === 'none' && obs.unclear.length > 0 ? [] : [fillTemplate(list[variant % list.length], vars)];
  // The shift sentence is about a part the image sentences already listed (any, when `listed` is not given).
  const shift = obs.shifted.find((m) => listed === undefined || listed.includes(m.label));
  if (withShift && shift !== undefined) {
    const s = shift;
    out.push(
      fillTemplate(SHIFT_TEMPLATES[variant % SHIFT_TEMPLATES.length], {
        part: s.label,
        from: s.from,
        to: s.to,
        fromAt: regionPhrase('middle', s.from),
        toAt: regionPhrase('middle', s.to),
      }),
    );
  }
  return out;
}

/** The final sentence: "So the answer is B: right, 30–60°." (phrasing by `variant`). */
export function answerSentence(letter: string, text: string, variant: number): string {
  return fillTemplate(ANSWER_TEMPLATES[variant % ANSWER_TEMPLATES.length], { letter, text });
}

/** Number of whitespace-separated words. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** Input of {@link writeReasoning}. */
export interface ReasoningInput {
  observations: Observations;
  style: ReasoningStyle;
  /** Family sentences between the observations and the answer: evidence, then the conclusion with its number. */
  conclusion: readonly string[];
  answerLetter: string;
  answerText: string;
  /**
   * Word budget; the observations are shortened (3 parts a list with the shift sentence, then
   * without it, then 2 parts with and without it, then 1 part) until the text fits. The family sentences and the answer are never dropped.
   * @default 120
   */
  maxWords?: number;
}

/** Writes the whole reasoning: observations, change, family conclusion, answer. Pure. */
export function writeReasoning(input: ReasoningInput): string {
  const { observations: obs, style } = input;
  const maxWords = input.maxWords ?? 120;
  const tail = [...input.conclusion, answerSentence(input.answerLetter, input.answerText, style.answer)];
  // A scene: what each image shows of the objects seen in either (slivers left out), as the ID pass says.
  if (obs.scene !== undefined) {
    const shown = obs.scene.filter((f) => f.views.some((v) => v.state === 'seen'));
    const views = ([0, 1] as const).filter((v) => shown.some((f) => f.views[v].state !== 'sliver')).map((v) => describeSceneView(v, shown.filter((f) => f.views[v].state !== 'sliver')));
    return [...views, ...tail].join(' ');
  }
  const levels: [maxParts: number, withShift: boolean][] = [[3, true], [3, false], [2, true], [2, false], [1, false]];
  let text = '';
  for (const [maxParts, withShift] of levels) {
    const [listA, listB] = partsToList(obs, maxParts);
    text = [
      describeView(listA, 'first', style.views[0], maxParts),
      describeView(listB, 'second', style.views[1], maxParts),
      ...describeChange(obs, style.change, maxParts, withShift, [...listA, ...listB].map((m) => m.label)),
      ...tail,
    ].join(' ');
    if (countWords(text) <= maxWords) break;
  }
  return text;
}
