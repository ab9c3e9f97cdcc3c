// The built action with the real dashboard: a default-branch push run sends one snapshot per
// service; a PR run then takes its base from the dashboard (`baseline: dashboard`).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { startGitHubStandIn, type GitHubStandIn } from '../github/stand-in/github-stand-in.js';
import { createTestRepo, OWNER, PLANTED, pullRequestEvent, pushEvent, REPO, runDist } from './harness.js';
import { startActionsOidc } from './oidc-issuer.js';

const ADMIN = 'admin-token-for-dist-tests-0123456789';
let dashboard: RunningDashboard;
let standIn: GitHubStandIn;

beforeAll(async () => {
  dashboard = await startDashboard({ db: path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-dist-dash-')), 'g.db'), port: 0, adminToken: ADMIN, print: () => undefined, logger: createMemoryLogger() });
  standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, pullFiles: { 21: ['services/web/config.js'] } });
});
afterAll(async () => {
  expect(standIn.violations).toEqual([]);
  await standIn.close();
  await dashboard.close();
});

describe('dist/index.js with the dashboard', () => {
  it('push to main: a snapshot per service reaches the dashboard; then a PR reads its base from there', async () => {
    const repo = createTestRepo();
    const ingest = (await dashboard.store.createToken({ role: 'ingest', label: 'ci' })).token;
    repo.checkout('main');
    const snap = await runDist({ repo, apiUrl: standIn.url, event: pushEvent(repo.baseSha), eventName: 'push', runId: '300', inputs: { 'dashboard-url': dashboard.url, 'dashboard-token': ingest } });
    expect(snap.code, snap.stdout).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(snap.outputs['report-file'], 'utf8')));
    expect(report.kind).toBe('snapshot');
    expect(report.services.map((s) => s.name)).toEqual(['api', 'web', '(root)']);
    expect((await dashboard.store.listScans('api', 5)).map((s) => s.scanId)).toEqual([`gh/${OWNER}/${REPO}/300/1/api`]);
    expect((await dashboard.store.listScans('web', 5)).map((s) => [s.scanId, s.commit, s.kind])).toEqual([[`gh/${OWNER}/${REPO}/300/1/web`, repo.baseSha, 'snapshot']]);
    expect(standIn.requests).toHaveLength(0); // a push run needs no GitHub API call

    repo.checkout('feature');
    const pr = await runDist({
      repo,
      apiUrl: standIn.url,
      event: pullRequestEvent(repo, { number: 21 }),
      runId: '301',
      inputs: { 'github-token': 'tok', 'dashboard-url': dashboard.url, 'dashboard-token': ADMIN },
    });
    expect(pr.code).toBe(1);
    const prReport = ScanReportSchema.parse(JSON.parse(readFileSync(pr.outputs['report-file'], 'utf8')));
    expect(prReport.comparison.baseline).toBe('dashboard');
    expect(prReport.findings.filter((f) => f.status === 'introduced')).toHaveLength(3);
    expect(pr.stdout).toMatch(/baseline: dashboard snapshots at or before [0-9a-f]{7} for 1 of 1 services? /);
    // The PR scan went to the dashboard too, marked as a PR scan, without any secret value.
    const prScans = (await dashboard.store.listScans('web', 5)).filter((s) => s.kind === 'pr');
    expect(prScans.map((s) => [s.scanId, s.pullRequest])).toEqual([[`gh/${OWNER}/${REPO}/301/1/web`, 21]]);
    const detail = JSON.stringify((await dashboard.store.listFindings({ service: 'web', state: 'all', limit: 100, offset: 0 })));
    for (const secret of Object.values(PLANTED)) expect(detail.includes(secret)).toBe(false);
  });

  it("push with OIDC: the runner's id-token for the audience, verified by the dashboard against the issuer's JWKS", async () => {
    const oidc = await startActionsOidc({ repository: `${OWNER}/${REPO}`, ref: 'refs/heads/main', workflowFile: 'gatehouse-snapshot.yml' });
    const audience = 'https://gatehouse.example.test';
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-dist-oidc-'));
    const oidcDashboard = await startDashboard({
      db: path.join(dir, 'g.db'),
      port: 0,
      adminToken: ADMIN,
      print: () => undefined,
      logger: createMemoryLogger(),
      oidc: { jwksUrl: oidc.jwksUrl, issuer: oidc.issuer, audience, allow: [{ repository: `${OWNER}/${REPO}`, ref: 'refs/heads/main' }] },
    });
    try {
      const repo = createTestRepo();
      repo.checkout('main');
      const run = await runDist({
        repo,
        apiUrl: standIn.url,
        event: pushEvent(repo.baseSha),
        eventName: 'push',
        runId: '400',
        inputs: { 'dashboard-url': oidcDashboard.url, 'dashboard-audience': audience },
        extraEnv: { ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).not.toMatch(/::warning::.*dashboard push failed/);
      // One id-token to read the triage decisions, one to push: both for the dashboard's audience.
      expect(oidc.audiences).toEqual([audience, audience]);
      expect(run.stdout).toContain('dashboard triage: 0 decision(s) in force');
      const scans = (await oidcDashboard.store.listScans('web', 5));
      expect(scans.map((s) => s.scanId)).toEqual([`gh/${OWNER}/${REPO}/400/1/web`]);
      expect(scans[0].ingestedBy).toMatch(new RegExp(`^oidc:${OWNER}/${REPO}`));
    } finally {
      await oidcDashboard.close();
      await oidc.close();
    }
  });

  it('a refused push and an unwritable job summary are warnings; the verdict and outputs stay', async () => {
    const repo = createTestRepo();
    repo.checkout('main');
    const run = await runDist({
      repo,
      apiUrl: standIn.url,
      event: pushEvent(repo.baseSha),
      eventName: 'push',
      inputs: { 'dashboard-url': dashboard.url, 'dashboard-token': 'not-a-valid-token' },
      extraEnv: { GITHUB_STEP_SUMMARY: repo.dir }, // a folder: appending to it fails
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.stdout).toMatch(/::warning::the dashboard push failed: the dashboard refused the scan of api: HTTP 401/);
    expect(run.stdout).toMatch(/::warning::the job summary failed: /);
  });
});
