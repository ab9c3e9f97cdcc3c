// PostgreSQL only: several processes on one database, and the bad days — a server that is down,
// a wrong password, a connection or the whole server lost mid-ingest, a schema from a newer Gatehouse.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { StoreConnectionError, StoreVersionError } from '../../../dashboard/store/errors.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { AUTH_CACHE_MS } from '../../../dashboard/store/auth-cache.js';
import { rowsJson } from '../../../dashboard/store/postgres/ingest.js';
import { openPostgresStore, redactUrl } from '../../../dashboard/store/postgres/open.js';
import type { Store } from '../../../dashboard/store/types.js';
import { freshPostgresDatabase } from './backends.js';
import { day, makeReport } from './report-builder.js';

const execFileAsync = promisify(execFile);

let url: string;
let drop: () => Promise<void>;
let store: Store;
beforeEach(async () => {
  ({ url, drop } = await freshPostgresDatabase());
  store = await openPostgresStore(url);
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  await drop();
});

async function sql(query: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(query, params);
  } finally {
    await c.end();
  }
}

/**
 * A connection holding finding_scans in ACCESS EXCLUSIVE mode in an open transaction: an ingest
 * writes that table after its scan, findings and events (postgres/ingest.ts), so it waits there,
 * mid-transaction, until this connection ends.
 */
async function lockFindingScans(at: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: at });
  // Its server may go away under it (the server-crash test).
  c.on('error', () => undefined);
  await c.connect();
  await c.query('BEGIN');
  await c.query('LOCK TABLE finding_scans IN ACCESS EXCLUSIVE MODE');
  return c;
}

/**
 * The backend waiting for `blocker`'s lock, once one does: the ingest, its findings and events
 * written (its row locks on them held), blocked on its INSERT INTO finding_scans.
 */
async function waitingOn(at: string, blocker: pg.Client): Promise<{ pid: number }> {
  const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  // Asked from a connection outside the blocker's transaction: pg_stat_activity is a snapshot per transaction.
  const watch = new pg.Client({ connectionString: at });
  await watch.connect();
  try {
    for (let i = 0; i < 2000; i++) {
      const r = await watch.query<{ pid: number; wait_event_type: string; query: string }>(
        'SELECT pid, wait_event_type, query FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
        [blockerPid],
      );
      if (r.rows.length > 0) {
        expect(r.rows).toHaveLength(1);
        const [w] = r.rows;
        expect(w.wait_event_type).toBe('Lock');
        expect(w.query.trimStart()).toMatch(/^INSERT INTO finding_scans/);
        const written = await watch.query<{ rel: string }>("SELECT DISTINCT relation::regclass::text AS rel FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND mode = 'RowExclusiveLock'", [w.pid]);
        expect(written.rows.map((x) => x.rel)).toEqual(expect.arrayContaining(['findings', 'finding_events']));
        return { pid: w.pid };
      }
      await new Promise((res) => setTimeout(res, 10));
    }
    throw new Error('the ingest never waited for the lock on finding_scans');
  } finally {
    await watch.end();
  }
}

/** A throwaway PostgreSQL server of one test's own (scripts/postgres-throwaway.sh), which it may stop hard and start again. */
function startThrowawayServer() {
  const started = spawnSync('bash', ['scripts/postgres-throwaway.sh', 'start'], { encoding: 'utf8' });
  const dir = /data folder (\S+)/.exec(started.stderr ?? '')?.[1];
  const serverUrl = (started.stdout ?? '').trim();
  if (started.status !== 0 || !dir || !serverUrl) throw new Error(`cannot start a throwaway PostgreSQL server: ${started.stderr}`);
  const script = (command: string) => execFileSync('bash', ['scripts/postgres-throwaway.sh', command, dir], { stdio: 'pipe' });
  return {
    url: serverUrl,
    /** Gone at once, as a crashed machine: no shutdown, its data folder kept. */
    crash: () => script('crash'),
    /** Again on its data folder and port, with the settings of its start. */
    restart: () => script('restart'),
    stop: () => script('stop'),
  };
}

describe('several dashboard processes on one PostgreSQL', () => {
  it('ingests the same scan through two processes at once exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-procs-'));
    try {
      const report = makeReport({ scanId: 'same-scan', createdAt: day('2026-01-01'), findings: Array.from({ length: 300 }, (_, i) => ({ fp: `f${String(i).padStart(4, '0')}` })) });
      const file = join(dir, 'report.json');
      writeFileSync(file, JSON.stringify(report));
      const versionBefore = await store.dataVersion();
      const run = () => execFileAsync(process.execPath, ['--import', 'tsx', 'test/dashboard/store/ingest-child.ts', url, file], { encoding: 'utf8' });
      const outs = await Promise.all([run(), run()]);
      const statuses = outs.map((o) => (JSON.parse(o.stdout) as { status: string }).status).sort();
      expect(statuses).toEqual(['created', 'duplicate']);
      const counts = await store.tableCounts();
      expect(counts.scans).toBe(1);
      expect(counts.findings).toBe(300);
      expect(counts.finding_events).toBe(300);
      // This process's caches key on the data version: another process's ingest moved it.
      expect(await store.dataVersion()).toBe(versionBefore + 1);
      expect((await store.listServiceOverview(new Date(day('2026-01-01'))))[0].openTotal).toBe(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bulk ingest', () => {
  // An unchanged finding only gets last_seen_at (its columns hash equal); any changed column takes
  // the full update. Both must leave the row exactly as a fresh write of the report would.
  it('refreshes changed findings in full and unchanged ones only in last_seen_at', async () => {
    const base = [
      { fp: 'same0001' },
      { fp: 'title001' },
      { fp: 'sev00001' },
      { fp: 'supp0001' },
      { fp: 'kev00001' },
      { fp: 'gone0001' },
    ];
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: base }), 't');
    const cols = 'fingerprint, title, severity, suppressed, suppression, kev, kev_due, vuln_ids, data, state, opened_at, last_seen_at, fixed_at';
    const before = new Map((await sql(`SELECT ${cols} FROM findings`)).rows.map((r) => [r.fingerprint, r]));
    await store.ingestScan(
      makeReport({
        scanId: 's2',
        createdAt: day('2026-01-02'),
        findings: [
          { fp: 'same0001' },
          { fp: 'title001', title: 'a new title \ud800 with a lone surrogate' },
          { fp: 'sev00001', severity: 'critical' },
          { fp: 'supp0001', suppressed: true },
          { fp: 'kev00001', extra: { kev: { cve: 'CVE-2024-kev00001', dateAdded: '2025-12-01', dueDate: '2026-01-20', ransomware: 'unknown' }, aliases: ['GHSA-aaaa-bbbb-cccc'] } },
        ],
      }),
      't',
    );
    const after = new Map((await sql(`SELECT ${cols} FROM findings`)).rows.map((r) => [r.fingerprint, r]));
    const at2 = new Date(day('2026-01-02')).toISOString();
    expect(after.get('fp-same0001')).toEqual({ ...before.get('fp-same0001'), last_seen_at: at2 });
    expect(after.get('fp-title001').title).toBe('a new title \ufffd with a lone surrogate');
    expect(JSON.parse(after.get('fp-title001').data).title).toBe('a new title \ud800 with a lone surrogate');
    expect(after.get('fp-sev00001').severity).toBe('critical');
    expect(after.get('fp-supp0001').suppressed).toBe(1);
    expect(JSON.parse(after.get('fp-supp0001').suppression).reason).toBe('accepted risk');
    expect(after.get('fp-kev00001')).toMatchObject({ kev: 1, kev_due: '2026-01-20', vuln_ids: 'CVE-2024-KEV00001 GHSA-AAAA-BBBB-CCCC' });
    for (const fp of ['fp-title001', 'fp-sev00001', 'fp-supp0001', 'fp-kev00001']) expect(after.get(fp)).toMatchObject({ state: 'open', last_seen_at: at2, opened_at: before.get(fp).opened_at });
    expect(after.get('fp-gone0001')).toMatchObject({ state: 'fixed', fixed_at: at2 });
    const ids = await sql("SELECT f.fingerprint, i.vuln_id FROM finding_ids i JOIN findings f ON f.id = i.finding_id WHERE f.fingerprint = 'fp-kev00001' ORDER BY 2");
    expect(ids.rows.map((r) => r.vuln_id)).toEqual(['CVE-2024-KEV00001', 'GHSA-AAAA-BBBB-CCCC']);
    // A third, identical snapshot moves last_seen_at only, and nothing else anywhere.
    const all2 = (await sql(`SELECT ${cols} FROM findings ORDER BY fingerprint`)).rows;
    await store.ingestScan(
      makeReport({
        scanId: 's3',
        createdAt: day('2026-01-03'),
        findings: [
          { fp: 'same0001' },
          { fp: 'title001', title: 'a new title \ud800 with a lone surrogate' },
          { fp: 'sev00001', severity: 'critical' },
          { fp: 'supp0001', suppressed: true },
          { fp: 'kev00001', extra: { kev: { cve: 'CVE-2024-kev00001', dateAdded: '2025-12-01', dueDate: '2026-01-20', ransomware: 'unknown' }, aliases: ['GHSA-aaaa-bbbb-cccc'] } },
        ],
      }),
      't',
    );
    const at3 = new Date(day('2026-01-03')).toISOString();
    const all3 = (await sql(`SELECT ${cols} FROM findings ORDER BY fingerprint`)).rows;
    expect(all3).toEqual(all2.map((r) => (r.state === 'open' ? { ...r, last_seen_at: at3 } : r)));
  });

  it('sends rows as JSON with every lone surrogate as U+FFFD, as toWellFormed on each string would', () => {
    const wellFormed = (_k: string, v: unknown) => (typeof v === 'string' ? (v as string & { toWellFormed(): string }).toWellFormed() : v);
    const strings = ['plain', 'a \ud800 b', 'low \udc00', 'pair \ud83d\ude00 ok', 'end \udbff', '\\ud800 is text', '\\\ud800', '\\\\\udfff', 'x\\', '\u0001\ud800\ud800\udc00'];
    const rows = strings.map((t, i) => ({ id: i, title: t, data: JSON.stringify({ title: t }) }));
    // The same values once parsed (the server's JSON parser reads U+FFFD raw or as \ufffd alike).
    expect(JSON.parse(rowsJson(rows))).toEqual(JSON.parse(JSON.stringify(rows, wellFormed)));
    expect(JSON.parse(rowsJson(rows)).map((r: { title: string }) => r.title).slice(0, 7)).toEqual(['plain', 'a \ufffd b', 'low \ufffd', 'pair \ud83d\ude00 ok', 'end \ufffd', '\\ud800 is text', '\\\ufffd']);
  });

  // `data` goes to the server as a JSON value and is stored as its text: it must stay exactly
  // JSON.stringify(finding), as SQLite stores it (numbers, escapes, key order), on insert and update.
  it('stores data as exactly JSON.stringify of the finding, inserted or updated, with or without a lone surrogate', async () => {
    const odd = { epss: { cve: 'CVE-2024-odd00001', probability: 1e-7, percentile: 0.1 }, message: 'quote " backslash \\ tab \t \u00e9 \ud83d\ude00 </script>' };
    const r1 = makeReport({ scanId: 'd1', createdAt: day('2026-01-01'), findings: [{ fp: 'odd00001', extra: odd }, { fp: 'lone0001', title: 'lone \udc00 surrogate' }, { fp: 'plain001' }] });
    await store.ingestScan(r1, 't');
    const r2 = makeReport({ scanId: 'd2', createdAt: day('2026-01-02'), findings: [{ fp: 'odd00001', extra: { ...odd, message: 'changed \\ud800 text' } }, { fp: 'lone0001', title: 'lone \udc00 surrogate' }, { fp: 'plain001', title: 'new \ud800' }] });
    const stored = async () => new Map((await sql('SELECT fingerprint, title, data FROM findings')).rows.map((r) => [r.fingerprint, r]));
    const first = await stored();
    for (const f of r1.findings) expect(first.get(f.fingerprint).data).toBe(JSON.stringify(f));
    expect(first.get('fp-lone0001').title).toBe('lone \ufffd surrogate');
    await store.ingestScan(r2, 't');
    const second = await stored();
    for (const f of r2.findings) expect(second.get(f.fingerprint).data).toBe(JSON.stringify(f));
    expect(second.get('fp-plain001').title).toBe('new \ufffd');
  });

  // The data texts go to the server joined by U+001F: a finding holding that character (or any other
  // control character) in its text must not split its row's data.
  it('stores data as exactly JSON.stringify of a finding holding U+001F and other control characters', async () => {
    const odd = { message: 'unit \u001f ~ separator, record \u001e, bell \u0007, escape \u001b[0m, newline \n end' };
    const r1 = makeReport({ scanId: 'c1', createdAt: day('2026-01-01'), findings: [{ fp: 'ctrl0001', title: 'a \u001f b', extra: odd }, { fp: 'ctrl0002', extra: odd }] });
    const r2 = makeReport({ scanId: 'c2', createdAt: day('2026-01-02'), findings: [{ fp: 'ctrl0001', title: 'a \u001f c', extra: odd }, { fp: 'ctrl0002', extra: { message: '\u001f' } }, { fp: 'ctrl0003', title: '\u001f\u001f' }] });
    for (const r of [r1, r2]) {
      await store.ingestScan(r, 't');
      const stored = new Map((await sql('SELECT fingerprint, title, data FROM findings')).rows.map((x) => [x.fingerprint, x]));
      for (const f of r.findings) expect([stored.get(f.fingerprint).title, stored.get(f.fingerprint).data]).toEqual([f.title, JSON.stringify(f)]);
    }
  });

  // PG migration 5: the ingest-only child tables have no foreign key triggers (a per-row probe of
  // the parent each); ingest alone keeps every child row pointing at a stored finding and scan.
  it('writes the ingest-only child tables without foreign key triggers, every row naming a stored finding and scan', async () => {
    const keys = await sql("SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ('finding_events', 'finding_scans', 'finding_ids')");
    expect(keys.rows).toEqual([]);
    const fps = Array.from({ length: 40 }, (_, i) => ({ fp: `kid${String(i).padStart(5, '0')}`, extra: { aliases: [`GHSA-aaaa-bbbb-${String(i).padStart(4, '0')}`] } }));
    await store.ingestScan(makeReport({ scanId: 'k1', createdAt: day('2026-01-01'), findings: fps }), 't');
    await store.ingestScan(makeReport({ scanId: 'k2', createdAt: day('2026-01-02'), findings: fps.slice(10) }), 't');
    await store.ingestScan(makeReport({ scanId: 'k3', createdAt: day('2026-01-03'), findings: fps }), 't');
    await store.ingestScan(makeReport({ scanId: 'k4', kind: 'pr', createdAt: day('2026-01-04'), findings: fps.slice(0, 5) }), 't');
    const orphans = await sql(`SELECT
      (SELECT count(*) FROM finding_events e WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.id = e.finding_id) OR NOT EXISTS (SELECT 1 FROM scans s WHERE s.id = e.scan_pk))::int AS events,
      (SELECT count(*) FROM finding_scans x WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.id = x.finding_id) OR NOT EXISTS (SELECT 1 FROM scans s WHERE s.id = x.scan_pk))::int AS scans,
      (SELECT count(*) FROM finding_ids i WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.id = i.finding_id))::int AS ids`);
    expect(orphans.rows[0]).toEqual({ events: 0, scans: 0, ids: 0 });
    const counts = await store.tableCounts();
    // 40 opened, 10 fixed, 10 reopened; 40 + 30 + 40 + 5 sightings; two keys per finding.
    expect([counts.finding_events, counts.finding_scans, counts.finding_ids]).toEqual([60, 115, 80]);
  });
});

describe('credentials kept for a moment (auth.ts AUTH_CACHE_MS)', () => {
  it('refuses a revoked token and its sessions at once in the revoking process, and within AUTH_CACHE_MS in another', async () => {
    const other = await openPostgresStore(url);
    try {
      const t = await store.createToken({ role: 'viewer', label: 'v' });
      const s = await store.createSession(t.id);
      const s2 = await store.createSession(t.id);
      // Both processes have verified both credentials (and keep the answers).
      for (const p of [store, other]) {
        expect(await p.verifyToken(t.token)).toMatchObject({ id: t.id });
        expect(await p.getSession(s.id)).toMatchObject({ tokenId: t.id });
      }
      await store.deleteSession(s2.id);
      expect(await store.getSession(s2.id)).toBeUndefined();
      await store.deleteSession(s.id);
      expect(await store.getSession(s.id)).toBeUndefined();
      const s3 = await store.createSession(t.id);
      expect(await store.getSession(s3.id)).toMatchObject({ tokenId: t.id });
      expect(await other.getSession(s3.id)).toMatchObject({ tokenId: t.id });
      expect(await store.revokeToken(t.id)).toBe(true);
      expect(await store.verifyToken(t.token)).toBeUndefined();
      expect(await store.getSession(s3.id)).toBeUndefined();
      // The other process learns it when its entries run out.
      await new Promise((r) => setTimeout(r, AUTH_CACHE_MS + 100));
      expect(await other.verifyToken(t.token)).toBeUndefined();
      expect(await other.getSession(s3.id)).toBeUndefined();
      expect(await other.getSession(s.id)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('reads a credential once for the requests that miss it together (its entry ran out under load), and writes its last use once', async () => {
    const t = await store.createToken({ role: 'viewer', label: 'v' });
    const s = await store.createSession(t.id);
    // Every statement the store sends from here.
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    const sent: string[] = [];
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((q: string | { text: string }, ...rest: unknown[]) => {
      sent.push(typeof q === 'string' ? q : q.text);
      return query(q, ...rest);
    }) as unknown as typeof pool.query;
    const tokens = await Promise.all(Array.from({ length: 32 }, () => store.verifyToken(t.token)));
    const sessions = await Promise.all(Array.from({ length: 32 }, () => store.getSession(s.id)));
    expect(tokens.map((i) => i?.id)).toEqual(Array(32).fill(t.id));
    expect(sessions.map((i) => i?.tokenId)).toEqual(Array(32).fill(t.id));
    const count = (start: string) => sent.filter((q) => q.trimStart().startsWith(start)).length;
    expect(count('SELECT * FROM tokens WHERE hash')).toBe(1);
    expect(count('UPDATE tokens SET last_used_at')).toBe(1);
    expect(count('SELECT t.*, s.csrf')).toBe(1);
    // Kept: the next ones read nothing; a revoked token is read again at once (its entry dropped).
    await store.verifyToken(t.token);
    expect(count('SELECT * FROM tokens WHERE hash')).toBe(1);
    await store.revokeToken(t.id);
    expect(await Promise.all([store.verifyToken(t.token), store.verifyToken(t.token)])).toEqual([undefined, undefined]);
    expect(await store.getSession(s.id)).toBeUndefined();
  });
});

describe('connections', () => {
  it('every connection of the pool runs without JIT, set at its start (no second query racing the first)', async () => {
    // A fresh process with --throw-deprecation: pg's "client is already executing a query" is a
    // deprecation warning, emitted once per process, so it is looked for where nothing ran before.
    const script = `
      import { openPostgresStore } from './dashboard/store/postgres/open.ts';
      const s = await openPostgresStore(process.env.PG_URL, { poolSize: 4 });
      const shown = await Promise.all([1, 2, 3, 4].map(() => s.pool.query('SHOW jit')));
      console.log(shown.map((r) => r.rows[0].jit).join(','));
      await s.close();`;
    const { stdout } = await execFileAsync(process.execPath, ['--throw-deprecation', '--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, PG_URL: url },
    });
    expect(stdout.trim()).toBe('off,off,off,off');
  });
});

describe('prepared reads', () => {
  it('still answers after another process changes the schema under them (a rolling upgrade)', async () => {
    const one = await openPostgresStore(url, { poolSize: 1 });
    try {
      await one.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-01'), findings: [{ fp: 'a0000001' }] }), 't');
      expect((await one.getService('payments', new Date(day('2026-01-02'))))?.openTotal).toBe(1);
      await sql('ALTER TABLE services ADD COLUMN added_by_a_newer_version TEXT');
      expect((await one.getService('payments', new Date(day('2026-01-02'))))?.openTotal).toBe(1);
    } finally {
      await one.close();
    }
  });
});

describe('bad days', () => {
  it('leaves the scan absent when its connection is killed mid-transaction, and the store goes on', async () => {
    await store.ingestScan(makeReport({ scanId: 'base', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
    const before = await store.tableCounts();
    const cut = makeReport({ scanId: 'cut', createdAt: day('2026-01-02'), findings: Array.from({ length: 1000 }, (_, i) => ({ fp: `c${String(i).padStart(5, '0')}` })) });
    const blocker = await lockFindingScans(url);
    // The outcome is taken at once: the ingest fails while this test waits for the kill below.
    const ingest = store.ingestScan(cut, 't').then(
      () => 'created',
      (err: Error) => err,
    );
    try {
      const waiting = await waitingOn(url, blocker);
      await sql('SELECT pg_terminate_backend($1)', [waiting.pid]);
      const outcome = await ingest;
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(/terminat/);
    } finally {
      await blocker.end();
    }
    expect(await store.tableCounts()).toEqual(before);
    // The store goes on: the same scan, ingested again, is new.
    expect((await store.ingestScan(cut, 't')).status).toBe('created');
    expect((await store.tableCounts()).findings).toBe(before.findings + 1000);
  });

  it('leaves the scan absent when the whole server goes away mid-transaction; restarted, a new store ingests it', async () => {
    // A server of its own (stopped hard here), not the one the other tests share.
    const server = startThrowawayServer();
    try {
      const first = await openPostgresStore(server.url);
      await first.ingestScan(makeReport({ scanId: 'base', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't');
      const before = await first.tableCounts();
      const cut = makeReport({ scanId: 'cut', createdAt: day('2026-01-02'), findings: Array.from({ length: 1000 }, (_, i) => ({ fp: `c${String(i).padStart(5, '0')}` })) });
      const blocker = await lockFindingScans(server.url);
      const ingest = first.ingestScan(cut, 't').then(
        () => 'created',
        (err: Error) => err,
      );
      await waitingOn(server.url, blocker);
      // Every backend dies at once, nothing is flushed or rolled back by a clean shutdown: the
      // restart's crash recovery decides what the scan's open transaction left.
      server.crash();
      expect(await ingest).toBeInstanceOf(Error);
      await blocker.end().catch(() => undefined);
      await first.close().catch(() => undefined);
      server.restart();
      const second = await openPostgresStore(server.url);
      try {
        expect(await second.tableCounts()).toEqual(before);
        expect((await second.ingestScan(cut, 't')).status).toBe('created');
        expect((await second.tableCounts()).findings).toBe(before.findings + 1000);
      } finally {
        await second.close();
      }
    } finally {
      server.stop();
    }
  });

  it('keeps answering while the server is gone: alive, not ready (why), other requests 503 to retry; ready again once it is back', async () => {
    const server = startThrowawayServer();
    try {
      const store = await openPostgresStore(server.url);
      const viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
      const logger = createMemoryLogger();
      const app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger, cachePages: false });
      try {
        expect((await app.request('/readyz')).status).toBe(200);
        server.crash();
        // Liveness: the process answers (an orchestrator restarting it would not bring the database back).
        const alive = await app.request('/healthz');
        expect(alive.status).toBe(200);
        expect(await alive.json()).toEqual({ ok: true });
        const notReady = await app.request('/readyz');
        expect(notReady.status).toBe(503);
        expect(notReady.headers.get('retry-after')).toBe('5');
        expect(await notReady.json()).toEqual({ ready: false, reason: 'the database does not answer' });
        expect((await app.request('/readyz')).status).toBe(503);
        // Said once in the log while it lasts, with what the driver said.
        expect(logger.lines.filter((l) => l.startsWith('warning: readiness: the database does not answer ('))).toHaveLength(1);
        // A request that needs the database meanwhile: 503 to retry (the push retries), not a 500.
        const unavailable = await app.request('/api/v1/services', { headers: { authorization: `Bearer ${viewer}-x` } });
        expect(unavailable.status).toBe(503);
        expect(unavailable.headers.get('retry-after')).toBe('5');
        expect(await unavailable.json()).toEqual({ error: 'the database does not answer; retry shortly' });
        expect(logger.lines.some((l) => /^warning: GET \/api\/v1\/services: the database does not answer \(/.test(l))).toBe(true);
        expect(logger.lines.filter((l) => l.startsWith('error:'))).toEqual([]);
        server.restart();
        expect((await app.request('/readyz')).status).toBe(200);
        expect(logger.lines).toContain('readiness: the database answers again');
        expect((await app.request('/api/v1/services', { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(200);
      } finally {
        await store.close().catch(() => undefined);
      }
    } finally {
      server.stop();
    }
  });

  it('runs on a schema at its version with a role that may only read and write rows; a schema to migrate says it may not', async () => {
    await (await openPostgresStore(url)).close();
    const role = `gh_rows_${process.pid}_${Date.now()}`;
    const database = new URL(url).pathname.slice(1);
    await sql(`CREATE ROLE ${role} LOGIN PASSWORD 'rows-Only-pw'`);
    try {
      await sql(`GRANT CONNECT ON DATABASE ${database} TO ${role}; GRANT USAGE ON SCHEMA public TO ${role}; REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}; GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      const asRole = new URL(url);
      asRole.username = role;
      asRole.password = 'rows-Only-pw';
      const store = await openPostgresStore(asRole.toString());
      try {
        expect((await store.ingestScan(makeReport({ scanId: 'rows-only', createdAt: day('2026-01-01'), findings: [{ fp: 'a' }] }), 't')).status).toBe('created');
        expect((await store.listFindings({ state: 'open', limit: 10, offset: 0 })).total).toBe(1);
      } finally {
        await store.close();
      }
      // A database with no schema yet: the role may not create it, and the start says so.
      const empty = await freshPostgresDatabase();
      const emptyName = new URL(empty.url).pathname.slice(1);
      try {
        await sql(`GRANT CONNECT ON DATABASE ${emptyName} TO ${role}`);
        const onEmpty = new URL(asRole);
        onEmpty.pathname = `/${emptyName}`;
        await expect(openPostgresStore(onEmpty.toString())).rejects.toThrow(/^cannot prepare the schema on postgres:\/\/gh_rows_\w+:\*\*\*\*@[^ ]+: permission denied for schema public$/);
        await sql(`REVOKE ALL ON DATABASE ${emptyName} FROM ${role}`);
      } finally {
        await empty.drop();
      }
    } finally {
      await sql(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}; REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}; REVOKE ALL ON SCHEMA public FROM ${role}; REVOKE ALL ON DATABASE ${database} FROM ${role}; DROP ROLE ${role}`);
    }
  });

  it('refuses a database migrated by a newer Gatehouse', async () => {
    await sql('UPDATE gatehouse_schema SET version = 99');
    await expect(openPostgresStore(url)).rejects.toThrow(StoreVersionError);
    await expect(openPostgresStore(url)).rejects.toThrow(/schema version 99 is newer than this Gatehouse/);
  });

  it('says clearly that the server is down, without the password', async () => {
    const down = 'postgres://gatehouse:s3cret-Pass-Word@127.0.0.1:1/gatehouse';
    const err = await openPostgresStore(down).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreConnectionError);
    expect((err as Error).message).toMatch(/cannot connect to PostgreSQL at postgres:\/\/gatehouse:\*\*\*\*@127\.0\.0\.1:1\/gatehouse: connection refused/);
    expect((err as Error).message).not.toContain('s3cret-Pass-Word');
  });

  it('says a password is wrong without printing it', async () => {
    const u = new URL(url);
    u.password = 'wrong-Password-xyz';
    const err = await openPostgresStore(u.toString()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain('password authentication failed');
    expect((err as Error).message).not.toContain('wrong-Password-xyz');
    expect(redactUrl(u.toString())).not.toContain('wrong-Password-xyz');
  });

  it('masks a password in the URL\'s user part and in its query (pg reads ?password= too)', () => {
    expect(redactUrl('postgres://u:p1@h:5432/db?password=p2&sslpassword=p3&sslmode=require')).toBe('postgres://u:****@h:5432/db?password=****&sslpassword=****&sslmode=require');
    expect(redactUrl('postgres://u@h/db?sslmode=require')).toBe('postgres://u@h/db?sslmode=require');
    expect(redactUrl('postgres://u:p@h:notaport/db')).toBe('postgres://(unparsable connection string)');
  });
});
