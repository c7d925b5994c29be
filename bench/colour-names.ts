/**
 * `npx tsx bench/colour-names.ts [--count 300] [--size 512]`: how often a seen procedural part
 * fails the colour-name check (pipeline/run/check-visibility.ts), per colour word, on the
 * planner's own scenes and light draws. Prints one row per colour (parts seen, failures, what
 * they looked nearest to) and the share of samples that would be re-drawn for colour.
 */
import { Command } from 'commander';
import { nearestNamedColour, showsNamedColour } from '../assets/procedural/colour-lab.js';
import { RUN_DEFAULTS } from '../pipeline/config.js';
import { computeGroundTruth } from '../pipeline/geometry/ground-truth.js';
import { buildFamilySchedule } from '../pipeline/plan/family-schedule.js';
import { planSample, type PlanConfig } from '../pipeline/plan/plan-sample.js';
import { CAMERA_DEFAULTS } from '../pipeline/plan/camera-motion.js';
import { LIGHT_RANGES, LOOK_DEFAULTS } from '../pipeline/plan/draw-look.js';
import { getCycleWeights } from '../pipeline/run/run.js';
import { ID_PASS_RULES } from '../pipeline/run/check-visibility.js';
import { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';

const opts = new Command('colour-names')
  .option('--count <n>', 'samples', (v) => Number(v), 300)
  .option('--size <px>', 'image size', (v) => Number(v), 512)
  .option('--seed <n>', 'seed', (v) => Number(v), 0)
  .option('--ambient <min,max>', 'try another ambient range (maps the drawn value linearly)', '')
  .option('--key <min,max>', 'try another key-light range', '')
  .parse()
  .opts<{ count: number; size: number; seed: number; ambient: string; key: string }>();
const remap = (value: number, from: readonly number[], to: string) => {
  if (to === '') return value;
  const [lo, hi] = to.split(',').map(Number);
  return lo + ((value - from[0]) / (from[1] - from[0])) * (hi - lo);
};

export interface ColourRow {
  colour: string;
  seen: number;
  failed: number;
  nearest: Record<string, number>;
}

const planConfig: PlanConfig = {
  seed: opts.seed,
  width: opts.size,
  height: opts.size,
  schedule: buildFamilySchedule(getCycleWeights(RUN_DEFAULTS)),
  camera: { ...CAMERA_DEFAULTS },
  look: LOOK_DEFAULTS,
};
const renderer = await ChromiumRenderer.create({ pages: 2, glMode: 'auto' });
const rows = new Map<string, ColourRow>();
let failedSamples = 0;
try {
  const jobs = Array.from({ length: opts.count }, (_, i) => planSample(planConfig, i, 0));
  for (const plan of jobs) {
    plan.job.lighting.ambientIntensity = remap(plan.job.lighting.ambientIntensity, [...LIGHT_RANGES.ambient], opts.ambient);
    plan.job.lighting.keyIntensity = remap(plan.job.lighting.keyIntensity, [...LIGHT_RANGES.key], opts.key);
  }
  const results = await Promise.all(jobs.map((plan) => renderer.render(plan.job, { idPass: [true, true] }).then((images) => ({ plan, images }))));
  for (const { plan, images } of results) {
    computeGroundTruth(plan);
    let failed = false;
    for (const image of images) {
      for (const part of image.idPass!.parts) {
        if (part.interiorPixels < ID_PASS_RULES.minSeenInterior) continue;
        const spec = plan.job.object.parts.find((p) => p.name === part.name)!;
        const row = rows.get(spec.colorName) ?? { colour: spec.colorName, seen: 0, failed: 0, nearest: {} };
        rows.set(spec.colorName, row);
        row.seen += 1;
        const nearest = nearestNamedColour(part.meanColour!).name;
        if (!showsNamedColour(part.meanColour!, spec.colorName)) {
          row.failed += 1;
          row.nearest[nearest] = (row.nearest[nearest] ?? 0) + 1;
          failed = true;
        }
      }
    }
    if (failed) failedSamples += 1;
  }
} finally {
  await renderer.close();
}
console.log('| colour | seen | failed | share | looked like |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of [...rows.values()].sort((a, b) => a.colour.localeCompare(b.colour))) {
  console.log(`| ${r.colour} | ${r.seen} | ${r.failed} | ${((100 * r.failed) / r.seen).toFixed(1)} % | ${Object.entries(r.nearest).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
}
console.log(`samples with a colour failure: ${failedSamples} of ${opts.count} (${((100 * failedSamples) / opts.count).toFixed(1)} %)`);
