/**
 * The dataset card's "Scenes" section (README, "Scenes"): for the records of scenes of several
 * objects, how many objects the scenes hold, the category mix, and each scene family's answer
 * contents (the answer text, or for the families whose options are object names, whether the
 * answer is the first- or the second-named object). Absent when the data set has no scene.
 * Samples written to both stages are counted once (by id).
 */
import type { CardSection } from '../card/dataset-card.js';
import { PLOTS_DIR, type StatsPlot } from './stats-plots.js';
import { barChartSvg } from './svg-chart.js';

/** Counts of the scene records of a data set. */
export interface SceneSummary {
  scenes: number;
  /** Scenes written as single-image records (`--single-view-share`). */
  oneImage: number;
  /** Scenes by object count. */
  objectsPerScene: Record<string, number>;
  /** Objects by category, over every scene. */
  categories: Record<string, number>;
  /** Per family, answers by content. */
  answers: Record<string, Record<string, number>>;
}

/** Families whose options are the names of the objects the question names first and second. */
const NAMED_OPTION_FAMILIES = new Set(['object-depth', 'object-distance']);

const bump = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

/** Collects the summary one record at a time. */
export class SceneSummaryCollector {
  private readonly seen = new Set<string>();
  private readonly summary: SceneSummary = { scenes: 0, oneImage: 0, objectsPerScene: {}, categories: {}, answers: {} };

  add(meta: Record<string, unknown>): void {
    const scene = meta.scene as { objects: { id: string; name: string; category: string }[] } | null | undefined;
    if (scene == null || this.seen.has(meta.id as string)) return;
    this.seen.add(meta.id as string);
    const s = this.summary;
    s.scenes++;
    if ((meta.images as unknown[]).length === 1) s.oneImage++;
    bump(s.objectsPerScene, String(scene.objects.length));
    for (const o of scene.objects) bump(s.categories, o.category);
    const family = meta.family as string;
    let content = meta.answer_text as string;
    if (NAMED_OPTION_FAMILIES.has(family)) {
      const named = (meta.question_objects as string[]).map((id) => scene.objects.find((o) => o.id === id)?.name);
      // object-distance names the reference first: its options are the second- and third-named.
      const offset = family === 'object-distance' ? 1 : 0;
      content = content === named[offset] ? 'first-named' : content === named[offset + 1] ? 'second-named' : 'other';
    }
    bump((s.answers[family] ??= {}), content);
  }

  /** The summary, or null when no record was a scene. */
  result(): SceneSummary | null {
    return this.summary.scenes === 0 ? null : this.summary;
  }
}

const pct = (n: number, total: number) => `${((100 * n) / total).toFixed(1)} %`;
const table = (counts: Record<string, number>, head: string) => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const rows = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [`| ${head} | count | share |`, '| --- | --- | --- |', ...rows.map(([k, n]) => `| ${k} | ${n} | ${pct(n, total)} |`)].join('\n');
};

const sortedKeys = (counts: Record<string, number>) => Object.keys(counts).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The scene plots (`plots/scene-objects.svg`: scenes by object count; `plots/scene-categories.svg`:
 * objects by category), empty without scenes. Pure; written beside the other plots.
 */
export function listScenePlots(summary: SceneSummary | null): StatsPlot[] {
  if (summary === null) return [];
  const counts = sortedKeys(summary.objectsPerScene).sort((a, b) => Number(a) - Number(b));
  const categories = sortedKeys(summary.categories);
  return [
    {
      path: `${PLOTS_DIR}/scene-objects.svg`,
      title: 'Objects per scene',
      svg: barChartSvg({
        title: 'Objects per scene',
        xLabel: 'objects in the scene',
        yLabel: 'scenes',
        categories: counts,
        series: [{ name: 'scenes', values: counts.map((k) => summary.objectsPerScene[k]) }],
        note: `n = ${summary.scenes}`,
      }),
    },
    {
      path: `${PLOTS_DIR}/scene-categories.svg`,
      title: 'Scene objects by category',
      svg: barChartSvg({
        title: 'Scene objects by category',
        xLabel: 'category',
        yLabel: 'objects',
        categories,
        series: [{ name: 'objects', values: categories.map((k) => summary.categories[k]) }],
        note: `over ${summary.scenes} scenes`,
      }),
    },
  ];
}

/** The card section, or null without scenes. */
export function buildSceneSection(summary: SceneSummary | null): CardSection | null {
  if (summary === null) return null;
  const plots = listScenePlots(summary).map((p) => `![${p.title}](${p.path})`);
  const answers = Object.entries(summary.answers)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([family, counts]) => `**${family}**\n\n${table(counts, 'answer')}`)
    .join('\n\n');
  return {
    title: 'Scenes',
    body: [
      `${summary.scenes} samples are scenes of several objects (README, "Scenes"; \`meta.scene\`)${summary.oneImage > 0 ? `; ${summary.oneImage} of them are single-image records (one image, one \`<image>\` token; \`--single-view-share\`)` : ''}.`,
      '',
      plots.join(' '),
      '',
      table(summary.objectsPerScene, 'objects in the scene'),
      '',
      table(summary.categories, 'category'),
      '',
      'Answer contents per scene family (for `object-depth` and `object-distance`, whether the answer is the first- or the second-named of the two objects compared):',
      '',
      answers,
    ].join('\n'),
  };
}
