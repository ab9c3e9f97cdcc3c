// A real store (a temporary SQLite file, or a fresh PostgreSQL database) with the fixture history ingested, the dashboard app on top
// (authentication sets the principal the pages read),
// and a helper that signs in through the real /login form (nonce cookie + hidden field).
import type { Hono } from 'hono';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { openStore } from '../../../dashboard/store/store.js';
import { storeLocation, type Backend } from '../store/backends.js';
import type { Role, Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { historyReports } from './fixtures.js';

// The history ends at NOW; pages render with the same clock so ages and SLA dates are stable.
export const NOW = new Date('2026-11-24T09:00:00Z');

export interface PageHarness {
  store: Store;
  app: Hono<any>;
  tokens: Record<Role, string>;
  close(): Promise<void>;
}

export async function openPageHarness(backend: Backend = 'sqlite'): Promise<PageHarness> {
  const { location, cleanup } = await storeLocation(backend);
  const store = await openStore(location);
  for (const r of historyReports(NOW)) (await store.ingestScan(r, 'test'));
  const tokens = {
    admin: (await store.createToken({ role: 'admin', label: 'sec lead' })).token,
    viewer: (await store.createToken({ role: 'viewer', label: 'on-call <viewer>' })).token,
    triager: (await store.createToken({ role: 'triager', label: 'appsec triager' })).token,
    ingest: (await store.createToken({ role: 'ingest', label: 'ci', services: ['payments'] })).token,
  };
  const app = pageApp(store);
  return {
    store,
    app,
    tokens,
    async close() {
      await store.close();
      await cleanup();
    },
  };
}

/** The dashboard app over `store` with the pages' pinned clock. */
export function pageApp(store: Store, opts: { tls?: boolean } = {}): Hono<any> {
  return createApp({ store, config: { ...DEFAULT_DASHBOARD_CONFIG, tls: opts.tls ?? false }, logger: createMemoryLogger(), now: () => NOW });
}

export const FORM = 'application/x-www-form-urlencoded';
export const ORIGIN = 'http://localhost';

/** name=value of the named cookie from a response's Set-Cookie headers. */
export function cookieFrom(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair;
  }
  return undefined;
}

export function hiddenCsrf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field in the page');
  return m[1];
}

/** Signs in through the login form; returns the session cookie and the session's CSRF token. */
export async function login(app: Hono<any>, token: string): Promise<{ cookie: string; csrf: string }> {
  const form = await app.request('/login');
  const nonceCookie = cookieFrom(form, 'gatehouse_login')!;
  const res = await app.request('/login', {
    method: 'POST',
    headers: { cookie: nonceCookie, 'content-type': FORM, origin: ORIGIN },
    body: new URLSearchParams({ _csrf: hiddenCsrf(await form.text()), token }).toString(),
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = cookieFrom(res, 'gatehouse_session')!;
  const page = await app.request('/', { headers: { cookie } });
  return { cookie, csrf: hiddenCsrf(await page.text()) };
}

export async function get(app: Hono<any>, path: string, cookie: string): Promise<{ status: number; html: string; res: Response }> {
  const res = await app.request(path, { headers: { cookie } });
  return { status: res.status, html: await res.text(), res };
}

export async function postForm(app: Hono<any>, path: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }): Promise<Response> {
  return app.request(path, { method: 'POST', headers: { cookie, 'content-type': FORM, ...headers }, body: new URLSearchParams(fields).toString() });
}
