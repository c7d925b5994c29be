/** Vitest global set-up: builds the generated fixtures (models, HDR map) before any test file runs. */
import { ensureFixtures } from './fixtures/fixture-files.js';

export default async function setup(): Promise<void> {
  await ensureFixtures();
}
