/**
 * Everything a record builder needs about one finished sample. Built by the run loop after the
 * images are encoded and written; record builders are pure functions of it.
 */
import type { BuiltQuestion } from '../questions/question-family.js';
import type { SamplePlan } from '../sample-plan.js';
import type { GroundTruth } from '../types.js';

/** One written image file. */
export interface ImageInfo {
  /** Path relative to the output root, POSIX separators, e.g. "images/00000/vf-…_a.jpg". */
  path: string;
  sha256: string;
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp';
  bytes: number;
  /** The mask pass written beside it (`--passes mask`), else null. */
  mask: PassFile | null;
  /** The depth pass written beside it (`--passes depth`), else null. */
  depth: PassFile | null;
}

/** A pass image written beside a colour image (README, Output). */
export interface PassFile {
  /** Path relative to the output root, e.g. "images/00000/vf-…_a.mask.png". */
  path: string;
  sha256: string;
}

export interface SampleRecordInput {
  plan: SamplePlan;
  truth: GroundTruth;
  question: BuiltQuestion;
  /** View A and view B; view A alone for a single-image sample (`plan.singleView`). */
  images: [ImageInfo, ImageInfo] | [ImageInfo];
  /** Whether the SFT answer carries `<think>reasoning</think>` before `<answer>`. */
  withCot: boolean;
  /** Optional system prompt for SFT records (null = none). */
  systemPrompt: string | null;
  /** Dataset name used as verl `data_source`, e.g. "viewforge". */
  datasetName: string;
}
