// The read API's answers a client polls for a service, computed ahead by the page warmer
// (api/answers.ts, page-warmer.ts): after start, after an ingest and when the day turns, the service
// answer, the posture (default window and the longest chart) and the first findings page of a
// service are served from the very cache entries a request fills, byte for byte what an uncached
// computation gives.
import { gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AHEAD_POSTURE_DAYS } from '../../../dashboard/api/answers.js';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { CACHE_BYTES_PER_SERVICE, cacheBudgetFor, MIN_CACHE_BYTES } from '../../../dashboard/cache-budget.js';
import { PageWarmer, WARM_FILL_MAX } from '../../../dashboard/page-warmer.js';
import { CHART_WINDOWS } from '../../../dashboard/chart-windows.js';
import { addDays, dayOf } from '../../../dashboard/store/days.js';
import { VersionedCache } from '../../../dashboard/version-cache.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { finding, snapshot } from '../pages/fixtures.js';
import { NOW } from '../pages/harness.js';
import { watchCalls } from '../watch-calls.js';
import { historyStoreEach } from '../history-store.js';

const SERVICES = ['payments', 'orders', 'legacy'];

describe('API answers computed ahead', () => {
  const fixture = historyStoreEach('gatehouse-answers-');

  /** The fixture history; an app warming on start, one without any cache; store reads counted per service. */
  async function setup() {
    const store = await fixture.open();
    // No quiet needed between tasks: the tests wait for idle().
    const logger = createMemoryLogger();
    const warmer = fixture.warmer(logger, 0);
    const admin = (await store.createToken({ role: 'admin', label: 'lead' })).token;
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    let clock = NOW;
    // Reads of a service's figures, scans, posture series (as points or as the API's JSON text) or
    // findings list, by service name.
    const reads = new Map<string, number>();
    /** The same by name and kind: `NAME|findings`, `NAME|posture`, `NAME|service` (figures and scans). */
    const readsByKind = new Map<string, number>();
    const counted = watchCalls(store, ['getService', 'listScans', 'postureSeries', 'postureJson', 'listFindings'], (method, args) => {
      const name = method !== 'listFindings' ? (args[0] as string) : ((args[0] as { service?: string }).service ?? '*');
      reads.set(name, (reads.get(name) ?? 0) + 1);
      const kind = `${name}|${method === 'listFindings' ? 'findings' : method.startsWith('posture') ? 'posture' : 'service'}`;
      readsByKind.set(kind, (readsByKind.get(kind) ?? 0) + 1);
    });
    const app = createApp({ store: counted, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, pageWarmer: warmer, warmPagesOnStart: 100 });
    const uncached = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, cachePages: false });
    const fetchBody = async (on: Hono<any>, path: string, gzip: boolean) => {
      const res = await on.request(path, { headers: { authorization: `Bearer ${viewer}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    return {
      app,
      warmer,
      logger,
      admin,
      setClock: (t: Date) => (clock = t),
      readsOf: (name: string) => reads.get(name) ?? 0,
      readsOfKind: (name: string, kind: 'findings' | 'posture' | 'service') => readsByKind.get(`${name}|${kind}`) ?? 0,
      /**
       * An answer as sent with gzip and without, the store reads its request made itself, and the
       * same answer from the app without a cache.
       */
      async get(path: string, name: string) {
        const before = reads.get(name) ?? 0;
        const gz = await fetchBody(app, path, true);
        const plain = await fetchBody(app, path, false);
        return { gz, plain, reads: (reads.get(name) ?? 0) - before, uncachedGz: await fetchBody(uncached, path, true), uncached: await fetchBody(uncached, path, false) };
      },
    };
  }

  /** What a client polls for a service on day `today`: the service, default posture, the longest chart, the first findings page. */
  const polled = (name: string, today: string) => [
    `/api/v1/services/${name}`,
    `/api/v1/services/${name}/posture`,
    `/api/v1/services/${name}/posture?from=${addDays(today, -364)}&to=${today}`,
    `/api/v1/findings?service=${name}`,
  ];

  it('computes ahead the default posture window and the longest chart the service page offers', () => {
    expect(AHEAD_POSTURE_DAYS).toEqual([90, Math.max(...CHART_WINDOWS)]);
    expect(Math.max(...CHART_WINDOWS)).toBe(365);
  });

  it('serves each service answers from the cache after start, the same bytes as an uncached computation', async () => {
    const h = await setup();
    await h.warmer.idle();
    const today = dayOf(NOW.toISOString());
    for (const name of SERVICES) {
      for (const path of polled(name, today)) {
        const a = await h.get(path, name);
        expect(a.reads, `${path} computed on request`).toBe(0);
        expect(gunzipSync(a.gz).equals(gunzipSync(a.uncachedGz)), path).toBe(true);
        expect(a.plain.toString()).toBe(a.uncached.toString());
        expect(gunzipSync(a.gz).toString()).toBe(a.plain.toString());
      }
    }
    // The counting sees a request's own computation: a window nobody computed ahead, longer than
    // those computed ahead (a window inside one is cut from it: narrower-answers.test.ts).
    const other = await h.get(`/api/v1/services/payments/posture?from=${addDays(today, -399)}&to=${today}`, 'payments');
    expect(other.reads).toBe(1);
    expect(other.plain.toString()).toBe(other.uncached.toString());
    const inside = await h.get(`/api/v1/services/payments/posture?from=${addDays(today, -179)}&to=${today}`, 'payments');
    expect(inside.reads).toBe(0);
    expect(inside.plain.toString()).toBe(inside.uncached.toString());
    // Nothing computed ahead failed; the run's end was said.
    expect(h.logger.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
    expect(h.logger.lines).toEqual([expect.stringMatching(/^work ahead on start: 3 of 3 services in [\d.]+ s, [\d.]+ MB stored/)]);
  });

  it('computes each answer once when requests ask for it while the warmer computes ahead', async () => {
    const today = dayOf(NOW.toISOString());
    const alone = await setup();
    await alone.warmer.idle();
    const h = await setup();
    // Requests right after start, while the warmer works: each joins a computation in progress or
    // finds it done (or computes it first, and the warmer finds it done).
    const answers = await Promise.all(SERVICES.flatMap((name) => polled(name, today).map((path) => h.get(path, name))));
    await h.warmer.idle();
    // Alone, the warmer cuts the default posture window from the 365 days it computed first, and the
    // first findings page from the open findings it kept first; a request for either before those
    // are done reads it (once). Each other answer is read once, by whichever asks first.
    for (const name of SERVICES) {
      expect(h.readsOfKind(name, 'posture') - alone.readsOfKind(name, 'posture'), `${name} posture`).toBeOneOf([0, 1]);
      expect(h.readsOfKind(name, 'findings') - alone.readsOfKind(name, 'findings'), `${name} findings`).toBeOneOf([0, 1]);
      expect(h.readsOfKind(name, 'service'), `${name} service`).toBe(alone.readsOfKind(name, 'service'));
    }
    for (const a of answers) expect(gunzipSync(a.gz).equals(gunzipSync(a.uncachedGz))).toBe(true);
  });

  it('after an ingest of one service, computes its answers ahead with the new scan and leaves the others cached', async () => {
    const h = await setup();
    await h.warmer.idle();
    const before = new Map(SERVICES.map((n) => [n, h.readsOf(n)]));
    const scan = snapshot('legacy', new Date(NOW.getTime() - 60_000), [finding('legacy', 1, 'critical'), finding('legacy', 7, 'high')], 'legacy-ahead');
    const res = await h.app.request('/api/v1/scans', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(scan),
    });
    expect(res.status).toBe(201);
    await h.warmer.idle();
    // Only the ingested service was read again (ahead); the others' entries stayed.
    expect(h.readsOf('payments')).toBe(before.get('payments'));
    expect(h.readsOf('orders')).toBe(before.get('orders'));
    expect(h.readsOf('legacy')).toBeGreaterThan(before.get('legacy')!);
    const today = dayOf(NOW.toISOString());
    for (const name of SERVICES) {
      for (const path of polled(name, today)) {
        const a = await h.get(path, name);
        expect(a.reads, `${path} computed on request`).toBe(0);
        expect(gunzipSync(a.gz).equals(gunzipSync(a.uncachedGz)), path).toBe(true);
      }
    }
    const findings = JSON.parse((await h.get('/api/v1/findings?service=legacy', 'legacy')).plain.toString());
    expect(findings.items.map((f: { severity: string }) => f.severity)).toEqual(['critical', 'high']);
  });

  it('when the day turns, computes the new day answers ahead; the previous day answer is never served as today', async () => {
    const h = await setup();
    await h.warmer.idle();
    const today = dayOf(NOW.toISOString());
    const yesterdays = await h.get('/api/v1/services/orders/posture', 'orders');
    expect(JSON.parse(yesterdays.plain.toString()).to).toBe(today);

    // Just past midnight: a request before anything is computed ahead gets the new day's window.
    const next = addDays(today, 1);
    h.setClock(new Date(`${next}T00:00:30Z`));
    const first = await h.get('/api/v1/services/payments/posture', 'payments');
    expect(JSON.parse(first.plain.toString())).toMatchObject({ from: addDays(next, -89), to: next });
    expect(first.plain.toString()).toBe(first.uncached.toString());

    // That request saw the day turn: the other services' answers of the new day are computed ahead.
    await h.warmer.idle();
    for (const name of ['orders', 'legacy']) {
      for (const path of polled(name, next)) {
        const a = await h.get(path, name);
        expect(a.reads, `${path} computed on request`).toBe(0);
        expect(gunzipSync(a.gz).equals(gunzipSync(a.uncachedGz)), path).toBe(true);
      }
    }
    const orders = await h.get('/api/v1/services/orders/posture', 'orders');
    expect(JSON.parse(orders.plain.toString()).to).toBe(next);
    expect(orders.plain.toString()).not.toBe(yesterdays.plain.toString());
  });
});

describe('PageWarmer work in bulk', () => {
  /** A warmer over `count` services whose page stores `page` bytes and answers `answers` bytes, in a cache of `budget` bytes. */
  function bulkWarmer(count: number, page: number, answers: number, budget: number, fit?: (services: number) => number) {
    const logger = createMemoryLogger();
    const warmer = new PageWarmer(logger, 0);
    const cache = { stored: 0, budget };
    const done: string[] = [];
    warmer.setTargets({
      overview: async () => undefined,
      service: async (name) => {
        cache.stored += page;
        done.push(`page ${name}`);
      },
      services: async () => Array.from({ length: count }, (_, i) => `s${i}`),
    });
    warmer.setAnswerTarget(async (name) => {
      cache.stored += answers;
      done.push(`answers ${name}`);
    });
    warmer.setCacheMeter({
      stored: () => cache.stored,
      held: () => cache.stored,
      budget: () => cache.budget,
      fit: fit && ((n) => (cache.budget = Math.max(cache.budget, fit(n)))),
    });
    return { logger, warmer, cache, done };
  }

  it('stops a start run once it stored WARM_FILL_MAX of the cache budget, says where, and still renders after an ingest', async () => {
    // Each page 10 bytes and each service's answers 5 of a 100-byte cache: 5 services fill 75.
    const { logger, warmer, cache, done } = bulkWarmer(20, 10, 5, 100);
    warmer.warmAll(20);
    await warmer.idle();
    expect(cache.stored).toBe(75);
    expect(cache.stored).toBe(100 * WARM_FILL_MAX);
    expect(done.slice(-2)).toEqual(['page s4', 'answers s4']);
    expect(logger.lines).toEqual([
      expect.stringContaining('warning: work ahead stopped at 75% of the cache\'s budget (0 MB) after 5 of 20 services (on start)'),
      expect.stringMatching(/^work ahead on start: 5 of 20 services in [\d.]+ s, 0\.0 MB stored/),
    ]);
    // An ingest's service is rendered whatever the bulk run stored.
    warmer.afterIngest(['s19']);
    await warmer.idle();
    expect(done.slice(-2)).toEqual(['page s19', 'answers s19']);
  });

  it('covers every service on start, worst first, past the 1,000 it once stopped at, when the budget grows with them', async () => {
    // 48 units of budget to begin with; the cache fits 20 a service over 3/4, as cacheBudgetFor does.
    const { logger, warmer, cache, done } = bulkWarmer(1500, 15, 5, 48, (n) => (n * 20) / WARM_FILL_MAX);
    warmer.warmAll();
    await warmer.idle();
    expect(done.filter((d) => d.startsWith('answers')).length).toBe(1500);
    expect(done.slice(0, 2)).toEqual(['page s0', 'answers s0']);
    expect(done.slice(-2)).toEqual(['page s1499', 'answers s1499']);
    expect(cache.budget).toBe(40_000);
    expect(logger.lines).toEqual([expect.stringMatching(/^work ahead on start: 1500 of 1500 services in [\d.]+ s/)]);
  });

  it('computes every service answers again when the UTC day turns, and says how long it took', async () => {
    const { logger, warmer, done } = bulkWarmer(1500, 15, 5, 48, (n) => (n * 20) / WARM_FILL_MAX);
    const day = Date.parse('2026-12-01T12:00:00Z');
    warmer.followDays(() => new Date(day));
    warmer.clockSeen(new Date(day + 12 * 3_600_000 + 1000));
    await warmer.idle();
    expect(done.length).toBe(1500);
    expect(done.every((d) => d.startsWith('answers'))).toBe(true);
    expect(logger.lines).toEqual([expect.stringMatching(/^work ahead at the day turn: 1500 of 1500 services in [\d.]+ s/)]);
  });
});

describe('the cache budget', () => {
  const MACHINE = 16 * 1024 ** 3;
  it('grows with the number of services: 64 KB a service within the 3/4 work ahead may fill, at least 48 MB', () => {
    expect(cacheBudgetFor(0, WARM_FILL_MAX, MACHINE)).toBe(MIN_CACHE_BYTES);
    expect(cacheBudgetFor(500, WARM_FILL_MAX, MACHINE)).toBe(MIN_CACHE_BYTES);
    expect(cacheBudgetFor(5000, WARM_FILL_MAX, MACHINE)).toBe(Math.ceil((5000 * CACHE_BYTES_PER_SERVICE) / WARM_FILL_MAX));
    expect(cacheBudgetFor(5000, WARM_FILL_MAX, MACHINE) * WARM_FILL_MAX).toBeGreaterThanOrEqual(5000 * 64 * 1024);
  });

  // review21: the grown budget had no ceiling. Services are created by ingest (an unscoped ingest
  // token uploads for any name), so 1,000,000 names asked for an 81 GB cache of a machine's memory.
  it('grows no further than a quarter of the machine\'s memory (and never below 48 MB)', () => {
    const gib = 1024 ** 3;
    expect(cacheBudgetFor(1_000_000, WARM_FILL_MAX, 16 * gib)).toBe(4 * gib);
    expect(cacheBudgetFor(5000, WARM_FILL_MAX, 16 * gib)).toBe(Math.ceil((5000 * CACHE_BYTES_PER_SERVICE) / WARM_FILL_MAX));
    expect(cacheBudgetFor(5000, WARM_FILL_MAX, 128 * 1024 * 1024)).toBe(MIN_CACHE_BYTES);
  });

  it('a cache grows its budget and never shrinks it (that would evict)', () => {
    const cache = new VersionedCache(1000);
    cache.grow(5000);
    expect(cache.budgetBytes).toBe(5000);
    cache.grow(2000);
    expect(cache.budgetBytes).toBe(5000);
  });
});
