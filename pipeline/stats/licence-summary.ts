/**
 * The dataset card's "Asset licences" section: for the samples that show a library model, how many
 * show a model of each licence (the manifest's `licence`/`license`, or the Objaverse metadata's;
 * "not given" when the library said none). Absent when no sample shows a library model. Samples
 * written to both stages are counted once (by id).
 */
import type { CardSection } from '../card/dataset-card.js';

/** What the card says of a model whose library gave no licence. */
export const NO_LICENCE = 'not given';

/** Counts library samples by licence, one record at a time (a sample in both stages once). */
export class LicenceSummaryCollector {
  private readonly seen = new Set<string>();
  private readonly counts: Record<string, number> = {};

  add(meta: Record<string, unknown>): void {
    const asset = meta.asset as { source?: string; licence?: string | null } | undefined;
    if (asset?.source !== 'library' || this.seen.has(meta.id as string)) return;
    this.seen.add(meta.id as string);
    const licence = typeof asset.licence === 'string' ? asset.licence : NO_LICENCE;
    this.counts[licence] = (this.counts[licence] ?? 0) + 1;
  }

  /** Samples of library models by licence, null when there are none. */
  result(): Record<string, number> | null {
    return this.seen.size === 0 ? null : this.counts;
  }
}

/** The card section, or null without library samples. */
export function buildLicenceSection(counts: Record<string, number> | null): CardSection | null {
  if (counts === null) return null;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const rows = Object.entries(counts).sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0));
  return {
    title: 'Asset licences',
    body: [
      `${total} samples show a model of the asset library; each keeps the licence its library gives (\`meta.asset.licence\`). Check each licence before you publish the data set.`,
      '',
      '| licence | samples | share |',
      '| --- | --- | --- |',
      ...rows.map(([licence, n]) => `| ${licence.replace(/\|/g, '\\|')} | ${n} | ${((100 * n) / total).toFixed(1)} % |`),
    ].join('\n'),
  };
}
