/**
 * The question-family registry (SPEC §4). Families are listed one by one in a fixed order; the
 * order is part of the output contract (CLI help, config validation, stats keys), so new
 * families are appended, never inserted.
 */
import { distanceFamily } from './distance.js';
import { elevationFamily } from './elevation.js';
import { orbitDirectionFamily } from './orbit-direction.js';
import { orbitFamily } from './orbit.js';
import type { QuestionFamily } from './question-family.js';

const NAME = 'questions';

/** The Viewpoint-100K-style families of the SFT stage, in registry order. */
export const VIEWPOINT_FAMILIES: readonly QuestionFamily[] = Object.freeze([orbitFamily, orbitDirectionFamily, elevationFamily, distanceFamily]);

/** Every registered family, in a fixed order. */
export const FAMILIES: readonly QuestionFamily[] = Object.freeze([...VIEWPOINT_FAMILIES]);

/** Names of every registered family, in registry order. */
export function listFamilyNames(): string[] {
  return FAMILIES.map((f) => f.name);
}

/**
 * The registered family called `name`.
 * @throws Error naming the unknown family and listing the known ones.
 */
export function getFamily(name: string): QuestionFamily {
  const family = FAMILIES.find((f) => f.name === name);
  if (family === undefined) throw new Error(`${NAME}: unknown question family "${name}"; known families: ${listFamilyNames().join(', ')}`);
  return family;
}

export type { Applicability, BuiltQuestion, Difficulty, QuestionFamily, Stage } from './question-family.js';
export { ORBIT_DEFAULTS, createOrbitFamily, orbitFamily, type OrbitOptions } from './orbit.js';
export { ORBIT_DIRECTION_DEFAULTS, createOrbitDirectionFamily, orbitDirectionFamily, type OrbitDirectionOptions } from './orbit-direction.js';
export { ELEVATION_DEFAULTS, createElevationFamily, elevationFamily, type ElevationOptions } from './elevation.js';
export { DISTANCE_DEFAULTS, createDistanceFamily, distanceFamily, type DistanceOptions } from './distance.js';
