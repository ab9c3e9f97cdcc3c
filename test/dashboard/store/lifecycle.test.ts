// The finding lifecycle as a pure function: prior state + report -> decisions, without a database.
import { describe, expect, it } from 'vitest';
import { planIngest, type PriorFinding, type PriorService } from '../../../dashboard/store/lifecycle.js';
import { day, makeReport } from './report-builder.js';

function prior(lastSnapshotAt: string | null, findings: Partial<PriorFinding & { fp: string }>[] = [], nextSnapshotAt: string | null = null): Map<string, PriorService> {
  const m = new Map<string, PriorFinding>();
  for (const f of findings) {
    const fingerprint = `fp-${f.fp}`.padEnd(8, '0');
    m.set(fingerprint, { fingerprint, state: f.state ?? 'open', openedAt: f.openedAt ?? day('2026-01-01'), fixedAt: f.fixedAt ?? null, severity: f.severity ?? 'high', tool: f.tool ?? 'trivy', category: f.category ?? 'dependency', suppressed: f.suppressed ?? false });
  }
  return new Map([['payments', { lastScanAt: lastSnapshotAt, lastSnapshotAt, nextSnapshotAt, findings: m }]]);
}

const kinds = (plan: ReturnType<typeof planIngest>) =>
  plan.services[0].decisions.map((d) => [d.kind, 'finding' in d ? d.finding.fingerprint : d.fingerprint, ...(d.kind === 'refreshed' ? [d.reopened] : [])]);

describe('planIngest', () => {
  it('opens what is new, refreshes what is known and fixes what is gone', () => {
    const plan = planIngest(
      makeReport({ scanId: 's2', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }, { fp: 'c' }] }),
      prior(day('2026-01-01'), [{ fp: 'a' }, { fp: 'b', severity: 'critical' }]),
    );
    expect(kinds(plan)).toEqual([['refreshed', 'fp-a0000', false], ['opened', 'fp-c0000'], ['fixed', 'fp-b0000']]);
    expect(plan.services[0].decisions[2]).toMatchObject({ severity: 'critical', openSeconds: 4 * 86_400 });
    expect(plan).toMatchObject({ opened: 1, fixed: 1, reopened: 0 });
    expect(plan.services[0].posture).toMatchObject({ mode: 'replace', day: '2026-01-05', counts: { high: 2, critical: 0 } });
    expect(plan.services[0]).toMatchObject({ setLastScan: true, setLastSnapshot: true });
  });

  it('reopens a fixed finding that comes back', () => {
    const plan = planIngest(makeReport({ scanId: 's3', createdAt: day('2026-01-09'), findings: [{ fp: 'b' }] }), prior(day('2026-01-05'), [{ fp: 'b', state: 'fixed' }]));
    expect(kinds(plan)).toEqual([['refreshed', 'fp-b0000', true]]);
    expect(plan.reopened).toBe(1);
  });

  it('never fixes a finding whose scanner errored or did not run; it stays counted', () => {
    const report = makeReport({ scanId: 's2', createdAt: day('2026-01-02'), scanners: [{ tool: 'trivy', category: 'dependency', status: 'error' }], gate: 'scanner-error' });
    const plan = planIngest(report, prior(day('2026-01-01'), [{ fp: 'dep' }, { fp: 'code', tool: 'semgrep', category: 'sast', severity: 'low' }]));
    expect(kinds(plan)).toEqual([]);
    expect(plan.services[0].posture!.counts).toMatchObject({ high: 1, low: 1 });
    expect(plan.services[0].gate).toBe('scanner-error');
  });

  it('keeps findings with a dashboard decision in force out of the posture and report counts, applied by the client or not', () => {
    // a and c decided on the dashboard; c is known, open, and its scanner errored (carried as open, yet decided).
    const [[name, known]] = prior(day('2026-01-01'), [{ fp: 'a' }, { fp: 'c', severity: 'critical', tool: 'semgrep', category: 'sast' }]);
    const withDecisions = new Map([[name, { ...known, triaged: new Set(['fp-a0000', 'fp-c0000']) }]]);
    // The report (the CLI's) knows nothing of the decisions.
    const report = makeReport({
      scanId: 's',
      createdAt: day('2026-01-02'),
      findings: [{ fp: 'a' }, { fp: 'b' }, { fp: 'd', severity: 'critical', tool: 'semgrep', category: 'sast' }],
      scanners: [
        { tool: 'trivy', category: 'dependency', status: 'ok' },
        { tool: 'semgrep', category: 'sast', status: 'error' },
      ],
    });
    const plan = planIngest(report, withDecisions);
    expect(plan.services[0].posture!.counts).toMatchObject({ high: 1, critical: 1 });
    expect(plan.services[0].reportCounts).toMatchObject({ high: 1, critical: 1 });
  });

  it('stores a finding the report suppressed by a dashboard decision as found: the decision stays the store\'s', () => {
    const decided = { status: 'suppressed' as const, suppression: { source: 'dashboard', reason: 'fixture', decidedBy: 'alice' } };
    const plan = planIngest(makeReport({ scanId: 's', createdAt: day('2026-01-02'), findings: [{ fp: 'a', extra: decided }, { fp: 'b', suppressed: true }] }), prior(null));
    const stored = plan.services[0].decisions.map((d) => (d.kind === 'opened' ? [d.finding.fingerprint, d.finding.status, d.finding.suppression?.source ?? null] : []));
    expect(stored).toEqual([
      ['fp-a0000', 'existing', null],
      ['fp-b0000', 'suppressed', 'config'],
    ]);
    // Not decided in the store (cleared since the client read it): it counts.
    expect(plan.services[0].posture!.counts.high).toBe(1);
    // Marked in the code as well (a decision takes the marker's place in the report): the marker's suppression is kept.
    const marked = planIngest(makeReport({ scanId: 's', createdAt: day('2026-01-02'), findings: [{ fp: 'c', tool: 'semgrep', category: 'sast', extra: { ...decided, inlineSuppressed: true } }] }), prior(null));
    const [kept] = marked.services[0].decisions;
    expect(kept.kind === 'opened' && [kept.finding.status, kept.finding.suppression]).toEqual(['suppressed', { source: 'nosemgrep', reason: 'inline marker in the code' }]);
    expect(marked.services[0].posture!.counts.high).toBe(0);
  });

  it('keeps suppressed findings out of the posture counts', () => {
    const plan = planIngest(makeReport({ scanId: 's', createdAt: day('2026-01-02'), findings: [{ fp: 'a', suppressed: true }, { fp: 'b' }] }), prior(null));
    expect(plan.services[0].posture!.counts.high).toBe(1);
    expect(plan.services[0].reportCounts.high).toBe(1);
  });

  it('lets a PR scan only record sightings of known findings', () => {
    const plan = planIngest(makeReport({ scanId: 'pr', kind: 'pr', createdAt: day('2026-01-06'), findings: [{ fp: 'a' }, { fp: 'new' }] }), prior(day('2026-01-05'), [{ fp: 'a' }, { fp: 'b' }]));
    expect(kinds(plan)).toEqual([['sighted', 'fp-a0000']]);
    expect(plan.services[0]).toMatchObject({ setLastScan: true, setLastSnapshot: false });
    expect(plan.services[0].posture).toBeUndefined();
  });

  it('merges a late snapshot: known findings are sighted, unseen ones open then and are fixed by the next snapshot', () => {
    const plan = planIngest(
      makeReport({ scanId: 'late', createdAt: day('2026-01-05'), findings: [{ fp: 'a' }, { fp: 'late' }] }),
      prior(day('2026-01-09'), [{ fp: 'a' }, { fp: 'gone' }], day('2026-01-07')),
    );
    expect(kinds(plan)).toEqual([['sighted', 'fp-a0000'], ['lateOpenedAndFixed', 'fp-late0']]);
    expect(plan.services[0].decisions[1]).toMatchObject({ openedAt: '2026-01-05T12:00:00.000Z', fixedAt: day('2026-01-07'), openSeconds: 2 * 86_400 });
    expect(plan.services[0]).toMatchObject({ setLastScan: false, setLastSnapshot: false, posture: { mode: 'ifAbsent', day: '2026-01-05' } });
    expect(plan).toMatchObject({ opened: 0, fixed: 0 });
  });

  it("counts in a late snapshot's day the findings of a scanner that errored, open by then, as an in-order snapshot does", () => {
    const report = makeReport({ scanId: 'late', createdAt: day('2026-01-05'), findings: [{ fp: 'seen' }], scanners: [{ tool: 'trivy', category: 'dependency', status: 'ok' }, { tool: 'semgrep', category: 'sast', status: 'error' }] });
    const plan = planIngest(
      report,
      prior(day('2026-01-09'), [
        { fp: 'seen' },
        // semgrep errored: its open findings stay counted, if open by the late snapshot's time
        { fp: 'sast1', tool: 'semgrep', category: 'sast', severity: 'critical' },
        { fp: 'sast2', tool: 'semgrep', category: 'sast', severity: 'critical', openedAt: day('2026-01-08') },
        { fp: 'sast3', tool: 'semgrep', category: 'sast', severity: 'critical', suppressed: true },
        { fp: 'sast4', tool: 'semgrep', category: 'sast', severity: 'critical', state: 'fixed', fixedAt: day('2026-01-03') },
        // fixed since the late snapshot's time: open then
        { fp: 'sast5', tool: 'semgrep', category: 'sast', severity: 'critical', state: 'fixed', fixedAt: day('2026-01-08') },
        // trivy ran fine: its absence means it was not there then
        { fp: 'dep', tool: 'trivy', severity: 'low' },
        // gitleaks did not run: proves nothing either
        { fp: 'leak', tool: 'gitleaks', category: 'secret', severity: 'medium' },
      ], day('2026-01-07')),
    );
    expect(plan.services[0].posture).toMatchObject({ mode: 'ifAbsent', day: '2026-01-05', counts: { critical: 2, high: 1, medium: 1, low: 0 } });
    expect(kinds(plan)).toEqual([['sighted', 'fp-seen0']]);
  });

  it('plans each service of a multi-service report with its own gate', () => {
    const plan = planIngest(
      makeReport({ scanId: 'm', createdAt: day('2026-01-01'), services: ['payments', 'users'], gate: 'failed', findings: [{ fp: 'a' }, { fp: 'u', service: 'users' }] }),
      new Map(),
    );
    expect(plan.services.map((s) => [s.name, s.gate, s.decisions.length])).toEqual([['payments', 'failed', 1], ['users', 'passed', 1]]);
  });
});
