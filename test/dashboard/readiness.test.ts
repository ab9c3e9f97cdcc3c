// GET /readyz: a process says it is ready once its work ahead on start is done (the overview and
// every service's default page rendered), so a balancer sends a new process traffic when first
// visits find their pages rendered, not while each one renders its own. GET /healthz says only
// that the process answers.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../dashboard/deps.js';
import { PageWarmer } from '../../dashboard/page-warmer.js';
import { createMemoryLogger } from '../../src/logger.js';
import { login, NOW } from './pages/harness.js';
import { watchCalls } from './watch-calls.js';
import { historyStoreEach } from './history-store.js';

describe('readiness', () => {
  const fixture = historyStoreEach('gatehouse-ready-');

  /** The fixture history; `failOverview`: the services' overview read fails (the start-up work's list of services). */
  async function setup(opts: { warmPagesOnStart: number; failOverview?: boolean; failServicePages?: boolean }) {
    const store = await fixture.open();
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    const serviceReads = { count: 0 };
    const listServiceOverview = store.listServiceOverview.bind(store);
    if (opts.failOverview) store.listServiceOverview = async () => Promise.reject(new Error('database went away'));
    if (opts.failServicePages) store.serviceHead = async () => Promise.reject(new Error('a render that cannot work'));
    const restoreOverview = () => (store.listServiceOverview = listServiceOverview);
    // A service page's render reads the service with its head.
    const watched = watchCalls(store, ['serviceHead'], () => serviceReads.count++);
    const logger = createMemoryLogger();
    const warmer = fixture.warmer(logger);
    const app = createApp({ store: watched, config: DEFAULT_DASHBOARD_CONFIG, logger, now: () => NOW, pageWarmer: warmer, warmPagesOnStart: opts.warmPagesOnStart });
    return { app, warmer, logger, serviceReads, viewer, restoreOverview };
  }

  it('is 503 while the work ahead on start runs, then 200; the pages a first visit opens are rendered by then', async () => {
    const h = await setup({ warmPagesOnStart: 100 });
    // No credential: a balancer's probe.
    const early = await h.app.request('/readyz');
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('5');
    expect(await early.json()).toMatchObject({ ready: false, warmed: 0 });
    // The process answers meanwhile.
    expect((await h.app.request('/healthz')).status).toBe(200);

    await h.warmer.idle();
    const ready = await h.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    // What it waited for: each service's first visit finds its page rendered (no read of its own).
    const { cookie } = await login(h.app, h.viewer);
    for (const name of ['payments', 'legacy']) {
      const before = h.serviceReads.count;
      const page = await h.app.request(`/services/${name}`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(h.serviceReads.count - before, name).toBe(0);
    }
  });

  it('is 200 at once in a process that renders nothing ahead on start', async () => {
    const h = await setup({ warmPagesOnStart: 0 });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });

  it("does not count a balancer's probes as requests (they would keep the work ahead from its quiet)", async () => {
    const h = await setup({ warmPagesOnStart: 100 });
    const counted = { n: 0 };
    const started = h.warmer.requestStarted.bind(h.warmer);
    h.warmer.requestStarted = () => (counted.n++, started());
    for (const path of ['/readyz', '/healthz']) await h.app.request(path);
    expect(counted.n).toBe(0);
    await h.app.request('/api/v1/openapi.json');
    expect(counted.n).toBe(1);
    await h.warmer.idle();
  });

  const REASON = 'the overview page could not be rendered on start (the log says why); a probe tries it again, after 10 s, then less and less often';

  it('ends a start-up work that failed (the failure logged), never waits for ever; not ready while the overview cannot be rendered', async () => {
    const h = await setup({ warmPagesOnStart: 100, failOverview: true });
    expect((await h.app.request('/readyz')).status).toBe(503);
    await h.warmer.idle();
    const failed = await h.app.request('/readyz');
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ ready: false, reason: REASON });
    expect(h.logger.lines.join('\n')).toMatch(/ahead failed: database went away/);
  });

  it('tries the overview again only after the wait, doubling it after each failed try; ready at the first that works, then renders the services ahead', async () => {
    const h = await setup({ warmPagesOnStart: 100, failOverview: true });
    await h.warmer.idle();
    const failures = () => h.logger.lines.filter((l) => l.includes('rendering overview page ahead failed')).length;
    const before = failures();
    // Probes within the wait try nothing.
    for (let i = 0; i < 3; i++) expect((await h.app.request('/readyz')).status).toBe(503);
    await h.warmer.idle();
    expect(failures()).toBe(before);
    // Past it, one try (one warning); the next waits twice as long.
    const t0 = performance.now() + 60_000;
    h.warmer.retryStartUp(t0);
    h.warmer.retryStartUp(t0);
    await h.warmer.idle();
    expect(failures()).toBe(before + 1);
    h.warmer.retryStartUp(t0 + 15_000);
    await h.warmer.idle();
    expect(failures()).toBe(before + 1);
    // The database answers again: the next try renders, the process is ready, the services follow.
    h.restoreOverview();
    h.warmer.retryStartUp(t0 + 25_000);
    await h.warmer.idle();
    expect((await h.app.request('/readyz')).status).toBe(200);
    const { cookie } = await login(h.app, h.viewer);
    const reads = h.serviceReads.count;
    expect((await h.app.request('/services/payments', { headers: { cookie } })).status).toBe(200);
    expect(h.serviceReads.count - reads).toBe(0);
  });

  it('the overview rendered is enough to be ready: every service page failing is in the log, not in readiness', async () => {
    const h = await setup({ warmPagesOnStart: 100, failServicePages: true });
    await h.warmer.idle();
    expect((await h.app.request('/readyz')).status).toBe(200);
    expect(h.logger.lines.join('\n')).toMatch(/rendering service page ahead failed: a render that cannot work/);
  });

  describe('the work ahead it waits for', () => {
    /** Targets whose service renders wait for `release` (the overview renders at once). */
    function gatedTargets() {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const rendered: string[] = [];
      return {
        rendered,
        release: () => release(),
        targets: {
          overview: async () => void rendered.push('overview'),
          service: async (name: string) => {
            await gate;
            rendered.push(name);
          },
          services: async () => ['a', 'b', 'c'],
        },
      };
    }
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
    };

    it('is not done with the overview rendered and services to go, says how far it got, then done with the last', async () => {
      const warmer = new PageWarmer(createMemoryLogger(), 0);
      const g = gatedTargets();
      warmer.setTargets(g.targets);
      warmer.warmAll();
      // Until the overview and the first service's render (held at the gate) have begun.
      for (let i = 0; i < 50 && !g.rendered.includes('overview'); i++) await turns(1);
      await turns(5);
      expect(g.rendered).toEqual(['overview']);
      expect(warmer.startUpProgress()).toEqual({ done: false, services: 3, warmed: 0 });
      g.release();
      await warmer.idle();
      expect(g.rendered).toEqual(['overview', 'a', 'b', 'c']);
      expect(warmer.startUpProgress()).toEqual({ done: true, warmed: 0 });
    });

    it('a second run waits for its own tasks, not done at once because the first run queued the same keys', async () => {
      const warmer = new PageWarmer(createMemoryLogger(), 0);
      const g = gatedTargets();
      warmer.setTargets(g.targets);
      warmer.warmAll();
      warmer.warmAll();
      expect(warmer.startUpProgress().done).toBe(false);
      for (let i = 0; i < 50 && !g.rendered.includes('overview'); i++) await turns(1);
      await turns(5);
      expect(warmer.startUpProgress().done).toBe(false);
      g.release();
      await warmer.idle();
      expect(warmer.startUpProgress().done).toBe(true);
    });
  });
});
