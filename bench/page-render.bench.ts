// What one render of a page costs, not cached, one at a time, on the seeded 500 services x 365 days
// (bench/dashboard.bench.ts's data), on SQLite and on PostgreSQL (figures printed, never asserted):
//   - the service page never rendered (?dir=asc, 90 and 365 days), through the server's functions
//     without a cache (test/dashboard/pages/served-service-body.ts): CPU per render in this process
//     (store reads + render + the invisible-text pass, then + deflate of each piece as a request
//     waiting for it deflates them; then the same view when its default view kept the chart), the
//     wall time of a lone render, and the statements a render sends (PostgreSQL);
//   - the overview page body with its store reads cached (what a render costs when the minute turns).
// CPU is this process's own (process.cpuUsage), so it holds whatever the machine's load; wall times
// on a loaded machine do not.
//   node --import tsx bench/page-render.bench.ts
//   GATEHOUSE_BENCH_SEED_FILE=/tmp/x.db   reuse a seeded file (seeded there when missing)
//   GATEHOUSE_BENCH_SERVICES=100          fewer services (default 500; with a new seed file)
//   GATEHOUSE_BENCH_PG_URL=<server url>   also PostgreSQL: the seed is copied to a fresh database (~40 s)
//   GATEHOUSE_BENCH_PG_DB=<database url>  PostgreSQL database that already holds this seed (no copy, not dropped)
//   GATEHOUSE_BENCH_RENDERS=200           renders per figure (default 200)
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { neutraliseInvisibleText } from '../dashboard/components/invisible-text.js';
import { deflatePiece, deflatePieceSync, WAITED_LEVEL } from '../dashboard/gzip-join.js';
import { OverviewQuery, renderOverviewBody, ServiceQuery } from '../dashboard/pages/page-bodies.js';
import { migrateSqliteToPostgres } from '../dashboard/store/migrate-backend.js';
import { openStore } from '../dashboard/store/store.js';
import type { Store } from '../dashboard/store/types.js';
import { VersionedCache } from '../dashboard/version-cache.js';
import { seedHistory } from './dashboard.bench.js';
import { createPgDatabase } from './pg-database.js';
import { servedServiceBodyPieces } from '../test/dashboard/pages/served-service-body.js';

const RENDERS = Number(process.env.GATEHOUSE_BENCH_RENDERS ?? 200);
const fmt = (n: number) => n.toFixed(2);

// Statements sent to PostgreSQL (every store read goes through the pool's query).
let statements = 0;
const poolQuery = pg.Pool.prototype.query;
pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
  statements++;
  return (poolQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Pool.prototype.query;

interface Figure {
  cpu: number;
  wall: number;
  statements: number;
  chars: number;
}

/** Runs `render(i)` RENDERS times after 20 warm-up runs: CPU and statements per run, median wall. */
async function measure(render: (i: number) => Promise<{ length: number }>): Promise<Figure> {
  let chars = 0;
  for (let i = 0; i < 20; i++) chars = (await render(i)).length;
  statements = 0;
  const walls: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < RENDERS; i++) {
    const t0 = performance.now();
    await render(20 + i);
    walls.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  walls.sort((a, b) => a - b);
  return { cpu: (c.user + c.system) / 1000 / RENDERS, wall: walls[Math.floor(RENDERS / 2)], statements: statements / RENDERS, chars };
}

/**
 * Deflates each of a body's pieces as a request waiting for the page does (view-routes.tsx: level 1,
 * in this thread up to 256 KiB); the body's size is its pieces' before.
 */
async function deflated(pieces: Buffer[]): Promise<{ length: number }> {
  let length = 0;
  for (const p of pieces) {
    if (p.length > 262_144) await deflatePiece(p, WAITED_LEVEL);
    else deflatePieceSync(p, WAITED_LEVEL);
    length += p.length;
  }
  return { length };
}

async function figures(label: string, store: Store, services: string[]): Promise<void> {
  console.log(`\n--- ${label} (load ${loadavg()[0].toFixed(1)})`);
  const at = new Date();
  const line = (what: string, f: Figure) =>
    console.log(`  ${what.padEnd(58)} cpu ${fmt(f.cpu).padStart(6)} ms/render  lone wall median ${fmt(f.wall).padStart(6)} ms  ${f.statements.toFixed(1)} statements  ${Math.round(f.chars / 1024)} KiB`);
  for (const days of [90, 365]) {
    const view = ServiceQuery.parse({ dir: 'asc', days: String(days) });
    // A different service each time, as first visits are; hasService first, as the route does.
    const pieces = async (i: number, chartKept = false) => {
      const name = services[i % services.length];
      await store.hasService(name);
      return servedServiceBodyPieces(store, name, view, at, { chartKept });
    };
    line(`service page ?dir=asc, ${days} days (reads + render)`, await measure(async (i) => ({ length: (await pieces(i)).reduce((n, p) => n + p.length, 0) })));
    line(`service page ?dir=asc, ${days} days (+ deflate, as cached)`, await measure(async (i) => deflated(await pieces(i))));
    // Another view of a page whose default view kept its chart (view-routes.tsx): the body without
    // the chart (no posture read, no chart drawn), its pieces deflated beside the kept chart piece.
    line(`  the same with its chart kept (another view of the page)`, await measure(async (i) => deflated(await pieces(i, true))));
  }
  // The overview's reads (every service's row, the week panel) come from the cache as they do
  // within a data version; each render is a new minute's.
  const cache = new VersionedCache();
  const version = await store.dataVersion();
  const view = OverviewQuery.parse({});
  line('overview page body (reads cached)', await measure(async () => neutraliseInvisibleText(String(await renderOverviewBody({ store, cache }, view, at, version)))));
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-render-bench-'));
try {
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${RENDERS} renders per figure`);
  const file = join(dir, 'history.db');
  const reuse = process.env.GATEHOUSE_BENCH_SEED_FILE;
  if (reuse && existsSync(reuse)) copyFileSync(reuse, file);
  else {
    const seeded = seedHistory(file);
    console.log(`seeded ${seeded.findings.toLocaleString('en')} findings in ${seeded.seconds.toFixed(1)} s`);
    if (reuse) copyFileSync(file, reuse);
  }
  const sqlite = await openStore(file);
  const services = (await sqlite.listServiceOverview()).map((r) => r.name).sort(() => 0.5 - Math.random());
  await figures('SQLite', sqlite, services);
  await sqlite.close();

  let pgDb = process.env.GATEHOUSE_BENCH_PG_DB;
  let drop: (() => Promise<void>) | undefined;
  const server = process.env.GATEHOUSE_BENCH_PG_URL;
  if (!pgDb && server) {
    const made = await createPgDatabase(server, 'gatehouse_bench_render');
    pgDb = made.url;
    drop = made.drop;
    const t0 = performance.now();
    await migrateSqliteToPostgres(file, made.url);
    console.log(`\ncopied the seed to PostgreSQL in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (!pgDb) console.log('\nPostgreSQL: not measured (set GATEHOUSE_BENCH_PG_URL or GATEHOUSE_BENCH_PG_DB)');
  else {
    try {
      const store = await openStore(pgDb);
      await figures('PostgreSQL', store, services);
      await store.close();
    } finally {
      await drop?.();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
