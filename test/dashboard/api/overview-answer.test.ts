// GET /api/v1/services on both backends: the store's overview with each service's trend as totals
// over the answer's one list of days (the days were 60% of the answer, the same for every service),
// and an ETag a polling client sends back to get a 304 while the overview is the same.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import type { Store } from '../../../dashboard/store/types.js';
import { ServicesResponseSchema } from '../../../src/report/read-api.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, freshStoreEach } from '../store/backends.js';
import { makeReport } from '../store/report-builder.js';

describe.each(BACKENDS)('the overview answer on %s', (backend) => {
  let store: Store;
  freshStoreEach(backend, (s) => (store = s));

  const setUp = async () => {
    const now = new Date('2026-06-01T12:00:30.000Z');
    const app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => now });
    const ingest = (await store.createToken({ role: 'ingest', label: 'ci' })).token;
    const viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    const get = (headers: Record<string, string> = {}) => app.request('/api/v1/services', { headers: { authorization: `Bearer ${viewer}`, ...headers } });
    const post = async (report: unknown) =>
      expect((await app.request('/api/v1/scans', { method: 'POST', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' }, body: JSON.stringify(report) })).status).toBe(201);
    return { now, get, post };
  };

  it("is the store's overview with each trend as totals over the answer's trendDays", async () => {
    const { now, get, post } = await setUp();
    await post(makeReport({ scanId: 'p1', createdAt: '2026-05-10T09:00:00.000Z', findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb' }] }));
    await post(makeReport({ scanId: 'p2', createdAt: '2026-05-25T09:00:00.000Z', findings: [{ fp: 'aaaaa', severity: 'critical' }] }));
    await post(makeReport({ scanId: 'b1', createdAt: '2026-05-20T09:00:00.000Z', services: ['billing'], findings: [{ fp: 'ccccc' }] }));

    const text = await (await get()).text();
    expect(text).not.toContain('"day"');
    const answer = ServicesResponseSchema.strict().parse(JSON.parse(text));
    const rows = await store.listServiceOverview(now);
    expect(rows.map((r) => r.name)).toEqual(['billing', 'payments']);
    expect(answer.trendDays).toEqual(rows[0].trend.map((p) => p.day));
    expect(answer.trendDays).toHaveLength(30);
    expect(answer.trendDays.at(-1)).toBe('2026-06-01');
    // Every service's days are the answer's; nothing else of a row is lost or changed.
    expect(answer.services).toEqual(
      rows.map(({ trend, ...row }) => {
        expect(trend.map((p) => p.day)).toEqual(answer.trendDays);
        return { ...row, trendTotals: trend.map((p) => p.total) };
      }),
    );
    const billing = answer.services[0].trendTotals;
    // Null before billing's first snapshot (2026-05-20), 1 from then on.
    expect(billing[answer.trendDays.indexOf('2026-05-19')]).toBeNull();
    expect(billing.slice(answer.trendDays.indexOf('2026-05-20'))).toEqual(Array(13).fill(1));
  });

  it('tags the overview: If-None-Match with its tag gets a 304 without a body, until the data changes', async () => {
    const { get, post } = await setUp();
    await post(makeReport({ scanId: 'p1', createdAt: '2026-05-10T09:00:00.000Z', findings: [{ fp: 'aaaaa', severity: 'critical' }] }));

    const zipped = await get({ 'accept-encoding': 'gzip' });
    const plain = await get();
    const tag = zipped.headers.get('etag');
    expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    // One tag for both encodings of the same JSON (a weak tag).
    expect(plain.headers.get('etag')).toBe(tag);
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(await plain.text());

    for (const ifNoneMatch of [tag!, `"other", ${tag}`, tag!.slice(2), '*']) {
      const again = await get({ 'if-none-match': ifNoneMatch, 'accept-encoding': 'gzip' });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(tag);
      expect(await again.text()).toBe('');
    }
    expect((await get({ 'if-none-match': 'W/"other"' })).status).toBe(200);

    // New data: the old tag gets the new overview and its own tag.
    await post(makeReport({ scanId: 'p2', createdAt: '2026-05-11T09:00:00.000Z', findings: [] }));
    const changed = await get({ 'if-none-match': tag! });
    expect(changed.status).toBe(200);
    const newTag = changed.headers.get('etag');
    expect(newTag).not.toBe(tag);
    expect(JSON.parse(await changed.text()).services[0].openTotal).toBe(0);
    expect((await get({ 'if-none-match': newTag! })).status).toBe(304);
  });
});
