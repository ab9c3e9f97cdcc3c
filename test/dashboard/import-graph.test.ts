// No import circle anywhere in the engine or the dashboard (issue 14: app.ts and the routes imported
// each other, auth/ took its error type from api/). Walks every relative import, `import type`
// included, and fails naming the files of each circle.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = new URL('../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** file -> the files it imports (static, type-only, re-exports and dynamic import()). */
export function importGraph(roots: string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const files = roots.flatMap((r) => sourceFiles(join(REPO, r)));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = new Set<string>();
    const specs = [
      ...[...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?\sfrom\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]),
      ...[...text.matchAll(/(?:^|\n)\s*import\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]),
      ...[...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]),
    ];
    for (const spec of specs) {
      const target = resolveImport(file, spec);
      if (target) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself): the circles. */
export function circles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.has(v)) found.push(component.map((f) => relative(REPO, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('imports', () => {
  it('form no circle in src/ and dashboard/', () => {
    const graph = importGraph(['src', 'dashboard']);
    expect(graph.size).toBeGreaterThan(100);
    // The walker sees the app's edges (a broken regex would find no circle in anything).
    expect([...graph.get(join(REPO, 'dashboard/app.ts'))!].map((f) => relative(REPO, f))).toContain('dashboard/pages/routes.tsx');
    expect(circles(graph)).toEqual([]);
  });

  it('finds a circle when there is one', () => {
    const a = '/x/a.ts';
    const b = '/x/b.ts';
    const c = '/x/c.ts';
    expect(circles(new Map([[a, new Set([b])], [b, new Set([c])], [c, new Set([a])]])).length).toBe(1);
  });

  it('keeps auth/ and the HTTP error type free of api/', () => {
    const graph = importGraph(['dashboard/auth']);
    for (const [file, targets] of graph) {
      for (const t of targets) expect(relative(REPO, t), `${relative(REPO, file)} imports api/`).not.toMatch(/^dashboard\/api\//);
    }
  });
});
