// Dashboard figures (printed, never asserted):
//  1. ingest of one 10,000-finding scan (store call, and end to end over HTTP);
//  2. after seeding 500 services x 365 days, page sizes (plain and gzip), then p50/p99 under 32
//     concurrent connections (server in a child process, loopback only, bounded by count and time,
//     load average beside each line) of: the overview page (warm), service pages on their first
//     visit (cold: rendered) and on later visits (warm: cached), the overview, posture and
//     findings APIs (each line's connections are opened before its clock starts; 32 connections
//     opened at once are a line of their own);
//  3. database size per million ingested findings.
// `npm run bench -- dashboard`. Quicker runs (the same side-by-side table):
//   GATEHOUSE_BENCH_SERVICES=100        fewer services (default 500)
//   GATEHOUSE_BENCH_ONLY=reads          only part 2 (no ingest, no size)
//   GATEHOUSE_BENCH_SEED_FILE=/tmp/x.db reuse a seeded file (seeded there when missing; same day and services)
//   GATEHOUSE_BENCH_ONLY=versions       only the per-service data version figures: cache hit ratio of
//                                       service pages in process while another service is ingested,
//                                       and warm service pages over HTTP with an ingest every second
// Each load line also shows the server's event-loop blocks (> 20 ms) over the line, and the steps of
// work ahead (page-warmer.ts) that ran inside it with the longest in ms; to look further
// inside the server see GATEHOUSE_BENCH_NODE_ARGS / GATEHOUSE_BENCH_SERVER_LOG in bench/http-load.ts.
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEVERITIES, type Finding, type Severity } from '../src/findings/finding.js';
import { ScanReportSchema, type ScanReport } from '../src/report/scan-report.js';
import { addDays, dayOf } from '../dashboard/store/days.js';
import { ADMIN, connectBurst, fetchBytes, load, startServer, waitQuiet, warmUp, type LoadResult, type Server } from './http-load.js';
import { gcText, type LoopStats } from '../dashboard/loop-stats.js';
import { migrateSqliteToPostgres } from '../dashboard/store/migrate-backend.js';
import { createPgDatabase } from './pg-database.js';
import pg from 'pg';
import { openSqliteStore as openStore } from '../dashboard/store/sqlite/open.js';
import { createApp } from '../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../dashboard/deps.js';
import { createMemoryLogger } from '../src/logger.js';
import { SUMMARY_FILL_SQL } from '../dashboard/store/summary.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-dash-bench-'));

function finding(service: string, id: string, severity: Severity): Finding {
  return {
    tool: 'trivy',
    category: 'dependency',
    ruleId: `CVE-2024-${id}`,
    title: `Prototype pollution in package-${id}`,
    severity,
    toolSeverity: severity.toUpperCase(),
    location: { path: 'package-lock.json', package: { ecosystem: 'npm', name: `package-${id}`, version: '1.2.3', fixedVersions: ['1.2.4'] } },
    cvss: { score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
    cwe: ['CWE-1321'],
    references: [`https://nvd.nist.gov/vuln/detail/CVE-2024-${id}`],
    fixAvailable: true,
    fix: `upgrade package-${id} to 1.2.4`,
    message: `package-${id}@1.2.3 is affected by CVE-2024-${id}`,
    fingerprint: `fp:${service}:${id}`,
    service,
    status: 'existing',
  };
}

function report(scanId: string, createdAt: string, service: string, ids: string[]): ScanReport {
  return ScanReportSchema.parse({
    schema: 'gatehouse/scan-report',
    version: 1,
    scanId,
    createdAt,
    kind: 'snapshot',
    source: { repository: 'acme/platform', ref: 'refs/heads/main', commit: 'f'.repeat(40) },
    services: [{ name: service, path: `services/${service}` }],
    comparison: { baseline: 'none', changedFiles: false },
    scanners: [{ scanner: 'trivy-fs', tool: 'trivy', category: 'dependency', service, status: 'ok', durationMs: 1000, findingCount: ids.length }],
    findings: ids.map((id, i) => finding(service, id, SEVERITIES[i % 4])),
    gate: { passed: true, outcome: 'passed', reasons: [], warnings: [], counted: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 } },
  });
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => n.toFixed(1);

// ---------------------------------------------------------------- 1. ingest of 10,000 findings
async function benchIngest(): Promise<void> {
  const ids = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(5, '0'));
  const store = openStore(join(dir, 'ingest.db'));
  const r1 = report('big-1', '2026-01-01T00:00:00Z', 'big', ids);
  let t0 = process.hrtime.bigint();
  (await store.ingestScan(r1, 'bench'));
  console.log(`ingest 10,000-finding scan (store, all new):          ${fmt(ms(t0))} ms  (target <= 1000 ms)`);
  const r2 = report('big-2', '2026-01-02T00:00:00Z', 'big', ids.map((id, i) => (i % 10 === 0 ? `n${id}` : id)));
  t0 = process.hrtime.bigint();
  (await store.ingestScan(r2, 'bench'));
  console.log(`ingest 10,000-finding scan (store, 10% churn):         ${fmt(ms(t0))} ms`);
  (await store.close());

  const server = await startServer(join(dir, 'ingest-http.db'));
  try {
    const body = JSON.stringify(report('big-http', '2026-01-01T00:00:00Z', 'big', ids));
    t0 = process.hrtime.bigint();
    const res = await fetch(`${server.base}/api/v1/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body,
    });
    const took = ms(t0);
    console.log(`ingest 10,000-finding scan (HTTP POST, ${(body.length / 1e6).toFixed(1)} MB, validated): ${fmt(took)} ms, status ${res.status}`);
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------- 2. 500 services x 365 days
const SERVICES = Number(process.env.GATEHOUSE_BENCH_SERVICES ?? 500);
const DAYS = 365;

/** A seeded random walk per service written straight into the tables in one transaction. */
export function seedHistory(file: string): { findings: number; seconds: number } {
  const store = openStore(file);
  const db = store.db;
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const today = dayOf(new Date().toISOString());
  const first = addDays(today, -(DAYS - 1));
  const insService = db.prepare('INSERT INTO services (name, path, first_seen_at, last_scan_at, last_snapshot_at, last_gate) VALUES (?, ?, ?, ?, ?, ?)');
  const insScan = db.prepare(`INSERT INTO scans (scan_id, kind, created_at, repository, ref, commit_sha, gate_outcome, finding_count, ingested_at, ingested_by)
    VALUES (?, 'snapshot', ?, 'acme/platform', 'refs/heads/main', ?, ?, ?, ?, 'bench')`);
  const insScanService = db.prepare(`INSERT INTO scan_services (scan_pk, service_id, kind, created_at, gate_outcome, finding_count, counts, scanners)
    VALUES (?, ?, 'snapshot', ?, ?, ?, ?, ?)`);
  const insFinding = db.prepare(`INSERT INTO findings (service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available,
    state, suppressed, suppression, first_seen_at, opened_at, last_seen_at, fixed_at, data) VALUES (?, ?, 'trivy', 'dependency', ?, ?, ?, 'package-lock.json', 1, ?, 0, NULL, ?, ?, ?, ?, ?)`);
  const insEvent = db.prepare('INSERT INTO finding_events (finding_id, scan_pk, kind, at, open_seconds) VALUES (?, ?, ?, ?, ?)');
  const insPosture = db.prepare(`INSERT INTO posture_daily (service_id, day, critical, high, medium, low, info, unknown, total, snapshot_at)
    VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)`);
  const insFix = db.prepare('INSERT INTO fix_stats (service_id, severity, fixed_count, open_seconds_total) VALUES (?, ?, ?, ?)');
  const fixRate: Record<string, number> = { critical: 0.15, high: 0.04, medium: 0.015, low: 0.006 };
  const scanners = JSON.stringify([{ scanner: 'trivy-fs', tool: 'trivy', category: 'dependency', status: 'ok' }]);
  let findings = 0;
  const t0 = process.hrtime.bigint();
  db.transaction(() => {
    for (let s = 0; s < SERVICES; s++) {
      const name = `svc-${String(s).padStart(3, '0')}`;
      const lastAt = `${today}T06:00:00.000Z`;
      const serviceId = Number(insService.run(name, `services/${name}`, `${first}T06:00:00.000Z`, lastAt, lastAt, rnd() < 0.2 ? 'failed' : 'passed').lastInsertRowid);
      type Open = { id: string; severity: Severity; openedAt: string; openedScan: number };
      let open: Open[] = [];
      let next = 0;
      const fixes = new Map<string, { n: number; secs: number }>();
      const newFinding = (at: string, scanPk: number): Open => ({ id: `${name}-${next++}`, severity: (['critical', 'high', 'medium', 'low'] as const)[Math.floor(rnd() ** 0.6 * 4)], openedAt: at, openedScan: scanPk });
      const write = (f: Open, fixedAt: string | null, fixScan: number | null) => {
        const data = JSON.stringify(finding(name, f.id, f.severity));
        const id = Number(insFinding.run(serviceId, `fp:${name}:${f.id}`, `CVE-2024-${f.id}`, `Prototype pollution in package-${f.id}`, f.severity, fixedAt ? 'fixed' : 'open', f.openedAt, f.openedAt, fixedAt ?? lastAt, fixedAt, data).lastInsertRowid);
        insEvent.run(id, f.openedScan, 'opened', f.openedAt, null);
        if (fixedAt && fixScan !== null) {
          const secs = (Date.parse(fixedAt) - Date.parse(f.openedAt)) / 1000;
          insEvent.run(id, fixScan, 'fixed', fixedAt, secs);
          const agg = fixes.get(f.severity) ?? { n: 0, secs: 0 };
          agg.n++;
          agg.secs += secs;
          fixes.set(f.severity, agg);
        }
        findings++;
      };
      for (let d = 0; d < DAYS; d++) {
        const day = addDays(first, d);
        const at = `${day}T06:00:00.000Z`;
        const scanPk = Number(insScan.run(`bench-${name}-${day}`, at, 'c'.repeat(40), 'passed', open.length, at).lastInsertRowid);
        if (d === 0) for (let i = 0; i < 10 + Math.floor(rnd() * 20); i++) open.push(newFinding(at, scanPk));
        while (rnd() < 0.3) open.push(newFinding(at, scanPk));
        open = open.filter((f) => {
          if (rnd() >= fixRate[f.severity]) return true;
          write(f, at, scanPk);
          return false;
        });
        const c = { critical: 0, high: 0, medium: 0, low: 0 };
        for (const f of open) c[f.severity as keyof typeof c]++;
        insScanService.run(scanPk, serviceId, at, 'passed', open.length, JSON.stringify({ ...c, info: 0, unknown: 0 }), scanners);
        insPosture.run(serviceId, day, c.critical, c.high, c.medium, c.low, open.length, at);
      }
      for (const f of open) write(f, null, null);
      for (const [severity, agg] of fixes) insFix.run(serviceId, severity, agg.n, Math.round(agg.secs));
    }
    // Every service's data version, as an ingest gives it (store/versions.ts).
    db.exec("INSERT INTO service_versions (service_id, version) SELECT id, (SELECT value FROM meta WHERE key = 'data_version') FROM services");
    // The per-service open-findings summary ingest keeps (this seed bypasses ingest).
    db.exec(SUMMARY_FILL_SQL);
  })();
  const seconds = ms(t0) / 1000;
  store.db.close();
  return { findings, seconds };
}

/** Read figures per backend, for the side-by-side table at the end. */
const sideBySide = new Map<string, Record<'sqlite' | 'postgres', string>>();
function record(backend: 'sqlite' | 'postgres', label: string, r: LoadResult, cpu = ''): void {
  const row = sideBySide.get(label) ?? { sqlite: '-', postgres: '-' };
  row[backend] = `p50 ${fmt(r.p50)} / p99 ${fmt(r.p99)} ms, ${r.errors} err${cpu.replace(', server cpu', ', cpu')}`;
  sideBySide.set(label, row);
}

async function benchReads(): Promise<void> {
  const file = join(dir, 'history.db');
  const reuse = process.env.GATEHOUSE_BENCH_SEED_FILE;
  let seeded: { findings: number; seconds: number };
  if (reuse && existsSync(reuse)) {
    copyFileSync(reuse, file);
    const db = openStore(file);
    seeded = { findings: (db.db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number }).n, seconds: 0 };
    await db.close();
    console.log(`reusing the seeded file ${reuse}`);
  } else {
    seeded = seedHistory(file);
    if (reuse) copyFileSync(file, reuse);
  }
  console.log(`seeded ${SERVICES} services x ${DAYS} days (${(SERVICES * DAYS).toLocaleString('en')} snapshots, ${seeded.findings.toLocaleString('en')} findings) in ${fmt(seeded.seconds)} s; file ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  const store = openStore(file);
  const { id: viewerId, token: viewer } = (await store.createToken({ role: 'viewer', label: 'bench' }));
  const session = await store.createSession(viewerId);
  // The store calls alone, in this process (median of 25): what one request costs before HTTP.
  const today0 = dayOf(new Date().toISOString());
  // Awaited: a SQLite read of every service takes turns of the event loop (store/sqlite/loop-turns.ts).
  const median = async (f: (i: number) => unknown) => {
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      const t0 = process.hrtime.bigint();
      await f(i);
      times.push(ms(t0));
    }
    return fmt(times.sort((a, b) => a - b)[12]);
  };
  const svc = (i: number) => `svc-${String((i * 37) % SERVICES).padStart(3, '0')}`;
  let far = Date.now();
  console.log(
    `store calls (median): overview recomputed ${await median(() => store.listServiceOverview(new Date((far += 3_600_000))))} ms, ` +
      `service detail ${await median((i) => store.getService(svc(i)))} ms, 365-day posture ${await median((i) => store.postureSeries(svc(i), { from: addDays(today0, -364), to: today0 }))} ms, ` +
      `findings page ${await median((i) => store.listFindings({ service: svc(i), limit: 50, offset: 0 }))} ms, scans ${await median((i) => store.listScans(svc(i), 20))} ms`,
  );
  (await store.close());
  await benchHitRatio(file);

  // The same seeded data on PostgreSQL: copied with the migrate command's own code before the SQLite
  // phase, whose ingest line adds a service to the file.
  const server = process.env.GATEHOUSE_BENCH_PG_URL ?? process.env.GATEHOUSE_TEST_PG_URL;
  const db = server ? await createPgDatabase(server, 'gatehouse_bench_reads') : undefined;
  try {
    let copied = '';
    if (db) {
      const t0 = process.hrtime.bigint();
      await migrateSqliteToPostgres(file, db.url);
      copied = `copied the seeded store to PostgreSQL (migrate command) in ${fmt(ms(t0) / 1000)} s`;
      // Vacuumed now, so the server's autovacuum does not take its turn at the copied rows on the
      // same two cores while the SQLite lines run.
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('VACUUM');
      } finally {
        await client.end();
      }
    }
    await loadPhase('sqlite', file, cookieFor(session.id), viewer);
    if (!db) {
      console.log('PostgreSQL: no server (set GATEHOUSE_BENCH_PG_URL or GATEHOUSE_TEST_PG_URL) - the same reads on PostgreSQL were not measured');
    } else {
      console.log(`\n${copied}`);
      await loadPhase('postgres', db.url, cookieFor(session.id), viewer);
    }
  } finally {
    await db?.drop();
  }
  console.log('\nside by side, same seeded data, 32 concurrent connections (target p99 <= 50 ms, 0 errors; each line above also gives its event loop and GC):');
  console.log(`  ${'read'.padEnd(72)} ${'SQLite'.padEnd(74)} PostgreSQL`);
  for (const [label, row] of sideBySide) console.log(`  ${label.padEnd(72)} ${row.sqlite.padEnd(74)} ${row.postgres}`);
}

/** The page warmer's steps in a period of the server's loop figures, and the longest (ms); '' when it did not say. */
const workAhead = (loop: LoopStats | undefined, when = '') =>
  loop?.aheadSteps === undefined ? '' : `, work ahead${when} ${loop.aheadSteps} steps (longest ${loop.aheadMaxMs} ms wall)`;

const cookieFor = (sessionId: string) => ({ cookie: `gatehouse_session=${sessionId}`, 'accept-encoding': 'gzip' });

const VERSIONS_ONLY = process.env.GATEHOUSE_BENCH_ONLY === 'versions';

/** A snapshot of `service` with a few findings (one changes each time), as CI pushes it. */
const pushed = (service: string, n: number) =>
  report(`bench-push-${service}-${n}-${Date.now()}`, new Date(Date.now() - 1000).toISOString(), service, Array.from({ length: 20 }, (_, i) => (i === 0 ? `p${n}` : `p-${i}`)));

/**
 * Service pages under ingests of another service, in this process (no HTTP, no load dependence):
 * 100 service pages visited once, then 20 rounds of one ingest of another service and 50 visits of
 * random ones of those pages. Renders are counted at the store (getService of a visited service):
 * the cache hit ratio, and the process CPU per visit.
 */
async function benchHitRatio(seeded: string): Promise<void> {
  const file = join(dir, 'hits.db');
  copyFileSync(seeded, file);
  const store = openStore(file);
  try {
    const names = Array.from({ length: Math.min(100, SERVICES) }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
    let renders = 0;
    const counted = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (prop === 'getService') {
          return (name: string, ...rest: unknown[]) => {
            if (names.includes(name)) renders++;
            return value.call(target, name, ...rest);
          };
        }
        return value.bind(target);
      },
    });
    const app = createApp({ store: counted, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger() });
    const { id, token: admin } = await store.createToken({ role: 'admin', label: 'bench-hits' });
    const cookie = `gatehouse_session=${(await store.createSession(id)).id}`;
    const visit = async (name: string) => {
      const r = await app.request(`/services/${name}`, { headers: { cookie, 'accept-encoding': 'gzip' } });
      if (r.status !== 200) throw new Error(`/services/${name}: ${r.status}`);
      await r.arrayBuffer();
    };
    for (const n of names) await visit(n);
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    renders = 0;
    let visits = 0;
    let cpuUs = 0;
    for (let round = 0; round < 20; round++) {
      const res = await app.request('/api/v1/scans', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(pushed('bench-pushed', round)),
      });
      if (res.status !== 201) throw new Error(`ingest: ${res.status} ${await res.text()}`);
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < 50; i++, visits++) await visit(names[Math.floor(rnd() * names.length)]);
      const cpu = process.cpuUsage(cpu0);
      cpuUs += cpu.user + cpu.system;
    }
    console.log(
      `service pages while another service is ingested (in process, ${names.length} pages visited, then 20 x [1 ingest, 50 visits]): ` +
        `cache hit ratio ${((1 - renders / visits) * 100).toFixed(1)}% (${renders} renders / ${visits} visits), cpu ${fmt(cpuUs / 1000 / visits)} ms/visit (load ${loadavg()[0].toFixed(1)})`,
    );
  } finally {
    await store.close();
  }
}

/** Pushes a snapshot of `service` every `everyMs` through the server's API until stopped; resolves the number pushed. */
function ingestEvery(base: string, everyMs: number, service: string): () => Promise<number> {
  let n = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const res = await fetch(`${base}/api/v1/scans`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(pushed(service, n)),
      });
      if (res.status !== 201) throw new Error(`ingest: ${res.status} ${await res.text()}`);
      n++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return n;
  };
}

/** How a load line on `server` is measured and printed (p50/p99, the server's CPU per request, its loop). */
function lineReporter(backend: 'sqlite' | 'postgres', server: Server) {
  // The server's own CPU time per request: what a request costs, whatever the machine's load.
  let cpuBefore = server.cpuMs();
  // The server's event loop over the same span (dashboard/loop-stats.ts): blocks > 20 ms, their
  // sum and the longest. Unlike p99 it hardly moves with the machine's load.
  let loop: LoopStats | undefined;
  const print = (label: string, r: LoadResult) => {
    const cpuNow = server.cpuMs();
    const own = cpuBefore !== undefined && cpuNow !== undefined ? `, server cpu ${fmt((cpuNow - cpuBefore) / Math.max(1, r.requests))} ms/req` : '';
    // The load generator's own CPU per request: it shares the machine's cores with the server.
    const cpu = `${own}, client cpu ${fmt(r.clientCpuMs)} ms/req`;
    // "cpu-blocks": the same counting only the server's own CPU time while the loop was held.
    // "work ahead": the page warmer's steps inside the line (page-warmer.ts), the longest in ms.
    const blocks = loop ? `, loop ${loop.blocks} blocks >20 ms = ${loop.blockedMs} ms (max ${loop.maxMs}), cpu-blocks ${loop.cpuBlocks} = ${loop.cpuBlockedMs} ms (max ${loop.maxCpuMs})${workAhead(loop)}${gcText(loop)}` : '';
    record(backend, label, r, cpu);
    console.log(`  ${label.padEnd(66)} p50 ${fmt(r.p50).padStart(6)} ms  p99 ${fmt(r.p99).padStart(6)} ms  max ${fmt(r.max).padStart(6)} ms  ${String(Math.round(r.rps)).padStart(5)} req/s  ${r.requests} requests, ${r.errors} errors${cpu}${blocks}  (load ${loadavg()[0].toFixed(1)})`);
  };
  /** Load with the server's CPU and event loop counted from here (warm-up requests before it are not). */
  const measure = async (path: () => string, headers: Record<string, string>, o: Parameters<typeof load>[3]) => {
    await server.loopStats();
    cpuBefore = server.cpuMs();
    const r = await load(server.base, path, headers, o);
    loop = await server.loopStats();
    return r;
  };
  /** The same for a run of `run` (its own kind of requests). */
  const measureRun = async (run: () => Promise<LoadResult>) => {
    await server.loopStats();
    cpuBefore = server.cpuMs();
    const r = await run();
    loop = await server.loopStats();
    return r;
  };
  return { print, measure, measureRun };
}

/** The 32 concurrent keep-alive connections of every line: up to 3,000 requests or 20 s. */
const LINE = { concurrency: 32, requests: 3000, maxSeconds: 20 };
/** How long a line under a stream waits at most for the server's work ahead on start to end. */
const START_WORK_MAX_S = 60;

/**
 * First visits that find nothing rendered ahead: a server without its work ahead on start
 * (bench/no-start-work-server.ts), warmed up (JIT) on the overview and on `warmUp`'s services, then
 * `cold`'s service pages in a view it never rendered, one at a time (`alone`), then 32 at once. A
 * normal server renders every default view ahead soon after its start, even under a stream of
 * requests (page-warmer.ts), and other views of a rendered service reuse its kept parts: this is
 * what a first visit cost before that, or a server that cannot keep up.
 */
async function coldPhase(backend: 'sqlite' | 'postgres', location: string, cookie: Record<string, string>, warmUp: string[], alone: string[], cold: string[]): Promise<void> {
  const server = await startServer(location, 'bench/no-start-work-server.ts');
  try {
    const { print, measure } = lineReporter(backend, server);
    let i = 0;
    await load(server.base, () => `/services/${warmUp[i++ % warmUp.length]}?days=30`, cookie, { concurrency: 4, requests: 100, maxSeconds: 10, timelineTag: 'warm-up' });
    await load(server.base, () => '/', cookie, { ...LINE, timelineTag: 'warm-up' });
    const times: number[] = [];
    for (const name of alone) {
      const t1 = process.hrtime.bigint();
      await fetchBytes(server.base, `/services/${name}?dir=asc`, cookie);
      times.push(ms(t1));
    }
    times.sort((a, b) => a - b);
    console.log(`  service page, one request alone, never rendered, nothing rendered ahead (?dir=asc; ${alone.length} services one after another, a server without its start-up work): median ${fmt(times[Math.floor(times.length / 2)])} ms, max ${fmt(times.at(-1) ?? 0)} ms`);
    const unvisited = [...cold];
    print(`service page   GET /services/:name?dir=asc  (never rendered, nothing rendered ahead: first visit of ${unvisited.length}; a server without its start-up work)`, await measure(() => `/services/${unvisited.pop()}?dir=asc`, cookie, { ...LINE, requests: unvisited.length }));
  } finally {
    await server.stop();
  }
}

/** The load figures on one backend: a dashboard process over `location` (a SQLite file or a PostgreSQL URL). */
async function loadPhase(backend: 'sqlite' | 'postgres', location: string, cookie: Record<string, string>, viewer: string): Promise<void> {
  console.log(`\n--- ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
  const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  if (!VERSIONS_ONLY) {
    // Three distinct sets of services: the JIT warm-up's (their parts get kept), the ones measured
    // alone, the ones measured 32 at once.
    const shuffled = names.map((n, i) => ({ n, k: (i * 2654435761) % 1000003 })).sort((a, b) => a.k - b.k).map((x) => x.n);
    console.log('32 concurrent keep-alive connections, loopback, up to 3,000 requests or 20 s each (target p99 <= 50 ms, no errors):');
    await coldPhase(backend, location, cookie, shuffled.slice(0, 20), shuffled.slice(20, 40), shuffled.slice(40));
  }
  const server = await startServer(location);
  const started = process.hrtime.bigint();
  try {
    const today = dayOf(new Date().toISOString());
    const from = addDays(today, -364);
    // Like a browser: every request accepts gzip (pages and the overview API use it).
    const bearer = { authorization: `Bearer ${viewer}`, 'accept-encoding': 'gzip' };
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const randomService = () => names[Math.floor(rnd() * names.length)];

    // What a page weighs: the HTML as rendered, and as sent to a browser (gzip).
    const sizes: string[] = [];
    for (const [label, path] of [['overview', '/'], ['service (90 days)', `/services/${names[1]}`], ['service (365 days)', `/services/${names[1]}?days=365`]]) {
      const plain = await fetchBytes(server.base, path, { cookie: cookie.cookie });
      const zipped = await fetchBytes(server.base, path, cookie);
      sizes.push(`${label} ${Math.round(plain.length / 1024)} KiB (gzip ${Math.round(zipped.length / 1024)} KiB)`);
    }
    console.log(`page sizes: ${sizes.join(', ')}`);

    const opts = LINE;
    const { print, measure, measureRun } = lineReporter(backend, server);
    if (VERSIONS_ONLY) console.log('32 concurrent keep-alive connections, loopback, up to 3,000 requests or 20 s each (target p99 <= 50 ms, no errors):');
    // A security lead opens the overview (cache warm after its first render), then service pages:
    // the first visit of each service renders it (cold; the process itself is warmed up first on a
    // 30-day chart, another cache key), later visits come from the cache (warm) until the data
    // changes or the minute turns (ages on the page), which a 20 s run may include.
    await load(server.base, () => `/services/${randomService()}?days=30`, cookie, { concurrency: 4, requests: 100, maxSeconds: 10, timelineTag: 'warm-up' });
    let t0 = process.hrtime.bigint();
    await fetchBytes(server.base, '/?sort=name&dir=asc', cookie); // warms the store's overview (another page cache key)
    const storeAndRender = ms(t0);
    t0 = process.hrtime.bigint();
    await fetchBytes(server.base, '/', cookie);
    console.log(`  overview page, one request alone: first of the process ${fmt(storeAndRender)} ms (store overview + render + gzip), first of its cache key ${fmt(ms(t0))} ms (render + gzip)`);
    // A process's first thousands of requests cost about twice the CPU of later ones (0.85 against
    // 0.42 ms per overview page in three rounds of 3,000 after the start-up work, SQLite: V8 has not
    // yet optimized the request path, and the heap grows): a line of its own, then the same line in
    // a process that has served them, a running server's usual state.
    // The server renders every service's default view ahead from its start (page-warmer.ts): under
    // a stream of requests that leaves it no quiet, after STARVED_MS in steps between the requests.
    // These lines run from its start back to back, so they carry those steps ("work ahead" in each).
    print('overview page  GET /  (the process\'s first 3,000 requests: JIT warm-up; work ahead on start meanwhile)', await measure(() => '/', cookie, opts));
    // Until the server says its work ahead on start ended: how long it takes under a stream, and
    // what the requests meanwhile wait (server cpu per request includes the work ahead's).
    const startWorkDone = () => server.workAhead().some((l) => /^(warning: )?work ahead (on start|stopped)/.test(l));
    if (!startWorkDone()) {
      const during = await measure(() => '/', cookie, { ...opts, requests: Number.POSITIVE_INFINITY, maxSeconds: START_WORK_MAX_S, until: startWorkDone });
      print(`overview page  GET /  (until the work ahead on start ended, at most ${START_WORK_MAX_S} s)`, during);
    }
    const startWork = server.workAhead().find((l) => /^(warning: )?work ahead (on start|stopped)/.test(l));
    console.log(`    (${startWork ? `server: ${startWork}; ended ${fmt(ms(started) / 1000)} s after the server started, under a stream of requests since` : `work ahead on start not ended ${fmt(ms(started) / 1000)} s after the server started, under a stream of requests since`})`);
    print('overview page  GET /  (warm, re-rendered when the minute turns)', await measure(() => '/', cookie, opts));
    // First visits. The server renders the default view of every service ahead (on start and after
    // an ingest, page-warmer.ts), so a first visit of /services/:name finds it rendered, and another
    // view of it (the same findings sorted the other way, ?dir=asc) reuses its kept parts. What a
    // view costs with nothing rendered ahead: the lines of a server without its start-up work, above.
    const order = [...names].sort(() => rnd() - 0.5);
    let unvisited = order.slice(20);
    if (!VERSIONS_ONLY) {
      const ahead = startWorkDone() ? 'its default view rendered ahead (the work ahead on start had ended)' : 'the work ahead on start still running (some default views rendered ahead)';
      print(`service page   GET /services/:name?dir=asc  (never rendered; ${ahead}: first visit of ${unvisited.length})`, await measure(() => `/services/${unvisited.pop()}?dir=asc`, cookie, { ...opts, requests: unvisited.length }));
    }
    // The server renders ahead only while it serves nothing: give it the quiet a real server has
    // between visitors (bounded), and say how long it took.
    console.log(`  (server quiet after ${fmt(await waitQuiet(server, 120))} s: the renders ahead on start are done${workAhead(await server.loopStats(), ' meanwhile')})`);
    const warmedAt = Date.now();
    unvisited = [...order];
    print(`service page   GET /services/:name  (first visit of ${unvisited.length}, rendered ahead)`, await measure(() => `/services/${unvisited.pop()}`, cookie, { ...opts, requests: unvisited.length }));
    print('service page   GET /services/:name  (warm: random, all visited)', await measure(() => `/services/${randomService()}`, cookie, opts));
    if (!VERSIONS_ONLY) {
      // Another view of pages whose default view is rendered (a sort a visitor clicks): never rendered
      // itself, it puts in place the chart its default view kept (view-routes.tsx) and renders the rest.
      unvisited = [...order];
      print(`service page   GET /services/:name?sort=title  (never rendered; its default view was: ${unvisited.length})`, await measure(() => `/services/${unvisited.pop()}?sort=title`, cookie, { ...opts, requests: unvisited.length }));
      // The other text sort (the store's order, its rows deflated ahead in it).
      unvisited = [...order];
      print(`service page   GET /services/:name?sort=tool&dir=asc  (never rendered; its default view was: ${unvisited.length})`, await measure(() => `/services/${unvisited.pop()}?sort=tool&dir=asc`, cookie, { ...opts, requests: unvisited.length }));
      // A number sort: ordered in Node from the kept rows' values (ties in the store's order), its rows deflated ahead in it (while they fit).
      unvisited = [...order];
      print(`service page   GET /services/:name?sort=epss  (never rendered; its default view was: ${unvisited.length})`, await measure(() => `/services/${unvisited.pop()}?sort=epss`, cookie, { ...opts, requests: unvisited.length }));
    }
    // The API lines start once the server is quiet again (the page lines' visits of an earlier
    // minute re-render those pages in the background).
    const quiet = await waitQuiet(server, 120);
    const quietAhead = workAhead(await server.loopStats(), ' meanwhile');
    // Findings answers computed ahead on start are served for 5 minutes (their ages), unless a
    // request refreshed them: past that the "computed ahead" findings line would measure misses.
    console.log(`  (server quiet after ${fmt(quiet)} s: background renders done${quietAhead}; ${fmt((Date.now() - warmedAt) / 1000)} s since the work ahead on start was done, findings answers computed ahead serve for 300 s)`);
    // What a dashboard client polls for a service is computed ahead with its page (on start, after
    // an ingest; api/answers.ts): the posture of the default 90 days and of 365 days (the page's
    // longest chart), and the first findings page; the findings answers show ages, served up to 5
    // minutes after they were computed. Beside them, answers nobody computed ahead: each request a
    // miss (a 180-day window, a severity filter; one request per service, in a shuffled order).
    let misses = [...order];
    const from180 = addDays(today, -179);
    const apis: [string, () => string, Record<string, string>, { requests?: number; warmUp?: () => string }?][] = [
      ['overview API   GET /api/v1/services', () => '/api/v1/services', bearer],
      ['posture API    GET /api/v1/services/:name/posture (365 days, computed ahead)', () => `/api/v1/services/${randomService()}/posture?from=${from}&to=${today}`, bearer],
      // Warmed up on a 179-day window: other keys, the same work. A window inside one computed ahead
      // is cut from that answer (api/narrower-answers.ts); one ending tomorrow is inside none: the database.
      [`posture API    GET /api/v1/services/:name/posture (180 days, never computed: ${order.length} services, each cut from its 365-day answer computed ahead)`, () => `/api/v1/services/${misses.pop()}/posture?from=${from180}&to=${today}`, bearer, { requests: order.length, warmUp: () => `/api/v1/services/${randomService()}/posture?from=${addDays(today, -178)}&to=${today}` }],
      [`posture API    GET /api/v1/services/:name/posture (180 days ending tomorrow, never computed, inside no answer computed ahead: ${order.length} services, all database misses)`, () => `/api/v1/services/${misses.pop()}/posture?from=${addDays(today, -178)}&to=${addDays(today, 1)}`, bearer, { requests: order.length, warmUp: () => `/api/v1/services/${randomService()}/posture?from=${addDays(today, -177)}&to=${addDays(today, 1)}` }],
      ['findings API   GET /api/v1/findings?service=:name (computed ahead)', () => `/api/v1/findings?service=${randomService()}`, bearer],
      // One service's open findings by severity, filtered, in either order: cut from its open
      // findings kept ahead (api/narrower-answers.ts). Another sort: the database.
      [`findings API   GET /api/v1/findings?service=:name&severity=high (never computed: ${order.length} services, each cut from its open findings kept ahead)`, () => `/api/v1/findings?service=${misses.pop()}&severity=high`, bearer, { requests: order.length, warmUp: () => `/api/v1/findings?service=${randomService()}&severity=medium` }],
      [`findings API   GET /api/v1/findings?service=:name&severity=high&order=asc (never computed: ${order.length} services, each cut from its open findings kept ahead)`, () => `/api/v1/findings?service=${misses.pop()}&severity=high&order=asc`, bearer, { requests: order.length, warmUp: () => `/api/v1/findings?service=${randomService()}&severity=medium&order=asc` }],
      [`findings API   GET /api/v1/findings?service=:name&severity=high&sort=age (never computed: ${order.length} services, all database misses)`, () => `/api/v1/findings?service=${misses.pop()}&severity=high&sort=age`, bearer, { requests: order.length, warmUp: () => `/api/v1/findings?service=${randomService()}&severity=medium&sort=age` }],
    ];
    for (const [label, path, headers, line] of VERSIONS_ONLY ? [] : apis) {
      await warmUp(server.base, line?.warmUp ?? path, headers);
      if (line) misses = [...order];
      print(label, await measure(path, headers, { ...opts, ...(line?.requests ? { requests: line.requests } : {}) }));
    }
    // What the read lines leave out (their connections are open before the clock starts): 32 new
    // connections opened in the same instant, one cheap GET each, connect and first-request setup
    // of both processes included.
    const burst = await measureRun(() => connectBurst(server.base, 32));
    print('32 new connections at once  GET /healthz  (connect included)', burst);
    // A real organisation: CI pushes a scan of some service every few seconds. With one data version
    // for the whole store, each ingest made every cached service page stale; with per-service
    // versions (store/versions.ts) the other services' pages stay cached. (The server CPU includes
    // the ingests'.)
    const stopIngest = ingestEvery(server.base, 1000, 'bench-pushed');
    let pushedScans = 0;
    try {
      const r = await measure(() => `/services/${randomService()}`, cookie, opts);
      pushedScans = await stopIngest();
      print('service page   GET /services/:name  (warm, another service ingested every 1 s)', r);
      console.log(`    (${pushedScans} scans of another service ingested meanwhile, through the same server)`);
    } finally {
      if (!pushedScans) await stopIngest().catch(() => 0);
    }
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------- 3. size per million findings
async function benchSize(): Promise<void> {
  const file = join(dir, 'size.db');
  const store = openStore(file);
  const services = 20;
  const snapshots = 25;
  const perScan = 2000;
  let total = 0;
  const t0 = process.hrtime.bigint();
  for (let d = 0; d < snapshots; d++) {
    for (let s = 0; s < services; s++) {
      // 5% of each service's findings change per snapshot.
      const ids = Array.from({ length: perScan }, (_, i) => (i < perScan * 0.95 ? `s${i}` : `d${d}-${i}`));
      (await store.ingestScan(report(`size-${s}-${d}`, new Date(Date.UTC(2026, 0, 1 + d)).toISOString(), `size-svc-${s}`, ids), 'bench'));
      total += perScan;
    }
  }
  const seconds = ms(t0) / 1000;
  store.checkpoint();
  const rows = (store.db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number }).n;
  (await store.close());
  const bytes = statSync(file).size;
  console.log(`database size: ${(bytes / 1e6).toFixed(1)} MB after ingesting ${total.toLocaleString('en')} findings (${services} services x ${snapshots} snapshots x ${perScan}; ${rows.toLocaleString('en')} distinct) = ${((bytes / total) * 1e6 / 1e6).toFixed(0)} MB per million ingested findings, ${(bytes / rows / 1024).toFixed(2)} KiB per distinct finding; ingest rate ${Math.round(total / seconds).toLocaleString('en')} findings/s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    // Figures on a shared machine swing with its load: print it beside them.
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const only = process.env.GATEHOUSE_BENCH_ONLY;
    if (!only) await benchIngest();
    await benchReads();
    if (!only) await benchSize();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
