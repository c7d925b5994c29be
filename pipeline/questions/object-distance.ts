/**
 * Family `object-distance` (RL stage; CV-Bench "relative distance" on scenes, README "Scenes"):
 * which of two named objects is closer to a third, in 3D? Two options, the two objects' names.
 *
 * The answer is the object whose centre (`meta.scene.objects[j].position`) is nearer to the
 * reference object's centre (Euclidean distance in the world).
 *
 * ```text
 * Question: In the scene, which is closer to the red mug: the chair or the green ball?
 * Options:  A. green ball   B. chair
 * Answer:   B
 * Reasoning: The first image shows the red mug and the chair. The second image shows the red mug and
 *   the green ball; the chair is not visible in it. Putting the two views together, the chair's
 *   centre is about 0.41 m from the red mug's and the green ball's about 0.77 m. So the chair is the
 *   closer of the two, by about 0.36 m. So the answer is B: chair.
 * ```
 *
 * A two-image record must need both images: each of the three objects is seen in at least one
 * view, and at least one of them is hidden in one view and seen in the other (its place is
 * carried over). The images sentences say only what holds: each view lists the three objects it
 * shows, and an object hidden there is said to be not visible. Re-draw rules, in this order:
 * 'no-triple' (no three objects so seen), 'similar-distance' (none whose two distances differ by
 * `minGapM` and by the ratio `minRatio`). `difficulty`: margin = the distance gap (m), bin = the
 * ratio of the distances, value = distance of the first-named minus the second-named (m).
 *
 * As a single-image record (`--single-view-share`): all three objects seen in the one image.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { arrangeOptions } from './arrange-options.js';
import { answerSentence, drawReasoningStyle, fillTemplate } from './describe-view.js';
import { SCENE_MOTION } from './family-motion.js';
import { defineFamily, type Applicability, type BuiltQuestion, type QuestionFamily } from './question-family.js';
import { describeOneImage, describeSceneView, distance3, listSceneObjects, type SceneObjectFacts } from './scene-facts.js';

const FAMILY = 'object-distance';

export interface ObjectDistanceOptions {
  /** Smallest difference of the two distances, metres. @default 0.12 */
  minGapM: number;
  /** Smallest ratio farther / nearer. @default 1.25 */
  minRatio: number;
}

export const OBJECT_DISTANCE_DEFAULTS: Readonly<ObjectDistanceOptions> = Object.freeze({ minGapM: 0.12, minRatio: 1.25 });

const TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 't1', text: 'In the scene, which is closer to the {x}: the {y} or the {z}?' },
  { id: 't2', text: 'Considering the distances in 3D, is the {y} or the {z} nearer to the {x}?' },
  { id: 't3', text: 'Which of these two objects stands closer to the {x}, the {y} or the {z}?' },
  { id: 't4', text: 'Using both images, decide whether the {y} or the {z} is at the smaller distance from the {x}.' },
];
export { TEMPLATES as OBJECT_DISTANCE_TEMPLATES };

const EVIDENCE: readonly string[] = [
  "Putting the two views together, the {near}'s centre is about {dn} m from the {x}'s and the {far}'s about {df} m.",
  "Combining both images, the {near} stands about {dn} m from the {x} and the {far} about {df} m from it.",
];

const CONCLUSIONS: readonly string[] = ['So the {near} is the closer of the two, by about {gap} m.', 'That makes the {near} the nearer one to the {x}, by roughly {gap} m.'];

/** A question triple: `ref` the object distances are measured from, `a` and `b` the two compared. */
export interface ObjectDistanceTriple {
  ref: SceneObjectFacts;
  a: SceneObjectFacts;
  b: SceneObjectFacts;
}

function resolveOptions(options: Partial<ObjectDistanceOptions>): ObjectDistanceOptions {
  const o = { ...OBJECT_DISTANCE_DEFAULTS, ...options };
  if (!(o.minGapM >= 0)) throw new RangeError(`${FAMILY}: minGapM must be ≥ 0, got ${o.minGapM}`);
  if (!(o.minRatio >= 1)) throw new RangeError(`${FAMILY}: minRatio must be ≥ 1, got ${o.minRatio}`);
  return o;
}

const seenSomewhere = (f: SceneObjectFacts) => f.views.some((v) => v.state === 'seen');
const noSliver = (f: SceneObjectFacts) => f.views.every((v) => v.state !== 'sliver');
const carried = (f: SceneObjectFacts) => (f.views[0].state === 'hidden' && f.views[1].state === 'seen') || (f.views[1].state === 'hidden' && f.views[0].state === 'seen');

/** Every triple the cross-view rule allows (no distance rule), `a` before `b` in scene order. Pure. */
export function listObjectDistanceTriples(truth: GroundTruth): ObjectDistanceTriple[] {
  const objects = listSceneObjects(truth).filter((f) => seenSomewhere(f) && noSliver(f));
  const triples: ObjectDistanceTriple[] = [];
  for (const ref of objects) {
    for (let i = 0; i < objects.length; i++) {
      for (let j = i + 1; j < objects.length; j++) {
        const [a, b] = [objects[i], objects[j]];
        if (a === ref || b === ref) continue;
        if ([ref, a, b].some(carried)) triples.push({ ref, a, b });
      }
    }
  }
  return triples;
}

function distances(t: ObjectDistanceTriple): [number, number] {
  return [distance3(t.ref.spec.position, t.a.spec.position), distance3(t.ref.spec.position, t.b.spec.position)];
}

function isClear(t: ObjectDistanceTriple, o: ObjectDistanceOptions): boolean {
  const [da, db] = distances(t);
  const [near, far] = da < db ? [da, db] : [db, da];
  return far - near >= o.minGapM && far >= o.minRatio * near;
}

/** Difficulty bin of the ratio farther / nearer. */
export function getObjectDistanceBin(ratio: number): string {
  return ratio < 1.5 ? 'ratio <1.5' : ratio < 2 ? 'ratio 1.5-2' : 'ratio ≥2';
}


const ONE_IMAGE_TEMPLATES: readonly { id: string; text: string }[] = [
  { id: 'one-t1', text: 'In the scene, which is closer to the {x}: the {y} or the {z}?' },
  { id: 'one-t2', text: 'Considering the distances in 3D, is the {y} or the {z} nearer to the {x}?' },
  { id: 'one-t3', text: 'Which of these two objects stands closer to the {x}, the {y} or the {z}?' },
];
export { ONE_IMAGE_TEMPLATES as OBJECT_DISTANCE_ONE_IMAGE_TEMPLATES };

const ONE_IMAGE_EVIDENCE: readonly string[] = [
  "In the scene, the {near}'s centre is about {dn} m from the {x}'s and the {far}'s about {df} m.",
  'In 3D, the {near} stands about {dn} m from the {x} and the {far} about {df} m from it.',
];

/** One image: triples of objects all seen in it, `a` before `b` in scene order. */
function oneImageTriples(truth: GroundTruth): ObjectDistanceTriple[] {
  const seen = listSceneObjects(truth).filter((f) => f.views[0].state === 'seen');
  const triples: ObjectDistanceTriple[] = [];
  for (const ref of seen) for (let i = 0; i < seen.length; i++) for (let j = i + 1; j < seen.length; j++) if (seen[i] !== ref && seen[j] !== ref) triples.push({ ref, a: seen[i], b: seen[j] });
  return triples;
}

/** What differs between the two-image question and the one-image one (README, "Scenes"). */
interface Form {
  templates: readonly { id: string; text: string }[];
  triples: (truth: GroundTruth) => ObjectDistanceTriple[];
  /** The sentences about what the image(s) show of the named objects. */
  describe: (named: readonly SceneObjectFacts[]) => string[];
  evidence: readonly string[];
  questionView: 0 | null;
}

const TWO_IMAGES: Form = {
  templates: TEMPLATES,
  triples: listObjectDistanceTriples,
  describe: (named) => ([0, 1] as const).map((v) => describeSceneView(v, named.filter((f) => f.views[v].state !== 'sliver'))),
  evidence: EVIDENCE,
  questionView: null,
};

const ONE_IMAGE: Form = { templates: ONE_IMAGE_TEMPLATES, triples: oneImageTriples, describe: (named) => [describeOneImage(named)], evidence: ONE_IMAGE_EVIDENCE, questionView: 0 };

function appliesWith(truth: GroundTruth, o: ObjectDistanceOptions, form: Form): Applicability {
  const triples = form.triples(truth);
  if (triples.length === 0) return { ok: false, reason: 'no-triple' };
  if (!triples.some((t) => isClear(t, o))) return { ok: false, reason: 'similar-distance' };
  return { ok: true };
}

function buildWith(truth: GroundTruth, rng: Rng, answerSlot: number, o: ObjectDistanceOptions, form: Form): BuiltQuestion {
  const verdict = appliesWith(truth, o, form);
  if (!verdict.ok) throw new Error(`${FAMILY}: build called on a sample that must be re-drawn (${verdict.reason}); call applies first`);
  const template = rng.pick(form.templates);
  const style = drawReasoningStyle(rng);
  const triple = rng.pick(form.triples(truth).filter((t) => isClear(t, o)));
  const [y, z] = rng.chance(0.5) ? [triple.a, triple.b] : [triple.b, triple.a];
  const dy = distance3(triple.ref.spec.position, y.spec.position);
  const dz = distance3(triple.ref.spec.position, z.spec.position);
  const [near, far, dn, df] = dy < dz ? [y, z, dy, dz] : [z, y, dz, dy];
  const arranged = arrangeOptions(FAMILY, near.spec.name, [far.spec.name], answerSlot, rng);
  const x = triple.ref.spec.name;
  const reasoning = [
    ...form.describe([triple.ref, y, z]),
    fillTemplate(form.evidence[style.change % form.evidence.length], { x, near: near.spec.name, far: far.spec.name, dn: dn.toFixed(2), df: df.toFixed(2) }),
    fillTemplate(CONCLUSIONS[style.conclusion % CONCLUSIONS.length], { x, near: near.spec.name, gap: (df - dn).toFixed(2) }),
    answerSentence(arranged.answerLetter, arranged.answerText, style.answer),
  ].join(' ');
  return {
    family: FAMILY,
    templateId: `${FAMILY}/${template.id}`,
    question: fillTemplate(template.text, { x, y: y.spec.name, z: z.spec.name }),
    ...arranged,
    reasoning,
    difficulty: { margin: df - dn, marginUnit: 'm', bin: getObjectDistanceBin(df / dn), value: dy - dz },
    namedObjects: [triple.ref.spec.id, y.spec.id, z.spec.id],
    questionView: form.questionView,
  };
}

/** Makes the `object-distance` family with `options` over {@link OBJECT_DISTANCE_DEFAULTS}. @throws RangeError on bad options. */
export function createObjectDistanceFamily(options: Partial<ObjectDistanceOptions> = {}): QuestionFamily {
  const o = resolveOptions(options);
  return defineFamily({
    mirror: 'same',
    name: FAMILY,
    stage: 'rl',
    optionCount: 2,
    motion: SCENE_MOTION,
    scene: true,
    applies: (truth: GroundTruth) => appliesWith(truth, o, TWO_IMAGES),
    build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot, o, TWO_IMAGES),
    oneImage: { applies: (truth: GroundTruth) => appliesWith(truth, o, ONE_IMAGE), build: (truth: GroundTruth, rng: Rng, answerSlot: number) => buildWith(truth, rng, answerSlot, o, ONE_IMAGE) },
  });
}

/** The `object-distance` family with default options. */
export const objectDistanceFamily: QuestionFamily = createObjectDistanceFamily();
