// A service's findings page reads its own rows, not every open finding of the service (issue 14, 10
// million findings on PostgreSQL: the page read ~700 buffers, a heap page per open finding and a
// primary key probe per page row). PostgreSQL: the pick walks findings_open_page (migration 9) in
// the page's order and stops at the page's end, carrying the page's rows (each read once: no second
// read by the row version the pick saw, a Tid Scan, where the index gives the order), and the total
// comes from the summary (pg-generic-plans.test.ts: planned once per connection). SQLite: the pick
// reads the covering findings_by_service_state and the page is sorted once.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findingPageSql, findingSortSql, POSTGRES_PAGE, SEVERITY_SQL_RANK, SQLITE_PAGE } from '../../../dashboard/store/finding-page.js';
import type { FindingFilter, Store } from '../../../dashboard/store/types.js';
import { BACKENDS, freshStoreEach } from './backends.js';
import { day, makeReport, type FindingSpec } from './report-builder.js';

const NOW = new Date('2026-03-01T09:30:00.000Z');
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;

/** 30 open findings of `service` over every severity, and a few fixed ones. */
async function seed(store: Store, service: string): Promise<void> {
  const all: FindingSpec[] = Array.from({ length: 34 }, (_, i) => ({ fp: `${service}-${String(i).padStart(3, '0')}`, severity: SEVERITIES[i % 6], service }));
  await store.ingestScan(makeReport({ scanId: `${service}-1`, createdAt: day('2026-02-01'), services: [service], findings: all }), 't');
  await store.ingestScan(makeReport({ scanId: `${service}-2`, createdAt: day('2026-02-02'), services: [service], findings: all.slice(4) }), 't');
}

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

describe.each(BACKENDS)('%s store: a service findings page reads its own rows', (backend) => {
  let store: Store;
  freshStoreEach(backend, (s) => (store = s));

  it('picks the page in index order and stops at its end', async () => {
    for (const service of ['payments', 'billing', 'orders']) await seed(store, service);
    const filter: FindingFilter = { service: 'billing', limit: 5, offset: 0 };
    expect((await store.listFindings(filter, NOW)).total).toBe(30);
    if (backend === 'sqlite') {
      const db = (store as unknown as { db: Database.Database }).db;
      const page = findingPageSql(SQLITE_PAGE, findingSortSql('(julianday(COALESCE(f.fixed_at, ?)) - julianday(f.opened_at))'), filter, store.sla, NOW);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${page.sql}`).all(...page.params) as { detail: string }[]).map((r) => r.detail);
      expect(plan).toContain('SEARCH f USING COVERING INDEX findings_by_service_state (service_id=? AND state=?)');
      // One sort of the narrow rows; the page's numbering reuses its order.
      expect(plan.filter((d) => d.includes('TEMP B-TREE'))).toEqual(['USE TEMP B-TREE FOR ORDER BY']);
      return;
    }
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    const index = await pool.query<{ def: string }>("SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indexrelid = 'findings_open_page'::regclass");
    // The index's sort key is the statement's (else the planner cannot use its order).
    const bare = (sql: string) => sql.replace(/::text|ELSE NULL::integer|\s+/g, '');
    expect(bare(index.rows[0].def)).toContain(`(service_id,(${bare(SEVERITY_SQL_RANK.replace('CASE f.severity', 'CASE severity'))})DESC,opened_at,id)WHERE(state='open')`);
    await pool.query('VACUUM ANALYZE findings');
    const page = findingPageSql(POSTGRES_PAGE, findingSortSql('(EXTRACT(EPOCH FROM (COALESCE(f.fixed_at, ?)::timestamptz - f.opened_at::timestamptz)))'), filter, store.sla, NOW);
    const client = await pool.connect();
    try {
      // The planner's choice on a table of a few rows would be a scan and a sort whatever the indexes.
      await client.query('SET enable_seqscan = off');
      await client.query('SET enable_bitmapscan = off');
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${numbered(page.sql)}`, page.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index Scan using findings_open_page on findings \w+ \(actual rows=5 loops=1\)/);
      expect(plan).not.toContain('Sort Key');
      // The page's rows come with the pick: each read once.
      expect(plan).not.toContain('Tid Scan');
      expect(plan).toContain('service_summary');
      const planOf = async (f: FindingFilter) => {
        const sql = findingPageSql(POSTGRES_PAGE, findingSortSql('(EXTRACT(EPOCH FROM (COALESCE(f.fixed_at, ?)::timestamptz - f.opened_at::timestamptz)))'), f, store.sla, NOW);
        return (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${numbered(sql.sql)}`, sql.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      };
      // One severity: its range of the index (5 open findings of each severity here, a page of 2),
      // in either order (one rank: the index's opened_at, id), no sort, each row read once.
      for (const order of [undefined, 'asc'] as const) {
        const highPlan = await planOf({ ...filter, severity: 'high', order, limit: 2 });
        expect(highPlan).toMatch(/Index Scan using findings_open_page on findings \w+ \(actual rows=2 loops=1\)\n\s+Index Cond: \(\(service_id = \$\d+\) AND \(CASE severity/);
        expect(highPlan).not.toContain('Sort Key');
        expect(highPlan).not.toContain('Tid Scan');
      }
      // An order no index gives: the narrow rows are sorted, and only the page's rows are read again.
      const byTitle = await planOf({ ...filter, sort: 'title' });
      expect(byTitle).toContain('Sort Key');
      expect(byTitle).toMatch(/Tid Scan on findings f \(actual rows=1 loops=5\)/);
      // An export's page (up to 100,000 rows): the narrow pick (`p`: row version, name, place), its rows read again.
      const exportPlan = await planOf({ ...filter, limit: 100_000 });
      expect(exportPlan).toContain('Subquery Scan on p');
      expect(exportPlan).toMatch(/ctid = p\.k|ctid = q\.k/);
    } finally {
      await client.query('RESET ALL');
      client.release();
    }
  });
});
