/**
 * No import cycles in src/: every module can be read, tested and moved with only what it imports
 * below it. The relative imports of each file are read with a regular expression (no parser
 * needed: the sources are ESM with one import statement per `from`).
 *
 * Type-only imports count. They vanish at run time, but a cycle through them still ties the
 * modules together (neither is understood or moved without the other), and it turns into a run-time
 * cycle the day someone imports a value along the same edge. Dynamic `import()` does not count:
 * those are deliberate lazy loads (a platform's code, the chart renderer), resolved only when run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../doubles/cli.js';

/** `import … from './x.js'`, `import type …`, `export … from`, `export * from`, spread over lines or not. */
const STATIC_FROM = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\*\s*(?:as\s+[\w$]+)?|\{[^}]*\})?\s*from\s*['"](\.[^'"]+)['"]/gm;
/** `import './x.js'` for its side effects. */
const SIDE_EFFECT = /^\s*import\s*['"](\.[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative specifiers a source imports statically. */
function relativeImports(source: string): string[] {
  return [...source.matchAll(STATIC_FROM), ...source.matchAll(SIDE_EFFECT)].map((match) => match[1]!);
}

/** Each file (relative to the repository) -> the files under src/ it imports. */
function importGraph(srcDir: string): Map<string, string[]> {
  const files = sourceFiles(srcDir);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const specifiers = relativeImports(readFileSync(file, 'utf8'));
    // Sources import './x.js' for './x.ts' (NodeNext resolution).
    const targets = specifiers.map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts')).filter((target) => known.has(target));
    graph.set(relative(ROOT, file), [...new Set(targets)].map((target) => relative(ROOT, target)));
  }
  return graph;
}

/** One cycle per back edge a depth-first walk meets, each as "a -> b -> a". */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const done = new Set<string>();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string): void => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const onPath = path.indexOf(next);
      if (onPath >= 0) cycles.push([...path.slice(onPath), next].join(' -> '));
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) if (!done.has(file)) visit(file);
  return cycles;
}

describe('imports in src/', () => {
  const graph = importGraph(join(ROOT, 'src'));

  it('are read in every static form, dynamic import() and packages left out', () => {
    const source = [
      "import { a, type B } from './a.js';",
      "import type { C } from '../c.js';",
      'import d, {\n  e,\n  f,\n} from "./d.js";',
      "import * as g from './g.js';",
      "import './side-effect.js';",
      "export { h } from './h.js';",
      "export type { I } from './i.js';",
      "export * from './j.js';",
      "import { z } from 'zod';",
      "const lazy = await import('./lazy.js');",
      " * import { inAComment } from 'somewhere';",
    ].join('\n');
    expect(relativeImports(source).sort()).toEqual(['../c.js', './a.js', './d.js', './g.js', './h.js', './i.js', './j.js', './side-effect.js']);
    expect(graph.get('src/app/ticket-records.ts')).toContain('src/app/ticket-derived.ts');
  });

  it('form no cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('a cycle is named file by file', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycles(cyclic)).toEqual(['a.ts -> b.ts -> c.ts -> a.ts']);
  });
});
