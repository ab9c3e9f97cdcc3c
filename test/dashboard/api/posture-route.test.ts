// GET /api/v1/services/:name/posture on both backends: the answer (the store's JSON text spliced in)
// is JSON.stringify of { service, from, to, points } byte for byte, gzipped (level 1) or not; an unknown
// service is a 404 that is not cached; a cached answer is served without reading the store.
import type { Hono } from 'hono';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { addDays } from '../../../dashboard/store/days.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { watchCalls } from '../watch-calls.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');

describe.each(BACKENDS)('the posture API on %s', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let viewer: string;
  let cached: Hono<any>;
  let uncached: Hono<any>;
  /** The store reads of the cached app, by method (serviceVersion not counted: a hit needs it). */
  const reads: string[] = [];

  beforeAll(async () => {
    const location = await storeLocation(backend);
    cleanup = location.cleanup;
    store = await openTestStore(location.location);
    viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    for (const [scanId, d, n] of [['a', '2026-01-03', 1], ['b', '2026-01-04', 3], ['c', '2026-02-27', 0], ['d', '2026-03-02', 2]] as const) {
      await store.ingestScan(makeReport({ scanId, createdAt: day(d), findings: Array.from({ length: n }, (_, i) => ({ fp: `f${i}`, severity: i ? 'low' : 'critical' })) }), 't');
    }
    await store.ingestScan(makeReport({ scanId: 'pr', kind: 'pr', createdAt: day('2026-01-05'), services: ['pr-only'], findings: [{ fp: 'p1', service: 'pr-only' }] }), 't');
    const counted = watchCalls(store, ['hasService', 'postureSeries', 'postureJson', 'getService'], (method, args) => reads.push(`${method}:${String(args[0])}`));
    const app = (s: Store, cachePages?: boolean) => createApp({ store: s, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW, cachePages });
    cached = app(counted);
    uncached = app(store, false);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const get = (app: Hono<any>, path: string, gzip = false) =>
    Promise.resolve(app.request(path, { headers: { authorization: `Bearer ${viewer}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } }));

  const windows: [string, string | undefined, string | undefined][] = [
    ['payments', '2025-12-01', '2026-12-01'], // before the first snapshot to long after the last
    ['payments', '2026-01-05', '2026-02-28'], // carried, then a snapshot
    ['payments', '2026-01-04', '2026-01-04'], // one day
    ['payments', '2025-01-01', '2025-12-31'], // before any snapshot: no points
    ['payments', undefined, undefined], // the default: 90 days to today
    ['payments', '2026-03-01', undefined],
    ['pr-only', '2026-01-01', '2026-03-10'], // a service without snapshots
  ];

  it.each(windows)('%s from %s to %s: JSON.stringify of the series, byte for byte, plain and gzipped, cached or not', async (service, from, to) => {
    const query = [from && `from=${from}`, to && `to=${to}`].filter(Boolean).join('&');
    const path = `/api/v1/services/${service}/posture${query ? `?${query}` : ''}`;
    const end = to ?? '2026-03-10';
    const start = from ?? addDays(end, -89);
    const expected = JSON.stringify({ service, from: start, to: end, points: await store.postureSeries(service, { from: start, to: end }) });
    for (const app of [cached, uncached, cached]) {
      const plain = await get(app, path);
      expect(plain.status).toBe(200);
      expect(await plain.text()).toBe(expected);
      const zipped = await get(app, path, true);
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      const gz = Buffer.from(await zipped.arrayBuffer());
      expect(gunzipSync(gz).toString('utf8')).toBe(expected);
      // zlib's fastest level (a third of the default's CPU for a year of points): one gzip of it, or
      // the 365 days (kept in pieces others are cut from) and cuts of them in pieces at that level
      // (narrower-answers.ts), about its size; level 6 is a fifth smaller.
      const level1 = gzipSync(expected, { level: 1 }).length;
      expect(gz.length).toBeGreaterThanOrEqual(0.9 * level1);
      expect(gz.length).toBeLessThanOrEqual(1.6 * level1 + 64);
    }
    if (service === 'payments' && from === '2025-12-01') expect((JSON.parse(expected) as { points: unknown[] }).points.length).toBeGreaterThan(300);
  });

  it('answers 404 naming the field for an unknown service, every time (a 404 is not cached), and 200 once it exists', async () => {
    const path = '/api/v1/services/later/posture?from=2026-03-01&to=2026-03-03';
    for (let i = 0; i < 2; i++) {
      const r = await get(cached, path);
      expect(r.status).toBe(404);
      expect(await r.json()).toEqual({ error: 'no service "later"', field: 'name' });
    }
    expect((await get(uncached, path)).status).toBe(404);
    await store.ingestScan(makeReport({ scanId: 'l1', createdAt: day('2026-03-02'), services: ['later'], findings: [{ fp: 'l1', service: 'later' }] }), 't');
    const r = await get(cached, path);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { points: { total: number; snapshot: boolean }[] }).points.map((p) => [p.total, p.snapshot])).toEqual([
      [1, true],
      [1, false],
    ]);
  });

  it('serves a cached answer without reading the store (no existence check, no series)', async () => {
    // Not inside a window kept (those are cut from it without a read: narrower-answers.test.ts).
    const path = '/api/v1/services/payments/posture?from=2025-01-01&to=2026-03-09';
    reads.length = 0;
    expect((await get(cached, path, true)).status).toBe(200);
    expect(reads).toEqual(['postureJson:payments']);
    reads.length = 0;
    for (const gzip of [true, false]) expect((await get(cached, path, gzip)).status).toBe(200);
    expect(reads).toEqual([]);
  });
});
