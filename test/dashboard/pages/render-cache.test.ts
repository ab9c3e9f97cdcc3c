// Cached page bodies never outlive the data: an ingest changes the store's data version and the
// next page shows the new scan. The cache itself stays within its byte budget.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { VersionedCache } from '../../../dashboard/version-cache.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { acceptsGzip } from '../../../dashboard/pages/routes.js';
import { finding, snapshot } from './fixtures.js';
import { get, login, NOW, openPageHarness, type PageHarness } from './harness.js';

let h: PageHarness;
let cookie: string;
beforeAll(async () => {
  h = (await openPageHarness());
  cookie = (await login(h.app, h.tokens.viewer)).cookie;
});
afterAll(() => h.close());

describe('page cache', () => {
  it('shows a newly ingested scan on the next request', async () => {
    const before = await get(h.app, '/', cookie);
    expect(before.html).toContain('<tr data-service="legacy"><td><a href="/services/legacy">legacy</a></td><td class="num"><span class="count sev-critical" title="1 open critical">');
    const again = await get(h.app, '/', cookie);
    expect(again.html).toBe(before.html);

    const scan = snapshot('legacy', new Date(NOW.getTime() - 60_000), [finding('legacy', 1, 'critical'), finding('legacy', 7, 'critical')], 'legacy-new');
    (await h.store.ingestScan(scan, 'test'));
    const after = await get(h.app, '/', cookie);
    const legacy = after.html.slice(after.html.indexOf('<tr data-service="legacy">'));
    expect(legacy).toMatch(/^<tr data-service="legacy">[^]*?title="2 open critical"/);
    const service = await get(h.app, '/services/legacy', cookie);
    expect(service.html).toContain('legacy-new');
  });

  it('keeps the viewer-specific frame out of the cached body', async () => {
    const admin = await login(h.app, h.tokens.admin);
    const a = await get(h.app, '/services/payments', admin.cookie);
    const v = await get(h.app, '/services/payments', cookie);
    expect(a.html).toContain('href="/admin"');
    expect(v.html).not.toContain('href="/admin"');
    expect(a.html).toContain(admin.csrf);
    expect(v.html).not.toContain(admin.csrf);
  });

  it('serves browsers the same page gzipped, with each viewer\'s own frame', async () => {
    const gzipGet = async (path: string, withCookie: string) => {
      const res = await h.app.request(path, { headers: { cookie: withCookie, 'accept-encoding': 'gzip, deflate, br' } });
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      return gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    };
    const admin = await login(h.app, h.tokens.admin);
    for (const path of ['/', '/services/payments', '/services/payments?days=365']) {
      const plain = await get(h.app, path, cookie);
      expect(plain.res.headers.get('content-encoding')).toBeNull();
      expect(await gzipGet(path, cookie)).toBe(plain.html);
      expect(await gzipGet(path, cookie)).toBe(plain.html); // from the cache
      const asAdmin = await gzipGet(path, admin.cookie);
      expect(asAdmin).toBe((await get(h.app, path, admin.cookie)).html);
      expect(asAdmin).toContain(admin.csrf);
      expect(asAdmin).not.toBe(plain.html);
    }
  });

  it('gzips only for an Accept-Encoding that allows it', async () => {
    expect(['gzip', 'gzip, deflate, br', 'br;q=1.0, GZIP;q=0.5', '*', 'x-gzip'].map(acceptsGzip)).toEqual([true, true, true, true, true]);
    expect([undefined, '', 'identity', 'br', 'gzip;q=0', 'deflate, gzip; q=0.0'].map(acceptsGzip)).toEqual([false, false, false, false, false, false]);
    const refused = await h.app.request('/', { headers: { cookie, 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toContain('<tr data-service="payments">');
  });

  it('renders a body once for requests that miss the cache at the same time', async () => {
    const cache = new VersionedCache();
    let renders = 0;
    const slow = async () => {
      renders += 1;
      await new Promise((r) => setTimeout(r, 20));
      return 'body';
    };
    const bodies = await Promise.all([cache.get('k', 1, slow), cache.get('k', 1, slow), cache.get('k', 1, slow)]);
    expect(bodies).toEqual(['body', 'body', 'body']);
    expect(renders).toBe(1);
    expect(await cache.get('k', 2, slow)).toBe('body');
    expect(renders).toBe(2);
  });

  it('evicts the least recently used bodies beyond its byte budget', async () => {
    const cache = new VersionedCache(100);
    let renders = 0;
    const render = (text: string) => async () => {
      renders += 1;
      return text;
    };
    await cache.get('a', 1, render('x'.repeat(40)));
    await cache.get('b', 1, render('y'.repeat(40)));
    await cache.get('a', 1, render('never'));
    expect(renders).toBe(2);
    await cache.get('c', 1, render('z'.repeat(40))); // evicts b, the least recently used
    expect(cache.size).toBe(2);
    expect(await cache.get('b', 1, render('y2'))).toBe('y2');
    expect(await cache.get('a', 2, render('a at version 2'))).toBe('a at version 2');
  });
});

describe('the posture chart as a piece of its own', () => {
  it('is kept by the default view and used by the views that differ in their findings table, each view the page an uncached app renders', async () => {
    const hc = await openPageHarness();
    try {
      let clock = NOW;
      let postureReads = 0;
      // The same store, counting the chart's reads.
      const store = new Proxy(hc.store, {
        get(target, key) {
          const value = Reflect.get(target, key);
          if (key === 'postureSeries') return (...args: Parameters<typeof target.postureSeries>) => (postureReads++, target.postureSeries(...args));
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const deps = { config: { ...DEFAULT_DASHBOARD_CONFIG, tls: false }, logger: createMemoryLogger(), now: () => clock };
      const cached = createApp({ ...deps, store });
      const uncached = createApp({ ...deps, store: hc.store, cachePages: false });
      let viewer = (await login(cached, hc.tokens.viewer)).cookie;
      const gzipped = async (path: string) => {
        const res = await cached.request(path, { headers: { cookie: viewer, 'accept-encoding': 'gzip' } });
        return gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
      };
      const same = async (path: string) => {
        const plain = await get(uncached, path, viewer);
        expect(plain.status, path).toBe(200);
        const expected = plain.html;
        expect(expected).toContain('<figure class="chart">');
        expect(await gzipped(path), path).toBe(expected);
        expect((await get(cached, path, viewer)).html, path).toBe(expected);
      };
      // A view other than the default one, with no chart kept: one piece, its own chart (nothing kept).
      await same('/services/legacy?dir=asc');
      await same('/services/legacy?sort=title');
      expect(postureReads).toBe(2);
      // The default view keeps its chart; the views that differ in their findings table use it.
      await same('/services/payments');
      expect(postureReads).toBe(3);
      for (const path of ['/services/payments?dir=asc', '/services/payments?sort=title', '/services/payments?severity=high&dir=asc', '/services/payments?days=90&sort=age']) await same(path);
      expect(postureReads).toBe(3);
      // Another window is another chart.
      await same('/services/payments?days=30&dir=asc');
      expect(postureReads).toBe(4);
      // The next day: the window ends a day later; the chart kept for yesterday is not used.
      clock = new Date(NOW.getTime() + 86_400_000);
      viewer = (await login(cached, hc.tokens.viewer)).cookie; // the session of a day ago has expired
      await same('/services/payments?dir=asc&sort=tool');
      expect(postureReads).toBe(5);
      await same('/services/payments');
      await same('/services/payments?dir=asc&sort=epss');
      expect(postureReads).toBe(6);
      // An ingest of the service moves its version: its chart is drawn again, with the new scan.
      await hc.store.ingestScan(snapshot('payments', new Date(clock.getTime() - 60_000), [finding('payments', 1, 'critical'), finding('payments', 2, 'critical'), finding('payments', 3, 'high')], 'payments-new'), 'test');
      await same('/services/payments');
      await same('/services/payments?sort=title&dir=desc');
      expect(postureReads).toBe(7);
    } finally {
      hc.close();
    }
  });
});
