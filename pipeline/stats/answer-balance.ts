/**
 * Answer-content balance (README "Evaluation sets"): not only the letters, but what the answers
 * say — left against right, closer against farther against about the same, each angle bin — per
 * family over a build. A family's contents are its records' `answer_text`s; a family whose
 * answers are names of parts or objects ("the pink foot", "the red mug": the texts start with
 * "the", or there are more than {@link MAX_CLOSED_CONTENTS} of them) has no closed set of contents
 * and is balanced by its letters alone. Only the contents a build shows are counted.
 *
 * Verdicts: 'balanced' when every content's share is within {@link BALANCE_TOLERANCE} (relative)
 * of uniform; otherwise 'noise' when a chi-square test against uniform cannot tell the counts
 * from chance at {@link BALANCE_ALPHA} (small builds), 'imbalanced' when it can. The dataset card
 * states every family's verdict; the nightly gate `answer-balance` fails a family only when it is
 * 'imbalanced' by more than its threshold.
 */
import { chiSquarePValue } from './significance.js';

/** Families with more distinct answer texts than this answer with names (no closed content set). */
export const MAX_CLOSED_CONTENTS = 12;
/** Largest relative deviation of a content's share from uniform that still counts as balanced. */
export const BALANCE_TOLERANCE = 0.05;
/** False-alarm rate of the chi-square test that calls a deviation real. */
export const BALANCE_ALPHA = 0.001;

export interface FamilyBalance {
  family: string;
  samples: number;
  /** Samples per answer content; empty for an open (names) family. */
  contents: Record<string, number>;
  /** max over contents |share · k − 1| (0 = perfectly uniform). */
  maxRelativeDeviation: number;
  /** Chi-square p-value of the counts against uniform (1 for open families). */
  pValue: number;
  verdict: 'balanced' | 'noise' | 'imbalanced' | 'open';
}

/** Counts answer contents per family, one sample at a time. */
export class AnswerBalanceCollector {
  private readonly seen = new Set<string>();
  private readonly counts = new Map<string, Map<string, number>>();

  add(meta: Record<string, unknown>): void {
    const id = meta.id as string;
    if (this.seen.has(id) || typeof meta.family !== 'string' || typeof meta.answer_text !== 'string') return;
    this.seen.add(id);
    let family = this.counts.get(meta.family);
    if (family === undefined) this.counts.set(meta.family, (family = new Map()));
    family.set(meta.answer_text, (family.get(meta.answer_text) ?? 0) + 1);
  }

  result(): FamilyBalance[] {
    return [...this.counts].sort(([a], [b]) => a.localeCompare(b)).map(([family, contents]) => judgeBalance(family, Object.fromEntries([...contents].sort(([a], [b]) => a.localeCompare(b)))));
  }
}

/** The verdict on one family's answer-content counts; see the file header. */
export function judgeBalance(family: string, contents: Record<string, number>): FamilyBalance {
  const counts = Object.values(contents);
  const samples = counts.reduce((a, b) => a + b, 0);
  const k = counts.length;
  if (k > MAX_CLOSED_CONTENTS || Object.keys(contents).some((c) => c.startsWith('the '))) return { family, samples, contents: {}, maxRelativeDeviation: 0, pValue: 1, verdict: 'open' };
  const expected = samples / k;
  const maxRelativeDeviation = k <= 1 ? 0 : Math.max(...counts.map((c) => Math.abs(c / expected - 1)));
  const statistic = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  const pValue = chiSquarePValue(statistic, k - 1);
  const verdict = maxRelativeDeviation <= BALANCE_TOLERANCE ? 'balanced' : pValue >= BALANCE_ALPHA ? 'noise' : 'imbalanced';
  return { family, samples, contents, maxRelativeDeviation, pValue, verdict };
}

/** The card section's body lines. */
export function describeAnswerBalance(balance: readonly FamilyBalance[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    `What the answers say, per family (\`answer_text\`): a family is *balanced* when every answer content's share is within ±${pct(BALANCE_TOLERANCE)} (relative) of uniform; *noise* when it is not, but a chi-square test against uniform cannot tell the counts from chance at α = ${BALANCE_ALPHA} (too few samples to say); *imbalanced* when it can. Families whose answers are names of parts or objects are balanced by answer letter only.`,
    '',
    '| family | samples | contents seen: samples | largest deviation | p (uniform) | verdict |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const b of balance) {
    if (b.verdict === 'open') {
      lines.push(`| ${b.family} | ${b.samples} | names | – | – | letters only |`);
      continue;
    }
    const contents = Object.entries(b.contents).map(([c, n]) => `${c.replace(/\|/g, '\\|')}: ${n}`).join('; ');
    lines.push(`| ${b.family} | ${b.samples} | ${contents} | ${pct(b.maxRelativeDeviation)} | ${b.pValue < 1e-4 ? '< 0.0001' : b.pValue.toFixed(4)} | ${b.verdict} |`);
  }
  const bad = balance.filter((b) => b.verdict === 'imbalanced');
  if (bad.length > 0) lines.push('', `Imbalanced: ${bad.map((b) => b.family).join(', ')}. A model can gain on these families by favouring their commonest answer; weigh or subsample them when evaluating.`);
  return lines.join('\n');
}
