/**
 * Test hook behind `VIEWFORGE_TEST_CORRUPT_POSES=n` (never a flag): the written camera of view A
 * of every n-th sample (index mod n = 0) is moved 1.5 m sideways and up (its `t` and centre), while its
 * images stay as rendered. The records stay well-formed and the shards sealed and checksummed, so
 * only the pose↔pixel self-check of the nightly gates can notice (docs/nightly.md).
 */
import type { SampleRecordInput } from '../records/record-input.js';
import type { Vec3 } from '../types.js';

export function createPoseCorruptionHook(every: number): (input: SampleRecordInput) => SampleRecordInput {
  return (input) => {
    if (input.plan.index % every !== 0) return input;
    const truth = structuredClone(input.truth);
    const camera = truth.views[0].camera;
    const shift: Vec3 = [1.2, 0.9, 0];
    camera.t = [camera.t[0] + shift[0], camera.t[1] + shift[1], camera.t[2]];
    // centre = −Rᵀ t follows the shifted t
    const R = camera.R;
    camera.centre = [0, 1, 2].map((j) => -(R[0][j] * camera.t[0] + R[1][j] * camera.t[1] + R[2][j] * camera.t[2])) as Vec3;
    return { ...input, truth };
  };
}
