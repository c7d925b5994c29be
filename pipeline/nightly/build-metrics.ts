/**
 * Measures a finished build from its written files only (manifest.json, the JSONL records, the
 * images): counts, re-draw and skip rates, answer-letter balance per family, image sizes, blank
 * images and the pose↔pixel self-check on a share of the samples. The quality gates judge these.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { MANIFEST_FILE, type Manifest } from '../shards/manifest.js';
import { checkPoseAgainstPixels, type PoseCheckMeta } from './pose-pixel-check.js';
import { AnswerBalanceCollector, type FamilyBalance } from '../stats/answer-balance.js';

/** The run's re-draw reason for a library asset skipped after failing (pipeline/run/run.ts ASSET_FAILED). */
export const SKIP_REASON = 'asset-render-failed';

export interface FamilyLetters {
  samples: number;
  /** Options per question (the most any record of the family had). */
  options: number;
  letters: Record<string, number>;
  /** max over letters |share − 1/options|. */
  maxDeviation: number;
}

export interface BuildMetrics {
  samples: number;
  redraws: number;
  redrawRate: number;
  skips: number;
  skipRate: number;
  letters: Record<string, FamilyLetters>;
  /** Answer-content balance per family (pipeline/stats/answer-balance.ts); absent in ledgers written before it. */
  balance?: FamilyBalance[];
  imageBytes: { mean: number; min: number; max: number };
  /** Images looked at for blankness (the sampled share, both views). */
  blankChecked: number;
  blank: number;
  blankRate: number;
  /** Samples whose poses were checked against their pixels. */
  poseChecked: number;
  poseFailed: number;
  poseNotCheckable: number;
  poseFailRate: number;
  /** The first few failures, "id: reason". */
  poseFailures: string[];
}

export interface MetricOptions {
  /** Share of samples (every ⌈1/share⌉-th index) given the pixel checks. */
  checkShare: number;
  /** An image whose per-channel standard deviation stays below this everywhere is blank. */
  blankStdev: number;
}

function sumCounters(value: unknown, filter: (key: string) => boolean): number {
  let total = 0;
  for (const reasons of Object.values((value ?? {}) as Record<string, Record<string, number>>)) {
    for (const [reason, n] of Object.entries(reasons)) if (filter(reason)) total += n;
  }
  return total;
}

interface MetaLike extends PoseCheckMeta {
  family: string;
  answer: string;
  options: string[];
  images: { path: string; bytes: number }[];
  parts: { view_a: { id_pixels: number | null }; view_b: { id_pixels: number | null } }[];
  scene?: { objects: { id_pixels: (number | null)[] }[] } | null;
}

async function readRecords(outDir: string, manifest: Manifest): Promise<Map<string, MetaLike>> {
  const samples = new Map<string, MetaLike>();
  for (const shard of manifest.shards) {
    if (shard.kind !== 'sft' && shard.kind !== 'rl') continue;
    const text = await readFile(join(outDir, shard.path), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as { meta?: MetaLike; extra_info?: MetaLike }; // SFT: meta; RL: extra_info
      const meta = record.meta ?? record.extra_info;
      if (meta !== undefined && !samples.has(meta.id)) samples.set(meta.id, meta);
    }
  }
  return samples;
}

/** Edge of the thumbnail a blank check decodes (JPEG decodes at 1/8 scale straight away: cheap enough for every image). */
const BLANK_THUMB_PX = 64;

/**
 * Whether view `v` of a sample is blank: its image is one flat colour (every channel's standard
 * deviation, on a 64-pixel thumbnail, under `blankStdev`), or its record says the ID pass saw no
 * pixel of anything (every part, or every scene object, 0 pixels: issue 10's coverage).
 */
async function isBlank(path: string, blankStdev: number, idPixels: readonly (number | null)[]): Promise<boolean> {
  if (idPixels.length > 0 && idPixels.every((n) => n === 0)) return true;
  const stats = await sharp(path).resize(BLANK_THUMB_PX, BLANK_THUMB_PX, { fit: 'fill', fastShrinkOnLoad: true }).stats();
  return stats.channels.slice(0, 3).every((c) => c.stdev < blankStdev);
}

/** ID-pass pixels per part (or scene object) in view `v`, as the record gives them. */
function idPixelsOf(meta: MetaLike, v: number): (number | null)[] {
  if (meta.scene !== null && meta.scene !== undefined) return meta.scene.objects.map((o) => o.id_pixels[v]);
  return meta.parts.map((p) => (v === 0 ? p.view_a : p.view_b).id_pixels);
}

/** Measures the build in `outDir`. */
export async function measureBuild(outDir: string, options: MetricOptions): Promise<BuildMetrics> {
  const manifest = JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8')) as Manifest;
  const samples = await readRecords(outDir, manifest);
  const n = manifest.counts.samples;
  const stats = manifest.stats as Record<string, unknown>;
  const redraws = sumCounters(stats.redraws, () => true);
  const skips = sumCounters(stats.redraws, (r) => r === SKIP_REASON);

  const letters: Record<string, FamilyLetters> = {};
  let bytesTotal = 0;
  let bytesMin = Infinity;
  let bytesMax = 0;
  let images = 0;
  const balance = new AnswerBalanceCollector();
  for (const meta of samples.values()) {
    balance.add(meta as unknown as Record<string, unknown>);
    const f = (letters[meta.family] ??= { samples: 0, options: 0, letters: {}, maxDeviation: 0 });
    f.samples++;
    f.options = Math.max(f.options, meta.options.length);
    f.letters[meta.answer] = (f.letters[meta.answer] ?? 0) + 1;
    for (const img of meta.images) {
      bytesTotal += img.bytes;
      bytesMin = Math.min(bytesMin, img.bytes);
      bytesMax = Math.max(bytesMax, img.bytes);
      images++;
    }
  }
  for (const f of Object.values(letters)) {
    const expected = 1 / f.options;
    const shares = Array.from({ length: f.options }, (_, i) => (f.letters[String.fromCharCode(65 + i)] ?? 0) / f.samples);
    f.maxDeviation = Math.max(...shares.map((s) => Math.abs(s - expected)));
  }

  const step = options.checkShare > 0 ? Math.max(1, Math.round(1 / options.checkShare)) : Infinity;
  let blankChecked = 0;
  let blank = 0;
  let poseChecked = 0;
  let poseFailed = 0;
  let poseNotCheckable = 0;
  const poseFailures: string[] = [];
  for (const meta of samples.values()) {
    // Every image is checked for blankness (cheap); the pose↔pixel self-check looks at a share of the samples.
    for (const [v, img] of meta.images.entries()) {
      blankChecked++;
      if (await isBlank(join(outDir, img.path), options.blankStdev, idPixelsOf(meta, v))) blank++;
    }
    if (meta.index % step !== 0) continue;
    const result = await checkPoseAgainstPixels(outDir, meta);
    if (result.status === 'not-checkable') poseNotCheckable++;
    else {
      poseChecked++;
      if (result.status === 'failed') {
        poseFailed++;
        if (poseFailures.length < 10) poseFailures.push(`${meta.id}: ${result.reason}`);
      }
    }
  }
  const rate = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    samples: n,
    redraws,
    redrawRate: rate(redraws, n),
    skips,
    skipRate: rate(skips, n),
    letters,
    balance: balance.result(),
    imageBytes: { mean: rate(bytesTotal, images), min: images > 0 ? bytesMin : 0, max: bytesMax },
    blankChecked,
    blank,
    blankRate: rate(blank, blankChecked),
    poseChecked,
    poseFailed,
    poseNotCheckable,
    poseFailRate: rate(poseFailed, poseChecked),
    poseFailures,
  };
}
