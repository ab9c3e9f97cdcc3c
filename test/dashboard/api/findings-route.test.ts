// GET /api/v1/findings on both backends: the answer is JSON.stringify of { items, total, limit, offset }
// over the store's page, plain or gzipped at zlib's level 1 (about half of level 6's CPU for a page of
// 50 rows), cached or not.
import type { Hono } from 'hono';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');

describe.each(BACKENDS)('the findings API on %s', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let viewer: string;
  let cached: Hono<any>;
  let uncached: Hono<any>;

  beforeAll(async () => {
    const location = await storeLocation(backend);
    cleanup = location.cleanup;
    store = await openTestStore(location.location);
    viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    const findings = Array.from({ length: 60 }, (_, i) => ({ fp: `f${String(i).padStart(4, '0')}`, severity: (['critical', 'high', 'low'] as const)[i % 3] }));
    await store.ingestScan(makeReport({ scanId: 'a', createdAt: day('2026-01-03'), findings: findings.slice(0, 40) }), 't');
    await store.ingestScan(makeReport({ scanId: 'b', createdAt: day('2026-02-03'), findings: findings.slice(10) }), 't');
    const app = (cachePages?: boolean) => createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW, cachePages });
    cached = app();
    uncached = app(false);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const get = (app: Hono<any>, path: string, gzip = false) =>
    Promise.resolve(app.request(path, { headers: { authorization: `Bearer ${viewer}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } }));

  it.each([
    ['service=payments', { service: 'payments', limit: 50, offset: 0 }],
    ['service=payments&state=all&sort=age&limit=7&offset=3', { service: 'payments', state: 'all' as const, sort: 'age' as const, limit: 7, offset: 3 }],
    ['severity=low&order=asc', { severity: 'low' as const, order: 'asc' as const, limit: 50, offset: 0 }],
  ])('?%s: JSON.stringify of the page, plain and gzipped at level 1, cached or not', async (query, filter) => {
    const { items, total } = await store.listFindings(filter, NOW);
    expect(items.length).toBeGreaterThan(0);
    const expected = JSON.stringify({ items, total, limit: filter.limit, offset: filter.offset });
    for (const app of [cached, uncached, cached]) {
      const plain = await get(app, `/api/v1/findings?${query}`);
      expect(plain.status).toBe(200);
      expect(await plain.text()).toBe(expected);
      const zipped = await get(app, `/api/v1/findings?${query}`, true);
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      const gz = Buffer.from(await zipped.arrayBuffer());
      expect(gunzipSync(gz).toString('utf8')).toBe(expected);
      // zlib's fastest level: one gzip of it, about its size; level 6 is a tenth smaller.
      const level1 = gzipSync(expected, { level: 1 }).length;
      expect(gz.length).toBeGreaterThanOrEqual(0.9 * level1);
      expect(gz.length).toBeLessThanOrEqual(1.6 * level1 + 64);
    }
  });
});
