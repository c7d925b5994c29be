/**
 * A clone with nothing beside it must pass its tests: no source, test, benchmark or doc example
 * may reach outside the repository (`../shared` exists only beside CI's checkout). Fixtures are
 * made by code in `test/fixtures/`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SCANNED = ['pipeline', 'renderers', 'assets', 'schemas', 'test', 'bench', 'docs', 'examples', 'deploy', 'README.md', 'package.json', '.ci'];

function files(path: string): string[] {
  const s = statSync(path, { throwIfNoEntry: false });
  if (s === undefined) return [];
  if (s.isFile()) return [path];
  return readdirSync(path).flatMap((name) => files(join(path, name)));
}

describe('self-contained repository', () => {
  it('reads nothing from ../shared', () => {
    const offenders = SCANNED.flatMap((p) => files(join(ROOT, p)))
      .filter((f) => f !== import.meta.filename)
      .filter((f) => /\.\.\/shared\b|shared\/fixtures/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
