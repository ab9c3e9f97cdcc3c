// A service body's head (name, summary, change line, per-severity stats) is built as one string
// (service.tsx serviceHeadContentHtml); this is the JSX it replaced, kept as the oracle: both must
// give the same bytes for every service of the page fixtures, and for variants of them (stale,
// retired, each gate, no breach, one, many, suppressed, no change, each kind of change, names with
// markup and quotes).
import type { FC } from 'hono/jsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEVERITY_ORDER } from '../../../src/findings/severity.js';
import { formatAge, formatDateTime } from '../../../dashboard/components/format.js';
import { GateBadge } from '../../../dashboard/components/gate.js';
import { SeverityBadge, type SeverityCounts } from '../../../dashboard/components/severity.js';
import { readServiceHead } from '../../../dashboard/pages/page-bodies.js';
import { serviceHeadContentHtml, type ServicePageProps } from '../../../dashboard/pages/service.js';
import { signed } from '../../../dashboard/pages/week.js';
import type { ServicePageDetail } from '../../../dashboard/store/types.js';
import type { ServiceChange } from '../../../dashboard/store/week.js';
import { NOW, openPageHarness, type PageHarness } from './harness.js';

// ---- the JSX versions (as they were), the oracle
const OldSeverityChips: FC<{ counts: SeverityCounts; severities?: readonly (keyof SeverityCounts)[] }> = ({ counts, severities = SEVERITY_ORDER }) => (
  <span class="chips">
    {severities.map((s) => (
      <span class={`chip ${counts[s] > 0 ? `sev-${s}` : 'zero'}`}>
        <strong>{counts[s]}</strong> {s}
      </span>
    ))}
  </span>
);

const DELTA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

const OldServiceChangeLine: FC<{ change: ServiceChange | undefined; days: number }> = ({ change, days }) => {
  if (!change) return null;
  const t = change.total;
  const dir = t > 0 ? 'up' : t < 0 ? 'down' : 'flat';
  const moved = DELTA_SEVERITIES.filter((s) => change.open[s] !== 0).map((s) => `${s} ${signed(change.open[s])}`);
  return (
    <p class="service-change" data-total={String(t)} data-opened={String(change.opened)} data-fixed={String(change.fixed)}>
      <span class={`delta delta-${dir}`}>{t > 0 ? `▲ ${t} more open` : t < 0 ? `▼ ${-t} fewer open` : '= no change in open findings'}</span>{' '}
      {change.baseline === 'window'
        ? `in the last ${days} days: ${signed(change.opened)} new or reopened, ${signed(-change.fixed)} fixed${moved.length > 0 ? ` (${moved.join(', ')})` : ''}.`
        : `since its first snapshot on ${change.since}${moved.length > 0 ? ` (${moved.join(', ')})` : ''}; in the last ${days} days, counting the findings that snapshot brought: ${signed(change.opened)} new or reopened, ${signed(-change.fixed)} fixed.`}
    </p>
  );
};

const OldSeverityStatsTable: FC<{ service: ServicePageDetail }> = ({ service }) => {
  const rows = SEVERITY_ORDER.filter((s) => {
    const st = service.stats[s];
    return st && (service.open[s] > 0 || st.fixedCount > 0 || st.slaDays !== null);
  });
  return (
    <table class="data stats">
      <thead>
        <tr>
          <th>Severity</th>
          <th class="num">Open</th>
          <th class="num">SLA</th>
          <th class="num">Breaches</th>
          <th class="num">Oldest open</th>
          <th class="num">Fixed</th>
          <th class="num">MTTR</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const st = service.stats[s];
          return (
            <tr>
              <td>
                <SeverityBadge severity={s} />
              </td>
              <td class="num">{service.open[s]}</td>
              <td class="num">{st.slaDays !== null ? `${st.slaDays} d` : '—'}</td>
              <td class={`num ${st.breaches > 0 ? 'bad-text' : ''}`}>{st.breaches}</td>
              <td class="num">{st.oldestOpenDays !== null ? `${st.oldestOpenDays} d` : '—'}</td>
              <td class="num">{st.fixedCount}</td>
              <td class="num">{st.mttrDays !== null ? `${Math.round(st.mttrDays * 10) / 10} d` : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};

const OldServiceHeadContent: FC<Pick<ServicePageProps, 'service' | 'now' | 'change' | 'changeDays'>> = (p) => (
  <>
      <p class="crumbs">
        <a href="/">Services</a> / {p.service.name}
      </p>
      <h1 class="service-heading">
        {p.service.name}
        <img class="badge-img" src={`/api/v1/badge/${encodeURIComponent(p.service.name)}.svg`} alt={`${p.service.name} badge`} height="20" />
      </h1>
      <div class="service-summary">
        <OldSeverityChips counts={p.service.open} />
        <span class="meta">
          last scan <strong title={formatDateTime(p.service.lastScanAt)}>{formatAge(p.service.lastScanAt, p.now)}</strong>
          {p.service.stale ? <span class="marker stale-marker">stale</span> : null}
          {p.service.retired ? (
            <span class="marker stale-marker" title={`a snapshot of ${p.service.retired.repository} at ${formatDateTime(p.service.retired.at)} no longer held this service; its open findings are left out of the overview's totals until a snapshot brings it back`}>
              retired
            </span>
          ) : null}
        </span>
        <span class="meta">
          gate <GateBadge outcome={p.service.lastGate ?? undefined} />
        </span>
        <span class={`meta ${p.service.slaBreaches > 0 ? 'bad-text' : ''}`}>
          <strong>{p.service.slaBreaches}</strong> SLA {p.service.slaBreaches === 1 ? 'breach' : 'breaches'}
        </span>
        {p.service.suppressed > 0 ? (
          <span class="meta">
            <strong>{p.service.suppressed}</strong> suppressed or triaged
          </span>
        ) : null}
      </div>
      <OldServiceChangeLine change={p.change} days={p.changeDays ?? 7} />
      <OldSeverityStatsTable service={p.service} />
  </>
);

// ---- the cases
type HeadProps = Pick<ServicePageProps, 'service' | 'now' | 'change' | 'changeDays'>;

function variants(service: ServicePageDetail, change: ServiceChange | undefined): HeadProps[] {
  const changes: (ServiceChange | undefined)[] = [change, undefined];
  if (change) {
    changes.push(
      { ...change, baseline: 'window', total: 0, opened: 0, fixed: 0, open: { ...change.open, critical: 0, high: 0, medium: 0, low: 0 } },
      { ...change, baseline: 'window', total: -3, opened: 1, fixed: 4, open: { ...change.open, critical: -1, high: 2, medium: 0, low: -4 } },
      { ...change, baseline: 'firstSnapshot', total: 5, opened: 5, fixed: 0, since: '2026-11-20T08:00:00.000Z' },
    );
  }
  const services: ServicePageDetail[] = [
    service,
    { ...service, name: `we"ird <svc> & 'co'`, stale: true },
    { ...service, retired: { repository: 'acme/<old>', at: '2026-11-20T10:00:00.000Z' }, lastGate: 'failed', slaBreaches: 1, suppressed: 3 },
    { ...service, lastGate: 'scanner-error', slaBreaches: 7, suppressed: 0 },
    { ...service, lastGate: null, slaBreaches: 0, lastScanAt: null },
  ];
  return services.flatMap((s, i) => changes.map((c, j) => ({ service: s, now: NOW, change: c, changeDays: (i + j) % 2 === 0 ? 7 : 30 })));
}

describe('a service head built as a string', () => {
  let h: PageHarness;
  const cases: HeadProps[] = [];
  beforeAll(async () => {
    h = await openPageHarness();
    for (const row of await h.store.listServiceOverview(NOW)) {
      const head = await readServiceHead(h.store, row.name, NOW);
      cases.push(...variants(head.service, head.change));
    }
  });
  afterAll(() => h.close());

  it('gives the bytes the JSX head gave, for every service of the fixtures and variants of them', async () => {
    expect(cases.length).toBeGreaterThan(40);
    for (const p of cases) expect(serviceHeadContentHtml(p)).toBe(String(await (<OldServiceHeadContent {...p} />)));
  });

  it('covers what the comparison needs (a change line of each kind, stats rows, markers)', () => {
    const markup = cases.map(serviceHeadContentHtml).join('\n');
    for (const part of ['class="service-change"', 'delta-up', 'delta-down', 'delta-flat', 'since its first snapshot', '<td class="num bad-text">', '>stale<', '>retired<', '1</strong> SLA breach<', 'suppressed or triaged', '&quot;', 'gate-scanner-error']) {
      expect(markup).toContain(part);
    }
  });
});
