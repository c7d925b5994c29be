/**
 * Imports point one way (CONTRIBUTING.md, "Which folder may import which"): between the product's
 * folders the import graph has no cycle, so every folder can be read knowing only the folders
 * below it. Files directly in `pipeline/` form three groups: the entry points (the CLI, package
 * entry, the library API; with the CLI's commands in `pipeline/cli/`), the settings (the settings
 * table, config and config files), and the neutral core (types, seeded streams, errors, logger,
 * counters) that everything may use.
 *
 * It also refuses a dynamic `import()` whose module is not a string literal: such an import
 * hides an edge from this check (and from a reader).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PRODUCT = ['pipeline', 'renderers', 'assets', 'schemas'];

/** Files directly in `pipeline/` that are entry points or settings; the other root files are the core. */
const ROOT_GROUPS: Readonly<Record<string, string>> = {
  'pipeline/cli.ts': 'pipeline/cli',
  'pipeline/index.ts': 'pipeline/(entry)',
  'pipeline/render-dataset.ts': 'pipeline/(entry)',
  'pipeline/settings.ts': 'pipeline/(settings)',
  'pipeline/config.ts': 'pipeline/(settings)',
  'pipeline/config-file.ts': 'pipeline/(settings)',
};

/** The entry points: the files above and the CLI's commands (`pipeline/cli/`). Nothing else imports them. */
const ENTRY_GROUPS = new Set(['pipeline/(entry)', 'pipeline/cli']);

function tsFiles(dir: string): string[] {
  const s = statSync(join(ROOT, dir), { throwIfNoEntry: false });
  if (s === undefined) return [];
  if (s.isFile()) return dir.endsWith('.ts') ? [dir] : [];
  return readdirSync(join(ROOT, dir)).flatMap((name) => tsFiles(join(dir, name)));
}

/** The group of a repository-relative file: its top two folders, or a root group for `pipeline/*.ts`. */
export function groupOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 2) return ROOT_GROUPS[file] ?? `${parts[0]}/(core)`;
  return `${parts[0]}/${parts[1]}`;
}

/** Relative module specifiers of a source text: static imports and re-exports, and literal dynamic imports. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)) specs.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) specs.push(m[1]);
  return specs;
}

/** Folder-level edges `from → to` with the file pairs behind each. */
function folderGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of PRODUCT.flatMap(tsFiles)) {
    const from = groupOf(file);
    for (const spec of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
      const to = groupOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${file} → ${target}`]);
    }
  }
  return graph;
}

/** One cycle of folders (as the file imports that make it), or null when the graph is acyclic. */
function findCycle(graph: Map<string, Map<string, string[]>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === 'open') {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        return loop.slice(0, -1).map((a, i) => `${a} → ${loop[i + 1]} (${graph.get(a)!.get(loop[i + 1])![0]})`);
      }
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found !== null) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of [...graph.keys()].sort()) {
    if (state.get(node) !== undefined) continue;
    const found = visit(node);
    if (found !== null) return found;
  }
  return null;
}

describe('import direction', () => {
  it('finds the folder cycles it is meant to catch', () => {
    const graph = new Map([
      ['a', new Map([['b', ['a/x.ts → b/y.ts']]])],
      ['b', new Map([['a', ['b/y.ts → a/z.ts']]])],
    ]);
    expect(findCycle(graph)).toEqual(['a → b (a/x.ts → b/y.ts)', 'b → a (b/y.ts → a/z.ts)']);
    expect(importsOf("import { x } from './x.js';\nexport type { Y } from '../y.js';\nconst m = await import('./z.js');")).toEqual(['./x.js', '../y.js', './z.js']);
    expect(groupOf('pipeline/cli.ts')).toBe('pipeline/cli');
    expect(groupOf('pipeline/rng.ts')).toBe('pipeline/(core)');
    expect(groupOf('renderers/chromium/page-server.ts')).toBe('renderers/chromium');
  });

  it('no folder of the product imports, directly or through others, a folder that imports it', () => {
    expect(findCycle(folderGraph())).toBeNull();
  });

  it('the core files directly in pipeline/ import nothing of the product', () => {
    const graph = folderGraph();
    expect([...(graph.get('pipeline/(core)')?.entries() ?? [])].flatMap(([, files]) => files)).toEqual([]);
  });

  it('nothing but an entry point imports an entry point', () => {
    const graph = folderGraph();
    const offenders = [...graph].flatMap(([from, edges]) => (ENTRY_GROUPS.has(from) ? [] : [...edges].filter(([to]) => ENTRY_GROUPS.has(to)).flatMap(([, files]) => files)));
    expect(offenders).toEqual([]);
  });

  it('every dynamic import names its module literally', () => {
    const offenders = PRODUCT.flatMap(tsFiles).filter((file) => /\bimport\(\s*(?!['"])/.test(readFileSync(join(ROOT, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')));
    expect(offenders.map((f) => relative('.', f))).toEqual([]);
  });
});
