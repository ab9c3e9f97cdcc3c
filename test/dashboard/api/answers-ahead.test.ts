// The read API's answers a client polls for a service, computed ahead by the page warmer
// (api/answers.ts, page-warmer.ts): after start, after an ingest and when the day turns, the posture
// (default window and the longest chart) and the first findings page of a service are served from
// the very cache entries a request fills, byte for byte what an uncached computation gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { AHEAD_POSTURE_DAYS } from '../../../dashboard/api/answers.js';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer, WARM_FILL_MAX } from '../../../dashboard/page-warmer.js';
import { CHART_WINDOWS } from '../../../dashboard/pages/service.js';
import { addDays, dayOf } from '../../../dashboard/store/days.js';
import { openStore } from '../../../dashboard/store/store.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { finding, historyReports, snapshot } from '../pages/fixtures.js';
import { NOW } from '../pages/harness.js';

const SERVICES = ['payments', 'orders', 'legacy'];

describe('API answers computed ahead', () => {
  const opened: { dir: string; store: Store }[] = [];
  afterEach(async () => {
    for (const { dir, store } of opened.splice(0)) {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The fixture history; an app warming on start, one without any cache; store reads counted per service. */
  async function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-answers-'));
    const store = await openStore(join(dir, 'dashboard.db'));
    opened.push({ dir, store });
    for (const r of historyReports(NOW)) await store.ingestScan(r, 'test');
    const admin = (await store.createToken({ role: 'admin', label: 'lead' })).token;
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    let clock = NOW;
    // Reads of a service's posture series (as points or as the API's JSON text) or findings list, by service name.
    const reads = new Map<string, number>();
    const counted = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === 'postureSeries' || prop === 'postureJson' || prop === 'listFindings') {
          return (...args: unknown[]) => {
            const name = prop !== 'listFindings' ? (args[0] as string) : ((args[0] as { service?: string }).service ?? '*');
            reads.set(name, (reads.get(name) ?? 0) + 1);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    // No quiet needed between tasks: the tests wait for idle().
    const logger = createMemoryLogger();
    const warmer = new PageWarmer(logger, 0);
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

  /** What a client polls for a service on day `today`: default posture, the longest chart, the first findings page. */
  const polled = (name: string, today: string) => [
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
        expect(a.gz.equals(a.uncachedGz), path).toBe(true);
        expect(a.plain.toString()).toBe(a.uncached.toString());
        expect(gunzipSync(a.gz).toString()).toBe(a.plain.toString());
      }
    }
    // The counting sees a request's own computation: a window nobody computed ahead.
    const other = await h.get(`/api/v1/services/payments/posture?from=${addDays(today, -179)}&to=${today}`, 'payments');
    expect(other.reads).toBe(1);
    expect(other.plain.toString()).toBe(other.uncached.toString());
    expect(h.logger.lines).toEqual([]); // nothing computed ahead failed
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
    for (const name of SERVICES) expect(h.readsOf(name), name).toBe(alone.readsOf(name));
    for (const a of answers) expect(a.gz.equals(a.uncachedGz)).toBe(true);
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
        expect(a.gz.equals(a.uncachedGz), path).toBe(true);
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
        expect(a.gz.equals(a.uncachedGz), path).toBe(true);
      }
    }
    const orders = await h.get('/api/v1/services/orders/posture', 'orders');
    expect(JSON.parse(orders.plain.toString()).to).toBe(next);
    expect(orders.plain.toString()).not.toBe(yesterdays.plain.toString());
  });
});

describe('PageWarmer work in bulk', () => {
  it('stops a start run once it stored WARM_FILL_MAX of the cache budget, and still renders after an ingest', async () => {
    const logger = createMemoryLogger();
    const warmer = new PageWarmer(logger, 0);
    let stored = 0;
    const done: string[] = [];
    // Each page 10 bytes and each service's answers 5 of a 100-byte cache: 5 services fill 75.
    warmer.setTargets({
      overview: async () => undefined,
      service: async (name) => {
        stored += 10;
        done.push(`page ${name}`);
      },
      services: async () => Array.from({ length: 20 }, (_, i) => `s${i}`),
    });
    warmer.setAnswerTarget(async (name) => {
      stored += 5;
      done.push(`answers ${name}`);
    });
    warmer.setCacheMeter(() => stored, 100);
    warmer.warmAll(20);
    await warmer.idle();
    expect(stored).toBe(75);
    expect(stored).toBe(100 * WARM_FILL_MAX);
    expect(done.slice(-2)).toEqual(['page s4', 'answers s4']);
    expect(logger.lines).toEqual([expect.stringContaining('work ahead stopped at 75%')]);
    // An ingest's service is rendered whatever the bulk run stored.
    warmer.afterIngest(['s19']);
    await warmer.idle();
    expect(done.slice(-2)).toEqual(['page s19', 'answers s19']);
  });
});
