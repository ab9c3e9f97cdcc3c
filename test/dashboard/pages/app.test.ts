// The pages as app.ts mounts them: the security headers (strict CSP) on every page, the page session
// cookie accepted by the JSON API (the export links), and the API untouched by the pages' redirects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { openStore } from '../../../dashboard/store/store.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { historyReports } from './fixtures.js';
import { get, login, NOW } from './harness.js';

let dir: string;
let store: Store;
let app: Hono<any>;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-pages-app-'));
  store = (await openStore(join(dir, 'dashboard.db')));
  for (const r of historyReports(NOW)) (await store.ingestScan(r, 'test'));
  const { token } = (await store.createToken({ role: 'viewer', label: 'viewer' }));
  app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger() });
  session = await login(app, token);
});
afterAll(async () => {
  (await store.close());
  rmSync(dir, { recursive: true, force: true });
});

describe('pages inside the dashboard app', () => {
  it('send a CSP without inline script or style, and no framing, on every page', async () => {
    for (const path of ['/login', '/', '/services/payments', '/services/payments/findings/fp-payments-099']) {
      const res = await app.request(path, { headers: path === '/login' ? {} : { cookie: session.cookie } });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('link to CSV/JSON exports and a badge that the same session cookie can fetch', async () => {
    const { html } = await get(app, '/services/payments?severity=high', session.cookie);
    const csv = /href="(\/api\/v1\/export\/findings\.csv[^"]*)"/.exec(html)![1].replaceAll('&amp;', '&');
    expect(csv).toBe('/api/v1/export/findings.csv?service=payments&severity=high');
    const res = await app.request(csv, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('x-total-count')).toBe('2');
    const badge = await app.request('/api/v1/badge/payments.svg', { headers: { cookie: session.cookie } });
    expect(badge.status).toBe(200);
  });

  it('leave the API alone: no credential there is a JSON 401, not a redirect to /login', async () => {
    const res = await app.request('/api/v1/services');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
    const unknownApi = await app.request('/api/v1/nope', { headers: { cookie: session.cookie } });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toContain('application/json');
  });

  it('answer an unknown page path with an HTML 404 page', async () => {
    const res = await app.request('/no/such/page', { headers: { cookie: session.cookie } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('No page at /no/such/page.');
  });
});
