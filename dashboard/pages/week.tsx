// "This week, at a glance": the overview's first panel. What changed in the last 7 days (new, fixed
// and reopened findings, counted in full and the newest listed, each linking to its finding), the
// oldest open findings and the SLA breaches now, across every service.
import type { FC } from 'hono/jsx';
import { formatAge, formatDateTime } from '../components/format.js';
import { SeverityBadge } from '../components/severity.js';
import type { WeekSummary } from '../store/types.js';
import { findingHref } from './view-models.js';

export const WEEK_DAYS = 7;
/** Events listed on the panel (the counts cover every one). */
export const WEEK_LIST_LIMIT = 10;

const KIND_LABEL = { opened: 'new', fixed: 'fixed', reopened: 'reopened' } as const;

export const WeekAtAGlance: FC<{ week: WeekSummary; slaBreaches: number; now: Date }> = ({ week, slaBreaches, now }) => {
  const total = week.counts.opened + week.counts.fixed + week.counts.reopened;
  return (
    <section class="week" aria-labelledby="week-title">
      <h2 id="week-title">This week, at a glance</h2>
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
          <h3>Changes in the last {WEEK_DAYS} days</h3>
          {total === 0 ? (
            <p class="empty-state">No finding was opened, fixed or reopened in the last {WEEK_DAYS} days.</p>
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
    </section>
  );
};
