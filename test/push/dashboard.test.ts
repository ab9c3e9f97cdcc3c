// The push client and the dashboard baseline reader against the REAL dashboard (hono + SQLite file)
// on 127.0.0.1: what the action sends is what the dashboard ingests, and what it reads back is the
// base of a PR.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { fetchDashboardBaseline } from '../../src/push/baseline.js';
import { pushScanReports } from '../../src/push/client.js';
import { ScanReportSchema, type ScanReport } from '../../src/report/scan-report.js';
import { createTestRepo, type TestRepo } from '../action/harness.js';

const fixture = ScanReportSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8')));
let dashboard: RunningDashboard;
let ingestToken = '';
let viewerToken = '';
let repo: TestRepo;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-push-dash-'));
  dashboard = await startDashboard({ db: path.join(dir, 'gatehouse.db'), port: 0, adminToken: 'admin-token-for-tests-0123456789', print: () => undefined, logger: createMemoryLogger() });
  ingestToken = (await dashboard.store.createToken({ role: 'ingest', label: 'ci' })).token;
  viewerToken = (await dashboard.store.createToken({ role: 'viewer', label: 'ci-read' })).token;
  repo = createTestRepo();
});
afterAll(async () => dashboard.close());

function snapshot(commit: string, createdAt: string, fingerprints: string[]): ScanReport {
  const template = fixture.findings[1];
  return {
    ...fixture,
    kind: 'snapshot',
    createdAt,
    source: { repository: 'acme/shop', commit },
    services: [{ name: 'web', path: 'services/web' }],
    scanners: fixture.scanners.filter((s) => s.service === 'web'),
    findings: fingerprints.map((fp) => ({ ...template, fingerprint: fp, status: 'existing' as const })),
    comparison: { baseline: 'none', changedFiles: false },
    gate: { ...fixture.gate, passed: true, outcome: 'passed', reasons: [] },
  };
}

describe('against the real dashboard', () => {
  it('ingests one scan per service, and a replayed push is a duplicate, not a second scan', async () => {
    const run = { repository: 'acme/shop', runId: '500', runAttempt: '1' };
    const opts = { dashboardUrl: dashboard.url, auth: { kind: 'token' as const, token: ingestToken }, logger: createMemoryLogger(), baseDelayMs: 1 };
    const first = await pushScanReports(snapshot(repo.baseSha, '2026-11-20T10:00:00Z', ['fp-base-secret-0001']), run, opts);
    expect(first.map((r) => [r.scanId, r.status, r.duplicate])).toEqual([['gh/acme/shop/500/1/web', 201, false]]);
    const again = await pushScanReports(snapshot(repo.baseSha, '2026-11-20T10:00:00Z', ['fp-base-secret-0001']), run, opts);
    expect(again[0].duplicate).toBe(true);
    expect((await dashboard.store.listScans('web', 10))).toHaveLength(1);
  });

  it('reads the base of a PR: the newest snapshot at or before the merge base, with its findings', async () => {
    // A later snapshot of a commit that is not in the PR's history (main moved on elsewhere) is skipped.
    await pushScanReports(snapshot('0123456789abcdef0123456789abcdef01234567', '2026-11-21T10:00:00Z', ['fp-other-0001']), { repository: 'acme/shop', runId: '501', runAttempt: '1' }, {
      dashboardUrl: dashboard.url,
      auth: { kind: 'token', token: ingestToken },
      logger: createMemoryLogger(),
    });
    const logger = createMemoryLogger();
    const base = await fetchDashboardBaseline({
      dashboardUrl: dashboard.url,
      auth: { kind: 'token', token: viewerToken },
      services: ['web', 'api'],
      repoRoot: repo.dir,
      baseSha: repo.baseSha,
      headSha: repo.headSha,
      logger,
    });
    expect(base?.source.commit).toBe(repo.baseSha);
    expect(base?.findings.map((f) => [f.service, f.fingerprint])).toEqual([['web', 'fp-base-secret-0001']]);
    // the location comes back as the scanner gave it (path and line), not guessed from a table text
    expect(base?.findings[0].location).toEqual(fixture.findings[1].location);
    expect(logger.lines.join('\n')).toMatch(/no snapshot of api at or before/);
  });

  it('the ingest token of the push reads the base of its own services; one scoped elsewhere is refused (the caller falls back)', async () => {
    const input = { dashboardUrl: dashboard.url, services: ['web'], repoRoot: repo.dir, baseSha: repo.baseSha, headSha: repo.headSha, logger: createMemoryLogger() };
    const own = await fetchDashboardBaseline({ ...input, auth: { kind: 'token', token: ingestToken } });
    expect(own?.findings.map((f) => f.fingerprint)).toEqual(['fp-base-secret-0001']);
    const apiOnly = (await dashboard.store.createToken({ role: 'ingest', label: 'api-only', services: ['api'] })).token;
    const err = await fetchDashboardBaseline({ ...input, auth: { kind: 'token', token: apiOnly } }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/GET api\/v1\/services\/web\/scans\?limit=100: HTTP 403/);
  });
});
