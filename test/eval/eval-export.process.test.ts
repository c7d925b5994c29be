/**
 * Evaluation exports read back as the evaluators read them (README "Evaluation sets"): a real
 * test split (Chromium, PNG so the mirrored images can be compared pixel for pixel) is exported
 * with the CLI to VLMEvalKit's TSVs (plain, circular, flip) and to an lmms-eval task folder;
 * `test/compat/check_export.py` reads them with pandas and `datasets` (the YAML's own
 * `dataset_path` and `data_files`), decodes every image, calls the task's utils.py, and writes
 * prediction files in each evaluator's format (xlsx with openpyxl, TSV, lmms-eval logged samples)
 * with the scores it expects; `npm run score` must report the same.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../e2e/run-cli.js';
import { ensureVenv, exec, tail } from '../compat/python-venv.js';

let tmp: string;
let out: string;
let python: string;
let render: CliResult;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-eval-export-'));
  out = join(tmp, 'out');
  const [py, cli] = await Promise.all([
    ensureVenv(),
    runCli(['render', '--count', '20', '--shard-size', '10', '--size', '96', '--seed', '4', '--split', 'test', '--format', 'png', '--stages', 'both', '--out', out]),
  ]);
  python = py;
  render = cli;
}, 600_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('export for VLMEvalKit and lmms-eval', () => {
  it('loads in the evaluators\' readers, and scores their prediction files', async () => {
    expect(render.code, render.stderr).toBe(0);
    const vlm = join(tmp, 'vlm');
    const lmms = join(tmp, 'lmms');
    const preds = join(tmp, 'preds');
    await mkdir(preds);
    const exported = await runCli(['export', out, '--to', 'vlmevalkit', '--into', vlm, '--name', 'VFTest', '--circular', '--flip']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/20 rows → .*VFTest\.tsv/);
    const task = await runCli(['export', out, '--to', 'lmms-eval', '--into', lmms, '--name', 'VFTest']);
    expect(task.code, task.stderr).toBe(0);

    const check = await exec(python, ['test/compat/check_export.py', '--out', out, '--vlm', vlm, '--name', 'VFTest', '--lmms', lmms, '--preds', preds], { env: { HF_DATASETS_OFFLINE: '1', HF_HOME: join(tmp, 'hf') } });
    const line = check.stdout.trim().split('\n').pop() ?? '';
    expect(line.startsWith('{'), `check_export.py printed no report (exit ${check.code}):\n${tail(check.stdout)}\n${tail(check.stderr, 4000)}`).toBe(true);
    const report = JSON.parse(line) as { failures: string[]; rows: Record<string, number>; expected: { plain: number; circular: number; flip_consistency: number; lmms: number; circular_groups: number; flip_rows: number } };
    expect(report.failures).toEqual([]);
    expect(report.rows.plain).toBe(20);
    expect(report.rows.flip).toBeGreaterThan(0);

    // VLMEvalKit's prediction files, scored together: plain accuracy, circular accuracy, flip consistency.
    const scored = await runCli(['score', '--dataset', out, '--predictions', join(preds, 'model_VFTest.xlsx'), join(preds, 'model_VFTest_circular.tsv'), join(preds, 'model_VFTest_flip.tsv'), '--report', join(tmp, 'vlm.score.json')]);
    expect(scored.code, scored.stderr).toBe(0);
    const vlmScore = JSON.parse(await readFile(join(tmp, 'vlm.score.json'), 'utf8'));
    expect(vlmScore.unmatched).toBe(0);
    expect(vlmScore.plain.accuracy).toBeCloseTo(report.expected.plain, 12);
    expect(vlmScore.circular.n).toBe(report.expected.circular_groups);
    expect(vlmScore.circular.accuracy).toBeCloseTo(report.expected.circular, 12);
    expect(vlmScore.flip.consistency.n).toBe(report.expected.flip_rows);
    expect(vlmScore.flip.consistency.accuracy).toBeCloseTo(report.expected.flip_consistency, 12);
    expect(scored.stdout).toMatch(/circular accuracy \(every rotation right\)/);

    // lmms-eval's logged samples.
    const lmmsScored = await runCli(['score', '--dataset', out, '--predictions', join(preds, 'samples_lmms.jsonl'), '--report', join(tmp, 'lmms.score.json')]);
    expect(lmmsScored.code, lmmsScored.stderr).toBe(0);
    const lmmsScore = JSON.parse(await readFile(join(tmp, 'lmms.score.json'), 'utf8'));
    expect(lmmsScore.plain.n).toBe(20);
    expect(lmmsScore.plain.accuracy).toBeCloseTo(report.expected.lmms, 12);
  }, 600_000);
});
