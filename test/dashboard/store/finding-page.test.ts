// A findings page is one statement (finding-page.ts): the page's rows as JSON built by the database and
// the total from the same statement. It must answer exactly what the two statements before it did (a
// count, then the page's rows with the whole stored finding turned into rows in Node): the same
// items, in the same order, with the same total and the same ages and SLA fields at the same instant,
// for every filter the API takes, on both backends. The reference below is that earlier path.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRead } from '../../../dashboard/store/postgres/read.js';
import { FINDING_ROW_SELECT, FINDING_TRIAGE_COLUMNS, toFindingRow, type FindingRowDbRow } from '../../../dashboard/store/rows.js';
import { findingSortSql } from '../../../dashboard/store/finding-page.js';
import { breachCondition } from '../../../dashboard/store/exploit.js';
import { createSqliteRead } from '../../../dashboard/store/sqlite/read.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { FindingFilter, FindingRow, SlaDays, Store } from '../../../dashboard/store/types.js';
import type { Finding, Severity } from '../../../src/findings/finding.js';
import { BACKENDS, openTestStore, storeLocation, type Backend } from './backends.js';
import { day, makeReport, type FindingSpec } from './report-builder.js';

type Page = { items: FindingRow[]; total: number };

/**
 * The filter's conditions as the earlier statements spelled them (frozen here: the page statement's own
 * now picks a service by id, names the state in its text and counts from the summary).
 */
function referenceWhere(filter: FindingFilter, sla: SlaDays, now: Date): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('s.name = ?', filter.service);
  add('f.severity = ?', filter.severity);
  add('f.category = ?', filter.category);
  add('f.tool = ?', filter.tool);
  const state = filter.state ?? 'open';
  if (state !== 'all') add('f.state = ?', state);
  if (filter.kev !== undefined) where.push(filter.kev ? 'f.kev = 1' : 'f.kev = 0');
  if (filter.epssMin !== undefined) {
    where.push('f.epss >= ?');
    params.push(filter.epssMin);
  }
  if (filter.epssPercentileMin !== undefined) {
    where.push('f.epss_percentile >= ?');
    params.push(filter.epssPercentileMin);
  }
  if (filter.slaBreached !== undefined) {
    const breach = breachCondition(sla, now);
    where.push(filter.slaBreached ? breach.sql : `NOT ${breach.sql}`);
    params.push(...breach.params);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** The earlier listFindings: a count, then the page's rows (the stored finding whole), rows built in Node. */
async function referencePage(backend: Backend, handle: Database.Database | pg.Pool, filter: FindingFilter, sla: SlaDays, now: Date): Promise<Page> {
  const ageExpr =
    backend === 'sqlite'
      ? '(julianday(COALESCE(f.fixed_at, ?)) - julianday(f.opened_at))'
      : '(EXTRACT(EPOCH FROM (COALESCE(f.fixed_at, ?)::timestamptz - f.opened_at::timestamptz)))';
  const where = referenceWhere(filter, sla, now);
  const sort = findingSortSql(ageExpr)[filter.sort ?? 'severity'];
  const order = filter.order ?? sort.defaultOrder;
  const orderParams = filter.sort === 'age' ? [now.toISOString()] : [];
  const from = 'FROM findings f JOIN services s ON s.id = f.service_id LEFT JOIN triage t ON t.service_id = f.service_id AND t.fingerprint = f.fingerprint';
  const countSql = `SELECT count(*) AS n ${from} ${where.sql}`;
  const listSql = `SELECT ${FINDING_ROW_SELECT}, s.name AS service, ${FINDING_TRIAGE_COLUMNS} ${from} ${where.sql} ORDER BY ${sort.expr} ${order.toUpperCase()}, f.opened_at ASC, f.id ASC LIMIT ? OFFSET ?`;
  const listParams = [...where.params, ...orderParams, filter.limit, filter.offset];
  if (backend === 'sqlite') {
    const db = handle as Database.Database;
    const total = (db.prepare(countSql).get(...where.params) as { n: number }).n;
    const rows = db.prepare(listSql).all(...listParams) as FindingRowDbRow[];
    return { items: rows.map((r) => toFindingRow(r, now, sla)), total };
  }
  const pool = handle as pg.Pool;
  let n = 0;
  const numbered = (sql: string) => sql.replace(/\?/g, () => `$${++n}`);
  const total = Number((await pool.query<{ n: string }>(numbered(countSql), where.params)).rows[0].n);
  n = 0;
  const rows = (await pool.query<FindingRowDbRow>(numbered(listSql), listParams)).rows;
  return { items: rows.map((r) => toFindingRow(r, now, sla)), total };
}

const NOW = new Date('2026-03-01T09:30:00.000Z');
const SEVERITY_CYCLE: Severity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];
const TOOLS: { tool: string; category: Finding['category'] }[] = [
  { tool: 'trivy', category: 'dependency' },
  { tool: 'semgrep', category: 'sast' },
  { tool: 'grype', category: 'container' },
];

/** Findings of one service: every severity, tool, suppression, KEV and EPSS shape, tied titles and odd text. */
function findingsOf(service: string, count: number, salt: number): FindingSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const t = TOOLS[(i + salt) % TOOLS.length];
    const extra: Partial<Finding> = {};
    if (i % 7 === 0) extra.kev = { cve: `CVE-2025-${i}`, dateAdded: '2025-12-01', dueDate: i % 14 === 0 ? '2026-02-01' : '2026-04-01', ransomware: i % 2 ? 'known' : 'unknown', name: `listing "${i}"` };
    if (i % 5 === 0) extra.kev = { cve: `CVE-2025-${i}`, dateAdded: '2025-12-01', ransomware: 'unknown' };
    // Numbers whose text must come back as the same double (and a tie for the EPSS sort).
    const probabilities = [0.1 + 0.2, 1e-7, 0.00043, 0.97, 0.5, 0.5];
    if (i % 3 === 0) extra.epss = { cve: `CVE-2025-${i}`, probability: probabilities[i % probabilities.length], percentile: (i % 10) / 10 + 0.01 };
    if (i % 11 === 0) extra.location = { image: 'registry.test/app:1 \u00e9\u{1F600}' };
    if (i % 13 === 0) extra.location = { path: 'src/a "b"\\c.ts', startLine: 3, endLine: 9, startColumn: 1, endColumn: 2 };
    return {
      fp: `${service}-${String(i).padStart(3, '0')}`,
      severity: SEVERITY_CYCLE[(i * 5 + salt) % SEVERITY_CYCLE.length],
      tool: t.tool,
      category: t.category,
      // Ties on title (sort=title) are ordered by opened_at, then id.
      title: i % 4 === 0 ? 'same title' : `title ${String.fromCharCode(65 + ((i * 7) % 26))} <${i}> "q" \u202E`,
      suppressed: i % 9 === 4,
      extra,
    };
  });
}

describe.each(BACKENDS)('%s findings page (one statement) against the earlier two-statement path', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let location: string;
  let handle: Database.Database | pg.Pool;

  beforeAll(async () => {
    const at = await storeLocation(backend);
    cleanup = at.cleanup;
    location = at.location;
    store = await openTestStore(location);
    const big = findingsOf('payments', 120, 0);
    const small = findingsOf('orders', 23, 1);
    // Snapshots on different days: findings opened on different days, some fixed, some reopened.
    const days = ['2025-10-01', '2025-12-20', '2026-01-15', '2026-02-10', '2026-02-27'];
    for (const [k, d] of days.entries()) {
      const keep = (_f: FindingSpec, i: number) => i < 40 + k * 20 && !(k === 3 && i % 6 === 1) && !(k === 2 && i % 8 === 3);
      await store.ingestScan(makeReport({ scanId: `p${k}`, createdAt: day(d), services: ['payments'], findings: big.filter(keep) }), 't');
      await store.ingestScan(makeReport({ scanId: `o${k}`, createdAt: day(d, '08:00:00'), services: ['orders'], findings: small.filter((_, i) => i < 10 + k * 4 && !(k === 4 && i % 5 === 2)) }), 't');
    }
    await store.ingestScan(makeReport({ scanId: 'e0', createdAt: day('2026-02-27'), services: ['empty'], findings: [] }), 't');
    // Triage: one in force, one acceptance already past its date (not swept yet), one not affected.
    await store.setTriage('payments', ['fp-payments-001', 'fp-payments-002'], toTriageRecord({ status: 'false_positive', reason: 'fixture' }, 'alice', new Date(day('2026-02-27'))), 'alice', new Date(day('2026-02-27')));
    await store.setTriage('payments', ['fp-payments-006'], toTriageRecord({ status: 'accepted_risk', reason: 'later', owner: 'bob', until: '2026-02-28' }, 'bob', new Date(day('2026-02-27'))), 'bob', new Date(day('2026-02-27')));
    await store.setTriage('orders', ['fp-orders-003'], toTriageRecord({ status: 'not_affected', reason: 'unused', justification: 'vulnerable_code_not_present' }, 'carol', new Date(day('2026-02-27'))), 'carol', new Date(day('2026-02-27')));
    handle = backend === 'sqlite' ? new Database(location, { readonly: true }) : new pg.Pool({ connectionString: location, max: 2 });
  });
  afterAll(async () => {
    if (handle instanceof pg.Pool) await handle.end();
    else handle?.close();
    await store.close();
    await cleanup();
  });

  const same = async (filter: FindingFilter) => {
    const got = await store.listFindings(filter, NOW);
    const want = await referencePage(backend, handle, filter, store.sla, NOW);
    expect(JSON.stringify(got), JSON.stringify(filter)).toBe(JSON.stringify(want));
    // The same page as its fingerprints (a service page's views pick kept rows with them).
    expect(await store.listFindingKeys(filter, NOW), JSON.stringify(filter)).toEqual({ fingerprints: want.items.map((r) => r.fingerprint), total: want.total });
    return want;
  };

  it('the fixture has what the comparisons need (full pages, every state, triage, KEV, EPSS, breaches)', async () => {
    const all = await same({ state: 'all', limit: 500, offset: 0 });
    expect(all.total).toBeGreaterThan(120);
    const rows = all.items;
    expect(rows.some((r) => r.state === 'fixed')).toBe(true);
    expect(rows.some((r) => r.suppressed)).toBe(true);
    expect(rows.some((r) => r.triage?.status === 'false_positive')).toBe(true);
    // The acceptance past its date is stored but no longer holds.
    expect(rows.find((r) => r.fingerprint === 'fp-payments-006')?.triage).toBeNull();
    expect(rows.some((r) => r.kev?.dueDate)).toBe(true);
    expect(rows.some((r) => r.epss?.probability === 0.1 + 0.2)).toBe(true);
    expect(rows.some((r) => r.slaBreached)).toBe(true);
    expect(rows.some((r) => r.slaDueAt !== null && !r.slaBreached)).toBe(true);
    expect(rows.some((r) => 'image' in r.location)).toBe(true);
  });

  it('answers every service, sort and order the same, default page', async () => {
    for (const service of [undefined, 'payments', 'orders', 'empty', 'no-such-service']) {
      for (const sort of ['severity', 'age', 'firstSeen', 'lastSeen', 'title', 'tool', 'service', 'epss'] as const) {
        for (const order of [undefined, 'asc', 'desc'] as const) {
          for (const state of ['open', 'all'] as const) await same({ service, sort, order, state, limit: 50, offset: 0 });
        }
      }
    }
  });

  it('answers every filter the API takes the same', async () => {
    const filters: Omit<FindingFilter, 'limit' | 'offset'>[] = [
      ...(['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const).map((severity) => ({ severity })),
      ...(['open', 'fixed', 'all'] as const).map((state) => ({ state })),
      { tool: 'semgrep' },
      { tool: 'no-such-tool' },
      { category: 'container' },
      { kev: true },
      { kev: false, state: 'all' },
      { epssMin: 0.3 },
      { epssMin: 0.1 + 0.2 },
      { epssPercentileMin: 0.5, sort: 'epss' },
      { slaBreached: true },
      { slaBreached: false, state: 'all' },
      { slaBreached: true, kev: true, sort: 'age' },
      { severity: 'high', tool: 'trivy', state: 'all', sort: 'title', order: 'asc' },
      // One severity by age, oldest first or last: read in findings_open_page's order on PostgreSQL
      // (ties in opened_at: findings one scan opened together), and by age over every severity.
      ...(['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const).flatMap((severity) => [
        { severity, sort: 'age' as const },
        { severity, sort: 'age' as const, order: 'asc' as const },
      ]),
      { sort: 'age', tool: 'semgrep' },
    ];
    for (const service of [undefined, 'payments', 'orders', 'empty']) {
      for (const f of filters) {
        await same({ ...f, service, limit: 50, offset: 0 });
        await same({ ...f, service, limit: 3, offset: 2 });
      }
    }
  });

  it('answers the same at the edges of limit and offset (the total without a count where the page gives it)', async () => {
    for (const base of [{ service: 'payments' }, { service: 'orders', state: 'all' as const }, { state: 'all' as const, sort: 'age' as const }, { service: 'empty' }]) {
      const { total } = await same({ ...base, limit: 500, offset: 0 });
      const edges = new Set([0, 1, 2, total - 2, total - 1, total, total + 1, total + 7].filter((x) => x >= 1 && x <= 500));
      for (const limit of [1, ...edges]) {
        for (const offset of new Set([0, 1, total - limit, total - limit + 1, total - 1, total, total + 3].filter((x) => x >= 0))) {
          await same({ ...base, limit, offset });
        }
      }
    }
  });
});

describe.each(BACKENDS)('%s findings page over random histories of several services against the earlier path', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let handle: Database.Database | pg.Pool;
  const services = ['alpha', 'beta', 'gamma', 'delta', 'omega'];

  beforeAll(async () => {
    const at = await storeLocation(backend);
    cleanup = at.cleanup;
    store = await openTestStore(at.location);
    let seed = 20261201;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    // Each service: 30-110 findings seen on some of 8 snapshot days (opened, fixed, reopened; ties of
    // opened_at within a day), every severity, suppressions; services ingested in one interleaved order.
    const pools = services.map((service, k) =>
      Array.from({ length: 30 + rnd(80) }, (_, i): FindingSpec => ({
        fp: `${service}-${String(i).padStart(3, '0')}`,
        severity: SEVERITY_CYCLE[rnd(6)],
        tool: TOOLS[(i + k) % TOOLS.length].tool,
        category: TOOLS[(i + k) % TOOLS.length].category,
        title: i % 5 === 0 ? 'same title' : `t${rnd(50)}`,
        suppressed: rnd(10) === 0,
      })),
    );
    for (let d = 0; d < 8; d++) {
      for (const [k, service] of services.entries()) {
        if (service === 'omega' && d > 2) continue; // a service whose findings all stay as last seen
        const seen = pools[k].filter(() => rnd(4) !== 0);
        await store.ingestScan(makeReport({ scanId: `${service}-${d}`, createdAt: day(`2026-02-${String(10 + d * 2).padStart(2, '0')}`, `0${k}:00:00`), services: [service], findings: seen }), 't');
      }
    }
    // Everything of delta fixed at the end: its summary counts fall to zero.
    await store.ingestScan(makeReport({ scanId: 'delta-end', createdAt: day('2026-02-27'), services: ['delta'], findings: [] }), 't');
    const at27 = new Date(day('2026-02-27'));
    await store.setTriage('alpha', pools[0].slice(0, 4).map((f) => `fp-${f.fp}`), toTriageRecord({ status: 'false_positive', reason: 'r' }, 'alice', at27), 'alice', at27);
    await store.setTriage('beta', pools[1].slice(2, 5).map((f) => `fp-${f.fp}`), toTriageRecord({ status: 'accepted_risk', reason: 'r', owner: 'o', until: '2026-02-28' }, 'bob', at27), 'bob', at27);
    handle = backend === 'sqlite' ? new Database(at.location, { readonly: true }) : new pg.Pool({ connectionString: at.location, max: 2 });
  });
  afterAll(async () => {
    if (handle instanceof pg.Pool) await handle.end();
    else handle?.close();
    await store.close();
    await cleanup();
  });

  it('answers every service, state, severity and sort the same at many limits and offsets', async () => {
    let compared = 0;
    let counted = 0;
    for (const service of [...services, undefined]) {
      for (const state of [undefined, 'open', 'fixed', 'all'] as const) {
        for (const severity of [undefined, 'critical', 'unknown'] as const) {
          for (const sort of ['severity', 'age', 'service'] as const) {
            for (const order of [undefined, 'asc'] as const) {
              const filter = { service, state, severity, sort, order };
              const whole = await referencePage(backend, handle, { ...filter, limit: 500, offset: 0 }, store.sla, NOW);
              for (const [limit, offset] of [[50, 0], [7, 7], [5, whole.total - 5], [5, whole.total - 3], [3, whole.total + 2]]) {
                if (offset < 0) continue;
                const f = { ...filter, limit, offset };
                const got = await store.listFindings(f, NOW);
                const want = await referencePage(backend, handle, f, store.sla, NOW);
                expect(JSON.stringify(got), JSON.stringify(f)).toBe(JSON.stringify(want));
                expect(await store.listFindingKeys(f, NOW), JSON.stringify(f)).toEqual({ fingerprints: want.items.map((r) => r.fingerprint), total: want.total });
                compared++;
                if (got.items.length === limit || (got.items.length === 0 && offset > 0)) counted++;
              }
            }
          }
        }
      }
    }
    // The comparisons include pages whose total the statement had to count (full pages, past the end).
    expect(compared).toBeGreaterThan(1000);
    expect(counted).toBeGreaterThan(500);
  });
});

describe.each(BACKENDS)('%s findings page statements', (backend) => {
  it('reads a page and its total in one statement (a count and the rows were two)', async () => {
    const at = await storeLocation(backend);
    const store = await openTestStore(at.location);
    try {
      await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-02-01'), findings: findingsOf('payments', 8, 0) }), 't');
      let statements = 0;
      let page: Page;
      const full = { service: 'payments', state: 'all' as const, limit: 3, offset: 3 };
      if (backend === 'sqlite') {
        const db = new Database(at.location);
        const counting = new Proxy(db, {
          get(target, key) {
            if (key !== 'prepare') return Reflect.get(target, key, target);
            return (sql: string) => {
              const st = target.prepare(sql);
              return new Proxy(st, {
                get(s, m) {
                  const v = Reflect.get(s, m, s);
                  if (typeof v !== 'function') return v;
                  return (...args: unknown[]) => {
                    if (m === 'get' || m === 'all' || m === 'iterate' || m === 'run') statements++;
                    return v.apply(s, args);
                  };
                },
              });
            };
          },
        });
        const read = createSqliteRead(counting, store.sla);
        statements = 0;
        page = await read.listFindings(full, NOW);
        db.close();
      } else {
        const pool = new pg.Pool({ connectionString: at.location, max: 2 });
        const counting = new Proxy(pool, {
          get(target, key) {
            const v = Reflect.get(target, key, target);
            if (key !== 'query') return typeof v === 'function' ? v.bind(target) : v;
            return (...args: unknown[]) => {
              statements++;
              return (v as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        });
        const read = createPostgresRead(counting, store.sla);
        statements = 0;
        page = await read.listFindings(full, NOW);
        await pool.end();
      }
      expect(page.total).toBe(8);
      expect(page.items.map((r) => r.fingerprint)).toHaveLength(3);
      expect(statements).toBe(1);
    } finally {
      await store.close();
      await at.cleanup();
    }
  });
});
