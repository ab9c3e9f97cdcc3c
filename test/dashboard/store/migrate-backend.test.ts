// `gatehouse dashboard migrate --from FILE.db --to postgres://...`: everything copied, counts
// verified, all or nothing (a failure or a killed process leaves the target empty; run it again).
import { execFile } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrateCli } from '../../../dashboard/server.js';
import { openPostgresStore } from '../../../dashboard/store/postgres/open.js';
import { MIGRATIONS } from '../../../dashboard/store/sqlite/migrations.js';
import { openSqliteStore, type SqliteStore } from '../../../dashboard/store/sqlite/open.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import { STORE_TABLES } from '../../../dashboard/store/types.js';
import { freshPostgresDatabase } from './backends.js';
import { day, failingPr, makeReport } from './report-builder.js';

let dir: string;
let file: string;
let url: string;
let drop: () => Promise<void>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-migrate-'));
  file = join(dir, 'dash.db');
  ({ url, drop } = await freshPostgresDatabase());
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await drop();
});

/** A source store with at least one row in every table of STORE_TABLES, and one text holding NUL. */
async function seedEveryTable(src: SqliteStore): Promise<void> {
  const t0 = new Date(day('2026-01-01'));
  await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }, { fp: 'b' }, { fp: 'nul', title: 'nul\u0000here', extra: { aliases: ['GHSA-aaaa-bbbb-cccc'] } }] }), 't');
  await src.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }, { fp: 'nul', title: 'nul\u0000here', extra: { aliases: ['GHSA-aaaa-bbbb-cccc'] } }] }), 't');
  // A failing PR scan blocked by a finding only it has seen (pr_findings).
  await src.ingestScan(failingPr('pr1', day('2026-01-06'), [{ fp: 'a' }, { fp: 'prnew', severity: 'critical' }], ['prnew']), 't');
  await src.setTriage('payments', ['fp-a0000'], toTriageRecord({ status: 'false_positive', reason: 'fixture' }, 'alice', t0), 'alice', t0);
  await src.claimNotifications([{ key: 'new-critical|payments|fp-a0000|x', event: 'new-critical', service: 'payments', fingerprint: 'fp-a0000' }], t0);
  const admin = await src.createToken({ role: 'admin', label: 'a' });
  await src.createSession(admin.id);
  await src.addAudit('system', 'token.bootstrap', { id: admin.id });
}

const execFileAsync = promisify(execFile);

describe('dashboard migrate', () => {
  it('copies findings, history, tokens as hashes, sessions and audit, verified by counts', async () => {
    const src = openSqliteStore(file);
    await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }, { fp: 'b' }] }), 't');
    await src.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }] }), 't');
    const { token } = await src.createToken({ role: 'viewer', label: 'v' });
    const admin = await src.createToken({ role: 'admin', label: 'a' });
    const session = await src.createSession(admin.id);
    await src.addAudit('system', 'token.bootstrap', { id: admin.id });
    const before = await src.tableCounts();
    const expected = await src.getFinding('payments', 'fp-b0000', new Date(day('2026-01-06')));
    await src.close();

    const lines: string[] = [];
    await runMigrateCli(['--from', file, '--to', url], (l) => lines.push(l));
    expect(lines.at(-1)).toMatch(/counts verified/);
    expect(lines.join('\n')).not.toContain(new URL(url).password);

    const pgStore = await openPostgresStore(url);
    try {
      expect(await pgStore.tableCounts()).toEqual(before);
      expect(await pgStore.getFinding('payments', 'fp-b0000', new Date(day('2026-01-06')))).toEqual(expected);
      expect((await pgStore.verifyToken(token))?.role).toBe('viewer');
      expect((await pgStore.getSession(session.id))?.tokenId).toBe(admin.id);
      expect((await pgStore.listAudit(10))[0].action).toBe('token.bootstrap');
      // Ids go on after the copied ones: a new ingest works and the old scan id is still a duplicate.
      expect((await pgStore.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }] }), 't')).status).toBe('duplicate');
      expect((await pgStore.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-09'), findings: [{ fp: 'a' }, { fp: 'b' }] }), 't')).reopened).toBe(1);
    } finally {
      await pgStore.close();
    }
  });

  it('gives every copied service a data version of its own, newer than any a dashboard on the target read before', async () => {
    const src = openSqliteStore(file);
    await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
    await src.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-01-02'), services: ['billing'], findings: [{ fp: 'b' }] }), 't');
    await src.close();
    // A dashboard already running on the empty target, its versions read (and answers cached under them).
    const running = await openPostgresStore(url);
    try {
      const before = Math.max(await running.dataVersion(), await running.serviceVersion('payments'));
      await runMigrateCli(['--from', file, '--to', url], () => undefined);
      const payments = await running.serviceVersion('payments');
      expect(payments).toBeGreaterThan(before);
      expect(payments).toBe(await running.dataVersion());
      // Per service from then on: billing's ingest leaves payments' version alone.
      await running.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-01-03'), services: ['billing'], findings: [{ fp: 'c' }] }), 't');
      expect(await running.serviceVersion('billing')).toBeGreaterThan(payments);
      expect(await running.serviceVersion('payments')).toBe(payments);
    } finally {
      await running.close();
    }
  });

  it('copies every table of the store (each one non-empty in the source), NUL text as U+FFFD', async () => {
    const src = openSqliteStore(file);
    await seedEveryTable(src);
    const before = await src.tableCounts();
    expect(STORE_TABLES.filter((t) => before[t] === 0)).toEqual([]);
    const vulnerability = await src.findVulnerability('GHSA-aaaa-bbbb-cccc', new Date(day('2026-01-06')));
    expect(vulnerability?.services.map((s) => s.service)).toEqual(['payments']);
    // Each service's repository and folder within it (what retiring a monorepo part's services reads).
    const servicesSql = 'SELECT name, repository, repository_folder FROM services ORDER BY name';
    const services = src.db.prepare(servicesSql).all();
    expect(services).toEqual([{ name: 'payments', repository: 'acme/shop', repository_folder: 'services/payments' }]);
    await src.close();
    await runMigrateCli(['--from', file, '--to', url], () => {});
    const pgStore = await openPostgresStore(url);
    try {
      expect(await pgStore.tableCounts()).toEqual(before);
      expect((await pgStore.pool.query(servicesSql)).rows).toEqual(services);
      expect((await pgStore.getTriage('payments', 'fp-a0000'))?.current?.status).toBe('false_positive');
      expect((await pgStore.listNotifications(5)).map((n) => n.key)).toEqual(['new-critical|payments|fp-a0000|x']);
      const copied = await pgStore.findVulnerability('GHSA-aaaa-bbbb-cccc', new Date(day('2026-01-06')));
      expect(JSON.stringify(copied)).toBe(JSON.stringify(vulnerability).replaceAll('\\u0000', '\uFFFD'));
      // The title column (PostgreSQL text cannot hold NUL); the finding's JSON keeps it escaped, as it was.
      expect((await pgStore.listFindings({ limit: 10, offset: 0 })).items.find((f) => f.fingerprint === 'fp-nul00')?.title).toBe('nul\uFFFDhere');
    } finally {
      await pgStore.close();
    }
  });

  it('gathers planner statistics of every copied table (a fresh copy is read at once, before autovacuum analyzes it)', async () => {
    const src = openSqliteStore(file);
    await seedEveryTable(src);
    await src.close();
    const lines: string[] = [];
    await runMigrateCli(['--from', file, '--to', url], (l) => lines.push(l));
    const pgStore = await openPostgresStore(url);
    try {
      // These tables are far below autovacuum's analyze threshold (50 rows): only the command's ANALYZE fills pg_stats.
      const analyzed = await pgStore.pool.query<{ tablename: string }>('SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema() AND tablename = ANY($1) ORDER BY tablename', [[...STORE_TABLES, 'meta', 'service_versions']]);
      expect(analyzed.rows.map((r) => r.tablename)).toEqual([...STORE_TABLES, 'meta', 'service_versions'].sort());
      expect(lines).toContain('planner statistics gathered (ANALYZE)');
    } finally {
      await pgStore.close();
    }
  });

  it('leaves the target empty when the process is killed mid-copy, and a second run copies everything', async () => {
    const src = openSqliteStore(file);
    await seedEveryTable(src);
    const before = await src.tableCounts();
    await src.close();
    const killed = await execFileAsync(process.execPath, ['--import', 'tsx', 'test/dashboard/store/migrate-child.ts', 'findings', '--from', file, '--to', url]).then(
      () => undefined,
      (err: { signal?: string; stdout?: string }) => err,
    );
    expect(killed?.signal).toBe('SIGKILL');
    expect(killed?.stdout).toContain('findings: 3 rows');
    const target = await openPostgresStore(url);
    try {
      const after = await target.tableCounts();
      expect(STORE_TABLES.filter((t) => after[t] !== 0)).toEqual([]);
      const lines: string[] = [];
      await runMigrateCli(['--from', file, '--to', url], (l) => lines.push(l));
      expect(lines.at(-1)).toMatch(/counts verified/);
      expect(await target.tableCounts()).toEqual(before);
    } finally {
      await target.close();
    }
  });

  it('rolls back everything when the copy fails part way', async () => {
    const src = openSqliteStore(file);
    await seedEveryTable(src);
    await src.close();
    await expect(
      runMigrateCli(['--from', file, '--to', url], (l) => {
        if (l.startsWith('finding_events:')) throw new Error('disk full (simulated)');
      }),
    ).rejects.toThrow('disk full (simulated)');
    const target = await openPostgresStore(url);
    try {
      const after = await target.tableCounts();
      expect(STORE_TABLES.filter((t) => after[t] !== 0)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('copies one snapshot of a source that a running dashboard goes on writing to', async () => {
    const src = openSqliteStore(file);
    await seedEveryTable(src);
    const before = await src.tableCounts();
    const writer = new Database(file);
    writer.pragma('busy_timeout = 5000');
    try {
      // Once the first table is copied, "the running dashboard" writes rows the copy has not reached.
      await runMigrateCli(['--from', file, '--to', url], (line) => {
        if (line.startsWith('services:')) writer.prepare("INSERT INTO audit (at, actor, action, detail) VALUES ('2026-01-07T00:00:00.000Z', 'system', 'late.write', '{}')").run();
      });
    } finally {
      writer.close();
    }
    expect((await src.tableCounts()).audit).toBe(before.audit + 1);
    await src.close();
    const target = await openPostgresStore(url);
    try {
      expect(await target.tableCounts()).toEqual(before);
    } finally {
      await target.close();
    }
  });

  it('refuses a target that already holds data and changes nothing', async () => {
    const src = openSqliteStore(file);
    await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
    await src.close();
    const target = await openPostgresStore(url);
    await target.createToken({ role: 'viewer', label: 'already here' });
    await expect(runMigrateCli(['--from', file, '--to', url], () => {})).rejects.toThrow(/is not empty \(tokens: 1\)/);
    expect((await target.tableCounts()).findings).toBe(0);
    await target.close();
  });

  it('reads the source, never writes it: an empty file or one an older Gatehouse wrote is refused as it is', async () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    await expect(runMigrateCli(['--from', empty, '--to', url], () => {})).rejects.toThrow(`--from ${empty}: not a Gatehouse dashboard database (it holds no dashboard schema); nothing was copied`);
    expect(statSync(empty).size).toBe(0);
    // A store one migration behind (as an older Gatehouse left it), byte for byte unchanged after the refusal.
    const src = openSqliteStore(file);
    await src.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
    await src.close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
    db.close();
    const before = readFileSync(file);
    await expect(runMigrateCli(['--from', file, '--to', url], () => {})).rejects.toThrow(/written by an older Gatehouse \(schema version \d+, this one's is \d+\); start this Gatehouse's dashboard on it once/);
    expect(readFileSync(file).equals(before)).toBe(true);
    const target = await openPostgresStore(url);
    expect((await target.tableCounts()).findings).toBe(0);
    await target.close();
  });
});
