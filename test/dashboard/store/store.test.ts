// The store on both backends — a real SQLite file and a real PostgreSQL database — with the same
// tests: lifecycle, posture, MTTR/SLA, idempotency, tokens, sessions and persistence across reopen.
// Backend-specific checks (pragmas, the file's bytes, the schema version row) follow at the end.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_CACHE_MS } from '../../../dashboard/store/auth-cache.js';
import { MIGRATIONS } from '../../../dashboard/store/sqlite/migrations.js';
import { openSqliteStore, type SqliteStore } from '../../../dashboard/store/sqlite/open.js';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport } from './report-builder.js';

/** Rows of a table as stored (to prove what is and is not in the database). */
async function rawRows(store: Store, table: string): Promise<Record<string, unknown>[]> {
  if (store.backend === 'sqlite') return (store as SqliteStore).db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
  const c = new pg.Client({ connectionString: location });
  await c.connect();
  try {
    return (await c.query(`SELECT * FROM ${table}`)).rows;
  } finally {
    await c.end();
  }
}

let location: string;
let cleanup: () => Promise<void>;
let store: Store;

describe.each(BACKENDS)('%s store', (backend) => {
beforeEach(async () => {
  ({ location, cleanup } = await storeLocation(backend));
  store = await openTestStore(location);
});
afterEach(async () => {
  await store.close();
  await cleanup();
});

const count = async (table: 'scans' | 'scan_services' | 'findings' | 'finding_events' | 'finding_scans' | 'posture_daily' | 'ingest_keys') => (await store.tableCounts())[table];

describe('openStore', () => {
  it('keeps everything after the store is closed and opened again', async () => {
    (await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 'test'));
    const { token } = (await store.createToken({ role: 'viewer', label: 'v' }));
    (await store.close());
    store = await openTestStore(location);
    expect((await store.listFindings({ limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.verifyToken(token))?.role).toBe('viewer');
    expect((await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 'test')).status).toBe('duplicate');
  });
});

describe('ingestScan', () => {
  it('is idempotent on scanId: a replay changes no row and says duplicate; another body under that id is a conflict', async () => {
    const report = makeReport({ scanId: 'run-1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }, { fp: 'b' }] });
    expect((await store.ingestScan(report, 'test'))).toMatchObject({ status: 'created', opened: 2 });
    const tables = ['scans', 'scan_services', 'findings', 'finding_events', 'finding_scans', 'posture_daily', 'ingest_keys'] as const;
    const before = await Promise.all(tables.map(count));
    expect((await store.ingestScan(structuredClone(report), 'test'))).toEqual({ status: 'duplicate', scanId: 'run-1', services: ['payments'], opened: 0, fixed: 0, reopened: 0 });
    const other = makeReport({ scanId: 'run-1', createdAt: day('2026-01-03'), findings: [{ fp: 'c' }] });
    expect((await store.ingestScan(other, 'test'))).toEqual({ status: 'conflict', scanId: 'run-1', services: ['payments'], opened: 0, fixed: 0, reopened: 0 });
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('keys scan ids per scope and service: another scope or service with the same id is a scan of its own', async () => {
    const a = makeReport({ scanId: 'run-9', createdAt: day('2026-01-01'), services: ['a'], findings: [{ fp: 'x1' }] });
    const b = makeReport({ scanId: 'run-9', createdAt: day('2026-01-01'), services: ['b'], findings: [{ fp: 'x2' }] });
    expect((await store.ingestScan(a, 't', 'a')).status).toBe('created');
    expect((await store.ingestScan(b, 't', 'b')).status).toBe('created');
    expect((await store.ingestScan(a, 't', 'a,b')).status).toBe('created');
    expect((await store.ingestScan(a, 't', 'a')).status).toBe('duplicate');
  });

  it('opens, fixes and reopens findings across snapshots', async () => {
    (await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }, { fp: 'b' }] }), 't'));
    expect((await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }] }), 't'))).toMatchObject({ opened: 0, fixed: 1, reopened: 0 });
    const fixedB = (await store.getFinding('payments', 'fp-b0000'))!;
    expect(fixedB.row.state).toBe('fixed');
    expect(fixedB.row.fixedAt).toBe('2026-01-05T12:00:00.000Z');
    expect((await store.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-09'), findings: [{ fp: 'a' }, { fp: 'b' }] }), 't'))).toMatchObject({ reopened: 1 });
    const b = (await store.getFinding('payments', 'fp-b0000'))!;
    expect(b.events.map((e) => [e.kind, e.scanId])).toEqual([['opened', 's1'], ['fixed', 's2'], ['reopened', 's3']]);
    expect(b.events[1].openDays).toBe(4);
    expect(b.row).toMatchObject({ state: 'open', firstSeenAt: '2026-01-01T12:00:00.000Z', openedAt: '2026-01-09T12:00:00.000Z', fixedAt: null });
    expect(b.scans.map((s) => s.scanId)).toEqual(['s3', 's1']);
  });

  it('never fixes a finding whose scanner errored or did not run in the later snapshot', async () => {
    (await store.ingestScan(makeReport({
      scanId: 's1', createdAt: day('2026-01-01'),
      findings: [{ fp: 'dep' }, { fp: 'code', tool: 'semgrep', category: 'sast' }],
      scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }],
    }), 't'));
    // trivy crashed, semgrep did not run at all: nothing is fixed.
    const r = (await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-02'), findings: [], scanners: [{ tool: 'trivy', category: 'dependency', status: 'error' }], gate: 'scanner-error' }), 't'));
    expect(r.fixed).toBe(0);
    expect((await store.listFindings({ service: 'payments', limit: 10, offset: 0 })).total).toBe(2);
    expect((await store.listServiceOverview(new Date(day('2026-01-02'))))[0].lastGate).toBe('scanner-error');
    // Both ran fine and found nothing: both fixed.
    const r2 = (await store.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-03'), scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast', status: 'imported' }] }), 't'));
    expect(r2.fixed).toBe(2);
  });

  it("counts in a late snapshot's day the findings of its scanner that errored open at its time, fixed since or not (the day is not a drop)", async () => {
    (await store.ingestScan(makeReport({
      scanId: 's1', createdAt: day('2026-01-01'),
      findings: [{ fp: 'dep' }, { fp: 'code', tool: 'semgrep', category: 'sast' }],
      scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }],
    }), 't'));
    // code is fixed on 2026-01-09 (semgrep ran fine then); other stays open.
    (await store.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-09'), findings: [{ fp: 'dep' }, { fp: 'other', tool: 'semgrep', category: 'sast', severity: 'low' }], scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }] }), 't'));
    // A matrix job's snapshot of 2026-01-05 arrives last; semgrep crashed in it.
    (await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'dep' }], scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast', status: 'error' }], gate: 'scanner-error' }), 't'));
    // On 2026-01-05: dep (in the report) and code (open then, fixed on the 9th); not other (opened on the 9th).
    expect((await store.postureSeries('payments', { from: '2026-01-04', to: '2026-01-06' })).map((p) => [p.total, p.snapshot])).toEqual([[2, false], [2, true], [2, false]]);
    expect((await store.getFinding('payments', 'fp-code0'))!.row.state).toBe('fixed');
  });

  it('lets PR scans and late snapshots record sightings without moving the lifecycle', async () => {
    (await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 'pr', kind: 'pr', createdAt: day('2026-01-06'), findings: [] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 'late', createdAt: day('2026-01-01'), findings: [] }), 't'));
    expect((await store.getFinding('payments', 'fp-a0000'))!.row.state).toBe('open');
    (await store.ingestScan(makeReport({ scanId: 'pr2', kind: 'pr', createdAt: day('2026-01-07'), findings: [{ fp: 'a' }] }), 't'));
    expect((await store.getFinding('payments', 'fp-a0000'))!.scans.map((s) => s.scanId)).toEqual(['pr2', 's2']);
    // The late snapshot filled its own (empty) day; the PR scan is the latest scan (lastGate stays the snapshot's).
    expect((await store.postureSeries('payments', { from: '2026-01-01', to: '2026-01-05' })).map((p) => p.total)).toEqual([0, 0, 0, 0, 1]);
    expect((await store.listScans('payments', 10)).map((s) => s.scanId)).toEqual(['pr2', 'pr', 's2', 'late']);
  });

  it('merges a late snapshot: an unseen finding is recorded as open then and fixed by the next snapshot', async () => {
    (await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-09'), findings: [{ fp: 'a' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }, { fp: 'late' }] }), 't'));
    const late = (await store.getFinding('payments', 'fp-late0'))!;
    expect(late.row).toMatchObject({ state: 'fixed', openedAt: '2026-01-05T12:00:00.000Z', fixedAt: '2026-01-09T12:00:00.000Z' });
    expect(late.events.map((e) => [e.kind, e.openDays])).toEqual([['opened', undefined], ['fixed', 4]]);
    expect((await store.getFinding('payments', 'fp-a0000'))!.scans.map((s) => s.scanId)).toEqual(['s3', 's2', 's1']);
    expect((await store.getFinding('payments', 'fp-a0000'))!.row.state).toBe('open');
    expect((await store.postureSeries('payments', { from: '2026-01-04', to: '2026-01-06' })).map((p) => [p.total, p.snapshot])).toEqual([[1, false], [2, true], [2, false]]);
  });

  it('keeps suppressed findings open but out of the open counts, with the suppression mirrored', async () => {
    (await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }, { fp: 'b', suppressed: true }] }), 't'));
    const o = (await store.listServiceOverview(new Date(day('2026-01-02'))))[0];
    expect(o.openTotal).toBe(1);
    expect(o.suppressed).toBe(1);
    expect((await store.getFinding('payments', 'fp-b0000'))!.suppression).toEqual({ source: 'config', reason: 'accepted risk', owner: 'sec-team', expires: '2099-01-01' });
  });

  it('splits a multi-service report per service with each service\'s gate', async () => {
    const report = makeReport({ scanId: 'm', createdAt: day('2026-01-01'), services: ['payments', 'users'], gate: 'failed', findings: [{ fp: 'a' }, { fp: 'u', service: 'users' }] });
    expect((await store.ingestScan(report, 't')).services).toEqual(['payments', 'users']);
    const byName = Object.fromEntries((await store.listServiceOverview(new Date(day('2026-01-01')))).map((s) => [s.name, s]));
    expect(byName.payments.lastGate).toBe('failed');
    expect(byName.users.lastGate).toBe('passed');
    expect(byName.users.openTotal).toBe(1);
  });

  it('stores only known fields: an unknown field with a secret never reaches the file', () => {
    const report = makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] });
    const withExtra = JSON.parse(JSON.stringify(report)) as Record<string, unknown> & { findings: Record<string, unknown>[] };
    withExtra.findings[0].rawSecret = 'AKIAZZZZSECRETVALUE1234';
    withExtra.leaked = 'AKIAZZZZSECRETVALUE1234';
    // What the API does: parse with the schema (unknown keys stripped), then ingest.
    return import('../../../src/report/scan-report.js').then(async ({ ScanReportSchema }) => {
      (await store.ingestScan(ScanReportSchema.parse(withExtra), 't'));
      (await store.checkpoint());
      expect(JSON.stringify(await rawRows(store, 'findings'))).not.toContain('AKIAZZZZSECRETVALUE1234');
      expect(JSON.stringify(await rawRows(store, 'scans'))).not.toContain('AKIAZZZZSECRETVALUE1234');
      if (backend === 'sqlite') expect(readFileSync(location).includes('AKIAZZZZSECRETVALUE1234')).toBe(false);
      expect(JSON.stringify((await store.getFinding('payments', 'fp-a0000'))!.finding)).not.toContain('rawSecret');
    });
  });
});

describe('posture and figures', () => {
  it('sets a day from its latest snapshot and carries it forward to days without one', async () => {
    (await store.ingestScan(makeReport({ scanId: 'a', createdAt: day('2026-03-01', '08:00:00'), findings: [{ fp: '1', severity: 'critical' }, { fp: '2' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 'b', createdAt: day('2026-03-01', '20:00:00'), findings: [{ fp: '1', severity: 'critical' }, { fp: '2' }, { fp: '3', severity: 'low' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 'c', createdAt: day('2026-03-04'), findings: [{ fp: '3', severity: 'low' }] }), 't'));
    const points = (await store.postureSeries('payments', { from: '2026-02-27', to: '2026-03-05' }));
    expect(points.map((p) => [p.day, p.critical, p.high, p.low, p.total, p.snapshot])).toEqual([
      ['2026-03-01', 1, 1, 1, 3, true],
      ['2026-03-02', 1, 1, 1, 3, false],
      ['2026-03-03', 1, 1, 1, 3, false],
      ['2026-03-04', 0, 0, 1, 1, true],
      ['2026-03-05', 0, 0, 1, 1, false],
    ]);
    // A window that starts after the last snapshot still carries it.
    expect((await store.postureSeries('payments', { from: '2026-04-01', to: '2026-04-02' })).map((p) => p.total)).toEqual([1, 1]);
    expect((await store.postureSeries('nope', { from: '2026-04-01', to: '2026-04-02' }))).toEqual([]);
  });

  it('computes the overview: counts, 30-day trend, stale marker and SLA breaches', async () => {
    (await store.ingestScan(makeReport({ scanId: 'a', createdAt: day('2026-03-01'), findings: [{ fp: 'c', severity: 'critical' }, { fp: 'h' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 'b', createdAt: day('2026-03-10'), findings: [{ fp: 'c', severity: 'critical' }, { fp: 'h' }, { fp: 'l', severity: 'low' }] }), 't'));
    const o = (await store.listServiceOverview(new Date(day('2026-03-12'))))[0];
    expect(o.open).toEqual({ critical: 1, high: 1, medium: 0, low: 1, info: 0, unknown: 0 });
    expect(o.trend).toHaveLength(30);
    expect(o.trend.at(-1)).toEqual({ day: '2026-03-12', total: 3 });
    expect(o.trend.find((t) => t.day === '2026-03-05')!.total).toBe(2);
    // Before the first snapshot (2026-03-01) nothing was measured: null, not a zero.
    expect(o.trend[0]).toEqual({ day: '2026-02-11', total: null });
    expect(o.trend.find((t) => t.day === '2026-02-28')!.total).toBeNull();
    expect(o.trend.find((t) => t.day === '2026-03-01')!.total).toBe(2);
    // A snapshot before the window carries in; the one-service read agrees with the list.
    expect((await store.getService('payments', new Date(day('2026-03-12'))))!.trend).toEqual(o.trend);
    expect(o.stale).toBe(false);
    // critical SLA is 7 days: 11 days open breaches; high (30) does not.
    expect(o.slaBreaches).toBe(1);
    const later = (await store.listServiceOverview(new Date(day('2026-04-15'))))[0];
    expect(later.stale).toBe(true);
    expect(later.slaBreaches).toBe(2);
  });

  it('computes MTTR and SLA figures per severity, with configurable SLA days', async () => {
    (await store.close());
    store = await openTestStore(location, { sla: { high: 2 } });
    (await store.ingestScan(makeReport({ scanId: 'a', createdAt: day('2026-01-01'), findings: [{ fp: '1' }, { fp: '2' }, { fp: '3', severity: 'medium' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 'b', createdAt: day('2026-01-03'), findings: [{ fp: '2' }, { fp: '3', severity: 'medium' }] }), 't'));
    (await store.ingestScan(makeReport({ scanId: 'c', createdAt: day('2026-01-07'), findings: [{ fp: '3', severity: 'medium' }] }), 't'));
    const s = (await store.getService('payments', new Date(day('2026-01-08'))))!;
    // high: fixed after 2 and 6 days -> MTTR 4 days.
    expect(s.stats.high).toEqual({ mttrDays: 4, fixedCount: 2, slaDays: 2, breaches: 0, oldestOpenDays: null });
    expect(s.stats.medium).toEqual({ mttrDays: null, fixedCount: 0, slaDays: 90, breaches: 0, oldestOpenDays: 7 });
    expect(s.stats.critical.slaDays).toBe(7);
    expect(s.stats.info.slaDays).toBeNull();
    expect((await store.listFindings({ service: 'payments', state: 'fixed', sort: 'age', limit: 10, offset: 0 }, new Date(day('2026-01-08')))).items.map((f) => [f.fingerprint, f.ageDays])).toEqual([
      ['fp-20000', 6],
      ['fp-10000', 2],
    ]);
  });
});

describe('listFindings', () => {
  beforeEach(async () => {
    (await store.ingestScan(makeReport({
      scanId: 's', createdAt: day('2026-01-01'), services: ['payments', 'users'],
      scanners: [{ tool: 'trivy', category: 'dependency' }, { tool: 'semgrep', category: 'sast' }, { tool: 'trivy', category: 'dependency', service: 'users' }],
      findings: [
        { fp: 'a', severity: 'low' }, { fp: 'b', severity: 'critical' }, { fp: 'c', severity: 'medium', tool: 'semgrep', category: 'sast', title: 'A sql injection' },
        { fp: 'd', severity: 'unknown' }, { fp: 'u', service: 'users', severity: 'high' },
      ],
    }), 't'));
  });

  it('sorts by severity worst first (unknown just below medium) and pages', async () => {
    const all = (await store.listFindings({ limit: 10, offset: 0 }));
    expect(all.total).toBe(5);
    expect(all.items.map((f) => f.severity)).toEqual(['critical', 'high', 'medium', 'unknown', 'low']);
    const page = (await store.listFindings({ limit: 2, offset: 2 }));
    expect(page.items.map((f) => f.severity)).toEqual(['medium', 'unknown']);
    expect(page.total).toBe(5);
    expect((await store.listFindings({ sort: 'severity', order: 'asc', limit: 1, offset: 0 })).items[0].severity).toBe('low');
  });

  it('filters by service, severity, category and tool', async () => {
    expect((await store.listFindings({ service: 'users', limit: 10, offset: 0 })).items.map((f) => f.fingerprint)).toEqual(['fp-u0000']);
    expect((await store.listFindings({ severity: 'low', limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.listFindings({ category: 'sast', limit: 10, offset: 0 })).items[0].title).toBe('A sql injection');
    expect((await store.listFindings({ tool: 'semgrep', service: 'users', limit: 10, offset: 0 })).total).toBe(0);
    expect((await store.listFindings({ state: 'fixed', limit: 10, offset: 0 })).total).toBe(0);
    expect((await store.listFindings({ sort: 'title', limit: 1, offset: 0 })).items[0].title).toBe('A sql injection');
  });
});

describe('tokens, sessions and audit', () => {
  it('stores tokens as sha256 only and refuses revoked and expired ones', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const a = (await store.createToken({ role: 'ingest', services: ['users', 'payments', 'users'], label: 'ci' }, now));
    expect(a.token).toMatch(/^gatehouse_[\w-]{43}$/);
    const row = (await rawRows(store, 'tokens')).find((r) => r.id === a.id) as Record<string, string>;
    expect(JSON.stringify(row)).not.toContain(a.token);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await store.verifyToken(a.token, now))).toMatchObject({ id: a.id, role: 'ingest', services: ['payments', 'users'] });
    expect((await store.verifyToken(`${a.token}x`, now))).toBeUndefined();
    const e = (await store.createToken({ role: 'viewer', label: 'short', expiresAt: '2026-01-02T00:00:00Z' }, now));
    expect((await store.verifyToken(e.token, new Date('2026-01-01T23:00:00Z')))).toBeDefined();
    expect((await store.verifyToken(e.token, new Date('2026-01-02T00:00:01Z')))).toBeUndefined();
    expect((await store.revokeToken(a.id))).toBe(true);
    expect((await store.revokeToken(a.id))).toBe(false);
    expect((await store.verifyToken(a.token))).toBeUndefined();
    expect((await store.listTokens()).find((t) => t.id === a.id)!.revokedAt).not.toBeNull();
  });

  it('keeps sessions hashed; they end on logout, expiry or token revocation', async () => {
    const admin = (await store.createToken({ role: 'admin', label: 'me' }));
    expect((await store.hasActiveAdmin())).toBe(true);
    const s = (await store.createSession(admin.id));
    expect(JSON.stringify(await rawRows(store, 'sessions'))).not.toContain(s.id);
    expect((await store.getSession(s.id))).toMatchObject({ tokenId: admin.id, role: 'admin', csrf: s.csrf });
    expect((await store.getSession(s.id, new Date(Date.parse(s.expiresAt) + 1)))).toBeUndefined();
    (await store.deleteSession(s.id));
    expect((await store.getSession(s.id))).toBeUndefined();
    const s2 = (await store.createSession(admin.id));
    (await store.revokeToken(admin.id));
    expect((await store.getSession(s2.id))).toBeUndefined();
    expect((await store.hasActiveAdmin())).toBe(false);
    await expect(store.createSession(admin.id)).rejects.toThrow(/revoked or expired/);
    // An admin token past its expiry leaves no admin either (a start then makes one).
    const expiring = await store.createToken({ role: 'admin', label: 'for a day', expiresAt: '2026-01-02T00:00:00.000Z' }, new Date('2026-01-01T00:00:00Z'));
    expect(await store.hasActiveAdmin(new Date('2026-01-01T23:59:59Z'))).toBe(true);
    expect(await store.hasActiveAdmin(new Date('2026-01-02T00:00:01Z'))).toBe(false);
    await store.revokeToken(expiring.id);
  });

  it('keeps a verified session AUTH_CACHE_MS: refused at once by the process that ends it, by another within AUTH_CACHE_MS', async () => {
    // A page request reads its session: on SQLite too, not from the database each time (auth-cache.ts).
    const other = await openTestStore(location);
    try {
      const t = await store.createToken({ role: 'viewer', label: 'v' });
      const [s, s2] = [await store.createSession(t.id), await store.createSession(t.id)];
      for (const p of [store, other]) for (const x of [s, s2]) expect(await p.getSession(x.id)).toMatchObject({ tokenId: t.id, csrf: x.csrf });
      await other.deleteSession(s.id);
      expect(await other.getSession(s.id)).toBeUndefined();
      // Still kept by this process, which verified it a moment ago.
      expect(await store.getSession(s.id)).toMatchObject({ tokenId: t.id });
      expect(await other.revokeToken(t.id)).toBe(true);
      expect(await other.getSession(s2.id)).toBeUndefined();
      expect(await store.getSession(s2.id)).toMatchObject({ tokenId: t.id });
      // Expiry is checked at every use, kept or not.
      expect(await store.getSession(s2.id, new Date(Date.parse(s2.expiresAt) + 1))).toBeUndefined();
      await new Promise((r) => setTimeout(r, AUTH_CACHE_MS + 100));
      expect(await store.getSession(s.id)).toBeUndefined();
      expect(await store.getSession(s2.id)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('keeps a verified token AUTH_CACHE_MS: refused at once by the process that revokes it, by another within AUTH_CACHE_MS', async () => {
    // Every API request carries a token: on SQLite too, not read from the database each time (auth-cache.ts).
    const other = await openTestStore(location);
    try {
      const t = await store.createToken({ role: 'viewer', label: 'v' });
      for (const p of [store, other]) expect(await p.verifyToken(t.token)).toMatchObject({ id: t.id, role: 'viewer' });
      expect(await other.revokeToken(t.id)).toBe(true);
      expect(await other.verifyToken(t.token)).toBeUndefined();
      // Still kept by this process, which verified it a moment ago.
      expect(await store.verifyToken(t.token)).toMatchObject({ id: t.id });
      await new Promise((r) => setTimeout(r, AUTH_CACHE_MS + 100));
      expect(await store.verifyToken(t.token)).toBeUndefined();
      // Expiry is checked at every use, kept or not.
      const e = await store.createToken({ role: 'viewer', label: 'e', expiresAt: new Date(Date.now() + 60_000).toISOString() });
      expect(await store.verifyToken(e.token)).toMatchObject({ id: e.id });
      expect(await store.verifyToken(e.token, new Date(Date.now() + 120_000))).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('lists the audit log newest first', async () => {
    (await store.addAudit('token:tok_1 (me)', 'token.create', { id: 'tok_2' }));
    (await store.addAudit('token:tok_1 (me)', 'token.revoke', { id: 'tok_2' }));
    expect((await store.listAudit(10)).map((e) => [e.action, e.detail])).toEqual([
      ['token.revoke', { id: 'tok_2' }],
      ['token.create', { id: 'tok_2' }],
    ]);
  });
});
});

describe('SQLite specifics', () => {
  it('creates the schema with WAL, foreign keys and user_version = number of migrations', async () => {
    const { location: file, cleanup: done } = await storeLocation('sqlite');
    const s = openSqliteStore(file);
    try {
      expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(s.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      await s.close();
      await done();
    }
  });

  it('refuses a database written by a newer Gatehouse', async () => {
    const { location: file, cleanup: done } = await storeLocation('sqlite');
    const s = openSqliteStore(file);
    s.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    await s.close();
    expect(() => openSqliteStore(file)).toThrow(/newer than this Gatehouse/);
    await done();
  });
});
