// A finding only a pull request has seen can be triaged, and the PR gate (new-only, the default)
// obeys it, end to end: a real dashboard server (HTTP, SQLite), the built action (dist/index.js) as
// a child process, the GitHub stand-in. The default branch is clean; PR #41 introduces leaked keys,
// so its gate fails on findings the dashboard has no finding row for. A triager (not an admin) opens
// the PR's page on the dashboard, which lists what the gate blocked on, and decides through its form
// (session, CSRF, Origin); the next run of the PR passes, its comment naming the triager.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { startGitHubStandIn, type GitHubStandIn } from '../github/stand-in/github-stand-in.js';
import { createTestRepo, OWNER, PLANTED, pullRequestEvent, pushEvent, REPO, runDist } from './harness.js';

const ADMIN = 'admin-token-for-dist-triage-pr-0123456789';
let dashboard: RunningDashboard;
let standIn: GitHubStandIn;

beforeAll(async () => {
  dashboard = await startDashboard({ db: path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-dist-triage-pr-')), 'g.db'), port: 0, adminToken: ADMIN, print: () => undefined, logger: createMemoryLogger() });
  standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, pullFiles: { 41: ['services/web/config.js'] } });
});
afterAll(async () => {
  expect(standIn.violations).toEqual([]);
  await standIn.close();
  await dashboard.close();
});

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

describe('dist/index.js obeys triage of findings only a PR has seen', () => {
  it('a failing new-only PR passes once a triager decides on its blocking findings from the PR view', async () => {
    const repo = createTestRepo();
    const ingest = (await dashboard.store.createToken({ role: 'ingest', label: 'ci' })).token;
    const triager = (await dashboard.store.createToken({ role: 'triager', label: 'Sam (appsec triager)' })).token;
    const inputs = { 'github-token': 'tok', 'dashboard-url': dashboard.url, 'dashboard-token': ingest };

    // The default branch is clean.
    repo.checkout('main');
    const main = await runDist({ repo, apiUrl: standIn.url, event: pushEvent(repo.baseSha), eventName: 'push', runId: '600', inputs });
    expect(main.code, main.stdout).toBe(0);

    // PR #41 brings leaked keys: its gate (new-only) fails on findings the default branch never had.
    repo.checkout('feature');
    const first = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: 41 }), runId: '601', inputs });
    expect(first.code, first.stdout).toBe(1);
    const blocked = ScanReportSchema.parse(JSON.parse(readFileSync(first.outputs['report-file'], 'utf8'))).gate.reasons.flatMap((r) => r.fingerprints);
    expect(blocked.length).toBeGreaterThan(0);
    for (const fp of blocked) expect(await dashboard.store.getFinding('web', fp)).toBeUndefined();

    // The PR view links the failing PR to a page listing what blocked it, with the triage form.
    const session = await signIn(triager);
    const pulls = await (await fetch(`${base()}/pulls`, { headers: { cookie: session.cookie } })).text();
    const href = new RegExp(`href="(/pulls/web/[^"]+)"[^>]*>${blocked.length} of ${blocked.length} untriaged`).exec(pulls)?.[1];
    expect(href, pulls).toBeDefined();
    const prPage = await (await fetch(`${base()}${href}`, { headers: { cookie: session.cookie } })).text();
    for (const fp of blocked) expect(prPage).toContain(`name="fp" value="${fp}"`);
    const form = new URLSearchParams({ _csrf: session.csrf, op: 'set', status: 'accepted_risk', reason: 'keys are revoked; history rewrite after the release', owner: 'web-team', until: '2099-06-30' });
    for (const fp of blocked) form.append('fp', fp);
    const res = await fetch(`${base()}${href}/triage`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base() },
      body: form.toString(),
    });
    expect(res.status, await res.text()).toBe(303);
    expect(res.headers.get('location')).toBe(`${href}?op=set&applied=${blocked.length}&missing=0`);

    // The next run of the same PR obeys the decision: it passes, and says who decided.
    const second = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: 41 }), runId: '602', inputs });
    expect(second.code, second.stdout).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(second.outputs['report-file'], 'utf8')));
    for (const fp of blocked) {
      expect(report.findings.find((f) => f.fingerprint === fp)!.suppression).toMatchObject({ source: 'dashboard', decidedBy: 'Sam (appsec triager)', owner: 'web-team', expires: '2099-06-30' });
    }
    const comments = standIn.comments.get(41) ?? [];
    const comment = comments.at(-1)!.body;
    expect(comment).toContain(`### Triaged on the dashboard (${blocked.length})`);
    expect(comment).toContain('Decided by Sam \\(appsec triager\\), owner web-team, until 2099-06-30.');
    for (const secret of Object.values(PLANTED)) expect(comment.includes(secret)).toBe(false);
    // Audited under the triager.
    const audit = await dashboard.store.listAudit(50, 'triage');
    expect(audit.map((a) => a.detail.fingerprint).sort()).toEqual([...blocked].sort());
    expect(audit.every((a) => a.actor.endsWith('(Sam (appsec triager))'))).toBe(true);
  });
});
