/**
 * The blind prior of a data set: how well a model that never looks at the images could answer,
 * from the question, the options and the template alone. A family whose blind prior is far above
 * chance teaches a text shortcut instead of spatial reasoning (issue 10's audit found
 * `relative-depth` at 65 % against 50 % chance, because some part names were nearly always the
 * nearer one).
 *
 * The prior is a counting model, fitted on every other record of a family (the 1st, 3rd, … in
 * index order) and scored on the rest, then the other way round (two-fold cross-fitting, so every
 * record is scored, by a prior that never saw it): for each option of a record it looks up how often that option was the answer when it was
 * offered in the same family, under the same template, at the same place in the question (the
 * option's text with colour words dropped, so "the red nose" and "the blue nose" are one option;
 * "first named" / "second named" / "not named" in the question), and picks the option with the
 * highest smoothed rate; ties go to the first option (letters are balanced, so a tie scores chance).
 * Pure.
 */
import { PART_COLORS } from '../../assets/procedural/palette.js';
import { getRecordMeta, listJsonlShards, readShardRecords, type ShardFileRef } from './read-shard-records.js';

/** What the prior reads of a record. */
export interface BlindPriorRecord {
  index: number;
  family: string;
  template_id: string;
  question: string;
  options: readonly string[];
  answer: string;
}

/** One family's blind-prior accuracy on the held-out half, next to chance. */
export interface BlindPriorRow {
  family: string;
  /** Records scored: every record of the family (each by the fold that did not fit on it). */
  scored: number;
  /** Share answered right by the prior. */
  accuracy: number;
  /** Mean of 1 / option count over the scored records. */
  chance: number;
}

const COLOUR_WORDS = new RegExp(`\\b(${PART_COLORS.map((c) => c.name).join('|')})\\s+`, 'g');

/** An option's text without colour words: "the red nose" → "the nose". */
export function optionContent(option: string): string {
  return option.replace(COLOUR_WORDS, '').trim();
}

function placeInQuestion(question: string, option: string): string {
  const at = question.indexOf(option);
  if (at < 0) return 'not-named';
  const others = question.slice(0, at);
  return /\bthe \w+( \w+)? (arm|body|handle|knob|fin|nose|foot)\b/.test(others) ? 'second' : 'first';
}

function keyOf(r: BlindPriorRecord, option: string): string {
  return `${r.family}\u0000${r.template_id}\u0000${optionContent(option)}\u0000${placeInQuestion(r.question, option)}`;
}

/** Counts of one option key in the training half: how often it was offered, and how often it was the answer. */
type PriorCounts = Map<string, { offered: number; right: number }>;

function fit(records: readonly BlindPriorRecord[]): PriorCounts {
  const counts: PriorCounts = new Map();
  for (const r of records) {
    r.options.forEach((option, i) => {
      const k = keyOf(r, option);
      const c = counts.get(k) ?? { offered: 0, right: 0 };
      c.offered += 1;
      if (String.fromCharCode(65 + i) === r.answer) c.right += 1;
      counts.set(k, c);
    });
  }
  return counts;
}

/** Whether the prior fitted as `counts` answers `r` right: the option with the highest smoothed rate, ties to the first. */
function answersRight(counts: PriorCounts, r: BlindPriorRecord): boolean {
  let best = -1;
  let pick = 0;
  r.options.forEach((option, i) => {
    const c = counts.get(keyOf(r, option)) ?? { offered: 0, right: 0 };
    const rate = (c.right + 1) / (c.offered + r.options.length); // Laplace: an unseen option scores chance
    if (rate > best + 1e-12) {
      best = rate;
      pick = i;
    }
  });
  return String.fromCharCode(65 + pick) === r.answer;
}

/**
 * The blind prior of `records`, one row per family in first-seen order: two-fold cross-fitting
 * (fitted on the 1st, 3rd, … records of a family in index order and scored on the 2nd, 4th, …,
 * then the other way round), so every record is scored once by a prior that never saw it.
 */
export function measureBlindPrior(records: Iterable<BlindPriorRecord>): BlindPriorRow[] {
  const folds: [BlindPriorRecord[], BlindPriorRecord[]] = [[], []];
  const seen = new Map<string, number>();
  for (const r of [...records].sort((a, b) => a.index - b.index)) {
    const k = seen.get(r.family) ?? 0;
    seen.set(r.family, k + 1);
    folds[k % 2].push(r);
  }
  const rows = new Map<string, { scored: number; right: number; chance: number }>();
  for (const [train, test] of [folds, [folds[1], folds[0]]]) {
    const counts = fit(train);
    for (const r of test) {
      const row = rows.get(r.family) ?? { scored: 0, right: 0, chance: 0 };
      row.scored += 1;
      row.chance += 1 / r.options.length;
      if (answersRight(counts, r)) row.right += 1;
      rows.set(r.family, row);
    }
  }
  const order = [...seen.keys()];
  return [...rows].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([family, row]) => ({ family, scored: row.scored, accuracy: row.right / row.scored, chance: row.chance / row.scored }));
}

/** Collects what the prior reads of each record, each sample once (`--stages both` writes a sample in sft/ and rl/). */
export class BlindPriorCollector {
  /** The records added, each sample once, in the order added. */
  readonly records: BlindPriorRecord[] = [];
  private readonly seen = new Set<number>();

  /** Adds a record's meta (`meta` of SFT, `extra_info` of RL). */
  add(meta: Readonly<Record<string, unknown>>): void {
    const m = meta as unknown as BlindPriorRecord;
    if (this.seen.has(m.index)) return;
    this.seen.add(m.index);
    this.records.push({ index: m.index, family: m.family, template_id: m.template_id, question: m.question, options: m.options, answer: m.answer });
  }

  /** The blind prior of the records added so far ({@link measureBlindPrior}). */
  measure(): BlindPriorRow[] {
    return measureBlindPrior(this.records);
  }
}

/** Reads the JSONL shards of a data set (each sample once) and measures their blind prior. */
export async function readBlindPrior(outDir: string, shards: readonly ShardFileRef[]): Promise<BlindPriorRow[]> {
  const collector = new BlindPriorCollector();
  for await (const r of readShardRecords(outDir, listJsonlShards(shards))) collector.add(getRecordMeta(r) as unknown as Record<string, unknown>);
  return collector.measure();
}

/** The dataset card section that reports the blind prior next to chance. */
export function buildBlindPriorSection(rows: readonly BlindPriorRow[]): { title: string; body: string } {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return {
    title: 'Text-only shortcut check',
    body: [
      'How well a model that never looks at the images would do: a counting model fitted on every other record of a family ' +
        '(option text without colour words, template, where the option is named in the question) and scored on the rest, then the other way round, ' +
        'so every record is scored by a prior that never saw it. Far above chance means the text gives the answer away. ' +
        'With few records per family the figure is noisy: "1 s.e." is one standard error of a guesser at chance over that many records, ' +
        'and a figure within two of them of chance is what a guesser gets.',
      '',
      '| family | records scored | blind prior | chance | 1 s.e. |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.family} | ${r.scored} | ${pct(r.accuracy)} | ${pct(r.chance)} | ${pct(Math.sqrt((r.chance * (1 - r.chance)) / r.scored))} |`),
    ].join('\n'),
  };
}
