// Triage through the real app (in-process requests): the finding page's form (admin only, CSRF and
// Origin checked, validation named), the bulk form, the audit log, the read API the action uses
// (scoped ingest tokens), the OpenVEX export, and the pull-request view apart from the overview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, finding } from './fixtures.js';
import { BACKENDS } from '../store/backends.js';
import { get, login, NOW, openPageHarness, postForm, type PageHarness } from './harness.js';

let h: PageHarness;
let admin: { cookie: string; csrf: string };
let viewer: { cookie: string; csrf: string };
const FP = 'fp-payments-000'; // critical, open
const page = `/services/payments/findings/${FP}`;

// On each store backend: a temporary SQLite file and a fresh PostgreSQL database.
describe.each(BACKENDS)('%s store', (backend) => {
  beforeAll(async () => {
    h = await openPageHarness(backend);
    admin = await login(h.app, h.tokens.admin);
    viewer = await login(h.app, h.tokens.viewer);
  });
  afterAll(() => h.close());

  const api = (path: string, token: string) => h.app.request(path, { headers: { authorization: `Bearer ${token}` } });

  describe('triage on a finding', () => {
    it('shows the form to admins only, and refuses a viewer\'s post', async () => {
      expect((await get(h.app, page, admin.cookie)).html).toContain('action="/services/payments/findings/fp-payments-000/triage"');
      const v = await get(h.app, page, viewer.cookie);
      expect(v.html).not.toContain('/triage"');
      expect(v.html).toContain('Triage needs a triager or admin sign-in.');
      const res = await postForm(h.app, `${page}/triage`, viewer.cookie, { _csrf: viewer.csrf, op: 'set', status: 'false_positive', reason: 'x' });
      expect(res.status).toBe(403);
      expect(await h.store.listTriage(['payments'], NOW)).toEqual([]);
    });

    it('refuses a post without the CSRF token or from another origin', async () => {
      const fields = { op: 'set', status: 'false_positive', reason: 'x' };
      expect((await postForm(h.app, `${page}/triage`, admin.cookie, fields)).status).toBe(403);
      expect((await postForm(h.app, `${page}/triage`, admin.cookie, { ...fields, _csrf: 'wrong' })).status).toBe(403);
      expect((await postForm(h.app, `${page}/triage`, admin.cookie, { ...fields, _csrf: admin.csrf }, { origin: 'https://evil.test' })).status).toBe(403);
      expect(await h.store.listTriage(['payments'], NOW)).toEqual([]);
    });

    it('names what is missing: an accepted risk without owner and date, a date in the past', async () => {
      const r1 = await postForm(h.app, `${page}/triage`, admin.cookie, { _csrf: admin.csrf, op: 'set', status: 'accepted_risk', reason: 'later' });
      expect(r1.status).toBe(400);
      const t1 = await r1.text();
      expect(t1).toContain('owner: an accepted risk needs an owner');
      expect(t1).toContain('until: an accepted risk needs a date');
      const r2 = await postForm(h.app, `${page}/triage`, admin.cookie, { _csrf: admin.csrf, op: 'set', status: 'accepted_risk', reason: 'later', owner: 'team-pay', until: '2026-11-01' });
      expect(r2.status).toBe(400);
      expect(await r2.text()).toContain('is in the past');
    });

    it('sets an accepted risk: out of the open counts, shown with who and until when, audited; cleared again', async () => {
      const before = (await h.store.listServiceOverview(NOW)).find((s) => s.name === 'payments')!;
      const res = await postForm(h.app, `${page}/triage`, admin.cookie, { _csrf: admin.csrf, op: 'set', status: 'accepted_risk', reason: 'WAF rule blocks it', owner: 'team-pay', until: '2026-12-31', justification: '' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`${page}?triaged=set#triage`);
      const after = (await h.store.listServiceOverview(NOW)).find((s) => s.name === 'payments')!;
      expect(after.open.critical).toBe(before.open.critical - 1);
      const html = (await get(h.app, `${page}?triaged=set`, viewer.cookie)).html;
      expect(html).toContain('Decision saved.');
      expect(html).toContain('accepted risk');
      expect(html).toContain('by <strong>sec lead</strong>');
      expect(html).toContain('2026-12-31 (then it counts again)');
      expect(html).toContain('Triage history');
      const audit = await h.store.listAudit(5);
      expect(audit[0]).toMatchObject({ action: 'triage.set', detail: { fingerprint: FP, owner: 'team-pay' } });
      expect(audit[0].actor).toContain('(sec lead)');

      const clear = await postForm(h.app, `${page}/triage`, admin.cookie, { _csrf: admin.csrf, op: 'clear' });
      expect(clear.status).toBe(303);
      const again = (await get(h.app, page, admin.cookie)).html;
      expect(again).toContain('Not triaged');
      expect(again).toMatch(/cleared<\/span> <span class="event-detail">by sec lead/);
      expect((await h.store.listAudit(1))[0].action).toBe('triage.clear');
    });
  });

  describe('the triage panel of a finding that does not count', () => {
    // Seen on contoso-real-estate's fixed url-credentials finding: "it counts in the gate and the SLA".
    it('says a fixed or suppressed finding counts nowhere now, not that it counts', async () => {
      const fixed = (await get(h.app, '/services/payments/findings/fp-payments-005', admin.cookie)).html;
      expect(fixed).toContain('Not triaged. It is fixed and counts nowhere now; a decision here applies if it comes back.');
      expect(fixed).not.toContain('it counts in the gate and the SLA');
      const suppressed = (await get(h.app, '/services/payments/findings/fp-payments-098', admin.cookie)).html;
      expect(suppressed).toContain('Not triaged. It is suppressed, so it counts in neither the gate nor the SLA.');
      expect((await get(h.app, page, admin.cookie)).html).toContain('Not triaged: it counts in the gate and the SLA.');
    });
  });

  describe('bulk triage', () => {
    it('applies one decision to the checked findings of a service', async () => {
      const list = await get(h.app, '/services/payments/triage', admin.cookie);
      expect(list.status).toBe(200);
      expect(list.html).toContain('name="fp" value="fp-payments-001"');
      expect((await get(h.app, '/services/payments/triage', viewer.cookie)).status).toBe(403);
      const body = new URLSearchParams({ _csrf: admin.csrf, op: 'set', status: 'not_affected', reason: 'not reachable from the API', justification: 'vulnerable_code_not_in_execute_path' });
      body.append('fp', 'fp-payments-001');
      body.append('fp', 'fp-payments-002');
      body.append('fp', 'fp-nope-000');
      const noCsrf = new URLSearchParams(body);
      noCsrf.delete('_csrf');
      const refused = await h.app.request('/services/payments/triage', { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' }, body: noCsrf.toString() });
      expect(refused.status).toBe(403);
      const res = await h.app.request('/services/payments/triage', { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' }, body: body.toString() });
      expect(res.status).toBe(303);
      const done = await get(h.app, res.headers.get('location')!, admin.cookie);
      expect(done.html).toContain('Decision applied to 2 findings; 1 had none or are no longer in this service.');
      expect((await h.store.listTriage(['payments'], NOW)).map((d) => [d.fingerprint, d.status, d.justification])).toEqual([
        ['fp-payments-001', 'not_affected', 'vulnerable_code_not_in_execute_path'],
        ['fp-payments-002', 'not_affected', 'vulnerable_code_not_in_execute_path'],
      ]);
    });
  });

  describe('triage API', () => {
    it('answers the decisions in force to viewers and to an ingest token for its own services', async () => {
      const all = await api('/api/v1/triage', h.tokens.viewer);
      expect(all.status).toBe(200);
      expect(((await all.json()) as { decisions: { fingerprint: string }[] }).decisions.map((d: { fingerprint: string }) => d.fingerprint)).toEqual(['fp-payments-001', 'fp-payments-002']);
      const ingest = await api('/api/v1/triage?service=payments', h.tokens.ingest);
      expect(ingest.status).toBe(200);
      expect((await api('/api/v1/triage?service=orders', h.tokens.ingest)).status).toBe(403);
      expect((await api('/api/v1/triage?servce=orders', h.tokens.viewer)).status).toBe(400);
      expect((await h.app.request('/api/v1/triage')).status).toBe(401);
    });

    it('exports OpenVEX with purls and justifications', async () => {
      const res = await api('/api/v1/triage/openvex', h.tokens.viewer);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { "@context": string; statements: unknown[] };
      expect(doc['@context']).toBe('https://openvex.dev/ns/v0.2.0');
      expect(doc.statements[0]).toMatchObject({
        vulnerability: { name: 'CVE-2024-1001' },
        products: [{ '@id': 'pkg:generic/payments', subcomponents: [{ '@id': 'pkg:npm/pkg1@1.0.0' }] }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
      });
      expect((await api('/api/v1/triage/openvex', h.tokens.ingest)).status).toBe(403);
    });
  });

  describe('pull requests apart from the default branch', () => {
    it('a failing PR scan leaves the overview gate alone and shows in the PR view', async () => {
      const overviewGate = async () => (await h.store.listServiceOverview(NOW)).find((s) => s.name === 'orders')!.lastGate;
      expect(await overviewGate()).toBe('passed');
      const pr = snapshot('orders', new Date(NOW.getTime() - 3600_000), [finding('orders', 5, 'critical')], 'orders-pr-42');
      await h.store.ingestScan({ ...pr, kind: 'pr', source: { ...pr.source, pullRequest: 42, ref: 'refs/pull/42/merge' } }, 'test');
      expect(await overviewGate()).toBe('passed');
      const html = (await get(h.app, '/pulls', viewer.cookie)).html;
      expect(html).toContain('acme/shop#42');
      expect(html).toContain('href="/services/orders"');
      expect(html).toContain('gate-failed');
      expect((await get(h.app, '/pulls?days=3', viewer.cookie)).status).toBe(400);
      expect((await get(h.app, '/', viewer.cookie)).html).toContain('href="/pulls"');
    });
  });
});
