// A service view's part (its posture window, filter form, findings table head and pager) is built as
// one string (service.tsx serviceViewHtml); this is the JSX it replaced, kept as the oracle: both must
// give the same bytes for every state, filter, sort, page and window, and for names, tools and
// filter values holding markup or quotes.
import { raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../src/findings/finding.js';
import { SEVERITY_ORDER } from '../../../src/findings/severity.js';
import { densifySeries, postureChartHtml } from '../../../dashboard/components/charts.js';
import { formatProbability } from '../../../dashboard/components/exploit.js';
import { queryString } from '../../../dashboard/components/format.js';
import { CHART_WINDOWS, DEFAULT_CHART_DAYS } from '../../../dashboard/chart-windows.js';
import { EPSS_MIN_CHOICES, EPSS_PERCENTILE_CHOICES, FINDING_STATES, postureChartLabel, serviceViewHtml, type ServiceViewProps } from '../../../dashboard/pages/service.js';
import { FINDING_SORTS } from '../../../dashboard/pages/view-models.js';
import { serviceHref } from '../../../dashboard/components/hrefs.js';

// ---- the JSX versions (as they were), the oracle
const OldSortHeader: FC<{
  label: string;
  column: string;
  current: string;
  dir: 'asc' | 'desc';
  href: (column: string, dir: 'asc' | 'desc') => string;
  numeric?: boolean;
  worstFirst?: boolean;
}> = ({ label, column, current, dir, href, numeric, worstFirst = numeric }) => {
  const isCurrent = current === column;
  const nextDir: 'asc' | 'desc' = isCurrent ? (dir === 'asc' ? 'desc' : 'asc') : worstFirst ? 'desc' : 'asc';
  return (
    <th class={numeric ? 'num' : undefined} aria-sort={isCurrent ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={href(column, nextDir)}>
        {label}
        {isCurrent ? <span class="sort-mark">{dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </a>
    </th>
  );
};

function withCurrent(choices: readonly number[], current: number | undefined): number[] {
  return [...new Set([...choices, ...(current !== undefined ? [current] : [])])].sort((a, b) => a - b);
}

const OldFilterSelect: FC<{ label: string; name: string; blank?: string; selected: string | undefined; options: readonly (readonly [string, string])[] }> = (p) => (
  <label>
    {p.label}
    <select name={p.name}>
      {p.blank !== undefined ? <option value="">{p.blank}</option> : null}
      {p.options.map(([value, text]) => (
        <option value={value} selected={p.selected === value}>
          {text}
        </option>
      ))}
    </select>
  </label>
);

const OldServiceViewContent: FC<ServiceViewProps> = (p) => {
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
  return (
    <>
      <section aria-labelledby="posture-h">
        <div class="section-head">
          <h2 id="posture-h">Open findings over time</h2>
          <span class="windows">
            {CHART_WINDOWS.map((d) => (
              <a class={d === p.days ? 'active' : undefined} href={`${base}${queryString({ ...keep, days: d === DEFAULT_CHART_DAYS ? undefined : d })}`}>
                {d} days
              </a>
            ))}
          </span>
        </div>
        {raw(p.chart !== undefined ? p.chart : postureChartHtml(p.series, postureChartLabel(p.name, p.days)))}
      </section>

      <section aria-labelledby="findings-h" id="findings">
        <div class="section-head">
          <h2 id="findings-h">
            {noun} <span class="muted">({filtered ? `${p.findingTotal} matching` : p.findingTotal})</span>
          </h2>
        </div>
        <form class="filters" method="get" action={base}>
          <OldFilterSelect label="State" name="state" selected={state} options={FINDING_STATES.map((st) => [st, st])} />
          <OldFilterSelect label="Severity" name="severity" blank="all" selected={p.filters.severity} options={SEVERITY_ORDER.map((s) => [s, s])} />
          <OldFilterSelect label="Category" name="category" blank="all" selected={p.filters.category} options={CATEGORIES.map((c) => [c, c])} />
          <OldFilterSelect label="Tool" name="tool" blank="all" selected={p.filters.tool} options={p.tools.map((t) => [t, t])} />
          <OldFilterSelect label="Exploited" name="kev" blank="all" selected={p.filters.kev} options={[['true', 'KEV-listed'], ['false', 'not KEV-listed']]} />
          <OldFilterSelect
            label="EPSS"
            name="epssMin"
            blank="any"
            selected={p.filters.epssMin === undefined ? undefined : String(p.filters.epssMin)}
            options={withCurrent(EPSS_MIN_CHOICES, p.filters.epssMin).map((v) => [String(v), `≥ ${formatProbability(v)}`])}
          />
          <OldFilterSelect
            label="EPSS percentile"
            name="epssPercentileMin"
            blank="any"
            selected={p.filters.epssPercentileMin === undefined ? undefined : String(p.filters.epssPercentileMin)}
            options={withCurrent(EPSS_PERCENTILE_CHOICES, p.filters.epssPercentileMin).map((v) => [String(v), `top ${formatProbability(1 - v)}`])}
          />
          {p.days !== DEFAULT_CHART_DAYS ? <input type="hidden" name="days" value={String(p.days)} /> : null}
          <input type="hidden" name="sort" value={p.sort} />
          <input type="hidden" name="dir" value={p.dir} />
          <button type="submit">Filter</button>
          {filtered ? <a href={base}>clear</a> : null}
          <span class="exports">
            Export (these filters):{' '}
            <a href={`/api/v1/export/findings.csv${exportQuery}`} download>
              CSV
            </a>{' '}
            <a href={`/api/v1/export/findings.json${exportQuery}`} download>
              JSON
            </a>{' '}
            <a href={`/api/v1/triage/openvex${queryString({ service: p.name })}`} download>
              OpenVEX
            </a>{' '}
            · <a href={`${serviceHref(p.name)}/triage`}>Triage in bulk</a>
          </span>
        </form>
        {p.rows.count === 0 ? (
          <p class="empty-state">{filtered ? `No ${state === 'all' ? '' : `${state} `}findings match these filters.` : `No ${state === 'all' ? '' : `${state} `}findings.`}</p>
        ) : (
          <table class="data findings stacked">
            <thead>
              <tr>
                <OldSortHeader label="Severity" column="severity" current={p.sort} dir={p.dir} href={sortHref} numeric />
                <OldSortHeader label="Finding" column="title" current={p.sort} dir={p.dir} href={sortHref} />
                <OldSortHeader label="Tool" column="tool" current={p.sort} dir={p.dir} href={sortHref} />
                <th class="stack-hide">Category</th>
                <th class="stack-hide">Where</th>
                <OldSortHeader label="EPSS" column="epss" current={p.sort} dir={p.dir} href={sortHref} numeric />
                <OldSortHeader label="First seen" column="firstSeen" current={p.sort} dir={p.dir} href={sortHref} />
                <OldSortHeader label="Open for" column="age" current={p.sort} dir={p.dir} href={sortHref} numeric />
                <th class="stack-hide">{state === 'open' ? 'SLA due' : 'SLA due / fixed'}</th>
              </tr>
            </thead>
            <tbody>{raw(p.rows.html)}</tbody>
          </table>
        )}
        {p.findingTotal > p.pageSize ? (
          <p class="pager">
            {p.page > 1 ? <a href={`${base}${queryString({ ...keep, sort: p.sort, dir: p.dir, page: p.page - 1 })}#findings`}>← previous</a> : null}
            <span class="muted">
              {' '}
              {(p.page - 1) * p.pageSize + 1}–{Math.min(p.page * p.pageSize, p.findingTotal)} of {p.findingTotal}{' '}
            </span>
            {p.page * p.pageSize < p.findingTotal ? (
              <a href={`${base}${queryString({ ...keep, sort: p.sort, dir: p.dir, page: p.page + 1 })}#findings`}>next →</a>
            ) : null}
          </p>
        ) : null}
      </section>
    </>
  );
};

// ---- the cases
const NAMES = ['payments', `we"ird <svc> & 'co'`, 'a/b c'];
const FILTERS: ServiceViewProps['filters'][] = [
  {},
  { severity: 'high' },
  { category: 'secret' },
  { tool: 'trivy<"x">' },
  { kev: 'true' },
  { kev: 'false', severity: 'critical' },
  { epssMin: 0.1 },
  { epssMin: 0.37, epssPercentileMin: 0.5 },
  { epssPercentileMin: 0.95, tool: 'semgrep' },
];
const SORTS = FINDING_SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((dir) => ({ sort, dir })));
const PAGES = [
  { page: 1, findingTotal: 0, count: 0 },
  { page: 1, findingTotal: 37, count: 37 },
  { page: 1, findingTotal: 450, count: 200 },
  { page: 2, findingTotal: 450, count: 200 },
  { page: 3, findingTotal: 450, count: 50 },
  { page: 4, findingTotal: 450, count: 0 },
];
const series = densifySeries([{ day: '2026-01-03', counts: { critical: 1, high: 2 } }, { day: '2026-01-20', counts: { high: 3 } }], '2025-12-25', '2026-01-29');

function cases(): ServiceViewProps[] {
  const out: ServiceViewProps[] = [];
  let i = 0;
  for (const name of NAMES) {
    for (const state of FINDING_STATES) {
      for (const filters of FILTERS) {
        for (const { sort, dir } of SORTS) {
          const pg = PAGES[i % PAGES.length];
          const days = CHART_WINDOWS[i % CHART_WINDOWS.length];
          out.push({
            name,
            series: i % 7 === 0 ? series : [],
            chart: i % 7 === 0 ? undefined : `<svg class="c${i}"></svg>`,
            days,
            findingTotal: pg.findingTotal,
            page: pg.page,
            pageSize: 200,
            filters: { ...filters, state: state === 'open' && i % 2 === 0 ? undefined : state },
            tools: i % 3 === 0 ? [] : ['gitleaks', 'trivy', `to"ol<${i % 5}>`],
            sort,
            dir,
            rows: { count: pg.count, html: pg.count === 0 ? '' : `<tr data-i="${i}"><td>row</td></tr>` },
          });
          i++;
        }
      }
    }
  }
  return out;
}

describe('a service view part built as a string', () => {
  it('gives the bytes the JSX view gave, for every state, filter, sort, page and window', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(900);
    for (const p of all) expect(serviceViewHtml(p)).toBe(String(await (<OldServiceViewContent {...p} />)));
  });

  it('covers what the comparison needs (a chart drawn in place, an empty table, a pager both ways, a current sort)', () => {
    const markup = cases().map(serviceViewHtml).join('\n');
    for (const part of ['class="posture-chart wide"', 'class="empty-state"', '← previous', 'next →', 'class="sort-mark"', 'selected=""', 'name="days"', '>clear</a>', '&quot;']) {
      expect(markup).toContain(part);
    }
  });
});
