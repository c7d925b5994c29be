/** Placeholder replaced below. */
import type { ChromiumRenderer } from '../renderers/chromium/chromium-renderer.js';
import type { BlenderBenchResult } from './blender-bench.js';
export interface BlenderComparison { glb: string; blender: BlenderBenchResult; oursImagesPerSecond: number }
export async function compareWithBlender(_o: { renderer: ChromiumRenderer; glb: string; size: number; views: number; samples: number }): Promise<BlenderComparison | null> {
  return null;
}
