/** The unit tier refuses a browser launch and a child process, naming where such a test belongs. */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { ChromiumRenderer } from '../../renderers/chromium/chromium-renderer.js';

it('refuses to spawn a process or launch Chromium', async () => {
  expect(() => spawn('true')).toThrow(/unit tier: spawning a process is not allowed here; name the test file \*\.browser\.test\.ts/);
  await expect(ChromiumRenderer.create({ glMode: 'auto', pages: 1 })).rejects.toThrow(/unit tier: launching Chromium/);
});
