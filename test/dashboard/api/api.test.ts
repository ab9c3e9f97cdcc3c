// The dashboard API against a real server on 127.0.0.1, on each store backend.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboard, startTestDashboardOn, type TestDashboard } from './harness.js';

let t: TestDashboard;
let viewer: string;
let ingestPayments: string;

async function json(res: Response): Promise<Record<string, any>> {
  return (await res.json()) as Record<string, any>;
}

async function createToken(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

// Every route on both store backends: a temporary SQLite file and a fresh PostgreSQL database.
describe.each(BACKENDS)('%s store', (backend) => {
  beforeAll(async () => {
    t = await startTestDashboardOn(backend, { bodyLimitBytes: 200_000 });
    viewer = (await createToken({ role: 'viewer', label: 'viewer' })).token;
    ingestPayments = (await createToken({ role: 'ingest', label: 'ci-payments', services: ['payments'] })).token;
  });
  afterAll(async () => {
    await t.stop();
  });


  describe('POST /api/v1/scans', () => {
    it('ingests a report (201) and a replay changes nothing and says so (200)', async () => {
      const report = makeReport({ scanId: 'ingest-1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }, { fp: 'b', severity: 'critical' }] });
      const first = await t.call('POST', '/api/v1/scans', { token: ingestPayments, body: report });
      expect(first.status).toBe(201);
      expect(await json(first)).toEqual({ status: 'created', scanId: 'ingest-1', services: ['payments'], opened: 2, fixed: 0, reopened: 0 });
      const again = await t.call('POST', '/api/v1/scans', { token: ingestPayments, body: report });
      expect(again.status).toBe(200);
      expect((await json(again)).status).toBe('duplicate');
      const scans = await json(await t.call('GET', '/api/v1/services/payments/scans', { token: viewer }));
      expect(scans.scans.map((s: { scanId: string }) => s.scanId)).toEqual(['ingest-1']);
      expect(scans.scans[0].ingestedBy).toMatch(/^token:tok_\w+ \(ci-payments\)$/);
      // The ingest is in the audit log once (the replay changed nothing and is not).
      const audit = await json(await t.call('GET', '/api/v1/admin/audit?limit=50', { token: ADMIN_TOKEN }));
      const ingests = audit.entries.filter((e: { action: string; detail: { scanId?: string } }) => e.action === 'scan.ingest' && e.detail.scanId === 'ingest-1');
      expect(ingests).toHaveLength(1);
      expect(ingests[0].actor).toMatch(/^token:tok_\w+ \(ci-payments\)$/);
      expect(ingests[0].detail).toEqual({ scanId: 'ingest-1', kind: 'snapshot', services: ['payments'], findings: 2, opened: 2, fixed: 0, reopened: 0 });
    });

    it('answers 400 naming the field at fault', async () => {
      const report = makeReport({ scanId: 'bad-1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }) as unknown as Record<string, any>;
      report.findings[0].severity = 'catastrophic';
      const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.field).toBe('findings.0.severity');
      expect(body.error).toMatch(/^invalid scan report: findings\.0\.severity: /);

      const noId = { ...makeReport({ scanId: 'x', createdAt: day('2026-01-01') }), scanId: undefined };
      expect(await json(await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: noId }))).toMatchObject({ field: 'scanId' });
      const future = makeReport({ scanId: 'future', createdAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });
      expect(await json(await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: future }))).toMatchObject({ field: 'createdAt', error: expect.stringContaining('in the future') });
      const badJson = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, rawBody: '{"schema": ' });
      expect(badJson.status).toBe(400);
      expect((await json(badJson)).error).toMatch(/not valid JSON/);
    });

    it('answers 413 for a body over the limit, before parsing it', async () => {
      const report = makeReport({ scanId: 'big', createdAt: day('2026-01-01'), findings: Array.from({ length: 400 }, (_, i) => ({ fp: `big${i}`, title: 'x'.repeat(400) })) });
      const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
      expect(res.status).toBe(413);
      expect((await json(res)).error).toMatch(/larger than the limit/);
      expect((await t.call('GET', '/api/v1/findings?service=payments&state=all&limit=500', { token: viewer }).then(json)).items.some((f: { fingerprint: string }) => f.fingerprint.startsWith('fp-big'))).toBe(false);
    });

    it('answers 413 for a chunked body (no Content-Length) once it passes the limit', async () => {
      const url = new URL(t.base);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: '/api/v1/scans', method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 30; i++) req.write(`${'x'.repeat(10_000)}`);
        req.end();
      });
      expect(status).toBe(413);
    });

    it('answers 403 when an ingest token uploads for a service outside its scope', async () => {
      const report = makeReport({ scanId: 'scope-1', createdAt: day('2026-01-01'), services: ['payments', 'users'] });
      const res = await t.call('POST', '/api/v1/scans', { token: ingestPayments, body: report });
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ field: 'services', error: expect.stringContaining('"users"') });
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After once a token used its uploads; other tokens are unaffected', async () => {
      const limited = await startTestDashboard({ ingestRateLimit: { perMinute: 2 } });
      try {
        const make = (i: number) => makeReport({ scanId: `rl-${i}`, createdAt: day('2026-01-01') });
        expect((await limited.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: make(1) })).status).toBe(201);
        expect((await limited.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: make(2) })).status).toBe(201);
        const third = await limited.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: make(3) });
        expect(third.status).toBe(429);
        expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect((await json(third)).error).toMatch(/too many uploads/);
        const other = await limited.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body: { role: 'ingest', label: 'other' } });
        const otherToken = (await json(other)).token as string;
        expect((await limited.call('POST', '/api/v1/scans', { token: otherToken, body: make(4) })).status).toBe(201);
        // Reads are not rate limited.
        expect((await limited.call('GET', '/api/v1/services', { token: ADMIN_TOKEN })).status).toBe(200);
      } finally {
        await limited.stop();
      }
    });
  });

  describe('read API', () => {
    beforeAll(async () => {
      const snapshots = [
        makeReport({ scanId: 'r1', createdAt: day('2026-02-01'), services: ['shop'], findings: [{ fp: 's1', severity: 'critical' }, { fp: 's2', title: '=HYPERLINK("http://evil.test")' }, { fp: 's3', severity: 'low', tool: 'semgrep', category: 'sast' }], scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }] }),
        makeReport({ scanId: 'r2', createdAt: day('2026-02-03'), services: ['shop'], findings: [{ fp: 's2', title: '=HYPERLINK("http://evil.test")' }, { fp: 's3', severity: 'low', tool: 'semgrep', category: 'sast' }], scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }], gate: 'failed' }),
      ];
      for (const r of snapshots) expect((await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: r })).status).toBe(201);
    });

    it('lists services with counts and gate', async () => {
      const body = await json(await t.call('GET', '/api/v1/services', { token: viewer }));
      const shop = body.services.find((s: { name: string }) => s.name === 'shop');
      expect(shop).toMatchObject({ openTotal: 2, lastGate: 'failed', lastSnapshotAt: '2026-02-03T12:00:00.000Z' });
      expect(shop.open).toMatchObject({ critical: 0, high: 1, low: 1 });
      expect(shop.trendTotals).toHaveLength(30);
      expect(body.trendDays).toHaveLength(30);
    });

    it('gzips the overview for clients that accept it, and not for others', async () => {
      const url = new URL(t.base);
      const get = (acceptEncoding?: string) =>
        new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
          httpRequest({ host: url.hostname, port: url.port, path: '/api/v1/services', headers: { authorization: `Bearer ${viewer}`, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
          }).on('error', reject).end();
        });
      const plain = await get();
      expect(plain.encoding).toBeUndefined();
      const zipped = await get('gzip, deflate, br');
      expect(zipped.encoding).toBe('gzip');
      expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString());
      expect(JSON.parse(plain.body.toString()).services.length).toBeGreaterThan(0);
      // Refused (q=0) or only allowed by `*`: as the header says, on this answer and on a service's.
      for (const [header, encoding] of [['gzip;q=0, identity', undefined], ['*', 'gzip'], ['gzip;q=0, *', undefined], ['br, *;q=0', undefined]] as const) {
        const got = await get(header);
        expect(got.encoding, header).toBe(encoding);
        expect((encoding ? gunzipSync(got.body) : got.body).toString(), header).toBe(plain.body.toString());
        const one = await t.call('GET', '/api/v1/services/shop', { token: viewer, headers: { 'accept-encoding': header } });
        expect(one.headers.get('content-encoding'), header).toBe(encoding ?? null);
      }
    });

    it('shows one service with MTTR per severity and its scans; 404 for an unknown one', async () => {
      const body = await json(await t.call('GET', '/api/v1/services/shop', { token: viewer }));
      expect(body.service.stats.critical).toMatchObject({ mttrDays: 2, fixedCount: 1, slaDays: 7 });
      expect(body.scans.map((s: { scanId: string }) => s.scanId)).toEqual(['r2', 'r1']);
      const missing = await t.call('GET', '/api/v1/services/nope', { token: viewer });
      expect(missing.status).toBe(404);
      expect(await json(missing)).toEqual({ error: 'no service "nope"', field: 'name' });
    });

    it('serves the posture series and rejects bad days', async () => {
      const body = await json(await t.call('GET', '/api/v1/services/shop/posture?from=2026-01-31&to=2026-02-04', { token: viewer }));
      expect(body.points.map((p: { day: string; total: number; critical: number }) => [p.day, p.total, p.critical])).toEqual([
        ['2026-02-01', 3, 1],
        ['2026-02-02', 3, 1],
        ['2026-02-03', 2, 0],
        ['2026-02-04', 2, 0],
      ]);
      const bad = await t.call('GET', '/api/v1/services/shop/posture?from=2026-02-31', { token: viewer });
      expect(bad.status).toBe(400);
      expect((await json(bad)).field).toBe('from');
      expect((await t.call('GET', '/api/v1/services/shop/posture?from=2026-02-05&to=2026-02-01', { token: viewer })).status).toBe(400);
      expect((await t.call('GET', '/api/v1/services/shop/posture?from=2000-01-01&to=2026-02-01', { token: viewer })).status).toBe(400);
    });

    it('answers posture from a cache that the next ingest invalidates', async () => {
      const path = '/api/v1/services/cached/posture?from=2026-03-01&to=2026-03-03';
      await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: makeReport({ scanId: 'c1', createdAt: day('2026-03-01'), services: ['cached'], findings: [{ fp: 'c1' }] }) });
      const totals = async () => ((await json(await t.call('GET', path, { token: viewer }))).points as { total: number }[]).map((p) => p.total);
      expect(await totals()).toEqual([1, 1, 1]);
      expect(await totals()).toEqual([1, 1, 1]);
      await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: makeReport({ scanId: 'c2', createdAt: day('2026-03-02'), services: ['cached'], findings: [{ fp: 'c1' }, { fp: 'c2' }] }) });
      expect(await totals()).toEqual([1, 2, 2]);
    });

    it('answers findings from a cache that the next ingest invalidates, gzipped for clients that accept it', async () => {
      const path = '/api/v1/findings?service=cachedf&state=all';
      await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: makeReport({ scanId: 'cf1', createdAt: day('2026-03-01'), services: ['cachedf'], findings: [{ fp: 'f1' }] }) });
      const fingerprints = async () => ((await json(await t.call('GET', path, { token: viewer }))).items as { fingerprint: string; state: string }[]).map((f) => `${f.fingerprint} ${f.state}`).sort();
      expect(await fingerprints()).toEqual(['fp-f1000 open']);
      expect(await fingerprints()).toEqual(['fp-f1000 open']);
      await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: makeReport({ scanId: 'cf2', createdAt: day('2026-03-02'), services: ['cachedf'], findings: [{ fp: 'f2' }] }) });
      expect(await fingerprints()).toEqual(['fp-f1000 fixed', 'fp-f2000 open']);
      const plain = await t.call('GET', path, { token: viewer, headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers.get('content-encoding')).toBeNull();
      const zipped = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
        const url = new URL(t.base);
        httpRequest({ host: url.hostname, port: url.port, path, headers: { authorization: `Bearer ${viewer}`, 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject).end();
      });
      expect(zipped.encoding).toBe('gzip');
      expect(gunzipSync(zipped.body).toString()).toBe(await plain.text());
    });

    it('filters and pages findings, and shows one finding with its lifecycle', async () => {
      const open = await json(await t.call('GET', '/api/v1/findings?service=shop', { token: viewer }));
      expect(open.total).toBe(2);
      const all = await json(await t.call('GET', '/api/v1/findings?service=shop&state=all&limit=1&offset=0', { token: viewer }));
      expect(all).toMatchObject({ total: 3, limit: 1, offset: 0 });
      expect(all.items[0].severity).toBe('critical');
      const sast = await json(await t.call('GET', '/api/v1/findings?service=shop&category=sast&tool=semgrep', { token: viewer }));
      expect(sast.items.map((f: { fingerprint: string }) => f.fingerprint)).toEqual(['fp-s3000']);
      const bad = await t.call('GET', '/api/v1/findings?severity=huge', { token: viewer });
      expect(bad.status).toBe(400);
      expect((await json(bad)).field).toBe('severity');
      expect((await t.call('GET', '/api/v1/findings?limit=5000', { token: viewer })).status).toBe(400);
      const detail = await json(await t.call('GET', '/api/v1/findings/shop/fp-s1000', { token: viewer }));
      expect(detail.events.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'fixed']);
      expect(detail.finding.location.package.name).toBe('pkg-s1');
      expect((await t.call('GET', '/api/v1/findings/shop/nope', { token: viewer })).status).toBe(404);
    });

    it('exports CSV (formula cells neutralised) and JSON', async () => {
      const csv = await t.call('GET', '/api/v1/export/findings.csv?service=shop&state=all', { token: viewer });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toMatch(/attachment/);
      const text = await csv.text();
      const lines = text.trim().split('\r\n');
      expect(lines[0]).toMatch(/^service,fingerprint,severity,state,/);
      expect(lines).toHaveLength(4);
      expect(text).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
      const exported = await json(await t.call('GET', '/api/v1/export/findings.json?service=shop&state=fixed', { token: viewer }));
      expect(exported).toMatchObject({ total: 1, count: 1 });
      expect(exported.items[0].fingerprint).toBe('fp-s1000');
    });

    it('renders an SVG badge per service', async () => {
      const res = await t.call('GET', '/api/v1/badge/shop.svg', { token: viewer });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      const svg = await res.text();
      expect(svg).toContain('1 high | 1 low');
      expect((await t.call('GET', '/api/v1/badge/nope.svg', { token: viewer })).status).toBe(404);
    });

    it('serves the OpenAPI document with the report schema', async () => {
      const res = await t.call('GET', '/api/v1/openapi.json');
      expect(res.status).toBe(200);
      const doc = await json(res);
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/scans', '/services', '/services/{name}/posture', '/findings', '/export/findings.csv', '/badge/{service}.svg', '/admin/tokens']));
      // version 2 and version 1 bodies are both accepted, each described in full
      const versions = doc.components.schemas.ScanReport.oneOf as { properties: Record<string, { const?: number }> }[];
      expect(versions.map((v) => v.properties.version!.const).sort()).toEqual([1, 2]);
      expect(versions.every((v) => v.properties.scanId !== undefined)).toBe(true);
      expect(doc.paths['/scans'].post.responses).toHaveProperty('413');
    });

    it('answers unknown API paths with a JSON 404', async () => {
      const res = await t.call('GET', '/api/v1/nothing', { token: viewer });
      expect(res.status).toBe(404);
      expect((await json(res)).error).toBeTruthy();
    });
  });

  describe('admin API', () => {
    it('creates (secret shown once), lists (never secrets) and revokes tokens, audit-logged', async () => {
      const created = await createToken({ role: 'ingest', label: 'ci-users', services: ['users'] });
      expect((await t.call('GET', '/api/v1/services', { token: created.token })).status).toBe(403);
      const list = await t.call('GET', '/api/v1/admin/tokens', { token: ADMIN_TOKEN }).then((r) => r.text());
      expect(list).toContain(created.id);
      expect(list).not.toContain(created.token);
      expect((await t.call('DELETE', `/api/v1/admin/tokens/${created.id}`, { token: ADMIN_TOKEN })).status).toBe(200);
      expect((await t.call('DELETE', `/api/v1/admin/tokens/${created.id}`, { token: ADMIN_TOKEN })).status).toBe(404);
      const revokedUse = await t.call('POST', '/api/v1/scans', { token: created.token, body: makeReport({ scanId: 'rv', createdAt: day('2026-01-01'), services: ['users'] }) });
      expect(revokedUse.status).toBe(401);
      const audit = await json(await t.call('GET', '/api/v1/admin/audit?limit=5', { token: ADMIN_TOKEN }));
      expect(audit.entries.slice(0, 2).map((e: { action: string; detail: { id: string } }) => [e.action, e.detail.id])).toEqual([
        ['token.revoke', created.id],
        ['token.create', created.id],
      ]);
      expect(audit.entries[0].actor).toMatch(/^token:tok_\w+ \(bootstrap admin/);
      const bad = await t.call('POST', '/api/v1/admin/tokens', { token: ADMIN_TOKEN, body: { role: 'root', label: 'x' } });
      expect(bad.status).toBe(400);
      expect((await json(bad)).field).toBe('role');
    });
  });

  describe('security headers', () => {
    it('sends CSP, frame-ancestors none and nosniff, and no HSTS over plain HTTP', async () => {
      for (const path of ['/api/v1/services', '/api/v1/openapi.json', '/no-such-page']) {
        const res = await t.call('GET', path, { token: viewer });
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
    });
  });
});

describe('HTTPS', () => {
  it('serves HTTPS from certificate files and then sends HSTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const tls = await startTestDashboard({ tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
    try {
      expect(tls.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) => {
        httpsRequest(`${tls.base}/api/v1/openapi.json`, { ca: cert }, (r) => {
          r.resume();
          resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined });
        }).on('error', reject).end();
      });
      expect(res.status).toBe(200);
      expect(res.hsts).toMatch(/max-age=\d+/);
    } finally {
      await tls.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('startDashboard', () => {
  it('prints the URL and a one-time admin token on first start only; data persists across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-first-'));
    try {
      const first = await startTestDashboard({ dir, adminToken: '' });
      expect(first.printed[0]).toMatch(/^Gatehouse dashboard: http:\/\/127\.0\.0\.1:\d+\//);
      const token = /Admin token \(shown once.*\): (\S+)$/.exec(first.printed[1] ?? '')?.[1];
      expect(token).toMatch(/^gatehouse_/);
      expect((await first.call('POST', '/api/v1/scans', { token, body: makeReport({ scanId: 'p1', createdAt: day('2026-01-01'), findings: [{ fp: 'p' }] }) })).status).toBe(201);
      await first.stop();

      const second = await startTestDashboard({ dir, adminToken: '' });
      expect(second.printed).toHaveLength(1);
      expect((await second.call('GET', '/api/v1/findings', { token }).then(json)).total).toBe(1);
      expect((await second.call('POST', '/api/v1/scans', { token, body: makeReport({ scanId: 'p1', createdAt: day('2026-01-01'), findings: [{ fp: 'p' }] }) })).status).toBe(200);
      // The first admin token revoked for one that expires in a day: a start after that day finds no
      // usable admin token and makes one, as on a first start.
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const made = await second.call('POST', '/api/v1/admin/tokens', { token, body: { role: 'admin', label: 'for a day', expiresAt } }).then(json);
      const ids = (await second.call('GET', '/api/v1/admin/tokens', { token }).then(json)).tokens.filter((t: { label: string }) => t.label.startsWith('bootstrap admin')).map((t: { id: string }) => t.id);
      for (const id of ids) expect((await second.call('DELETE', `/api/v1/admin/tokens/${id}`, { token: made.token })).status).toBe(200);
      await second.stop();
      const third = await startTestDashboard({ dir, adminToken: '' });
      expect(third.printed).toHaveLength(1);
      await third.stop();
      const later = await startTestDashboard({ dir, adminToken: '', now: () => new Date(Date.parse(expiresAt) + 1000) });
      expect(later.printed[1]).toMatch(/^Admin token \(shown once/);
      await later.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
