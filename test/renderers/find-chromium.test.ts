import { describe, expect, it } from 'vitest';
import { CHROMIUM_CANDIDATES, findChromium, isExecutableFile } from '../../renderers/chromium/find-chromium.js';

const only = (...paths: string[]) => (path: string) => paths.includes(path);

describe('findChromium', () => {
  it('takes CHROMIUM_PATH from the env option first', () => {
    expect(findChromium({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, isExecutable: only('/opt/chrome/chrome', '/usr/bin/chromium') })).toBe(
      '/opt/chrome/chrome',
    );
  });

  it('prefers an explicit executablePath over CHROMIUM_PATH', () => {
    expect(findChromium({ executablePath: '/a/chrome', env: { CHROMIUM_PATH: '/b/chrome' }, isExecutable: only('/a/chrome', '/b/chrome') })).toBe('/a/chrome');
  });

  it('falls back to the candidates in order; an empty CHROMIUM_PATH counts as unset', () => {
    expect(CHROMIUM_CANDIDATES).toEqual(['/usr/bin/chromium', '/usr/bin/chromium-browser']);
    expect(findChromium({ isExecutable: only('/usr/bin/chromium-browser', '/usr/bin/chromium') })).toBe('/usr/bin/chromium');
    expect(findChromium({ env: { CHROMIUM_PATH: '' }, isExecutable: only('/usr/bin/chromium-browser') })).toBe('/usr/bin/chromium-browser');
  });

  it('does not fall back when CHROMIUM_PATH is set but wrong', () => {
    expect(() => findChromium({ env: { CHROMIUM_PATH: '/nope/chrome' }, isExecutable: only('/usr/bin/chromium') })).toThrow(
      /findChromium: CHROMIUM_PATH is "\/nope\/chrome", which is not an executable file/,
    );
  });

  it('names every path tried and how to install when nothing works', () => {
    expect(() => findChromium({ env: {}, isExecutable: () => false })).toThrow(
      'findChromium: no Chromium found; tried /usr/bin/chromium, /usr/bin/chromium-browser. Install it (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROMIUM_PATH to the binary.',
    );
  });

  it('checks real files', () => {
    expect(isExecutableFile('/bin/sh')).toBe(true);
    expect(isExecutableFile('/etc/hostname-does-not-exist')).toBe(false);
    expect(isExecutableFile('/tmp')).toBe(false);
  });
});
