// The SQLite ingest runs on a worker thread with its own connection (store/sqlite/ingest-thread.ts):
// the caller's event loop keeps turning while a scan is written; the caller's connection sees the
// scan and its data versions as soon as the ingest returns; a worker that dies mid-ingest leaves the
// file whole and the next ingest starts a fresh worker; the store connection's own write
// transactions (triage) wait for the worker's instead of failing with SQLITE_BUSY. `:memory:` keeps
// the ingest in-thread (another thread cannot see that database).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { IngestWorkerError, RepositoryMismatchError } from '../../../dashboard/store/errors.js';
import { openSqliteStore, type SqliteStore } from '../../../dashboard/store/sqlite/open.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import { day, makeReport } from './report-builder.js';
import { writeLockTaken } from './write-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ingest-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let opened: SqliteStore[] = [];
afterEach(async () => {
  for (const s of opened) await s.close();
  opened = [];
});

let files = 0;
function open(file = join(dir, `store-${files++}.db`)): SqliteStore {
  const store = openSqliteStore(file);
  opened.push(store);
  return store;
}

/** A scan large enough that its transaction takes a while on any machine. */
function bigReport(scanId: string, createdAt: string, findings = 6000) {
  return makeReport({ scanId, createdAt, services: ['payments'], findings: Array.from({ length: findings }, (_, i) => ({ fp: `big-${scanId}-${i}` })) });
}

/** Event-loop turns (setImmediate callbacks) of this thread until `work` settles. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; result: T }> {
  let turns = 0;
  let done = false;
  const turn = () => {
    if (done) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  try {
    const result = await work();
    return { turns, result };
  } finally {
    done = true;
  }
}

describe('SQLite ingest on its own thread', () => {
  it('lets the caller’s event loop turn while a scan is written', async () => {
    const store = open();
    await store.ingestWorker!.ready();
    const { turns, result } = await turnsDuring(() => store.ingestScan(bigReport('big-1', day('2026-03-01')), 'test'));
    expect(result.status).toBe('created');
    expect(turns).toBeGreaterThan(0);
  });

  it('shows the scan and its moved data versions to the store’s connection as soon as the ingest returns', async () => {
    const store = open();
    const moved: string[][] = [];
    store.onServicesMoved((names) => moved.push(names));
    await store.ingestScan(makeReport({ scanId: 'a-1', createdAt: day('2026-03-01'), services: ['billing'], findings: [{ fp: 'first' }] }), 'test');
    const global = await store.dataVersion();
    const billing = await store.serviceVersion('billing');
    const payments = await store.serviceVersion('payments');

    await store.ingestScan(makeReport({ scanId: 'p-1', createdAt: day('2026-03-02'), services: ['payments'], findings: [{ fp: 'second' }] }), 'test');
    // No waiting: the next read of the store's own connection sees what the worker committed.
    expect(await store.dataVersion()).toBeGreaterThan(global);
    expect(await store.serviceVersion('payments')).toBeGreaterThan(payments);
    expect(await store.serviceVersion('billing')).toBe(billing);
    expect(moved.at(-1)).toEqual(['payments']);
    expect((await store.listFindings({ service: 'payments', limit: 10, offset: 0 })).items.map((f) => f.fingerprint)).toEqual(['fp-second']);
  });

  it('rebuilds the typed errors of an ingest as the same classes', async () => {
    const store = open();
    await store.ingestScan(makeReport({ scanId: 'shop-1', createdAt: day('2026-03-01'), services: ['(root)'] }), 'test');
    const other = makeReport({ scanId: 'billing-1', createdAt: day('2026-03-02'), services: ['(root)'] });
    other.source = { ...other.source, repository: 'acme/billing' };
    const err = await store.ingestScan(other, 'test').then(
      () => undefined,
      (e: unknown) => e,
    );
    // The class and its fields, not only the message: the ingest route answers 409 with the field from them.
    expect(err).toBeInstanceOf(RepositoryMismatchError);
    expect(err).toMatchObject({ field: 'source.repository', service: '(root)', existing: 'acme/shop', incoming: 'acme/billing' });
  });

  it('a worker that dies mid-ingest: the ingest fails naming the scan, nothing of it is stored, the next ingest starts a fresh worker', async () => {
    const file = join(dir, 'dies.db');
    const store = open(file);
    await store.ingestScan(makeReport({ scanId: 'before', createdAt: day('2026-03-01'), findings: [{ fp: 'kept1' }] }), 'test');
    const first = store.ingestWorker!.threadId();
    const doomed = bigReport('doomed', day('2026-03-02'), 10_000);
    const ingest = store.ingestScan(doomed, 'test').then(
      () => undefined,
      (e: unknown) => e,
    );
    await writeLockTaken(file, ingest);
    await store.ingestWorker!.terminate();
    const err = await ingest;
    expect(err).toBeInstanceOf(IngestWorkerError);
    expect((err as Error).message).toContain('ingest of scan "doomed"');

    // SQLite rolled the transaction back as the worker's connection closed: the file is whole.
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare('SELECT scan_id FROM scans ORDER BY id').all()).toEqual([{ scan_id: 'before' }]);
      expect(check.prepare('SELECT count(*) AS n FROM findings').get()).toEqual({ n: 1 });
    } finally {
      check.close();
    }
    expect(await store.ingestScan(doomed, 'test')).toMatchObject({ status: 'created', opened: 10_000 });
    expect(store.ingestWorker!.threadId()).not.toBe(first);
  });

  it('a triage change on the store’s connection waits for the worker’s transaction instead of failing', async () => {
    const file = join(dir, 'triage.db');
    const store = open(file);
    await store.ingestScan(makeReport({ scanId: 'base', createdAt: day('2026-03-01'), findings: [{ fp: 'triaged' }] }), 'test');
    const big = store.ingestScan(bigReport('big', day('2026-03-02'), 4000), 'test');
    await writeLockTaken(file, big);
    // Its first statement reads: in a deferred transaction, its first write would meet the
    // worker's lock with SQLITE_BUSY at once (no busy wait for a transaction that has read).
    const now = new Date('2026-03-03T00:00:00Z');
    const r = await store.setTriage('payments', ['fp-triaged'], toTriageRecord({ status: 'false_positive', reason: 'fixture' }, 'alice', now), 'alice', now);
    expect(r).toEqual({ applied: 1, missing: [] });
    expect((await big).status).toBe('created');
  });

  it('`:memory:` ingests on the caller’s thread (no other thread can see that database)', async () => {
    const store = open(':memory:');
    expect(store.ingestWorker).toBeUndefined();
    const { turns, result } = await turnsDuring(() => store.ingestScan(makeReport({ scanId: 'm-1', createdAt: day('2026-03-01'), findings: [{ fp: 'mem01' }] }), 'test'));
    expect(result.status).toBe('created');
    expect(turns).toBe(0);
    expect((await store.listFindings({ service: 'payments', limit: 10, offset: 0 })).total).toBe(1);
  });
});
