// Review: the findings list's one statement (store/finding-page.ts) compares the offset with 0 to
// decide whether the page gives the total. On PostgreSQL `$n = 0` typed that parameter as a 32-bit
// integer, so any offset from 2^31 on (the API takes offsets up to 2^53 - 1) was a 500 there, while
// the earlier LIMIT/OFFSET statement (64-bit) and SQLite answered the empty page and the total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';

describe.each(BACKENDS)('the findings API on %s at offsets past 32 bits', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: Hono<any>;
  let viewer: string;
  beforeAll(async () => {
    const location = await storeLocation(backend);
    cleanup = location.cleanup;
    store = await openTestStore(location.location);
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'aaaaa' }, { fp: 'bbbbb' }, { fp: 'ccccc' }] }), 't');
    viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => new Date('2026-01-02T00:00:00.000Z') });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it.each([2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER])('offset %d: the empty page and the total', async (offset) => {
    for (const query of [`offset=${offset}`, `offset=${offset}&limit=1&service=payments`, `offset=${offset}&state=all&sort=age`]) {
      const res = await app.request(`/api/v1/findings?${query}`, { headers: { authorization: `Bearer ${viewer}` } });
      expect(res.status, query).toBe(200);
      const body = (await res.json()) as { items: unknown[]; total: number; offset: number };
      expect({ items: body.items, total: body.total, offset: body.offset }).toEqual({ items: [], total: 3, offset });
    }
    const page = await store.listFindings({ state: 'all', limit: 500, offset }, new Date('2026-01-02T00:00:00.000Z'));
    expect(page).toEqual({ items: [], total: 3 });
  });
});
