// What keeps a cached read from waiting (dashboard/version-cache.ts, cached-reads.ts, page-warmer.ts,
// api/read.ts): an answer whose ages come from an earlier period of the clock (same data) is served
// at once while a fresh one is computed in the background; a render ahead lets requests go first
// between its steps; an answer is built once (no re-wrap of a finished response).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { OVERVIEW_BUCKET_MS } from '../../../dashboard/cached-reads.js';
import { CLOCK_LAG_MS, readClock } from '../../../dashboard/clock-reading.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { openStore } from '../../../dashboard/store/store.js';
import type { Store } from '../../../dashboard/store/types.js';
import { VersionedCache } from '../../../dashboard/version-cache.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { historyReports } from './fixtures.js';
import { Layout } from '../../../dashboard/components/layout.js';
import { get, login, NOW, openPageHarness } from './harness.js';
import { watchCalls } from '../watch-calls.js';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('VersionedCache.getAging', () => {
  it('serves the previous period of the same data version at once and refreshes it once in the background', async () => {
    const cache = new VersionedCache();
    const scheduled: (() => Promise<unknown>)[] = [];
    const schedule = (_key: string, task: () => Promise<unknown>) => void scheduled.push(task);
    let renders = 0;
    const render = (label: string) => () => {
      renders++;
      return label;
    };
    expect(await cache.getAging('k', 1, 10, render('p10'), { schedule })).toBe('p10');
    expect(renders).toBe(1);
    // Next period, same data: the old value, no render in the request, one refresh scheduled.
    expect(await cache.getAging('k', 1, 11, render('p11'), { schedule })).toBe('p10');
    expect(renders).toBe(1);
    expect(scheduled).toHaveLength(1);
    await scheduled[0]();
    expect(renders).toBe(2);
    expect(await cache.getAging('k', 1, 11, render('again'), { schedule })).toBe('p11');
    expect(renders).toBe(2);
    // New data: rendered before answering, whatever the period.
    expect(await cache.getAging('k', 2, 11, render('v2'), { schedule })).toBe('v2');
    // Beyond maxLag periods: rendered before answering.
    expect(await cache.getAging('k', 2, 13, render('p13'), { schedule })).toBe('p13');
    expect(renders).toBe(4);
    expect(scheduled).toHaveLength(1);
  });

  it('keeps the newer value when an older refresh ends last, and says when a request waits for a render', async () => {
    const cache = new VersionedCache();
    let release!: () => void;
    const slow = cache.get('slow', 1, () => new Promise<string>((r) => (release = () => r('done'))));
    expect(cache.awaited('slow')).toBe(false);
    const joined = cache.get('slow', 1, () => 'other');
    expect(cache.awaited('slow')).toBe(true);
    release();
    expect(await Promise.all([slow, joined])).toEqual(['done', 'done']);
    expect(cache.awaited('slow')).toBe(false);
  });
});

describe('PageWarmer.yieldToRequests', () => {
  it('waits while a request is in flight, unless a request waits for the render itself', async () => {
    const warmer = new PageWarmer(createMemoryLogger());
    let resumed = false;
    const request = warmer.requestStarted();
    const paused = warmer.yieldToRequests().then(() => (resumed = true));
    for (let i = 0; i < 5; i++) await turn();
    expect(resumed).toBe(false);
    warmer.requestEnded(request);
    await paused;
    expect(resumed).toBe(true);

    let urgent = false;
    let done = false;
    const request2 = warmer.requestStarted();
    const waiting = warmer.yieldToRequests(() => urgent).then(() => (done = true));
    for (let i = 0; i < 3; i++) await turn();
    expect(done).toBe(false);
    urgent = true;
    await waiting;
    expect(done).toBe(true);
    warmer.requestEnded(request2);
  });
});

describe('cached reads across the clock', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function setup() {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-stalls-'));
    store = await openStore(join(dir, 'dashboard.db'));
    for (const r of historyReports(NOW)) await store.ingestScan(r, 'test');
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    let clock = NOW;
    const calls = { listServiceOverview: 0, listFindings: 0 };
    const counted = watchCalls(store, Object.keys(calls), (method) => calls[method as keyof typeof calls]++);
    const warmer = new PageWarmer(createMemoryLogger(), 0);
    const app = createApp({ store: counted, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, pageWarmer: warmer });
    const uncached = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, cachePages: false });
    const bearer = { authorization: `Bearer ${viewer}` };
    /** A JSON answer and the store calls its request made itself (background work excluded). */
    const api = async (path: string) => {
      const before = { ...calls };
      const res = await app.request(path, { headers: bearer });
      return { json: await res.json(), overview: calls.listServiceOverview - before.listServiceOverview, findings: calls.listFindings - before.listFindings };
    };
    const truth = async (path: string) => (await uncached.request(path, { headers: bearer })).json();
    return { app, warmer, api, truth, viewer, calls, setClock: (t: Date) => (clock = t) };
  }

  it('serves the overview of the previous 5 minutes while the next is computed in the background', async () => {
    const h = await setup();
    const first = await h.api('/api/v1/services');
    expect(first.overview).toBe(1);
    expect(first.json).toEqual(await h.truth('/api/v1/services'));

    // The next period, same data: no request waits for a recompute.
    const next = new Date(NOW.getTime() + OVERVIEW_BUCKET_MS);
    h.setClock(next);
    const stale = await h.api('/api/v1/services');
    expect(stale.overview).toBe(0);
    expect(stale.json).toEqual(first.json);
    const computed = h.calls.listServiceOverview;
    await h.warmer.idle();
    expect(h.calls.listServiceOverview).toBe(computed + 1); // once, in the background
    const fresh = await h.api('/api/v1/services');
    expect(fresh.overview).toBe(0);
    expect(fresh.json).toEqual(await h.truth('/api/v1/services'));

    // Beyond one period of lag: computed before answering.
    h.setClock(new Date(next.getTime() + 2 * OVERVIEW_BUCKET_MS));
    const late = await h.api('/api/v1/services');
    expect(late.overview).toBe(1);
    expect(late.json).toEqual(await h.truth('/api/v1/services'));
  });

  it('renders an overview page on the previous period\'s rows, without a recompute in the request', async () => {
    const h = await setup();
    const cookie = (await login(h.app, h.viewer)).cookie;
    await get(h.app, '/', cookie);
    await h.warmer.idle();
    h.setClock(new Date(NOW.getTime() + OVERVIEW_BUCKET_MS));
    // A view not cached as a page: rendered in the request, on the cached rows.
    const before = h.calls.listServiceOverview;
    const page = await get(h.app, '/?sort=name&dir=asc', cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-service="payments"');
    expect(h.calls.listServiceOverview).toBe(before);
    await h.warmer.idle();
    expect(h.calls.listServiceOverview).toBe(before + 1);
  });

  it('serves a findings answer until a value in it changes, then up to CLOCK_LAG_MS more while it is computed again in the background', async () => {
    const h = await setup();
    const path = '/api/v1/findings?service=payments';
    /** The first instant after `t` at which this answer's values change (ages, SLA, triage). */
    const untilAfter = async (t: number) => {
      const clock = readClock(t);
      await store!.listFindings({ service: 'payments', state: 'open', limit: 50, offset: 0 }, clock);
      return clock.validUntil;
    };
    const first = await h.api(path);
    expect(first.findings).toBe(1);
    const until = await untilAfter(NOW.getTime());
    // Ages to 0.1 day: hours, not the minute of before.
    expect(until - NOW.getTime()).toBeGreaterThan(5 * 60_000);
    h.setClock(new Date(until - 1));
    const kept = await h.api(path);
    expect(kept.findings).toBe(0);
    expect(kept.json).toEqual(first.json);
    expect(kept.json).toEqual(await h.truth(path));
    await h.warmer.idle();
    expect(h.calls.listFindings).toBe(1);
    // Past it: the kept answer at once, this instant's computed in the background.
    h.setClock(new Date(until + 60_000));
    const stale = await h.api(path);
    expect(stale.findings).toBe(0);
    expect(stale.json).toEqual(first.json);
    expect(stale.json).not.toEqual(await h.truth(path));
    await h.warmer.idle();
    const fresh = await h.api(path);
    expect(fresh.findings).toBe(0);
    expect(fresh.json).toEqual(await h.truth(path));
    // Beyond CLOCK_LAG_MS past its end: computed before answering.
    h.setClock(new Date((await untilAfter(until + 60_000)) + CLOCK_LAG_MS));
    const late = await h.api(path);
    expect(late.findings).toBe(1);
    expect(late.json).toEqual(await h.truth(path));
  });

  it('builds an API answer and a page once: Cache-Control is in the response as the route makes it', async () => {
    const h = await setup();
    const cookie = (await login(h.app, h.viewer)).cookie;
    await h.api('/api/v1/services');
    await get(h.app, '/', cookie);
    const Original = globalThis.Response;
    let built = 0;
    globalThis.Response = class extends Original {
      constructor(...args: ConstructorParameters<typeof Response>) {
        super(...args);
        built++;
      }
    } as typeof Response;
    try {
      const res = await h.app.request('/api/v1/services', { headers: { authorization: `Bearer ${h.viewer}`, 'accept-encoding': 'gzip' } });
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(built).toBe(1);
      built = 0;
      const page = await h.app.request('/', { headers: { cookie, 'accept-encoding': 'gzip' } });
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(built).toBe(1);
    } finally {
      globalThis.Response = Original;
    }
  });
});

describe('page frame', () => {
  it('gives each page its own title as the layout renders it (frame cached per viewer, title apart)', async () => {
    const h = await openPageHarness();
    try {
      const cookie = (await login(h.app, h.tokens.viewer)).cookie;
      const titles = await Promise.all(['/services/payments', '/services/legacy', '/'].map(async (path) => /<title>[^<]*<\/title>/.exec((await get(h.app, path, cookie)).html)?.[0]));
      expect(titles).toEqual(['<title>payments · Gatehouse</title>', '<title>legacy · Gatehouse</title>', '<title>Services · Gatehouse</title>']);
      // The title piece escapes as the layout's own <title> does.
      const name = `a<b>&"c'`;
      const layoutTitle = String(await (<Layout title={name}>{''}</Layout>)).match(/<title>([^]*?) · Gatehouse<\/title>/)![1];
      expect(String(await (<>{name}</>))).toBe(layoutTitle);
    } finally {
      await h.close();
    }
  });
});
