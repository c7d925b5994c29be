/**
 * Trainer compatibility: the output folder loads unmodified in the real trainers' loaders.
 *
 * Renders a real dataset with the CLI (every default family, several shards, a system prompt
 * from a file, mask and depth passes; and a second one of scenes in both stages where some records
 * hold one image and the others two, `--single-view-share`), then runs `test/compat/check_dataset.py` in a Python virtual environment that
 * this test creates itself (`.venv-compat/`, git-ignored, reused while it imports; test/compat/python-venv.ts) with Hugging
 * Face `datasets`, `pyarrow` and `Pillow` installed by pip. The check loads `sft/` with the `json`
 * builder as LLaMA-Factory does and `rl/*.parquet` with the `parquet` builder as verl does, opens
 * every image, compares every parquet row with its JSONL twin, loads the folder through the
 * dataset card, and scores a table of completions with its own Python reward to compare with
 * {@link reward} (TypeScript).
 *
 * It never skips: without Python 3 or pip the test fails with the reason. pip reads its index
 * from `pip config list` (the first `extra-index-url` becomes `--index-url`, so an unreachable
 * default index is never tried); without one it uses pip's own default.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reward } from '../../pipeline/reward/reward.js';
import { ROOT, runCli, type CliResult } from '../e2e/run-cli.js';
import { ensureVenv, exec, tail, type Proc } from './python-venv.js';

const SYSTEM_PROMPT = 'You are a careful spatial reasoner. Compare the two views step by step before you answer.';

interface CheckReport {
  ok: boolean;
  failures: string[];
  families: Record<string, number>;
  sft_rows: number;
  rl_rows: number;
  sft_one_image_rows: number;
  rl_one_image_rows: number;
  sft_shards: number;
  rl_shards: number;
  pass_columns: string[];
  reward_table: { case: string; python: Record<string, number>; typescript: Record<string, number>; equal: boolean }[];
  versions: Record<string, string>;
}

let tmp: string;
let out: string;
let scenes: string;
let render: CliResult;
let sceneRender: CliResult;
let python: string;
let manifest: { config: { families: string[]; system_prompt: string | null }; shards: { kind: string; path: string; records: number }[] };

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-compat-'));
  out = join(tmp, 'out');
  const promptFile = join(tmp, 'system-prompt.txt');
  await writeFile(promptFile, `${SYSTEM_PROMPT}\n`);
  // The venv and the dataset are independent: build both at once.
  scenes = join(tmp, 'scenes');
  const [py, cli, sceneCli] = await Promise.all([
    ensureVenv(),
    runCli(['render', '--count', '32', '--shard-size', '4', '--size', '128', '--seed', '5', '--out', out, '--system-prompt', `@${promptFile}`, '--passes', 'mask,depth']),
    // Scenes in both stages, half of the one-image families' samples as single-image records, next to two-image ones in every shard.
    runCli(['render', '--count', '24', '--shard-size', '12', '--size', '96', '--seed', '2', '--out', scenes, '--scene', 'multi', '--families', 'object-depth,object-count,object-left-right,object-move', '--single-view-share', '0.5', '--stages', 'both', '--passes', 'mask']),
  ]);
  python = py;
  render = cli;
  sceneRender = sceneCli;
  if (render.code === 0) manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
}, 600_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * Runs check_dataset.py on `folder` (offline, its own Hugging Face cache `hfName` under the temp
 * folder) with a reward table scored by the TypeScript reward, and returns its report, which must
 * list no failure.
 */
async function checkDataset(folder: string, families: readonly string[], hfName: string, extra: string[]): Promise<{ result: Proc; report: CheckReport; table: { case: string }[] }> {
  const table = JSON.parse(await readFile(join(ROOT, 'test/compat/completions.json'), 'utf8')) as { case: string; completion: string; ground_truth: string }[];
  const scoresFile = join(tmp, `${hfName}-scores.json`);
  await writeFile(scoresFile, JSON.stringify(table.map((row) => ({ ...row, ...reward(row.completion, row.ground_truth) }))));
  const hf = join(tmp, hfName);
  const result = await exec(python, ['test/compat/check_dataset.py', '--out', folder, '--families', families.join(','), '--scores', scoresFile, ...extra], {
    env: { PYTHONDONTWRITEBYTECODE: '1', HF_HOME: hf, HF_DATASETS_CACHE: join(hf, 'datasets'), HF_HUB_OFFLINE: '1', HF_DATASETS_OFFLINE: '1', HF_DATASETS_DISABLE_PROGRESS_BARS: '1', TQDM_DISABLE: '1' },
    timeoutMs: 240_000,
  });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  let report: CheckReport;
  try {
    report = JSON.parse(last) as CheckReport;
  } catch {
    throw new Error(`check_dataset.py printed no report (exit ${result.code}):\n${tail(result.stdout)}\n${tail(result.stderr, 4000)}`);
  }
  expect(report.failures, tail(result.stderr, 4000)).toEqual([]);
  return { result, report, table };
}

describe('trainer compatibility (LLaMA-Factory, verl, Hugging Face datasets)', () => {
  it('renders several shards of every family, with a parquet twin of each RL shard in the manifest', () => {
    expect(render.stderr + render.stdout).toMatch(/done: 32 pairs/);
    expect(render.code).toBe(0);
    expect(manifest.config.system_prompt).toBe(SYSTEM_PROMPT);
    const jsonlRl = manifest.shards.filter((s) => s.kind === 'rl');
    const parquet = manifest.shards.filter((s) => s.kind === 'rl-parquet');
    expect(manifest.shards.filter((s) => s.kind === 'sft').length).toBeGreaterThanOrEqual(2);
    expect(jsonlRl.length).toBeGreaterThanOrEqual(2);
    expect(parquet.map((s) => [s.path.replace('.parquet', '.jsonl'), s.records])).toEqual(jsonlRl.map((s) => [s.path, s.records]));
  });

  it('loads in the trainers exactly as they load it, and the Python reward scores as the TypeScript one', async () => {
    expect(render.code).toBe(0);
    const { result, report, table } = await checkDataset(out, manifest.config.families, 'hf', ['--system-prompt-file', join(tmp, 'system-prompt.txt')]);
    expect(report.ok).toBe(true);
    expect(result.code).toBe(0);
    expect(Object.keys(report.families).sort()).toEqual([...manifest.config.families].sort());
    expect(report.sft_rows + report.rl_rows).toBe(32);
    expect(report.rl_shards).toBeGreaterThanOrEqual(2);
    // --passes mask,depth: the PNGs ride in the parquet rows too, and decode as 8- and 16-bit images.
    expect(report.pass_columns).toEqual(['masks', 'depths']);
    expect(report.reward_table).toHaveLength(table.length);
    for (const row of report.reward_table) expect({ case: row.case, ...row.typescript }).toEqual({ case: row.case, ...row.python });
  }, 300_000);

  it('loads single-image records next to two-image ones (scenes, --single-view-share) in both trainers', async () => {
    expect(sceneRender.code, sceneRender.stderr).toBe(0);
    const { report } = await checkDataset(scenes, ['object-depth', 'object-count', 'object-left-right', 'object-move'], 'hf-scenes', []);
    expect(report.sft_rows).toBe(24);
    expect(report.rl_rows).toBe(24);
    // Some records of each loader hold one image, the others two.
    for (const n of [report.sft_one_image_rows, report.rl_one_image_rows]) {
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(24);
    }
  }, 300_000);

  it('--no-parquet writes no parquet file and lists none', async () => {
    const plain = join(tmp, 'plain');
    const r = await runCli(['render', '--count', '8', '--shard-size', '4', '--size', '64', '--seed', '5', '--out', plain, '--no-parquet']);
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(join(plain, 'rl'))).filter((f) => f.endsWith('.parquet'))).toEqual([]);
    const m = JSON.parse(await readFile(join(plain, 'manifest.json'), 'utf8')) as { config: { parquet: boolean }; shards: { kind: string }[] };
    expect(m.config.parquet).toBe(false);
    expect(m.shards.some((s) => s.kind === 'rl-parquet')).toBe(false);
    expect(m.shards.some((s) => s.kind === 'rl')).toBe(true);
  });
});
