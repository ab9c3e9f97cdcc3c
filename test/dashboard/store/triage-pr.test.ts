// Issue 15 point 3 on both store backends: triage decisions keyed by service + fingerprint, so a
// finding only a failing PR scan has seen (kept in pr_findings) can be decided and then counts as
// triaged once a snapshot brings it; the triager role; the audit log filtered by action; and the
// migration (SQLite 6 / PostgreSQL 4) keeping decisions, history and tokens made before it.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../dashboard/store/sqlite/migrations.js';
import { PG_MIGRATIONS } from '../../../dashboard/store/postgres/migrations.js';
import { blockingFindings } from '../../../dashboard/store/lifecycle.js';
import { toTriageRecord, TriageInputSchema } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, failingPr, makeReport } from './report-builder.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const fp = (id: string) => `fp-${id}`.padEnd(8, '0');
const falsePositive = toTriageRecord(TriageInputSchema.parse({ status: 'false_positive', reason: 'test fixture, not shipped' }), 'alice', NOW);

describe('blockingFindings (pure)', () => {
  it('keeps the findings a failing gate named for this service, worst first, never suppressed ones; none when it passed', () => {
    const r = failingPr('p', day('2026-03-02'), [{ fp: 'low01', severity: 'low' }, { fp: 'crit1', severity: 'critical' }, { fp: 'other', severity: 'critical' }, { fp: 'supp1', severity: 'critical', suppressed: true }], ['low01', 'crit1', 'supp1']);
    const mine = new Map(r.findings.map((f) => [f.fingerprint, f]));
    expect(blockingFindings(r.gate, 'payments', mine).map((f) => f.fingerprint)).toEqual([fp('crit1'), fp('low01')]);
    expect(blockingFindings(r.gate, 'orders', mine)).toEqual([]);
    expect(blockingFindings({ ...r.gate, passed: true, outcome: 'passed' }, 'payments', mine)).toEqual([]);
  });
});

describe.each(BACKENDS)('%s store: triage of PR-only findings', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    const loc = await storeLocation(backend);
    cleanup = loc.cleanup;
    store = await openTestStore(loc.location);
    // The default branch has aaaaa; the PR brings prnew (only the PR has seen it) and is blocked by both.
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-03-01'), findings: [{ fp: 'aaaaa', severity: 'critical' }] }), 'test');
    await store.ingestScan(failingPr('pr-1', day('2026-03-02'), [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'prnew', severity: 'critical', title: 'new in the PR' }, { fp: 'lowly', severity: 'low' }], ['aaaaa', 'prnew']), 'test');
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('keeps a failing PR scan\'s blocking findings and lists them with their triage', async () => {
    const [row] = await store.listPullRequests(day('2026-03-01'));
    expect(row).toMatchObject({ service: 'payments', pullRequest: 7, gate: 'failed', scanId: 'pr-1', blocking: 2, untriaged: 2 });
    const detail = (await store.getPullRequestScan('payments', 'pr-1', NOW))!;
    expect(detail.findings.map((f) => [f.fingerprint, f.title, f.triage])).toEqual([
      [fp('aaaaa'), 'vulnerability aaaaa', null],
      [fp('prnew'), 'new in the PR', null],
    ]);
    expect(await store.getPullRequestScan('payments', 'nope', NOW)).toBeUndefined();
    expect(await store.getPullRequestScan('orders', 'pr-1', NOW)).toBeUndefined();
    // PR scans still create no findings rows.
    expect(await store.getFinding('payments', fp('prnew'), NOW)).toBeUndefined();
  });

  it('triages a finding only the PR has seen: the gate\'s read returns it; a later snapshot bringing it counts it as triaged', async () => {
    const r = await store.setTriage('payments', [fp('prnew'), fp('never'), fp('lowly')], falsePositive, 'session:tok_1 (alice)', NOW);
    // `lowly` was in the PR but did not block it: not kept, so not decidable; `never` was never seen.
    expect(r).toEqual({ applied: 1, missing: [fp('never'), fp('lowly')] });
    expect(await store.listTriage(['payments'], NOW)).toEqual([
      expect.objectContaining({ service: 'payments', fingerprint: fp('prnew'), ruleId: 'CVE-2024-prnew', title: 'new in the PR', status: 'false_positive', decidedBy: 'alice' }),
    ]);
    expect((await store.getTriage('payments', fp('prnew'), NOW)).history.map((e) => e.action)).toEqual(['set']);
    expect((await store.listAudit(1))[0]).toMatchObject({ action: 'triage.set', detail: { service: 'payments', fingerprint: fp('prnew') } });
    const detail = (await store.getPullRequestScan('payments', 'pr-1', NOW))!;
    expect(detail.findings.find((f) => f.fingerprint === fp('prnew'))!.triage).toEqual({ status: 'false_positive', expiresAt: null, decidedBy: 'alice' });
    expect((await store.listPullRequests(day('2026-03-01')))[0]).toMatchObject({ blocking: 2, untriaged: 1 });

    // The PR merges: the next snapshot brings prnew as a finding row, already triaged.
    await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-03-03'), findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'prnew', severity: 'critical' }] }), 'test');
    const overview = (await store.listServiceOverview(NOW)).find((s) => s.name === 'payments')!;
    expect(overview.open.critical).toBe(1);
    const row = (await store.listFindings({ service: 'payments', limit: 10, offset: 0 }, NOW)).items.find((f) => f.fingerprint === fp('prnew'))!;
    expect(row.triage).toMatchObject({ status: 'false_positive', decidedBy: 'alice' });
    expect(row.slaBreached).toBe(false);

    const cleared = await store.clearTriage('payments', [fp('prnew'), fp('aaaaa')], 'session:tok_1 (alice)', NOW);
    expect(cleared).toEqual({ applied: 1, missing: [fp('aaaaa')] });
    expect((await store.listServiceOverview(NOW)).find((s) => s.name === 'payments')!.open.critical).toBe(2);
  });

  it('an expired acceptance on a PR-only finding ends like any other (history, audit)', async () => {
    const accepted = toTriageRecord(TriageInputSchema.parse({ status: 'accepted_risk', reason: 'fix in next sprint', owner: 'team-pay', until: '2026-03-10' }), 'bob', NOW);
    expect((await store.setTriage('payments', [fp('prnew')], accepted, 'token:tok_2 (bob)', NOW)).applied).toBe(1);
    const later = new Date('2026-03-11T00:00:01Z');
    expect(await store.listTriage(['payments'], later)).toEqual([]);
    expect(await store.expireTriage(later)).toBe(1);
    expect((await store.getTriage('payments', fp('prnew'), later)).history.map((e) => e.action)).toEqual(['set', 'expired']);
    expect((await store.listAudit(1))[0]).toMatchObject({ action: 'triage.expire', actor: 'gatehouse' });
  });

  it('stores triager tokens and filters the audit log by action or family', async () => {
    const { token } = await store.createToken({ role: 'triager', label: 'appsec' }, NOW);
    expect((await store.verifyToken(token, NOW))!.role).toBe('triager');
    await store.setTriage('payments', [fp('prnew')], falsePositive, 'token:x (appsec)', NOW);
    await store.addAudit('system', 'scan.ingest', { scanId: 'x' }, NOW);
    await store.addAudit('system', 'triagex.odd', {}, NOW);
    expect((await store.listAudit(10, 'triage')).map((e) => e.action)).toEqual(['triage.set']);
    expect((await store.listAudit(10, 'triage.set')).map((e) => e.action)).toEqual(['triage.set']);
    // The two ingests of beforeEach wrote theirs (in their transactions), newest first.
    expect((await store.listAudit(10, 'scan')).map((e) => [e.action, e.detail.scanId])).toEqual([['scan.ingest', 'x'], ['scan.ingest', 'pr-1'], ['scan.ingest', 's1']]);
    expect(await store.listAudit(10, 'tri')).toEqual([]);
    expect((await store.listAudit(10)).length).toBe(5);
  });
});

describe('migration to decisions keyed by service + fingerprint (SQLite 6, PostgreSQL 4)', () => {
  const seed: [string, unknown[]][] = [
    ['INSERT INTO services (id, name, path, first_seen_at, last_scan_at, last_snapshot_at, last_gate) VALUES (?, ?, ?, ?, ?, ?, ?)', [1, 'payments', null, day('2026-03-01'), day('2026-03-01'), day('2026-03-01'), 'failed']],
    [
      `INSERT INTO findings (id, service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available, state, suppressed, suppression,
         first_seen_at, opened_at, last_seen_at, fixed_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [1, 1, fp('old01'), 'trivy', 'dependency', 'CVE-2021-44228', 'log4j', 'critical', 'pom.xml', 1, 'open', 0, null, day('2026-03-01'), day('2026-03-01'), day('2026-03-01'), null, '{}'],
    ],
    [
      'INSERT INTO triage (finding_id, status, justification, reason, owner, expires_at, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [1, 'not_affected', 'vulnerable_code_not_in_execute_path', 'JNDI lookups off', null, null, 'alice', day('2026-03-02')],
    ],
    [
      'INSERT INTO triage_events (id, finding_id, action, status, justification, reason, owner, expires_at, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [1, 1, 'set', 'not_affected', 'vulnerable_code_not_in_execute_path', 'JNDI lookups off', null, null, 'alice', day('2026-03-02')],
    ],
    [
      'INSERT INTO tokens (id, hash, role, services, label, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      // sha256 of "old-viewer-token"
      ['tok_old', 'c1b1a3c0f1f0e5c4d6d0f7d9b1d1c9b2e1e4d7e0a9a1b8f5c8e9d2a7b3c4d5e6', 'viewer', '[]', 'old viewer', day('2026-03-01')],
    ],
  ];

  async function check(s: Store): Promise<void> {
    expect(await s.listTriage(undefined, NOW)).toEqual([
      expect.objectContaining({ service: 'payments', fingerprint: fp('old01'), ruleId: 'CVE-2021-44228', title: 'log4j', status: 'not_affected', decidedBy: 'alice' }),
    ]);
    expect((await s.getTriage('payments', fp('old01'), NOW)).history).toEqual([expect.objectContaining({ action: 'set', actor: 'alice' })]);
    expect((await s.listServiceOverview(NOW))[0].open.critical).toBe(0);
    expect((await s.listTokens()).map((t) => [t.id, t.role])).toEqual([['tok_old', 'viewer']]);
    // The id sequence continues after the migrated history.
    await s.clearTriage('payments', [fp('old01')], 'token:tok_x (bob)', NOW);
    expect((await s.getTriage('payments', fp('old01'), NOW)).history.map((e) => e.action)).toEqual(['set', 'cleared']);
  }

  it('sqlite: a store at user_version 5', async () => {
    const { location: file, cleanup } = await storeLocation('sqlite');
    try {
      const db = new Database(file);
      for (const m of MIGRATIONS.slice(0, 5)) db.exec(m);
      db.pragma('user_version = 5');
      for (const [sql, params] of seed) db.prepare(sql).run(...params);
      db.close();
      const s = await openTestStore(file);
      try {
        await check(s);
      } finally {
        await s.close();
      }
    } finally {
      await cleanup();
    }
  });

  it('postgres: a store at schema version 3', async () => {
    const { location: url, cleanup } = await storeLocation('postgres');
    try {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      for (const m of PG_MIGRATIONS.slice(0, 3)) await c.query(m);
      await c.query('CREATE TABLE gatehouse_schema (version INTEGER NOT NULL); INSERT INTO gatehouse_schema (version) VALUES (3)');
      for (const [sql, params] of seed) {
        let n = 0;
        await c.query(sql.replace(/\?/g, () => `$${++n}`), params);
      }
      await c.query("SELECT setval(pg_get_serial_sequence('triage_events', 'id'), 2, false)");
      await c.end();
      const s = await openTestStore(url);
      try {
        await check(s);
      } finally {
        await s.close();
      }
    } finally {
      await cleanup();
    }
  });
});
