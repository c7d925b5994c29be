/**
 * The plan of one sample: plain JSON, the only place randomness lands (ARCHITECTURE: plan).
 * A renderer consumes `job`; the geometry consumes the rest. Plans can be logged, hashed and
 * rendered again.
 */
import type { Intrinsics, ObjectSpec, OrbitParams, RenderJob } from './types.js';

export interface SamplePlan {
  /** Globally unique id: `vf-<seed as 8 hex digits>-<index, 8 digits>`. */
  id: string;
  /** Global sample index (0-based). */
  index: number;
  seed: number;
  /** The split the sample belongs to (`--split`); absent = 'train'. `seed` is then the split's stream seed (pipeline/plan/split-seed.ts). */
  split?: 'val' | 'test';
  /** How many re-draws preceded this plan (0 = first draw). */
  attempt: number;
  /** Question family asked about this sample. */
  family: string;
  /** Index of this sample among the samples of its family (for answer-letter balancing). */
  familyIndex: number;
  /** Asset provenance. */
  asset: {
    source: 'procedural' | 'library';
    name: string;
    /** sha256 of the canonical JSON of the object spec (procedural) or of the file bytes (library). */
    contentHash: string;
    symmetry: ObjectSpec['symmetry'];
  };
  /** Orbit of each view. */
  orbits: [OrbitParams, OrbitParams];
  /** Intrinsics shared by both views. */
  intrinsics: Intrinsics;
  /** What the renderer draws (object, lighting, both views). `job.objectYawDeg` is the object pose. */
  job: RenderJob;
  /**
   * A single-image record (`--single-view-share`; README, "Scenes"): both views share view A's
   * camera, the family asks its one-image form, and the record shows only image A. Absent: two images.
   */
  singleView?: true;
}
