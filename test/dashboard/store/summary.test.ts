// The overview from the per-service summary (store/summary.ts) gives the same open counts, suppressed
// counts and SLA breaches as the GROUP BY over every finding it replaced, on both backends: random
// histories of ingests (new, fixed, reopened, severity and suppression changes, KEV listings with due
// dates), triage set, cleared and expired, read at many instants including the exact SLA and KEV
// boundaries; and a database migrated from the schema before the summary gets it filled.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { SEVERITIES, type Severity } from '../../../src/findings/finding.js';
import { breachCondition, numberPlaceholders } from '../../../dashboard/store/exploit.js';
import { PG_MIGRATIONS } from '../../../dashboard/store/postgres/migrations.js';
import { SUMMARY_FILL_SQL } from '../../../dashboard/store/summary.js';
import { MIGRATIONS } from '../../../dashboard/store/sqlite/migrations.js';
import { toTriageRecord, TriageInputSchema } from '../../../dashboard/store/triage.js';
import { DEFAULT_SLA_DAYS, type SlaDays, type Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { makeReport, type FindingSpec } from './report-builder.js';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T06:00:00.000Z');

interface Legacy {
  open: Record<Severity, number>;
  suppressed: number;
  breaches: number;
  /** Per severity (a service's page shows them): only severities with any. */
  bySeverity?: Partial<Record<Severity, number>>;
}

/** The overview's figures as the store computed them before the summary: every open finding grouped. */
async function legacyOverview(store: Store, sla: SlaDays, now: Date): Promise<Record<string, Legacy>> {
  const openSql = "SELECT s.name, v.severity, v.suppressed, count(*) AS n FROM findings_triaged v JOIN services s ON s.id = v.service_id WHERE v.state = 'open' GROUP BY s.name, v.severity, v.suppressed";
  const breach = breachCondition(sla, now);
  const breachSql = `SELECT s.name, f.severity, count(*) AS n FROM findings f JOIN services s ON s.id = f.service_id WHERE ${breach.sql} GROUP BY s.name, f.severity`;
  const all = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    if ('db' in store) return (store as unknown as { db: Database.Database }).db.prepare(sql).all(...params) as Record<string, unknown>[];
    return (await (store as unknown as { pool: pg.Pool }).pool.query(numberPlaceholders(sql), params)).rows;
  };
  const out: Record<string, Legacy> = {};
  const of = (name: string) => (out[name] ??= { open: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 }, suppressed: 0, breaches: 0 });
  for (const r of await all(openSql)) {
    if (Number(r.suppressed)) of(String(r.name)).suppressed += Number(r.n);
    else of(String(r.name)).open[r.severity as Severity] = Number(r.n);
  }
  for (const r of await all(breachSql, breach.params)) {
    const o = of(String(r.name));
    o.breaches += Number(r.n);
    (o.bySeverity ??= {})[r.severity as Severity] = Number(r.n);
  }
  return out;
}

async function expectSameOverview(store: Store, sla: SlaDays, now: Date): Promise<void> {
  const legacy = await legacyOverview(store, sla, now);
  const overview = await store.listServiceOverview(now);
  const got: Record<string, Legacy> = {};
  for (const o of overview) if (o.openTotal > 0 || o.suppressed > 0 || o.slaBreaches > 0) got[o.name] = { open: o.open, suppressed: o.suppressed, breaches: o.slaBreaches };
  const totals = Object.fromEntries(Object.entries(legacy).map(([name, l]) => [name, { open: l.open, suppressed: l.suppressed, breaches: l.breaches }]));
  expect(got, `overview at ${now.toISOString()}`).toEqual(totals);
  // The service page reads the same summary, and its breaches per severity are those of grouping every finding.
  for (const o of overview) {
    const s = (await store.getService(o.name, now))!;
    expect({ open: s.open, suppressed: s.suppressed, breaches: s.slaBreaches }).toEqual({ open: o.open, suppressed: o.suppressed, breaches: o.slaBreaches });
    const bySeverity = Object.fromEntries(SEVERITIES.filter((sev) => s.stats[sev].breaches > 0).map((sev) => [sev, s.stats[sev].breaches]));
    expect(bySeverity, `${o.name} breaches per severity at ${now.toISOString()}`).toEqual(legacy[o.name]?.bySeverity ?? {});
  }
}

/** A deterministic pseudo-random source (the same history on every run and backend). */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const SERVICES = ['payments', 'checkout', 'search'];
const POOL = Array.from({ length: 24 }, (_, i) => `f${String(i).padStart(4, '0')}`);

/** Instants to read at: around now, and exactly at (and 1 ms around) every SLA cutoff and KEV deadline of the open findings. */
async function instants(store: Store, sla: SlaDays, at: number): Promise<Date[]> {
  const out = new Set<number>([at, at + 3 * DAY, at + 40 * DAY, at + 200 * DAY, at - 5 * DAY]);
  const { items } = await store.listFindings({ limit: 500, offset: 0 }, new Date(at));
  for (const f of items) {
    const days = sla[f.severity];
    if (days !== undefined) for (const d of [-1, 0, 1]) out.add(Date.parse(f.openedAt) + days * DAY + d);
    if (f.kev) for (const d of [-1, 0, 1]) out.add(Date.parse(`${f.kev.dueDate}T00:00:00.000Z`) + DAY + d);
  }
  return [...out].sort((a, b) => a - b).map((t) => new Date(t));
}

/** A random history; after each step the overview is compared at several instants. */
async function history(store: Store, sla: SlaDays, seed: number, steps: number): Promise<void> {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  for (let step = 0; step < steps; step++) {
    const at = START + step * 9 * DAY + Math.floor(rnd() * DAY);
    const service = pick(SERVICES);
    const r = rnd();
    if (r < 0.7) {
      const findings: FindingSpec[] = POOL.filter(() => rnd() < 0.5).map((fp) => {
        const kev = rnd() < 0.2;
        const due = new Date(at + Math.floor((rnd() * 60 - 30)) * DAY).toISOString().slice(0, 10);
        return {
          fp,
          severity: pick(SEVERITIES),
          suppressed: rnd() < 0.15,
          extra: kev ? { kev: { cve: `CVE-2024-${fp}`, dateAdded: '2025-11-01', dueDate: due, ransomware: 'unknown' as const } } : {},
        };
      });
      await store.ingestScan(makeReport({ scanId: `s${seed}-${step}`, createdAt: new Date(at).toISOString(), services: [service], findings }), 'test');
    } else if (r < 0.85) {
      const until = new Date(at + Math.floor(rnd() * 20 + 2) * DAY).toISOString().slice(0, 10);
      const input = rnd() < 0.5 ? { status: 'false_positive', reason: 'test fixture' } : { status: 'accepted_risk', reason: 'behind the VPN', owner: 'sec', until };
      const record = toTriageRecord(TriageInputSchema.parse(input), 'alice', new Date(at));
      await store.setTriage(service, POOL.filter(() => rnd() < 0.3).map((fp) => `fp-${fp}`), record, 'alice', new Date(at));
    } else if (r < 0.95) {
      await store.clearTriage(service, POOL.filter(() => rnd() < 0.3).map((fp) => `fp-${fp}`), 'alice', new Date(at));
    } else {
      await store.expireTriage(new Date(at));
    }
    for (const now of step % 4 === 3 || step === steps - 1 ? await instants(store, sla, at) : [new Date(at)]) await expectSameOverview(store, sla, now);
  }
}

describe.each(BACKENDS)('%s store: the overview from the per-service summary', (backend) => {
  let cleanup: (() => Promise<void>) | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await cleanup?.();
    store = cleanup = undefined;
  });

  it.each([
    ['the default SLA', {} as SlaDays, 11],
    ['an SLA for info and unknown too', { critical: 3, high: 10, medium: 25, info: 40, unknown: 5 } as SlaDays, 23],
  ])('gives the same open counts, suppressed counts and SLA breaches as grouping every finding (%s)', async (_label, sla, seed) => {
    const loc = await storeLocation(backend);
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location, { sla });
    await history(store, { ...DEFAULT_SLA_DAYS, ...sla }, seed, 28);
  });

  it('fills the summary as the migration that made the table did (its own frozen copy of the same statement)', () => {
    const words = (sql: string) => sql.replace(/\s+/g, ' ').trim();
    const migration = backend === 'sqlite' ? MIGRATIONS[7] : PG_MIGRATIONS[6];
    expect(words(migration)).toContain(`${words(SUMMARY_FILL_SQL)};`);
  });

  it('fills the summary when a database from before it is migrated', async () => {
    const loc = await storeLocation(backend);
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location);
    await history(store, DEFAULT_SLA_DAYS, 5, 12);
    // Back to the schema before the summary (its table gone, and the columns a later migration adds
    // without IF NOT EXISTS, which SQLite lacks), then open again: the migration fills it.
    if (backend === 'sqlite') {
      const db = (store as unknown as { db: Database.Database }).db;
      db.exec('DROP TABLE service_summary; DROP INDEX services_by_repository; ALTER TABLE services DROP COLUMN repository; ALTER TABLE services DROP COLUMN retired_at; ALTER TABLE services DROP COLUMN repository_folder');
      db.pragma(`user_version = ${MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE service_summary'))}`);
    } else {
      const pool = (store as unknown as { pool: pg.Pool }).pool;
      await pool.query('DROP TABLE service_summary; ALTER TABLE services DROP COLUMN repository, DROP COLUMN retired_at, DROP COLUMN repository_folder');
      await pool.query('UPDATE gatehouse_schema SET version = $1', [PG_MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE service_summary'))]);
    }
    await store.close();
    store = await openTestStore(loc.location);
    const at = START + 12 * 9 * DAY;
    for (const now of await instants(store, DEFAULT_SLA_DAYS, at)) await expectSameOverview(store, DEFAULT_SLA_DAYS, now);
    expect((await store.listServiceOverview(new Date(at))).some((o) => o.openTotal > 0 && o.slaBreaches > 0)).toBe(true);
  });
});

// PostgreSQL only: SQLite runs one write transaction at a time. A summary refresh recomputes the
// service's rows from a snapshot taken when its statement starts; two writers of one service that
// both computed before either committed would each write rows missing the other's change (the one
// waiting for the other's row lock writes last). Writers of the summary are serialized first.
describe('postgres store: concurrent writers of one service', () => {
  let cleanup: (() => Promise<void>) | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await cleanup?.();
    store = cleanup = undefined;
  });

  it('keep its summary right: two triage decisions and an ingest committed at once all count', async () => {
    const loc = await storeLocation('postgres');
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location);
    const at = new Date(START);
    const findings: FindingSpec[] = ['f0001', 'f0002', 'f0003', 'f0004'].map((fp) => ({ fp, severity: 'high' }));
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: at.toISOString(), services: ['payments'], findings }), 'test');
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    // Holds the service's summary rows, so the three writers below all reach their refresh before any commits.
    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT * FROM service_summary FOR UPDATE');
      const record = toTriageRecord(TriageInputSchema.parse({ status: 'false_positive', reason: 'test fixture' }), 'alice', at);
      const writes = Promise.all([
        store.setTriage('payments', ['fp-f0001'], record, 'alice', at),
        store.setTriage('payments', ['fp-f0002'], record, 'alice', at),
        // f0004 fixed, f0005 new.
        store.ingestScan(makeReport({ scanId: 's2', createdAt: new Date(START + DAY).toISOString(), services: ['payments'], findings: [...findings.slice(0, 3), { fp: 'f0005', severity: 'critical' }] }), 'test'),
      ]);
      for (let waiting = 0; waiting < 3; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        // The blocker is in a transaction: statistics views are read once per transaction unless cleared.
        await blocker.query('SELECT pg_stat_clear_snapshot()');
        const r = await blocker.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        waiting = r.rows[0].n;
      }
      await blocker.query('COMMIT');
      await writes;
    } finally {
      blocker.release();
    }
    const s = (await store.getService('payments', new Date(START + DAY)))!;
    expect({ open: s.open, suppressed: s.suppressed }).toEqual({ open: { critical: 1, high: 1, medium: 0, low: 0, info: 0, unknown: 0 }, suppressed: 2 });
    await expectSameOverview(store, DEFAULT_SLA_DAYS, new Date(START + DAY));
  });
});
