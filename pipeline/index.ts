/**
 * The package entry (`import { renderDataset } from 'viewforge'`): the library API a script or a
 * build system calls instead of the CLI. Each function takes the same camelCase keys its config
 * file or flags do. Run scripts with `tsx` (the package ships TypeScript sources).
 */
export { renderDataset, resolveRunConfig, type RenderDeps, type RenderOptions } from './render-dataset.js';
export { RUN_DEFAULTS, ConfigError, type RunConfig } from './config.js';
export { EnvironmentError, RunFailedError, RunInterruptedError } from './errors.js';
export type { RunResult } from './run/run.js';
export { verifyDataset, type VerifyOptions, type VerifyReport } from './verify/verify-dataset.js';
export { mergeOutputs as mergeDatasets, type MergeOptions, type MergeResult } from './scale/merge-outputs.js';
export { scoreFiles, type ScoreFilesOptions } from './score/score-files.js';
export { scorePredictions, parsePredictions, formatScoreReport, type ScoreReport } from './score/score-predictions.js';
export { writePreview, type PreviewOptions, type PreviewResult } from './preview/write-preview.js';
export { runNightly, type BuildReport, type NightlyDeps } from './nightly/run-nightly.js';
export { handoffPending } from './handoff/handoff-pending.js';
export { listFamilyNames } from './questions/index.js';
