// The admin page: only admins; creating a token shows it once and it works; revoking ends it and
// its sessions; both actions land in the audit log; CSRF is checked on both forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, login, openPageHarness, postForm, type PageHarness } from './harness.js';

let h: PageHarness;
let admin: { cookie: string; csrf: string };
let viewer: { cookie: string; csrf: string };

beforeAll(async () => {
  h = (await openPageHarness());
  admin = await login(h.app, h.tokens.admin);
  viewer = await login(h.app, h.tokens.viewer);
});
afterAll(() => h.close());

describe('admin page', () => {
  it('is refused to a viewer (page and forms)', async () => {
    const page = await get(h.app, '/admin', viewer.cookie);
    expect(page.status).toBe(403);
    expect(page.html).toContain('This page needs an admin token.');
    const before = (await h.store.listTokens()).length;
    const create = await postForm(h.app, '/admin/tokens', viewer.cookie, { _csrf: viewer.csrf, label: 'sneaky', role: 'admin' });
    expect(create.status).toBe(403);
    expect((await h.store.listTokens())).toHaveLength(before);
    // and the navigation does not offer it
    expect((await get(h.app, '/', viewer.cookie)).html).not.toContain('href="/admin"');
  });

  it('lists tokens without their values', async () => {
    const { status, html } = await get(h.app, '/admin', admin.cookie);
    expect(status).toBe(200);
    expect(html).toContain('on-call &lt;viewer&gt;');
    for (const value of Object.values(h.tokens)) expect(html).not.toContain(value);
    expect(page(html).tokens).toBeGreaterThanOrEqual(3);
  });

  it('creates a token, shows it once, and the token works', async () => {
    const res = await postForm(h.app, '/admin/tokens', admin.cookie, {
      _csrf: admin.csrf,
      label: 'ci orders',
      role: 'ingest',
      services: 'orders, payments',
      expiresInDays: '30',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const value = /aria-label="new token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*aria-label="new token"/.exec(html);
    const token = value?.[1] ?? value?.[2];
    expect(token).toMatch(/^gatehouse_/);
    const info = (await h.store.verifyToken(token!));
    expect(info).toMatchObject({ role: 'ingest', label: 'ci orders', services: ['orders', 'payments'] });
    expect(info!.expiresAt).not.toBeNull();
    // shown once: the next admin page does not contain it
    expect((await get(h.app, '/admin', admin.cookie)).html).not.toContain(token!);
    const audit = (await h.store.listAudit(5)).find((e) => e.action === 'token.create');
    expect(audit?.actor).toMatch(/^session:tok_\w+ \(sec lead\)$/);
    expect(audit?.detail).toMatchObject({ label: 'ci orders', role: 'ingest' });
  });

  it('says which field is wrong when the form is invalid', async () => {
    const res = await postForm(h.app, '/admin/tokens', admin.cookie, { _csrf: admin.csrf, label: '', role: 'root' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Token not created');
    expect(html).toContain('label');
    expect(html).toContain('role');
  });

  it('refuses to create a token without the CSRF token', async () => {
    const before = (await h.store.listTokens()).length;
    const res = await postForm(h.app, '/admin/tokens', admin.cookie, { label: 'no csrf', role: 'viewer' });
    expect(res.status).toBe(403);
    expect((await h.store.listTokens())).toHaveLength(before);
  });

  it('revokes a token: it stops working, its sessions end, and the audit log shows it', async () => {
    const victim = (await h.store.listTokens()).find((t) => t.label === 'on-call <viewer>')!;
    const refused = await postForm(h.app, `/admin/tokens/${victim.id}/revoke`, admin.cookie, { _csrf: 'nope' });
    expect(refused.status).toBe(403);
    expect((await h.store.verifyToken(h.tokens.viewer))).toBeDefined();

    const res = await postForm(h.app, `/admin/tokens/${victim.id}/revoke`, admin.cookie, { _csrf: admin.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin?revoked=${victim.id}`);
    expect((await h.store.verifyToken(h.tokens.viewer))).toBeUndefined();
    expect((await h.app.request('/', { headers: { cookie: viewer.cookie } })).status).toBe(303);

    const { html } = await get(h.app, `/admin?revoked=${victim.id}`, admin.cookie);
    expect(html).toContain(`Token ${victim.id} revoked`);
    expect(html).toMatch(new RegExp(`data-token="${victim.id}"[^]*?token-revoked`));
    const audit = html.slice(html.indexOf('id="audit-h"'));
    expect(audit).toContain('token.revoke');
    expect(audit).toContain('token.create');
    expect(audit).toContain('session.login');
  });

  it('refuses to revoke the token you are signed in with, on the page and in the API', async () => {
    const self = (await h.store.listTokens()).find((t) => t.label === 'sec lead')!;
    const res = await postForm(h.app, `/admin/tokens/${self.id}/revoke`, admin.cookie, { _csrf: admin.csrf });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(`Token ${self.id} is the one you are signed in with; it was not revoked.`);
    expect((await h.store.listTokens()).find((t) => t.id === self.id)!.revokedAt).toBeNull();
    expect((await get(h.app, '/admin', admin.cookie)).status).toBe(200);
    const api = await h.app.request(`/api/v1/admin/tokens/${self.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.tokens.admin}` } });
    expect(api.status).toBe(409);
    expect(await api.text()).toContain('authenticated with');
    expect((await h.store.verifyToken(h.tokens.admin))).toBeDefined();
  });

  it('answers revoking an unknown token with 404', async () => {
    const res = await postForm(h.app, '/admin/tokens/tok_nope/revoke', admin.cookie, { _csrf: admin.csrf });
    expect(res.status).toBe(404);
  });
});

function page(html: string): { tokens: number } {
  return { tokens: (html.match(/<tr data-token=/g) ?? []).length };
}
