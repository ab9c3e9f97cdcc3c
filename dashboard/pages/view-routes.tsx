// The read pages: overview and service (the finding page, with its triage, is in triage-routes.tsx). Overview and service bodies go through the app's
// one cache (version-cache.ts): the content once per data version and minute for everyone, the
// finished gzipped page once per viewer.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Hono } from 'hono';
import { raw } from 'hono/html';
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../src/findings/finding.js';
import { cachedOverview } from '../cached-reads.js';
import { densifySeries } from '../components/charts.js';
import { neutraliseInvisibleText } from '../components/invisible-text.js';
import { Layout } from '../components/layout.js';
import type { AppEnv, RouteDeps } from '../deps.js';
import { STALE_AFTER_DAYS, type ReadStore } from '../store/types.js';
import { badRequest, notFound, viewerOf, type PageContext } from './context.js';
import { OVERVIEW_PAGE_SIZE, OverviewContent } from './overview.js';
import { WeekDaysSchema } from '../api/query.js';
import { DEFAULT_WEEK_DAYS, readWeek } from '../week-read.js';
import { CHART_WINDOWS, DEFAULT_CHART_DAYS, FINDING_STATES, ServiceContent } from './service.js';
import { FINDING_SORTS, OVERVIEW_SORTS, vulnerabilityHref } from './view-models.js';
import { groupByVulnerability, VulnerabilityPage, VulnerabilitySearchPage } from './vulnerability.js';

export const FINDINGS_PAGE_SIZE = 200;

/** Where a cached page's content goes in its viewer's frame (a constant, never from data). */
const CONTENT_SLOT = '<!--gatehouse:content-->';
const gzipAsync = promisify(gzip);

const OverviewQuery = z.object({
  sort: z.enum(OVERVIEW_SORTS).default('critical'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  q: z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().max(100).optional()),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  /** The window of "this week, at a glance" and the change column: 7 (default), 14 or 30 days. */
  days: WeekDaysSchema,
});

// An empty select ("all") arrives as "" and means no filter.
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const ServiceQuery = z.object({
  state: z.preprocess(blankToUndefined, z.enum(FINDING_STATES).default('open')),
  severity: z.preprocess(blankToUndefined, SeveritySchema.optional()),
  category: z.preprocess(blankToUndefined, CategorySchema.optional()),
  tool: z.preprocess(blankToUndefined, z.string().max(100).optional()),
  kev: z.preprocess(blankToUndefined, z.enum(['true', 'false']).optional()),
  epssMin: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(1).optional()),
  epssPercentileMin: z.preprocess(blankToUndefined, z.coerce.number().min(0).max(1).optional()),
  sort: z.enum(FINDING_SORTS).default('severity'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  days: z.coerce
    .number()
    .refine((d) => (CHART_WINDOWS as readonly number[]).includes(d), { message: `one of ${CHART_WINDOWS.join(', ')}` })
    .default(DEFAULT_CHART_DAYS),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export function createViewRoutes(deps: Pick<RouteDeps, 'now' | 'cache'> & { store: ReadStore }): Hono<AppEnv> {
  const { store, cache, now } = deps;
  const app = new Hono<AppEnv>();

  /**
   * A page with cached content (same data version and minute): from the gzip cache when the client
   * accepts gzip (every browser does), else assembled from the cached content. The body is sent as
   * bytes: a string body is scanned and UTF-8 encoded again on every request.
   */
  const cachedPage = async (c: PageContext, key: string, title: string, at: Date, render: (version: number) => Promise<unknown>): Promise<Response> => {
    const slot = `${key}|${Math.floor(at.getTime() / 60_000)}`;
    const version = await store.dataVersion();
    const renderContent = async () => String(await render(version));
    const viewer = viewerOf(c)!;
    const page = async () => {
      const [head, tail] = String(await (<Layout title={title} viewer={viewer} active="overview">{raw(CONTENT_SLOT)}</Layout>)).split(CONTENT_SLOT);
      // `content` is our own JSX output, already escaped.
      const content = cache ? await cache.get(`page|${slot}`, version, renderContent) : await renderContent();
      return neutraliseInvisibleText(head + content + tail);
    };
    if (!cache) return c.html(await page());
    const headers = { 'Content-Type': 'text/html; charset=UTF-8', Vary: 'Accept-Encoding' };
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      // The viewer frame is part of the key: names, roles and CSRF tokens never cross sessions.
      const frameKey = `${viewer.tokenId}|${viewer.csrfToken}`;
      // gzip runs on libuv's thread pool, so other requests go on meanwhile.
      const gz = await cache.get(`gz|${frameKey}|${slot}`, version, async () => gzipAsync(await page()));
      return c.body(gz as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(Buffer.from(await page()) as Uint8Array<ArrayBuffer>, 200, headers);
  };

  app.get('/', async (c) => {
    const q = OverviewQuery.safeParse(c.req.query());
    if (!q.success) return badRequest(c, q.error);
    const at = now();
    const { sort, dir, q: filter, page, days } = q.data;
    return cachedPage(c, `overview|${JSON.stringify([sort, dir, filter, page, days])}`, 'Services', at, async (version) => (
      <OverviewContent
        rows={await cachedOverview(deps, at, version)}
        week={await readWeek(deps, at, days, undefined, version)}
        sort={sort}
        dir={dir}
        filter={filter}
        page={page}
        pageSize={OVERVIEW_PAGE_SIZE}
        now={at}
        staleAfterDays={STALE_AFTER_DAYS}
      />
    ));
  });

  app.get('/services/:name', async (c) => {
    const name = c.req.param('name');
    const q = ServiceQuery.safeParse(c.req.query());
    if (!q.success) return badRequest(c, q.error);
    const at = now();
    // The existence check is one indexed lookup; the service's figures are only read on a render.
    if (!(await store.hasService(name))) return notFound(c, `No service named “${name}”.`);
    const { state, severity, category, tool, kev, epssMin, epssPercentileMin, sort, dir, days, page } = q.data;
    return cachedPage(c, `service|${JSON.stringify([name, q.data])}`, name, at, async () => {
      const to = at.toISOString().slice(0, 10);
      const from = new Date(at.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
      const [service, posture, findings, scans, changes] = await Promise.all([
        store.getService(name, at),
        store.postureSeries(name, { from, to }),
        store.listFindings(
          {
            service: name,
            severity,
            category,
            tool,
            state,
            kev: kev === undefined ? undefined : kev === 'true',
            epssMin,
            epssPercentileMin,
            sort,
            order: dir,
            limit: FINDINGS_PAGE_SIZE,
            offset: (page - 1) * FINDINGS_PAGE_SIZE,
          },
          at,
        ),
        store.listScans(name, 20),
        store.serviceChanges(new Date(at.getTime() - DEFAULT_WEEK_DAYS * 86_400_000).toISOString(), name),
      ]);
      if (!service) throw new Error(`service ${name} vanished while its page was rendered`);
      const series = densifySeries(posture.map((p) => ({ day: p.day, counts: p })), from, to);
      const tools = [...new Set([...scans.flatMap((s) => s.scanners.filter((r) => r.status === 'ok' || r.status === 'imported' || r.status === 'error').map((r) => r.tool)), ...findings.items.map((f) => f.tool), ...(tool ? [tool] : [])])].sort();
      return (
        <ServiceContent
          service={service}
          series={series}
          days={days}
          findings={findings.items}
          findingTotal={findings.total}
          page={page}
          pageSize={FINDINGS_PAGE_SIZE}
          filters={{ state, severity, category, tool, kev, epssMin, epssPercentileMin }}
          tools={tools}
          sort={sort}
          dir={dir}
          scans={scans}
          sla={store.sla}
          now={at}
          change={changes[0]}
          changeDays={DEFAULT_WEEK_DAYS}
        />
      );
    });
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
