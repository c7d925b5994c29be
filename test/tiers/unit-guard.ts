/**
 * Set-up of the unit tier (`npm run test:unit`): no browser and no child process. A test that
 * launches Chromium or spawns a process belongs in a `*.browser.test.ts` or `*.process.test.ts`
 * file; here it fails at once, naming the rule, instead of slowing the fast tier down.
 */
import { vi } from 'vitest';

const refuse = (what: string) => () => {
  throw new Error(`unit tier: ${what} is not allowed here; name the test file *.browser.test.ts (Chromium) or *.process.test.ts (child processes)`);
};

vi.mock('puppeteer-core', () => {
  const api = { launch: refuse('launching Chromium'), connect: refuse('connecting to Chromium') };
  return { default: api, ...api };
});

vi.mock('node:child_process', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:child_process')>();
  return { ...original, spawn: refuse('spawning a process'), execFile: refuse('spawning a process'), fork: refuse('forking a process'), exec: refuse('spawning a process') };
});
