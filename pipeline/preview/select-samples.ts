/**
 * Which samples the preview shows, and what it shows of each: {@link selectPreviewSamples}
 * picks up to `n` samples spread over the question families — round-robin in the configured
 * family order, each family's samples in index order — from a stream of records, so the choice
 * is a pure function of the data set. With `--stages both` a sample is taken from the record of
 * its family's stage only, so no sample appears twice.
 *
 * When the number of samples per family is known in advance (`stats.distributions.families` of
 * the manifest), reading stops as soon as every family's share is filled.
 *
 * @example
 * const samples = await selectPreviewSamples(readShardRecords(outDir, manifest.shards), { n: 48, families });
 */
import type { ShardRecord } from '../stats/read-shard-records.js';
import { getRecordMeta } from '../stats/read-shard-records.js';

/** One image of a sample, as the record states it. */
export interface PreviewImage {
  /** Relative to the output root. */
  path: string;
  width: number;
  height: number;
  format: string;
}

/** A key number of the ground truth, with its label and unit. */
export interface PreviewFact {
  label: string;
  value: string;
}

/** Everything the preview shows of one sample. */
export interface PreviewSample {
  id: string;
  index: number;
  family: string;
  stage: string;
  templateId: string;
  question: string;
  options: string[];
  /** Correct letter ("A"…). */
  answer: string;
  answerText: string;
  reasoning: string;
  /** Whether the SFT answer carries the reasoning in `<think>` (RL records: as recorded). */
  hasCot: boolean;
  images: PreviewImage[];
  facts: PreviewFact[];
}

export interface SelectOptions {
  /** Samples to pick at most. */
  n: number;
  /** Family order for the round-robin; families not listed follow in name order. */
  families: readonly string[];
  /** Samples per family in the data set, when known: lets reading stop early. */
  available?: Readonly<Record<string, number>>;
}

type Obj = Record<string, unknown>;

function num(o: Obj, key: string): number {
  const v = o[key];
  return typeof v === 'number' ? v : NaN;
}

function fmt(v: number, unit: string, decimals = 1): string {
  return Number.isFinite(v) ? `${v.toFixed(decimals)}${unit}` : '–';
}

/** The key ground-truth numbers of a record's meta, formatted for display. */
export function getPreviewFacts(meta: Obj): PreviewFact[] {
  const rel = (meta.relative ?? {}) as Obj;
  const diff = (meta.difficulty ?? {}) as Obj;
  const views = (Array.isArray(meta.views) ? meta.views : []) as Obj[];
  const orbit = (i: number) => ((views[i] ?? {}).orbit ?? {}) as Obj;
  const unit = typeof diff.margin_unit === 'string' ? ` ${diff.margin_unit}` : '';
  return [
    { label: 'Δ azimuth', value: fmt(num(rel, 'delta_azimuth_deg'), '°') },
    { label: 'Δ elevation', value: fmt(num(rel, 'delta_elevation_deg'), '°') },
    { label: 'rotation angle', value: fmt(num(rel, 'angle_deg'), '°') },
    { label: 'yaw / pitch / roll', value: `${fmt(num(rel, 'yaw_deg'), '°')} / ${fmt(num(rel, 'pitch_deg'), '°')} / ${fmt(num(rel, 'roll_deg'), '°')}` },
    { label: 'baseline', value: fmt(num(rel, 'baseline_m'), ' m', 3) },
    { label: 'radius B / A', value: fmt(num(rel, 'radius_ratio'), '', 3) },
    { label: 'Δ object yaw', value: fmt(num(rel, 'delta_object_yaw_deg'), '°') },
    { label: 'azimuth A → B', value: `${fmt(num(orbit(0), 'azimuth_deg'), '°')} → ${fmt(num(orbit(1), 'azimuth_deg'), '°')}` },
    { label: 'elevation A → B', value: `${fmt(num(orbit(0), 'elevation_deg'), '°')} → ${fmt(num(orbit(1), 'elevation_deg'), '°')}` },
    { label: 'bin / margin', value: `${typeof diff.bin === 'string' ? diff.bin : '–'} / ${fmt(num(diff, 'margin'), unit, 2)}` },
    ...sceneFacts(meta),
  ];
}

/**
 * A scene's objects as the preview lists them: each with the images it is seen in ("red mug (A, B)",
 * "chair (—)"), a moved one marked, then the objects the question names. None for a single object.
 */
export function sceneFacts(meta: Obj): PreviewFact[] {
  const scene = meta.scene as { objects?: Obj[] } | null | undefined;
  if (scene == null || !Array.isArray(scene.objects)) return [];
  const shown = Array.isArray(meta.images) ? meta.images.length : 2;
  const objects = scene.objects.map((o) => {
    const visible = (Array.isArray(o.visible) ? o.visible : []).slice(0, shown);
    const seen = visible.map((v, i) => (v === true ? 'AB'[i] : '')).filter(Boolean);
    return `${String(o.name)} (${seen.length > 0 ? seen.join(', ') : '—'})${o.position_b != null ? ', moved' : ''}`;
  });
  const byId = new Map(scene.objects.map((o) => [String(o.id), String(o.name)]));
  const named = Array.isArray(meta.question_objects) ? meta.question_objects.map((id) => byId.get(String(id)) ?? String(id)) : [];
  return [
    { label: 'objects (seen in)', value: objects.join(' · ') },
    { label: 'question names', value: named.length > 0 ? named.join(', ') : typeof meta.question_category === 'string' ? `counts: ${meta.question_category}` : '–' },
  ];
}

/** The {@link PreviewSample} of one record. */
export function toPreviewSample(r: ShardRecord): PreviewSample {
  const meta = getRecordMeta(r);
  const str = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string) : '');
  const images = (Array.isArray(meta.images) ? meta.images : []) as Obj[];
  return {
    id: str('id'),
    index: num(meta, 'index'),
    family: str('family'),
    stage: str('stage'),
    templateId: str('template_id'),
    question: str('question'),
    options: Array.isArray(meta.options) ? meta.options.map(String) : [],
    answer: str('answer'),
    answerText: str('answer_text'),
    reasoning: str('reasoning'),
    hasCot: meta.has_cot === true,
    images: images.map((im) => ({ path: String(im.path), width: num(im, 'width'), height: num(im, 'height'), format: String(im.format) })),
    facts: getPreviewFacts(meta),
  };
}

/** How many samples of each family a round-robin pick of `n` takes, given what is available. */
export function getFamilyQuotas(families: readonly string[], available: Readonly<Record<string, number>>, n: number): Map<string, number> {
  const quota = new Map(families.map((f) => [f, 0]));
  let total = 0;
  for (let progress = true; progress && total < n; ) {
    progress = false;
    for (const f of families) {
      if (total >= n) break;
      if (quota.get(f)! < (available[f] ?? 0)) {
        quota.set(f, quota.get(f)! + 1);
        total++;
        progress = true;
      }
    }
  }
  return quota;
}

/** Interleaves per-family lists round-robin in `families` order, up to `n` items. */
function roundRobin(families: readonly string[], byFamily: Map<string, PreviewSample[]>, n: number): PreviewSample[] {
  const out: PreviewSample[] = [];
  for (let i = 0; out.length < n; i++) {
    let any = false;
    for (const f of families) {
      const s = byFamily.get(f)?.[i];
      if (s === undefined) continue;
      any = true;
      if (out.length < n) out.push(s);
    }
    if (!any) break;
  }
  return out;
}

/** Picks the preview samples from `records` (in data set order); see the file header. */
export async function selectPreviewSamples(records: AsyncIterable<ShardRecord>, options: SelectOptions): Promise<PreviewSample[]> {
  const { n, available } = options;
  const byFamily = new Map<string, PreviewSample[]>();
  const quotas = available === undefined ? undefined : getFamilyQuotas(options.families, available, n);
  const isFull = () => quotas !== undefined && [...quotas].every(([f, q]) => (byFamily.get(f)?.length ?? 0) >= q);
  if (n > 0 && !isFull()) {
    for await (const r of records) {
      const meta = getRecordMeta(r);
      if (meta.stage !== r.kind) continue; // the sample's other record (--stages both)
      const family = String(meta.family);
      const list = byFamily.get(family) ?? [];
      byFamily.set(family, list);
      if (list.length >= (quotas?.get(family) ?? n)) continue;
      list.push(toPreviewSample(r));
      if (isFull()) break;
    }
  }
  const extra = [...byFamily.keys()].filter((f) => !options.families.includes(f)).sort();
  return roundRobin([...options.families, ...extra], byFamily, n);
}
