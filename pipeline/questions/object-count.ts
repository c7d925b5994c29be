/**
 * Family `object-count` (RL stage; CV-Bench "count" across two views, README "Scenes"): how many
 * objects of a category do the two images show together, an object seen in both counted once?
 * Three options: 1, 2 and 3.
 *
 * The answer is the number of objects of `meta.question_category` seen (ID pass) in at least one
 * image. A two-image record must need both images: at least one counted object is seen in only
 * one image (hidden in the other), so neither image alone gives the count; and no object of the
 * category is a sliver in an image that does not also show it clearly (it could be counted or
 * not).
 *
 * ```text
 * Question: How many mugs do the two images show together? An object seen in both images counts once.
 * Options:  A. 3   B. 1   C. 2
 * Answer:   C
 * Reasoning: The first image shows the red mug and the blue mug. The second image shows the blue mug;
 *   the red mug is not visible in it. The blue mug stands in the same place in both images, so it
 *   counts once. Together the images show 2 mugs: the red mug and the blue mug. So the answer is C: 2.
 * ```
 *
 * As a single-image record (`--single-view-share`): how many the one image shows ("How many mugs
 * does the image show?"), no member of the category a sliver in it; margin 0.
 *
 * Answer classes: the count 1, 2 or 3, balanced. Re-draw rules: 'no-countable-category' (no
 * category whose count is 1–3 with a carried-over object and no ambiguous sliver),
 * 'no-category-of-class'. `difficulty`: margin = objects seen in both images (unit "objects";
 * the more are shared, the more a naive sum of the two images overcounts),
 * bin = "count <n>", value = the count.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate, joinList } from './describe-view.js';
import { SCENE_MOTION } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { describeSceneView, listSceneObjects, type SceneObjectFacts } from './scene-facts.js';

const FAMILY = 'object-count';

/** The counts asked, in option order before the shuffle. */
const COUNTS = [1, 2, 3] as const;

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'How many {plural} do the two images show together? An object seen in both images counts once.' },
  { id: 't2', text: 'Counting across both images, and counting an object that appears in both only once, how many {plural} are there?' },
  { id: 't3', text: 'Taking the two views together, how many different {plural} can be seen?' },
];
export { TEMPLATES as OBJECT_COUNT_TEMPLATES };

/** Plural of a category word ("box" → "boxes"). */
export function pluralOf(category: string): string {
  return /(s|x|ch|sh)$/.test(category) ? `${category}es` : `${category}s`;
}

interface Countable {
  category: string;
  counted: SceneObjectFacts[];
}

const seenIn = (f: SceneObjectFacts, v: 0 | 1) => f.views[v].state === 'seen';

/** Categories that can be asked: count 1–3, one counted object seen in one image only (hidden in the other), no ambiguous sliver. */
function countables(truth: GroundTruth): Countable[] {
  const objects = listSceneObjects(truth);
  const out: Countable[] = [];
  for (const category of [...new Set(objects.map((o) => o.spec.category))]) {
    const members = objects.filter((o) => o.spec.category === category);
    // A member neither image shows clearly but one shows a sliver of could be counted or not.
    if (members.some((m) => !seenIn(m, 0) && !seenIn(m, 1) && m.views.some((v) => v.state === 'sliver'))) continue;
    const counted = members.filter((m) => seenIn(m, 0) || seenIn(m, 1));
    if (counted.length < 1 || counted.length > COUNTS.length) continue;
    if (!counted.some((m) => (seenIn(m, 0) && m.views[1].state === 'hidden') || (seenIn(m, 1) && m.views[0].state === 'hidden'))) continue;
    out.push({ category, counted });
  }
  return out;
}

/** Whether a category of `all` (the countable ones of a form) can be asked for `answerClass`. */
function appliesTo(all: readonly Countable[], answerClass?: number): Applicability {
  if (all.length === 0) return { ok: false, reason: 'no-countable-category' };
  if (answerClass !== undefined && !all.some((c) => c.counted.length === COUNTS[answerClass % COUNTS.length])) return { ok: false, reason: 'no-category-of-class' };
  return { ok: true };
}

const ONE_IMAGE_TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 'one-t1', text: 'How many {plural} does the image show?' },
  { id: 'one-t2', text: 'Count the {plural} you can see in the image. How many are there?' },
];
export { ONE_IMAGE_TEMPLATES as OBJECT_COUNT_ONE_IMAGE_TEMPLATES };

/** One image (README, "Scenes"): categories whose members the image shows 1–3 of, none of them a sliver there. */
function countablesInOneImage(truth: GroundTruth): Countable[] {
  const objects = listSceneObjects(truth);
  const out: Countable[] = [];
  for (const category of [...new Set(objects.map((o) => o.spec.category))]) {
    const members = objects.filter((o) => o.spec.category === category);
    if (members.some((m) => m.views[0].state === 'sliver')) continue;
    const counted = members.filter((m) => seenIn(m, 0));
    if (counted.length >= 1 && counted.length <= COUNTS.length) out.push({ category, counted });
  }
  return out;
}


/** What differs between the two-image question and the one-image one (README, "Scenes"). */
interface Form {
  templates: readonly { id: string; text: string }[];
  countables: (truth: GroundTruth) => Countable[];
  /** The reasoning before the answer sentence. */
  describe: (c: Countable, plural: string) => string[];
  /** Objects seen in both images (a naive sum overcounts them); 0 for one image. */
  margin: (c: Countable) => number;
  questionView: 0 | null;
}

const inBoth = (c: Countable) => c.counted.filter((m) => seenIn(m, 0) && seenIn(m, 1));

const TWO_IMAGES: Form = {
  templates: TEMPLATES,
  countables,
  describe: (c, plural) => {
    const both = inBoth(c);
    const n = c.counted.length;
    return [
      describeSceneView(0, c.counted),
      describeSceneView(1, c.counted),
      both.length === 0 ? 'No object appears in both images.' : `${joinList(both.map((m) => m.label)).replace(/^t/, 'T')} ${both.length === 1 ? 'stands' : 'stand'} in the same place in both images, so ${both.length === 1 ? 'it counts' : 'each counts'} once.`,
      `Together the images show ${n} ${n === 1 ? c.category : plural}: ${joinList(c.counted.map((m) => m.label))}.`,
    ];
  },
  margin: (c) => inBoth(c).length,
  questionView: null,
};

const ONE_IMAGE: Form = {
  templates: ONE_IMAGE_TEMPLATES,
  countables: countablesInOneImage,
  describe: (c, plural) => [`The image shows ${c.counted.length} ${c.counted.length === 1 ? c.category : plural}: ${joinList(c.counted.map((m) => m.label))}.`],
  margin: () => 0,
  questionView: 0,
};

const appliesWith = (truth: GroundTruth, form: Form, answerClass?: number) => appliesTo(form.countables(truth), answerClass);

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, form: Form, answerClass?: number): BuiltQuestion {
  const verdict = appliesWith(truth, form, answerClass);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(form.templates);
  const style = drawReasoningStyle(rng);
  const c = rng.pick(form.countables(truth).filter((k) => answerClass === undefined || k.counted.length === COUNTS[answerClass % COUNTS.length]));
  const n = c.counted.length;
  const arranged = arrangeOptions(FAMILY, String(n), COUNTS.filter((k) => k !== n).map(String), answerSlot, rng);
  const plural = pluralOf(c.category);
  const reasoning = [...form.describe(c, plural), answerSentence(arranged.answerLetter, arranged.answerText, style.answer)].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { plural }),
    ...arranged,
    reasoning,
    difficulty: { margin: form.margin(c), marginUnit: 'objects', bin: `count ${n}`, value: n },
    namedObjects: [],
    questionView: form.questionView,
    questionCategory: c.category,
  };
}

/** Makes the `object-count` family. */
export function createObjectCountFamily(): QuestionFamily {
  return defineFamily({
    mirror: 'same',
    name: FAMILY,
    stage: 'rl',
    optionCount: COUNTS.length,
    answerClasses: COUNTS.length,
    motion: SCENE_MOTION,
    scene: true,
    applies: (truth: GroundTruth, answerClass?: number) => appliesWith(truth, TWO_IMAGES, answerClass),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, TWO_IMAGES, answerClass),
    oneImage: {
      applies: (truth: GroundTruth, answerClass?: number) => appliesWith(truth, ONE_IMAGE, answerClass),
      build: (truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number) => buildWith(truth, rng, answerSlot, ONE_IMAGE, answerClass),
    },
  });
}

/** The `object-count` family. */
export const objectCountFamily: QuestionFamily = createObjectCountFamily();
