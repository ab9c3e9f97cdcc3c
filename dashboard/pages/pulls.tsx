// The pull-request view: PR scans apart from the services' default-branch state. Per service, the
// pull requests scanned in the window whose latest scan fails the gate (all of them with
// `gate=all`). The dashboard does not hear when a PR closes: "open" means scanned in the window.
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { formatAge, formatDateTime, nounFor, queryString, safeHttpUrl } from '../components/format.js';
import { GateBadge } from '../components/gate.js';
import { Layout, type ViewerInfo } from '../components/layout.js';
import { SeverityChips } from '../components/severity.js';
import type { AppEnv } from '../deps.js';
import type { PullRequestRow, ReadStore } from '../store/types.js';
import { badRequest, viewerOf } from './context.js';
import { serviceHref } from '../components/hrefs.js';

const PULL_WINDOWS = [7, 14, 30] as const;

const PullsQuery = z.object({
  days: z.coerce
    .number()
    .refine((d) => (PULL_WINDOWS as readonly number[]).includes(d), { message: `one of ${PULL_WINDOWS.join(', ')}` })
    .default(14),
  gate: z.enum(['failing', 'all']).default('failing'),
});

export function createPullRequestPageRoutes(deps: { store: ReadStore; now: () => Date }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/pulls', async (c) => {
    const q = PullsQuery.safeParse(c.req.query());
    if (!q.success) return badRequest(c, q.error);
    const at = deps.now();
    const since = new Date(at.getTime() - q.data.days * 86_400_000).toISOString();
    const rows = await deps.store.listPullRequests(since);
    return c.html(<PullsPage viewer={viewerOf(c)!} rows={rows} days={q.data.days} gate={q.data.gate} now={at} />);
  });
  return app;
}

const prLabel = (r: PullRequestRow) => (r.pullRequest === null ? 'PR scan without a number' : `${r.repository ?? ''}#${r.pullRequest}`);

const PullsPage: FC<{ viewer: ViewerInfo; rows: PullRequestRow[]; days: number; gate: 'failing' | 'all'; now: Date }> = ({ viewer, rows, days, gate, now }) => {
  const failing = rows.filter((r) => r.gate !== 'passed');
  const shown = gate === 'all' ? rows : failing;
  const byService = new Map<string, PullRequestRow[]>();
  for (const r of shown) {
    const list = byService.get(r.service) ?? [];
    list.push(r);
    byService.set(r.service, list);
  }
  const services = [...byService.keys()].sort();
  const prs = new Set(rows.map((r) => `${r.repository}#${r.pullRequest}`)).size;
  return (
    <Layout title="Pull requests" viewer={viewer} active="pulls">
      <h1>Pull requests</h1>
      <p class="muted">
        Pull requests scanned in the last {days} days, by service, with the gate of each one's latest scan. These never change a service's default-branch state on the overview.
      </p>
      <section class="cards" aria-label="Summary">
        <div class="card">
          <div class="card-value">{prs}</div>
          <div class="card-label">{nounFor(prs, 'pull request')} scanned</div>
        </div>
        <div class={`card ${failing.length > 0 ? 'bad' : ''}`}>
          <div class="card-value">{failing.length}</div>
          <div class="card-label">failing {nounFor(failing.length, 'gate')} (PR × service)</div>
        </div>
      </section>
      <nav class="filters" aria-label="Window and gate">
        <span>Window:</span>
        {PULL_WINDOWS.map((d) =>
          d === days ? (
            <strong aria-current="page">{d} days</strong>
          ) : (
            <a href={`/pulls${queryString({ days: d, gate: gate === 'all' ? 'all' : undefined })}`}>{d} days</a>
          ),
        )}
        <span>Show:</span>
        {gate === 'failing' ? <strong aria-current="page">failing</strong> : <a href={`/pulls${queryString({ days })}`}>failing</a>}
        {gate === 'all' ? <strong aria-current="page">all</strong> : <a href={`/pulls${queryString({ days, gate: 'all' })}`}>all</a>}
      </nav>
      {services.length === 0 ? (
        <p class="empty-state">{gate === 'failing' ? `No pull request failed its gate in the last ${days} days.` : `No pull request scanned in the last ${days} days.`}</p>
      ) : (
        services.map((service) => (
          <section class="pulls-service" aria-labelledby={`pulls-${service}`}>
            <h2 id={`pulls-${service}`}>
              <a href={serviceHref(service)}>{service}</a>
            </h2>
            <table class="data pulls stacked">
              <thead>
                <tr>
                  <th scope="col">Pull request</th>
                  <th scope="col">Gate</th>
                  <th scope="col">Findings in the latest scan</th>
                  <th scope="col">Blocking</th>
                  <th scope="col">Latest scan</th>
                  <th scope="col">Commit</th>
                </tr>
              </thead>
              <tbody>
                {byService.get(service)!.map((r) => {
                  const run = r.runUrl ? safeHttpUrl(r.runUrl) : undefined;
                  return (
                    <tr>
                      <td class="nowrap stack-lead">
                        {prLabel(r)}
                        {r.scans > 1 ? <span class="muted small"> ({r.scans} scans)</span> : null}
                      </td>
                      <td class="stack-lead">
                        <GateBadge outcome={r.gate} />
                      </td>
                      <td class="stack-block">
                        <SeverityChips counts={r.counts} severities={['critical', 'high', 'medium', 'low']} />
                      </td>
                      <td class="nowrap" data-label="Blocking">
                        {r.blocking > 0 ? (
                          <a href={`/pulls/${encodeURIComponent(r.service)}/${encodeURIComponent(r.scanId)}`} aria-label={`${r.blocking} blocking finding${r.blocking === 1 ? '' : 's'} of ${prLabel(r)} in ${r.service}: review and triage`}>
                            {r.untriaged} of {r.blocking} untriaged · triage
                          </a>
                        ) : (
                          <span class="muted">—</span>
                        )}
                      </td>
                      <td data-label="Latest scan">
                        <span title={formatDateTime(r.lastScanAt)}>{formatAge(r.lastScanAt, now)}</span>
                        {run ? (
                          <>
                            {' '}
                            · <a href={run} rel="noopener noreferrer">run</a>
                          </>
                        ) : null}
                      </td>
                      <td class="mono small" data-label="Commit">{r.commit ? r.commit.slice(0, 10) : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
        ))
      )}
    </Layout>
  );
};
