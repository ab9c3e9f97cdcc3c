// A read that misses the cache pays PostgreSQL's planning too when its prepared statement is planned
// for each call's values (a "custom plan"): at 10 million findings that was ~1 ms of the findings
// page's and ~1.2 ms of a service read's CPU, each call. The per-service reads are written so that
// PostgreSQL settles on one plan per connection (a "generic plan"): the state of a findings filter is
// SQL text; the clock's values in a service's figures (and every value of the week's change read
// with them for a page's head) sit behind a sub-select and the scans' limit is text, so no value of a
// call can make its own plan look cheaper than the shared one.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../dashboard/store/postgres/open.js';
import { SUMMARY_FILL_SQL } from '../../../dashboard/store/summary.js';
import { freshPostgresDatabase } from './backends.js';
import { day, makeReport, type FindingSpec } from './report-builder.js';

const NOW = new Date('2026-03-01T09:30:00.000Z');
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;

/** A store on a fresh database with one pooled connection: it holds every prepared statement. */
function oneConnectionStore(): { get: () => PostgresStore } {
  let store: PostgresStore;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const made = await freshPostgresDatabase();
    drop = made.drop;
    store = await openPostgresStore(made.url, { poolSize: 1 });
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });
  return { get: () => store };
}

describe('postgres store: the findings page of a service is planned once per connection', () => {
  const s = oneConnectionStore();

  it('runs a generic plan after the first pages', async () => {
    const store = s.get();
    // Mostly fixed findings, as in a long-lived database (1 in 10 open): a plan for "the state is a
    // parameter" expected far more rows than one for 'open', so PostgreSQL kept planning each page.
    for (const service of ['payments', 'billing']) {
      const all: FindingSpec[] = Array.from({ length: 300 }, (_, i) => ({ fp: `${service}-${String(i).padStart(3, '0')}`, severity: SEVERITIES[i % 6], service }));
      await store.ingestScan(makeReport({ scanId: `${service}-1`, createdAt: day('2026-02-01'), services: [service], findings: all }), 't');
      await store.ingestScan(makeReport({ scanId: `${service}-2`, createdAt: day('2026-02-02'), services: [service], findings: all.filter((_, i) => i % 10 === 0) }), 't');
    }
    await store.pool.query('ANALYZE');
    for (let i = 0; i < 8; i++) await store.listFindings({ service: i % 2 ? 'payments' : 'billing', limit: 5, offset: 0 }, NOW);
    const plans = await store.pool.query<{ generic: string }>("SELECT generic_plans AS generic FROM pg_prepared_statements WHERE statement LIKE '%row_number()%'");
    expect(plans.rows).toHaveLength(1);
    expect(Number(plans.rows[0].generic)).toBeGreaterThan(0);
  });
});

describe("postgres store: a service's figures and scans are planned the same for every call", () => {
  const s = oneConnectionStore();

  beforeAll(async () => {
    // Rows written straight into the tables (as the 10M bench seeds them, smaller): 100 services x
    // 400 findings over 3 years (1 in 10 open), 60 daily snapshots each.
    const first = '2023-03-03';
    for (const sql of [
      `INSERT INTO services (name, path, first_seen_at, last_scan_at, last_snapshot_at, last_gate)
       SELECT 'svc-' || s, 'services/svc-' || s, '${first}T06:00:00.000Z', '2026-03-01T06:00:00.000Z', '2026-03-01T06:00:00.000Z', 'passed' FROM generate_series(1, 100) s`,
      `INSERT INTO scans (scan_id, kind, created_at, gate_outcome, finding_count, ingested_at, ingested_by)
       SELECT 'scan-' || s || '-' || d, 'snapshot', to_char(date '2026-01-01' + d, 'YYYY-MM-DD') || 'T06:00:00.000Z', 'passed', 40,
              to_char(date '2026-01-01' + d, 'YYYY-MM-DD') || 'T06:00:00.000Z', 'seed'
       FROM generate_series(1, 100) s, generate_series(0, 59) d`,
      `INSERT INTO scan_services (scan_pk, service_id, kind, created_at, gate_outcome, finding_count, counts, scanners)
       SELECT id, split_part(scan_id, '-', 2)::bigint, 'snapshot', created_at, 'passed', 40, '{"critical":0,"high":40,"medium":0,"low":0,"info":0,"unknown":0}', '[]' FROM scans`,
      `INSERT INTO posture_daily (service_id, day, critical, high, medium, low, info, unknown, total, snapshot_at)
       SELECT s, to_char(date '2026-01-01' + d, 'YYYY-MM-DD'), 1, 2, 3, 4, 0, 0, 10, to_char(date '2026-01-01' + d, 'YYYY-MM-DD') || 'T06:00:00.000Z'
       FROM generate_series(1, 100) s, generate_series(0, 59) d`,
      `INSERT INTO findings (service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available, state, suppressed,
                             first_seen_at, opened_at, last_seen_at, fixed_at, data)
       SELECT s, 'fp:' || s || ':' || f, 'trivy', 'dependency', 'CVE-' || f, 'title ' || f, (ARRAY['critical','high','medium','low'])[1 + f % 4],
              'package-lock.json', 1, CASE WHEN f % 10 = 0 THEN 'open' ELSE 'fixed' END, 0, opened, opened, '2026-03-01T06:00:00.000Z',
              CASE WHEN f % 10 = 0 THEN NULL ELSE '2026-03-01T06:00:00.000Z' END, '{}'
       FROM (SELECT s, f, to_char(timestamp '${first} 06:00' + ((s * 7919 + f * 104729) % 1095) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') AS opened
             FROM generate_series(1, 100) s, generate_series(1, 400) f) g`,
      SUMMARY_FILL_SQL,
      'ANALYZE',
    ]) {
      await s.get().pool.query(sql);
    }
  });

  it('the plan PostgreSQL makes for a call is the one it makes without its values', async () => {
    const store = s.get();
    const calls: pg.QueryConfig[] = [];
    const query = store.pool.query.bind(store.pool);
    (store.pool as unknown as { query: (c: unknown, v?: unknown) => unknown }).query = (c: unknown, v?: unknown) => {
      if (typeof c === 'object' && c !== null && 'name' in c) calls.push(c as pg.QueryConfig);
      return query(c as never, v as never);
    };
    expect((await store.getService('svc-7', NOW))?.name).toBe('svc-7');
    expect(await store.listScans('svc-7', 20)).toHaveLength(20);
    // A service page's head: the figures, the scans and the week's change in one statement.
    expect((await store.serviceHead('svc-7', NOW, new Date(NOW.getTime() - 7 * 86_400_000).toISOString(), 20))?.scans).toHaveLength(20);
    // With the chart's posture (a page nobody rendered).
    expect((await store.serviceHead('svc-7', NOW, new Date(NOW.getTime() - 7 * 86_400_000).toISOString(), 20, { from: '2025-12-02', to: '2026-03-01' }))?.posture).toHaveLength(60);
    const figures = calls.find((c) => c.text.includes('breach_rows') && !c.text.includes('scan_rows'))!;
    const scans = calls.find((c) => c.text.startsWith('SELECT sc.scan_id'))!;
    const head = calls.find((c) => c.text.includes('scan_rows') && c.text.includes('turn_baseline') && !c.text.includes('chart_rows'))!;
    const headWithChart = calls.find((c) => c.text.includes('chart_rows'))!;
    const client = await store.pool.connect();
    try {
      // EXPLAIN EXECUTE of the store's own prepared statement, planned for these values and without them.
      const cost = async (c: pg.QueryConfig, mode: string) => {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const args = (c.values ?? []).map((v) => (typeof v === 'number' ? String(v) : client.escapeLiteral(String(v))));
        const plan = await client.query<{ 'QUERY PLAN': { Plan: { 'Total Cost': number } }[] }>(`EXPLAIN (FORMAT JSON) EXECUTE ${c.name}${args.length ? `(${args.join(', ')})` : ''}`);
        return plan.rows[0]['QUERY PLAN'][0].Plan['Total Cost'];
      };
      for (const c of [figures, scans, head, headWithChart]) expect(await cost(c, 'force_custom_plan'), c.text.slice(0, 60)).toBe(await cost(c, 'force_generic_plan'));
      // And that one plan reads the service's own days: the change's baseline walked posture_by_day back
      // over every service's days (11 ms at 5,000 services x 3 years, where the rest took 1 ms).
      await client.query('SET plan_cache_mode = force_generic_plan');
      for (const c of [head, headWithChart]) {
        const args = (c.values ?? []).map((v) => (typeof v === 'number' ? String(v) : client.escapeLiteral(String(v))));
        const plan = JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) EXECUTE ${c.name}(${args.join(', ')})`)).rows);
        expect(plan).not.toContain('posture_by_day');
      }
    } finally {
      await client.query('RESET plan_cache_mode');
      client.release();
    }
  });

  it('an unknown service has no scans; a limit that is not a whole number is refused', async () => {
    const store = s.get();
    expect(await store.listScans('no-such-service', 20)).toEqual([]);
    expect(await store.listScans('svc-1', 0)).toEqual([]);
    await expect(store.listScans('svc-1', 2.5)).rejects.toThrow(/limit/);
    await expect(store.listScans('svc-1', Number.NaN)).rejects.toThrow(/limit/);
  });
});
