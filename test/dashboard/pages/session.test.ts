// Login with a token, the session cookie's flags, logout, redirects for signed-out visitors, and
// CSRF: every form POST needs the right hidden token and our own Origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM, ORIGIN, cookieFrom, get, hiddenCsrf, login, openPageHarness, pageApp, postForm, type PageHarness } from './harness.js';

let h: PageHarness;
beforeAll(async () => {
  h = (await openPageHarness());
});
afterAll(() => h.close());

async function loginForm(app = h.app): Promise<{ nonceCookie: string; csrf: string }> {
  const res = await app.request('/login');
  return { nonceCookie: cookieFrom(res, 'gatehouse_login')!, csrf: hiddenCsrf(await res.text()) };
}

describe('signed-out visitors', () => {
  it('are sent to /login, keeping where they wanted to go', async () => {
    const res = await h.app.request('/services/payments?severity=high');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/services/payments?severity=high')}`);
    expect((await h.app.request('/')).headers.get('location')).toBe('/login');
    expect((await h.app.request('/admin')).status).toBe(303);
  });

  it('cannot POST to a page without a session', async () => {
    const res = await postForm(h.app, '/admin/tokens', '', { label: 'x', role: 'admin' });
    expect(res.status).toBe(401);
    expect((await h.store.listTokens()).some((t) => t.label === 'x')).toBe(false);
  });
});

describe('login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and returns to the page asked for', async () => {
    const { nonceCookie, csrf } = await loginForm();
    expect(nonceCookie).toBeDefined();
    const res = await h.app.request('/login', {
      method: 'POST',
      headers: { cookie: nonceCookie, 'content-type': FORM, origin: ORIGIN },
      body: new URLSearchParams({ _csrf: csrf, token: h.tokens.viewer, next: '/services/orders' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/services/orders');
    const line = res.headers.getSetCookie().find((l) => l.startsWith('gatehouse_session='))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).toMatch(/Path=\//);
    expect(line).not.toMatch(/Secure/);
    const cookie = line.split(';')[0];
    const page = await get(h.app, '/services/orders', cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('on-call &lt;viewer&gt;');
    expect((await h.store.listAudit(10)).some((e) => e.action === 'session.login')).toBe(true);
  });

  it('marks the cookie Secure when served over TLS', async () => {
    const app = pageApp(h.store, { tls: true });
    const { nonceCookie, csrf } = await loginForm(app);
    const res = await app.request('https://dash.example/login', {
      method: 'POST',
      headers: { cookie: nonceCookie, 'content-type': FORM, origin: 'https://dash.example', host: 'dash.example' },
      body: new URLSearchParams({ _csrf: csrf, token: h.tokens.admin }).toString(),
    });
    expect(res.status).toBe(303);
    const line = res.headers.getSetCookie().find((l) => l.startsWith('gatehouse_session='))!;
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/HttpOnly/);
  });

  it('refuses a wrong token and an ingest token with 401 and no session', async () => {
    for (const [token, message] of [
      ['gatehouse_not-a-token', 'Unknown, revoked or expired token.'],
      [h.tokens.ingest, 'This is an ingest token'],
    ] as const) {
      const { nonceCookie, csrf } = await loginForm();
      const res = await h.app.request('/login', {
        method: 'POST',
        headers: { cookie: nonceCookie, 'content-type': FORM, origin: ORIGIN },
        body: new URLSearchParams({ _csrf: csrf, token }).toString(),
      });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain(message);
      expect(cookieFrom(res, 'gatehouse_session')).toBeUndefined();
    }
  });

  it('refuses a login form without its CSRF nonce, or from another origin (login CSRF)', async () => {
    const { nonceCookie, csrf } = await loginForm();
    const noNonce = await h.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': FORM, origin: ORIGIN },
      body: new URLSearchParams({ _csrf: csrf, token: h.tokens.viewer }).toString(),
    });
    expect(noNonce.status).toBe(403);
    expect(cookieFrom(noNonce, 'gatehouse_session')).toBeUndefined();
    const foreign = await h.app.request('/login', {
      method: 'POST',
      headers: { cookie: nonceCookie, 'content-type': FORM, origin: 'https://evil.example' },
      body: new URLSearchParams({ _csrf: csrf, token: h.tokens.viewer }).toString(),
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain('Origin https://evil.example is not this dashboard');
    expect(cookieFrom(foreign, 'gatehouse_session')).toBeUndefined();
  });

  it('never redirects off-site after login', async () => {
    const { nonceCookie, csrf } = await loginForm();
    const res = await h.app.request('/login', {
      method: 'POST',
      headers: { cookie: nonceCookie, 'content-type': FORM, origin: ORIGIN },
      body: new URLSearchParams({ _csrf: csrf, token: h.tokens.viewer, next: '//evil.example/x' }).toString(),
    });
    expect(res.headers.get('location')).toBe('/');
  });
});

describe('logout and CSRF on forms', () => {
  it('refuses logout without the CSRF token and keeps the session', async () => {
    const { cookie } = await login(h.app, h.tokens.viewer);
    const res = await postForm(h.app, '/logout', cookie, { _csrf: 'wrong' });
    expect(res.status).toBe(403);
    expect((await get(h.app, '/', cookie)).status).toBe(200);
  });

  it('refuses logout with the right token from another origin', async () => {
    const { cookie, csrf } = await login(h.app, h.tokens.viewer);
    const res = await postForm(h.app, '/logout', cookie, { _csrf: csrf }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    const viaFetchSite = await postForm(h.app, '/logout', cookie, { _csrf: csrf }, { 'sec-fetch-site': 'cross-site' });
    expect(viaFetchSite.status).toBe(403);
    expect((await get(h.app, '/', cookie)).status).toBe(200);
  });

  it('ends the session on logout: the old cookie no longer opens pages', async () => {
    const { cookie, csrf } = await login(h.app, h.tokens.viewer);
    const res = await postForm(h.app, '/logout', cookie, { _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?bye');
    expect(res.headers.getSetCookie().some((l) => l.startsWith('gatehouse_session=;') && /Max-Age=0/.test(l))).toBe(true);
    const after = await h.app.request('/', { headers: { cookie } });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
  });
});

describe('Origin: null (browsers under Referrer-Policy: no-referrer)', () => {
  it('accepts a same-origin form by Sec-Fetch-Site and refuses a cross-site one', async () => {
    const { cookie, csrf } = await login(h.app, h.tokens.admin);
    const cross = await postForm(h.app, '/admin/tokens', cookie, { _csrf: csrf, label: 'from null cross', role: 'viewer' }, { origin: 'null', 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    const bare = await postForm(h.app, '/admin/tokens', cookie, { _csrf: csrf, label: 'from null bare', role: 'viewer' }, { origin: 'null' });
    expect(bare.status).toBe(403);
    const same = await postForm(h.app, '/admin/tokens', cookie, { _csrf: csrf, label: 'from null same', role: 'viewer' }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(201);
    expect((await h.store.listTokens()).map((t) => t.label)).toEqual(expect.arrayContaining(['from null same']));
    expect((await h.store.listTokens()).map((t) => t.label)).not.toEqual(expect.arrayContaining(['from null cross']));
  });
});

describe('form size', () => {
  it('refuses a form body over 16 KiB with 413', async () => {
    const res = await h.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': FORM, origin: ORIGIN },
      body: new URLSearchParams({ token: 'x'.repeat(20_000) }).toString(),
    });
    expect(res.status).toBe(413);
  });
});
