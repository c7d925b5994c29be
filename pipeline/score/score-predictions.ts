/**
 * Scores model completions against a generated dataset with the reference reward
 * ({@link reward}): accuracy overall, per question family, per answer content (the record's
 * `difficulty.bin`, e.g. "orbit / right 30-60°") and per difficulty margin (the record's
 * `difficulty.margin`, the distance of the truth from the nearest decision boundary, in thirds of
 * each family's records: accuracy against how close a question is to the edge), the format rate
 * and the mean reward. Pure: parsing and counting only; `score-files.ts` reads and writes the files.
 *
 * Predictions are keyed by record id. Ids in the dataset without a prediction ("missing") and
 * predictions whose id is not in the dataset ("extra") are reported, never fatal; so are
 * unreadable prediction lines and repeated ids (the first line of an id is scored).
 */
import { reward } from '../reward/reward.js';

/** What a dataset record contributes to scoring. */
export interface ScoredRecord {
  id: string;
  /** The answer text the completion must give (the answer letter). */
  groundTruth: string;
  family: string;
  /** `difficulty.bin` of the record: its answer content. */
  bin: string;
  /** `difficulty.margin` and `difficulty.margin_unit` of the record. */
  margin: number;
  marginUnit: string;
}

/** One prediction line: an id and the model's completion. */
export interface Prediction {
  id: string;
  completion: string;
}

/** A line that could not be used, with its 1-based line number. */
export interface BadLine {
  line: number;
  error: string;
}

/** Counts of one group of scored records. */
export interface ScoreGroup {
  /** Records scored (with a prediction). */
  n: number;
  /** Share with accuracy 1. */
  accuracy: number;
  /** Share with format 1. */
  format_rate: number;
  /** Mean total reward. */
  mean_reward: number;
}

/** Longest id list written out in full (the counts are always complete). */
export const MAX_LISTED_IDS = 50;

/** The report (written as JSON; snake_case keys). */
export interface ScoreReport {
  /** Distinct records in the dataset. */
  records: number;
  /** Distinct prediction ids read. */
  predictions: number;
  overall: ScoreGroup;
  /** Accuracy over every dataset record, a missing prediction counting as wrong. */
  accuracy_over_dataset: number;
  by_family: Record<string, ScoreGroup>;
  /** Keyed `"<family> / <answer content>"` (the record's `difficulty.bin`). */
  by_answer: Record<string, ScoreGroup>;
  /**
   * Keyed `"<family> / margin <k> of 3: <lo>–<hi> <unit>"`: each family's records (all of the
   * dataset's, scored or not) in thirds by `difficulty.margin`, smallest first.
   */
  by_margin: Record<string, ScoreGroup>;
  missing: { count: number; ids: string[] };
  extra: { count: number; ids: string[] };
  duplicates: { count: number; ids: string[] };
  bad_lines: { count: number; lines: BadLine[] };
}

/** Keys a prediction line may carry its completion under, in order of preference. */
export const COMPLETION_KEYS = ['completion', 'prediction', 'response'] as const;

/**
 * Parses JSONL predictions: one `{"id": "...", "completion": "..."}` object a line (the
 * completion may also be under `"prediction"` or `"response"`). Blank lines are skipped; any
 * other unusable line is returned in `bad` with its line number.
 */
export function parsePredictions(text: string): { predictions: Prediction[]; bad: BadLine[] } {
  const predictions: Prediction[] = [];
  const bad: BadLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      bad.push({ line: i + 1, error: `not JSON: ${(err as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad.push({ line: i + 1, error: 'not a JSON object' });
      return;
    }
    const obj = value as Record<string, unknown>;
    if (typeof obj.id !== 'string' || obj.id === '') {
      bad.push({ line: i + 1, error: 'no string "id"' });
      return;
    }
    const key = COMPLETION_KEYS.find((k) => typeof obj[k] === 'string');
    if (key === undefined) {
      bad.push({ line: i + 1, error: `no string ${COMPLETION_KEYS.map((k) => `"${k}"`).join(', ')} for id "${obj.id}"` });
      return;
    }
    predictions.push({ id: obj.id, completion: obj[key] as string });
  });
  return { predictions, bad };
}

/**
 * The {@link ScoredRecord} of one dataset line, SFT (`{id, messages, images, meta}`) or RL
 * (`{…, reward_model: {ground_truth}, extra_info}`). Throws on a line that is neither.
 */
export function readScoredRecord(line: unknown): ScoredRecord {
  const rec = line as { id?: unknown; meta?: Record<string, unknown>; extra_info?: Record<string, unknown>; reward_model?: { ground_truth?: unknown } };
  const meta = rec.meta ?? rec.extra_info;
  if (typeof meta !== 'object' || meta === null) throw new Error('neither an SFT record (meta) nor an RL record (extra_info)');
  const id = meta.id;
  const truth = rec.reward_model?.ground_truth ?? meta.answer;
  const difficulty = meta.difficulty as { bin?: unknown; margin?: unknown; margin_unit?: unknown } | undefined;
  if (typeof id !== 'string' || typeof truth !== 'string' || typeof meta.family !== 'string' || typeof difficulty?.bin !== 'string') {
    throw new Error('record lacks id, ground truth, family or difficulty.bin');
  }
  if (typeof difficulty.margin !== 'number' || typeof difficulty.margin_unit !== 'string') throw new Error('record lacks difficulty.margin or difficulty.margin_unit');
  return { id, groundTruth: truth, family: meta.family, bin: difficulty.bin, margin: difficulty.margin, marginUnit: difficulty.margin_unit };
}

interface Tally {
  n: number;
  correct: number;
  formatted: number;
  reward: number;
}

function toGroup(t: Tally): ScoreGroup {
  const share = (x: number) => (t.n === 0 ? 0 : x / t.n);
  return { n: t.n, accuracy: share(t.correct), format_rate: share(t.formatted), mean_reward: share(t.reward) };
}

/** Three significant digits, no trailing zeros: 0.0312, 4.25, 118. */
function short(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/**
 * The margin group of each record: per family, records sorted by margin (then id) and cut into
 * thirds by count, each third named by its margin range. Pure.
 */
export function marginGroups(records: Iterable<ScoredRecord>): Map<string, string> {
  const families = new Map<string, ScoredRecord[]>();
  for (const r of records) {
    const list = families.get(r.family);
    if (list === undefined) families.set(r.family, [r]);
    else list.push(r);
  }
  const out = new Map<string, string>();
  for (const [family, list] of families) {
    const sorted = [...list].sort((a, b) => a.margin - b.margin || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let k = 0; k < 3; k++) {
      const part = sorted.slice(Math.floor((k * sorted.length) / 3), Math.floor(((k + 1) * sorted.length) / 3));
      if (part.length === 0) continue;
      const name = `${family} / margin ${k + 1} of 3: ${short(part[0].margin)}–${short(part[part.length - 1].margin)} ${part[0].marginUnit}`;
      for (const r of part) out.set(r.id, name);
    }
  }
  return out;
}

function sortedGroups(map: Map<string, Tally>): Record<string, ScoreGroup> {
  return Object.fromEntries([...map.keys()].sort().map((k) => [k, toGroup(map.get(k)!)]));
}

/**
 * Scores `predictions` against `records` (records with the same id count once; the first is
 * kept). Pure.
 */
export function scorePredictions(records: readonly ScoredRecord[], predictions: readonly Prediction[], badLines: readonly BadLine[] = []): ScoreReport {
  const byId = new Map<string, ScoredRecord>();
  for (const r of records) if (!byId.has(r.id)) byId.set(r.id, r);
  const predicted = new Map<string, string>();
  const duplicates: string[] = [];
  for (const p of predictions) {
    if (predicted.has(p.id)) duplicates.push(p.id);
    else predicted.set(p.id, p.completion);
  }
  const overall: Tally = { n: 0, correct: 0, formatted: 0, reward: 0 };
  const families = new Map<string, Tally>();
  const answers = new Map<string, Tally>();
  const margins = new Map<string, Tally>();
  const marginOf = marginGroups(byId.values());
  const missing: string[] = [];
  const add = (map: Map<string, Tally>, key: string, s: { format: number; accuracy: number; total: number }) => {
    const t = map.get(key) ?? { n: 0, correct: 0, formatted: 0, reward: 0 };
    t.n++;
    t.correct += s.accuracy;
    t.formatted += s.format;
    t.reward += s.total;
    map.set(key, t);
  };
  for (const r of byId.values()) {
    const completion = predicted.get(r.id);
    if (completion === undefined) {
      missing.push(r.id);
      continue;
    }
    const s = reward(completion, r.groundTruth);
    overall.n++;
    overall.correct += s.accuracy;
    overall.formatted += s.format;
    overall.reward += s.total;
    add(families, r.family, s);
    add(answers, `${r.family} / ${r.bin}`, s);
    add(margins, marginOf.get(r.id)!, s);
  }
  const extra = [...predicted.keys()].filter((id) => !byId.has(id));
  const list = (ids: string[]) => ({ count: ids.length, ids: ids.slice(0, MAX_LISTED_IDS) });
  return {
    records: byId.size,
    predictions: predicted.size,
    overall: toGroup(overall),
    accuracy_over_dataset: byId.size === 0 ? 0 : overall.correct / byId.size,
    by_family: sortedGroups(families),
    by_answer: sortedGroups(answers),
    by_margin: sortedGroups(margins),
    missing: list(missing),
    extra: list(extra),
    duplicates: list([...new Set(duplicates)]),
    bad_lines: { count: badLines.length, lines: badLines.slice(0, MAX_LISTED_IDS) },
  };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** The report as lines for a terminal: overall, per family, per answer content, per margin third, then what was missing or extra. */
export function formatScoreReport(report: ScoreReport): string[] {
  const row = (name: string, g: ScoreGroup) => `  ${name.padEnd(44)} n=${String(g.n).padStart(6)}  accuracy ${pct(g.accuracy).padStart(6)}  format ${pct(g.format_rate).padStart(6)}  reward ${g.mean_reward.toFixed(3)}`;
  const lines = [
    `score: ${report.overall.n} of ${report.records} record(s) scored (${report.predictions} prediction id(s) read)`,
    row('overall', report.overall),
    `  accuracy over the whole dataset (missing = wrong): ${pct(report.accuracy_over_dataset)}`,
    'by family:',
    ...Object.entries(report.by_family).map(([k, g]) => row(k, g)),
    'by answer content:',
    ...Object.entries(report.by_answer).map(([k, g]) => row(k, g)),
    'by difficulty margin (distance of the truth from the nearest decision boundary; thirds of each family):',
    ...Object.entries(report.by_margin).map(([k, g]) => row(k, g)),
  ];
  const ids = (what: string, l: { count: number; ids: string[] }) =>
    l.count === 0 ? [] : [`${what}: ${l.count} (${l.ids.slice(0, 5).join(', ')}${l.count > 5 ? ', …' : ''})`];
  lines.push(...ids('missing predictions', report.missing), ...ids('extra predictions (id not in the dataset)', report.extra), ...ids('repeated prediction ids (first kept)', report.duplicates));
  if (report.bad_lines.count > 0) {
    lines.push(`unreadable prediction lines: ${report.bad_lines.count} (${report.bad_lines.lines.slice(0, 3).map((b) => `line ${b.line}: ${b.error}`).join('; ')})`);
  }
  return lines;
}
