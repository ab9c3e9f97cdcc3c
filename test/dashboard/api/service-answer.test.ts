// GET /api/v1/services/:name through the app's cache (issue 14: at 5,000 services every read of it
// was two store reads): one answer per service version and minute, the same bytes as an uncached
// app computes, ages that follow the clock, and no answer kept for an unknown name. Both backends.
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, freshStoreEach } from '../store/backends.js';
import { makeReport } from '../store/report-builder.js';
import { watchCalls } from '../watch-calls.js';

describe.each(BACKENDS)('the service answer on %s', (backend) => {
  let store: Store;
  freshStoreEach(backend, (s) => (store = s));

  it('is read from the store once per service version and minute, equals the uncached answer, and follows the clock', async () => {
    let now = new Date('2026-06-01T12:00:30.000Z');
    const reads: string[] = [];
    const counted = watchCalls(store, ['getService', 'listScans'], (method, args) => reads.push(`${method}:${String(args[0])}`));
    const app = createApp({ store: counted, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => now });
    const uncached = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => now, cachePages: false });
    const ingest = (await store.createToken({ role: 'ingest', label: 'ci' })).token;
    const viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    const get = async (a: Hono<any>, path: string) => {
      const r = await a.request(path, { headers: { authorization: `Bearer ${viewer}` } });
      return { status: r.status, body: await r.text() };
    };
    const post = async (report: unknown) =>
      expect((await app.request('/api/v1/scans', { method: 'POST', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' }, body: JSON.stringify(report) })).status).toBe(201);

    // An unknown name: 404 each time, read each time (nothing kept for it).
    expect(await get(app, '/api/v1/services/payments')).toEqual({ status: 404, body: JSON.stringify({ error: 'no service "payments"', field: 'name' }) });
    expect(await get(app, '/api/v1/services/payments')).toMatchObject({ status: 404 });
    expect(reads.filter((r) => r.startsWith('getService'))).toEqual(['getService:payments', 'getService:payments']);

    // Created by an ingest: found. Findings opened days ago have ages the answer shows.
    await post(makeReport({ scanId: 'p1', createdAt: '2026-05-20T09:00:00.000Z', findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb' }] }));
    await post(makeReport({ scanId: 'b1', createdAt: '2026-05-21T09:00:00.000Z', services: ['billing'], findings: [{ fp: 'ccccc' }] }));
    reads.length = 0;
    const first = await get(app, '/api/v1/services/payments');
    expect(first.status).toBe(200);
    expect(first.body).toBe((await get(uncached, '/api/v1/services/payments')).body);
    expect(JSON.parse(first.body)).toMatchObject({ service: { name: 'payments', openTotal: 2 }, scans: [{ scanId: 'p1' }] });
    // Again, and after another service's ingest: from the cache.
    expect((await get(app, '/api/v1/services/payments')).body).toBe(first.body);
    await post(makeReport({ scanId: 'b2', createdAt: '2026-05-22T09:00:00.000Z', services: ['billing'], findings: [{ fp: 'ddddd' }] }));
    expect((await get(app, '/api/v1/services/payments')).body).toBe(first.body);
    expect(reads).toEqual(['getService:payments', 'listScans:payments']);

    // Two days later (same data): the ages moved, and the answer with them (an answer older than
    // CLOCK_LAG_MINUTES is computed again before it is served).
    now = new Date('2026-06-03T12:00:30.000Z');
    const later = await get(app, '/api/v1/services/payments');
    expect(later.body).not.toBe(first.body);
    expect(later.body).toBe((await get(uncached, '/api/v1/services/payments')).body);

    // Its own ingest: the new data at once.
    await post(makeReport({ scanId: 'p2', createdAt: '2026-06-03T09:00:00.000Z', findings: [{ fp: 'aaaaa', severity: 'critical' }] }));
    const changed = JSON.parse((await get(app, '/api/v1/services/payments')).body) as { service: { openTotal: number }; scans: { scanId: string }[] };
    expect(changed.service.openTotal).toBe(1);
    expect(changed.scans.map((s) => s.scanId)).toEqual(['p2', 'p1']);
  });
});
