// Store figures side by side on SQLite and PostgreSQL: ingest of a 10,000-finding scan (all new,
// then 10% churn) through the same IngestStore. PostgreSQL: $GATEHOUSE_BENCH_PG_URL, else
// $GATEHOUSE_TEST_PG_URL (a fresh database is made on it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../dashboard/store/store.js';
import { makeReport } from '../test/dashboard/store/report-builder.js';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function ingestFigures(location: string): Promise<string[]> {
  const store = await openStore(location);
  const ids = Array.from({ length: 10_000 }, (_, i) => `b${String(i).padStart(5, '0')}`);
  const r1 = makeReport({ scanId: 'big-1', createdAt: '2026-01-01T00:00:00Z', findings: ids.map((fp) => ({ fp })) });
  const r2 = makeReport({ scanId: 'big-2', createdAt: '2026-01-02T00:00:00Z', findings: ids.map((fp, i) => ({ fp: i % 10 === 0 ? `n${fp}` : fp })) });
  let t0 = process.hrtime.bigint();
  await store.ingestScan(r1, 'bench');
  const a = ms(t0);
  t0 = process.hrtime.bigint();
  await store.ingestScan(r2, 'bench');
  const b = ms(t0);
  await store.close();
  return [a.toFixed(0), b.toFixed(0)];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-backends-'));
  const server = process.env.GATEHOUSE_BENCH_PG_URL ?? process.env.GATEHOUSE_TEST_PG_URL;
  try {
    const sqlite = await ingestFigures(join(dir, 'bench.db'));
    let postgres = ['(no server: set GATEHOUSE_BENCH_PG_URL)', ''];
    if (server) {
      const name = `gatehouse_bench_${Date.now()}`;
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const u = new URL(server);
      u.pathname = `/${name}`;
      try {
        postgres = await ingestFigures(u.toString());
      } finally {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      }
    }
    console.log('store ingest, 10,000-finding scan (ms)   SQLite   PostgreSQL   target');
    console.log(`  all new                                 ${sqlite[0].padStart(6)}   ${postgres[0].padStart(10)}   <= 1000`);
    console.log(`  10% churn                               ${sqlite[1].padStart(6)}   ${postgres[1].padStart(10)}   <= 1000`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
