// The bodies of the overview and service pages: what their reads are and how they render, apart
// from the cache that keeps them (view-routes.tsx), so the bench and the tests render one directly.
import { z } from 'zod';
import { CategorySchema, SeveritySchema } from '../../src/findings/finding.js';
import { cachedOverview } from '../cached-reads.js';
import { densifySeries, PostureChart } from '../components/charts.js';
import type { RouteDeps } from '../deps.js';
import { ClockReading, nextDayTurn, noteChange, noteMinute } from '../clock-reading.js';
import { STALE_AFTER_DAYS, type ReadStore } from '../store/types.js';
import { changeTurn } from '../store/week.js';
import { OVERVIEW_PAGE_SIZE, OverviewContent } from './overview.js';
import { WeekDaysSchema } from '../api/query.js';
import { DEFAULT_WEEK_DAYS, readWeek } from '../week-read.js';
import { CHART_WINDOWS, DEFAULT_CHART_DAYS, FINDING_STATES, postureChartLabel, ServiceContent, ServiceHeadContent, ServiceScansContent, ServiceViewContent } from './service.js';
import type { ScanSummary, ServiceDetail } from '../store/types.js';
import type { ServiceChange } from '../store/week.js';
import { FINDING_SORTS, OVERVIEW_SORTS } from './view-models.js';

export const FINDINGS_PAGE_SIZE = 200;

export const OverviewQuery = z.object({
  sort: z.enum(OVERVIEW_SORTS).default('critical'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  q: z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().max(100).optional()),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  /** The window of "this week, at a glance" and the change column: 7 (default), 14 or 30 days. */
  days: WeekDaysSchema,
});
export type OverviewView = z.infer<typeof OverviewQuery>;

// An empty select ("all") arrives as "" and means no filter.
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
export const ServiceQuery = z.object({
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
export type ServiceView = z.infer<typeof ServiceQuery>;

/**
 * The overview body. It keeps the minute rule (clock-reading.ts): its rows may come from the
 * overview computed up to a period before (cached-reads.ts), "this week" counts events leaving its
 * window at any instant, and 500 services' last scans make some age move every few minutes anyway.
 */
export async function renderOverviewBody(deps: Pick<RouteDeps, 'cache'> & { store: ReadStore }, view: OverviewView, at: Date, version?: number) {
  noteMinute(at);
  return (
    <OverviewContent
      rows={await cachedOverview(deps, at, version)}
      week={await readWeek(deps, at, view.days, undefined, version)}
      sort={view.sort}
      dir={view.dir}
      filter={view.q}
      page={view.page}
      pageSize={OVERVIEW_PAGE_SIZE}
      now={at}
      staleAfterDays={STALE_AFTER_DAYS}
    />
  );
}


/** The days a service page's chart shows at `at` (YYYY-MM-DD, UTC). */
export function chartWindow(days: number, at: Date): { from: string; to: string } {
  noteChange(at, nextDayTurn(at.getTime()));
  return { from: new Date(at.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10), to: at.toISOString().slice(0, 10) };
}

/**
 * The posture chart of a service page as markup: the same bytes the body renders in its place. It
 * depends only on the service's data (its version) and the days of its window, not on the clock
 * within a day nor on the findings table's sort, filters or page.
 */
export async function postureChartHtml(store: ReadStore, name: string, days: number, at: Date): Promise<string> {
  const { from, to } = chartWindow(days, at);
  const posture = await store.postureSeries(name, { from, to });
  const series = densifySeries(posture.map((p) => ({ day: p.day, counts: p })), from, to);
  return String(await (<PostureChart series={series} label={postureChartLabel(name, days)} />));
}

/** What a service body shows besides its view: the service, its recent scans, its change over the last week. */
export interface ServiceHeadData {
  service: ServiceDetail;
  scans: ScanSummary[];
  change: ServiceChange | undefined;
}

/** The reads of a service body's head and scans (the same for every view of the page at `at`). */
export async function readServiceHead(store: ReadStore, name: string, at: Date): Promise<ServiceHeadData> {
  const changeSince = new Date(at.getTime() - DEFAULT_WEEK_DAYS * 86_400_000).toISOString();
  const [service, scans, changes, turn] = await Promise.all([
    store.getService(name, at),
    store.listScans(name, 20),
    store.serviceChanges(changeSince, name),
    // A render kept until its text changes also learns when the change line moves (clock-reading.ts).
    at instanceof ClockReading ? store.serviceChangeTurn(changeSince, name) : undefined,
  ]);
  if (!service) throw new Error(`service ${name} vanished while its page was rendered`);
  if (turn) noteChange(at, changeTurn(turn, DEFAULT_WEEK_DAYS * 86_400_000));
  return { service, scans, change: changes[0] };
}

/** The tools a service's filter offers from its recent scans (a view adds those of its rows and its filter). */
export function scanTools(scans: ScanSummary[]): string[] {
  return [...new Set(scans.flatMap((s) => s.scanners.filter((r) => r.status === 'ok' || r.status === 'imported' || r.status === 'error').map((r) => r.tool)))];
}

/** The head of a service body as markup (ServiceHeadContent). */
export async function serviceHeadHtml(head: ServiceHeadData, at: Date): Promise<string> {
  return String(await (<ServiceHeadContent service={head.service} now={at} change={head.change} changeDays={DEFAULT_WEEK_DAYS} />));
}

/** The recent scans of a service body as markup (ServiceScansContent). */
export async function serviceScansHtml(head: ServiceHeadData, at: Date): Promise<string> {
  return String(await (<ServiceScansContent scans={head.scans} now={at} />));
}

/** What a view reads: its findings page, and the posture unless its chart is drawn apart. */
async function readServiceView(store: ReadStore, name: string, view: ServiceView, at: Date, withPosture: boolean) {
  const { state, severity, category, tool, kev, epssMin, epssPercentileMin, sort, dir, days, page } = view;
  const { from, to } = chartWindow(days, at);
  const [findings, posture] = await Promise.all([
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
    withPosture ? store.postureSeries(name, { from, to }) : [],
  ]);
  return { findings, series: withPosture ? densifySeries(posture.map((p) => ({ day: p.day, counts: p })), from, to) : [] };
}

/** A view's part of the body (ServiceViewContent) from its reads and the tools the scans offer. */
function serviceView(name: string, view: ServiceView, read: Awaited<ReturnType<typeof readServiceView>>, fromScans: string[], chart: string | undefined) {
  const { state, severity, category, tool, kev, epssMin, epssPercentileMin, sort, dir, days, page } = view;
  const tools = [...new Set([...fromScans, ...read.findings.items.map((f) => f.tool), ...(tool ? [tool] : [])])].sort();
  return {
    name,
    series: read.series,
    chart,
    days,
    findings: read.findings.items,
    findingTotal: read.findings.total,
    page,
    pageSize: FINDINGS_PAGE_SIZE,
    filters: { state, severity, category, tool, kev, epssMin, epssPercentileMin },
    tools,
    sort,
    dir,
  };
}

/**
 * A view's part of a service body as markup, at the clock of the head it goes with: `fromScans` is
 * scanTools of that head's scans, `chart` the chart's markup (or a slot for it), drawn apart.
 */
export async function serviceViewHtml(store: ReadStore, name: string, view: ServiceView, at: Date, fromScans: string[], chart: string): Promise<string> {
  const props = serviceView(name, view, await readServiceView(store, name, view, at, false), fromScans, chart);
  return String(await (<ServiceViewContent {...props} />));
}

/**
 * A service page's body as one piece. `chart`: the chart's markup to put in its place
 * (postureChartHtml of the same service, days and day), so the body reads and draws no posture.
 */
export async function renderServiceBody(store: ReadStore, name: string, view: ServiceView, at: Date, chart?: string) {
  const [head, read] = await Promise.all([readServiceHead(store, name, at), readServiceView(store, name, view, at, chart === undefined)]);
  const v = serviceView(name, view, read, scanTools(head.scans), chart);
  return (
    <ServiceContent
      service={head.service}
      series={v.series}
      chart={v.chart}
      days={v.days}
      findings={v.findings}
      findingTotal={v.findingTotal}
      page={v.page}
      pageSize={v.pageSize}
      filters={v.filters}
      tools={v.tools}
      sort={v.sort}
      dir={v.dir}
      scans={head.scans}
      sla={store.sla}
      now={at}
      change={head.change}
      changeDays={DEFAULT_WEEK_DAYS}
    />
  );
}
