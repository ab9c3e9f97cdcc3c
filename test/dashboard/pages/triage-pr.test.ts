// Issue 15 point 3 on the pages: a triager (neither viewer nor admin) decides from the finding page
// and the PR view; the PR view lists a failing PR scan's blocking findings (which only the PR has
// seen) with the triage form, CSRF and Origin checked; a viewer reads but cannot decide; the admin
// page's audit log filters by action family, so triage entries are not pushed off by ingests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finding, snapshot } from './fixtures.js';
import { get, login, NOW, openPageHarness, postForm, type PageHarness } from './harness.js';

let h: PageHarness;
let triager: { cookie: string; csrf: string };
let viewer: { cookie: string; csrf: string };
let admin: { cookie: string; csrf: string };
const PR_PAGE = '/pulls/orders/orders-pr-77';

beforeAll(async () => {
  h = await openPageHarness();
  triager = await login(h.app, h.tokens.triager);
  viewer = await login(h.app, h.tokens.viewer);
  admin = await login(h.app, h.tokens.admin);
  // orders is clean on the default branch; PR 77 brings a critical and a high one, and the gate blocks on both.
  const fs = [finding('orders', 41, 'critical'), finding('orders', 42, 'high'), finding('orders', 43, 'low')];
  const base = snapshot('orders', new Date(NOW.getTime() - 3600_000), fs, 'orders-pr-77');
  await h.store.ingestScan(
    {
      ...base,
      kind: 'pr',
      source: { ...base.source, pullRequest: 77, ref: 'refs/pull/77/merge' },
      gate: { ...base.gate, reasons: [{ kind: 'severity', message: 'new findings', service: 'orders', severity: 'high', fingerprints: [fs[0].fingerprint, fs[1].fingerprint] }] },
    },
    'test',
  );
});
afterAll(() => h.close());

describe('the triager role on the pages', () => {
  it('a triager session sees the form on a finding and decides; audited under the triager', async () => {
    const page = '/services/payments/findings/fp-payments-003';
    expect((await get(h.app, page, triager.cookie)).html).toContain(`action="${page}/triage"`);
    const res = await postForm(h.app, `${page}/triage`, triager.cookie, { _csrf: triager.csrf, op: 'set', status: 'false_positive', reason: 'test fixture' });
    expect(res.status).toBe(303);
    expect((await h.store.getTriage('payments', 'fp-payments-003', NOW)).current).toMatchObject({ status: 'false_positive', decidedBy: 'appsec triager' });
    expect((await h.store.listAudit(1))[0]).toMatchObject({ action: 'triage.set', actor: expect.stringMatching(/\(appsec triager\)$/) });
    // Triage is not admin: the admin pages stay closed to a triager.
    expect((await get(h.app, '/admin', triager.cookie)).status).toBe(403);
  });
});

describe('the PR view', () => {
  it('links a failing PR to its blocking findings, which a triager decides on; the list counts what is left', async () => {
    const pulls = (await get(h.app, '/pulls', viewer.cookie)).html;
    expect(pulls).toContain(`href="${PR_PAGE}"`);
    expect(pulls).toContain('2 of 2 untriaged');
    const view = (await get(h.app, PR_PAGE, triager.cookie)).html;
    expect(view).toContain(`action="${PR_PAGE}/triage"`);
    expect(view).toContain('fp-orders-041');
    expect(view).toContain('fp-orders-042');
    expect(view).not.toContain('fp-orders-043'); // in the PR, but not blocking
    const res = await postForm(h.app, `${PR_PAGE}/triage`, triager.cookie, { _csrf: triager.csrf, op: 'set', fp: 'fp-orders-041', status: 'accepted_risk', reason: 'fix in the next sprint', owner: 'team-orders', until: '2026-12-31' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${PR_PAGE}?op=set&applied=1&missing=0`);
    const after = (await get(h.app, `${PR_PAGE}?op=set&applied=1&missing=0`, viewer.cookie)).html;
    expect(after).toContain('Decision applied to 1 finding.');
    expect(after).toContain('accepted risk');
    expect(after).not.toContain(`action="${PR_PAGE}/triage"`); // a viewer reads only
    expect((await get(h.app, '/pulls', viewer.cookie)).html).toContain('1 of 2 untriaged');
    // The gate's read returns it, though no snapshot has this finding.
    expect((await h.store.listTriage(['orders'], NOW)).map((d) => [d.fingerprint, d.status, d.owner])).toEqual([['fp-orders-041', 'accepted_risk', 'team-orders']]);
    expect(await h.store.getFinding('orders', 'fp-orders-041', NOW)).toBeUndefined();
  });

  it('refuses a viewer, a post without CSRF or from another origin, and fingerprints that are not this scan\'s', async () => {
    const fields = { op: 'set', fp: 'fp-orders-042', status: 'false_positive', reason: 'x' };
    expect((await postForm(h.app, `${PR_PAGE}/triage`, viewer.cookie, { ...fields, _csrf: viewer.csrf })).status).toBe(403);
    expect((await postForm(h.app, `${PR_PAGE}/triage`, triager.cookie, fields)).status).toBe(403);
    expect((await postForm(h.app, `${PR_PAGE}/triage`, triager.cookie, { ...fields, _csrf: 'wrong' })).status).toBe(403);
    expect((await postForm(h.app, `${PR_PAGE}/triage`, triager.cookie, { ...fields, _csrf: triager.csrf }, { origin: 'https://evil.test' })).status).toBe(403);
    const other = await postForm(h.app, `${PR_PAGE}/triage`, triager.cookie, { ...fields, fp: 'fp-payments-000', _csrf: triager.csrf });
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('Check at least one finding.');
    const bad = await postForm(h.app, `${PR_PAGE}/triage`, triager.cookie, { ...fields, status: 'not_affected', _csrf: triager.csrf });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('justification: not affected needs a VEX justification');
    expect((await h.store.listTriage(['orders'], NOW)).map((d) => d.fingerprint)).toEqual(['fp-orders-041']);
    expect((await get(h.app, '/pulls/orders/no-such-scan', viewer.cookie)).status).toBe(404);
  });
});

describe('the audit log filter', () => {
  it('shows only the chosen family of actions', async () => {
    await h.store.addAudit('token:tok_ci (ci)', 'scan.ingest', { scanId: 'late' }, NOW);
    const all = (await get(h.app, '/admin', admin.cookie)).html;
    expect(all).toContain('scan.ingest');
    const triage = (await get(h.app, '/admin?action=triage', admin.cookie)).html;
    expect(triage).toContain('triage.set');
    expect(triage).not.toContain('scan.ingest');
    expect(triage).toContain('<strong aria-current="page">triage</strong>');
    // Anything else shows everything, and never echoes the value.
    const odd = (await get(h.app, '/admin?action=%3Cscript%3E', admin.cookie)).html;
    expect(odd).toContain('scan.ingest');
    expect(odd).not.toContain('<script>');
  });
});
