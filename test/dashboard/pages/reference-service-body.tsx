// The reference render of a service page's body, for tests only: the slower, simpler render the
// server's path is compared against (service-views.test.tsx). It reads the head, one page of
// findings and the posture apart and renders the body as one piece, with none of what the server
// does to render a view cheaply: no head, scans or chart kept per service version, no open rows kept
// and picked in each sort's order (page-bodies.tsx OpenRows), no pieces deflated apart. The server
// renders through serviceViewParts and serviceHeadHtml (view-routes.tsx); served-service-body.ts
// is that path without a cache.
import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { densifySeries, type ChartDay } from '../../../dashboard/components/charts.js';
import { chartWindow, FINDINGS_PAGE_SIZE, readServiceHead, scanTools, type ServiceView } from '../../../dashboard/pages/page-bodies.js';
import {
  findingRowHtml,
  serviceHeadContentHtml,
  ServiceScansContent,
  serviceViewHtml,
  type FindingStateFilter,
  type ServicePageProps,
  type ServiceViewProps,
} from '../../../dashboard/pages/service.js';
import type { FindingFilter, FindingRow, ReadStore } from '../../../dashboard/store/types.js';
import { DEFAULT_WEEK_DAYS } from '../../../dashboard/week-read.js';

/** The findings table's rows as one string. */
export function findingRowsHtml(findings: FindingRow[], state: FindingStateFilter): string {
  let out = '';
  for (const f of findings) out += findingRowHtml(f, state);
  return out;
}

const ServiceHeadContent: FC<Pick<ServicePageProps, 'service' | 'now' | 'change' | 'changeDays'>> = (p) => raw(serviceHeadContentHtml(p));
const ServiceViewContent: FC<ServiceViewProps> = (p) => raw(serviceViewHtml(p));

/** A service body as one piece: its head, the view of its posture and findings, its recent scans. */
export const ServiceContent: FC<ServicePageProps> = (p) => (
  <>
    <ServiceHeadContent service={p.service} now={p.now} change={p.change} changeDays={p.changeDays} />
    <ServiceViewContent
      name={p.service.name}
      series={p.series}
      chart={p.chart}
      days={p.days}
      rows={{ count: p.findings.length, html: findingRowsHtml(p.findings, p.filters.state ?? 'open') }}
      findingTotal={p.findingTotal}
      page={p.page}
      pageSize={p.pageSize}
      filters={p.filters}
      tools={p.tools}
      sort={p.sort}
      dir={p.dir}
    />
    <ServiceScansContent scans={p.scans} now={p.now} />
  </>
);

/** The findings filter of a view: one page of FINDINGS_PAGE_SIZE. */
function findingFilter(name: string, view: ServiceView): FindingFilter {
  const { state, severity, category, tool, kev, epssMin, epssPercentileMin, sort, dir, page } = view;
  return {
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
  };
}

/** The posture the body draws, densified over the view's window. */
async function viewSeries(store: ReadStore, name: string, days: number, at: Date): Promise<ChartDay[]> {
  const window = chartWindow(days, at);
  return densifySeries((await store.postureSeries(name, window)).map((p) => ({ day: p.day, counts: p })), window.from, window.to);
}

/**
 * A service page's body as one piece, rendered the simple way. `chart`: the chart's markup to put in
 * its place, so the body reads and draws no posture.
 */
export async function referenceServiceBody(store: ReadStore, name: string, view: ServiceView, at: Date, chart?: string) {
  chartWindow(view.days, at);
  const [head, read, series] = await Promise.all([
    readServiceHead(store, name, at),
    store.listFindings(findingFilter(name, view), at, true),
    chart === undefined ? viewSeries(store, name, view.days, at) : [],
  ]);
  const { state, severity, category, tool, kev, epssMin, epssPercentileMin, sort, dir, days, page } = view;
  return (
    <ServiceContent
      service={head.service}
      series={series}
      chart={chart}
      findings={read.items}
      findingTotal={read.total}
      days={days}
      page={page}
      pageSize={FINDINGS_PAGE_SIZE}
      filters={{ state, severity, category, tool, kev, epssMin, epssPercentileMin }}
      tools={[...new Set([...scanTools(head.scans), ...read.items.map((f) => f.tool), ...(tool ? [tool] : [])])].sort()}
      sort={sort}
      dir={dir}
      scans={head.scans}
      sla={store.sla}
      now={at}
      change={head.change}
      changeDays={DEFAULT_WEEK_DAYS}
    />
  );
}
