// PostgreSQL at organisation scale: 5,000 services x 3 years of daily snapshots, 10 million findings,
// written straight into the tables with generate_series (an ingest-by-ingest seed would take days),
// then the same reads as dashboard.bench.ts under 32 concurrent connections. Opt-in, because it
// takes tens of minutes and ~10 GB on disk:
//   GATEHOUSE_BENCH_LARGE=1 GATEHOUSE_BENCH_PG_URL=postgres://... npm run bench -- store-large
// Scale with GATEHOUSE_BENCH_LARGE_SERVICES (5000), _DAYS (1095), _FINDINGS (2000 per service).
// Not seeded: finding_events and finding_scans (only a finding's own page reads them).
// The seed is a bulk load: the tables are made UNLOGGED (they stay so for the reads, which do not
// depend on it; the figures say so), foreign key triggers are off for the seeding session
// (session_replication_role = replica, when the role may set it: every row is consistent by
// construction), the secondary indexes are dropped and built again after the load, then VACUUM
// ANALYZE (statistics and the visibility map a long-lived database would have).
// Each read line prints, beside latency (which the shared machine's load moves most): the
// dashboard's and PostgreSQL's CPU per request (PostgreSQL's when it runs on this machine,
// bench/pg-cpu.ts), the dashboard's event-loop blocks, the load average and when the line started.
// The cached overview is read twice: right after the start, while the server computes ahead the
// overview page and every service's page and polled answers (page-warmer.ts), and once that work is
// done; the server's own lines say how long that work took, how many MB it stored, and its RSS.
// Then the per-service reads computed ahead, beside reads nobody computed ahead (all misses over
// 500 distinct services); then the server's clock moves to the next UTC day (the bench-only
// entry shifted-clock-server.ts): reads during the day-turn work ahead, its duration, reads after.
// Quick run of the reads on a kept database: GATEHOUSE_BENCH_LARGE_REUSE=<database> (PROTOCOL).
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { openPostgresStore } from '../dashboard/store/postgres/open.js';
import { VERSION_BUMP_POSTGRES } from '../dashboard/store/versions.js';
import { addDays, dayOf } from '../dashboard/store/days.js';
import { SUMMARY_FILL_SQL } from '../dashboard/store/summary.js';
import { load, startServer, waitQuiet, warmUp, type LoadResult } from './http-load.js';
import { postgresCpuMeter, postgresHugePages } from './pg-cpu.js';
import { gcText } from '../dashboard/loop-stats.js';

const SERVICES = Number(process.env.GATEHOUSE_BENCH_LARGE_SERVICES ?? 5000);
const DAYS = Number(process.env.GATEHOUSE_BENCH_LARGE_DAYS ?? 1095);
const FINDINGS = Number(process.env.GATEHOUSE_BENCH_LARGE_FINDINGS ?? 2000);
/** Distinct services of the all-miss lines (one request each), as bench/dashboard.bench.ts at 500 services. */
const MISS_SERVICES = Math.min(500, SERVICES);
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => n.toFixed(1);

/** Each step is one SQL statement over generate_series; the findings' `data` is a real Finding's JSON. */
function seedStatements(today: string): [string, string][] {
  const first = addDays(today, -(DAYS - 1));
  const sev = `(ARRAY['critical','high','medium','low'])[1 + (hashint4(f) & 3)]`;
  return [
    [
      'services',
      `INSERT INTO services (name, path, first_seen_at, last_scan_at, last_snapshot_at, last_gate)
       SELECT 'svc-' || lpad(s::text, 4, '0'), 'services/svc-' || lpad(s::text, 4, '0'), '${first}T06:00:00.000Z',
              '${today}T06:00:00.000Z', '${today}T06:00:00.000Z', CASE WHEN s % 5 = 0 THEN 'failed' ELSE 'passed' END
       FROM generate_series(1, ${SERVICES}) s`,
    ],
    [
      'scans (one snapshot per service per day)',
      `INSERT INTO scans (scan_id, kind, created_at, repository, ref, commit_sha, gate_outcome, finding_count, ingested_at, ingested_by)
       SELECT 'large-' || s || '-' || d, 'snapshot', to_char(date '${first}' + d, 'YYYY-MM-DD') || 'T06:00:00.000Z', 'acme/platform',
              'refs/heads/main', repeat('c', 40), 'passed', 200, to_char(date '${first}' + d, 'YYYY-MM-DD') || 'T06:00:00.000Z', 'bench'
       FROM generate_series(1, ${SERVICES}) s, generate_series(0, ${DAYS - 1}) d`,
    ],
    [
      'scan_services',
      `INSERT INTO scan_services (scan_pk, service_id, kind, created_at, gate_outcome, finding_count, counts, scanners)
       SELECT id, split_part(scan_id, '-', 2)::bigint, 'snapshot', created_at, 'passed', 200,
              '{"critical":20,"high":50,"medium":60,"low":70,"info":0,"unknown":0}',
              '[{"scanner":"trivy-fs","tool":"trivy","category":"dependency","status":"ok"}]'
       FROM scans`,
    ],
    [
      'posture_daily',
      `INSERT INTO posture_daily (service_id, day, critical, high, medium, low, info, unknown, total, snapshot_at)
       SELECT s, to_char(date '${first}' + d, 'YYYY-MM-DD'), 10 + (s + d) % 20, 40 + d % 30, 60, 70, 0, 0, 180 + (s + d) % 20 + d % 30,
              to_char(date '${first}' + d, 'YYYY-MM-DD') || 'T06:00:00.000Z'
       FROM generate_series(1, ${SERVICES}) s, generate_series(0, ${DAYS - 1}) d`,
    ],
    [
      `findings (${FINDINGS} per service, 10% open)`,
      `INSERT INTO findings (service_id, fingerprint, tool, category, rule_id, title, severity, where_text, fix_available, state, suppressed,
                             first_seen_at, opened_at, last_seen_at, fixed_at, data)
       SELECT s, 'fp:' || s || ':' || f, 'trivy', 'dependency', 'CVE-2024-' || f, 'Prototype pollution in package-' || f, sev,
              'package-lock.json (package-' || f || '@1.2.3)', 1, CASE WHEN f % 10 = 0 THEN 'open' ELSE 'fixed' END, 0,
              opened, opened, CASE WHEN f % 10 = 0 THEN '${today}T06:00:00.000Z' ELSE fixed END, CASE WHEN f % 10 = 0 THEN NULL ELSE fixed END,
              json_build_object('tool','trivy','category','dependency','ruleId','CVE-2024-' || f,'title','Prototype pollution in package-' || f,
                'severity',sev,'location',json_build_object('path','package-lock.json','package',json_build_object('ecosystem','npm','name','package-' || f,
                'version','1.2.3','fixedVersions',json_build_array('1.2.4'))),'cwe',json_build_array('CWE-1321'),
                'references',json_build_array('https://nvd.nist.gov/vuln/detail/CVE-2024-' || f),'fixAvailable',true,
                'message','package-' || f || '@1.2.3 is affected','fingerprint','fp:' || s || ':' || f,'service','svc-' || lpad(s::text, 4, '0'),
                'status','existing')::text
       FROM (SELECT s, f, ${sev} AS sev,
                    to_char(timestamp '${first} 06:00' + ((hashint4(s * 100003 + f) & 1048575) % ${DAYS}) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') AS opened,
                    to_char(timestamp '${first} 06:00' + (((hashint4(s * 100003 + f) & 1048575) % ${DAYS}) + 1 + (hashint4(f) & 63)) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"') AS fixed
             FROM generate_series(1, ${SERVICES}) s, generate_series(1, ${FINDINGS}) f) g`,
    ],
    [
      'fix_stats',
      `INSERT INTO fix_stats (service_id, severity, fixed_count, open_seconds_total)
       SELECT service_id, severity, count(*), sum(extract(epoch FROM (fixed_at::timestamptz - opened_at::timestamptz)))::bigint
       FROM findings WHERE state = 'fixed' GROUP BY service_id, severity`,
    ],
    // The per-service open-findings summary ingest keeps (the seed bypasses ingest): the migration's fill.
    ['service_summary', SUMMARY_FILL_SQL],
    // Every service's data version, as an ingest gives it (store/versions.ts).
    ['service_versions', "INSERT INTO service_versions (service_id, version) SELECT id, (SELECT value FROM meta WHERE key = 'data_version') FROM services"],
  ];
}

/** Leaves first: a logged table may not reference an unlogged one. */
const UNLOGGED_ORDER = [
  'finding_ids', 'finding_events', 'finding_scans', 'pr_findings', 'triage_events', 'triage', 'service_summary', 'service_versions', 'fix_stats', 'posture_daily', 'scan_services', 'ingest_keys', 'findings', 'scans', 'services',
];

async function main(): Promise<void> {
  const server = process.env.GATEHOUSE_BENCH_PG_URL ?? process.env.GATEHOUSE_TEST_PG_URL;
  if (process.env.GATEHOUSE_BENCH_LARGE !== '1' || !server) {
    console.log('PostgreSQL at 5,000 services x 3 years (10 million findings): not run (opt-in, tens of minutes and ~10 GB): set GATEHOUSE_BENCH_LARGE=1 and GATEHOUSE_BENCH_PG_URL');
    return;
  }
  // GATEHOUSE_BENCH_LARGE_REUSE=<database>: the reads again on a database an earlier run seeded and kept
  // (a reused database is kept); GATEHOUSE_BENCH_LARGE_KEEP=1: keep the database this run seeds.
  const reuse = process.env.GATEHOUSE_BENCH_LARGE_REUSE;
  const name = reuse ?? `gatehouse_bench_large_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  if (!reuse) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  let keep = reuse !== undefined || process.env.GATEHOUSE_BENCH_LARGE_KEEP === '1';
  if (keep && !reuse) console.log(`database ${name} is kept after the run: GATEHOUSE_BENCH_LARGE_REUSE=${name} runs the reads again (drop it afterwards)`);
  const today = dayOf(new Date().toISOString());
  try {
    if (!reuse) await seed();
    // A viewer's token (the API lines) and a session of it (the page lines, as a browser sends them).
    const { viewer, session } = await (async () => {
      const store = await openPostgresStore(url.toString());
      try {
        const { id, token } = await store.createToken({ role: 'viewer', label: 'bench' });
        return { viewer: token, session: (await store.createSession(id)).id };
      } finally {
        await store.close();
      }
    })();
    async function seed(): Promise<void> {
    // The store's own migrations make the schema; the seed then writes rows straight into it.
    const store = await openPostgresStore(url.toString());
    const client = await store.pool.connect();

    const seedStart = process.hrtime.bigint();
    try {
      const t0 = process.hrtime.bigint();
      for (const t of UNLOGGED_ORDER) await client.query(`ALTER TABLE ${t} SET UNLOGGED`);
      const triggersOff = await client.query('SET session_replication_role = replica').then(
        () => true,
        () => false,
      );
      await client.query("SET maintenance_work_mem = '1GB'");
      // The secondary indexes (not those of primary keys and unique constraints), built again after the load.
      const indexes = (
        await client.query<{ name: string; def: string }>(
          `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
          [UNLOGGED_ORDER],
        )
      ).rows;
      for (const i of indexes) await client.query(`DROP INDEX ${i.name}`);
      console.log(`  prepared: tables unlogged, ${indexes.length} secondary indexes dropped, foreign key triggers ${triggersOff ? 'off' : 'ON (the role may not turn them off)'}, in ${fmt(ms(t0) / 1000)} s`);
      for (const [label, sql] of seedStatements(today)) {
        const t1 = process.hrtime.bigint();
        const r = await client.query(sql);
        console.log(`  seeded ${label}: ${(r.rowCount ?? 0).toLocaleString('en')} rows in ${fmt(ms(t1) / 1000)} s`);
      }
      let t1 = process.hrtime.bigint();
      for (const i of indexes) await client.query(i.def);
      console.log(`  built ${indexes.length} secondary indexes in ${fmt(ms(t1) / 1000)} s`);
      if (triggersOff) await client.query('SET session_replication_role = origin');
      t1 = process.hrtime.bigint();
      await client.query('VACUUM (ANALYZE)');
      console.log(`  VACUUM (ANALYZE) in ${fmt(ms(t1) / 1000)} s`);
      // Every seeded service gets a data version (store/versions.ts), as an ingest would give it.
      await client.query(VERSION_BUMP_POSTGRES, [(await client.query<{ id: string }>('SELECT id FROM services')).rows.map((r) => r.id)]);
      const size = await client.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
      const n = await client.query<{ n: string }>('SELECT count(*) AS n FROM findings');
      console.log(`seeded ${SERVICES.toLocaleString('en')} services x ${DAYS} days, ${Number(n.rows[0].n).toLocaleString('en')} findings in ${fmt(ms(seedStart) / 1000)} s (tables left UNLOGGED); database ${size.rows[0].size}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    } finally {
      client.release();
      await store.close();
    }
    }

    // PostgreSQL's own CPU (all its processes; this machine only): beside the dashboard's, what a read costs in total.
    const pgCpu = await postgresCpuMeter(url.toString());
    // The shared buffers' size moves a miss's cost: a page of findings not in them is read from the OS's cache.
    const buffers = await admin.query<{ shared_buffers: string }>('SHOW shared_buffers');
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} before the reads; PostgreSQL shared_buffers ${buffers.rows[0].shared_buffers}, ${await postgresHugePages(url.toString())}`);
    const started = process.hrtime.bigint();
    // The dashboard server with a clock the bench can move to a day turn (SIGUSR1).
    const dash = await startServer(url.toString(), 'bench/shifted-clock-server.ts').catch((err: unknown) => {
      // Seeding took tens of minutes: keep it for a second try of the reads.
      keep = true;
      console.log(`the dashboard did not start; database ${name} kept: GATEHOUSE_BENCH_LARGE_REUSE=${name} runs the reads again (drop it afterwards)`);
      throw err;
    });
    try {
      const bearer = { authorization: `Bearer ${viewer}`, 'accept-encoding': 'gzip' };
      const cookie = { cookie: `gatehouse_session=${session}`, 'accept-encoding': 'gzip' };
      const names = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i + 1).padStart(4, '0')}`);
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const randomService = () => names[Math.floor(rnd() * names.length)];
      const from = addDays(today, -364);
      const opts = { concurrency: 32, requests: 3000, maxSeconds: 30 };
      const sinceStart = () => `${fmt(ms(started) / 1000)} s`;
      /**
       * One line's figures besides latency, which the machine's load moves most: the dashboard's CPU
       * per request, PostgreSQL's (all its processes), and the dashboard's event-loop blocks over
       * 20 ms (dashboard/loop-stats.ts; "cpu-blocks": those the server's own CPU time explains).
       */
      /** CPU the measured lines used (both processes), kept apart from the work ahead's (cpuWindow). */
      const linesCpu = { server: 0, pg: 0 };
      const measure = async (run: () => Promise<LoadResult>) => {
        await dash.loopStats();
        const cpu0 = dash.cpuMs();
        const pg0 = pgCpu?.();
        const at = sinceStart();
        const r = await run();
        const cpu1 = dash.cpuMs();
        const pg1 = pgCpu?.();
        linesCpu.server += (cpu1 ?? 0) - (cpu0 ?? 0);
        linesCpu.pg += (pg1 ?? 0) - (pg0 ?? 0);
        const loop = await dash.loopStats();
        const per = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '?' : fmt((b - a) / Math.max(1, r.requests)));
        // "work ahead": the page warmer's steps inside the line (page-warmer.ts) and the longest.
        const ahead = loop?.aheadSteps === undefined ? '' : `, work ahead ${loop.aheadSteps} steps (longest ${loop.aheadMaxMs} ms wall)`;
        const blocks = loop ? `, loop ${loop.blocks} blocks >20 ms (max ${loop.maxMs} ms), cpu-blocks ${loop.cpuBlocks} (max ${loop.maxCpuMs} ms)${ahead}${gcText(loop)}` : '';
        return { r, figures: `cpu/req: server ${per(cpu0, cpu1)} ms + PostgreSQL ${per(pg0, pg1)} ms + client ${fmt(r.clientCpuMs)} ms${blocks}; started ${at} after the server, load ${loadavg()[0].toFixed(1)}` };
      };
      const print = (label: string, { r, figures }: { r: LoadResult; figures: string }) =>
        console.log(`  ${label.padEnd(70)} p50 ${fmt(r.p50).padStart(7)} ms  p99 ${fmt(r.p99).padStart(7)} ms  max ${fmt(r.max).padStart(7)} ms  ${String(Math.round(r.rps)).padStart(5)} req/s  ${r.requests} requests, ${r.errors} errors; ${figures}`);
      /**
       * Seconds until the server has said the end of its `runs`-th bulk run of work ahead (its own
       * line, page-warmer.ts; a second of little CPU can come mid-run on a loaded machine).
       */
      const workAheadEnded = async (runs: number) => {
        const t = process.hrtime.bigint();
        while (dash.workAhead().filter((l) => l.startsWith('work ahead ')).length < runs && ms(t) < 1_800_000) await new Promise((r) => setTimeout(r, 500));
        return ms(t) / 1000;
      };
      /** CPU of both processes so far, less the measured lines'. */
      const cpuMark = () => ({ server: (dash.cpuMs() ?? Number.NaN) - linesCpu.server, pg: (pgCpu?.() ?? Number.NaN) - linesCpu.pg });
      const startCpu = cpuMark();
      console.log('32 concurrent keep-alive connections (target p99 <= 50 ms, no errors):');
      const t0 = process.hrtime.bigint();
      const first = await measure(() => load(dash.base, () => '/api/v1/services', bearer, { concurrency: 1, requests: 1, maxSeconds: 600 }));
      console.log(`  overview API, first request of the process (computes the overview of ${SERVICES} services): ${fmt(ms(t0))} ms; ${first.figures}`);
      // Right after the start the server computes ahead the overview page and every service's page
      // and polled answers (page-warmer.ts, worst first) whenever no request is in flight: the same
      // reads, during and after it.
      print('overview API   GET /api/v1/services (cached; during the start-up work ahead)', await measure(() => load(dash.base, () => '/api/v1/services', bearer, opts)));
      console.log(`  (the server said its work ahead on start ended ${fmt(await workAheadEnded(1))} s later, ${sinceStart()} after its start; quiet after ${fmt(await waitQuiet(dash, 600, pgCpu))} s more)`);
      /**
       * The server's own lines about its work ahead since `seen` (how many services, how long, how
       * many MB), its memory, and the CPU both processes used since `from` besides the measured
       * lines' (the work ahead's, and the little else a quiet server does), per service done.
       */
      let seen = 0;
      const serverSays = (when: string, from?: ReturnType<typeof cpuMark>) => {
        const lines = dash.workAhead();
        for (const line of lines.slice(seen)) console.log(`  server: ${line}`);
        seen = lines.length;
        const done = Number(/: (\d+) of \d+ services in /.exec(lines.at(-1) ?? '')?.[1] ?? Number.NaN);
        const cpu = from && cpuMark();
        const spent = cpu && from ? `; CPU besides the measured requests: server ${fmt((cpu.server - from.server) / 1000)} s + PostgreSQL ${fmt((cpu.pg - from.pg) / 1000)} s (${fmt((cpu.server - from.server) / done)} + ${fmt((cpu.pg - from.pg) / done)} ms a service)` : '';
        console.log(`  server RSS ${fmt(dash.rssMb() ?? Number.NaN)} MB ${when}${spent}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      };
      serverSays('after the work ahead on start', startCpu);
      // Answers nobody computed ahead beside those computed ahead: each request a miss (a 180-day
      // window, a severity filter), one request per service over MISS_SERVICES distinct services.
      const order = [...names].sort(() => rnd() - 0.5).slice(0, MISS_SERVICES);
      let misses = [...order];
      const from180 = addDays(today, -179);
      type Line = [string, () => string, { requests?: number; warmUp?: () => string; headers?: Record<string, string> }?];
      const reads: Line[] = [
        ['overview API   GET /api/v1/services (cached, after the start-up work)', () => '/api/v1/services'],
        // The pages, as a browser asks for them (a session cookie): rendered ahead on start.
        ['overview page  GET / (rendered ahead)', () => '/', { headers: cookie }],
        ['service page   GET /services/:name (rendered ahead)', () => `/services/${randomService()}`, { headers: cookie }],
        ['service API    GET /api/v1/services/:name (computed ahead)', () => `/api/v1/services/${randomService()}`],
        ['posture API    GET /api/v1/services/:name/posture (365 days, computed ahead)', () => `/api/v1/services/${randomService()}/posture?from=${from}&to=${today}`],
        // Warmed up on a 179-day window: other keys, the same work. A window inside one computed ahead
        // is cut from that answer (api/narrower-answers.ts); one ending tomorrow is inside none: the database.
        [`posture API    GET /api/v1/services/:name/posture (180 days, never computed: ${order.length} services, each cut from its 365-day answer computed ahead)`, () => `/api/v1/services/${misses.pop()}/posture?from=${from180}&to=${today}`, { requests: order.length, warmUp: () => `/api/v1/services/${randomService()}/posture?from=${addDays(today, -178)}&to=${today}` }],
        [`posture API    GET /api/v1/services/:name/posture (180 days ending tomorrow, never computed, inside no answer computed ahead: ${order.length} services, all database misses)`, () => `/api/v1/services/${misses.pop()}/posture?from=${addDays(today, -178)}&to=${addDays(today, 1)}`, { requests: order.length, warmUp: () => `/api/v1/services/${randomService()}/posture?from=${addDays(today, -177)}&to=${addDays(today, 1)}` }],
        ['findings API   GET /api/v1/findings?service=:name (computed ahead)', () => `/api/v1/findings?service=${randomService()}`],
        // One service's open findings by severity, filtered, in either order: cut from its open
        // findings kept ahead (api/narrower-answers.ts). Another sort: always the database.
        [`findings API   GET /api/v1/findings?service=:name&severity=high (never computed: ${order.length} services, each cut from its open findings kept ahead)`, () => `/api/v1/findings?service=${misses.pop()}&severity=high`, { requests: order.length, warmUp: () => `/api/v1/findings?service=${randomService()}&severity=medium` }],
        [`findings API   GET /api/v1/findings?service=:name&severity=high&order=asc (never computed: ${order.length} services, each cut from its open findings kept ahead)`, () => `/api/v1/findings?service=${misses.pop()}&severity=high&order=asc`, { requests: order.length, warmUp: () => `/api/v1/findings?service=${randomService()}&severity=medium&order=asc` }],
        [`findings API   GET /api/v1/findings?service=:name&severity=high&sort=age (never computed: ${order.length} services, all database misses)`, () => `/api/v1/findings?service=${misses.pop()}&severity=high&sort=age`, { requests: order.length, warmUp: () => `/api/v1/findings?service=${randomService()}&severity=medium&sort=age` }],
      ];
      /** `sayWarmUp`: print each line's warm-up too (at the day turn it takes the turn's first requests). */
      const run = async (lines: Line[], sayWarmUp = false) => {
        for (const [label, path, line] of lines) {
          const headers = line?.headers ?? bearer;
          const warm = await warmUp(dash.base, line?.warmUp ?? path, headers);
          if (line?.requests) misses = [...order];
          print(label, await measure(() => load(dash.base, path, headers, { ...opts, ...(line?.requests ? { requests: line.requests } : {}) })));
          if (sayWarmUp) console.log(`    (the warm-up just before that line, not in its figures: ${warm.requests} requests, p50 ${fmt(warm.p50)} ms, p99 ${fmt(warm.p99)} ms, max ${fmt(warm.max)} ms)`);
        }
      };
      await run(reads);
      // The UTC day turns (the bench's server moves its clock to just past midnight:
      // shifted-clock-server.ts): today's posture windows are new keys, and the answers with ages
      // computed ahead hours ago have expired. The first request sees the turn and queues every
      // service's answers again; requests go first, the work ahead runs while none is in flight.
      const turnCpu = cpuMark();
      dash.signal('SIGUSR1');
      await new Promise((r) => setTimeout(r, 200));
      console.log(`  (the server's clock moved to 00:00:01 UTC of the next day, ${sinceStart()} after its start)`);
      await run([
        ['overview API   GET /api/v1/services (at the day turn; the recompute falls in its warm-up, printed below it)', () => '/api/v1/services'],
        ['posture API    GET /api/v1/services/:name/posture (90 days ending the new day; during the day-turn work)', () => `/api/v1/services/${randomService()}/posture`],
      ], true);
      console.log(`  (the server said its work ahead of the day turn ended ${fmt(await workAheadEnded(2))} s later, ${sinceStart()} after its start; quiet after ${fmt(await waitQuiet(dash, 600, pgCpu))} s more)`);
      serverSays('after the day-turn work', turnCpu);
      await run([
        ['posture API    GET /api/v1/services/:name/posture (90 days ending the new day, computed ahead at the turn)', () => `/api/v1/services/${randomService()}/posture`],
        ['service API    GET /api/v1/services/:name (computed ahead at the day turn)', () => `/api/v1/services/${randomService()}`],
      ]);
      serverSays('at the end');
    } finally {
      await dash.stop();
    }
  } finally {
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
