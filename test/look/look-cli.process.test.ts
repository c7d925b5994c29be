/**
 * The look flags through the real CLI: bad values exit 2 naming the flag; a run with an
 * environment map, gradients and a ground plane is byte-identical across --concurrency and
 * records its look in the manifest and in every record.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../e2e/run-cli.js';
import { FIXTURE_HDR, HDR_DIR } from '../fixtures/fixture-files.js';

const LOOK = ['--env', HDR_DIR, '--ground', '1', '--background', 'gradient', '--fov', '40,50', '--distance', '1.1,2'];
const COMMON = ['render', '--count', '3', '--size', '64', '--format', 'png', '--seed', '5', '--families', 'orbit,object-rotation', '--no-parquet', ...LOOK];

let tmp: string;
let runA: CliResult;
let runB: CliResult;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vf-look-'));
  runA = await runCli([...COMMON, '--out', join(tmp, 'a'), '--concurrency', '1']);
  runB = await runCli([...COMMON, '--out', join(tmp, 'b'), '--concurrency', '2']);
}, 180_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function readTree(dir: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of await readTree(join(dir, e.name), rel)) out.set(k, v);
    else if (!rel.endsWith('.log') && rel !== 'dataset_info.json') out.set(rel, await readFile(join(dir, e.name)));
  }
  return out;
}

describe('render with a look', () => {
  it('is byte-identical across --concurrency, and records the look', async () => {
    expect(runA.code, runA.stderr).toBe(0);
    expect(runB.code, runB.stderr).toBe(0);
    const a = await readTree(join(tmp, 'a'));
    const b = await readTree(join(tmp, 'b'));
    for (const [path, bytes] of a) if (path.endsWith('.jsonl') || path.endsWith('.png')) expect(b.get(path)?.equals(bytes), path).toBe(true);
    const manifest = JSON.parse((await readFile(join(tmp, 'a', 'manifest.json'), 'utf8')) as string) as { config: { look: Record<string, unknown> } };
    expect(manifest.config.look).toMatchObject({ fov: [40, 50], distance: [1.1, 2], background: 'gradient', env: { files: [FIXTURE_HDR] }, env_share: 1, ground: 1 });
    const lines = (await readFile(join(tmp, 'a', 'sft', 'shard-00000.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { meta: { look: Record<string, unknown>; views: { K: { fov_y_deg: number } }[] } });
    for (const { meta } of lines) {
      expect(meta.look.env_map).toBe(FIXTURE_HDR);
      expect(meta.look.background_bottom).toMatch(/^#[0-9a-f]{6}$/);
      expect(meta.views[0].K.fov_y_deg).toBeGreaterThanOrEqual(40);
      expect(meta.views[0].K.fov_y_deg).toBeLessThan(50);
    }
  });
});

describe('render: bad look flags', () => {
  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: '--fov min above max', args: ['--fov', '60,30'], message: /error: --fov minimum 60 is above its maximum 30/ },
    { name: '--env missing folder', args: ['--env', '/nonexistent/hdr'], message: /env: "\/nonexistent\/hdr" is not a readable folder.*\(--env\)/ },
    { name: '--distance too narrow for the distance family', args: ['--distance', '1,1.2'], message: /error: --distance range 1,1.2 is too narrow for the distance family/ },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 2 naming the flag, nothing written`, async () => {
      const out = join(tmp, `bad-${c.name.replace(/\W+/g, '-')}`);
      const res = await runCli(['render', '--count', '2', '--out', out, ...c.args]);
      expect(res.stderr).toMatch(c.message);
      expect(res.code).toBe(2);
      expect(existsSync(join(out, 'sft'))).toBe(false);
    }, 30_000);
  }
});
