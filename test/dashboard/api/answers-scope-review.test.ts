// Review of the read API's cached answers (api/answers.ts), computed ahead by the page warmer or on
// request: a credential restricted to some services never gets another service's answer from the
// cache (computed ahead or not), and a process whose cache holds answers shows a triage decision, a
// PR scan or a snapshot written by another process on its next read (both backends).
import type { Hono } from 'hono';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { addDays } from '../../../dashboard/store/days.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { makeReport } from '../store/report-builder.js';

const NOW = new Date('2026-03-10T12:00:30.000Z');
const TODAY = '2026-03-10';

describe.each(BACKENDS)('cached read answers on %s', (backend) => {
  let location: string;
  let cleanup: () => Promise<void>;
  const stores: Store[] = [];
  beforeEach(async () => {
    ({ location, cleanup } = await storeLocation(backend));
  });
  /** Warmers an app armed its timers on (page-warmer.ts followDays, followPeriods). */
  const warmers: PageWarmer[] = [];
  afterEach(async () => {
    for (const w of warmers.splice(0)) w.stop();
    for (const s of stores.splice(0)) await s.close();
    await cleanup();
  });
  const open = async () => {
    const s = await openTestStore(location);
    stores.push(s);
    return s;
  };
  const get = async (app: Hono<any>, token: string, path: string, gzip = false) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${token}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } });
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, text: (gzip && res.headers.get('content-encoding') === 'gzip' ? gunzipSync(body) : body).toString('utf8') };
  };
  const polled = (name: string) => [
    `/api/v1/services/${name}`,
    `/api/v1/services/${name}/posture`,
    `/api/v1/services/${name}/posture?from=${addDays(TODAY, -364)}&to=${TODAY}`,
    `/api/v1/findings?service=${name}`,
  ];

  it('never hands a service-scoped credential another service answer, computed ahead or cached by a viewer', async () => {
    const a = await open();
    for (const [i, name] of ['payments', 'orders'].entries()) {
      await a.ingestScan(makeReport({ scanId: `s${i}`, createdAt: '2026-03-09T12:00:00.000Z', services: [name], findings: [{ fp: `${name}-1`, severity: 'critical' }] }), 't');
    }
    const viewer = (await a.createToken({ role: 'viewer', label: 'v' })).token;
    const ordersOnly = (await a.createToken({ role: 'ingest', label: 'ci', services: ['orders'] })).token;
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    warmers.push(warmer);
    const app = createApp({ store: a, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW, pageWarmer: warmer, warmPagesOnStart: 10 });
    await warmer.idle();
    // A viewer's reads fill the cache with every answer of both services.
    for (const name of ['payments', 'orders']) for (const path of polled(name)) expect((await get(app, viewer, path)).status, path).toBe(200);
    for (const path of [...polled('payments'), '/api/v1/findings', '/api/v1/findings?service=payments&service=orders']) {
      for (const gzip of [false, true]) {
        const r = await get(app, ordersOnly, path, gzip);
        expect(r.status, `${path} for a credential of orders`).toBe(403);
        expect(r.text).not.toContain('payments-1');
      }
    }
    // A repeated parameter: the check and the answer both take the first value (orders' own answer).
    const repeated = await get(app, ordersOnly, '/api/v1/findings?service=orders&service=payments');
    expect(repeated.status).toBe(200);
    expect(repeated.text).not.toContain('payments-1');
    expect(repeated.text).toContain('orders-1');
    // Its own service: the same bytes a viewer gets.
    const own = await get(app, ordersOnly, '/api/v1/findings?service=orders');
    expect(own.status).toBe(200);
    expect(own.text).toBe((await get(app, viewer, '/api/v1/findings?service=orders')).text);
  });

  it("shows another process's triage, PR scan and snapshot on the next read of every cached answer", async () => {
    const a = await open();
    const b = await open();
    await a.ingestScan(makeReport({ scanId: 's1', createdAt: '2026-03-09T12:00:00.000Z', services: ['payments'], findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb', severity: 'low' }] }), 't');
    const viewer = (await a.createToken({ role: 'viewer', label: 'v' })).token;
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    warmers.push(warmer);
    const appA = createApp({ store: a, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW, pageWarmer: warmer, warmPagesOnStart: 10 });
    const fresh = createApp({ store: b, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW, cachePages: false });
    await warmer.idle();
    const expectFresh = async (step: string) => {
      await warmer.idle();
      for (const path of polled('payments')) {
        for (const gzip of [false, true]) {
          const got = await get(appA, viewer, path, gzip);
          expect(got.status).toBe(200);
          expect(got.text, `${step}: ${path}${gzip ? ' gzipped' : ''}`).toBe((await get(fresh, viewer, path)).text);
        }
      }
    };
    await expectFresh('start');
    const at = new Date('2026-03-10T11:00:00.000Z');
    await b.setTriage('payments', ['fp-aaaaa'], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', at), 'alice', at);
    await expectFresh('after a triage in another process');
    await b.ingestScan(makeReport({ scanId: 'pr1', kind: 'pr', createdAt: '2026-03-10T11:10:00.000Z', services: ['payments'], findings: [{ fp: 'ccccc', severity: 'high' }] }), 't');
    await expectFresh('after a PR scan in another process');
    await b.ingestScan(makeReport({ scanId: 's2', createdAt: '2026-03-10T11:20:00.000Z', services: ['payments'], findings: [{ fp: 'bbbbb', severity: 'low' }] }), 't');
    await expectFresh('after a snapshot in another process');
    await b.clearTriage('payments', ['fp-aaaaa'], 'alice', at);
    await expectFresh('after the triage was cleared in another process');
    // A service unknown to A (a 404, kept nowhere) that another process then creates.
    for (const path of polled('newsvc').slice(0, 3)) expect((await get(appA, viewer, path)).status, path).toBe(404);
    const empty = await get(appA, viewer, '/api/v1/findings?service=newsvc');
    expect(JSON.parse(empty.text)).toMatchObject({ items: [], total: 0 });
    await b.ingestScan(makeReport({ scanId: 'n1', createdAt: '2026-03-10T11:30:00.000Z', services: ['newsvc'], findings: [{ fp: 'nnnnn', service: 'newsvc' }] }), 't');
    for (const path of polled('newsvc')) {
      const got = await get(appA, viewer, path);
      expect(got.status, `${path} once another process created the service`).toBe(200);
      expect(got.text, path).toBe((await get(fresh, viewer, path)).text);
    }
  });
});
