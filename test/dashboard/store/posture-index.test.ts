// A service's posture points are read from one contiguous key range on both backends (issue 14, 10
// million findings: a year of points read 377 heap pages on PostgreSQL, one per day): PostgreSQL's
// posture_points index covers every column the posture statements read, so they are index-only;
// SQLite's posture_daily is a WITHOUT ROWID table in (service_id, day) order.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { posturePointSql } from '../../../dashboard/store/posture.js';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, freshStoreEach } from './backends.js';
import { makeReport } from './report-builder.js';

/** The posture_daily columns a posture point reads (`p.<column>` in its SQL). */
const pointColumns = [...new Set([...posturePointSql('postgres', 'p').matchAll(/\bp\.(\w+)/g)].map((m) => m[1]))];

describe.each(BACKENDS)('%s store: posture points in key order', (backend) => {
  let store: Store;
  freshStoreEach(backend, (s) => (store = s));

  it("reads a service's points from one key range without the table's other pages", async () => {
    expect(pointColumns).toEqual(['day', 'critical', 'high', 'medium', 'low', 'info', 'unknown', 'total']);
    // Two services snapshotted on the same days: their rows interleave in the order they were written.
    for (let d = 1; d <= 20; d++) {
      for (const service of ['payments', 'billing']) {
        const at = `2026-03-${String(d).padStart(2, '0')}T06:00:00.000Z`;
        await store.ingestScan(makeReport({ scanId: `${service}-${d}`, createdAt: at, services: [service], findings: d % 3 ? [{ fp: 'aaaaa', service }] : [] }), 'test');
      }
    }
    const series = await store.postureSeries('payments', { from: '2026-03-01', to: '2026-03-20' });
    expect(series).toHaveLength(20);
    if (backend === 'sqlite') {
      const db = (store as unknown as { db: Database.Database }).db;
      const table = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'posture_daily'").get() as { sql: string };
      expect(table.sql).toMatch(/PRIMARY KEY \(service_id, day\)\s*\)\s*WITHOUT ROWID/);
      return;
    }
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    const index = await pool.query<{ def: string }>("SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'posture_daily' AND indexname = 'posture_points'");
    expect(index.rows[0]?.def).toMatch(/\(service_id, day\) INCLUDE \((\w+(, )?)+\)/);
    const included = /INCLUDE \(([^)]*)\)/.exec(index.rows[0].def)![1].split(', ');
    for (const column of pointColumns.filter((c) => c !== 'day')) expect(included, column).toContain(column);
    // The planner's choice on a visible table, the statement's own range: index-only, no heap page.
    await pool.query('VACUUM ANALYZE posture_daily');
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      await client.query('SET enable_bitmapscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, COSTS OFF) SELECT string_agg(${posturePointSql('postgres', 'p')}, ',' ORDER BY p.day) FROM posture_daily p
         WHERE p.service_id = (SELECT id FROM services WHERE name = 'payments') AND p.day >= '2026-03-01' AND p.day <= '2026-03-20'`,
      );
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('Index Only Scan using posture_points on posture_daily p');
      expect(text).toContain('Heap Fetches: 0');
    } finally {
      await client.query('RESET ALL');
      client.release();
    }
  });
});
