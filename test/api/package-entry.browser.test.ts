/**
 * A script's view of the package: `import { renderDataset } from 'viewforge'` (the package's own
 * "exports" entry) renders a small dataset with real Chromium, and `verifyDataset` passes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderDataset, verifyDataset } from 'viewforge';

it('renders and verifies through the package entry', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'vf-entry-'));
  try {
    const out = join(tmp, 'x');
    const result = await renderDataset({ count: 4, seed: 1, size: 128, out, concurrency: 1 });
    expect(result.samples).toBe(4);
    const report = await verifyDataset(out);
    expect(report.faults, JSON.stringify(report.faults).slice(0, 2000)).toEqual([]);
    expect(report.checked.samples).toBe(4);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}, 120_000);
