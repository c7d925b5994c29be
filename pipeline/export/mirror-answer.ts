/**
 * The answer of a horizontally mirrored sample (3DSRBench's flip evaluation, `export --flip`):
 * mirroring both images left to right shows the mirror image of the scene, so sides and turning
 * senses swap and everything else (depths, distances, counts, heights) holds. Each family says
 * which applies (`QuestionFamily.mirror`); a family that says neither is left out.
 */
import { getFamily } from '../questions/index.js';

const SWAPS: Readonly<Record<string, string>> = { left: 'right', right: 'left', clockwise: 'counter-clockwise', 'counter-clockwise': 'clockwise' };

/** `text` with left ↔ right and clockwise ↔ counter-clockwise swapped (whole words, case kept for the first letter). */
export function mirrorText(text: string): string {
  return text.replace(/\b(counter-clockwise|clockwise|left|right)\b/gi, (word) => {
    const swapped = SWAPS[word.toLowerCase()];
    return word[0] === word[0].toUpperCase() ? swapped[0].toUpperCase() + swapped.slice(1) : swapped;
  });
}

/**
 * The index of the correct option once the images are mirrored, or null when the family has no
 * exact mirrored answer (or the swapped option is not among the options).
 */
export function mirroredAnswerIndex(family: string, options: readonly string[], answerIndex: number): number | null {
  const rule = getFamily(family).mirror;
  if (rule === 'same') return answerIndex;
  if (rule !== 'swap') return null;
  const target = mirrorText(options[answerIndex]);
  const found = options.indexOf(target);
  return found < 0 ? null : found;
}
