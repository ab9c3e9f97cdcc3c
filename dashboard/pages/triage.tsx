// Triage on the pages: the decision panel of a finding (what is decided, by whom, until when, and
// its history), the form that sets or clears it, and the bulk page that applies one decision to
// many findings of a service. Plain forms with native controls (radio group, date, select): usable
// by keyboard and without script; every form carries the session's CSRF token.
import type { FC } from 'hono/jsx';
import { TRIAGE_STATUS_LABELS, TRIAGE_STATUSES, VEX_JUSTIFICATIONS, type TriageDecision, type TriageEvent } from '../../src/report/triage.js';
import { countOf, formatDateTime, formatDay, safeHttpUrl } from '../components/format.js';
import { GateBadge } from '../components/gate.js';
import { Alerts, Layout, type ViewerInfo } from '../components/layout.js';
import { SeverityBadge } from '../components/severity.js';
import type { FindingRow, PullRequestScanDetail } from '../store/types.js';
import { findingHref, serviceHref } from '../components/hrefs.js';

const VEX_LABELS: Record<(typeof VEX_JUSTIFICATIONS)[number], string> = {
  component_not_present: 'Component not present',
  vulnerable_code_not_present: 'Vulnerable code not present',
  vulnerable_code_not_in_execute_path: 'Vulnerable code not in execute path',
  vulnerable_code_cannot_be_controlled_by_adversary: 'Vulnerable code cannot be controlled by an adversary',
  inline_mitigations_already_exist: 'Inline mitigations already exist',
};

/** The fields of a triage decision, shared by the finding's form and the bulk form. */
const TriageFields: FC<{ idPrefix: string; current?: TriageDecision | null }> = ({ idPrefix, current }) => (
  <>
    <fieldset class="triage-status">
      <legend>Decision</legend>
      {TRIAGE_STATUSES.map((s, i) => (
        <label class="radio">
          <input type="radio" name="status" value={s} id={`${idPrefix}-status-${s}`} required checked={current ? current.status === s : i === 0} /> {TRIAGE_STATUS_LABELS[s]}
        </label>
      ))}
    </fieldset>
    <label for={`${idPrefix}-reason`}>Reason (required)</label>
    <textarea id={`${idPrefix}-reason`} name="reason" rows={3} maxlength={1000} required>
      {current?.reason ?? ''}
    </textarea>
    <div class="triage-row">
      <span>
        <label for={`${idPrefix}-owner`}>Owner (accepted risk)</label>
        <input id={`${idPrefix}-owner`} name="owner" type="text" maxlength={200} value={current?.owner ?? ''} />
      </span>
      <span>
        <label for={`${idPrefix}-until`}>Accepted until (accepted risk)</label>
        <input id={`${idPrefix}-until`} name="until" type="date" value={current?.expiresAt ? current.expiresAt.slice(0, 10) : ''} />
      </span>
    </div>
    <label for={`${idPrefix}-justification`}>VEX justification (not affected)</label>
    <select id={`${idPrefix}-justification`} name="justification">
      <option value="">—</option>
      {VEX_JUSTIFICATIONS.map((j) => (
        <option value={j} selected={current?.justification === j}>
          {VEX_LABELS[j]}
        </option>
      ))}
    </select>
  </>
);

const TriageSummary: FC<{ decision: TriageDecision }> = ({ decision: d }) => (
  <dl class="triage-current">
    <dt>Decision</dt>
    <dd>
      <span class={`triage-badge triage-${d.status}`}>{TRIAGE_STATUS_LABELS[d.status]}</span>
    </dd>
    <dt>Reason</dt>
    <dd>{d.reason}</dd>
    {d.justification ? (
      <>
        <dt>VEX justification</dt>
        <dd>{VEX_LABELS[d.justification]}</dd>
      </>
    ) : null}
    {d.owner ? (
      <>
        <dt>Owner</dt>
        <dd>{d.owner}</dd>
      </>
    ) : null}
    {d.expiresAt ? (
      <>
        <dt>Until</dt>
        <dd>{formatDay(d.expiresAt)} (then it counts again)</dd>
      </>
    ) : null}
    <dt>Decided</dt>
    <dd>
      by <strong>{d.decidedBy}</strong> on {formatDateTime(d.decidedAt)}
    </dd>
  </dl>
);

const NOT_TRIAGED = {
  open: 'Not triaged: it counts in the gate and the SLA.',
  fixed: 'Not triaged. It is fixed and counts nowhere now; a decision here applies if it comes back.',
  suppressed: 'Not triaged. It is suppressed, so it counts in neither the gate nor the SLA.',
} as const;

/** The triage panel of a finding page. */
export const TriagePanel: FC<{
  service: string;
  fingerprint: string;
  current: TriageDecision | null;
  /** What the finding counts in without a decision: a fixed or suppressed one counts nowhere. */
  counting: 'open' | 'fixed' | 'suppressed';
  canTriage: boolean;
  csrfToken: string;
  error?: string;
  notice?: string;
}> = ({ service, fingerprint, current, counting, canTriage, csrfToken, error, notice }) => {
  const action = `${findingHref(service, fingerprint)}/triage`;
  return (
    <section class="panel triage-panel" id="triage" aria-labelledby="triage-heading">
      <h2 id="triage-heading">Triage</h2>
      <Alerts error={error} notice={notice} />
      {current ? <TriageSummary decision={current} /> : <p class="muted">{NOT_TRIAGED[counting]}</p>}
      {canTriage ? (
        <>
          <form method="post" action={action} class="triage-form">
            <input type="hidden" name="_csrf" value={csrfToken} />
            <input type="hidden" name="op" value="set" />
            <TriageFields idPrefix="t" current={current} />
            <button type="submit">{current ? 'Change decision' : 'Save decision'}</button>
          </form>
          {current ? (
            <form method="post" action={action} class="triage-clear">
              <input type="hidden" name="_csrf" value={csrfToken} />
              <input type="hidden" name="op" value="clear" />
              <button type="submit" class="secondary">
                Clear decision
              </button>
            </form>
          ) : null}
        </>
      ) : (
        <p class="muted small">Triage needs a triager or admin sign-in.</p>
      )}
    </section>
  );
};

const EVENT_TEXT: Record<TriageEvent['action'], string> = { set: 'set', cleared: 'cleared', expired: 'expired' };

export const TriageHistory: FC<{ history: TriageEvent[] }> = ({ history }) =>
  history.length === 0 ? null : (
    <section aria-labelledby="triage-history-heading">
      <h2 id="triage-history-heading">Triage history</h2>
      <ol class="timeline triage-history">
        {history.map((e) => (
          <li class={`event triage-event-${e.action}`}>
            <span class="event-when">{formatDateTime(e.at)}</span>{' '}
            <span class="event-kind">
              {e.action === 'set' && e.status ? TRIAGE_STATUS_LABELS[e.status] : EVENT_TEXT[e.action]}
            </span>{' '}
            <span class="event-detail">
              {e.action === 'expired' ? `acceptance until ${e.expiresAt ? formatDay(e.expiresAt) : '?'} ended: it counts again` : `by ${e.actor}`}
              {e.action === 'set' && e.owner ? `, owner ${e.owner}` : ''}
              {e.action === 'set' && e.expiresAt ? `, until ${formatDay(e.expiresAt)}` : ''}
              {e.action === 'set' && e.justification ? `, ${VEX_LABELS[e.justification]}` : ''}
              {e.action === 'set' && e.reason ? `: ${e.reason}` : ''}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );

/** The bulk page: a service's open findings with a checkbox each, and one decision for the checked. */
export const BulkTriagePage: FC<{
  viewer: ViewerInfo;
  service: string;
  findings: FindingRow[];
  total: number;
  error?: string;
  notice?: string;
}> = ({ viewer, service, findings, total, error, notice }) => (
  <Layout title={`Triage · ${service}`} viewer={viewer} active="overview">
    <p class="crumbs">
      <a href="/">Services</a> / <a href={serviceHref(service)}>{service}</a> / triage
    </p>
    <h1>Triage open findings of {service}</h1>
    <Alerts error={error} notice={notice} />
    <form method="post" action={`${serviceHref(service)}/triage`} class="bulk-triage">
      <input type="hidden" name="_csrf" value={viewer.csrfToken} />
      <table class="data">
        <caption class="muted small">
          {findings.length < total ? `The ${findings.length} worst of ${total} open findings` : countOf(total, 'open finding')}; check the ones the decision applies to.
        </caption>
        <thead>
          <tr>
            <th scope="col">Apply</th>
            <th scope="col">Severity</th>
            <th scope="col">Finding</th>
            <th scope="col">Where</th>
            <th scope="col">Triage</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((f, i) => (
            <tr>
              <td>
                <input type="checkbox" name="fp" value={f.fingerprint} id={`bulk-${i}`} aria-label={`Apply to ${f.ruleId} ${f.where}`} />
              </td>
              <td>
                <SeverityBadge severity={f.severity} />
              </td>
              <td>
                <label for={`bulk-${i}`}>{f.title || f.ruleId}</label> <a href={findingHref(f.service, f.fingerprint)} class="small">details</a>
              </td>
              <td class="mono small wrap">{f.where}</td>
              <td>{f.triage ? <span class={`triage-badge triage-${f.triage.status}`}>{TRIAGE_STATUS_LABELS[f.triage.status]}</span> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="panel triage-form">
        <TriageFields idPrefix="bulk" />
        <button type="submit" name="op" value="set">
          Apply to checked findings
        </button>{' '}
        <button type="submit" name="op" value="clear" class="secondary" formnovalidate>
          Clear their decisions
        </button>
      </div>
    </form>
  </Layout>
);

/**
 * A failing PR scan of one service: the findings its gate blocked on (which only the PR may have
 * seen), each with its triage decision, and for triagers one decision for the checked ones.
 */
export const PullRequestTriagePage: FC<{
  viewer: ViewerInfo;
  detail: PullRequestScanDetail;
  action: string;
  canTriage: boolean;
  error?: string;
  notice?: string;
}> = ({ viewer, detail, action, canTriage, error, notice }) => {
  const { scan, findings } = detail;
  const pr = scan.pullRequest === null ? 'PR scan without a number' : `${scan.repository ?? ''}#${scan.pullRequest}`;
  const run = scan.runUrl ? safeHttpUrl(scan.runUrl) : undefined;
  const table = (
    <table class="data">
      <caption class="muted small">
        {findings.length} blocking finding{findings.length === 1 ? '' : 's'}
        {canTriage ? '; check the ones the decision applies to.' : ''}
      </caption>
      <thead>
        <tr>
          {canTriage ? <th scope="col">Apply</th> : null}
          <th scope="col">Severity</th>
          <th scope="col">Finding</th>
          <th scope="col">Where</th>
          <th scope="col">Triage</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f, i) => (
          <tr>
            {canTriage ? (
              <td>
                <input type="checkbox" name="fp" value={f.fingerprint} id={`pr-${i}`} aria-label={`Apply to ${f.ruleId} ${f.where}`} />
              </td>
            ) : null}
            <td>
              <SeverityBadge severity={f.severity} />
            </td>
            <td>
              {canTriage ? <label for={`pr-${i}`}>{f.title || f.ruleId}</label> : f.title || f.ruleId} <span class="mono small wrap">{f.ruleId}</span>
            </td>
            <td class="mono small wrap">{f.where}</td>
            <td>
              {f.triage ? (
                <span class={`triage-badge triage-${f.triage.status}`} title={`decided by ${f.triage.decidedBy}${f.triage.expiresAt ? `, until ${formatDay(f.triage.expiresAt)}` : ''}`}>
                  {TRIAGE_STATUS_LABELS[f.triage.status]}
                </span>
              ) : (
                <span class="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Layout title={`${pr} · ${scan.service}`} viewer={viewer} active="pulls">
      <p class="crumbs">
        <a href="/pulls">Pull requests</a> / <a href={serviceHref(scan.service)}>{scan.service}</a> / <span class="wrap">{pr}</span>
      </p>
      <h1>
        {pr} in {scan.service}
      </h1>
      <p>
        <GateBadge outcome={scan.gate} /> scanned {formatDateTime(scan.lastScanAt)}
        {scan.commit ? <span class="mono small"> · commit {scan.commit.slice(0, 10)}</span> : null}
        {run ? (
          <>
            {' '}
            · <a href={run} rel="noopener noreferrer">run</a>
          </>
        ) : null}
      </p>
      <p class="muted">
        What this scan's gate blocked on. A decision here is kept for the service and the finding's fingerprint: the action reads it on its next run and counts the finding as
        suppressed, on this pull request and on the default branch.
      </p>
      <Alerts error={error} notice={notice} />
      {findings.length === 0 ? (
        <p class="empty-state">{scan.gate === 'passed' ? 'This scan passed its gate.' : 'This scan kept no blocking findings (its gate failed for another reason, such as a scanner error).'}</p>
      ) : (
        canTriage ? (
          <form method="post" action={action} class="bulk-triage">
            <input type="hidden" name="_csrf" value={viewer.csrfToken} />
            {table}
            <div class="panel triage-form">
              <TriageFields idPrefix="pr" />
              <button type="submit" name="op" value="set">
                Apply to checked findings
              </button>{' '}
              <button type="submit" name="op" value="clear" class="secondary" formnovalidate>
                Clear their decisions
              </button>
            </div>
          </form>
        ) : (
          <>
            {table}
            <p class="muted small">Triage needs a triager or admin sign-in.</p>
          </>
        )
      )}
    </Layout>
  );
};
