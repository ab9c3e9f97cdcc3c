// The read pages: overview and service (the finding page, with its triage, is in triage-routes.tsx).
// Overview and service bodies go through the app's one cache (version-cache.ts): rendered and
// deflated once per data version for everyone (ages follow the clock within CLOCK_LAG_MS), framed
// per viewer on each request (gzip-join.ts), and rendered ahead of their first visit after an
// ingest or a start (page-warmer.ts).
import { Hono } from 'hono';
import { raw } from 'hono/html';
import { cachedOverview } from '../cached-reads.js';
import { neutralisedUtf8 } from '../components/invisible-text.js';
import { Layout } from '../components/layout.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import type { ReadStore } from '../store/types.js';
import { AHEAD_LEVEL, deflatePiece, deflatePieceSync, inflatePiece, joinGzip, WAITED_LEVEL, type DeflatedPiece } from './gzip-join.js';
import { badRequest, notFound, viewerOf, type PageContext } from './context.js';
import { chartWindow, OverviewQuery, postureChartHtml, renderOverviewBody, renderServiceBody, ServiceQuery, type OverviewView, type ServiceView } from './page-bodies.js';
import { vulnerabilityHref } from './view-models.js';
import { groupByVulnerability, VulnerabilityPage, VulnerabilitySearchPage } from './vulnerability.js';

export { FINDINGS_PAGE_SIZE } from './page-bodies.js';

/** Where a cached page's content goes in its viewer's frame (a constant, never from data). */
const CONTENT_SLOT = '<!--gatehouse:content-->';
/** Where the page title goes in the frame (a constant: JSX escaping leaves it as it is). */
const TITLE_SLOT = 'gatehouse-title-slot';

/**
 * Ages and SLA days on a cached page follow the clock it was rendered with: a copy from an earlier
 * minute (same data version) is served while a fresh one renders in the background, up to this
 * lag; an older copy is rendered again before answering. Data never lags: a new data version is
 * always rendered before it is served.
 */
export const CLOCK_LAG_MS = 5 * 60_000;

/** Where a service body's posture chart goes until its own piece takes the place (a constant comment: escaped text never makes one). */
const CHART_SLOT = '<!--gatehouse:chart-->';

/**
 * A page body as cached: deflated once for every viewer, with the clock it was rendered at. A
 * service body may be three pieces, its chart apart: the chart is kept per service version, day and
 * window, and shared by the page's other views (another sort, filter or page of its findings then
 * reads, draws and deflates no chart). The default view (rendered ahead, opened by links) keeps its
 * chart; another view uses a kept one, else renders as one piece (splitting costs a view nobody
 * shares about 0.5 ms).
 */
interface CachedContent {
  pieces: DeflatedPiece[];
  at: number;
}

/**
 * A body's piece kept apart, for a render at `at`: its cache key, how to render its markup (the body
 * then has CHART_SLOT in its place), and whether this body makes it when none is kept.
 */
type SharedPiece = (at: Date) => { key: string; render: () => Promise<string>; make: boolean };

const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** Cache keys of the page bodies (the same for a request and for a render ahead of it). */
const overviewKey = (v: OverviewView) => `page|overview|${JSON.stringify([v.sort, v.dir, v.q, v.page, v.days])}`;
const serviceKey = (name: string, v: ServiceView) => `page|service|${JSON.stringify([name, v])}`;
const chartKey = (name: string, days: number, at: Date) => `piece|chart|${JSON.stringify([name, days, chartWindow(days, at).to])}`;

export function createViewRoutes(deps: Pick<RouteDeps, 'now' | 'cache' | 'warmer'> & { store: ReadStore }): Hono<AppEnv> {
  const { store, cache, now, warmer } = deps;
  const app = new Hono<AppEnv>();
  /** `slot`: markup to put in place of the shared piece (service bodies). */
  type Render = (version: number, at: Date, slot?: string) => Promise<unknown>;
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
  const renderContent = async (render: Render, version: number, at: Date, pause?: () => Promise<void>, shared?: SharedPiece): Promise<CachedContent> => {
    await pause?.();
    // A render ahead (nobody waits): on the thread pool, at level 6. One a request waits for: in
    // this thread at level 1, a third of the CPU (gzip-join.ts). Invisible characters are looked
    // for in the bytes (invisible-text.ts): a page is encoded anyway.
    const deflate = (text: string) => (pause ? deflatePiece(neutralisedUtf8(text), AHEAD_LEVEL) : deflatePieceSync(neutralisedUtf8(text), WAITED_LEVEL));
    const part = shared?.(at);
    const kept = part && cache ? cache.peek<DeflatedPiece>(part.key, version) : undefined;
    if (!part || (!kept && !part.make)) {
      const html = String(await render(version, at));
      await pause?.();
      return { pieces: [await deflate(html)], at: at.getTime() };
    }
    // The kept piece, or one rendered alongside the body (its reads go with the body's).
    const piece = kept ?? sharedPiece(part, version, deflate);
    // Awaited below; a failure while the body still renders must not count as unhandled.
    if (piece instanceof Promise) piece.catch(() => undefined);
    const parts = String(await render(version, at, CHART_SLOT)).split(CHART_SLOT);
    if (parts.length !== 2) throw new Error(`a service body holds ${parts.length - 1} chart slots, not one`);
    await pause?.();
    // The part before the chart is a few KiB (heading, summary, stats): deflated here, not worth a thread-pool trip.
    return { pieces: await Promise.all([deflatePieceSync(neutralisedUtf8(parts[0]), pause ? AHEAD_LEVEL : WAITED_LEVEL), piece, deflate(parts[1])]), at: at.getTime() };
  };
  /** A shared piece at the data version of the body it goes in (the same service's), deflated as that body. */
  const sharedPiece = async (shared: { key: string; render: () => Promise<string> }, version: number, deflate: (text: string) => DeflatedPiece | Promise<DeflatedPiece>): Promise<DeflatedPiece> => {
    const make = async () => deflate(await shared.render());
    return cache ? cache.get(shared.key, version, make, (p) => p.deflated.length + 200) : make();
  };
  const contentSize = (v: CachedContent) => v.pieces.reduce((n, p) => n + p.deflated.length, 200);

  /** Renders `key` into the cache at the data version and clock of now, unless a copy of this minute is there. */
  const renderAhead = async (key: string, render: Render, versionOf: VersionOf, shared?: SharedPiece): Promise<void> => {
    if (!cache) return;
    const version = await versionOf();
    const at = now();
    // Requests in flight go first between the render's steps, unless one of them waits for it.
    const pause = warmer ? () => warmer.yieldToRequests(() => cache.awaited(key)) : undefined;
    await cache.get(key, version, () => renderContent(render, version, at, pause, shared), contentSize, (v) => minuteOf(v.at) === minuteOf(at.getTime()));
  };

  /** The body of `key` at the current data version: cached, or rendered now. */
  const contentOf = async (key: string, at: Date, render: Render, versionOf: VersionOf, shared?: SharedPiece): Promise<CachedContent> => {
    const version = await versionOf();
    if (!cache) return renderContent(render, version, at, undefined, shared);
    const t = at.getTime();
    const usable = (v: CachedContent) => v.at <= t && t - v.at < CLOCK_LAG_MS;
    const hit = cache.peek<CachedContent>(key, version);
    if (hit && usable(hit)) {
      // Ages from an earlier minute: served now, rendered again in the background.
      if (minuteOf(hit.at) !== minuteOf(t)) warmer?.enqueue(key, () => renderAhead(key, render, versionOf, shared));
      return hit;
    }
    return cache.get(key, version, () => renderContent(render, version, at, undefined, shared), contentSize, usable);
  };

  /**
   * A page: the viewer's frame (top bar, CSRF token; cached per session) and the title around the
   * cached body. A client that accepts gzip (every browser) gets the pieces' deflate streams joined
   * into one gzip member, so a request compresses nothing but its frame, once.
   */
  const cachedPage = async (c: PageContext, key: string, title: string, at: Date, render: Render, versionOf: VersionOf, shared?: SharedPiece): Promise<Response> => {
    const viewer = viewerOf(c)!;
    const content = await contentOf(key, at, render, versionOf, shared);
    // The viewer is part of the key: names, roles and CSRF tokens never cross sessions. The title
    // is not: a first visit of each service would render and deflate a whole frame for its name.
    const frameKey = `frame|${viewer.tokenId}|${viewer.csrfToken}`;
    const makeFrame = async () => {
      const [head, tail] = String(await (<Layout title={TITLE_SLOT} viewer={viewer} active="overview">{raw(CONTENT_SLOT)}</Layout>)).split(CONTENT_SLOT);
      const [beforeTitle, afterTitle] = head.split(TITLE_SLOT);
      return [beforeTitle, afterTitle, tail].map((piece) => deflatePieceSync(neutralisedUtf8(piece)));
    };
    const frame = cache ? await cache.get(frameKey, 0, makeFrame, (f) => f.reduce((n, p) => n + p.deflated.length, 200)) : await makeFrame();
    // The title as the frame would show it (escaped text), shared by every viewer.
    const makeTitle = async () => deflatePieceSync(neutralisedUtf8(String(await (<>{title}</>))));
    const titlePiece = cache ? await cache.get(`title|${title}`, 0, makeTitle, (p) => p.deflated.length + title.length + 100) : await makeTitle();
    const pieces = [frame[0], titlePiece, frame[1], ...content.pieces, frame[2]];
    const headers = { 'Content-Type': 'text/html; charset=UTF-8', Vary: 'Accept-Encoding' };
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      return c.body(joinGzip(pieces) as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    const page = pieces.map(inflatePiece).join('');
    return c.body(Buffer.from(page) as Uint8Array<ArrayBuffer>, 200, headers);
  };

  const overviewContent = (view: OverviewView): Render => (version, at) => renderOverviewBody(deps, view, at, version);
  // Everything on a service page is that service's own (its findings with their triage, KEV and EPSS
  // columns as its own scans set them, its scans, posture and change): its version covers it.
  // The chart goes in as its own piece (CHART_SLOT in the body), shared by the page's views of the same days.
  const serviceContent = (name: string, view: ServiceView): Render => (_version, at, slot) => renderServiceBody(store, name, view, at, slot);
  const serviceChart = (name: string, view: ServiceView): SharedPiece => (at) => ({
    key: chartKey(name, view.days, at),
    render: () => postureChartHtml(store, name, view.days, at),
    make: serviceKey(name, view) === serviceKey(name, defaultService),
  });

  // What page-warmer.ts renders ahead: the default views, which links and notifications open.
  const defaultOverview = OverviewQuery.parse({});
  const defaultService = ServiceQuery.parse({});
  warmer?.setTargets({
    overview: () => renderAhead(overviewKey(defaultOverview), overviewContent(defaultOverview), globalVersion),
    service: async (name) => {
      if (await store.hasService(name)) await renderAhead(serviceKey(name, defaultService), serviceContent(name, defaultService), serviceVersion(name), serviceChart(name, defaultService));
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
    return cachedPage(c, serviceKey(name, q.data), name, at, serviceContent(name, q.data), serviceVersion(name), serviceChart(name, q.data));
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

/** Whether an Accept-Encoding header allows gzip (`gzip` or `*`, without `;q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
