// No import circle anywhere in the engine or the dashboard (issue 14: app.ts and the routes imported
// each other, auth/ took its error type from api/), and none between the directories of dashboard/
// (api/, pages/, components/, auth/, store/, ...: pages/ took its query schema from api/ while api/
// took the gzip join and the chart windows from pages/, without any file circle). Walks every
// relative import, `import type` included, and fails naming the files of each circle.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

/**
 * The graph of `graph`'s units: `unitOf` names the unit of each file; an edge between two units for
 * each import from a file of one to a file of the other (none within a unit). `via`: the imports
 * behind each edge, as `from -> to` relative paths.
 */
export function unitGraph(graph: Map<string, Set<string>>, unitOf: (file: string) => string): { graph: Map<string, Set<string>>; via: Map<string, string[]> } {
  const units = new Map<string, Set<string>>();
  const via = new Map<string, string[]>();
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    if (!units.has(from)) units.set(from, new Set());
    for (const t of targets) {
      const to = unitOf(t);
      if (to === from || !graph.has(t)) continue;
      units.get(from)!.add(to);
      const key = `${from} -> ${to}`;
      via.set(key, [...(via.get(key) ?? []), `${relative(REPO, file)} -> ${relative(REPO, t)}`]);
    }
  }
  for (const targets of units.values()) for (const t of targets) if (!units.has(t)) units.set(t, new Set());
  return { graph: units, via };
}

const DASHBOARD = join(REPO, 'dashboard');
/** The directory of dashboard/ a file is in (store/sqlite/ counts as store/), as `dashboard/api/*`; a file outside them, itself. */
const dashboardDirectory = (file: string) => {
  const inDashboard = relative(DASHBOARD, file).split(sep);
  return file.startsWith(DASHBOARD + sep) && inDashboard.length > 1 ? join(DASHBOARD, inDashboard[0], '*') : file;
};
const isDirectory = (unit: string) => unit.endsWith(`${sep}*`);

/** The circles among directories of dashboard/ (through any files outside them), each with the imports that close it. */
function directoryCircles(graph: Map<string, Set<string>>): string[] {
  const units = unitGraph(graph, dashboardDirectory);
  return circles(units.graph)
    .filter((circle) => circle.filter((u) => isDirectory(join(REPO, u))).length > 1)
    .map((circle) => {
      const members = new Set(circle.map((u) => join(REPO, u)));
      // Each edge inside the circle with its imports, the fewest first (usually the ones to move).
      const edges = [...units.via]
        .filter(([key]) => key.split(' -> ').every((unit) => members.has(unit)))
        .sort(([, a], [, b]) => a.length - b.length)
        .map(([key, imports]) => `${key.split(' -> ').map((u) => relative(REPO, u)).join(' -> ')} (${imports.length <= 3 ? imports.join(', ') : `${imports.length} imports: ${imports[0]}, ...`})`);
      return `${circle.join(' <-> ')}: ${edges.join('; ')}`;
    });
}

describe('imports', () => {
  it('form no circle in src/ and dashboard/', () => {
    const graph = importGraph(['src', 'dashboard']);
    expect(graph.size).toBeGreaterThan(100);
    // The walker sees the app's edges (a broken regex would find no circle in anything).
    expect([...graph.get(join(REPO, 'dashboard/app.ts'))!].map((f) => relative(REPO, f))).toContain('dashboard/pages/routes.tsx');
    expect(circles(graph)).toEqual([]);
  });

  it('form no circle between the directories of dashboard/ (api/, pages/, components/, auth/, store/, ...)', () => {
    const graph = importGraph(['src', 'dashboard']);
    expect(directoryCircles(graph)).toEqual([]);
    // What it walks: the pages use components/ and the store's types, api/ the store's types.
    const units = unitGraph(graph, dashboardDirectory).graph;
    const outOf = (dir: string) => [...(units.get(join(DASHBOARD, dir, '*')) ?? [])].map((u) => relative(REPO, u));
    expect(outOf('pages')).toEqual(expect.arrayContaining(['dashboard/components/*', 'dashboard/store/*']));
    expect(outOf('api')).toContain('dashboard/store/*');
  });

  it('finds a circle between directories when there is one, through files outside them too', () => {
    const file = (path: string) => join(DASHBOARD, path);
    const graph = new Map<string, Set<string>>([
      [file('api/a.ts'), new Set([file('pages/b.ts')])],
      [file('pages/b.ts'), new Set([file('pages/c.ts')])],
      [file('pages/c.ts'), new Set([file('api/d.ts')])],
      [file('api/d.ts'), new Set()],
      [file('components/e.ts'), new Set([file('shared.ts')])],
      [file('shared.ts'), new Set([file('store/f.ts')])],
      [file('store/f.ts'), new Set([file('components/g.ts')])],
      [file('components/g.ts'), new Set()],
      [file('auth/h.ts'), new Set([file('store/sqlite/i.ts')])],
      [file('store/sqlite/i.ts'), new Set()],
    ]);
    expect(circles(graph)).toEqual([]);
    const found = directoryCircles(graph);
    expect(found).toHaveLength(2);
    expect(found.find((c) => c.startsWith('dashboard/api/* <-> dashboard/pages/*:'))).toContain('dashboard/pages/c.ts -> dashboard/api/d.ts');
    expect(found.find((c) => c.includes('dashboard/shared.ts'))).toContain('dashboard/components/* <-> dashboard/shared.ts <-> dashboard/store/*:');
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
