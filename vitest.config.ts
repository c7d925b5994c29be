import { defineConfig } from 'vitest/config';

/**
 * Three tiers (CONTRIBUTING.md, "Tests"): `unit` (pure, no browser or child process, under 90 s),
 * `browser` (real Chromium in this process: `*.browser.test.ts`) and `process` (child processes,
 * where the process boundary is the point — exit codes, signals, the CLI as a user runs it:
 * `*.process.test.ts`). `npm test` runs all three; `npm run test:unit` etc. run one.
 *
 * The unit tier shares one module graph per worker (`isolate: false`): its files are pure and mock
 * nothing of their own (the tier's guard is the one mock), and importing three, ajv and the
 * pipeline once per worker instead of once per file takes the tier from ~89 s to ~63 s on 2 cores.
 */
const BROWSER = 'test/**/*.browser.test.ts';
const PROCESS = 'test/**/*.process.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Browser tests launch Chromium with software WebGL; give them room on a 2-core CI machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [BROWSER, PROCESS], setupFiles: ['test/tiers/unit-guard.ts'], isolate: false } },
      { extends: true, test: { name: 'browser', include: [BROWSER] } },
      { extends: true, test: { name: 'process', include: [PROCESS] } },
    ],
  },
});
