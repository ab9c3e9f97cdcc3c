// Issue 2 point 4: "each adapter can also import a report file made elsewhere instead of running the
// tool". Every built-in adapter (and a config scanners.sarif[] entry) is imported here from real
// recorded output through the same plan -> executePlan path the CLI's --import takes; none of the
// tools runs. Counts are those of the per-fixture parser tests after normalization.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../src/config/load.js';
import { ConfigSchema, type RawGatehouseConfig } from '../../src/config/schema.js';
import { normalizeFindings } from '../../src/findings/normalize.js';
import { createMemoryLogger } from '../../src/logger.js';
import { planScan } from '../../src/runner/plan.js';
import { executePlan } from '../../src/runner/run-scanners.js';
import { scannerEntryArgv } from '../../src/scanners/gatehouse-secrets/adapter.js';
import { listAdapters } from '../../src/scanners/registry.js';
import { resolveServices } from '../../src/services/discover.js';

const SHARED = new URL('../../../shared/fixtures/scanners/', import.meta.url).pathname;

function makeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-import-all-'));
  mkdirSync(join(root, 'api'), { recursive: true });
  writeFileSync(join(root, 'api/package.json'), '{}');
  return root;
}

async function importOne(root: string, raw: RawGatehouseConfig, imports?: Record<string, string>) {
  const config = ConfigSchema.parse(
    mergeConfig({ services: [{ name: 'api', path: 'api' }], scanners: { dependency: [], secret: [], misconfig: [], ci: [] } }, raw),
  );
  const services = resolveServices(root, config);
  const logger = createMemoryLogger();
  const plan = planScan({ repoRoot: root, config, services, imports, logger });
  expect(plan.every((p) => p.mode === 'import')).toBe(true);
  return executePlan(plan, {
    services,
    concurrency: 2,
    timeoutMs: 30_000,
    maxOutputBytes: 64 * 1024 * 1024,
    logger,
  });
}

/** A gatehouse-secrets report made by a real run of the embedded scanner on a planted file. */
async function gatehouseSecretsReport(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-src-'));
  // Built at run time so this file holds no token-shaped literal.
  writeFileSync(join(dir, 'deploy.env'), `GITHUB_TOKEN=${'ghp_'}${'Q7rT2mVx9LkP4sWz8NbY3cHd6FgJ1aE5uK0o'}\n`);
  const [exe, ...args] = scannerEntryArgv();
  const r = await execa(exe, [...args, 'scan', dir, '--repo-root', dir], { reject: false });
  const file = join(dir, 'report.json');
  writeFileSync(file, r.stdout);
  return file;
}

/** Findings the adapter's own parser makes of a recorded report, after normalization. */
function directCount(id: string, file: string): number {
  const adapter = listAdapters().find((a) => a.id === id)!;
  const parsed = adapter.parse({ stdout: readFileSync(file, 'utf8'), stderr: '', exitCode: 0 }, { repoRoot: '/r', serviceDir: 'api' });
  return normalizeFindings(parsed.findings, { service: 'api' }).length;
}

describe('--import TOOL=FILE for every adapter', () => {
  // Built from each adapter's own fixtures list: a new adapter is covered here without editing this file.
  const recorded = listAdapters().filter((a) => !a.about?.embedded);

  it('every external adapter names a recorded report of its tool', () => {
    for (const adapter of recorded) expect(adapter.about?.fixtures.length, adapter.id).toBeGreaterThan(0);
  });

  for (const adapter of recorded) {
    const fixture = adapter.about?.fixtures[0] ?? '(none)';
    it(`${adapter.id}: imports ${fixture} instead of running the tool`, async () => {
      const file = join(SHARED, fixture);
      const count = directCount(adapter.id, file);
      expect(count).toBeGreaterThan(0);
      const { runs, findings } = await importOne(makeRepo(), {}, { [`${adapter.id}@api`]: file });
      expect(runs.map((r) => [r.scanner, r.service, r.status])).toEqual([[adapter.id, 'api', 'imported']]);
      expect(findings).toHaveLength(count);
      expect(runs[0].findingCount).toBe(count);
    });
  }

  it('gatehouse-secrets: imports a report of the embedded scanner', async () => {
    const file = await gatehouseSecretsReport();
    const { runs, findings } = await importOne(makeRepo(), {}, { 'gatehouse-secrets@api': file });
    expect(runs).toMatchObject([{ scanner: 'gatehouse-secrets', status: 'imported', findingCount: 1 }]);
    expect(findings[0]).toMatchObject({ category: 'secret', ruleId: expect.stringContaining('github') });
  });

  it('a scanners.sarif[] entry imports SARIF with no command', async () => {
    const root = makeRepo();
    const { runs, findings } = await importOne(root, {
      scanners: { sarif: [{ name: 'bandit', import: join(SHARED, 'semgrep/sarif-rule-board.sarif') }] },
    });
    // a repository-wide import: one imported run for the service and one for the repository root
    expect(runs.map((r) => [r.scanner, r.status])).toEqual([
      ['bandit', 'imported'],
      ['bandit', 'imported'],
    ]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.tool === 'bandit')).toBe(true);
  });
});

describe('import paths', () => {
  it('reads a relative config import: path from the repository root, whatever the working directory', async () => {
    const root = makeRepo();
    mkdirSync(join(root, 'reports'));
    copyFileSync(join(SHARED, 'trivy/repo-npm-lockfile.json'), join(root, 'reports/trivy.json'));
    expect(process.cwd()).not.toBe(root);
    const { runs, findings } = await importOne(root, {
      scanners: { dependency: [{ use: 'trivy-fs', import: 'reports/trivy.json' }] },
    });
    expect(runs.every((r) => r.status === 'imported')).toBe(true);
    expect(findings).toHaveLength(1);
  });
});
