/**
 * `run()` with a fake renderer (no browser): each view is one flat colour derived from the job id
 * and view, so every image has its own bytes and hash. Fast enough to build many small output
 * folders for the scale-out, resume and verify tests.
 */
import { createHash } from 'node:crypto';
import { RUN_DEFAULTS, type RunConfig } from '../../pipeline/config.js';
import type { Logger } from '../../pipeline/logger.js';
import { run, type RunDeps, type RunResult } from '../../pipeline/run/run.js';
import type { Renderer } from '../../renderers/renderer.js';

/**
 * Renders each view as a flat colour from `sha256(job.id + view)`, dark (every channel < 128) so
 * that verify never takes it for the pale background of a blank image.
 */
export function fakeRenderer(): Renderer {
  const view = (id: string, v: string, width: number, height: number) => {
    const [r, g, b] = [...createHash('sha256').update(`${id}/${v}`).digest().subarray(0, 3)].map((c) => c >> 1);
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
    return { width, height, rgba };
  };
  return {
    info: { name: 'fake', browserVersion: 'none', glRenderer: 'none', glMode: 'swiftshader' },
    render: async (job) => [view(job.id, 'a', job.width, job.height), view(job.id, 'b', job.width, job.height)],
    close: async () => {},
  };
}

export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(`info: ${m}`), warn: (m) => void lines.push(`warn: ${m}`), error: (m) => void lines.push(`error: ${m}`) };
}

/** A small run configuration: 10 samples in shards of 3 (4 shards, the last partial), 32 px images. */
export function smallConfig(out: string, over: Partial<RunConfig> = {}): RunConfig {
  return { ...RUN_DEFAULTS, count: 10, shardSize: 3, size: 64, seed: 9, out, concurrency: 1, parquet: false, ...over };
}

/** Runs `run()` on the fake renderer. */
export function runFake(config: RunConfig, deps: Partial<RunDeps> = {}): Promise<RunResult> {
  return run(config, { createRenderer: async () => fakeRenderer(), logger: memoryLogger(), versions: { viewforge: '0.0.0-test' }, ...deps });
}
