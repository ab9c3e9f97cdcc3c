// Cached page bodies never outlive the data: an ingest changes the store's data version and the
// next page shows the new scan. The cache itself stays within its byte budget.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { sharedPieceBytes, VersionedCache, type Footprint, type SharedPiece } from '../../../dashboard/version-cache.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { PageWarmer, type CacheMeter } from '../../../dashboard/page-warmer.js';
import { acceptsGzip } from '../../../dashboard/pages/view-routes.js';
import { finding, snapshot } from './fixtures.js';
import { get, login, NOW, openPageHarness, type PageHarness } from './harness.js';
import { watchCalls } from '../watch-calls.js';

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

describe('pieces several cache entries hold', () => {
  const piece = (bytes: number): SharedPiece => ({ deflated: Buffer.alloc(bytes, 1) });
  interface Put {
    version: number;
    value: string;
    footprint: Footprint;
  }
  /** Own bytes plus each distinct piece of the entries still cached, each piece counted as the cache counts one. */
  const recount = (cache: VersionedCache, entries: Map<string, Put>) => {
    const kept = [...entries].filter(([key, e]) => cache.peek(key, e.version) === e.value).map(([, e]) => e.footprint);
    const pieces = new Set(kept.flatMap((f) => f.shared));
    return kept.reduce((n, f) => n + f.own, [...pieces].reduce((n, p) => n + sharedPieceBytes(p), 0));
  };

  it('counts a piece once while any entry holds it (own bytes plus distinct pieces), still counted while a holder stays when another is evicted', async () => {
    const head = piece(1000);
    const chart = piece(3000);
    const rows = piece(2000);
    const cache = new VersionedCache(8000);
    const entries = new Map<string, Put>();
    const put = async (key: string, version: number, own: number, shared: SharedPiece[]) => {
      const e = { version, value: `${key}@${version}`, footprint: { own, shared } };
      entries.set(key, e);
      expect(await cache.get(key, version, () => e.value, () => e.footprint)).toBe(e.value);
    };
    await put('parts', 1, 100, [head]);
    await put('chart', 1, 100, [chart]);
    await put('viewA', 1, 500, [head, chart, rows, head]);
    await put('viewB', 1, 600, [head, chart, rows]);
    // Each counting its pieces, the four would take 12,700 bytes: past the budget.
    expect(cache.size).toBe(4);
    expect(cache.heldBytes).toBe(100 + 100 + 500 + 600 + sharedPieceBytes(head) + sharedPieceBytes(chart) + sharedPieceBytes(rows));
    expect(cache.heldBytes).toBe(recount(cache, entries));
    expect(cache.storedBytes).toBe(cache.heldBytes);
    // 550 bytes more evict the least recently used (parts, then chart): their pieces stay counted, the views hold them.
    await put('other', 1, 550, []);
    expect(cache.peek('parts', 1)).toBeUndefined();
    expect(cache.peek('chart', 1)).toBeUndefined();
    expect(cache.peek('viewA', 1)).toBe('viewA@1');
    expect(cache.heldBytes).toBe(500 + 600 + 550 + sharedPieceBytes(head) + sharedPieceBytes(chart) + sharedPieceBytes(rows));
    expect(cache.heldBytes).toBe(recount(cache, entries));
    // Stored again while views hold its piece: only its own bytes are added.
    let stored = cache.storedBytes;
    await put('parts', 1, 100, [head]);
    expect(cache.storedBytes - stored).toBe(100);
    expect(cache.heldBytes).toBe(recount(cache, entries));
    // A new version of a view holding some of the same pieces: those stay counted once, the chart goes with the last view holding it.
    stored = cache.storedBytes;
    await put('viewA', 2, 400, [head, rows]);
    expect(cache.storedBytes - stored).toBe(400);
    expect(cache.heldBytes).toBe(recount(cache, entries));
    await put('viewB', 2, 600, [head, rows]);
    expect(cache.heldBytes).toBe(100 + 400 + 600 + 550 + sharedPieceBytes(head) + sharedPieceBytes(rows));
    expect(cache.heldBytes).toBe(recount(cache, entries));
    // Evicting everything lets go of every piece.
    await put('big', 1, 8000, []);
    expect(cache.size).toBe(1);
    expect(cache.heldBytes).toBe(8000);
  });
});

describe('the cache\'s count of a service page\'s views', () => {
  /** A warmer that lets the test read the app's cache meter (held bytes, budget). */
  class MeteredWarmer extends PageWarmer {
    cacheMeter?: CacheMeter;
    override setCacheMeter(meter: CacheMeter): void {
      this.cacheMeter = meter;
      super.setCacheMeter(meter);
    }
  }
  const gzipText = async (app: ReturnType<typeof createApp>, path: string, cookie: string) => {
    const res = await app.request(path, { headers: { cookie, 'accept-encoding': 'gzip' } });
    expect(res.status, path).toBe(200);
    return gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
  };

  it('counts a sort view by what it holds alone: the head, scans, chart and rows it shares with the default view rendered ahead are counted once', async () => {
    const deps = { store: h.store, config: { ...DEFAULT_DASHBOARD_CONFIG, tls: false }, logger: createMemoryLogger(), now: () => NOW };
    const warmer = new MeteredWarmer(createMemoryLogger());
    const app = createApp({ ...deps, pageWarmer: warmer, warmPagesOnStart: 0 });
    const viewer = (await login(app, h.tokens.viewer)).cookie;
    warmer.afterIngest(['payments']);
    await warmer.idle();
    // The default view (rendered ahead) and the viewer's frame and the page title, cached by this request.
    await gzipText(app, '/services/payments', viewer);
    const held = warmer.cacheMeter!.held();
    const res = await app.request('/services/payments?sort=title', { headers: { cookie: viewer, 'accept-encoding': 'gzip' } });
    const gzipBytes = (await res.arrayBuffer()).byteLength;
    const added = warmer.cacheMeter!.held() - held;
    // Its own pieces: the part above the chart and the table's head and end (its rows are the default view's, deflated ahead in the title order).
    expect(added).toBeGreaterThan(0);
    expect(added, `a sort view added ${added} bytes to the count for a page of ${gzipBytes} gzip bytes`).toBeLessThan(gzipBytes / 2);
  });

  it('under a budget that evicts the pieces views share (head, chart, kept rows), every view is still the page an uncached app renders, and the count stays within the budget', async () => {
    const deps = { store: h.store, config: { ...DEFAULT_DASHBOARD_CONFIG, tls: false }, logger: createMemoryLogger(), now: () => NOW };
    const warmer = new MeteredWarmer(createMemoryLogger());
    const budget = 40_000;
    const app = createApp({ ...deps, pageWarmer: warmer, warmPagesOnStart: 0, cacheBytes: budget });
    const uncached = createApp({ ...deps, cachePages: false });
    const viewer = (await login(app, h.tokens.viewer)).cookie;
    const services = (await h.store.listServiceOverview(NOW)).map((s) => s.name);
    expect(services.length).toBeGreaterThan(2);
    warmer.afterIngest(services);
    await warmer.idle();
    const views = ['', '?sort=title', '?sort=tool&dir=asc', '?sort=epss', '?dir=asc', '?sort=age&days=30'];
    for (let round = 0; round < 2; round++) {
      for (const view of views) {
        for (const name of services) {
          const path = `/services/${name}${view}`;
          expect(await gzipText(app, path, viewer), path).toBe((await get(uncached, path, viewer)).html);
          expect(warmer.cacheMeter!.held()).toBeLessThanOrEqual(budget);
        }
      }
    }
    // It stored several budgets' worth: entries were evicted all along.
    expect(warmer.cacheMeter!.stored()).toBeGreaterThan(3 * budget);
  });
});

describe('the pieces a service body shares with its other views', () => {
  it('the chart (per day and window) and the head and scans (while what they show holds) are read once and used by every view, each view the page an uncached app renders', async () => {
    const hc = await openPageHarness();
    try {
      let clock = NOW;
      const reads = { postureSeries: 0, getService: 0, listScans: 0, serviceChanges: 0, listFindings: 0, listFindingKeys: 0 };
      // The same store, counting the reads of each piece.
      const store = new Proxy(hc.store, {
        get(target, key) {
          const value = Reflect.get(target, key);
          // The head reads the service, its scans and its change with the change's turn in one call
          // (serviceHead): counted as each of those three reads, which it answers, and as the
          // chart's posture read when it reads that too (its fifth argument).
          if (key === 'serviceHead') {
            return (...args: unknown[]) => {
              for (const k of ['getService', 'listScans', 'serviceChanges'] as const) reads[k]++;
              if (args[4] !== undefined) reads.postureSeries++;
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          // serviceChangeWithTurn alone: counted as its serviceChanges.
          const counted = key === 'serviceChangeWithTurn' ? 'serviceChanges' : key;
          if (typeof counted === 'string' && counted in reads) {
            // serviceChanges of one service (the overview's week reads all services' with none).
            return (...args: unknown[]) => ((counted !== 'serviceChanges' || args[1] !== undefined) && reads[counted as keyof typeof reads]++, (value as (...a: unknown[]) => unknown).apply(target, args));
          }
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
      /** The page of an uncached app at `at` (the clock of the pieces it is made of). */
      const same = async (path: string, at = clock) => {
        const now = clock;
        clock = at;
        const expected = (await get(uncached, path, viewer)).html;
        clock = now;
        expect(expected).toContain('<figure class="chart">');
        expect(await gzipped(path), path).toBe(expected);
        expect((await get(cached, path, viewer)).html, path).toBe(expected);
        return expected;
      };
      const seen = () => ({ ...reads });
      // The first view of a service reads its head, scans, chart and open rows; the next ones only
      // pick their rows among those (listFindingKeys: fingerprints in the view's order).
      await same('/services/legacy?dir=asc');
      await same('/services/legacy?sort=title');
      expect(seen()).toEqual({ postureSeries: 1, getService: 1, listScans: 1, serviceChanges: 1, listFindings: 1, listFindingKeys: 1 });
      await same('/services/payments');
      for (const path of ['/services/payments?dir=asc', '/services/payments?sort=title', '/services/payments?severity=high&dir=asc', '/services/payments?days=90&sort=age']) await same(path);
      expect(seen()).toEqual({ postureSeries: 2, getService: 2, listScans: 2, serviceChanges: 2, listFindings: 2, listFindingKeys: 5 });
      // Another window is another chart, with the same head.
      await same('/services/payments?days=30&dir=asc');
      expect(seen()).toMatchObject({ postureSeries: 3, getService: 2, listFindings: 2, listFindingKeys: 6 });
      // Later, a new view goes with the kept head while the head still shows the same: here a
      // critical finding's SLA ends 20 s after the head was rendered, so at 40 s the head (its
      // breach count) no longer holds, and both are rendered at 40 s: the page an uncached app renders then.
      const opened = new Date(NOW.getTime() - 7 * 86_400_000 + 20_000);
      await hc.store.ingestScan(snapshot('legacy', opened, [finding('legacy', 99, 'critical')], 'legacy-sla'), 'test');
      await hc.store.ingestScan(snapshot('legacy', new Date(NOW.getTime() - 50_000), [finding('legacy', 99, 'critical')], 'legacy-now'), 'test');
      const head = await same('/services/legacy?sort=age');
      expect(head).toContain('<strong>0</strong> SLA breaches');
      expect(head).toContain('just now');
      // (A new version: the rows kept at the old one are not used.)
      expect(seen()).toMatchObject({ postureSeries: 4, getService: 3, listFindings: 3, listFindingKeys: 6 });
      clock = new Date(NOW.getTime() + 5_000);
      // Before the deadline (and before the last scan's "just now" ends, 10 s after): the kept head goes with a view nobody rendered.
      expect(await same('/services/legacy?sort=tool')).toContain('<strong>0</strong> SLA breaches');
      expect(seen()).toMatchObject({ postureSeries: 4, getService: 3, listFindings: 3, listFindingKeys: 7 });
      clock = new Date(NOW.getTime() + 40_000);
      const later = await same('/services/legacy?sort=title');
      expect(later).toContain('breach-marker');
      expect(later).toContain('<strong>1</strong> SLA breach');
      // The kept rows showed the finding before its deadline: read and rendered again.
      expect(seen()).toMatchObject({ postureSeries: 4, getService: 4, listFindings: 4, listFindingKeys: 7 });
      // The next minute: payments' head ("just now") no longer holds; a new head and scans for a
      // view nobody rendered; the chart of the day is kept.
      clock = new Date(NOW.getTime() + 60_000);
      await same('/services/payments?sort=epss');
      expect(seen()).toMatchObject({ postureSeries: 4, getService: 5, listScans: 5, serviceChanges: 5 });
      // The next day: the window ends a day later; the chart kept for yesterday is not used.
      clock = new Date(NOW.getTime() + 86_400_000);
      viewer = (await login(cached, hc.tokens.viewer)).cookie; // the session of a day ago has expired
      await same('/services/payments?dir=asc&sort=tool');
      expect(seen()).toMatchObject({ postureSeries: 5, getService: 6 });
      await same('/services/payments');
      await same('/services/payments?dir=asc&sort=epss');
      expect(seen()).toMatchObject({ postureSeries: 5, getService: 6 });
      // An ingest of the service moves its version: its pieces are read and drawn again, with the new scan.
      await hc.store.ingestScan(snapshot('payments', new Date(clock.getTime() - 60_000), [finding('payments', 1, 'critical'), finding('payments', 2, 'critical'), finding('payments', 3, 'high')], 'payments-new'), 'test');
      expect(await same('/services/payments?sort=title&dir=desc')).toContain('payments-new');
      await same('/services/payments');
      expect(seen()).toMatchObject({ postureSeries: 6, getService: 7, listScans: 7, serviceChanges: 7 });
    } finally {
      hc.close();
    }
  });

  it("reads a page's chart with its head when neither is kept (one read), another window's chart alone", async () => {
    const hc = await openPageHarness();
    try {
      const calls = { serviceHead: 0, withPosture: 0, postureSeries: 0 };
      const store = watchCalls(hc.store, ['serviceHead', 'postureSeries'], (method, args) => {
        calls[method as 'serviceHead' | 'postureSeries']++;
        if (method === 'serviceHead' && args[4] !== undefined) calls.withPosture++;
      });
      const deps = { config: { ...DEFAULT_DASHBOARD_CONFIG, tls: false }, logger: createMemoryLogger(), now: () => NOW };
      for (const app of [createApp({ ...deps, store }), createApp({ ...deps, store, cachePages: false })]) {
        const viewer = (await login(app, hc.tokens.viewer)).cookie;
        Object.assign(calls, { serviceHead: 0, withPosture: 0, postureSeries: 0 });
        expect((await get(app, '/services/payments?dir=asc', viewer)).html).toContain('<svg class="posture-chart wide"');
        expect(calls).toEqual({ serviceHead: 1, withPosture: 1, postureSeries: 0 });
      }
      // Cached: the head is kept, the chart of another window is read alone; a new page of the kept window reads none.
      const app = createApp({ ...deps, store });
      const viewer = (await login(app, hc.tokens.viewer)).cookie;
      await get(app, '/services/legacy', viewer);
      Object.assign(calls, { serviceHead: 0, withPosture: 0, postureSeries: 0 });
      await get(app, '/services/legacy?days=30', viewer);
      expect(calls).toEqual({ serviceHead: 0, withPosture: 0, postureSeries: 1 });
      await get(app, '/services/legacy?days=30&sort=title', viewer);
      expect(calls).toEqual({ serviceHead: 0, withPosture: 0, postureSeries: 1 });
    } finally {
      hc.close();
    }
  });
});
