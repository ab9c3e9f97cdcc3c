// Store figures side by side on SQLite and PostgreSQL: ingest of a 10,000-finding scan (all new,
// then 10% churn) through the same IngestStore. PostgreSQL: $GATEHOUSE_BENCH_PG_URL, else
// $GATEHOUSE_TEST_PG_URL (a fresh database is made on it).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../dashboard/store/store.js';
import { createPgDatabase } from './pg-database.js';
import { makeReport } from '../test/dashboard/store/report-builder.js';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Runs per backend after the first; the median is printed (one run swings with the machine). */
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * [first ingest of a cold process, all new (median), 10% churn (median)]. A dashboard ingests
 * many scans in one process, so the figure against the target is a warm process's; the cold first
 * ingest (JIT, prepared statements, the pool's first connections) is printed beside it.
 */
async function ingestFigures(location: string): Promise<string[]> {
  const store = await openStore(location);
  const ids = Array.from({ length: 10_000 }, (_, i) => `b${String(i).padStart(5, '0')}`);
  const pair = (service: string, day: number) => [
    makeReport({ scanId: `${service}-1`, services: [service], createdAt: `2026-01-0${day}T00:00:00Z`, findings: ids.map((fp) => ({ fp })) }),
    makeReport({ scanId: `${service}-2`, services: [service], createdAt: `2026-01-0${day + 1}T00:00:00Z`, findings: ids.map((fp, i) => ({ fp: i % 10 === 0 ? `n${fp}` : fp })) }),
  ];
  const timed = async (report: ReturnType<typeof makeReport>) => {
    const t0 = process.hrtime.bigint();
    await store.ingestScan(report, 'bench');
    return ms(t0);
  };
  const [coldNew, coldChurn] = pair('cold', 1);
  const cold = await timed(coldNew);
  await timed(coldChurn);
  const allNew: number[] = [];
  const churn: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const [a, b] = pair(`warm${k}`, 1);
    allNew.push(await timed(a));
    churn.push(await timed(b));
  }
  await store.close();
  return [cold.toFixed(0), median(allNew).toFixed(0), median(churn).toFixed(0)];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-backends-'));
  const server = process.env.GATEHOUSE_BENCH_PG_URL ?? process.env.GATEHOUSE_TEST_PG_URL;
  try {
    const sqlite = await ingestFigures(join(dir, 'bench.db'));
    let postgres = ['(no server: set GATEHOUSE_BENCH_PG_URL)', '', ''];
    if (server) {
      const database = await createPgDatabase(server, 'gatehouse_bench');
      try {
        postgres = await ingestFigures(database.url);
      } finally {
        await database.drop();
      }
    }
    console.log(`store ingest, 10,000-finding scan (ms, median of ${RUNS})   SQLite   PostgreSQL   target`);
    console.log(`  all new                                        ${sqlite[1].padStart(6)}   ${postgres[1].padStart(10)}   <= 1000`);
    console.log(`  10% churn                                      ${sqlite[2].padStart(6)}   ${postgres[2].padStart(10)}   <= 1000`);
    console.log(`  all new, first ingest of a cold process        ${sqlite[0].padStart(6)}   ${postgres[0].padStart(10)}`);
    console.log(`  (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
