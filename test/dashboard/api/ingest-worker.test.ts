// POST /api/v1/scans on a SQLite dashboard, whose ingests run on the store's worker thread
// (store/sqlite/ingest-thread.ts): an ingest's typed errors keep their status and field; a worker
// that dies mid-ingest answers 503 naming the scan, stores nothing of it, and the same upload
// again is taken by a fresh worker.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../../dashboard/store/sqlite/open.js';
import { day, makeReport } from '../store/report-builder.js';
import { writeLockTaken } from '../store/write-lock.js';
import { ADMIN_TOKEN, startTestDashboard, type TestDashboard } from './harness.js';

let t: TestDashboard | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('ingest over HTTP with the SQLite ingest worker', () => {
  it('answers a repository mismatch 409 with its field, as in-thread', async () => {
    t = await startTestDashboard();
    const shop = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: makeReport({ scanId: 'shop-1', createdAt: day('2026-03-01'), services: ['(root)'] }) });
    expect(shop.status).toBe(201);
    const other = makeReport({ scanId: 'billing-1', createdAt: day('2026-03-02'), services: ['(root)'] });
    other.source = { ...other.source, repository: 'acme/billing' };
    const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: other });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: string; field?: string };
    expect(body.field).toBe('source.repository');
    expect(body.error).toContain('source.repository "acme/billing" is not the repository of service "(root)" ("acme/shop"); nothing was stored');
  });

  it('answers 503 naming the scan when the worker dies mid-ingest; nothing of it is stored; the same upload again is taken', async () => {
    t = await startTestDashboard();
    const store = t.dash.store as SqliteStore;
    const report = makeReport({
      scanId: 'dies-mid-ingest',
      createdAt: day('2026-03-01'),
      findings: Array.from({ length: 10_000 }, (_, i) => ({ fp: `mid-${i}` })),
    });
    const upload = t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
    await writeLockTaken(t.file, upload);
    await store.ingestWorker!.terminate();
    const res = await upload;
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string; field?: string };
    expect(body.error).toContain('ingest of scan "dies-mid-ingest" got no answer: the ingest worker thread stopped');
    expect(body.field).toBeUndefined();

    const check = new Database(t.file, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare('SELECT count(*) AS n FROM scans').get()).toEqual({ n: 0 });
      expect(check.prepare('SELECT count(*) AS n FROM findings').get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
    const again = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: report });
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ status: 'created', opened: 10_000 });
  });
});
