// The overview API right after major garbage collections with no request in flight (what minutes of
// work ahead after a start are to the request path), against the same reads a moment later. V8's
// optimized code of the request path depends weakly on the shapes of request objects; once the last
// of them is collected that code is thrown away and the next thousands of requests run unoptimized
// (the 10M bench's "cached, after the start-up work" line: 0.4 ms of CPU per request against 0.3
// after the day turn). The app keeps its last request's objects (app.ts) for that. Printed, never
// asserted: the server's CPU per request (load-independent) beside p50/p99.
//   node --import tsx bench/after-idle-gc.bench.ts
//   GATEHOUSE_BENCH_SEED_FILE=/tmp/s19/final.db  reuse a 500 x 365 seed (copied; dashboard.bench.ts seeds one when missing)
//   GATEHOUSE_BENCH_ROUNDS=3                     rounds of [collections, line, line again]
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../dashboard/store/sqlite/open.js';
import { seedHistory } from './dashboard.bench.js';
import { gcText } from '../dashboard/loop-stats.js';
import { load, startServer } from './http-load.js';

/** Full collections per round (bench/gc-on-signal-server.ts runs them). */
const COLLECTIONS = 8;
process.env.GATEHOUSE_BENCH_COLLECTIONS = String(COLLECTIONS);
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-after-gc-'));
try {
  const file = join(dir, 'history.db');
  const seed = process.env.GATEHOUSE_BENCH_SEED_FILE;
  if (seed && existsSync(seed)) copyFileSync(seed, file);
  else seedHistory(file);
  const store = openSqliteStore(file);
  const { token } = await store.createToken({ role: 'viewer', label: 'bench-after-gc' });
  await store.close();
  const bearer = { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' };
  const server = await startServer(file, 'bench/gc-on-signal-server.ts');
  try {
    const line = async (label: string) => {
      await server.loopStats();
      const cpu0 = server.cpuMs() ?? Number.NaN;
      const r = await load(server.base, () => '/api/v1/services', bearer, { concurrency: 32, requests: 3000, maxSeconds: 30 });
      const loop = await server.loopStats();
      const cpu = ((server.cpuMs() ?? Number.NaN) - cpu0) / Math.max(1, r.requests);
      console.log(`  ${label.padEnd(58)} cpu ${cpu.toFixed(2)} ms/req  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ${Math.round(r.rps)} req/s  ${r.requests} requests, ${r.errors} errors${loop ? gcText(loop) : ''}  (load ${loadavg()[0].toFixed(1)})`);
    };
    console.log('overview API GET /api/v1/services, 32 keep-alive connections, 3,000 requests a line (SQLite, 500 services x 365 days):');
    for (let i = 1; i <= 4; i++) await line(`warm-up line ${i}`);
    for (let round = 1; round <= Number(process.env.GATEHOUSE_BENCH_ROUNDS ?? 3); round++) {
      server.signal('SIGUSR1');
      // The collections end well within this (~50 ms each at this heap).
      await new Promise((r) => setTimeout(r, 3000));
      await line(`after ${COLLECTIONS} full collections without requests (round ${round})`);
      await line('  the same line again');
    }
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
