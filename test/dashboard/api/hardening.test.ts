// The dashboard items of issue 8 (an adversarial review), each shown against a real server on
// 127.0.0.1 on each store backend (a temporary SQLite file and a fresh PostgreSQL database, both
// via store/backends.ts), or the real page routes over a store of each backend for page-only items.
// The pure rules (CSV cells, login next, snapshot refs, invisible text) are checked once, and the
// upgrade of an old SQLite file (SQLite's own migration history) on SQLite only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import picomatch from 'picomatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../../dashboard/api/csv.js';
import { refMaySnapshot } from '../../../dashboard/auth/oidc.js';
import { neutraliseInvisibleText } from '../../../dashboard/components/invisible-text.js';
import { safeNext } from '../../../dashboard/pages/login-routes.js';
import { MIGRATIONS } from '../../../dashboard/store/sqlite/migrations.js';
import { openSqliteStore } from '../../../dashboard/store/sqlite/open.js';
import { allStoredText, BACKENDS } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { cookieFrom, FORM, get, hiddenCsrf, login, openPageHarness, ORIGIN, postForm, type PageHarness } from '../pages/harness.js';
import { snapshot, finding as pageFinding } from '../pages/fixtures.js';
import { NOW } from '../pages/harness.js';
import { ADMIN_TOKEN, githubClaims, startOidcIssuer, startTestDashboardOn, type OidcIssuer, type StoreDashboard } from './harness.js';

const FULL_TOKEN = 'ghp_R8x2Lq9ZkW4mN7vB1cT6yH3pJ5sD0fG8aE2u';

async function json(res: Response): Promise<Record<string, any>> {
  return (await res.json()) as Record<string, any>;
}

/** The OIDC config example from docs/dashboard.md, pointed at the local issuer. */
function docsOidcExample(): { allow: unknown[]; snapshotRefs?: string[] } {
  const doc = readFileSync('docs/dashboard.md', 'utf8');
  const block = /Config file example:\s*```json\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/dashboard.md has no config file example');
  return (JSON.parse(block[1]) as { oidc: { allow: unknown[]; snapshotRefs?: string[] } }).oidc;
}

// One OIDC issuer for both backends' servers.
let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

// On each store backend: a temporary SQLite file and a fresh PostgreSQL database, each with a server of its own.
describe.each(BACKENDS)('%s store', (backend) => {
  let t: StoreDashboard;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const example = docsOidcExample();
    t = await startTestDashboardOn(backend, {
      oidc: { jwksUrl: issuer.jwksUrl, issuer: issuer.issuer, audience: issuer.audience, allow: example.allow as never, ...(example.snapshotRefs ? { snapshotRefs: example.snapshotRefs } : {}) },
      ingestRateLimit: { perMinute: 10_000 },
    });
    const mk = async (body: Record<string, unknown>) => {
      const res = await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body });
      expect(res.status).toBe(201);
      return ((await res.json()) as { token: string }).token;
    };
    tokens.viewer = await mk({ role: 'viewer', label: 'viewer' });
    tokens.a = await mk({ role: 'ingest', label: 'ci-a', services: ['svc-a'] });
    tokens.b = await mk({ role: 'ingest', label: 'ci-b', services: ['svc-b'] });
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('item 3: the server enforces the secret masking rule', () => {
    it('refuses a report whose secretPreview is more than a masked preview, names the field, never echoes it, stores nothing', async () => {
      const report = makeReport({ scanId: 'leak-1', createdAt: day('2026-01-01'), services: ['svc-a'], findings: [{ fp: 'sec01', category: 'secret' }] }) as any;
      report.findings[0].secretPreview = FULL_TOKEN;
      const res = await t.call('POST', '/api/v1/scans', { token: tokens.a, body: report });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text).field).toBe('findings.0.secretPreview');
      expect(text).not.toContain(FULL_TOKEN.slice(4, 12));
      (await t.dash.store.checkpoint());
      const stored = await allStoredText(t.location);
      // The search sees what the store holds (the scoped token's label), and not the secret.
      expect(stored.includes(Buffer.from('ci-a'))).toBe(true);
      expect(stored.includes(Buffer.from(FULL_TOKEN.slice(4)))).toBe(false);
      for (const preview of ['ghp_R8x2****', 'ghp_R****', ' ghp****', 'ghp_**', '']) {
        report.findings[0].secretPreview = preview;
        expect((await t.call('POST', '/api/v1/scans', { token: tokens.a, body: report })).status, preview).toBe(400);
      }
    });

    it('accepts the previews the engine makes (`ghp_****`, `****`)', async () => {
      for (const [i, preview] of ['ghp_****', '****', 'AKIA****'].entries()) {
        const report = makeReport({ scanId: `mask-ok-${i}`, createdAt: day('2026-01-02'), services: ['svc-a'], findings: [{ fp: 'sec02', category: 'secret' }] }) as any;
        report.findings[0].secretPreview = preview;
        expect((await t.call('POST', '/api/v1/scans', { token: tokens.a, body: report })).status).toBe(201);
      }
    });
  });

  describe('item 9: scan ids are keyed per (caller scope, service, id)', () => {
    it('a caller scoped to A cannot take the id of B’s next upload; B’s upload lands; answers name only the caller’s services', async () => {
      const squat = makeReport({ scanId: 'run-77-1-svc-b', createdAt: day('2026-02-01'), services: ['svc-a'], findings: [{ fp: 'squat1' }] });
      expect((await t.call('POST', '/api/v1/scans', { token: tokens.a, body: squat })).status).toBe(201);
      const real = makeReport({ scanId: 'run-77-1-svc-b', createdAt: day('2026-02-01'), services: ['svc-b'], findings: [{ fp: 'real01' }, { fp: 'real02' }] });
      const res = await t.call('POST', '/api/v1/scans', { token: tokens.b, body: real });
      expect(res.status).toBe(201);
      expect(await json(res)).toEqual({ status: 'created', scanId: 'run-77-1-svc-b', services: ['svc-b'], opened: 2, fixed: 0, reopened: 0 });
      const scans = await json(await t.call('GET', '/api/v1/services/svc-b/scans', { token: tokens.viewer }));
      expect(scans.scans.map((s: { scanId: string }) => s.scanId)).toEqual(['run-77-1-svc-b']);

      // A replay of the same body: 200 duplicate, naming only svc-b.
      const again = await t.call('POST', '/api/v1/scans', { token: tokens.b, body: real });
      expect(again.status).toBe(200);
      expect(await json(again)).toEqual({ status: 'duplicate', scanId: 'run-77-1-svc-b', services: ['svc-b'], opened: 0, fixed: 0, reopened: 0 });
    });

    it('a replay with a different body is 409 naming the id and the caller’s own service, and changes nothing', async () => {
      const first = makeReport({ scanId: 'run-88', createdAt: day('2026-02-02'), services: ['svc-b'], findings: [{ fp: 'keep01' }] });
      expect((await t.call('POST', '/api/v1/scans', { token: tokens.b, body: first })).status).toBe(201);
      const other = makeReport({ scanId: 'run-88', createdAt: day('2026-02-02'), services: ['svc-b'], findings: [] });
      const res = await t.call('POST', '/api/v1/scans', { token: tokens.b, body: other });
      expect(res.status).toBe(409);
      const body = await json(res);
      expect(body.field).toBe('scanId');
      expect(body.error).toContain('"svc-b"');
      expect(body.error).not.toContain('svc-a');
      const open = await json(await t.call('GET', '/api/v1/findings?service=svc-b', { token: tokens.viewer }));
      expect(open.items.map((f: { fingerprint: string }) => f.fingerprint)).toContain('fp-keep01');
    });
  });

  describe('item 10: OIDC pull-request refs post PR scans only (with the docs/dashboard.md example config)', () => {
    it('a refs/pull/7/merge token may not post a snapshot (403, field kind) but may post a PR scan', async () => {
      const pr = await issuer.sign(githubClaims('acme/shop', 'refs/pull/7/merge'));
      const snap = makeReport({ scanId: 'oidc-pr-snap', createdAt: day('2026-03-01'), services: ['payments'], findings: [] });
      const refused = await t.call('POST', '/api/v1/scans', { token: pr, body: snap });
      expect(refused.status).toBe(403);
      expect(await json(refused)).toMatchObject({ field: 'kind' });
      const prScan = makeReport({ scanId: 'oidc-pr-scan', kind: 'pr', createdAt: day('2026-03-01'), services: ['payments'], findings: [] });
      expect((await t.call('POST', '/api/v1/scans', { token: pr, body: prScan })).status).toBe(201);
    });

    // (Another branch or a PR ref may not, whatever snapshotRefs says: refMaySnapshot, once, below.)
    it('the default branch may post a snapshot', async () => {
      const main = await issuer.sign(githubClaims('acme/shop', 'refs/heads/main'));
      const snap = makeReport({ scanId: 'oidc-main-snap', createdAt: day('2026-03-02'), services: ['payments'], findings: [] });
      expect((await t.call('POST', '/api/v1/scans', { token: main, body: snap })).status).toBe(201);
    });
  });

  describe('item 11: a viewer token with services is refused, never silently unscoped', () => {
    it('API: 400 naming services', async () => {
      const res = await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body: { role: 'viewer', label: 'v', services: ['a'] } });
      expect(res.status).toBe(400);
      expect(await json(res)).toMatchObject({ field: 'services' });
      const admin = await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body: { role: 'admin', label: 'x', services: ['a'] } });
      expect(admin.status).toBe(400);
    });
  });

  describe('ingest validates service names (the config’s rule)', () => {
    for (const [label, name] of [
      ['..', '..'],
      ['.', '.'],
      ['NUL', 'a\u0000b'],
      ['newline', 'a\nb'],
      ['10,000 characters', 'a'.repeat(10_000)],
      ['lone surrogate', 'a\ud800'],
    ] as const) {
      it(`refuses ${label}`, async () => {
        const report = makeReport({ scanId: `name-${label}`, createdAt: day('2026-01-03'), services: ['ok'] }) as any;
        report.services[0].name = name;
        const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
        expect(res.status).toBe(400);
        const body = await json(res);
        expect(body.field).toBe('services.0.name');
        expect(body.error.length).toBeLessThan(400);
      });
    }
    it('refuses a bad name in a finding too', async () => {
      const report = makeReport({ scanId: 'name-f', createdAt: day('2026-01-03'), services: ['ok'], findings: [{ fp: 'nm001', service: '../etc' }] });
      const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
      expect(await json(res)).toMatchObject({ field: 'findings.0.service' });
    });
  });

  describe('Cache-Control on API answers', () => {
    it('JSON, CSV and errors are no-store; the auth-only badge is private', async () => {
      for (const path of ['/api/v1/services', '/api/v1/export/findings.csv', '/api/v1/findings', '/api/v1/admin/tokens']) {
        const res = await t.call('GET', path, { token: ADMIN_TOKEN });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('cache-control'), path).toBe('no-store');
        await res.arrayBuffer();
      }
      const refused = await t.call('GET', '/api/v1/services');
      expect(refused.headers.get('cache-control')).toBe('no-store');
      const badge = await t.call('GET', '/api/v1/badge/svc-b.svg', { token: tokens.viewer });
      expect(badge.status).toBe(200);
      expect(badge.headers.get('cache-control')).toBe('private, max-age=300');
    });
  });

  describe('throttling failed credentials', () => {
    it('wrong bearer tokens: after the burst every credential from that address gets 429 + Retry-After', async () => {
      const d = await startTestDashboardOn(backend, { authFailureLimit: { perMinute: 1, burst: 5 } });
      try {
        for (let i = 0; i < 5; i++) expect((await d.call('GET', '/api/v1/services', { token: `gatehouse_wrong-${i}` })).status).toBe(401);
        const blocked = await d.call('GET', '/api/v1/services', { token: 'gatehouse_wrong-x' });
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
        // Even the right token: a guesser cannot tell a hit from a miss while throttled.
        expect((await d.call('GET', '/api/v1/services', { token: ADMIN_TOKEN })).status).toBe(429);
      } finally {
        await d.stop();
      }
    });

    it('failed logins on the page: 429 after the burst', async () => {
      const d = await startTestDashboardOn(backend, { authFailureLimit: { perMinute: 1, burst: 3 } });
      try {
        const attempt = async (token: string) => {
          const form = await fetch(`${d.base}/login`);
          const nonce = cookieFrom(form, 'gatehouse_login')!;
          return fetch(`${d.base}/login`, {
            method: 'POST',
            redirect: 'manual',
            headers: { cookie: nonce, 'content-type': FORM, origin: d.base },
            body: new URLSearchParams({ _csrf: hiddenCsrf(await form.text()), token }).toString(),
          });
        };
        for (let i = 0; i < 3; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401);
        const blocked = await attempt(ADMIN_TOKEN);
        expect(blocked.status).toBe(429);
        expect(cookieFrom(blocked, 'gatehouse_session')).toBeUndefined();
      } finally {
        await d.stop();
      }
    });
  });

  describe('pages', () => {
    let h: PageHarness;
    beforeAll(async () => {
      h = (await openPageHarness(backend));
    });
    afterAll(() => h.close());

    it('login next: tab, CR/LF and backslash tricks are not followed, and CR/LF is no 500', async () => {
      for (const next of ['/\t/evil.example', '/\r\nSet-Cookie: x=1', '/\\evil.example', '//evil.example', '/\n/evil.example']) {
        const form = await h.app.request('/login');
        const nonceCookie = cookieFrom(form, 'gatehouse_login')!;
        const res = await h.app.request('/login', {
          method: 'POST',
          headers: { cookie: nonceCookie, 'content-type': FORM, origin: ORIGIN },
          body: new URLSearchParams({ _csrf: hiddenCsrf(await form.text()), token: h.tokens.viewer, next }).toString(),
        });
        expect(res.status, JSON.stringify(next)).toBe(303);
        expect(res.headers.get('location')).toBe('/');
      }
      const page = await h.app.request('/login?next=/%09/evil.example');
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain('evil.example');
    });

    it('bidi overrides and zero-width characters in tool text show as visible markers', async () => {
      const title = 'Harmless \u202Etxt.exe\u202C update\u2066 in pay\u200Bments\uFEFF';
      (await h.store.ingestScan(snapshot('bidi', new Date(NOW.getTime() - 3600_000), [pageFinding('bidi', 1, 'high', { title })]), 't'));
      const { cookie } = await login(h.app, h.tokens.viewer);
      for (const path of ['/services/bidi', '/services/bidi/findings/fp-bidi-001']) {
        const { status, html } = await get(h.app, path, cookie);
        expect(status, path).toBe(200);
        expect(html, path).toContain('[U+202E]txt.exe[U+202C]');
        expect(html).toContain('pay[U+200B]ments');
        expect(/[\u202a-\u202e\u2066-\u2069\u200b\ufeff]/.test(html), path).toBe(false);
      }
    });

    it('the admin form refuses a scoped viewer token (400) instead of dropping the scope', async () => {
      const { cookie, csrf } = await login(h.app, h.tokens.admin);
      const res = await postForm(h.app, '/admin/tokens', cookie, { _csrf: csrf, label: 'v', role: 'viewer', services: 'payments' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('only ingest tokens are scoped to services');
    });
  });
});

// SQLite's own migration history: an old file upgraded in place.
describe('sqlite store: item 9 on an upgraded database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-upgrade-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an upgraded database keeps its scans idempotent (migration 2 rebuilds scans without losing rows)', async () => {
    const file = `${dir}/old.db`;
    const db = new Database(file);
    db.exec(MIGRATIONS[0]);
    db.pragma('user_version = 1');
    // A scan as the v1 store wrote it.
    const raw = db;
    raw.prepare("INSERT INTO services (id, name, path, first_seen_at) VALUES (1, 'old', NULL, '2026-01-01T00:00:00.000Z')").run();
    raw.prepare(
      "INSERT INTO scans (id, scan_id, kind, created_at, gate_outcome, finding_count, ingested_at, ingested_by) VALUES (1, 'old-1', 'snapshot', '2026-01-01T00:00:00.000Z', 'passed', 0, '2026-01-01T00:00:00.000Z', 'test')",
    ).run();
    raw.prepare("INSERT INTO scan_services VALUES (1, 1, 'snapshot', '2026-01-01T00:00:00.000Z', 'passed', 0, '{}', '[]')").run();
    raw.close();
    const store = openSqliteStore(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect((await store.ingestScan(makeReport({ scanId: 'old-1', createdAt: day('2026-01-01'), services: ['old'] }), 't')).status).toBe('duplicate');
      expect((await store.ingestScan(makeReport({ scanId: 'old-1', createdAt: day('2026-01-01'), services: ['new'] }), 't')).status).toBe('created');
      expect((await store.listScans('old', 10)).map((s) => s.scanId)).toEqual(['old-1']);
    } finally {
      (await store.close());
    }
  });
});

// Pure rules, checked once (no store).
describe('CSV cells a spreadsheet would read as a formula', () => {
  it('prefixes cells starting with space, LF, NBSP, ZWSP, BOM and full-width = + - @', () => {
    for (const start of [' ', '\n', '\u00a0', '\u200b', '\ufeff', '\uff1d', '\uff0b', '\uff0d', '\uff20', '=', '+', '-', '@', '\t', '\r']) {
      const cell = csvCell(`${start}HYPERLINK("http://evil")`);
      expect(cell.replace(/^"/, '').startsWith("'"), JSON.stringify(start)).toBe(true);
    }
    expect(csvCell('lodash')).toBe('lodash');
  });
});

describe('item 10 (the rule): another branch or a PR ref may not snapshot, whatever snapshotRefs says', () => {
  it('refMaySnapshot', () => {
    const defaults = picomatch(['refs/heads/main', 'refs/heads/master']);
    expect(refMaySnapshot('refs/heads/feature', defaults)).toBe(false);
    expect(refMaySnapshot(undefined, defaults)).toBe(false);
    expect(refMaySnapshot('refs/pull/7/merge', picomatch('**'))).toBe(false);
    expect(refMaySnapshot('refs/heads/release/1.2', picomatch('refs/heads/release/*'))).toBe(true);
  });
});

describe('pages (the rules)', () => {
  it('login next: safeNext refuses a tab trick and keeps a local path', () => {
    expect(safeNext('/\t/evil.example')).toBeUndefined();
    expect(safeNext('/services/a?x=1')).toBe('/services/a?x=1');
  });

  it('invisible text: an isolate shows as a visible marker', () => {
    expect(neutraliseInvisibleText('a\u2067b')).toBe('a[U+2067]b');
  });
});
