// The triage write API over HTTP (issue 15 point 3): POST /api/v1/triage (one finding or many) and
// DELETE /api/v1/triage, for triager and admin credentials only; a zod body giving 400 naming the
// field; a session cookie only with the session's CSRF header (a cross-site form cannot send one);
// audited; a finding only a failing PR scan has seen can be decided, and the gate's read returns it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../dashboard/store/store.js';
import { BACKENDS } from '../store/backends.js';
import { day, failingPr, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboardOn, type StoreDashboard } from './harness.js';

let t: StoreDashboard;
let triager: string;
let viewer: string;
let ingest: string;
let session: { id: string; csrf: string };
const fp = (id: string) => `fp-${id}`.padEnd(8, '0');

type Answer = { applied: number; missing: string[]; decisions: { fingerprint: string; status: string; decidedBy: string; owner: string | null; expiresAt: string | null }[] };
type ErrorAnswer = { error: string; field?: string };

// On each store backend: a temporary SQLite file and a fresh PostgreSQL database.
describe.each(BACKENDS)('%s store', (backend) => {
  beforeAll(async () => {
    t = await startTestDashboardOn(backend);
    const mk = async (body: Record<string, unknown>) => (await (await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body })).json()) as { id: string; token: string };
    const tri = await mk({ role: 'triager', label: 'appsec triager' });
    triager = tri.token;
    viewer = (await mk({ role: 'viewer', label: 'v' })).token;
    ingest = (await mk({ role: 'ingest', label: 'ci', services: ['payments'] })).token;
    const side = await openStore(t.location);
    session = await side.createSession(tri.id);
    await side.close();
    expect((await t.call('POST', '/api/v1/scans', { token: ingest, body: makeReport({ scanId: 's1', createdAt: day('2026-03-01'), findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb', severity: 'high' }] }) })).status).toBe(201);
    // A failing PR scan blocked by a finding the default branch does not have.
    expect((await t.call('POST', '/api/v1/scans', { token: ingest, body: failingPr('pr-9', day('2026-03-02'), [{ fp: 'prnew', severity: 'critical' }], ['prnew'], 9) })).status).toBe(201);
  });
  afterAll(() => t.stop());

  const post = (body: unknown, token = triager) => t.call('POST', '/api/v1/triage', { token, body });


  describe('POST /api/v1/triage', () => {
    it('names the field that is wrong', async () => {
      const field = async (body: unknown) => {
        const res = await post(body);
        expect(res.status).toBe(400);
        return ((await res.json()) as ErrorAnswer).field;
      };
      const base = { service: 'payments', fingerprint: fp('aaaaa') };
      expect(await field({ ...base, status: 'accepted_risk', reason: 'later', until: '2099-01-01' })).toBe('owner');
      expect(await field({ ...base, status: 'accepted_risk', reason: 'later', owner: 'team-pay' })).toBe('until');
      expect(await field({ ...base, status: 'accepted_risk', owner: 'team-pay', until: '2099-01-01' })).toBe('reason');
      expect(await field({ ...base, status: 'accepted_risk', reason: 'later', owner: 'team-pay', until: '2020-01-01' })).toBe('until');
      expect(await field({ ...base, status: 'accepted_risk', reason: 'later', owner: 'team-pay', until: '2099-02-30' })).toBe('until');
      expect(await field({ ...base, status: 'not_affected', reason: 'x' })).toBe('justification');
      expect(await field({ ...base, status: 'not_affected', reason: 'x', justification: 'we_think_so' })).toBe('justification');
      expect(await field({ ...base, status: 'wontfix', reason: 'x' })).toBe('status');
      expect(await field({ service: 'payments', fingerprint: fp('aaaaa'), fingerprints: [fp('bbbbb')], status: 'false_positive', reason: 'x' })).toBe('fingerprints');
      expect(await field({ service: 'payments', status: 'false_positive', reason: 'x' })).toBe('fingerprints');
      // A key the body may not carry is named too (who decides is the caller, never the body).
      expect(await field({ ...base, status: 'false_positive', reason: 'x', decidedBy: 'someone else' })).toBe('decidedBy');
      expect(((await (await post({ ...base, status: 'false_positive', reason: 'x', decidedBy: 'someone else' })).json()) as ErrorAnswer).error).toMatch(/decidedBy/);
      // And a query parameter GET /triage does not know (refused there, unlike the other reads).
      for (const path of ['/api/v1/triage?servce=payments', '/api/v1/triage/openvex?services=payments']) {
        const unknown = await t.call('GET', path, { token: triager });
        expect(unknown.status, path).toBe(400);
        expect(((await unknown.json()) as ErrorAnswer).field, path).toBe(path.includes('servce') ? 'servce' : 'services');
      }
      const notJson = await t.call('POST', '/api/v1/triage', { token: triager, rawBody: '{' });
      expect(notJson.status).toBe(400);
      expect(await t.dash.store.listTriage(undefined)).toEqual([]);
    });

    it('sets one decision for a triager, many at once, says what was missing; audited with the triager as actor', async () => {
      const res = await post({ service: 'payments', fingerprint: fp('aaaaa'), status: 'accepted_risk', reason: 'WAF blocks it', owner: 'team-pay', until: '2099-12-31' });
      expect(res.status).toBe(200);
      const one = (await res.json()) as Answer;
      expect(one).toMatchObject({ applied: 1, missing: [], decisions: [{ fingerprint: fp('aaaaa'), status: 'accepted_risk', decidedBy: 'appsec triager', owner: 'team-pay', expiresAt: '2099-12-31T23:59:59.999Z' }] });
      const bulk = (await (await post({ service: 'payments', fingerprints: [fp('bbbbb'), fp('zzzzz')], status: 'false_positive', reason: 'test data' })).json()) as Answer;
      expect(bulk).toMatchObject({ applied: 1, missing: [fp('zzzzz')] });
      const nothing = await post({ service: 'payments', fingerprints: [fp('zzzzz')], status: 'false_positive', reason: 'x' });
      expect(nothing.status).toBe(404);
      expect(((await nothing.json()) as ErrorAnswer).field).toBe('fingerprints');
      const noService = await post({ service: 'nope', fingerprint: fp('aaaaa'), status: 'false_positive', reason: 'x' });
      expect(noService.status).toBe(404);
      expect(((await noService.json()) as ErrorAnswer).field).toBe('service');
      const audit = (await (await t.call('GET', '/api/v1/admin/audit?action=triage', { token: ADMIN_TOKEN })).json()) as { entries: { action: string; actor: string; detail: Record<string, unknown> }[] };
      expect(audit.entries.map((e) => [e.action, e.detail.fingerprint])).toEqual([['triage.set', fp('bbbbb')], ['triage.set', fp('aaaaa')]]);
      expect(audit.entries[0].actor).toMatch(/^token:tok_\w+ \(appsec triager\)$/);
      // The gate's read sees both.
      const read = (await (await t.call('GET', '/api/v1/triage?service=payments', { token: ingest })).json()) as Answer;
      expect(read.decisions.map((d) => d.fingerprint)).toEqual([fp('aaaaa'), fp('bbbbb')]);
      // So does the CSV export: the decision in its own columns (the scan's `suppressed` stays false).
      const csv = (await (await t.call('GET', '/api/v1/export/findings.csv?service=payments', { token: ADMIN_TOKEN })).text()).split('\r\n');
      expect(csv[0].endsWith(',triage,triageUntil,triageBy')).toBe(true);
      const rowOf = (fingerprint: string) => csv.find((l) => l.startsWith(`payments,${fingerprint},`))!;
      expect(rowOf(fp('aaaaa')).endsWith(',accepted_risk,2099-12-31T23:59:59.999Z,appsec triager')).toBe(true);
      expect(rowOf(fp('bbbbb')).endsWith(',false_positive,,appsec triager')).toBe(true);
    });

    it('refuses viewers, ingest credentials and anonymous callers', async () => {
      const body = { service: 'payments', fingerprint: fp('aaaaa'), status: 'false_positive', reason: 'x' };
      expect((await post(body, viewer)).status).toBe(403);
      expect((await post(body, ingest)).status).toBe(403);
      expect((await t.call('POST', '/api/v1/triage', { body })).status).toBe(401);
      expect((await t.call('DELETE', '/api/v1/triage', { token: viewer, body: { service: 'payments', fingerprint: fp('aaaaa') } })).status).toBe(403);
    });

    it('takes a session cookie only with its CSRF header: never a cross-site form post', async () => {
      const body = { service: 'payments', fingerprint: fp('prnew'), status: 'false_positive', reason: 'scanner misread the lockfile' };
      const cookie = `gatehouse_session=${session.id}`;
      expect((await t.call('POST', '/api/v1/triage', { body, headers: { cookie } })).status).toBe(403);
      expect((await t.call('POST', '/api/v1/triage', { body, headers: { cookie, 'x-csrf-token': 'wrong' } })).status).toBe(403);
      // What a foreign page's <form> could send: form-encoded, the cookie, no header.
      const form = await fetch(`${t.base}/api/v1/triage`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.test' },
        body: new URLSearchParams({ _csrf: session.csrf, service: 'payments', fingerprint: fp('prnew'), status: 'false_positive', reason: 'x' }).toString(),
      });
      expect(form.status).toBe(403);
      expect((await t.call('GET', '/api/v1/triage?service=payments', { token: ingest }).then((r) => r.json()) as Answer).decisions.map((d) => d.fingerprint)).not.toContain(fp('prnew'));
      // With the session's header it is the pages' own script-free equivalent: allowed.
      const ok = await t.call('POST', '/api/v1/triage', { body, headers: { cookie, 'x-csrf-token': session.csrf } });
      expect(ok.status).toBe(200);
    });

    it('decides on a finding only a failing PR scan has seen; the gate reads it; DELETE resets it', async () => {
      const res = await post({ service: 'payments', fingerprints: [fp('prnew')], status: 'not_affected', reason: 'never called', justification: 'vulnerable_code_not_in_execute_path' });
      expect(res.status).toBe(200);
      const read = (await (await t.call('GET', '/api/v1/triage?service=payments', { token: ingest })).json()) as Answer;
      expect(read.decisions.find((d) => d.fingerprint === fp('prnew'))).toMatchObject({ status: 'not_affected', decidedBy: 'appsec triager' });
      const del = await t.call('DELETE', '/api/v1/triage', { token: triager, body: { service: 'payments', fingerprint: fp('prnew') } });
      expect(del.status).toBe(200);
      expect((await del.json()) as Answer).toMatchObject({ applied: 1, missing: [], decisions: [] });
      const again = await t.call('DELETE', '/api/v1/triage', { token: triager, body: { service: 'payments', fingerprint: fp('prnew') } });
      expect(again.status).toBe(404);
      // Said as what it is: nothing decided to clear (not "no finding").
      expect(((await again.json()) as { error: string }).error).toBe(`no triage decision in force to clear in service "payments" (an unknown finding, or one nobody decided): ${fp('prnew')}`);
      const history = (await t.dash.store.getTriage('payments', fp('prnew'))).history.map((e) => e.action);
      expect(history).toEqual(['set', 'set', 'cleared']);
    });

    it('is in the OpenAPI document with its body schemas', async () => {
      const doc = (await (await t.call('GET', '/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };
      expect(Object.keys(doc.paths['/triage']).sort()).toEqual(['delete', 'get', 'post']);
      const set = doc.components.schemas.TriageSet;
      expect(Object.keys(set.properties!).sort()).toEqual(['fingerprint', 'fingerprints', 'justification', 'owner', 'reason', 'service', 'status', 'until']);
      expect(set.required!.sort()).toEqual(['reason', 'service', 'status']);
      expect(JSON.stringify(doc.components.schemas.NewToken)).toContain('triager');
    });
  });

  // Last: it adds a service, decisions and audit entries the tests above do not expect.
  describe('GET /api/v1/triage?repository=', () => {
    it("gives only the decisions on that repository's services: a same-named finding of another repository never lends its decision", async () => {
      // A service of another repository, and one whose scans never named a repository (an old client).
      const other = makeReport({ scanId: 'l1', createdAt: day('2026-03-01'), services: ['ledger'], findings: [{ fp: 'aaaaa', severity: 'critical' }] });
      const ledger = { ...other, source: { ...other.source, repository: 'Acme/Ledger' } };
      expect((await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: ledger })).status).toBe(201);
      const bare = makeReport({ scanId: 'n1', createdAt: day('2026-03-01'), services: ['nameless'], findings: [{ fp: 'ccccc', severity: 'high' }] });
      const { repository: _dropped, ...source } = bare.source;
      expect((await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: { ...bare, source } })).status).toBe(201);
      expect((await post({ service: 'ledger', fingerprint: fp('aaaaa'), status: 'false_positive', reason: 'a test key in the ledger' })).status).toBe(200);
      expect((await post({ service: 'nameless', fingerprint: fp('ccccc'), status: 'false_positive', reason: 'no repository named' })).status).toBe(200);
      expect((await post({ service: 'payments', fingerprint: fp('bbbbb'), status: 'false_positive', reason: 'not reachable' })).status).toBe(200);
      const read = async (query: string) => {
        const r = await t.call('GET', `/api/v1/triage${query}`, { token: viewer });
        expect(r.status, query).toBe(200);
        return ((await r.json()) as { decisions: { service: string; fingerprint: string }[] }).decisions.map((d) => `${d.service} ${d.fingerprint}`).sort();
      };
      const all = await read('');
      expect(all).toEqual(expect.arrayContaining([`ledger ${fp('aaaaa')}`, `payments ${fp('bbbbb')}`, `nameless ${fp('ccccc')}`]));
      const shop = await read('?repository=acme/shop');
      expect(shop).toContain(`payments ${fp('bbbbb')}`);
      expect(shop.some((d) => d.startsWith('ledger ') || d.startsWith('nameless '))).toBe(false);
      // Repository names ignore case, as the ingest's rule does (the action sends GitHub's spelling, a clone URL may differ).
      expect(await read('?repository=acme/ledger')).toEqual([`ledger ${fp('aaaaa')}`]);
      expect(await read('?repository=ACME/LEDGER')).toEqual([`ledger ${fp('aaaaa')}`]);
      expect(await read('?repository=acme/elsewhere')).toEqual([]);
      // With the services asked for too, and on the OpenVEX export.
      expect(await read('?repository=acme/ledger&service=payments&service=ledger')).toEqual([`ledger ${fp('aaaaa')}`]);
      const vex = (await (await t.call('GET', '/api/v1/triage/openvex?repository=acme/ledger', { token: viewer })).json()) as { statements: unknown[] };
      expect(vex.statements).toHaveLength(1);
    });
  });
});
