// The overview's rows, the week panel and the overview API follow a 5-minute period (cached-reads.ts).
// Requests refresh them in the background while the cache holds a period-old copy; after longer
// quiet (a night, a weekend) the first visit would wait for every service's rows and the week's reads
// again (0.2-0.5 s at 5,000 services). When the period turns, the page warmer computes them ahead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../dashboard/app.js';
import { OVERVIEW_BUCKET_MS } from '../../dashboard/cached-reads.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../dashboard/deps.js';
import { PageWarmer, periodTimerWait } from '../../dashboard/page-warmer.js';
import { openStore } from '../../dashboard/store/store.js';
import type { Store } from '../../dashboard/store/types.js';
import { createMemoryLogger } from '../../src/logger.js';
import { historyReports } from './pages/fixtures.js';
import { get, login, NOW } from './pages/harness.js';
import { watchCalls } from './watch-calls.js';

/** What the overview page and the overview API read of the whole store: every service's rows, the week. */
const WIDE_READS = ['listServiceOverview', 'weekSummary', 'serviceChanges', 'remediationTrend'];

describe('the overview when its 5-minute period turns', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The fixture history, an app warming on start with a clock the test moves, the store's wide reads listed. */
  async function setup() {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-period-'));
    store = await openStore(join(dir, 'dashboard.db'));
    for (const r of historyReports(NOW)) await store.ingestScan(r, 'test');
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    let clock = NOW;
    const reads: string[] = [];
    const watched = watchCalls(store, WIDE_READS, (method) => reads.push(method));
    // No quiet needed between tasks: the test waits for idle().
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    // The answers the routes ask to follow the period, besides the overview page.
    const periodTargets: unknown[] = [];
    const config = DEFAULT_DASHBOARD_CONFIG;
    const app = createApp({
      store: watched,
      config,
      logger: createMemoryLogger(),
      now: () => clock,
      pageWarmer: watchCalls(warmer, ['setPeriodTarget'], (_m, args) => periodTargets.push(args[0])),
      warmPagesOnStart: 100,
    });
    const uncached = createApp({ store, config, logger: createMemoryLogger(), now: () => clock, cachePages: false });
    await warmer.idle();
    const { cookie } = await login(app, viewer);
    const api = (on: typeof app) => on.request('/api/v1/services', { headers: { authorization: `Bearer ${viewer}` } });
    return { app, uncached, warmer, reads, cookie, api, periodTargets, setClock: (t: Date) => (clock = t) };
  }

  it('waits until a second after the next turn, and never less than a tenth of a period (a clock that stands still)', () => {
    expect(periodTimerWait(Date.parse('2026-11-24T09:02:30Z'), OVERVIEW_BUCKET_MS)).toBe(151_000);
    expect(periodTimerWait(Date.parse('2026-11-24T09:05:01Z'), OVERVIEW_BUCKET_MS)).toBe(300_000);
    expect(periodTimerWait(Date.parse('2026-11-24T09:04:50Z'), OVERVIEW_BUCKET_MS)).toBe(30_000);
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

  it('without the turn computed ahead, that first visit reads every service and the week itself', async () => {
    const h = await setup();
    h.setClock(new Date(NOW.getTime() + 20 * 60_000));
    const before = h.reads.length;
    expect((await get(h.app, '/', h.cookie)).status).toBe(200);
    expect(h.reads.slice(before)).toEqual(expect.arrayContaining(WIDE_READS));
  });

  it('computes the period targets with the overview on start, and again at each turn', async () => {
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    const done: string[] = [];
    warmer.setTargets({ overview: async () => void done.push('overview'), service: async (name) => void done.push(name), services: async () => ['payments'] });
    warmer.setPeriodTarget('api|services', async () => void done.push('api|services'));
    warmer.warmAll();
    await warmer.idle();
    expect(done).toEqual(['overview', 'api|services', 'payments']);
    warmer.periodTurned();
    await warmer.idle();
    expect(done.slice(3)).toEqual(['overview', 'api|services']);
  });

  it("follows the turns with a timer, each one's overview computed ahead, until stopped", async () => {
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    let overviews = 0;
    let answers = 0;
    warmer.setTargets({ overview: async () => void overviews++, service: async () => undefined, services: async () => [] });
    warmer.setPeriodTarget('api|services', async () => void answers++);
    // A period of 100 ms: the timer fires a second after each turn.
    const stop = warmer.followPeriods(() => new Date(), 100);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    stop();
    await warmer.idle();
    expect(overviews).toBeGreaterThanOrEqual(1);
    expect(answers).toBe(overviews);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(answers, 'no turn followed once stopped').toBe(overviews);
  });
});
