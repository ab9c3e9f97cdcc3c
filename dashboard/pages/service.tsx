// One service: its posture over time (stacked by severity), the open findings with sort and filters
// (a plain GET form, so it works without JavaScript) and the recent scans.
import { TRIAGE_STATUS_LABELS } from '../../src/report/triage.js';
import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { CATEGORIES, type Category, type Severity } from '../../src/findings/finding.js';
import { SEVERITY_ORDER } from '../../src/findings/severity.js';
import type { ServiceChange } from '../store/week.js';
import { serviceChangeLineHtml } from './week.js';
import { postureChartHtml, type ChartDay } from '../components/charts.js';
import { formatAge, formatDay, formatDateTime, queryString, safeHttpUrl } from '../components/format.js';
import { gateBadgeHtml } from '../components/gate.js';
import { sortHeaderHtml } from '../components/layout.js';
import { severityBadgeHtml, severityChipsHtml } from '../components/severity.js';
import type { FindingRow, ScanSummary, ServicePageDetail, SlaDays } from '../store/types.js';
import { epssFigureHtml, formatProbability, kevMarkerHtml } from '../components/exploit.js';
import { attr, esc } from '../components/html-text.js';
import { slaDueDay, type FindingSort } from './view-models.js';
import { findingHref, serviceHref } from '../components/hrefs.js';
import { CHART_WINDOWS, DEFAULT_CHART_DAYS } from '../chart-windows.js';

export const FINDING_STATES = ['open', 'fixed', 'all'] as const;
export type FindingStateFilter = (typeof FINDING_STATES)[number];

interface FindingFilters {
  /** Default `open`. */
  state?: FindingStateFilter;
  severity?: Severity;
  category?: Category;
  tool?: string;
  /** `true`: KEV-listed only; `false`: not listed only. */
  kev?: 'true' | 'false';
  epssMin?: number;
  epssPercentileMin?: number;
}

/** The EPSS presets the filter offers (any value works in the URL). */
export const EPSS_MIN_CHOICES = [0.01, 0.1, 0.5] as const;
export const EPSS_PERCENTILE_CHOICES = [0.9, 0.95, 0.99] as const;

export interface ServicePageProps {
  /** The service's figures (getService's answer; its trend is not drawn). */
  service: ServicePageDetail;
  /**
   * The posture over `days` days, drawn as the chart; or `chart`, the chart's markup already rendered
   * (postureChartHtml: view-routes.tsx keeps it per service version and day, shared by every view of
   * the page that differs only in its findings table).
   */
  series: ChartDay[];
  chart?: string;
  days: number;
  findings: FindingRow[];
  /** Total matching the filters (the table may show fewer). */
  findingTotal: number;
  /** 1-based page of the findings table. */
  page: number;
  pageSize: number;
  filters: FindingFilters;
  /** Tools offered in the filter (from recent scans and the findings). */
  tools: string[];
  sort: FindingSort;
  dir: 'asc' | 'desc';
  scans: ScanSummary[];
  sla: SlaDays;
  now: Date;
  /** Its change over the last `changeDays` days (none: no snapshot yet, or not given). */
  change?: ServiceChange;
  changeDays?: number;
}

/**
 * A view's part of the body: ServicePageProps without the head and the scans, by the service's name,
 * its findings as their rows' markup (findingRowHtml, each): a view may take them from the rows another
 * view of the page rendered (view-routes.tsx puts them in a slot).
 */
export type ServiceViewProps = Pick<ServicePageProps, 'series' | 'chart' | 'days' | 'findingTotal' | 'page' | 'pageSize' | 'filters' | 'tools' | 'sort' | 'dir'> & {
  name: string;
  /** How many rows the table shows, and their markup (or a slot the caller puts them in). */
  rows: { count: number; html: string };
};

/** The chart's title and accessible name. */
export const postureChartLabel = (service: string, days: number) => `${service}: open findings by severity, last ${days} days`;

/** The fixed choices, plus the current value when it is not one of them, in order. */
function withCurrent(choices: readonly number[], current: number | undefined): number[] {
  return [...new Set([...choices, ...(current !== undefined ? [current] : [])])].sort((a, b) => a - b);
}

/**
 * The head of a service body (name, summary, change, per-severity stats: the same for every view) as
 * one string, every value escaped as JSX escapes it (test/dashboard/pages/service-head-markup.test.tsx
 * keeps the JSX it replaced as the oracle).
 */
export function serviceHeadContentHtml(p: Pick<ServicePageProps, 'service' | 'now' | 'change' | 'changeDays'>): string {
  const s = p.service;
  const name = esc(s.name);
  let out =
    `<p class="crumbs"><a href="/">Services</a> / ${name}</p>` +
    `<h1 class="service-heading">${name}<img class="badge-img" src="${esc(`/api/v1/badge/${encodeURIComponent(s.name)}.svg`)}" alt="${esc(`${s.name} badge`)}" height="20"/></h1>` +
    `<div class="service-summary">${severityChipsHtml(s.open)}` +
    `<span class="meta">last scan <strong title="${esc(formatDateTime(s.lastScanAt))}">${esc(formatAge(s.lastScanAt, p.now))}</strong>`;
  if (s.stale) out += '<span class="marker stale-marker">stale</span>';
  if (s.retired) {
    const title = `a snapshot of ${s.retired.repository} at ${formatDateTime(s.retired.at)} no longer held this service; its open findings are left out of the overview's totals until a snapshot brings it back`;
    out += `<span class="marker stale-marker" title="${esc(title)}">retired</span>`;
  }
  out +=
    `</span><span class="meta">gate ${gateBadgeHtml(s.lastGate ?? undefined)}</span>` +
    `<span class="meta ${s.slaBreaches > 0 ? 'bad-text' : ''}"><strong>${s.slaBreaches}</strong> SLA ${s.slaBreaches === 1 ? 'breach' : 'breaches'}</span>`;
  if (s.suppressed > 0) out += `<span class="meta"><strong>${s.suppressed}</strong> suppressed or triaged</span>`;
  return `${out}</div>${serviceChangeLineHtml(p.change, p.changeDays ?? 7)}${severityStatsTableHtml(s)}`;
}

/** One <select> of the filter form: `blank` (all, any) first when given, then [value, text] pairs; `selected` marked. */
function filterSelectHtml(label: string, name: string, blank: string | undefined, selected: string | undefined, options: readonly (readonly [string, string])[]): string {
  let out = `<label>${esc(label)}<select name="${esc(name)}">`;
  if (blank !== undefined) out += `<option value="">${esc(blank)}</option>`;
  for (const [value, text] of options) out += `<option value="${esc(value)}"${selected === value ? ' selected=""' : ''}>${esc(text)}</option>`;
  return `${out}</select></label>`;
}

const STATE_OPTIONS = FINDING_STATES.map((st) => [st, st] as const);
const SEVERITY_OPTIONS = SEVERITY_ORDER.map((s) => [s, s] as const);
const CATEGORY_OPTIONS = CATEGORIES.map((c) => [c, c] as const);
const KEV_OPTIONS = [['true', 'KEV-listed'], ['false', 'not KEV-listed']] as const;

/**
 * What a view shows, its posture window (links keep the view's filters) and chart, its findings
 * table, as one string, every value escaped as JSX escapes it: a view nobody rendered before renders
 * this part (its form, sort links and pager were ~0.3 ms of JSX a render;
 * test/dashboard/pages/service-view-markup.test.tsx keeps the JSX it replaced as the oracle).
 */
export function serviceViewHtml(p: ServiceViewProps): string {
  const base = serviceHref(p.name);
  const state = p.filters.state ?? 'open';
  const keep = {
    state: state === 'open' ? undefined : state,
    severity: p.filters.severity,
    category: p.filters.category,
    tool: p.filters.tool,
    kev: p.filters.kev,
    epssMin: p.filters.epssMin,
    epssPercentileMin: p.filters.epssPercentileMin,
    days: p.days === DEFAULT_CHART_DAYS ? undefined : p.days,
  };
  const sortHref = (column: string, d: 'asc' | 'desc') => `${base}${queryString({ ...keep, sort: column, dir: d })}#findings`;
  const filtered = Boolean(
    p.filters.severity || p.filters.category || p.filters.tool || p.filters.kev || p.filters.epssMin !== undefined || p.filters.epssPercentileMin !== undefined || state !== 'open',
  );
  // The JSON API (same session cookie) serves the exports and the badge.
  const { days: _days, ...filterKeep } = keep;
  const exportQuery = queryString({ service: p.name, ...filterKeep });
  const noun = state === 'open' ? 'Open findings' : state === 'fixed' ? 'Fixed findings' : 'All findings';
  const sort = (label: string, column: string, numeric?: boolean) => sortHeaderHtml({ label, column, current: p.sort, dir: p.dir, href: sortHref, numeric });
  const escBase = esc(base);
  let out = '<section aria-labelledby="posture-h"><div class="section-head"><h2 id="posture-h">Open findings over time</h2><span class="windows">';
  for (const d of CHART_WINDOWS) out += `<a${attr('class', d === p.days ? 'active' : undefined)} href="${esc(`${base}${queryString({ ...keep, days: d === DEFAULT_CHART_DAYS ? undefined : d })}`)}">${d} days</a>`;
  out += `</span></div>${p.chart !== undefined ? p.chart : postureChartHtml(p.series, postureChartLabel(p.name, p.days))}</section>`;
  out += `<section aria-labelledby="findings-h" id="findings"><div class="section-head"><h2 id="findings-h">${noun} <span class="muted">(${filtered ? `${p.findingTotal} matching` : p.findingTotal})</span></h2></div>`;
  out += `<form class="filters" method="get" action="${escBase}">`;
  out += filterSelectHtml('State', 'state', undefined, state, STATE_OPTIONS);
  out += filterSelectHtml('Severity', 'severity', 'all', p.filters.severity, SEVERITY_OPTIONS);
  out += filterSelectHtml('Category', 'category', 'all', p.filters.category, CATEGORY_OPTIONS);
  out += filterSelectHtml('Tool', 'tool', 'all', p.filters.tool, p.tools.map((t) => [t, t]));
  out += filterSelectHtml('Exploited', 'kev', 'all', p.filters.kev, KEV_OPTIONS);
  out += filterSelectHtml(
    'EPSS',
    'epssMin',
    'any',
    p.filters.epssMin === undefined ? undefined : String(p.filters.epssMin),
    withCurrent(EPSS_MIN_CHOICES, p.filters.epssMin).map((v) => [String(v), `≥ ${formatProbability(v)}`]),
  );
  out += filterSelectHtml(
    'EPSS percentile',
    'epssPercentileMin',
    'any',
    p.filters.epssPercentileMin === undefined ? undefined : String(p.filters.epssPercentileMin),
    withCurrent(EPSS_PERCENTILE_CHOICES, p.filters.epssPercentileMin).map((v) => [String(v), `top ${formatProbability(1 - v)}`]),
  );
  if (p.days !== DEFAULT_CHART_DAYS) out += `<input type="hidden" name="days" value="${esc(String(p.days))}"/>`;
  out += `<input type="hidden" name="sort" value="${esc(p.sort)}"/><input type="hidden" name="dir" value="${esc(p.dir)}"/><button type="submit">Filter</button>`;
  if (filtered) out += `<a href="${escBase}">clear</a>`;
  out +=
    `<span class="exports">Export (these filters): <a href="${esc(`/api/v1/export/findings.csv${exportQuery}`)}" download="">CSV</a> ` +
    `<a href="${esc(`/api/v1/export/findings.json${exportQuery}`)}" download="">JSON</a> ` +
    `<a href="${esc(`/api/v1/triage/openvex${queryString({ service: p.name })}`)}" download="">OpenVEX</a> ` +
    `· <a href="${esc(`${serviceHref(p.name)}/triage`)}">Triage in bulk</a></span></form>`;
  if (p.rows.count === 0) {
    out += `<p class="empty-state">${filtered ? `No ${state === 'all' ? '' : `${state} `}findings match these filters.` : `No ${state === 'all' ? '' : `${state} `}findings.`}</p>`;
  } else {
    out +=
      '<table class="data findings stacked"><thead><tr>' +
      sort('Severity', 'severity', true) +
      sort('Finding', 'title') +
      sort('Tool', 'tool') +
      '<th class="stack-hide">Category</th><th class="stack-hide">Where</th>' +
      sort('EPSS', 'epss', true) +
      sort('First seen', 'firstSeen') +
      sort('Open for', 'age', true) +
      `<th class="stack-hide">${state === 'open' ? 'SLA due' : 'SLA due / fixed'}</th></tr></thead><tbody>${p.rows.html}</tbody></table>`;
  }
  if (p.findingTotal > p.pageSize) {
    out += '<p class="pager">';
    if (p.page > 1) out += `<a href="${esc(`${base}${queryString({ ...keep, sort: p.sort, dir: p.dir, page: p.page - 1 })}#findings`)}">← previous</a>`;
    out += `<span class="muted"> ${(p.page - 1) * p.pageSize + 1}–${Math.min(p.page * p.pageSize, p.findingTotal)} of ${p.findingTotal} </span>`;
    if (p.page * p.pageSize < p.findingTotal) out += `<a href="${esc(`${base}${queryString({ ...keep, sort: p.sort, dir: p.dir, page: p.page + 1 })}#findings`)}">next →</a>`;
    out += '</p>';
  }
  return `${out}</section>`;
}

/** The recent scans of a service body (the same for every view). */
export const ServiceScansContent: FC<Pick<ServicePageProps, 'scans' | 'now'>> = (p) => (
  <>
      <section aria-labelledby="scans-h">
        <h2 id="scans-h">Recent scans</h2>
        {p.scans.length === 0 ? (
          <p class="empty-state">No scans.</p>
        ) : (
          <table class="data scans stacked">
            <thead>
              <tr>
                <th>When</th>
                <th>Kind</th>
                <th>Ref / PR</th>
                <th>Commit</th>
                <th>Gate</th>
                <th class="num">Findings</th>
                <th>Scan id</th>
              </tr>
            </thead>
            <tbody>{raw(scanRowsHtml(p.scans, p.now))}</tbody>
          </table>
        )}
      </section>
  </>
);

/** Per severity: SLA, breaches, oldest open, MTTR — the numbers a security lead reports upward. */
function severityStatsTableHtml(service: ServicePageDetail): string {
  let out =
    '<table class="data stats"><thead><tr><th>Severity</th><th class="num">Open</th><th class="num">SLA</th><th class="num">Breaches</th>' +
    '<th class="num">Oldest open</th><th class="num">Fixed</th><th class="num">MTTR</th></tr></thead><tbody>';
  for (const s of SEVERITY_ORDER) {
    const st = service.stats[s];
    if (!(st && (service.open[s] > 0 || st.fixedCount > 0 || st.slaDays !== null))) continue;
    out +=
      `<tr><td>${severityBadgeHtml(s)}</td><td class="num">${service.open[s]}</td>` +
      `<td class="num">${st.slaDays !== null ? `${st.slaDays} d` : '—'}</td>` +
      `<td class="num ${st.breaches > 0 ? 'bad-text' : ''}">${st.breaches}</td>` +
      `<td class="num">${st.oldestOpenDays !== null ? `${st.oldestOpenDays} d` : '—'}</td>` +
      `<td class="num">${st.fixedCount}</td>` +
      `<td class="num">${st.mttrDays !== null ? `${Math.round(st.mttrDays * 10) / 10} d` : '—'}</td></tr>`;
  }
  return `${out}</tbody></table>`;
}

/**
 * One row of the findings table as a string (200 rows of about 20 elements each were most of a
 * render's JSX work): a row's markup depends on the finding and the state filter only. Every value
 * goes through `esc`, as JSX escapes it; the markup is what the JSX rows rendered, byte for byte
 * (test/dashboard/pages/row-markup.test.tsx renders both).
 */
export function findingRowHtml(f: FindingRow, state: FindingStateFilter): string {
  const dueLabel = state === 'open' ? 'SLA due' : 'SLA due / fixed';
  const due = f.triage ? undefined : slaDueDay(f);
  let title = `<a href="${esc(findingHref(f.service, f.fingerprint))}">${esc(f.title || f.ruleId)}</a><div class="muted small mono">${esc(f.ruleId)}</div>`;
  if (f.suppressed) title += '<span class="marker suppressed-marker">suppressed</span>';
  if (f.triage) title += `<span class="marker triage-badge triage-${esc(f.triage.status)}">${esc(TRIAGE_STATUS_LABELS[f.triage.status])}</span>`;
  title += kevMarkerHtml(f.kev);
  let sla: string;
  if (f.state === 'fixed') sla = `<span class="fixed-text" title="${esc(formatDateTime(f.fixedAt))}">fixed ${esc(formatDay(f.fixedAt))}</span>`;
  else if (due) sla = `<span${due.kev ? ' title="CISA KEV due date (earlier than the severity SLA)"' : ''}>${esc(due.day)}${due.kev ? '<span class="small"> KEV</span>' : ''}</span>`;
  else sla = esc(formatDay(undefined));
  if (f.slaBreached) sla += '<span class="marker breach-marker">breached</span>';
  return (
    `<tr data-finding="${esc(f.fingerprint)}" data-severity="${esc(f.severity)}"${f.kev ? ' data-kev="true"' : ''}>` +
    `<td class="stack-severity">${severityBadgeHtml(f.severity)}</td>` +
    `<td class="finding-title">${title}</td>` +
    `<td data-label="Tool">${esc(f.tool)}</td>` +
    `<td data-label="Category">${esc(f.category)}</td>` +
    `<td class="where mono small" data-label="Where">${esc(f.where)}</td>` +
    `<td class="${f.epss ? 'num nowrap' : 'num nowrap stack-hide'}" data-label="EPSS">${epssFigureHtml(f.epss)}</td>` +
    `<td class="nowrap stack-hide" title="${esc(formatDateTime(f.firstSeenAt))}">${esc(formatDay(f.firstSeenAt))}</td>` +
    `<td class="num" data-label="Open for">${f.ageDays} d</td>` +
    `<td class="${f.slaBreached ? 'bad-text nowrap' : 'nowrap'}" data-label="${dueLabel}">${sla}</td></tr>`
  );
}

/** The recent scans' rows as one string, like the findings rows (escaped as JSX escapes). */
export function scanRowsHtml(scans: ScanSummary[], now: Date): string {
  let out = '';
  for (const s of scans) {
    const run = s.runUrl ? safeHttpUrl(s.runUrl) : undefined;
    let gate = gateBadgeHtml(s.gate);
    for (const r of s.scanners) if (r.status === 'error') gate += `<div class="small bad-text">${esc(r.scanner)}: ${esc(r.error ?? 'error')}</div>`;
    // The coverage ledger: scanners that did not run for this service, and why.
    for (const r of s.scanners) {
      if (r.status !== 'not-applicable' && r.status !== 'skipped') continue;
      gate += `<div class="small ledger">${esc(r.scanner)} ${r.status === 'skipped' ? 'skipped' : 'not applicable'}${esc(r.reason ? `: ${r.reason}` : '')}</div>`;
    }
    out +=
      `<tr><td class="stack-lead" title="${esc(formatDateTime(s.createdAt))}">${esc(formatAge(s.createdAt, now))}</td>` +
      `<td class="stack-lead">${s.kind === 'pr' ? 'pull request' : 'snapshot'}</td>` +
      `<td class="stack-lead">${esc(s.pullRequest !== null ? `#${s.pullRequest}` : (s.ref ?? '—'))}</td>` +
      `<td class="mono" data-label="Commit">${esc(s.commit ? s.commit.slice(0, 10) : '—')}</td>` +
      `<td data-label="Gate">${gate}</td>` +
      `<td class="num" data-label="Findings">${s.findingCount}</td>` +
      `<td class="mono small" data-label="Scan id">${run ? `<a href="${esc(run)}">${esc(s.scanId)}</a>` : esc(s.scanId)}</td></tr>`;
  }
  return out;
}
