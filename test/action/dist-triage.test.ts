// The gate obeys the dashboard's triage, end to end: a real dashboard server (HTTP, SQLite), the
// built action (dist/index.js) as a child process, the GitHub stand-in. The default branch's snapshot
// fails on leaked keys; a security lead marks them on the dashboard (the real page form, CSRF and
// all); a PR touching the file then passes, its comment saying which findings were triaged, by whom
// and until when; an acceptance that has expired counts again.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { startGitHubStandIn, type GitHubStandIn } from '../github/stand-in/github-stand-in.js';
import { createTestRepo, OWNER, PLANTED, pullRequestEvent, pushEvent, REPO, runDist } from './harness.js';

const ADMIN = 'admin-token-for-dist-triage-0123456789';
let dashboard: RunningDashboard;
let standIn: GitHubStandIn;

beforeAll(async () => {
  dashboard = await startDashboard({ db: path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-dist-triage-')), 'g.db'), port: 0, adminToken: ADMIN, print: () => undefined, logger: createMemoryLogger() });
  standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, pullFiles: { 31: ['services/web/config.js'] } });
});
afterAll(async () => {
  expect(standIn.violations).toEqual([]);
  await standIn.close();
  await dashboard.close();
});

/** The dashboard's origin (its url ends with a slash). */
const base = () => new URL(dashboard.url).origin;

/** Signs in through the dashboard's login form over HTTP; the session cookie and its CSRF token. */
async function signIn(token: string): Promise<{ cookie: string; csrf: string }> {
  const form = await fetch(`${base()}/login`);
  const nonce = form.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('gatehouse_login='))!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const res = await fetch(`${base()}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded', origin: base() },
    body: new URLSearchParams({ _csrf: csrf, token }).toString(),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('gatehouse_session='))!;
  const page = await (await fetch(`${base()}/`, { headers: { cookie } })).text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] };
}

describe('dist/index.js obeys the dashboard triage', () => {
  it('the default branch and a PR pass once the findings are triaged; the comment names who decided and until when', async () => {
    const repo = createTestRepo();
    const ingest = (await dashboard.store.createToken({ role: 'ingest', label: 'ci' })).token;
    const lead = (await dashboard.store.createToken({ role: 'admin', label: 'Dana (security lead)' })).token;
    const inputs = { 'github-token': 'tok', 'dashboard-url': dashboard.url, 'dashboard-token': ingest };

    // The default branch already carries the leaked keys (merged before the gate was set up): its
    // snapshot fails the gate and brings the findings to the dashboard.
    repo.checkout('feature');
    const first = await runDist({ repo, apiUrl: standIn.url, event: pushEvent(repo.headSha), eventName: 'push', runId: '500', inputs });
    expect(first.code, first.stdout).toBe(1);
    const introduced = ScanReportSchema.parse(JSON.parse(readFileSync(first.outputs['report-file'], 'utf8'))).findings.filter((f) => f.service === 'web' && f.status !== 'suppressed');
    expect(introduced.length).toBeGreaterThan(0);
    expect((await dashboard.store.listServiceOverview()).find((s) => s.name === 'web')!.lastGate).toBe('failed');

    // The lead triages each finding through the page form.
    const session = await signIn(lead);
    const until = '2099-06-30';
    for (const [i, f] of introduced.entries()) {
      const fields: Record<string, string> =
        i === 0
          ? { status: 'accepted_risk', reason: 'test credentials, rotated weekly', owner: 'web-team', until }
          : { status: 'false_positive', reason: 'example value in a fixture' };
      const res = await fetch(`${base()}/services/${f.service}/findings/${f.fingerprint}/triage`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base() },
        body: new URLSearchParams({ _csrf: session.csrf, op: 'set', ...fields }).toString(),
      });
      expect(res.status, await res.text()).toBe(303);
    }

    // A pull request touching the file, gated on every finding of the services it touches
    // (`new-only: false`): the gate obeys the decisions and says so in its comment.
    const second = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: 31 }), runId: '502', inputs: { ...inputs, 'new-only': 'false' } });
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toContain(`dashboard triage: ${introduced.length} decision(s) in force`);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(second.outputs['report-file'], 'utf8')));
    const suppressed = report.findings.filter((f) => f.suppression?.source === 'dashboard');
    expect(suppressed.map((f) => f.status)).toEqual(introduced.map(() => 'suppressed'));
    expect(suppressed.find((f) => f.fingerprint === introduced[0].fingerprint)!.suppression).toMatchObject({ decidedBy: 'Dana (security lead)', owner: 'web-team', expires: until });

    const comment = (standIn.comments.get(31) ?? [])[0].body;
    expect(comment).toContain(`### Triaged on the dashboard (${introduced.length})`);
    expect(comment).toContain('accepted risk: test credentials, rotated weekly. Decided by Dana \\(security lead\\), owner web-team, until 2099-06-30.');
    expect(comment).toContain('false positive: example value in a fixture. Decided by Dana \\(security lead\\).');
    for (const secret of Object.values(PLANTED)) expect(comment.includes(secret)).toBe(false);

    // The default branch passes too now, and the overview's gate follows it (not the PR's).
    const again = await runDist({ repo, apiUrl: standIn.url, event: pushEvent(repo.headSha), eventName: 'push', runId: '503', inputs });
    expect(again.code, again.stdout).toBe(0);
    expect((await dashboard.store.listServiceOverview()).find((s) => s.name === 'web')!.lastGate).toBe('passed');
  });

  it('an acceptance past its date counts again: the dashboard no longer answers it and the gate fails', async () => {
    const [decision] = await dashboard.store.listTriage(['web']);
    // Set it again with a date that has passed by the time the action asks (store-level, so the
    // form's "not in the past" rule does not stand in the way of the test).
    const past = new Date(Date.now() - 86_400_000);
    await dashboard.store.setTriage('web', [decision.fingerprint], { status: 'accepted_risk', reason: 'until yesterday', owner: 'web-team', expiresAt: past.toISOString(), justification: null, decidedBy: 'Dana' }, 'test', new Date(past.getTime() - 86_400_000));
    const repo = createTestRepo();
    repo.checkout('feature');
    const ingest = (await dashboard.store.createToken({ role: 'ingest', label: 'ci2' })).token;
    const run = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: 31 }), runId: '504', inputs: { 'github-token': 'tok', 'dashboard-url': dashboard.url, 'dashboard-token': ingest, 'new-only': 'false' } });
    expect(run.code, run.stdout).toBe(1);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8')));
    expect(report.findings.find((f) => f.fingerprint === decision.fingerprint)!.status).not.toBe('suppressed');
    // The sweep recorded the end of the acceptance in the finding's history and the audit log.
    const history = (await dashboard.store.getTriage('web', decision.fingerprint)).history;
    expect(history.at(-1)!.action).toBe('expired');
    expect((await dashboard.store.listAudit(50)).some((a) => a.action === 'triage.expire')).toBe(true);
  });
});
