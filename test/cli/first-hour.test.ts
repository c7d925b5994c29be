/**
 * Small things a new user meets first (issue 17): `render --help` ends with example command
 * lines; a bad setting is named as the user wrote it (the flag, or the key in the config file);
 * every dependency with an install script is declared in `allowScripts`, so `npm ci` has nothing
 * to warn about.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/config.js';
import { buildProgram } from '../../pipeline/cli.js';
import { RENDER_SETTINGS } from '../../pipeline/cli/render-command.js';
import { nameSetting } from '../../pipeline/cli/setting-options.js';

const ROOT = join(import.meta.dirname, '..', '..');

function helpOf(...path: string[]): string {
  let out = '';
  const program = buildProgram();
  program.exitOverride();
  const configure = (c: Command) => {
    c.exitOverride().configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (out += s) });
    c.commands.forEach(configure);
  };
  configure(program);
  try {
    program.parse([...path, '--help'], { from: 'user' });
  } catch {
    // commander ends --help with an exit it throws under exitOverride
  }
  return out;
}

describe('render --help', () => {
  it('ends with example command lines for the main job, a library run, a split run and a nightly', () => {
    const help = helpOf('render');
    const examples = help.slice(help.indexOf('Examples:'));
    expect(examples).toMatch(/npm run render -- --count 100000/);
    expect(examples).toMatch(/--assets /);
    expect(examples).toMatch(/--shard-index 0 --shard-count 4/);
    expect(examples).toMatch(/npm run nightly -- --config /);
  });
});

describe('nameSetting', () => {
  const from = (source: 'flag' | 'file' | 'default') => () => source;

  it('names the flag the user typed', () => {
    expect(nameSetting(ConfigError.because('cotRatio', 'must be <= 1, got 2'), RENDER_SETTINGS, from('flag'))).toBe('--cot-ratio must be <= 1, got 2');
    // A key whose flag has another name (renderTimeoutMs ← --render-timeout).
    expect(nameSetting(ConfigError.because('renderTimeoutMs', 'must be >= 100, got 0'), RENDER_SETTINGS, from('default'))).toBe('--render-timeout must be >= 100, got 0');
  });

  it('names the key and the file when the value came from a config file', () => {
    expect(nameSetting(ConfigError.because('cotRatio', 'must be <= 1, got 3'), RENDER_SETTINGS, from('file'), 'night.json')).toBe('config file night.json: "cotRatio" must be <= 1, got 3');
  });

  it('leaves a message about several settings alone', () => {
    const message = 'config: family "orbit" is in "families" but has no weight in "mix"';
    expect(nameSetting(new ConfigError('mix', message), RENDER_SETTINGS, from('flag'))).toBe(message);
  });
});

describe('npm ci', () => {
  it('has every package with an install script declared in allowScripts', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) expect(Object.keys(pkg.allowScripts ?? {}), `${name} has an install script`).toContain(name);
  });
});
