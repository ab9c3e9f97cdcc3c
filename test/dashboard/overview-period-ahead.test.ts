// The overview's rows, the week panel and the overview API follow a 5-minute period (cached-reads.ts).
// Requests refresh them in the background while the cache holds a period-old copy; after longer
// quiet (a night, a weekend) the first visit would wait for every service's rows and the week's reads
// again (569.6 ms for the API at 5,000 services). When the period turns, the page warmer computes them ahead.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../dashboard/app.js';
import { OVERVIEW_BUCKET_MS } from '../../dashboard/cached-reads.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../dashboard/deps.js';
import { PageWarmer, periodTimerOffset, periodTimerWait } from '../../dashboard/page-warmer.js';
import { createMemoryLogger } from '../../src/logger.js';
import { get, login, NOW } from './pages/harness.js';
import { watchCalls } from './watch-calls.js';
import { historyStoreEach } from './history-store.js';

/** What the overview page and the overview API read of the whole store: every service's rows, the week. */
const WIDE_READS = ['listServiceOverview', 'weekSummary', 'serviceChanges', 'remediationTrend'];

describe('the overview when its 5-minute period turns', () => {
  const fixture = historyStoreEach('gatehouse-period-');

  /** The fixture history, an app warming on start with a clock the test moves, the store's wide reads listed. */
  async function setup() {
    const store = await fixture.open();
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    let clock = NOW;
    const reads: string[] = [];
    const watched = watchCalls(store, WIDE_READS, (method) => reads.push(method));
    // No quiet needed between tasks: the test waits for idle().
    const own = fixture.warmer(createMemoryLogger(), 0);
    // The answers the routes ask to follow the period (besides the overview page), the period the
    // app follows, and what requests queue on the warmer (a refresh in the background).
    const periodTargets: unknown[] = [];
    const followed: unknown[] = [];
    const queued: string[] = [];
    const config = DEFAULT_DASHBOARD_CONFIG;
    const app = createApp({
      store: watched,
      config,
      logger: createMemoryLogger(),
      now: () => clock,
      pageWarmer: watchCalls(own, ['setPeriodTarget', 'followPeriods', 'enqueue'], (method, args) => {
        if (method === 'setPeriodTarget') periodTargets.push(args[0]);
        else if (method === 'followPeriods') followed.push(args[1]);
        else queued.push(String(args[0]));
      }),
      warmPagesOnStart: 100,
    });
    const uncached = createApp({ store, config, logger: createMemoryLogger(), now: () => clock, cachePages: false });
    await own.idle();
    const { cookie } = await login(app, viewer);
    const api = (on: typeof app) => on.request('/api/v1/services', { headers: { authorization: `Bearer ${viewer}` } });
    return { app, uncached, warmer: own, reads, cookie, api, periodTargets, followed, queued, setClock: (t: Date) => (clock = t) };
  }

  it("waits until the process's offset after the next turn, and never less than a tenth of a period", () => {
    const at = (time: string) => Date.parse(`2026-11-24T${time}Z`);
    expect(periodTimerWait(at('09:02:30'), OVERVIEW_BUCKET_MS, 1_000)).toBe(151_000);
    expect(periodTimerWait(at('09:05:01'), OVERVIEW_BUCKET_MS, 1_000)).toBe(300_000);
    // Instants 100 s after each turn: 09:01:40, 09:06:40.
    expect(periodTimerWait(at('09:01:00'), OVERVIEW_BUCKET_MS, 100_000)).toBe(40_000);
    expect(periodTimerWait(at('09:03:30'), OVERVIEW_BUCKET_MS, 100_000)).toBe(190_000);
    // A moment before its instant (the clock behind the timer), or a clock that stands still.
    expect(periodTimerWait(at('09:04:50'), OVERVIEW_BUCKET_MS, 1_000)).toBe(30_000);
  });

  it('offsets each process by a second and a random share of half a period: processes sharing a database do not read every service at once', () => {
    expect(periodTimerOffset(OVERVIEW_BUCKET_MS, 0)).toBe(1_000);
    expect(periodTimerOffset(OVERVIEW_BUCKET_MS, 0.5)).toBe(76_000);
    expect(periodTimerOffset(OVERVIEW_BUCKET_MS, 0.999)).toBeLessThan(OVERVIEW_BUCKET_MS / 2 + 1_000);
  });

  it('follows the overview period of the cached reads', async () => {
    const h = await setup();
    expect(h.followed).toEqual([OVERVIEW_BUCKET_MS]);
  });

  it('after 20 quiet minutes, a first visit of the overview page or a poll of the overview API reads nothing: the turn computed them ahead', async () => {
    const h = await setup();
    // The overview API's answer (its JSON and gzip of every service) is built ahead too.
    expect(h.periodTargets).toEqual(['api|services']);
    h.setClock(new Date(NOW.getTime() + 20 * 60_000));
    h.warmer.periodTurned();
    await h.warmer.idle();
    const ahead = h.reads.length;
    expect(ahead, 'the turn reads every service and the week').toBeGreaterThan(0);

    const page = await get(h.app, '/', h.cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('payments');
    const answer = await h.api(h.app);
    expect(answer.status).toBe(200);
    expect(h.reads.slice(ahead), 'reads a request made itself').toEqual([]);
    // This period's overview, the same as one computed now without a cache.
    expect(await answer.text()).toBe(await (await h.api(h.uncached)).text());
  });

  it("right after a turn, a poll finds this period's overview answer built: it refreshes nothing in the background", async () => {
    const h = await setup();
    // The next period; the cache holds the previous one's (a request may serve it, and refresh it).
    h.setClock(new Date(NOW.getTime() + OVERVIEW_BUCKET_MS + 1_000));
    h.warmer.periodTurned();
    await h.warmer.idle();
    const before = h.queued.length;
    expect((await h.api(h.app)).status).toBe(200);
    expect((await get(h.app, '/', h.cookie)).status).toBe(200);
    expect(h.queued.slice(before), 'refreshes a request queued').toEqual([]);
  });

  it('without the turn computed ahead, that poll serves the previous period and refreshes it in the background', async () => {
    const h = await setup();
    h.setClock(new Date(NOW.getTime() + OVERVIEW_BUCKET_MS + 1_000));
    const before = h.queued.length;
    expect((await h.api(h.app)).status).toBe(200);
    expect(h.queued.slice(before)).toContain('refresh|api|services');
  });

  it('without the turn computed ahead, that first visit reads every service and the week itself', async () => {
    const h = await setup();
    h.setClock(new Date(NOW.getTime() + 20 * 60_000));
    const before = h.reads.length;
    expect((await get(h.app, '/', h.cookie)).status).toBe(200);
    expect(h.reads.slice(before)).toEqual(expect.arrayContaining(WIDE_READS));
  });

  it('computes the period targets before the overview on start and at each turn, and after the ingested services', async () => {
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    const done: string[] = [];
    warmer.setTargets({ overview: async () => void done.push('overview'), service: async (name) => void done.push(name), services: async () => ['payments'] });
    warmer.setPeriodTarget('api|services', async () => void done.push('api|services'));
    warmer.warmAll();
    await warmer.idle();
    expect(done).toEqual(['api|services', 'overview', 'payments']);
    warmer.afterIngest(['payments']);
    await warmer.idle();
    expect(done.slice(3)).toEqual(['overview', 'payments', 'api|services']);
    warmer.periodTurned();
    await warmer.idle();
    expect(done.slice(6)).toEqual(['api|services', 'overview']);
  });

  it('once stopped (the server closes its store), begins no task, not even one already taken from the queue', async () => {
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    const ran: string[] = [];
    // The first is taken at once, then waits for a turn of the event loop before it begins.
    warmer.enqueue('a', async () => void ran.push('a'));
    warmer.enqueue('b', async () => void ran.push('b'));
    warmer.stop();
    await warmer.idle();
    expect(ran).toEqual([]);
  });

  it("follows the turns with a timer, each one's overview computed ahead, until stopped", async () => {
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    let overviews = 0;
    let answers = 0;
    warmer.setTargets({ overview: async () => void overviews++, service: async () => undefined, services: async () => [] });
    warmer.setPeriodTarget('api|services', async () => void answers++);
    // A period of 100 ms, its instants at the turns (an offset of 500 ms, a multiple of it): the timer
    // fires about every 100 ms.
    warmer.followPeriods(() => new Date(), 100, 500);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    warmer.stop();
    await warmer.idle();
    expect(overviews, 'turns followed').toBeGreaterThanOrEqual(2);
    expect(answers, 'the period targets at the turns').toBeGreaterThanOrEqual(2);
    const seen = overviews;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await warmer.idle();
    expect(overviews, 'no turn followed once stopped').toBe(seen);
    expect(warmer.enqueue('x', async () => undefined), 'nothing queued once stopped').toBe(false);
  });
});
