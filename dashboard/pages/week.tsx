// "This week, at a glance": the overview's first panel. What changed in the window (7, 14 or 30
// days: new, fixed and reopened findings, counted in full and the newest listed, each linking to its
// finding), the oldest open findings, the SLA breaches now, and the portfolio's remediation over 13
// weeks (open findings past their SLA per day, days to remediate per week), across every service.
// Each service's change over the window is a column of the overview table (`changeCell`).
import type { FC } from 'hono/jsx';
import { RemediationCharts } from '../components/charts.js';
import { formatAge, formatDateTime, queryString } from '../components/format.js';
import { esc } from '../components/html-text.js';
import { SeverityBadge } from '../components/severity.js';
import type { ServiceChange, WeekResponse } from '../store/week.js';
import { DEFAULT_WEEK_DAYS, WEEK_WINDOWS } from '../week-read.js';
import { findingHref } from '../components/hrefs.js';

const KIND_LABEL = { opened: 'new', fixed: 'fixed', reopened: 'reopened' } as const;

/** "This week" for 7 days, "The last N days" otherwise. */
function windowTitle(days: number): string {
  return days === 7 ? 'This week, at a glance' : `The last ${days} days, at a glance`;
}

export const WeekAtAGlance: FC<{ week: WeekResponse; now: Date; keep?: Record<string, string | number | undefined> }> = ({ week, now, keep = {} }) => {
  const total = week.counts.opened + week.counts.fixed + week.counts.reopened;
  const days = week.days;
  const slaBreaches = week.slaBreachesNow;
  return (
    <section class="week" aria-labelledby="week-title" data-days={String(days)}>
      <div class="section-head">
        <h2 id="week-title">{windowTitle(days)}</h2>
        <nav class="windows" aria-label="Window">
          {WEEK_WINDOWS.map((d) => (
            <a
              class={d === days ? 'active' : undefined}
              aria-current={d === days ? 'true' : undefined}
              href={`/${queryString({ ...keep, days: d === DEFAULT_WEEK_DAYS ? undefined : d })}#week-title`}
            >
              {d} days
            </a>
          ))}
        </nav>
      </div>
      <p class="week-counts">
        <span class="week-count week-opened" data-kind="opened">
          <strong>{week.counts.opened}</strong> new
        </span>
        <span class="week-count week-fixed" data-kind="fixed">
          <strong>{week.counts.fixed}</strong> fixed
        </span>
        <span class="week-count week-reopened" data-kind="reopened">
          <strong>{week.counts.reopened}</strong> reopened
        </span>
        <span class={`week-count week-sla${slaBreaches > 0 ? ' bad' : ''}`} data-kind="sla">
          <strong>{slaBreaches}</strong> {slaBreaches === 1 ? 'SLA breach' : 'SLA breaches'} now
        </span>
        <span class="muted small"> since {formatDateTime(week.since)} (default-branch snapshots, every service)</span>
      </p>
      <div class="panels week-panels">
        <div class="panel">
          <h3>Changes in the last {days} days</h3>
          {total === 0 ? (
            <p class="empty-state">No finding was opened, fixed or reopened in the last {days} days.</p>
          ) : (
            <ul class="week-events">
              {week.events.map((e) => (
                <li data-kind={e.kind}>
                  <span class={`event-kind kind-${e.kind}`}>{KIND_LABEL[e.kind]}</span> <SeverityBadge severity={e.severity} />{' '}
                  <a href={findingHref(e.service, e.fingerprint)}>{e.title}</a> <span class="muted small">in {e.service}, {formatAge(e.at, now)}</span>
                </li>
              ))}
            </ul>
          )}
          {total > week.events.length ? <p class="muted small">Newest {week.events.length} of {total} shown.</p> : null}
        </div>
        <div class="panel">
          <h3>Oldest open findings</h3>
          {week.oldestOpen.length === 0 ? (
            <p class="empty-state">No open finding (suppressed and triaged ones are not counted).</p>
          ) : (
            <ol class="week-oldest">
              {week.oldestOpen.map((f) => (
                <li>
                  <SeverityBadge severity={f.severity} /> <a href={findingHref(f.service, f.fingerprint)}>{f.title}</a>{' '}
                  <span class="muted small">in {f.service}, opened {formatAge(f.openedAt, now)}</span>
                </li>
              ))}
            </ol>
          )}
        </div>
      </div>
      <RemediationCharts trend={week.remediation} />
    </section>
  );
};

const MINUS = '\u2212';
/** +3, −5, 0 (a real minus sign). */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `${MINUS}${-n}` : '0';
}

const DELTA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/**
 * The change cell's tooltip. A service first scanned inside the window is compared with its first
 * snapshot, while its new findings count that snapshot's own (each was new to the dashboard then):
 * said in so many words, else "no change" beside "+14 new" reads as a contradiction.
 */
function changeTitle(change: ServiceChange, days: number, moved: readonly string[]): string {
  const net = `open findings ${signed(change.total)}${moved.length ? ` (${moved.join(', ')})` : ''}`;
  return change.baseline === 'window'
    ? `${change.opened} new or reopened, ${change.fixed} fixed since ${days} days ago (${change.since}); ${net}`
    : `${net} since its first snapshot (${change.since}); ${change.opened} new or reopened, ${change.fixed} fixed in the last ${days} days, counting the findings that snapshot brought`;
}

/**
 * A service's change over the window as a table cell: the net change of its open findings in words
 * and an arrow (colour only repeats it), the new and fixed findings, and which severities moved.
 * No snapshot at all: a dash.
 */
export function changeCell(change: ServiceChange | undefined, days: number): string {
  if (!change) return '<td class="change"><span class="muted" title="no default-branch snapshot yet">—</span></td>';
  const t = change.total;
  const dir = t > 0 ? 'up' : t < 0 ? 'down' : 'flat';
  // A service first scanned inside the window with no net change says so, not "no change" above
  // "+14 new" (the findings its first snapshot brought).
  const firstHere = change.baseline === 'firstSnapshot' && t === 0;
  const words = firstHere ? `first snapshot ${change.since.slice(5)}` : t > 0 ? `▲ ${t} more open` : t < 0 ? `▼ ${-t} fewer open` : '= no change';
  const moved = DELTA_SEVERITIES.filter((s) => change.open[s] !== 0).map((s) => `${s} ${signed(change.open[s])}`);
  const title = changeTitle(change, days, moved);
  return `<td class="change" data-total="${t}" data-opened="${change.opened}" data-fixed="${change.fixed}" title="${esc(title)}"><span class="delta delta-${dir}">${words}</span><div class="small delta-events"><span class="delta-new">${esc(signed(change.opened))} new</span> / <span class="delta-fixed">${esc(signed(-change.fixed))} fixed</span></div>${
    moved.length > 0 ? `<div class="small muted delta-sev">${esc(moved.join(' · '))}</div>` : ''
  }${change.baseline === 'firstSnapshot' && !firstHere ? `<div class="small muted">since first snapshot ${esc(change.since.slice(5))}</div>` : ''}</td>`;
}

/** The service page's line as markup: its change over the last `days` days ('' without a change). */
export function serviceChangeLineHtml(change: ServiceChange | undefined, days: number): string {
  if (!change) return '';
  const t = change.total;
  const dir = t > 0 ? 'up' : t < 0 ? 'down' : 'flat';
  const moved = DELTA_SEVERITIES.filter((s) => change.open[s] !== 0).map((s) => `${s} ${signed(change.open[s])}`);
  const words = t > 0 ? `▲ ${t} more open` : t < 0 ? `▼ ${-t} fewer open` : '= no change in open findings';
  const sentence =
    change.baseline === 'window'
      ? `in the last ${days} days: ${signed(change.opened)} new or reopened, ${signed(-change.fixed)} fixed${moved.length > 0 ? ` (${moved.join(', ')})` : ''}.`
      : `since its first snapshot on ${change.since}${moved.length > 0 ? ` (${moved.join(', ')})` : ''}; in the last ${days} days, counting the findings that snapshot brought: ${signed(change.opened)} new or reopened, ${signed(-change.fixed)} fixed.`;
  return `<p class="service-change" data-total="${esc(String(t))}" data-opened="${esc(String(change.opened))}" data-fixed="${esc(String(change.fixed))}"><span class="delta delta-${dir}">${esc(words)}</span> ${esc(sentence)}</p>`;
}
