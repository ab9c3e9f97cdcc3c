// One finding: what and where, how to fix it, whether and why it is suppressed, and its lifecycle
// (opened, fixed, reopened) across default-branch scans.
import type { FC } from 'hono/jsx';
import { countOf, formatDay, formatDateTime, safeHttpUrl } from '../components/format.js';
import { Layout, type ViewerInfo } from '../components/layout.js';
import { SeverityBadge } from '../components/severity.js';
import type { FindingDetail, SlaDays } from '../store/types.js';
import { findingIds } from '../../src/enrich/ids.js';
import { ExploitPanel, KevMarker } from '../components/exploit.js';
import type { TriageDecision, TriageEvent } from '../../src/report/triage.js';
import { TriageHistory, TriagePanel } from './triage.js';
import { describeLocation, slaDueDay } from './view-models.js';
import { serviceHref } from '../components/hrefs.js';

interface FindingTriageProps {
  current: TriageDecision | null;
  history: TriageEvent[];
  canTriage: boolean;
  error?: string;
  notice?: string;
}

export const FindingPage: FC<{ viewer: ViewerInfo; detail: FindingDetail; sla: SlaDays; now: Date; triage?: FindingTriageProps }> = ({ viewer, detail, now, triage }) => {
  const { row, finding } = detail;
  const f = {
    ...finding,
    service: row.service,
    severity: row.severity,
    title: row.title,
    state: row.state === 'open' && triage?.current ? 'triaged' : row.suppressed && row.state === 'open' ? 'suppressed' : row.state,
    firstSeen: row.firstSeenAt,
    lastSeen: row.lastSeenAt,
    fixedAt: row.fixedAt,
    // From the store: opened + the severity's SLA, capped at the KEV due date; none when suppressed
    // or triaged (the store does not count those as breaches either).
    slaDue: triage?.current ? undefined : slaDueDay(row),
    slaBreached: row.slaBreached,
    suppression: detail.suppression ?? undefined,
  };
  const pkg = f.location.package;
  const expired = f.suppression?.expires ? Date.parse(`${f.suppression.expires}T23:59:59Z`) < now.getTime() : false;
  return (
    <Layout title={f.title || f.ruleId} viewer={viewer} active="overview">
      <p class="crumbs">
        <a href="/">Services</a> / <a href={serviceHref(f.service)}>{f.service}</a> / finding
      </p>
      <h1 class="finding-heading">
        <SeverityBadge severity={f.severity} /> <span class="finding-title-text">{f.title || f.ruleId}</span>
      </h1>
      <p class="finding-state">
        <span class={`state state-${f.state}`}>{f.state}</span>
        <span class="meta">
          first seen <strong>{formatDay(f.firstSeen)}</strong>
        </span>
        {f.lastSeen ? (
          <span class="meta">
            last seen <strong>{formatDay(f.lastSeen)}</strong>
          </span>
        ) : null}
        {f.fixedAt ? (
          <span class="meta">
            fixed <strong>{formatDay(f.fixedAt)}</strong>
          </span>
        ) : null}
        {f.slaDue ? (
          <span class={`meta ${f.slaBreached ? 'bad-text' : ''}`}>
            SLA due <strong>{f.slaDue.day}</strong>
            {f.slaDue.kev ? <span class="small"> (CISA KEV due date)</span> : null}
            {f.slaBreached ? <span class="marker breach-marker">breached</span> : null}
          </span>
        ) : null}
        <KevMarker kev={row.kev} />
      </p>

      <div class="panels">
        <section class="panel">
          <h2>What</h2>
          <dl>
            <dt>Rule</dt>
            <dd class="mono">{f.ruleId}</dd>
            <dt>Tool</dt>
            <dd>{f.tool}</dd>
            <dt>Category</dt>
            <dd>{f.category}</dd>
            {f.cvss ? (
              <>
                <dt>CVSS</dt>
                <dd>
                  {f.cvss.score.toFixed(1)} {f.cvss.vector ? <span class="mono small">{f.cvss.vector}</span> : null}
                </dd>
              </>
            ) : null}
            {f.cwe.length > 0 ? (
              <>
                <dt>CWE</dt>
                <dd>{f.cwe.join(', ')}</dd>
              </>
            ) : null}
            <dt>Fingerprint</dt>
            <dd class="mono small">{f.fingerprint}</dd>
          </dl>
          {f.message && f.message !== f.title ? <p class="message">{f.message}</p> : null}
        </section>

        <ExploitPanel row={row} ids={findingIds(finding)} />

        <section class="panel">
          <h2>Where</h2>
          <p class="where mono">{describeLocation(f.location)}</p>
          <dl>
            {f.location.path ? (
              <>
                <dt>File</dt>
                <dd class="mono">
                  {f.location.path}
                  {f.location.startLine !== undefined ? `:${f.location.startLine}` : ''}
                </dd>
              </>
            ) : null}
            {pkg ? (
              <>
                <dt>Package</dt>
                <dd class="mono">
                  {pkg.ecosystem} {pkg.name}@{pkg.version}
                </dd>
              </>
            ) : null}
            {f.location.image ? (
              <>
                <dt>Image</dt>
                <dd class="mono">{f.location.image}</dd>
              </>
            ) : null}
            {f.secretPreview ? (
              <>
                <dt>Secret</dt>
                <dd class="mono">{f.secretPreview}</dd>
              </>
            ) : null}
          </dl>
        </section>

        <section class="panel">
          <h2>Fix</h2>
          {f.fix ? <p class="fix">{f.fix}</p> : null}
          {pkg && pkg.fixedVersions.length > 0 ? (
            <p>
              Fixed in <span class="mono">{pkg.fixedVersions.join(', ')}</span>
            </p>
          ) : null}
          {!f.fix && !(pkg && pkg.fixedVersions.length > 0) ? (
            <p class="muted">{f.fixAvailable ? 'A fix exists; see the references.' : 'No fix known yet.'}</p>
          ) : null}
          {f.references.length > 0 ? (
            <ul class="refs">
              {f.references.map((r) => {
                const url = safeHttpUrl(r);
                return <li>{url ? <a href={url} rel="noopener noreferrer">{r}</a> : <span class="mono">{r}</span>}</li>;
              })}
            </ul>
          ) : null}
        </section>

        <section class="panel">
          <h2>Suppression</h2>
          {f.suppression ? (
            <dl>
              <dt>Source</dt>
              <dd>{f.suppression.source}</dd>
              <dt>Reason</dt>
              <dd>{f.suppression.reason ?? <span class="muted">none given</span>}</dd>
              <dt>Owner</dt>
              <dd>{f.suppression.owner ?? <span class="muted">none given</span>}</dd>
              <dt>Expires</dt>
              <dd class={expired ? 'bad-text' : undefined}>
                {f.suppression.expires ?? <span class="muted">never</span>}
                {expired ? <span class="marker breach-marker">expired</span> : null}
              </dd>
            </dl>
          ) : (
            <p class="muted">Not suppressed.</p>
          )}
        </section>
        {triage ? (
          <TriagePanel
            service={row.service}
            fingerprint={row.fingerprint}
            current={triage.current}
            counting={row.state !== 'open' ? 'fixed' : row.suppressed ? 'suppressed' : 'open'}
            canTriage={triage.canTriage}
            csrfToken={viewer.csrfToken}
            error={triage.error}
            notice={triage.notice}
          />
        ) : null}
      </div>

      {triage ? <TriageHistory history={triage.history} /> : null}

      <section>
        <h2>History</h2>
        {detail.events.length === 0 ? (
          <p class="muted">No lifecycle events recorded (seen only in pull-request scans).</p>
        ) : (
          <ol class="timeline">
            {detail.events.map((e) => (
              <li class={`event event-${e.kind}`}>
                <span class="event-when">{formatDateTime(e.at)}</span> <span class="event-kind">{e.kind}</span>
                {e.openDays !== undefined ? <span class="event-detail"> after {countOf(e.openDays, 'day')} open</span> : null}
                <span class="mono small muted"> scan {e.scanId}</span>
              </li>
            ))}
          </ol>
        )}
        {detail.scans.length > 0 ? (
          <details class="seen-in">
            <summary>Seen in {detail.scans.length} {detail.scans.length === 1 ? 'scan' : 'scans'}</summary>
            <table class="data">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Kind</th>
                  <th>Commit</th>
                  <th>Scan id</th>
                </tr>
              </thead>
              <tbody>
                {detail.scans.map((s) => (
                  <tr>
                    <td>{formatDateTime(s.createdAt)}</td>
                    <td>{s.kind === 'pr' ? 'pull request' : 'snapshot'}</td>
                    <td class="mono">{s.commit ? s.commit.slice(0, 10) : '—'}</td>
                    <td class="mono small">{s.scanId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        ) : null}
      </section>
    </Layout>
  );
};

