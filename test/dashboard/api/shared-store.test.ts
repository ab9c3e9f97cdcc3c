// The app over either backend, as several processes behind a load balancer run it (issue 14): two
// apps, each with its own store connection and its own cache, on one database. Plus what ingest
// makes of text PostgreSQL cannot store (NUL), and the one clock of the app.
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { toTriageRecord, TriageInputSchema } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { watchCalls } from '../watch-calls.js';

function appOver(store: Store, now?: () => Date): Hono<any> {
  return createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now });
}

function call(app: Hono<any>, token: string, method: string, path: string, body?: unknown): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

describe.each(BACKENDS)('the app on %s', (backend) => {
  let location: string;
  let cleanup: () => Promise<void>;
  let stores: Store[];
  beforeEach(async () => {
    ({ location, cleanup } = await storeLocation(backend));
    stores = [];
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    await cleanup();
  });
  async function open(): Promise<Store> {
    const s = await openTestStore(location);
    stores.push(s);
    return s;
  }

  it('shows a scan ingested through one process on the next read of another, whose cache held the old answer', async () => {
    const a = await open();
    const b = await open();
    const ingest = (await a.createToken({ role: 'ingest', label: 'ci' })).token;
    const viewer = (await a.createToken({ role: 'viewer', label: 'v' })).token;
    const appA = appOver(a);
    const appB = appOver(b);
    const overview = async () => ((await (await call(appB, viewer, 'GET', '/api/v1/services')).json()) as { services: { name: string; openTotal: number }[] }).services;
    const findings = async () => ((await (await call(appB, viewer, 'GET', '/api/v1/findings?service=payments')).json()) as { total: number }).total;

    expect(await overview()).toEqual([]);
    expect(await findings()).toBe(0);
    const today = new Date().toISOString();
    const r = await call(appA, ingest, 'POST', '/api/v1/scans', makeReport({ scanId: 's1', createdAt: today, findings: [{ fp: 'aaaaa' }, { fp: 'bbbbb' }] }));
    expect(r.status).toBe(201);
    expect((await overview()).map((s) => [s.name, s.openTotal])).toEqual([['payments', 2]]);
    expect(await findings()).toBe(2);
    // And back: a snapshot through B fixes one; A's cached answers follow.
    const readA = async () => ((await (await call(appA, viewer, 'GET', '/api/v1/services')).json()) as { services: { openTotal: number }[] }).services[0].openTotal;
    expect(await readA()).toBe(2);
    const later = new Date(Date.now() + 1000).toISOString();
    expect((await call(appB, ingest, 'POST', '/api/v1/scans', makeReport({ scanId: 's2', createdAt: later, findings: [{ fp: 'aaaaa' }] }))).status).toBe(201);
    expect(await readA()).toBe(1);
  });

  it("keeps another process's cached pages and answers of other services through an ingest of one, and shows that one's new data", async () => {
    const a = await open();
    const b = await open();
    const ingest = (await a.createToken({ role: 'ingest', label: 'ci' })).token;
    const { id: viewerId, token: viewer } = await a.createToken({ role: 'viewer', label: 'v' });
    const cookie = `gatehouse_session=${(await a.createSession(viewerId)).id}`;
    // One pinned clock: ages on the pages do not move between two reads.
    const now = new Date('2026-06-01T12:00:00.000Z');
    const at = (h: number) => new Date(Date.UTC(2026, 5, 1, h)).toISOString();
    // What process B reads from its store, per service.
    const reads: string[] = [];
    const counted = watchCalls(b, ['getService', 'postureSeries', 'postureJson', 'listScans', 'serviceChanges', 'listFindings'], (method, args) => {
      // The service read: serviceChanges(since, service?), listFindings({ service? }), else the name.
      const arg = method === 'serviceChanges' ? (args[1] ?? '*') : method === 'listFindings' ? ((args[0] as { service?: string }).service ?? '*') : args[0];
      reads.push(`${method}:${String(arg)}`);
    });
    const appA = appOver(a, () => now);
    const warmer = new PageWarmer(createMemoryLogger());
    const appB = createApp({ store: counted, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => now, pageWarmer: warmer });
    const uncachedB = createApp({ store: b, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => now, cachePages: false });
    const post = async (report: unknown) => expect((await call(appA, ingest, 'POST', '/api/v1/scans', report)).status).toBe(201);
    await post(makeReport({ scanId: 'p1', createdAt: at(9), findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb' }] }));
    await post(makeReport({ scanId: 'b1', createdAt: at(9), services: ['billing'], findings: [{ fp: 'bbbbb', severity: 'critical' }, { fp: 'ccccc' }] }));

    /** Everything B keeps per service: its page, service, posture and findings answers, its badge. */
    const paths = (s: string) => [`/services/${s}`, `/api/v1/services/${s}`, `/api/v1/services/${s}/posture`, `/api/v1/findings?service=${s}`, `/api/v1/badge/${s}.svg`];
    const read = async (app: Hono<any>, path: string) => {
      const r = await app.request(path, { headers: path.startsWith('/api/') ? { authorization: `Bearer ${viewer}` } : { cookie } });
      expect(r.status, path).toBe(200);
      return r.text();
    };
    const before = new Map<string, string>();
    for (const s of ['payments', 'billing']) for (const p of paths(s)) before.set(p, await read(appB, p));
    await warmer.idle();

    // Payments changes through A: a new critical finding (KEV-listed, the same CVE billing has), one
    // fixed, and a triage decision.
    reads.length = 0;
    const kev = { cve: 'CVE-2024-bbbbb', dateAdded: '2026-05-01', dueDate: '2026-05-15', ransomware: 'unknown' as const, name: 'shared' };
    await post(makeReport({ scanId: 'p2', createdAt: at(10), findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'ddddd', severity: 'critical', extra: { ruleId: 'CVE-2024-bbbbb', kev } }] }));
    await a.setTriage('payments', ['fp-aaaaa'], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', now), 'alice', now);

    // B: billing's page and answers come from its cache, unchanged, without a store read...
    for (const p of paths('billing')) expect(await read(appB, p), p).toBe(before.get(p));
    // ...and its renders ahead redo payments' page (and the overview) only.
    await warmer.idle();
    expect(reads.filter((r) => r.endsWith(':billing'))).toEqual([]);
    expect(reads).toContain('getService:payments');
    // Payments shows the new data (its page rendered ahead, as a request renders it).
    const page = await read(appB, '/services/payments');
    expect(page).not.toBe(before.get('/services/payments'));
    expect(page).toContain('vulnerability ddddd');
    expect(page).toBe(await read(uncachedB, '/services/payments'));
    for (const p of paths('payments').slice(1)) expect(await read(appB, p), p).not.toBe(before.get(p));
    // Correctness: billing's cached copies are what B computes without any cache now.
    for (const p of paths('billing')) expect(await read(appB, p), p).toBe(await read(uncachedB, p));
    // Many services at once: the global version moved.
    const overview = JSON.parse(await read(appB, '/api/v1/services')) as { services: { name: string; open: { critical: number } }[] };
    expect(overview.services.find((x) => x.name === 'payments')?.open.critical).toBe(1);
    const all = JSON.parse(await read(appB, '/api/v1/findings?state=all')) as { total: number };
    expect(all.total).toBe(5);
  });

  it('stores a report whose text holds NUL characters, with U+FFFD in their place', async () => {
    const store = await open();
    const ingest = (await store.createToken({ role: 'ingest', label: 'ci' })).token;
    const report = makeReport({ scanId: 'nul', createdAt: day('2026-01-01'), findings: [{ fp: 'nulfinding', title: 'bad\u0000title' }] });
    report.findings[0].message = 'a\u0000b\u0000';
    const r = await call(appOver(store), ingest, 'POST', '/api/v1/scans', report);
    expect(r.status, await r.clone().text()).toBe(201);
    const row = (await store.listFindings({ limit: 5, offset: 0 })).items[0];
    expect(row.title).toBe('bad\uFFFDtitle');
    const detail = await store.getFinding('payments', row.fingerprint);
    expect(detail?.finding.message).toBe('a\uFFFDb\uFFFD');
    // The same body again is the same scan.
    expect((await call(appOver(store), ingest, 'POST', '/api/v1/scans', report)).status).toBe(200);
  });

  it('stores a report whose text holds lone surrogates as the same text on both backends, one U+FFFD each', async () => {
    const store = await open();
    const ingest = (await store.createToken({ role: 'ingest', label: 'ci' })).token;
    // JSON.stringify escapes a lone surrogate (`\ud800`); a pair stays as it is.
    const report = makeReport({ scanId: 'lone', createdAt: day('2026-01-01'), findings: [{ fp: 'lone', title: 'a\ud800b \udc00\ud800 ok \ud83d\ude00' }] });
    report.findings[0].message = 'end \udbff';
    const r = await call(appOver(store), ingest, 'POST', '/api/v1/scans', report);
    expect(r.status, await r.clone().text()).toBe(201);
    const row = (await store.listFindings({ limit: 5, offset: 0 })).items[0];
    expect(row.title).toBe('a\uFFFDb \uFFFD\uFFFD ok \ud83d\ude00');
    const detail = await store.getFinding('payments', row.fingerprint);
    expect(detail?.finding.message).toBe('end \uFFFD');
    expect((await call(appOver(store), ingest, 'POST', '/api/v1/scans', report)).status).toBe(200);
    // Typed text too: a token label (and the actor names made of it).
    const admin = (await store.createToken({ role: 'admin', label: 'lead' })).token;
    const made = await call(appOver(store), admin, 'POST', '/api/v1/admin/tokens', { role: 'viewer', label: 'bot \ud800 \ud83d\ude00' });
    expect(made.status, await made.clone().text()).toBe(201);
    expect((await store.listTokens()).map((t) => t.label)).toContain('bot \uFFFD \ud83d\ude00');
  });

  it('refuses NUL in a URL and in typed text with a 400, never a database error', async () => {
    const store = await open();
    const admin = (await store.createToken({ role: 'admin', label: 'a' })).token;
    const app = appOver(store);
    for (const path of ['/api/v1/findings?service=payments&tool=a%00b', '/api/v1/services/pay%00ments', '/services/payments/findings/fp%00x']) {
      const r = await call(app, admin, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(((await r.json()) as { error: string }).error).toContain('NUL');
    }
    const label = await call(app, admin, 'POST', '/api/v1/admin/tokens', { role: 'viewer', label: 'bad\u0000label' });
    expect(label.status).toBe(400);
    expect(await label.json()).toMatchObject({ field: 'label' });
    expect((await store.listTokens()).map((t) => t.label)).toEqual(['a']);
    const triage = TriageInputSchema.safeParse({ status: 'false_positive', reason: 'not\u0000here' });
    expect(triage.success).toBe(false);
    expect(triage.error?.issues[0]).toMatchObject({ path: ['reason'], message: 'must not contain a NUL character' });
  });

  it('judges "createdAt in the future" and stamps the audit entry by the app clock', async () => {
    const store = await open();
    const ingest = (await store.createToken({ role: 'ingest', label: 'ci' })).token;
    const now = new Date('2031-06-01T12:00:00.000Z');
    const app = appOver(store, () => now);
    expect((await call(app, ingest, 'POST', '/api/v1/scans', makeReport({ scanId: 'f1', createdAt: '2031-06-01T11:00:00.000Z' }))).status).toBe(201);
    expect((await call(app, ingest, 'POST', '/api/v1/scans', makeReport({ scanId: 'f2', createdAt: '2031-06-03T12:00:00.000Z' }))).status).toBe(400);
    const entry = (await store.listAudit(10)).find((e) => e.action === 'scan.ingest');
    expect(entry?.at).toBe(now.toISOString());
  });
});
