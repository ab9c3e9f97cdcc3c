// The PostgreSQL store's pool keeps its connections through quiet moments: a new connection plans
// every prepared statement again with cold catalog caches (15-20 ms per statement on its first reads
// at 10 million findings), so closing idle ones after pg's default 10 s made the first requests of
// every burst pay it. The clock is faked: minutes pass without waiting for them.
// It holds 8 by default, not 16: each backend pays its own statement plans, catalog caches and first
// touches of the shared buffers (open.ts, DEFAULT_POOL_SIZE), so a burst spread over 16 cost
// PostgreSQL about twice the CPU per read.
// The data versions every request reads first go on a connection of their own: with the pool's
// connections all busy with a burst's page reads, a request waited for one twice.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import { DEFAULT_POOL_SIZE, openPostgresStore, type PostgresStore } from '../../../dashboard/store/postgres/open.js';
import { freshPostgresDatabase } from './backends.js';

describe('postgres store: the connection pool', () => {
  let store: PostgresStore | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await store?.close();
    await drop?.();
    store = drop = undefined;
  });

  it('keeps an idle connection, with its prepared statements, through an hour without requests', async () => {
    const made = await freshPostgresDatabase();
    drop = made.drop;
    store = await openPostgresStore(made.url, { poolSize: 1 });
    const backend = async () => Number((await store!.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const first = await backend();
    expect(await store.hasService('payments')).toBe(false);
    expect(store.pool.idleCount).toBe(1);
    vi.advanceTimersByTime(3_600_000);
    expect(store.pool.idleCount).toBe(1);
    expect(store.pool.totalCount).toBe(1);
    expect(await backend()).toBe(first);
  });

  it('spreads a burst of reads over 8 connections by default', async () => {
    const made = await freshPostgresDatabase();
    drop = made.drop;
    store = await openPostgresStore(made.url);
    // 24 reads at once, each holding its connection a moment: the pool opens what it may and queues the rest.
    const pids = await Promise.all(
      Array.from({ length: 24 }, async () => Number((await store!.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)')).rows[0].pid)),
    );
    expect(new Set(pids).size).toBe(8);
    expect(store.pool.totalCount).toBe(8);
  });

  it('reads the data versions while every pooled connection is taken', async () => {
    const made = await freshPostgresDatabase();
    drop = made.drop;
    store = await openPostgresStore(made.url);
    const before = await store.dataVersion();
    // Every connection of the pool checked out, as by a burst of long reads.
    const held: pg.PoolClient[] = [];
    for (let i = 0; i < DEFAULT_POOL_SIZE; i++) held.push(await store.pool.connect());
    try {
      expect(store.pool.totalCount).toBe(DEFAULT_POOL_SIZE);
      // With the versions read through the pool this waited for a connection (and failed after its 10 s timeout).
      expect(await store.dataVersion()).toBe(before);
      expect(await store.serviceVersion('payments')).toBe(before);
    } finally {
      for (const c of held) c.release();
    }
  });
});
