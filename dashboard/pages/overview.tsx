// The overview: every service on one screen, worst first by default, so a security lead sees on
// Monday morning which service has open critical findings, which breaches its SLA and which has not
// been scanned for a while.
import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { sparklineHtml } from '../components/charts.js';
import { esc } from '../components/html-text.js';
import { countOf, formatAge, formatDateTime, nounFor, queryString } from '../components/format.js';
import { SortHeader } from '../components/layout.js';
import type { SeverityCounts } from '../components/severity.js';
import type { ServiceOverview } from '../store/types.js';
import type { ServiceChange, WeekResponse } from '../store/week.js';
import { DEFAULT_WEEK_DAYS } from '../week-read.js';
import { type OverviewSort } from './view-models.js';
import { serviceHref } from '../components/hrefs.js';
import { changeCell, WeekAtAGlance } from './week.js';

type ServiceRow = ServiceOverview;

interface OverviewProps {
  rows: ServiceRow[];
  sort: OverviewSort;
  dir: 'asc' | 'desc';
  now: Date;
  staleAfterDays: number;
  /** Only services whose name contains this (case-insensitive). */
  filter?: string;
  /** 1-based page of the table; `pageSize` rows per page (default: every row). */
  page?: number;
  pageSize?: number;
  /**
   * "This week, at a glance" over its window (shown above the table when given and there are
   * services); its per-service changes fill the table's change column.
   */
  week?: WeekResponse;
}

/**
 * Rows per overview page. 500 rows with a sparkline each are 575 KiB of HTML that Chromium takes
 * 0.2-0.6 s to lay out (measured); nobody reads past the worst hundred, and the summary cards
 * still count every service.
 */
export const OVERVIEW_PAGE_SIZE = 100;

const GATE_RANK = { 'scanner-error': 2, failed: 3, passed: 0 } as const;

/** Sorts rows by a column; ties fall back to the worst posture, then the name. */
function sortServiceRows(rows: ServiceRow[], sort: OverviewSort, dir: 'asc' | 'desc'): ServiceRow[] {
  const worst = (a: ServiceRow, b: ServiceRow) =>
    b.open.critical - a.open.critical || b.open.high - a.open.high || b.slaBreaches - a.slaBreaches || a.name.localeCompare(b.name);
  const key = (r: ServiceRow): number | string => {
    switch (sort) {
      case 'name':
        return r.name;
      case 'critical':
      case 'high':
      case 'medium':
      case 'low':
        return r.open[sort];
      case 'open':
        return r.openTotal;
      case 'lastScan':
        return r.lastScanAt ? Date.parse(r.lastScanAt) : 0;
      case 'sla':
        return r.slaBreaches;
      case 'gate':
        return r.lastGate ? GATE_RANK[r.lastGate] : 1;
    }
  };
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = typeof ka === 'string' && typeof kb === 'string' ? ka.localeCompare(kb) : (ka as number) - (kb as number);
    return c !== 0 ? sign * c : worst(a, b);
  });
}

/** The page in its frame (tests, and any caller without a cache). */
/** The page body: the same for every viewer, so routes.tsx can cache it per data version. */
export const OverviewContent: FC<OverviewProps> = ({ rows: allRows, sort, dir, now, staleAfterDays, filter, page = 1, pageSize, week }) => {
  // A service that left its repository (store/retire.ts) is named below the table, out of the totals.
  const rows = allRows.filter((r) => r.retired === undefined);
  const retired = allRows.filter((r) => r.retired !== undefined);
  // The window travels with every link of the page (the default is left out of the URL).
  const days = week && week.days !== DEFAULT_WEEK_DAYS ? week.days : undefined;
  const changes = week ? new Map(week.services.map((c) => [c.service, c])) : undefined;
  const totals = rows.reduce(
    (acc, r) => {
      acc.critical += r.open.critical;
      acc.high += r.open.high;
      acc.sla += r.slaBreaches;
      if (r.stale) acc.stale += 1;
      if (r.lastGate && r.lastGate !== 'passed') acc.failing += 1;
      return acc;
    },
    { critical: 0, high: 0, sla: 0, stale: 0, failing: 0 },
  );
  const needle = filter?.toLowerCase();
  const matching = needle ? rows.filter((r) => r.name.toLowerCase().includes(needle)) : rows;
  const size = pageSize ?? Math.max(1, matching.length);
  const pages = Math.max(1, Math.ceil(matching.length / size));
  const current = Math.min(page, pages);
  // Sorting changes the order, so it starts again at page 1; the filter is kept.
  const href = (column: string, d: 'asc' | 'desc') => `/${queryString({ sort: column, dir: d, q: filter, days })}`;
  const pageHref = (n: number) => `/${queryString({ sort, dir, q: filter, days, page: n === 1 ? undefined : n })}`;
  const shown = sortServiceRows(matching, sort, dir).slice((current - 1) * size, current * size);
  return (
    <>
      <h1>Services</h1>
      <section class="cards" aria-label="Summary">
        <Card label={nounFor(rows.length, 'service')} value={rows.length} />
        <Card label="open critical" value={totals.critical} tone={totals.critical > 0 ? 'sev-critical' : undefined} />
        <Card label="open high" value={totals.high} tone={totals.high > 0 ? 'sev-high' : undefined} />
        <Card label={nounFor(totals.sla, 'SLA breach', 'SLA breaches')} value={totals.sla} tone={totals.sla > 0 ? 'bad' : undefined} />
        <Card label={`stale (no snapshot in ${countOf(staleAfterDays, 'day')})`} value={totals.stale} tone={totals.stale > 0 ? 'warn' : undefined} />
        <Card label="default-branch gate failing" value={totals.failing} tone={totals.failing > 0 ? 'bad' : undefined} />
      </section>
      <p class="muted small overview-note">
        Counts and gates come from each service's latest default-branch snapshot. Pull-request scans have their own view: <a href="/pulls">pull requests</a>.
      </p>
      {week && rows.length > 0 ? <WeekAtAGlance week={week} now={now} keep={{ sort: sort === 'critical' ? undefined : sort, dir: dir === 'desc' ? undefined : dir, q: filter }} /> : null}
      {rows.length === 0 ? (
        <p class="empty-state">
          No scans yet. Push a scan report with <code>POST /api/v1/scans</code> (an ingest token) and services appear here.
        </p>
      ) : (
        <>
          <form class="filters" method="get" action="/">
            <label>
              Service name contains
              <input type="search" name="q" value={filter ?? ''} maxlength={100} />
            </label>
            <input type="hidden" name="sort" value={sort} />
            <input type="hidden" name="dir" value={dir} />
            {days ? <input type="hidden" name="days" value={String(days)} /> : null}
            <button type="submit">Filter</button>
            {filter ? <a href={`/${queryString({ sort, dir, days })}`}>clear</a> : null}
          </form>
          {matching.length === 0 ? (
            <p class="empty-state">No service name contains “{filter}”.</p>
          ) : (
            <table class="data overview">
              <thead>
                <tr>
                  <SortHeader label="Service" column="name" current={sort} dir={dir} href={href} />
                  <SortHeader label="Critical" column="critical" current={sort} dir={dir} href={href} numeric />
                  <SortHeader label="High" column="high" current={sort} dir={dir} href={href} numeric />
                  <SortHeader label="Medium" column="medium" current={sort} dir={dir} href={href} numeric />
                  <SortHeader label="Low" column="low" current={sort} dir={dir} href={href} numeric />
                  <SortHeader label="Open" column="open" current={sort} dir={dir} href={href} numeric />
                  <th>{`Trend (${rows[0]?.trend.length ?? 30} d)`}</th>
                  {changes ? <th>{`Change (${week!.days} d)`}</th> : null}
                  <SortHeader label="Last scan" column="lastScan" current={sort} dir={dir} href={href} worstFirst={false} />
                  <SortHeader label="Gate (default branch)" column="gate" current={sort} dir={dir} href={href} worstFirst />
                  <SortHeader label="SLA breaches" column="sla" current={sort} dir={dir} href={href} numeric />
                </tr>
              </thead>
              <tbody>{raw(shown.map((r) => serviceRowHtml(r, now, staleAfterDays, changes, week?.days ?? DEFAULT_WEEK_DAYS)).join(''))}</tbody>
            </table>
          )}
          {pages > 1 ? (
            <p class="pager">
              {current > 1 ? <a href={pageHref(current - 1)}>← previous</a> : null}
              <span class="muted">
                {' '}
                {(current - 1) * size + 1}–{Math.min(current * size, matching.length)} of {matching.length} services{' '}
              </span>
              {current < pages ? <a href={pageHref(current + 1)}>next →</a> : null}
            </p>
          ) : null}
        </>
      )}
      {retired.length > 0 ? (
        <p class="muted small retired-services">
          {`Retired (a snapshot of their repository no longer held them; their open findings are not counted above): `}
          {retired.map((r, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <a href={serviceHref(r.name)}>{r.name}</a>
              {` (${r.retired!.repository}, since ${formatDateTime(r.retired!.at)}, ${r.openTotal} open)`}
            </>
          ))}
        </p>
      ) : null}
    </>
  );
};

const Card: FC<{ label: string; value: number; tone?: string }> = ({ label, value, tone }) => (
  <div class={`card ${tone ?? ''}`}>
    <div class="card-value">{value}</div>
    <div class="card-label">{label}</div>
  </div>
);

/**
 * One row as a string, every value escaped with `esc` (as JSX would): the overview of hundreds of
 * services renders several times faster this way than as JSX elements or with the `html` tag.
 */
export function serviceRowHtml(row: ServiceRow, now: Date, staleAfterDays: number, changes: ReadonlyMap<string, ServiceChange> | undefined, days: number): string {
  const open: SeverityCounts = row.open;
  const trend = row.trend.map((p) => p.total);
  // Days before the first snapshot are null: the line and its label start at the first measured day.
  const firstMeasured = row.trend.find((p) => p.total !== null);
  const first = firstMeasured?.total ?? 0;
  const last = row.trend.length > 0 ? (row.trend[row.trend.length - 1].total ?? 0) : 0;
  const since = firstMeasured?.day ?? '';
  const count = (s: 'critical' | 'high' | 'medium' | 'low') => (open[s] > 0 ? `<span class="count sev-${s}" title="${open[s]} open ${s}">${open[s]}</span>` : '<span class="count zero">0</span>');
  const gate = row.lastGate ? `<span class="gate gate-${esc(row.lastGate)}">${row.lastGate === 'scanner-error' ? 'scanner error' : esc(row.lastGate)}</span>` : '<span class="gate gate-none">—</span>';
  const name = esc(row.name);
  return `<tr data-service="${name}"><td><a href="${esc(serviceHref(row.name))}">${name}</a></td><td class="num">${count('critical')}</td><td class="num">${count('high')}</td><td class="num">${count('medium')}</td><td class="num">${count('low')}</td><td class="num total">${row.openTotal}${
    row.suppressed > 0 ? `<div class="muted small">+${row.suppressed} suppressed</div>` : ''
  }</td><td>${sparklineHtml(trend, `${row.name}: ${first} open on ${since}, ${last} now`)}</td>${changes ? changeCell(changes.get(row.name), days) : ''}<td${row.stale ? ' class="stale"' : ''} title="${esc(`last scan ${formatDateTime(row.lastScanAt)}; last default-branch snapshot ${formatDateTime(row.lastSnapshotAt)}`)}">${esc(formatAge(row.lastScanAt, now))}${
    row.stale ? `<span class="marker stale-marker" title="${esc(`no default-branch snapshot for ${staleAfterDays}+ days`)}">stale</span>` : ''
  }</td><td>${gate}</td><td class="num">${row.slaBreaches > 0 ? `<span class="count bad">${row.slaBreaches}</span>` : '<span class="count zero">0</span>'}</td></tr>`;
}
