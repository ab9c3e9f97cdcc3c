// The built action and a dashboard whose service "api" already belongs to another repository: the
// push is refused with the reason in the log (the gate verdict stands), and `dashboard-move-repository`
// moves the service to this repository, audited.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { makeReport } from '../dashboard/store/report-builder.js';
import { startGitHubStandIn, type GitHubStandIn } from '../github/stand-in/github-stand-in.js';
import { createTestRepo, OWNER, pushEvent, REPO, runDist } from './harness.js';

const ADMIN = 'admin-token-for-dist-move-tests-0123456789';
let dashboard: RunningDashboard;
let standIn: GitHubStandIn;

beforeAll(async () => {
  dashboard = await startDashboard({ db: path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-dist-move-')), 'g.db'), port: 0, adminToken: ADMIN, print: () => undefined, logger: createMemoryLogger() });
  standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO });
});
afterAll(async () => {
  expect(standIn.violations).toEqual([]);
  await standIn.close();
  await dashboard.close();
});

describe('dist/index.js pushing a service another repository owns', () => {
  it('is refused with the reason in the log, and dashboard-move-repository moves it (audited)', async () => {
    const elsewhere = makeReport({ scanId: 'elsewhere-1', createdAt: '2026-01-01T06:00:00.000Z', services: ['api'], findings: [{ fp: 'other-repo-finding' }] });
    elsewhere.source = { ...elsewhere.source, repository: 'acme/elsewhere' };
    await dashboard.store.ingestScan(elsewhere, 'test');
    const repo = createTestRepo();
    repo.checkout('main');
    const inputs = { 'dashboard-url': dashboard.url, 'dashboard-token': ADMIN };

    const refused = await runDist({ repo, apiUrl: standIn.url, event: pushEvent(repo.baseSha), eventName: 'push', runId: '400', inputs });
    expect(refused.code, refused.stdout).toBe(0);
    expect(refused.stdout).toMatch(/the dashboard push failed: .*source\.repository.*acme\/elsewhere/);
    expect((await dashboard.store.listScans('api', 5)).map((s) => s.scanId)).toEqual(['elsewhere-1']);

    const moved = await runDist({ repo, apiUrl: standIn.url, event: pushEvent(repo.baseSha), eventName: 'push', runId: '401', inputs: { ...inputs, 'dashboard-move-repository': 'true' } });
    expect(moved.code, moved.stdout).toBe(0);
    expect(moved.stdout).not.toMatch(/the dashboard push failed/);
    expect((await dashboard.store.listScans('api', 5))[0].scanId).toBe(`gh/${OWNER}/${REPO}/401/1/api`);
    const audit = await dashboard.store.listAudit(10, 'service.move-repository');
    expect(audit.map((a) => JSON.stringify(a))).toEqual([expect.stringContaining(`${OWNER}/${REPO}`)]);
  });
});
