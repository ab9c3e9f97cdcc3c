// The read pages: overview and service (the finding page, with its triage, is in triage-routes.tsx).
// Overview and service bodies go through the app's one cache (version-cache.ts): rendered and
// deflated once per data version for everyone (kept until a text on them changes with the clock,
// then up to CLOCK_LAG_MS while rendered again), framed
// per viewer on each request (gzip-join.ts), and rendered ahead of their first visit after an
// ingest or a start (page-warmer.ts).
import { Hono } from 'hono';
import { raw } from 'hono/html';
import { acceptsGzip } from '../accept-encoding.js';
import { CACHE_BYTES_PER_SERVICE } from '../cache-budget.js';
import { cachedOverview } from '../cached-reads.js';
import { CLOCK_LAG_MS, readClock } from '../clock-reading.js';
import { neutralisedBytes, neutralisedUtf8 } from '../components/invisible-text.js';
import { Layout } from '../components/layout.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import type { ReadStore } from '../store/types.js';
import type { Footprint } from '../version-cache.js';
import { AHEAD_LEVEL, deflatePiece, deflatePieceSync, inflatePiece, joinGzip, storedPiece, WAITED_LEVEL, type DeflatedPiece } from '../gzip-join.js';
import { badRequest, notFound, viewerOf, type PageContext } from './context.js';
import {
  chartWindow,
  type HeadPosture,
  OverviewQuery,
  postureChartBytes,
  readServiceHead,
  renderOverviewBody,
  scanTools,
  serviceHeadHtml,
  type OpenRows,
  serviceScansHtml,
  serviceViewParts,
  ServiceQuery,
  type OverviewView,
  type ServiceView,
} from './page-bodies.js';
import { vulnerabilityHref } from '../components/hrefs.js';
import { groupByVulnerability, VulnerabilityPage, VulnerabilitySearchPage } from './vulnerability.js';


/** Where a cached page's content goes in its viewer's frame (a constant, never from data). */
const CONTENT_SLOT = '<!--gatehouse:content-->';
/** Where the page title goes in the frame (a constant: JSX escaping leaves it as it is). */
const TITLE_SLOT = 'gatehouse-title-slot';

// Ages and SLA days on a cached page follow the clock it was rendered with: a render notes the first
// instant one of its texts changes (`until`, clock-reading.ts); until then it is the page of now. Up
// to CLOCK_LAG_MS after it, the copy (same data version) is served while a fresh one renders in the
// background; an older copy is rendered again before answering. Data never lags: a new data version
// is always rendered before it is served.

/** Where a service body's posture chart goes until its own piece takes the place (a constant comment: escaped text never makes one). */
const CHART_SLOT = '<!--gatehouse:chart-->';
/** Where a view's findings rows go (kept or rendered, as UTF-8). */
const ROWS_SLOT = '<!--gatehouse:rows-->';

/**
 * A page body as cached: deflated once for every viewer, with the clock it was rendered at. A
 * service body is five pieces: its head and its scans (kept per service version and shared by every
 * view rendered while they hold: ServiceParts), its view's part around its chart, and the chart
 * (kept per service version, day and window). A view nobody rendered before then reads, draws and
 * deflates only its findings table and the window links above the chart.
 */
interface CachedContent {
  pieces: DeflatedPiece[];
  /**
   * Those of `pieces` other entries hold too (a service view's head, scans, chart and rows in an
   * order kept deflated): the cache counts each once (version-cache.ts Footprint).
   */
  shared?: DeflatedPiece[];
  at: number;
  /** The first instant at which a render would show otherwise (clock-reading.ts). */
  until: number;
}

/**
 * A service body's head and recent scans, deflated, with the tools the scans offer to the filter,
 * rendered at `at` and showing the same until `until` (clock-reading.ts). A view rendered at any
 * instant before `until` goes with them: its body is then the one a render at that instant makes.
 */
interface ServiceParts {
  head: DeflatedPiece;
  scans: DeflatedPiece;
  tools: string[];
  at: number;
  until: number;
}

/** How a render deflates its pieces, text or UTF-8 (renderContent picks it: in this thread or on the thread pool, at which level). */
type Deflate = (content: string | Buffer) => DeflatedPiece | Promise<DeflatedPiece>;

/** `html` cut at its one `slot` (a constant comment our markup puts there once). */
function slotted(html: string, slot: string, what: string): [string, string] {
  const parts = html.split(slot);
  if (parts.length !== 2) throw new Error(`a service body holds ${parts.length - 1} ${what} slots, not one`);
  return [parts[0], parts[1]];
}

/**
 * The largest piece deflated on this thread (above it, the thread pool): what a request waits for,
 * and work ahead in a catch-up slice (page-warmer.ts); other work ahead keeps the thread to
 * requests above AHEAD_IN_THREAD_MAX.
 */
const IN_THREAD_MAX = 262_144;
/** The longest piece a render stores instead of deflating (characters; UTF-8 at most 3 bytes each). */
const STORED_PIECE_MAX = 64;
const AHEAD_IN_THREAD_MAX = 16_384;

/** A piece rendered at `at` whose texts hold until `until`: the one a render at `t` would make. */
const trueAt = (t: number) => (p: { at: number; until: number }) => p.at <= t && t < p.until;

/** Cache keys of the page bodies (the same for a request and for a render ahead of it). */
const overviewKey = (v: OverviewView) => `page|overview|${JSON.stringify([v.sort, v.dir, v.q, v.page, v.days])}`;
const serviceKey = (name: string, v: ServiceView) => `page|service|${JSON.stringify([name, v])}`;
const chartKey = (name: string, days: number, at: Date) => `piece|chart|${JSON.stringify([name, days, chartWindow(days, at).to])}`;
const partsKey = (name: string) => `piece|service|${JSON.stringify(name)}`;
const rowsKey = (name: string) => `piece|rows|${JSON.stringify(name)}`;

/** A service's open rows (page-bodies.tsx OpenRows) as the view that read them all rendered them, at `at`, true until `until`. */
interface KeptRows {
  rows: OpenRows;
  at: number;
  until: number;
}
/** What kept rows hold (OpenRows.bytes), their pieces in each order shared with the views that show them. */
const keptRowsSize = (k: KeptRows): Footprint => ({ own: k.rows.ownBytes + 100, shared: k.rows.pieces });
/**
 * The most a service's kept rows take: half a service's share of the cache (cache-budget.ts), so
 * the work ahead's pages, charts and answers still fit beside them. Kept deflated (OpenRows), a row
 * takes ~50 bytes of markup plus its fingerprint and tool (counted as UTF-16), and with the sorts'
 * orders 16 bytes of indices and a deflated copy of ~45 bytes per distinct order (the text sorts'
 * always, the number sorts' while they fit; equal orders share one): the 23-48 open rows of a
 * service at 500 services x 365 days count 18.1 KB on average with 6 distinct orders, 22.6 KB at
 * most (9.1 MB for the 500, ~91 MB at 5,000 services of that shape; 14.6 KB without the number
 * sorts' copies). Rows of that size fit with the text sorts' orders up to ~85 open rows, without
 * them up to ~125; a service with more reads each view's rows.
 */
const KEPT_ROWS_MAX_BYTES = CACHE_BYTES_PER_SERVICE / 2;

export function createViewRoutes(deps: Pick<RouteDeps, 'now' | 'cache' | 'warmer'> & { store: ReadStore }): Hono<AppEnv> {
  const { store, cache, now, warmer } = deps;
  const app = new Hono<AppEnv>();
  /** A body's pieces at `at` (a service view may take the earlier clock of its kept head: the body says which). */
  type Render = (version: number, at: Date, deflate: Deflate, pause?: () => Promise<void>) => Promise<CachedContent>;
  /**
   * The data version a body is cached under: a service page's is its service's (another service's
   * ingest leaves it valid), the overview's the global one (store/versions.ts).
   */
  type VersionOf = () => Promise<number>;
  const globalVersion: VersionOf = () => store.dataVersion();
  const serviceVersion = (name: string): VersionOf => () => store.serviceVersion(name);

  /**
   * Renders a body (our own JSX output, already escaped) and deflates it once for every viewer.
   * `pause`: a render ahead lets requests that arrived meanwhile go first before each next step.
   */
  const renderContent = async (render: Render, version: number, at: Date, pause?: () => Promise<void>): Promise<CachedContent> => {
    await pause?.();
    // A render ahead (nobody waits): level 6, large pieces on the thread pool (in a catch-up slice
    // under a stream, page-warmer.ts, up to a waited request's size in this thread: each answer of
    // the pool would wait a round of requests). One a request waits
    // for: level 1, a third of the CPU (gzip-join.ts), in this thread up to 256 KiB (a page of 200
    // rows is about 130 KiB, 0.6 ms; rows with very long texts go to the thread pool instead of
    // holding the event loop). Invisible characters are looked for in the bytes (invisible-text.ts):
    // a page is encoded anyway.
    const utf8 = (content: string | Buffer) => (typeof content === 'string' ? neutralisedUtf8(content) : neutralisedBytes(content));
    const deflated: Deflate = pause
      ? (content) => (content.length > (warmer?.inSlice ? IN_THREAD_MAX : AHEAD_IN_THREAD_MAX) ? deflatePiece(utf8(content), AHEAD_LEVEL) : deflatePieceSync(utf8(content), AHEAD_LEVEL))
      : (content) => (content.length > IN_THREAD_MAX ? deflatePiece(utf8(content), WAITED_LEVEL) : deflatePieceSync(utf8(content), WAITED_LEVEL));
    // A piece of a few dozen bytes (a table's end) is stored: deflated it is hardly smaller, and
    // a compressor costs ~40 us for it.
    const deflate: Deflate = (content) => (content.length <= STORED_PIECE_MAX ? storedPiece(utf8(content)) : deflated(content));
    return render(version, at, deflate, pause);
  };
  /** A piece kept per data version of the body it goes in (the same service's), made by `make` when missing. */
  const keptPiece = <V extends DeflatedPiece | ServiceParts>(key: string, version: number, make: () => Promise<V>, usable?: (v: V) => boolean): Promise<V> =>
    cache ? cache.get(key, version, make, (v): Footprint => ('deflated' in v ? { own: 100, shared: [v] } : { own: 200 + v.tools.reduce((n, t) => n + 2 * t.length + 32, 0), shared: [v.head, v.scans] }), usable) : make();
  /** A body's own pieces, and those it shares (counted once by the cache). */
  const contentSize = (v: CachedContent): Footprint => {
    const shared = v.shared ?? [];
    return { own: v.pieces.reduce((n, p) => (shared.includes(p) ? n : n + p.deflated.length), 200), shared };
  };

  /** Renders `key` into the cache at the data version and clock of now, unless a copy still true now is there. */
  const renderAhead = async (key: string, render: Render, versionOf: VersionOf): Promise<void> => {
    if (!cache) return;
    const version = await versionOf();
    const at = now();
    // Requests in flight go first between the render's steps, unless one of them waits for it.
    const pause = warmer ? () => warmer.yieldToRequests(() => cache.awaited(key)) : undefined;
    const t = at.getTime();
    await cache.get(key, version, () => renderContent(render, version, at, pause), contentSize, trueAt(t));
  };

  /** The body of `key` at the current data version: cached, or rendered now. */
  const contentOf = async (key: string, at: Date, render: Render, versionOf: VersionOf, wide = false): Promise<CachedContent> => {
    const version = await versionOf();
    if (!cache) return renderContent(render, version, at);
    const t = at.getTime();
    const usable = (v: CachedContent) => v.at <= t && t < v.until + CLOCK_LAG_MS;
    const hit = cache.peek<CachedContent>(key, version);
    if (hit && usable(hit)) {
      // A text on it has moved on since: served now, rendered again in the background.
      // An overview body reads every service (wide work ahead, page-warmer.ts enqueue).
      if (t >= hit.until) warmer?.enqueue(key, () => renderAhead(key, render, versionOf), wide);
      return hit;
    }
    return cache.get(key, version, () => renderContent(render, version, at), contentSize, usable);
  };

  /**
   * A page: the viewer's frame (top bar, CSRF token; cached per session) and the title around the
   * cached body. A client that accepts gzip (every browser) gets the pieces' deflate streams joined
   * into one gzip member, so a request compresses nothing but its frame, once.
   */
  const cachedPage = async (c: PageContext, key: string, title: string, at: Date, render: Render, versionOf: VersionOf): Promise<Response> => {
    const viewer = viewerOf(c)!;
    // A body under the global data version (the overview's) reads every service.
    const content = await contentOf(key, at, render, versionOf, versionOf === globalVersion);
    // The viewer is part of the key: names, roles and CSRF tokens never cross sessions. The title
    // is not: a first visit of each service would render and deflate a whole frame for its name.
    const frameKey = `frame|${viewer.tokenId}|${viewer.csrfToken}`;
    const makeFrame = async () => {
      const [head, tail] = String(await (<Layout title={TITLE_SLOT} viewer={viewer} active="overview">{raw(CONTENT_SLOT)}</Layout>)).split(CONTENT_SLOT);
      const [beforeTitle, afterTitle] = head.split(TITLE_SLOT);
      return [beforeTitle, afterTitle, tail].map((piece) => deflatePieceSync(neutralisedUtf8(piece)));
    };
    const frame = cache ? await cache.get(frameKey, 0, makeFrame, (f) => f.reduce((n, p) => n + p.deflated.length, 200)) : await makeFrame();
    // The title as the frame would show it (escaped text), shared by every viewer. Stored, not
    // deflated: a name of a few dozen bytes deflates to as many (a compressor cost ~50 us a first visit).
    const makeTitle = async () => storedPiece(neutralisedUtf8(String(await (<>{title}</>))));
    const titlePiece = cache ? await cache.get(`title|${title}`, 0, makeTitle, (p) => p.deflated.length + title.length + 100) : await makeTitle();
    const pieces = [frame[0], titlePiece, frame[1], ...content.pieces, frame[2]];
    const headers = { 'Content-Type': 'text/html; charset=UTF-8', Vary: 'Accept-Encoding' };
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      return c.body(joinGzip(pieces) as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    const page = pieces.map(inflatePiece).join('');
    return c.body(Buffer.from(page) as Uint8Array<ArrayBuffer>, 200, headers);
  };

  const overviewContent =
    (view: OverviewView): Render =>
    async (version, at, deflate, pause) => {
      const clock = readClock(at);
      const html = String(await renderOverviewBody(deps, view, clock, version, pause));
      await pause?.();
      return { pieces: [await deflate(html)], at: at.getTime(), until: clock.validUntil };
    };
  /**
   * A service's head and scans still true at `t` (same data version): kept, or rendered now at `t`;
   * then, with `chartDays`, the posture of that chart read with the head goes to `posture`.
   */
  const serviceParts = (name: string, version: number, t: number, deflate: Deflate, chartDays?: number, posture?: (p: HeadPosture) => void): Promise<ServiceParts> =>
    keptPiece<ServiceParts>(
      partsKey(name),
      version,
      async () => {
        const reading = readClock(t);
        const head = await readServiceHead(store, name, reading, chartDays);
        if (head.posture) posture?.(head.posture);
        const [headHtml, scansHtml] = await Promise.all([serviceHeadHtml(head, reading), serviceScansHtml(head, reading)]);
        return { head: await deflate(headHtml), scans: await deflate(scansHtml), tools: scanTools(head.scans), at: t, until: reading.validUntil };
      },
      trueAt(t),
    );
  /** The open rows of a service another view rendered, if kept at `version` and their texts still hold at `at`. */
  const keptRows = (name: string, version: number, at: Date): KeptRows | undefined => {
    const kept = cache?.peek<KeptRows>(rowsKey(name), version);
    return kept && trueAt(at.getTime())(kept) ? kept : undefined;
  };
  /**
   * Keeps a view's open rows for the next views, from `at` until one of their texts changes; rows
   * with the sorts' orders take the place of the same rows kept without them.
   */
  const keepRows = async (name: string, version: number, rows: OpenRows, at: number, until: number): Promise<void> => {
    if (cache) await cache.get(rowsKey(name), version, () => ({ rows, at, until }), keptRowsSize, (k) => trueAt(at)(k) && (k.rows.ordered || !rows.ordered));
  };

  // Everything on a service page is that service's own (its findings with their triage, KEV and EPSS
  // columns as its own scans set them, its scans, posture and change): its version covers it.
  const serviceContent =
    (name: string, view: ServiceView): Render =>
    async (version, at, deflate, pause) => {
      // The head and scans still true now, kept or rendered now: the same bytes as rendered at `at`.
      const t = at.getTime();
      // With neither the head nor the chart kept, the chart's posture is read with the head
      // (PostgreSQL: one round trip less for a page nobody rendered).
      let posture: HeadPosture | undefined;
      const chartKept = cache?.peek<DeflatedPiece>(chartKey(name, view.days, new Date(t)), version) !== undefined;
      const parts = await serviceParts(name, version, t, deflate, chartKept ? undefined : view.days, (p) => (posture = p));
      // A parts render another request started a moment later may be the one joined: the view then takes its instant.
      const clock = readClock(Math.max(t, parts.at));
      await pause?.();
      // The chart kept for this day and window, or drawn alongside the view (its reads go with the view's).
      const chart = keptPiece(chartKey(name, view.days, clock), version, async () => deflate(await postureChartBytes(store, name, view.days, clock, posture)));
      // Awaited below; a failure while the view still renders must not count as unhandled.
      chart.catch(() => undefined);
      const kept = keptRows(name, version, clock);
      // A render ahead also learns every sort's order of the rows it keeps (three narrow statements nobody waits for).
      const v = await serviceViewParts(store, name, view, clock, parts.tools, { chart: CHART_SLOT, rows: ROWS_SLOT }, kept?.rows, cache ? KEPT_ROWS_MAX_BYTES : 0, pause ? deflate : undefined, pause ? undefined : deflate);
      const [beforeChart, afterChart] = slotted(v.html, CHART_SLOT, 'chart');
      // The rows in their slot, as UTF-8 (an empty table has none).
      const table = afterChart.includes(ROWS_SLOT) ? slotted(afterChart, ROWS_SLOT, 'rows') : undefined;
      // Rows already deflated go between the table's two halves, each deflated apart.
      const after = async () =>
        table && v.rowsPiece ? [await deflate(table[0]), v.rowsPiece, await deflate(table[1])] : [await deflate(table ? Buffer.concat([Buffer.from(table[0], 'utf8'), ...v.rows, Buffer.from(table[1], 'utf8')]) : afterChart)];
      // Rows read now hold from now as rendered; kept rows given the title order, as long as they already held.
      if (v.open) await keepRows(name, version, v.open, clock.getTime(), Math.min(clock.validUntil, kept?.until ?? Infinity));
      await pause?.();
      const chartPiece = await chart;
      return {
        pieces: [parts.head, await deflate(beforeChart), chartPiece, ...(await after()), parts.scans],
        shared: [parts.head, chartPiece, parts.scans, ...(table && v.rowsPiece ? [v.rowsPiece] : [])],
        at: clock.getTime(),
        until: Math.min(parts.until, clock.validUntil),
      };
    };

  // What page-warmer.ts renders ahead: the default views, which links and notifications open.
  const defaultOverview = OverviewQuery.parse({});
  const defaultService = ServiceQuery.parse({});
  warmer?.setTargets({
    overview: () => renderAhead(overviewKey(defaultOverview), overviewContent(defaultOverview), globalVersion),
    service: async (name) => {
      if (await store.hasService(name)) await renderAhead(serviceKey(name, defaultService), serviceContent(name, defaultService), serviceVersion(name));
    },
    services: async () => {
      const rows = await cachedOverview(deps, now());
      return [...rows].sort((a, b) => b.open.critical - a.open.critical || b.open.high - a.open.high || b.openTotal - a.openTotal).map((r) => r.name);
    },
  });

  app.get('/', async (c) => {
    const q = OverviewQuery.safeParse(c.req.query());
    if (!q.success) return badRequest(c, q.error);
    return cachedPage(c, overviewKey(q.data), 'Services', now(), overviewContent(q.data), globalVersion);
  });

  app.get('/services/:name', async (c) => {
    const name = c.req.param('name');
    const q = ServiceQuery.safeParse(c.req.query());
    if (!q.success) return badRequest(c, q.error);
    const at = now();
    // The existence check is one indexed lookup; the service's figures are only read on a render.
    if (!(await store.hasService(name))) return notFound(c, `No service named “${name}”.`);
    return cachedPage(c, serviceKey(name, q.data), name, at, serviceContent(name, q.data), serviceVersion(name));
  });

  // The search form; a search goes to the id's own page (a link to share).
  app.get('/vulnerabilities', async (c) => {
    const id = (c.req.query('id') ?? '').trim();
    if (id === '') {
      // The landing view: what is open and exploited (KEV) or likely to be (EPSS), across services.
      const at = now();
      const [kev, scored] = await Promise.all([
        store.listFindings({ state: 'open', kev: true, sort: 'epss', limit: 500, offset: 0 }, at),
        store.listFindings({ state: 'open', epssMin: 0, sort: 'epss', limit: 500, offset: 0 }, at),
      ]);
      // Suppressed and triaged findings are left out, as from every open count.
      const counted = (r: (typeof kev.items)[number]) => !r.suppressed && !r.triage;
      const kevGroups = groupByVulnerability(kev.items.filter(counted), 30);
      const likelyGroups = groupByVulnerability(scored.items.filter((r) => counted(r) && !r.kev), 15);
      // Each row's services through every alias, as its own page counts them.
      await Promise.all(
        [...kevGroups, ...likelyGroups].map(async (g) => {
          const v = await store.findVulnerability(g.id, at);
          if (!v) return;
          const open = v.services.filter((x) => x.openTotal > 0);
          g.services = open.map((x) => x.service);
          g.findings = open.reduce((n, x) => n + x.openTotal, 0);
          g.slaBreached = open.some((x) => x.slaBreached);
        }),
      );
      return c.html(<VulnerabilitySearchPage viewer={viewerOf(c)!} kev={kevGroups} likely={likelyGroups} />);
    }
    const answer = await store.findVulnerability(id, now());
    if (!answer) {
      c.status(400);
      return c.html(<VulnerabilitySearchPage viewer={viewerOf(c)!} value={id.slice(0, 200)} error="That is not a vulnerability id (e.g. CVE-2021-44228, GHSA-jfh8-c2jp-5v3q, GO-2022-0001)." />);
    }
    return c.redirect(vulnerabilityHref(answer.id), 303);
  });

  app.get('/vulnerabilities/:id', async (c) => {
    const id = c.req.param('id');
    const answer = await store.findVulnerability(id, now());
    if (!answer) {
      c.status(400);
      return c.html(<VulnerabilitySearchPage viewer={viewerOf(c)!} value={id.slice(0, 200)} error="That is not a vulnerability id (e.g. CVE-2021-44228, GHSA-jfh8-c2jp-5v3q, GO-2022-0001)." />);
    }
    return c.html(<VulnerabilityPage viewer={viewerOf(c)!} v={answer} />);
  });
  return app;
}
