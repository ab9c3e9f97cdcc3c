// The findings and scans rows of the service page and its posture chart are built as strings (a
// render's hot parts); these are the JSX versions they replaced, kept here as the oracle: both must
// give the same bytes for rows with every feature (KEV, EPSS, triage, suppression, fixed, breached,
// markup and invisible characters in tool text, bad run URLs, the coverage ledger).
import { html, raw } from 'hono/html';
import type { FC } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/findings/finding.js';
import { SEVERITY_ORDER } from '../../../src/findings/severity.js';
import { TRIAGE_STATUS_LABELS } from '../../../src/report/triage.js';
import { densifySeries, niceTicks, postureChartHtml, postureChartUtf8, type ChartDay } from '../../../dashboard/components/charts.js';
import { formatProbability, formatPercentile } from '../../../dashboard/components/exploit.js';
import { formatAge, formatDay, formatDateTime, safeHttpUrl } from '../../../dashboard/components/format.js';
import { totalCount, type SeverityCounts } from '../../../dashboard/components/severity.js';
import { findingRowHtml, scanRowsHtml, type FindingStateFilter } from '../../../dashboard/pages/service.js';
import { serviceRowHtml } from '../../../dashboard/pages/overview.js';
import { signed } from '../../../dashboard/pages/week.js';
import type { ServiceChange } from '../../../dashboard/store/week.js';
import type { ServiceOverview } from '../../../dashboard/store/types.js';
import { findingHref, serviceHref } from '../../../dashboard/components/hrefs.js';
import { slaDueDay } from '../../../dashboard/pages/view-models.js';
import type { FindingRow, ScanSummary } from '../../../dashboard/store/types.js';

// ---- the JSX versions (as they were), the oracle
type Kev = NonNullable<FindingRow['kev']>;
type Epss = NonNullable<FindingRow['epss']>;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const OldSeverityBadge: FC<{ severity: Severity }> = ({ severity }) => (
  <span class={`badge sev-${severity}`}>{severity}</span>
);

const OldKevMarker: FC<{ kev: Kev | null }> = ({ kev }) =>
  kev ? (
    <span
      class={`marker kev-marker${kev.ransomware === 'known' ? ' ransomware' : ''}`}
      title={`CISA Known Exploited Vulnerability ${kev.cve}, added ${kev.dateAdded}${kev.dueDate ? `, due ${kev.dueDate}` : ''}${kev.ransomware === 'known' ? '; known ransomware use' : ''}`}
    >
      KEV{kev.ransomware === 'known' ? ' · ransomware' : ''}
    </span>
  ) : null;

const OldEpssFigure: FC<{ epss: Epss | null }> = ({ epss }) =>
  epss ? (
    <span class={`epss${epss.percentile >= 0.95 ? ' epss-high' : ''}`} title={`EPSS ${epss.cve}: ${formatProbability(epss.probability)} chance of exploitation in 30 days; ${formatPercentile(epss.percentile)} percentile`}>
      {formatProbability(epss.probability)} <span class="muted small">p{Math.floor(epss.percentile * 100)}</span>
    </span>
  ) : (
    <span class="muted">—</span>
  );

const OldGateBadge: FC<{ outcome?: 'passed' | 'failed' | 'scanner-error' }> = ({ outcome }) =>
  outcome ? (
    <span class={`gate gate-${outcome}`}>{outcome === 'scanner-error' ? 'scanner error' : outcome}</span>
  ) : (
    <span class="gate gate-none">—</span>
  );

interface ChartGeometry {
  w: number;
  h: number;
  m: { top: number; right: number; bottom: number; left: number };
  /** How many x-axis day labels at most (the last day always has one). */
  xLabels: number;
  /** How many y steps at most. */
  ySteps: number;
}

/** The wide chart (desktop, tablets): 960 x 280, as before. */
const WIDE: ChartGeometry = { w: 960, h: 280, m: { top: 14, right: 18, bottom: 30, left: 46 }, xLabels: 8, ySteps: 4 };
/**
 * The compact chart shown instead at 600 px and below: a viewBox about as wide as the phone, so its
 * 12-unit text is drawn at about 10-12 px instead of 4 px (the wide chart scaled to 350 px), with
 * four day labels and three y ticks.
 */
const COMPACT: ChartGeometry = { w: 400, h: 250, m: { top: 12, right: 14, bottom: 28, left: 34 }, xLabels: 4, ySteps: 3 };

/** The posture chart as JSX: the reference the string-built chart (charts.tsx) is checked against (it joins every day's point of a band; the chart only the corners). */
const OldPostureChart: FC<{ series: ChartDay[]; label: string }> = ({ series: window, label }) => {
  // Known days form one run at the end of the window (carried forward after the first snapshot).
  const firstKnown = window.findIndex((p) => p.counts !== null);
  const offset = firstKnown === -1 ? window.length : firstKnown;
  const series = window.slice(offset) as { day: string; counts: SeverityCounts }[];
  const visible = SEVERITY_ORDER.filter((s) => series.some((p) => p.counts[s] > 0));
  return (
    <figure class="chart">
      {postureSvg(window, offset, series, visible, label, WIDE, true)}
      {postureSvg(window, offset, series, visible, label, COMPACT, false)}
      <figcaption class="legend">
        {SEVERITY_ORDER.filter((s) => visible.includes(s) || s === 'critical' || s === 'high').map((s) => (
          <span class="legend-item">
            <span class={`swatch sev-${s}`}></span>
            {s} <strong>{series.length > 0 ? series[series.length - 1].counts[s] : 0}</strong>
          </span>
        ))}
        {series.length > 0 ? <span class="legend-note">open on {series[series.length - 1].day}</span> : null}
      </figcaption>
    </figure>
  );
};

function postureSvg(
  window: ChartDay[],
  offset: number,
  series: { day: string; counts: SeverityCounts }[],
  visible: Severity[],
  label: string,
  g: ChartGeometry,
  withPoints: boolean,
) {
  const { w: W, h: H, m: M } = g;
  const n = window.length;
  const totals = series.map((p) => totalCount(p.counts));
  const ticks = niceTicks(Math.max(0, ...totals), g.ySteps);
  const yMax = ticks[ticks.length - 1];
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  // x of a window index; series index i sits at window index offset + i.
  const xw = (i: number) => M.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const x = (i: number) => xw(offset + i);
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const fmt = (v: number) => Math.round(v * 10) / 10;

  // Cumulative lower/upper edge of each visible severity band, per day.
  const bands = new Map<Severity, { lower: number[]; upper: number[] }>();
  const running = series.map(() => 0);
  for (const s of visible) {
    const lower = [...running];
    series.forEach((p, i) => (running[i] += p.counts[s]));
    bands.set(s, { lower, upper: [...running] });
  }

  // Up to 90 days, a point (with its tooltip) per day; longer windows get one per week, counted
  // back from the last day, so the 365-day page is not 1,460 points (220 KiB) while the
  // area and line still follow every day.
  const pointEvery = n > 90 ? 7 : 1;
  const pointCount = series.length === 0 ? 0 : Math.floor((series.length - 1) / pointEvery) + 1;

  // Day labels at most g.xLabels, evenly spaced, the last day always labelled; a label too close
  // to the last one gives way (5 characters of 12-unit text are about 40 units wide).
  const labelEvery = Math.max(1, Math.ceil((n - 1) / Math.max(1, g.xLabels - 1)));
  const xLabels = window.map((p, i) => ({ i, day: p.day })).filter(({ i }) => i % labelEvery === 0 || i === n - 1);
  const minGap = 48 / (n <= 1 ? 1 : plotW / (n - 1));
  if (xLabels.length >= 2 && xLabels[xLabels.length - 1].i - xLabels[xLabels.length - 2].i < Math.max(labelEvery / 2, minGap)) {
    xLabels.splice(xLabels.length - 2, 1); // keep the last day's label, drop a crowded neighbour
  }

  return (
    <svg
      class={withPoints ? 'posture-chart wide' : 'posture-chart compact'}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      preserveAspectRatio="xMidYMid meet"
      {...(withPoints ? { 'data-points': String(pointCount) } : {})}
    >
      <title>{label}</title>
      <g class="grid">
        {ticks.map((t) => (
          <g>
            <line x1={M.left} x2={W - M.right} y1={fmt(y(t))} y2={fmt(y(t))} />
            <text x={M.left - 8} y={fmt(y(t)) + 4} class="tick y">
              {String(t)}
            </text>
          </g>
        ))}
        {xLabels.map(({ i, day }) => (
          <text x={fmt(xw(i))} y={H - 8} class={`tick x${i === 0 ? ' start' : i === n - 1 ? ' end' : ''}`}>
            {day.slice(5)}
          </text>
        ))}
      </g>
      {visible.map((s) => {
        const b = bands.get(s)!;
        const top = b.upper.map((v, i) => `${fmt(x(i))},${fmt(y(v))}`);
        const bottom = b.lower.map((v, i) => `${fmt(x(i))},${fmt(y(v))}`).reverse();
        return (
          <g class={`band sev-${s}`}>
            <path class="area" d={`M${top.join('L')}L${bottom.join('L')}Z`} />
            <polyline class="line" points={top.join(' ')} />
          </g>
        );
      })}
      {withPoints && pointCount > 0
        ? visible.map((s) => {
            const b = bands.get(s)!;
            // A dot where the band's edge moves (or its count does), and on the first and last day.
            let dots = '';
            for (let i = (series.length - 1) % pointEvery; i < series.length; i += pointEvery) {
              const prev = i - pointEvery;
              if (i === series.length - 1 || prev < 0 || b.upper[prev] !== b.upper[i] || series[prev].counts[s] !== series[i].counts[s]) {
                dots += `<circle cx="${fmt(x(i))}" cy="${fmt(y(b.upper[i]))}" r="2.6"></circle>`;
              }
            }
            return raw(`<g class="marks sev-${s}">${dots}</g>`);
          })
        : null}
      {withPoints && pointCount > 0 ? (
        <g class="days">
          {series.map((p, i) => {
            if ((series.length - 1 - i) % pointEvery !== 0) return null;
            if (!DAY.test(p.day)) throw new Error(`PostureChart: "${p.day.slice(0, 20)}" is not a YYYY-MM-DD day`);
            const slot = (n <= 1 ? plotW : plotW / (n - 1)) * pointEvery;
            const counts = Object.fromEntries(visible.map((s) => [`data-${s}`, String(p.counts[s])]));
            const listed = visible.map((s) => `${s}: ${p.counts[s]}`).join(', ');
            return (
              <rect x={fmt(x(i) - slot / 2)} y={M.top} width={fmt(slot)} height={plotH} data-day={p.day} {...counts}>
                <title>{`${p.day} — ${totals[i]} open${listed === '' ? '' : ` (${listed})`}`}</title>
              </rect>
            );
          })}
        </g>
      ) : null}
      {offset > 0 ? noData(M.left, xw(Math.min(offset, n - 1)), M.top, plotH, series.length > 0 ? `no scans before ${series[0].day}` : 'no scans in this period') : null}
      {series.length > 0 && visible.length === 0 ? (
        <text x={fmt((xw(offset) + W - M.right) / 2)} y={H / 2} class="empty">
          No open findings in this period
        </text>
      ) : null}
    </svg>
  );
}

/**
 * The grey region before the first snapshot, with its text centred in it, or starting at its left
 * edge when the region is narrower than the text (13-unit text is about 7 units a character).
 */
function noData(left: number, right: number, top: number, height: number, text: string) {
  const fmt = (v: number) => Math.round(v * 10) / 10;
  const fits = right - left >= text.length * 7 + 8;
  return (
    <g class="no-data">
      <rect x={left} y={top} width={fmt(Math.max(0, right - left))} height={height} />
      <text x={fits ? fmt((left + right) / 2) : left + 6} y={top + height / 2} class={fits ? 'empty' : 'empty start'}>
        {text}
      </text>
    </g>
  );
}


const OldFindingRows: FC<{ rows: FindingRow[]; state: FindingStateFilter }> = (p) => {
  const state = p.state;
  return (
    <tbody>
              {p.rows.map((f) => {
                const due = f.triage ? undefined : slaDueDay(f);
                return (
                  <tr data-finding={f.fingerprint} data-severity={f.severity} data-kev={f.kev ? 'true' : undefined}>
                    <td class="stack-severity">
                      <OldSeverityBadge severity={f.severity} />
                    </td>
                    <td class="finding-title">
                      <a href={findingHref(f.service, f.fingerprint)}>{f.title || f.ruleId}</a>
                      <div class="muted small mono">{f.ruleId}</div>
                      {f.suppressed ? <span class="marker suppressed-marker">suppressed</span> : null}
                      {f.triage ? <span class={`marker triage-badge triage-${f.triage.status}`}>{TRIAGE_STATUS_LABELS[f.triage.status]}</span> : null}
                      <OldKevMarker kev={f.kev} />
                    </td>
                    <td data-label="Tool">{f.tool}</td>
                    <td data-label="Category">{f.category}</td>
                    <td class="where mono small" data-label="Where">{f.where}</td>
                    <td class={f.epss ? 'num nowrap' : 'num nowrap stack-hide'} data-label="EPSS">
                      <OldEpssFigure epss={f.epss} />
                    </td>
                    <td class="nowrap stack-hide" title={formatDateTime(f.firstSeenAt)}>{formatDay(f.firstSeenAt)}</td>
                    <td class="num" data-label="Open for">{f.ageDays} d</td>
                    <td class={f.slaBreached ? 'bad-text nowrap' : 'nowrap'} data-label={state === 'open' ? 'SLA due' : 'SLA due / fixed'}>
                      {f.state === 'fixed' ? (
                        <span class="fixed-text" title={formatDateTime(f.fixedAt)}>
                          fixed {formatDay(f.fixedAt)}
                        </span>
                      ) : due ? (
                        <span title={due.kev ? 'CISA KEV due date (earlier than the severity SLA)' : undefined}>
                          {due.day}
                          {due.kev ? <span class="small"> KEV</span> : null}
                        </span>
                      ) : (
                        formatDay(undefined)
                      )}
                      {f.slaBreached ? <span class="marker breach-marker">breached</span> : null}
                    </td>
                  </tr>
                );
              })}
    </tbody>
  );
};

const OldScanRows: FC<{ rows: ScanSummary[]; now: Date }> = (p) => (
  <tbody>
              {p.rows.map((s) => {
                const run = s.runUrl ? safeHttpUrl(s.runUrl) : undefined;
                return (
                  <tr>
                    <td class="stack-lead" title={formatDateTime(s.createdAt)}>{formatAge(s.createdAt, p.now)}</td>
                    <td class="stack-lead">{s.kind === 'pr' ? 'pull request' : 'snapshot'}</td>
                    <td class="stack-lead">{s.pullRequest !== null ? `#${s.pullRequest}` : (s.ref ?? '—')}</td>
                    <td class="mono" data-label="Commit">{s.commit ? s.commit.slice(0, 10) : '—'}</td>
                    <td data-label="Gate">
                      <OldGateBadge outcome={s.gate} />
                      {s.scanners
                        .filter((r) => r.status === 'error')
                        .map((r) => (
                          <div class="small bad-text">
                            {r.scanner}: {r.error ?? 'error'}
                          </div>
                        ))}
                      {/* The coverage ledger: scanners that did not run for this service, and why. */}
                      {s.scanners
                        .filter((r) => r.status === 'not-applicable' || r.status === 'skipped')
                        .map((r) => (
                          <div class="small ledger">
                            {r.scanner} {r.status === 'skipped' ? 'skipped' : 'not applicable'}
                            {r.reason ? `: ${r.reason}` : ''}
                          </div>
                        ))}
                    </td>
                    <td class="num" data-label="Findings">{s.findingCount}</td>
                    <td class="mono small" data-label="Scan id">{run ? <a href={run}>{s.scanId}</a> : s.scanId}</td>
                  </tr>
                );
              })}
  </tbody>
);

// The overview's row (built with the html tag before), its sparkline and its change cell.
type ServiceRow = ServiceOverview;
const DELTA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
const OldSparkline: FC<{ values: (number | null)[]; label: string }> = ({ values, label }) => {
  const w = 120;
  const h = 28;
  const pad = 3;
  const measured = values.flatMap((v, i) => (v === null ? [] : [{ v, i }]));
  const max = Math.max(1, ...measured.map((p) => p.v));
  const n = values.length;
  const px = (i: number) => pad + (n <= 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (n - 1));
  const py = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const first = measured.length > 0 ? measured[0].v : 0;
  const lastPoint = measured.length > 0 ? measured[measured.length - 1] : undefined;
  const last = lastPoint?.v ?? 0;
  const direction = last > first ? 'up' : last < first ? 'down' : 'flat';
  const points = measured.map((p) => `${Math.round(px(p.i) * 10) / 10},${Math.round(py(p.v) * 10) / 10}`).join(' ');
  const end = lastPoint ? html`<circle cx="${Math.round(px(lastPoint.i) * 10) / 10}" cy="${Math.round(py(last) * 10) / 10}" r="2.5" data-count="${last}"></circle>` : '';
  // `html` escapes every value (the label carries a service name); used for speed on the overview.
  return html`<svg class="sparkline trend-${direction}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${label}"><title>${label}</title>${measured.length > 1 ? html`<polyline points="${points}"></polyline>` : ''}${end}</svg>`;
};

function oldChangeCell(change: ServiceChange | undefined, days: number) {
  if (!change) return html`<td class="change"><span class="muted" title="no default-branch snapshot yet">—</span></td>`;
  const t = change.total;
  const dir = t > 0 ? 'up' : t < 0 ? 'down' : 'flat';
  const firstHere = change.baseline === 'firstSnapshot' && t === 0;
  const words = firstHere ? `first snapshot ${change.since.slice(5)}` : t > 0 ? `▲ ${t} more open` : t < 0 ? `▼ ${-t} fewer open` : '= no change';
  const moved = DELTA_SEVERITIES.filter((s) => change.open[s] !== 0).map((s) => `${s} ${signed(change.open[s])}`);
  const net = `open findings ${signed(t)}${moved.length ? ` (${moved.join(', ')})` : ''}`;
  const title =
    change.baseline === 'window'
      ? `${change.opened} new or reopened, ${change.fixed} fixed since ${days} days ago (${change.since}); ${net}`
      : `${net} since its first snapshot (${change.since}); ${change.opened} new or reopened, ${change.fixed} fixed in the last ${days} days, counting the findings that snapshot brought`;
  return html`<td class="change" data-total="${t}" data-opened="${change.opened}" data-fixed="${change.fixed}" title="${title}"><span class="delta delta-${dir}">${words}</span><div class="small delta-events"><span class="delta-new">${signed(change.opened)} new</span> / <span class="delta-fixed">${signed(-change.fixed)} fixed</span></div>${
    moved.length > 0 ? html`<div class="small muted delta-sev">${moved.join(' · ')}</div>` : ''
  }${change.baseline === 'firstSnapshot' && !firstHere ? html`<div class="small muted">since first snapshot ${change.since.slice(5)}</div>` : ''}</td>`;
}

function oldServiceRow(row: ServiceRow, now: Date, staleAfterDays: number, changes: ReadonlyMap<string, ServiceChange> | undefined, days: number) {
  const open: SeverityCounts = row.open;
  const trend = row.trend.map((p) => p.total);
  // Days before the first snapshot are null: the line and its label start at the first measured day.
  const firstMeasured = row.trend.find((p) => p.total !== null);
  const first = firstMeasured?.total ?? 0;
  const last = row.trend.length > 0 ? (row.trend[row.trend.length - 1].total ?? 0) : 0;
  const since = firstMeasured?.day ?? '';
  const count = (s: 'critical' | 'high' | 'medium' | 'low') =>
    open[s] > 0 ? html`<span class="count sev-${s}" title="${open[s]} open ${s}">${open[s]}</span>` : html`<span class="count zero">0</span>`;
  const gate = row.lastGate
    ? html`<span class="gate gate-${row.lastGate}">${row.lastGate === 'scanner-error' ? 'scanner error' : row.lastGate}</span>`
    : html`<span class="gate gate-none">—</span>`;
  return html`<tr data-service="${row.name}"><td><a href="${serviceHref(row.name)}">${row.name}</a></td><td class="num">${count('critical')}</td><td class="num">${count('high')}</td><td class="num">${count('medium')}</td><td class="num">${count('low')}</td><td class="num total">${row.openTotal}${
    row.suppressed > 0 ? html`<div class="muted small">+${row.suppressed} suppressed</div>` : ''
  }</td><td>${OldSparkline({ values: trend, label: `${row.name}: ${first} open on ${since}, ${last} now` })}</td>${changes ? oldChangeCell(changes.get(row.name), days) : ''}<td${row.stale ? html` class="stale"` : ''} title="${`last scan ${formatDateTime(row.lastScanAt)}; last default-branch snapshot ${formatDateTime(row.lastSnapshotAt)}`}">${formatAge(row.lastScanAt, now)}${
    row.stale ? html`<span class="marker stale-marker" title="${`no default-branch snapshot for ${staleAfterDays}+ days`}">stale</span>` : ''
  }</td><td>${gate}</td><td class="num">${row.slaBreaches > 0 ? html`<span class="count bad">${row.slaBreaches}</span>` : html`<span class="count zero">0</span>`}</td></tr>`;
}

// ---- the cases
const NOW = new Date('2026-11-24T09:00:00Z');
const KEV_KNOWN: Kev = { cve: 'CVE-2021-44228', dateAdded: '2021-12-10', dueDate: '2026-11-26', ransomware: 'known' };
const KEV_PLAIN = { cve: 'CVE-2024-0003', dateAdded: '2024-01-01', ransomware: 'unknown' } as Kev;

function row(over: Partial<FindingRow>): FindingRow {
  return {
    service: 'pay <ments> & "co"',
    fingerprint: 'fp/1?x=<y>&\'z\'',
    tool: 'trivy',
    category: 'dependency',
    ruleId: 'CVE-2024-1000',
    title: 'Prototype pollution in pkg',
    severity: 'high',
    state: 'open',
    where: 'package-lock.json (pkg@1.0.0)',
    location: {},
    fixAvailable: true,
    suppressed: false,
    firstSeenAt: '2026-11-01T06:00:00.000Z',
    openedAt: '2026-11-01T06:00:00.000Z',
    lastSeenAt: '2026-11-24T06:00:00.000Z',
    fixedAt: null,
    ageDays: 23.1,
    slaBreached: false,
    slaDueAt: '2026-12-01T06:00:00.000Z',
    kev: null,
    epss: null,
    triage: null,
    ...over,
  } as FindingRow;
}

const ROWS: FindingRow[] = [
  row({}),
  row({ title: '<script>alert(1)</script><img src=x onerror=alert(2)> \u202Eexe.txt & "q" \'s', where: 'src/<b>view</b>.ts:12' }),
  row({ title: '', ruleId: 'rule <x>' }),
  row({ kev: KEV_KNOWN, slaDueAt: '2026-11-27T00:00:00.000Z', epss: { cve: 'CVE-2021-44228', probability: 0.944, percentile: 0.999 } as Epss }),
  row({ kev: KEV_PLAIN, epss: { cve: 'CVE-2024-0003', probability: 0.0031, percentile: 0.3 } as Epss, severity: 'critical' }),
  row({ epss: { cve: 'CVE-2024-0004', probability: 0.05, percentile: 0.951 } as Epss, severity: 'medium' }),
  row({ suppressed: true, slaDueAt: null, severity: 'low' }),
  row({ triage: { status: 'accepted_risk', expiresAt: '2027-01-01T23:59:59.999Z', decidedBy: 'bob' }, slaDueAt: null }),
  row({ triage: { status: 'false_positive', expiresAt: null, decidedBy: 'alice' }, kev: KEV_KNOWN, slaDueAt: null }),
  row({ slaBreached: true, slaDueAt: '2026-11-02T06:00:00.000Z', severity: 'critical' }),
  row({ state: 'fixed', fixedAt: '2026-11-20T06:00:00.000Z', slaDueAt: null, ageDays: 19 }),
  row({ state: 'fixed', fixedAt: 'not a date', slaDueAt: null, ageDays: 0 }),
  row({ tool: 'gitleaks', category: 'secret', title: 'zero\u200Bwidth ünïcødé 漢字 😀', severity: 'info', firstSeenAt: 'garbage' }),
  row({ severity: 'unknown', slaDueAt: null, ageDays: 0.5 }),
];

function scan(over: Partial<ScanSummary>): ScanSummary {
  return {
    scanId: 'scan-1',
    service: 'payments',
    kind: 'snapshot',
    createdAt: '2026-11-23T09:00:00.000Z',
    gate: 'passed',
    counts: { critical: 0, high: 1, medium: 0, low: 0, info: 0, unknown: 0 },
    findingCount: 12,
    repository: 'acme/shop',
    ref: 'refs/heads/main',
    commit: 'a1b2c3d4e5f6a7b8c9d0',
    pullRequest: null,
    runUrl: null,
    scanners: [{ scanner: 'trivy-fs', tool: 'trivy', category: 'dependency', status: 'ok' }],
    ingestedBy: 'ci',
    ...over,
  } as ScanSummary;
}

const SCANS: ScanSummary[] = [
  scan({}),
  scan({ kind: 'pr', pullRequest: 42, ref: null, commit: null, gate: 'failed', runUrl: 'https://ci.example/run?a=1&b="2"' }),
  scan({ gate: 'scanner-error', runUrl: 'javascript:alert(1)', scanId: "<id's>", ref: null, createdAt: '2026-11-24T08:59:30.000Z' }),
  scan({
    scanners: [
      { scanner: 'semgrep-sast', tool: 'semgrep', category: 'sast', status: 'error', error: 'exited 2 <stderr> & "boom"' },
      { scanner: 'gitleaks', tool: 'gitleaks', category: 'secret', status: 'error' },
      { scanner: 'checkov', tool: 'checkov', category: 'misconfig', status: 'skipped', reason: 'no <terraform> files' },
      { scanner: 'hadolint', tool: 'hadolint', category: 'misconfig', status: 'not-applicable' },
      { scanner: 'osv', tool: 'osv', category: 'dependency', status: 'imported' },
    ],
    createdAt: 'bad',
  }),
];

describe('findings and scans rows built as strings', () => {
  it.each(['open', 'fixed', 'all'] as const)('give the bytes the JSX rows gave (state %s)', async (state) => {
    const expected = String(await (<OldFindingRows rows={ROWS} state={state} />));
    expect(`<tbody>${ROWS.map((f) => findingRowHtml(f, state)).join('')}</tbody>`).toBe(expected);
    expect(expected).toContain('&lt;script&gt;');
    expect(expected).toContain('data-kev="true"');
  });

  it('give the bytes the JSX scan rows gave', async () => {
    const expected = String(await (<OldScanRows rows={SCANS} now={NOW} />));
    expect(`<tbody>${scanRowsHtml(SCANS, NOW)}</tbody>`).toBe(expected);
    expect(expected).toContain('ledger');
  });

  it('give an empty string for no rows', () => {
    expect(scanRowsHtml([], NOW)).toBe('');
  });
});

/** A chart's markup with each band's drawing left out (its group's class kept). */
const withoutBands = (markup: string) => markup.replace(/<g class="(band [^"]+)">.*?<\/g>/g, '<g class="$1"></g>');

/**
 * Each band's area and line as the points they join, in tenths of a unit, in drawing order: from an
 * absolute path (M x,y L x,y ... Z) or a polyline's points (the JSX chart), or a path of relative
 * steps (l dx,dy, h dx, v dy).
 */
function bandPoints(markup: string): { areas: number[][][]; lines: number[][][] } {
  const pathPoints = (d: string) => {
    const points: number[][] = [];
    let at = [0, 0];
    for (const [, command, args] of d.matchAll(/([MLlhvZ])([^MLlhvZ]*)/g)) {
      const v = [...args.matchAll(/-?[\d.]+/g)].map((m) => Math.round(Number(m[0]) * 10));
      if (command === 'Z') continue;
      at = command === 'M' || command === 'L' ? [v[0], v[1]] : command === 'l' ? [at[0] + v[0], at[1] + v[1]] : command === 'h' ? [at[0] + v[0], at[1]] : [at[0], at[1] + v[0]];
      points.push(at);
    }
    return points;
  };
  const areas = [...markup.matchAll(/<path class="area" d="([^"]+)"/g)].map((m) => pathPoints(m[1]));
  const lines = [
    ...[...markup.matchAll(/<polyline class="line" points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map((v) => Math.round(Number(v) * 10)))),
    ...[...markup.matchAll(/<path class="line" d="([^"]+)"/g)].map((m) => pathPoints(m[1])),
  ];
  return { areas, lines };
}

/** bandPoints without repeated points and without the points inside a level run: the shapes drawn. */
function bandShapes(markup: string) {
  const corners = (points: number[][]) => {
    const distinct = points.filter((p, i) => i === 0 || p[0] !== points[i - 1][0] || p[1] !== points[i - 1][1]);
    return distinct.filter((p, i) => i === 0 || i === distinct.length - 1 || distinct[i - 1][1] !== p[1] || distinct[i + 1][1] !== p[1]);
  };
  const { areas, lines } = bandPoints(markup);
  return { areas: areas.map(corners), lines: lines.map(corners) };
}

describe('posture chart built as a string', () => {
  // A random walk of counts (seeded), with days before the first snapshot and quiet severities.
  function walk(days: number, startAt: number, seed: number, quiet: Severity[] = []): ChartDay[] {
    let x = seed;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const c: Record<string, number> = { critical: 2, high: 5, medium: 9, low: 14, info: 0, unknown: 0 };
    const points = [];
    for (let d = startAt; d < days; d++) {
      for (const s of ['critical', 'high', 'medium', 'low'] as const) if (!quiet.includes(s)) c[s] = Math.max(0, c[s] + Math.round((rnd() - 0.5) * 3));
      points.push({ day: new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10), counts: { ...c } });
    }
    return densifySeries(points, '2026-01-01', new Date(Date.UTC(2026, 0, 1) + (days - 1) * 86_400_000).toISOString().slice(0, 10));
  }
  const cases: [string, ChartDay[]][] = [
    ['90 days', walk(90, 0, 1)],
    ['30 days, first scan on day 12', walk(30, 12, 2)],
    ['365 days', walk(365, 0, 3)],
    ['180 days, only low and medium', walk(180, 40, 4, ['critical', 'high'])],
    ['one day', walk(1, 0, 5)],
    ['no scans', densifySeries([], '2026-01-01', '2026-03-31')],
    ['all zero', densifySeries([{ day: '2026-01-01', counts: {} }], '2026-01-01', '2026-01-30')],
    ['first scan on the last day', walk(90, 89, 6)],
  ];
  // The chart draws the bands' edges as relative path steps between the points that are not inside a
  // level run (changed on purpose: the JSX chart joined every day's point): the same picture, so
  // everything but the bands is the same bytes, and the bands are the same shapes.
  it.each(cases)('draws the picture the JSX chart drew, every other byte the same (%s)', async (_name, series) => {
    const label = 'pay <ments> & "co": open findings by severity, last 90 days';
    const expected = String(await (<OldPostureChart series={series} label={label} />));
    const drawn = postureChartHtml(series, label);
    expect(withoutBands(drawn)).toBe(withoutBands(expected));
    expect(bandShapes(drawn)).toEqual(bandShapes(expected));
    expect(expected).toContain('posture-chart compact');
  });
  it.each(cases)('draws no point inside a level run of a band (%s)', async (_name, series) => {
    const drawn = postureChartHtml(series, 'payments');
    for (const edge of [...bandPoints(drawn).areas, ...bandPoints(drawn).lines]) {
      const inside = edge.filter((p, i) => i > 0 && i < edge.length - 1 && edge[i - 1][1] === p[1] && edge[i + 1][1] === p[1]);
      expect(inside).toEqual([]);
    }
  });
  // The cached chart piece is written as UTF-8 without one two-byte string (postureChartUtf8).
  it.each(cases)('as UTF-8 gives the bytes of its text (%s)', async (_name, series) => {
    for (const label of ['pay <ments> & "co": open findings by severity, last 90 days', 'pay—é 😀 \u202e\u200b ménts: open findings by severity, last 90 days']) {
      const text = postureChartHtml(series, label);
      expect((await postureChartUtf8(series, label)).equals(Buffer.from(text, 'utf8'))).toBe(true);
    }
  });
});

describe('overview rows built as strings', () => {
  const trend = (values: (number | null)[]) => values.map((total, i) => ({ day: new Date(Date.UTC(2026, 9, 26) + i * 86_400_000).toISOString().slice(0, 10), total }));
  function overviewRow(over: Partial<ServiceRow>): ServiceRow {
    return {
      name: 'payments',
      open: { critical: 2, high: 0, medium: 7, low: 1, info: 0, unknown: 0 },
      openTotal: 10,
      suppressed: 0,
      trend: trend(Array.from({ length: 30 }, (_, i) => 10 + ((i * 7) % 5))),
      lastScanAt: '2026-11-24T06:00:00.000Z',
      lastSnapshotAt: '2026-11-24T06:00:00.000Z',
      stale: false,
      lastGate: 'passed',
      slaBreaches: 0,
      ...over,
    } as ServiceRow;
  }
  const change = (over: Partial<ServiceChange>): ServiceChange =>
    ({ service: 'payments', since: '2026-11-17', baseline: 'window', open: { critical: 1, high: 0, medium: -2, low: 0, info: 0, unknown: 0 }, total: -1, opened: 3, fixed: 4, ...over }) as ServiceChange;
  const rows: [ServiceRow, ServiceChange | undefined][] = [
    [overviewRow({}), change({})],
    [overviewRow({ name: '<b>pay</b> & "q" \'s \u202E', suppressed: 3, stale: true, lastGate: 'failed', slaBreaches: 4 }), change({ total: 5, baseline: 'firstSnapshot', since: '2026-11-20' })],
    [overviewRow({ trend: trend([null, null, null, 4, 4, 5]), lastGate: 'scanner-error', lastScanAt: null, lastSnapshotAt: null }), change({ total: 0, open: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 }, opened: 0, fixed: 0 })],
    [overviewRow({ trend: trend([null, null, 7]), lastGate: null }), undefined],
    [overviewRow({ trend: trend([null, null]), open: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 }, openTotal: 0 }), undefined],
    [overviewRow({ trend: trend([3]) }), change({ total: 2 })],
    [overviewRow({ trend: trend([0, 0, 0]) }), change({})],
  ];
  it.each([true, false])('give the bytes the html-tag rows gave (change column: %s)', async (withChanges) => {
    for (const [r, c] of rows) {
      const changes = withChanges ? new Map(c ? [[r.name, c]] : []) : undefined;
      for (const days of [7, 30]) {
        const expected = String(await oldServiceRow(r, NOW, 14, changes, days));
        expect(serviceRowHtml(r, NOW, 14, changes, days)).toBe(expected);
      }
    }
  });
});
