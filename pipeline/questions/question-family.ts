/**
 * The interface every question family implements (docs/supervision.md; CONTRIBUTING.md, "Adding
 * a question family"), and {@link defineFamily}, which every family module calls.
 *
 * A family owns everything about itself: its stage, the camera motion the planner draws for it
 * (with the answer classes that motion balances), whether an object's symmetry can hide its
 * answer, whether it names coloured parts (so library models cannot be asked it), and how it
 * decides from ground truth alone whether it can ask about a sample (`applies`) and builds the
 * question, options, answer and reasoning (`build`). Family lists (the stages, the library's
 * families, the symmetry rule's families, the planner's classes) are read from the registry
 * (pipeline/questions/index.ts), never kept beside it. A family never reads pixels, files or the
 * network.
 */
import type { Rng } from '../rng.js';
import type { GroundTruth } from '../types.js';
import { MODERATE_MOTION, type FamilyMotion } from './family-motion.js';

/** Training stage a family's records are meant for. */
export type Stage = 'sft' | 'rl';

/** Result of {@link QuestionFamily.applies}: a re-draw is a normal, countable outcome. */
export type Applicability = { ok: true } | { ok: false; reason: string };

/** Family-specific numbers, under fixed keys so every record has the same schema. */
export interface Difficulty {
  /** Distance of the true value from the nearest decision edge (bin edge or threshold). */
  margin: number;
  /** Unit of `margin`: "deg" for angles, "ratio" for distance ratios, "px" for image positions, "m" for depths, "objects" for counts. */
  marginUnit: 'deg' | 'ratio' | 'px' | 'm' | 'objects';
  /** The true bin / class label, e.g. "right 30-60°". */
  bin: string;
  /** The signed quantity the answer was derived from (e.g. Δazimuth in degrees). */
  value: number;
}

/** A finished multiple-choice question. */
export interface BuiltQuestion {
  family: string;
  /** `${family}/${templateKey}`, e.g. "orbit/t2". */
  templateId: string;
  /** Question text without `<image>` tokens and without the option list. */
  question: string;
  /** Option texts in display order (letter = A + index). */
  options: string[];
  /** Index of the correct option in `options`. */
  answerIndex: number;
  /** 'A', 'B', … */
  answerLetter: string;
  /** The correct option's text. */
  answerText: string;
  /** Templated chain of thought, ending in a sentence that states the answer; no tags. */
  reasoning: string;
  difficulty: Difficulty;
  /**
   * Parts the question names, in the order it names them, with the view (0 = A, 1 = B) it asks
   * about them in (a cross-view question names a part hidden there and seen in the other view).
   * Records write them as `question_view` and `question_parts`. Absent (or empty) for questions
   * that name no part.
   */
  namedParts?: readonly NamedPart[];
  /** Scene questions: ids of the objects the question names, in the order it names them (records: `question_objects`). */
  namedObjects?: readonly string[];
  /** Scene questions: the view whose camera the question asks about, or null (records: `question_view`). */
  questionView?: 0 | 1 | null;
  /** `object-count`: the category it counts (records: `question_category`). */
  questionCategory?: string;
}

/** A part a question names, and the view it looks at the part in. */
export interface NamedPart {
  view: 0 | 1;
  /** {@link PartSpec.name}. */
  name: string;
}

/** One question family module. */
export interface QuestionFamily {
  /** Family name, e.g. "orbit". */
  readonly name: string;
  readonly stage: Stage;
  /** How the planner moves the cameras (and the object) between the views for this family. */
  readonly motion: FamilyMotion;
  /**
   * Whether the answer is the object's turn relative to the camera about the up axis (or its
   * direction), so an object whose symmetry hides that turn cannot be asked
   * (pipeline/questions/symmetry-ambiguity.ts).
   */
  readonly turnSensitive: boolean;
  /** Whether its questions name coloured parts, which library models do not have (docs/assets.md). */
  readonly namesParts: boolean;
  /**
   * Whether it asks about a scene of several objects (README, "Scenes"): its samples are scenes
   * (pipeline/plan/plan-scene.ts), and no other family's are.
   */
  readonly scene: boolean;
  /**
   * A single-object family that can also be asked of a scene of several objects (`--scene multi`;
   * README, "Scenes"): the scene's centre, the world origin on the ground, replaces the object's,
   * and its sentences speak of "the scene" (`subjectWording`).
   */
  readonly onScenes: boolean;
  /** Number of options every question of this family has (so answer slots can be balanced). */
  readonly optionCount: number;
  /**
   * Answer classes the family balances itself, from the truth it is given (e.g. `perspective`:
   * left / right): the caller passes each question a balanced class (`answerClass` of
   * pipeline/plan/family-schedule.ts) and the family asks the question whose answer content is that
   * class. Absent for families whose answer content the planner's camera motion already balances.
   */
  readonly answerClasses?: number;
  /**
   * Whether this sample can be asked about without ambiguity (for answer class `answerClass`, when
   * the family has classes). `draw` is a stream of the sample's own for a family that keeps only a
   * share of the samples it could ask about (`relative-depth`'s pair balance,
   * pipeline/questions/pair-balance.ts); without it such a family keeps them all.
   */
  applies(truth: GroundTruth, answerClass?: number, draw?: Rng): Applicability;
  /**
   * Builds the question. `answerSlot` (0-based, < optionCount) is where the correct option must
   * go; the caller balances it over the dataset. Other options are ordered with `rng`.
   * `answerClass` (< answerClasses) is the answer content to ask for, when the family has classes.
   */
  build(truth: GroundTruth, rng: Rng, answerSlot: number, answerClass?: number): BuiltQuestion;
  /**
   * A static scene family that can also be asked of one image (CV-Bench style; README, "Scenes",
   * `--single-view-share`): its `applies` and `build` for a sample whose two views share one
   * camera and whose record shows only image A. Everything they name must be seen in that image;
   * the same answer classes and option count as the two-image form. Absent: two images only.
   */
  readonly oneImage?: Pick<QuestionFamily, 'applies' | 'build'>;
  /**
   * How a horizontal mirror of the images (a reflection of the world, 3DSRBench's flip evaluation;
   * `export --flip`, pipeline/export/mirror-answer.ts) changes the answer: 'same', it holds as it
   * is (depths, distances, counts, heights); 'swap', the correct option becomes the one whose text
   * has left and right, clockwise and counter-clockwise swapped. Absent: no exact mirrored answer
   * is known (the question's own text names a side, say), so the family is left out of `--flip`.
   */
  readonly mirror?: 'same' | 'swap';
}

/** What a family module declares; the optional facts default as {@link defineFamily} says. */
export type FamilyDefinition = Omit<QuestionFamily, 'motion' | 'turnSensitive' | 'namesParts' | 'scene' | 'onScenes'> & Partial<Pick<QuestionFamily, 'motion' | 'turnSensitive' | 'namesParts' | 'scene' | 'onScenes'>>;

/**
 * A frozen family from its definition. Defaults: `motion` a moderate orbit move
 * (`MODERATE_MOTION`), `turnSensitive`, `namesParts`, `scene` and `onScenes` false.
 * @throws RangeError for a definition that cannot work (no name, fewer than two options).
 */
export function defineFamily(definition: FamilyDefinition): QuestionFamily {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) throw new RangeError(`defineFamily: name must be lower-case words joined by "-", got ${JSON.stringify(definition.name)}`);
  if (!(Number.isInteger(definition.optionCount) && definition.optionCount >= 2)) {
    throw new RangeError(`defineFamily: ${definition.name}: optionCount must be an integer ≥ 2, got ${definition.optionCount}`);
  }
  if (definition.oneImage !== undefined && definition.scene !== true) throw new RangeError(`defineFamily: ${definition.name}: only a scene family can be asked of one image (oneImage)`);
  const classes = definition.motion?.classes ?? 1;
  if (!(Number.isInteger(classes) && classes >= 1)) throw new RangeError(`defineFamily: ${definition.name}: motion.classes must be an integer ≥ 1, got ${classes}`);
  if (definition.onScenes === true && (definition.scene === true || definition.namesParts === true)) {
    throw new RangeError(`defineFamily: ${definition.name}: onScenes is for single-object families that name no part`);
  }
  return Object.freeze({ motion: MODERATE_MOTION, turnSensitive: false, namesParts: false, scene: false, onScenes: false, ...definition });
}
