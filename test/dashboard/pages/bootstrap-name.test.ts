// The user name shown for the bootstrap admin token: "bootstrap admin" in the top bar and as the one
// who decided a triage (finding page, triage history, the API and so the PR comment), never its
// label's "(GATEHOUSE_ADMIN_TOKEN)"; the audit log keeps the whole label with the token id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, login, NOW, openPageHarness, postForm, type PageHarness } from './harness.js';

let h: PageHarness;
let token: string;
let session: { cookie: string; csrf: string };
const BOOTSTRAP_LABEL = 'bootstrap admin (GATEHOUSE_ADMIN_TOKEN)';

beforeAll(async () => {
  h = await openPageHarness();
  token = (await h.store.createToken({ role: 'admin', label: BOOTSTRAP_LABEL })).token;
  session = await login(h.app, token);
});
afterAll(() => h.close());

describe('the bootstrap admin by name', () => {
  it('in the top bar and as the one who decided a triage on the page', async () => {
    const page = '/services/payments/findings/fp-payments-000';
    const top = (await get(h.app, page, session.cookie)).html;
    expect(top).toContain('<span class="who">bootstrap admin</span>');
    const res = await postForm(h.app, `${page}/triage`, session.cookie, { _csrf: session.csrf, op: 'set', status: 'false_positive', reason: 'test data' });
    expect(res.status).toBe(303);
    const [decision] = await h.store.listTriage(['payments'], NOW);
    expect(decision.decidedBy).toBe('bootstrap admin');
    const html = (await get(h.app, page, session.cookie)).html;
    expect(html).toContain('by <strong>bootstrap admin</strong>');
    expect(html).not.toContain('(GATEHOUSE_ADMIN_TOKEN)</strong>');
    // The audit log still names the token exactly.
    const [entry] = await h.store.listAudit(1);
    expect(entry).toMatchObject({ action: 'triage.set' });
    expect(entry.actor).toContain(`(${BOOTSTRAP_LABEL})`);
  });

  it('as the one who decided through the API', async () => {
    const res = await h.app.request('/api/v1/triage', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'payments', fingerprint: 'fp-payments-001', status: 'false_positive', reason: 'test data' }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const decision = (await h.store.listTriage(['payments'], NOW)).find((d) => d.fingerprint === 'fp-payments-001')!;
    expect(decision.decidedBy).toBe('bootstrap admin');
  });
});
