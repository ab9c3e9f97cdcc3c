// How long pages and answers rendered ahead stay true to the clock, on the seeded 500 services x
// 365 days (bench/dashboard.bench.ts's data; figures printed, never asserted):
//   - per kind (the service page's default view, the service answer, the findings answer
//     ?service=NAME: what the page warmer computes ahead; the overview): validUntil - t at a start
//     instant t, min / p10 / median / p90 / max over the services, and how many still hold an hour
//     later (a security lead opening a service page an hour after the start gets the hit);
//   - the renders an idle server (no ingest) does per hour for them when every key is asked for
//     every minute or every 5 minutes (a dashboard polling): before, with the minute rule, a hit in
//     a later minute scheduled a render (one per key per poll in a new minute); now, one when the
//     kept one's validUntil has passed (simulated with the real renders at the poll instants).
// Renders are the functions the cache keeps (clock-reading.ts: a reading per render); the service
// page's, the server's without a cache (test/dashboard/pages/served-service-body.ts).
//   node --import tsx bench/clock-validity.bench.ts
//   GATEHOUSE_BENCH_SEED_FILE=/tmp/s19/final.db   the seeded file (copied first: opening runs migrations)
//   GATEHOUSE_BENCH_AT=2026-12-01T15:00:00Z       the start instant (default: now; the seed ends today)
//   GATEHOUSE_BENCH_SERVICES=100                  only the first N services (default: all)
//   GATEHOUSE_BENCH_STARTS=8                      start instants spread over the next 24 h (default 8;
//                                                 the seed's scans share their time of day, so one start
//                                                 gives every service the same figure)
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findingsAnswer, serviceAnswer } from '../dashboard/api/answers.js';
import { FindingQuerySchema } from '../dashboard/api/query.js';
import { readClock } from '../dashboard/clock-reading.js';
import { OverviewQuery, renderOverviewBody, ServiceQuery } from '../dashboard/pages/page-bodies.js';
import { openStore } from '../dashboard/store/store.js';
import type { Store } from '../dashboard/store/types.js';
import { servedServiceBody } from '../test/dashboard/pages/served-service-body.js';

const SEED = process.env.GATEHOUSE_BENCH_SEED_FILE ?? '/tmp/s19/final.db';
const START = process.env.GATEHOUSE_BENCH_AT ? Date.parse(process.env.GATEHOUSE_BENCH_AT) : Date.now();
const LIMIT = process.env.GATEHOUSE_BENCH_SERVICES ? Number(process.env.GATEHOUSE_BENCH_SERVICES) : Infinity;
const STARTS = Number(process.env.GATEHOUSE_BENCH_STARTS ?? 8);
const HOUR = 3_600_000;

type Kind = { name: string; validUntil: (store: Store, service: string, at: number) => Promise<number> };

const defaultView = ServiceQuery.parse({});
const KINDS: Kind[] = [
  {
    name: 'service page (default view)',
    validUntil: async (store, service, at) => {
      const clock = readClock(at);
      await servedServiceBody(store, service, defaultView, clock);
      return clock.validUntil;
    },
  },
  {
    name: 'service answer',
    validUntil: async (store, service, at) => {
      const clock = readClock(at);
      await serviceAnswer(store, service, clock).compute(clock);
      return clock.validUntil;
    },
  },
  {
    name: 'findings answer ?service=',
    validUntil: async (store, service, at) => {
      const clock = readClock(at);
      await findingsAnswer(store, FindingQuerySchema.parse({ service }), clock).compute(clock);
      return clock.validUntil;
    },
  },
];

const minutes = (ms: number) => (Number.isFinite(ms) ? `${(ms / 60_000).toFixed(1)}` : 'never');
const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-clock-'));
  const file = join(dir, 'seed.db');
  copyFileSync(SEED, file);
  const store = await openStore(file);
  try {
    const services = (await store.listServiceOverview(new Date(START))).map((r) => r.name).slice(0, LIMIT);
    console.log(`clock validity on ${SEED} (copied): ${services.length} services, start ${new Date(START).toISOString()}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cpus`);
    const overviewClock = readClock(START);
    String(await renderOverviewBody({ store, cache: undefined }, OverviewQuery.parse({}), overviewClock));
    console.log(`overview (default view): valid ${minutes(overviewClock.validUntil - START)} min (the minute rule)`);
    // Start instants over the next day, at odd minutes and seconds (not on the seed's own hours).
    const starts = Array.from({ length: STARTS }, (_, i) => START + Math.floor((i * 24 * HOUR) / STARTS) + i * 7 * 60_000 + i * 13_000);
    for (const kind of KINDS) {
      const cpu0 = process.cpuUsage();
      const all: number[] = [];
      let first: number[] = [];
      for (const at of starts) {
        const spans: number[] = [];
        for (const s of services) spans.push((await kind.validUntil(store, s, at)) - at);
        if (at === START) first = spans;
        all.push(...spans);
      }
      const cpu = process.cpuUsage(cpu0);
      const spans = [...all].sort((a, b) => a - b);
      console.log(
        `${kind.name} over ${starts.length} starts x ${services.length} services: valid (min) min ${minutes(spans[0])} / p10 ${minutes(quantile(spans, 0.1))} / median ${minutes(quantile(spans, 0.5))} / p90 ${minutes(quantile(spans, 0.9))} / max ${minutes(spans[spans.length - 1])} (before: 1 min, then 5 of lag); ` +
          `still true 1 h after the start: ${spans.filter((d) => d >= HOUR).length}/${spans.length}, with the 5-minute lag ${spans.filter((d) => d + 5 * 60_000 >= HOUR).length} (before: 0); ` +
          `${((cpu.user + cpu.system) / 1000 / spans.length).toFixed(2)} ms cpu per render`,
      );
      const spansAtStart = first;
      // An idle hour from the first start with every key asked for every `every` minutes: renders before (minute rule) and now.
      for (const every of [1, 5]) {
        let renders = 0;
        const cpuSim0 = process.cpuUsage();
        for (let i = 0; i < services.length; i++) {
          let until = START + spansAtStart[i];
          for (let p = START + every * 60_000; p < START + HOUR; p += every * 60_000) {
            if (p < until) continue;
            until = await kind.validUntil(store, services[i], p);
            renders++;
          }
        }
        const cpuSim = process.cpuUsage(cpuSim0);
        const polls = Math.ceil(HOUR / (every * 60_000)) - 1;
        console.log(
          `  asked every ${every} min for an hour: renders before ${(polls * services.length).toLocaleString('en')} (one per key per poll in a new minute), now ${renders.toLocaleString('en')} ` +
            `(${((cpuSim.user + cpuSim.system) / 1000).toFixed(0)} ms cpu)`,
        );
      }
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
