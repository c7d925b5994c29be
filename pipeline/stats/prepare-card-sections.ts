/**
 * `prepareCardSections(outDir, manifest)`: writes the plots (`<out>/plots/*.svg`) and returns the
 * dataset card sections this folder contributes — "Assets and rendering", "Asset licences" (with a library), "Statistics",
 * "Answer balance", "Scenes" (when there are any), "Text-only shortcut check" and "Example records" — for {@link buildDatasetCard}'s `sections`. Call it after the manifest is
 * built (its `stats.distributions` from {@link readDatasetStats}) and the shards are sealed.
 *
 * @example
 * const manifest = buildManifest({ …, stats: { ...sortedStats(runStats), distributions: await readDatasetStats(outDir, files) } });
 * await writeManifest(outDir, manifest);
 * await writeDatasetCard(outDir, manifest, { sections: await prepareCardSections(outDir, manifest) });
 */
import type { CardSection } from '../card/dataset-card.js';
import type { Manifest } from '../shards/manifest.js';
import { buildBlindPriorSection, readBlindPrior, type BlindPriorRow } from './blind-prior.js';
import { buildExamplesSection, readExampleRecords } from './example-records.js';
import { buildSceneSection, listScenePlots, SceneSummaryCollector } from './scene-summary.js';
import { buildLicenceSection, LicenceSummaryCollector } from './licence-summary.js';
import { AnswerBalanceCollector, describeAnswerBalance } from './answer-balance.js';
import { getRecordMeta, listJsonlShards, readShardRecords } from './read-shard-records.js';
import { listStatsPlots, writeStatsPlots, type StatsPlot } from './stats-plots.js';
import { buildSourcesSection, buildStatsSection } from './stats-section.js';

/**
 * Writes the plots and returns the card sections; see the file header. `blindPrior`: the rows
 * measured while the shards were read for the stats; without it the shards are read again.
 */
export async function prepareCardSections(outDir: string, manifest: Manifest, blindPrior?: readonly BlindPriorRow[]): Promise<CardSection[]> {
  const { sections, plots } = await buildCardSections(outDir, manifest, blindPrior);
  await writeStatsPlots(outDir, plots);
  return sections;
}

/**
 * The card sections and the plots (path and SVG) this folder's records give, writing nothing:
 * what {@link prepareCardSections} writes, and what `verify` compares the folder's card and plots with.
 */
export async function buildCardSections(outDir: string, manifest: Manifest, blindPrior?: readonly BlindPriorRow[]): Promise<{ sections: CardSection[]; plots: StatsPlot[] }> {
  const plots = listStatsPlots(manifest);
  // One pass over the records for the sections that read them: scenes, answer contents, and licences when a library was used.
  const sceneCollector = new SceneSummaryCollector();
  const licenceCollector = new LicenceSummaryCollector();
  const balanceCollector = new AnswerBalanceCollector();
  for await (const r of readShardRecords(outDir, listJsonlShards(manifest.shards))) {
    const meta = getRecordMeta(r);
    sceneCollector.add(meta);
    licenceCollector.add(meta);
    balanceCollector.add(meta);
  }
  const sceneSummary = sceneCollector.result(); // null without scenes
  const examples = await readExampleRecords(outDir, manifest.shards);
  const blind = blindPrior ?? (await readBlindPrior(outDir, manifest.shards));
  const scenes = buildSceneSection(sceneSummary);
  const licences = manifest.config.assets !== undefined ? buildLicenceSection(licenceCollector.result()) : null; // absent without library samples
  const sections = [
    buildSourcesSection(manifest),
    ...(licences === null ? [] : [licences]),
    buildStatsSection(manifest, plots),
    { title: 'Answer balance', body: describeAnswerBalance(balanceCollector.result()) },
    ...(scenes === null ? [] : [scenes]),
    buildBlindPriorSection(blind),
    buildExamplesSection(examples),
  ];
  return { sections, plots: [...plots, ...listScenePlots(sceneSummary)] };
}
