/**
 * Which option a model's free-text output names, for scoring evaluator outputs (VLMEvalKit
 * prediction files, lmms-eval logged samples) and in the lmms-eval task's `utils.py`
 * (pipeline/export/lmms-eval-export.ts), which follows the same rules in Python.
 */
import { optionLetter } from '../questions/arrange-options.js';

/**
 * The option letter a model's output names, or null: the content of the last
 * `<answer>…</answer>` when there is one, then a leading letter among the options ("B", "(B)",
 * "B. left", "B: …"), else an output that is exactly one option's text. Same rules as the
 * task folder's `utils.py` and VLMEvalKit prediction scoring.
 */
export function extractLetter(text: string, options: readonly string[]): string | null {
  const letters = options.map((_, i) => optionLetter(i));
  const tagged = [...text.matchAll(/<answer>\s*([\s\S]*?)\s*<\/answer>/g)];
  let body = (tagged.length > 0 ? tagged[tagged.length - 1][1] : text).trim();
  const m = /^\(?([A-Z])\)?(?:[.:)\s]|$)/.exec(body);
  if (m !== null && letters.includes(m[1])) return m[1];
  body = body.replace(/\.+$/, '').trim().toLowerCase();
  const i = options.findIndex((o) => o.toLowerCase() === body);
  return i < 0 ? null : letters[i];
}
