// When work ahead (dashboard/page-warmer.ts) may go on while requests come: only after real quiet,
// not at the momentary idle between two requests of a stream (a step taken then delays the next
// ones); and under a stream that never pauses, still, one spaced step at a time, so it ends.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { LoopMonitor } from '../../../dashboard/loop-stats.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { openStore } from '../../../dashboard/store/store.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { historyReports } from './fixtures.js';
import { login, NOW } from './harness.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const NEVER = 3_600_000;

describe('work ahead between requests', () => {
  it('does not go on at a momentary idle between two requests of a stream, only when quiet (or a request waits for it)', async () => {
    // Quiet never comes within the test, nor the stream's allowance: only `urgent` lets it go on.
    const warmer = new PageWarmer(createMemoryLogger(), NEVER, NEVER);
    let urgent = false;
    let resumed = false;
    let request = warmer.requestStarted();
    const paused = warmer.yieldToRequests(() => urgent).then(() => (resumed = true));
    for (let i = 0; i < 10; i++) {
      warmer.requestEnded(request);
      // No request in flight for a moment (a timer's length: ample for a resume to happen).
      await sleep(2);
      expect(resumed).toBe(false);
      request = warmer.requestStarted();
      await sleep(1);
    }
    warmer.requestEnded(request);
    urgent = true;
    await paused;
    expect(resumed).toBe(true);
  });

  it('under a stream that never leaves the quiet time, still ends its tasks, requests going between its steps', async () => {
    // Quiet never comes; the stream's allowance starts after 30 ms of waiting.
    const warmer = new PageWarmer(createMemoryLogger(), NEVER, 30);
    let served = 0;
    let stop = false;
    // Requests back to back, with a moment between two (the next arrives on a later turn, as from a socket).
    const stream = (async () => {
      while (!stop) {
        const request = warmer.requestStarted();
        await sleep(1);
        served++;
        warmer.requestEnded(request);
        await sleep(1);
      }
    })();
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) warmer.enqueue(`task|${i}`, async () => seen.push(served));
    const ended = await Promise.race([warmer.idle().then(() => true), sleep(20_000).then(() => false)]);
    stop = true;
    await stream;
    expect(ended).toBe(true);
    expect(seen).toHaveLength(4);
    // Between two tasks requests were served: the stream is not paused for a run of (a few) tasks.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  });

  it('under a stream that always has a request in flight, ends much work ahead while the stream goes on, no request overlapping two steps', async () => {
    // Quiet never comes; the stream's allowance starts after 20 ms of waiting.
    const warmer = new PageWarmer(createMemoryLogger(), NEVER, 20, 20);
    const overlaps: number[] = [];
    let started = 0;
    let stopped = false;
    const one = async () => {
      const request = warmer.requestStarted();
      const before = warmer.stepsBegun;
      await sleep(3);
      overlaps.push(warmer.stepsBegun - before);
      warmer.requestEnded(request);
    };
    // A request every millisecond, each in flight for three: never a moment without one, up to 3,000 of them.
    const stream = (async () => {
      const requests: Promise<void>[] = [];
      while (started < 3000 && !stopped) {
        started++;
        requests.push(one());
        await sleep(1);
      }
      await Promise.all(requests);
    })();
    // A start's work: many tasks, each with pauses between parts of a millisecond's work (a page render's steps).
    const work = () => {
      const until = performance.now() + 0.5;
      while (performance.now() < until);
    };
    const ran: number[] = [];
    for (let i = 0; i < 60; i++) {
      warmer.enqueue(`task|${i}`, async () => {
        work();
        await warmer.yieldToRequests();
        work();
        ran.push(started);
      });
    }
    const endedAt = await Promise.race([warmer.idle().then(() => started), stream.then(() => undefined)]);
    stopped = true;
    await stream;
    // The work ahead ended before the stream did (a count of requests, not a time).
    expect(endedAt).toBeDefined();
    expect(ran).toHaveLength(60);
    expect(endedAt!).toBeLessThan(3000);
    expect(warmer.stepsBegun).toBeGreaterThan(0);
    // Each request saw at most one step begin while it was in flight.
    expect(overlaps.length).toBeGreaterThan(0);
    expect(Math.max(...overlaps)).toBeLessThanOrEqual(1);
    // Requests went between the steps: not all the tasks ran at the stream's first request.
    expect(ran[ran.length - 1]).toBeGreaterThan(ran[0]);
  });

  it('after a start\'s work caught up under a stream, a few tasks queued meanwhile wait their own starved time from its end, not from the stream\'s start', async () => {
    // Quiet comes 50 ms after the stream stops; a few tasks go under the stream after 2 s of waiting, catch-up work after 20 ms.
    const logger = createMemoryLogger();
    const warmer = new PageWarmer(logger, 50, 2000, 20);
    let stopped = false;
    // A request always in flight: each starts before the last ends.
    const stream = (async () => {
      let request = warmer.requestStarted();
      while (!stopped) {
        const next = warmer.requestStarted();
        warmer.requestEnded(request);
        request = next;
        await sleep(1);
      }
      warmer.requestEnded(request);
    })();
    let fewRan = false;
    warmer.setTargets({
      // The start's first task outlasts the few tasks' starved time (a long read, as the overview's at 10 million findings).
      overview: () => sleep(2500),
      services: async () => ['a', 'b', 'c'],
      service: async (name) => {
        await warmer.yieldToRequests();
        // Queued behind the run's end, as a page whose minute turned meanwhile.
        if (name === 'c') warmer.enqueue('page|turned', async () => void (fewRan = true));
      },
    });
    warmer.warmAll();
    const ended = () => logger.lines.some((l) => l.startsWith('work ahead on start:'));
    while (!ended()) await sleep(10);
    // The stream goes on: the few task waits (before, it went at once: the stream had begun 2.5 s ago).
    await sleep(300);
    expect(fewRan).toBe(false);
    stopped = true;
    await stream;
    await warmer.idle();
    expect(fewRan).toBe(true);
  });

  it('the overview (a wide task: it reads every service) neither begins nor goes on under a stream while the start\'s services catch up; they go on from its pause', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `s${i}`);
    /** A warmer whose start renders `overview` and then each service (after a pause), and a stream of requests for it. */
    const setUp = (overview: (w: PageWarmer, startStream: () => void) => Promise<void>) => {
      // Quiet comes 20 ms after the stream stops; a few tasks never go under it; catch-up work after 20 ms.
      const warmer = new PageWarmer(createMemoryLogger(), 20, NEVER, 20);
      let streaming = false;
      let stream: Promise<void> = Promise.resolve();
      // A request always in flight: each starts before the last ends.
      const startStream = () => {
        streaming = true;
        stream = (async () => {
          let request = warmer.requestStarted();
          while (streaming) {
            const next = warmer.requestStarted();
            warmer.requestEnded(request);
            request = next;
            await sleep(1);
          }
          warmer.requestEnded(request);
        })();
      };
      const order: string[] = [];
      warmer.setTargets({
        overview: () => overview(warmer, startStream).then(() => void order.push('overview')),
        services: async () => names,
        service: async (name) => {
          await warmer.yieldToRequests();
          order.push(name);
        },
      });
      const servicesDone = async () => {
        for (let waited = 0; order.filter((o) => o !== 'overview').length < names.length; waited += 10) {
          if (waited > 20_000) throw new Error(`the services did not end under the stream: ${order.join(' ')}`);
          await sleep(10);
        }
      };
      const stopStream = async () => {
        streaming = false;
        await stream;
      };
      return { warmer, order, startStream, stopStream, servicesDone };
    };

    // 1. The start under a stream: the services end while the overview (queued first) waits.
    const first = setUp(async (w) => {
      await w.yieldToRequests();
    });
    first.startStream();
    first.warmer.warmAll();
    await first.servicesDone();
    expect(first.order).toEqual(names);
    await first.stopStream();
    await first.warmer.idle();
    expect(first.order).toEqual([...names, 'overview']);

    // 2. The overview begun in quiet, a stream before its pause: the services end from that pause, then it.
    const second = setUp(async (w, startStream) => {
      startStream();
      await w.yieldToRequests();
    });
    second.warmer.warmAll();
    await second.servicesDone();
    expect(second.order).toEqual(names);
    await second.stopStream();
    await second.warmer.idle();
    expect(second.order).toEqual([...names, 'overview']);
  });

  it('a wide task a request now waits for goes on at once under a stream, whatever else is queued', async () => {
    // Quiet: 20 ms without a request; the stream's allowance never comes: under it only `urgent` lets work ahead go on.
    const warmer = new PageWarmer(createMemoryLogger(), 20, NEVER, NEVER);
    let joined = false;
    let request: number | undefined;
    const order: string[] = [];
    // An ingest's work: the overview (wide), then a service's page and answers (a few tasks).
    warmer.enqueue('overview', async () => {
      order.push('overview-begun');
      // A stream begins during its first step.
      request = warmer.requestStarted();
      await warmer.yieldToRequests(() => joined);
      order.push('overview-done');
    }, true);
    warmer.enqueue('service|a', async () => void order.push('a'));
    warmer.enqueue('answers|a', async () => void order.push('answers a'));
    while (!order.includes('overview-begun')) await sleep(5);
    await sleep(50);
    expect(order).toEqual(['overview-begun']);
    // A request for the overview joins its render: the drain checks `urgent` within URGENT_CHECK_MS.
    joined = true;
    for (let waited = 0; !order.includes('overview-done') && waited < 20_000; waited += 10) await sleep(10);
    expect(order).toEqual(['overview-begun', 'overview-done']);
    warmer.requestEnded(request!);
    await warmer.idle();
    expect(order).toEqual(['overview-begun', 'overview-done', 'a', 'answers a']);
  });

  it('counts its steps and the longest for the bench, from zero again after each reading', async () => {
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    warmer.enqueue('a', async () => {
      await warmer.yieldToRequests();
    });
    warmer.enqueue('b', async () => undefined);
    await warmer.idle();
    const figures = warmer.takeFigures();
    // Task a: two steps (before and after its pause); task b: one.
    expect(figures.steps).toBe(3);
    expect(figures.longestStepMs).toBeGreaterThanOrEqual(0);
    expect(warmer.takeFigures()).toEqual({ steps: 0, longestStepMs: 0 });
  });

  it('go with the loop figures a bench reads (dashboard/loop-stats.ts), once reported', async () => {
    const monitor = new LoopMonitor();
    try {
      expect(monitor.take().aheadSteps).toBeUndefined();
      const warmer = new PageWarmer(createMemoryLogger(), 0);
      monitor.reportWorkAhead(() => warmer.takeFigures());
      warmer.enqueue('a', async () => undefined);
      await warmer.idle();
      expect(monitor.take().aheadSteps).toBe(1);
      expect(monitor.take().aheadSteps).toBe(0);
    } finally {
      monitor.stop();
    }
  });
});

describe('work ahead on start under a stream of requests (a real server on 127.0.0.1)', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  let server: ServerType | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every service ahead while the stream goes on, no request overlapping two of its steps', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-stream-'));
    store = await openStore(join(dir, 'dashboard.db'));
    for (const r of historyReports(NOW)) await store.ingestScan(r, 'test');
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    const names = (await store.listServiceOverview(NOW)).map((s) => s.name);
    // Quiet never comes; the stream's allowance starts after 20 ms of waiting. The app is built
    // with the work ahead on start held until the stream runs (warmAll below).
    const warmer = new PageWarmer(createMemoryLogger(), NEVER, 20, 20);
    const reads = { head: 0 };
    const counted = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === 'serviceHead') reads.head++;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const app = createApp({ store: counted, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW, pageWarmer: warmer });
    const { cookie } = await login(app, viewer);
    // Steps of work ahead begun while each request was in the app.
    const overlaps: number[] = [];
    server = serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: async (req) => {
        const before = warmer.stepsBegun;
        const res = await app.fetch(req);
        overlaps.push(warmer.stepsBegun - before);
        return res;
      },
    });
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let served = 0;
    let done = false;
    // Four keep-alive clients back to back (views the work ahead does not render), up to 20,000 requests.
    const paths = ['/', ...names.map((n) => `/services/${n}?dir=asc`), '/healthz'];
    const client = async (k: number) => {
      for (let i = k; !done && served < 20_000; i++) {
        const res = await fetch(`${base}${paths[i % paths.length]}`, { headers: { cookie } });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        served++;
      }
    };
    const stream = Promise.all([0, 1, 2, 3].map(client));
    while (served < 50) await sleep(5);
    warmer.warmAll();
    const endedAt = await Promise.race([warmer.idle().then(() => served), stream.then(() => undefined)]);
    done = true;
    await stream;
    // The work ahead on start ended while the stream still went on.
    expect(endedAt).toBeDefined();
    expect(endedAt!).toBeLessThan(20_000);
    expect(warmer.stepsBegun).toBeGreaterThan(names.length);
    // Each service's default view is now rendered ahead: its first visit reads no service.
    const before = reads.head;
    for (const name of names) expect((await app.request(`/services/${name}`, { headers: { cookie } })).status).toBe(200);
    expect(reads.head).toBe(before);
    // No request saw two steps of work ahead begin while it was in the app.
    expect(overlaps.length).toBeGreaterThan(50);
    expect(Math.max(...overlaps)).toBeLessThanOrEqual(1);
  });
});
