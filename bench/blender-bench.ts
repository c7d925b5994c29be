/**
 * Times Blender (Cycles on the CPU: the back-end of Kubric, BlenderProc and the
 * Objaverse/Zero123 render scripts) rendering one GLB from a camera set, for the benchmark's
 * "ours ÷ Blender" row. Runs `bench/blender-render.py` inside `blender -b`; see that file for how
 * the asset is normalised and the cameras are placed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViewSpec } from '../pipeline/types.js';

const SCRIPT = fileURLToPath(new URL('./blender-render.py', import.meta.url));
const MARKER = 'VIEWFORGE_BLENDER ';

/** Options of {@link benchBlender}. */
export interface BlenderBenchOptions {
  /** The Blender binary ({@link findBlender}). */
  blender: string;
  /** The asset, `.glb` or `.gltf`. */
  glb: string;
  /** Cameras, as the renderer gets them (OpenGL camera-to-world in the Y-up world, vertical FOV). */
  views: ViewSpec[];
  /** Image width and height, pixels. */
  size: number;
  /** Half-diagonal of the normalised bounding box (as the library loader normalises). @default 1 */
  targetRadius?: number;
  /** Cycles samples per pixel. @default 16 */
  samples?: number;
  /** Render threads; 0 = every core. @default 0 */
  threads?: number;
  /** Time limit of the whole Blender run, ms. @default 1_800_000 */
  timeoutMs?: number;
}

/** What {@link benchBlender} measured. */
export interface BlenderBenchResult {
  version: string;
  images: number;
  /** Blender start-up, import and scene set-up, ms (not counted in `imagesPerSecond`). */
  loadMs: number;
  /** Mean time of one image (render + JPEG write), ms. */
  msPerImage: number;
  imagesPerSecond: number;
}

/** The Blender binary: `env.BLENDER_PATH`, else `blender` on `PATH`; null when there is none. */
export function findBlender(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.BLENDER_PATH) return existsSync(env.BLENDER_PATH) ? env.BLENDER_PATH : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'blender'))) return join(dir, 'blender');
  }
  return null;
}

/** Renders `views` of `glb` with Blender Cycles and times each image. */
export async function benchBlender(options: BlenderBenchOptions): Promise<BlenderBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vf-blender-'));
  try {
    const spec = {
      glb: options.glb,
      outDir: dir,
      size: options.size,
      samples: options.samples ?? 16,
      targetRadius: options.targetRadius ?? 1,
      threads: options.threads ?? 0,
      views: options.views.map((v) => ({ c2wGl: v.c2wGl, fovYDeg: v.fovYDeg })),
    };
    const specPath = join(dir, 'spec.json');
    await writeFile(specPath, JSON.stringify(spec));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        options.blender,
        ['-b', '--factory-startup', '--python-exit-code', '1', '--python', SCRIPT, '--', specPath],
        { timeout: options.timeoutMs ?? 1_800_000, maxBuffer: 64 * 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(`blender failed: ${error.message}\n${String(err).slice(-2000)}`)) : resolve(String(out))),
      );
    });
    const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
    if (line === undefined) throw new Error(`blender printed no ${MARKER.trim()} line:\n${stdout.slice(-2000)}`);
    const parsed = JSON.parse(line.slice(MARKER.length)) as { load_ms: number; image_ms: number[]; version: string };
    const total = parsed.image_ms.reduce((a, b) => a + b, 0);
    return {
      version: parsed.version,
      images: parsed.image_ms.length,
      loadMs: parsed.load_ms,
      msPerImage: total / parsed.image_ms.length,
      imagesPerSecond: (parsed.image_ms.length / total) * 1000,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
