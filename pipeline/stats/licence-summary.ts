/**
 * The dataset card's "Asset licences" section: for the samples that show a library model (the
 * sample's object, or models in its scene), how many show a model of each licence (the manifest's
 * `licence`/`license`, or the Objaverse metadata's; "not given" when the library said none); a
 * scene showing models of two licences counts under both. Absent when no sample shows a library
 * model. Samples written to both stages are counted once (by id).
 */
import type { CardSection } from '../card/dataset-card.js';

/** What the card says of a model whose library gave no licence. */
export const NO_LICENCE = 'not given';

/** Counts library samples by licence, one record at a time (a sample in both stages once). */
export class LicenceSummaryCollector {
  private readonly seen = new Set<string>();
  private readonly counts: Record<string, number> = {};

  add(meta: Record<string, unknown>): void {
    if (this.seen.has(meta.id as string)) return;
    const asset = meta.asset as { source?: string; licence?: string | null } | undefined;
    const objects = (meta.scene as { objects?: { model?: { licence: string | null } | null }[] } | null | undefined)?.objects ?? [];
    const shown = [...(asset?.source === 'library' ? [asset.licence ?? null] : []), ...objects.filter((o) => o.model != null).map((o) => o.model!.licence)];
    if (shown.length === 0) return;
    this.seen.add(meta.id as string);
    for (const licence of new Set(shown.map((l) => (typeof l === 'string' ? l : NO_LICENCE)))) this.counts[licence] = (this.counts[licence] ?? 0) + 1;
  }

  /** Samples showing library models, and how many of them show each licence; null when there are none. */
  result(): { samples: number; counts: Record<string, number> } | null {
    return this.seen.size === 0 ? null : { samples: this.seen.size, counts: this.counts };
  }
}

/** The card section, or null without library samples. */
export function buildLicenceSection(summary: { samples: number; counts: Record<string, number> } | null): CardSection | null {
  if (summary === null) return null;
  const { samples: total, counts } = summary;
  const rows = Object.entries(counts).sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0));
  return {
    title: 'Asset licences',
    body: [
      `${total} samples show a model of the asset library; below, how many show a model of each licence its library gives (\`meta.asset.licence\`, or \`meta.scene.objects[].model.licence\` in scenes; a scene with models of two licences counts under both). Check each licence before you publish the data set.`,
      '',
      '| licence | samples | share |',
      '| --- | --- | --- |',
      ...rows.map(([licence, n]) => `| ${licence.replace(/\|/g, '\\|')} | ${n} | ${((100 * n) / total).toFixed(1)} % |`),
    ].join('\n'),
  };
}
