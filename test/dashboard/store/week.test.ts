// "This week, at a glance" on both store backends: lifecycle events (opened, fixed, reopened) since a
// time across services, counted in full and listed newest first up to a limit; the oldest open
// findings that count (suppressed and triaged ones left out). PR scans make no events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport } from './report-builder.js';

let location: string;
let cleanup: () => Promise<void>;
let store: Store;

const NOW = new Date('2026-03-10T12:00:00Z');
const SINCE = '2026-03-03T12:00:00.000Z';

describe.each(BACKENDS)('%s store: week summary', (backend) => {
  beforeEach(async () => {
    ({ location, cleanup } = await storeLocation(backend));
    store = await openTestStore(location);
    const pay = (scanId: string, d: string, findings: Parameters<typeof makeReport>[0]['findings'], kind: 'snapshot' | 'pr' = 'snapshot') =>
      store.ingestScan(makeReport({ scanId, createdAt: day(d), kind, findings }), 'test');
    await pay('s1', '2026-03-01', [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb' }, { fp: 'ccccc', severity: 'low' }, { fp: 'sssss', suppressed: true }]);
    await pay('s2', '2026-03-06', [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'ccccc', severity: 'low' }, { fp: 'ddddd', severity: 'critical' }, { fp: 'sssss', suppressed: true }]);
    await pay('s3', '2026-03-08', [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb' }, { fp: 'ddddd', severity: 'critical' }, { fp: 'sssss', suppressed: true }]);
    // A PR scan with a new finding: no lifecycle event.
    await pay('p1', '2026-03-09', [{ fp: 'eeeee', severity: 'critical' }], 'pr');
    await store.ingestScan(makeReport({ scanId: 'b1', createdAt: day('2026-02-20'), services: ['billing'], findings: [{ fp: 'zzzzz', severity: 'medium' }] }), 'test');
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('counts and lists the events since the time, newest first, across services', async () => {
    const w = await store.weekSummary(SINCE, 50);
    expect(w.since).toBe(SINCE);
    expect(w.counts).toEqual({ opened: 1, fixed: 2, reopened: 1 });
    const key = (e: { kind: string; service: string; fingerprint: string; at: string }) => `${e.at.slice(0, 10)} ${e.kind} ${e.service}/${e.fingerprint}`;
    const listed = w.events.map(key);
    expect([...listed].sort()).toEqual(
      ['2026-03-06 fixed payments/fp-bbbbb', '2026-03-06 opened payments/fp-ddddd', '2026-03-08 fixed payments/fp-ccccc', '2026-03-08 reopened payments/fp-bbbbb'].sort(),
    );
    expect(listed.slice(0, 2).every((e) => e.startsWith('2026-03-08'))).toBe(true);
    const d = w.events.find((e) => e.fingerprint === 'fp-ddddd')!;
    expect(d).toMatchObject({ kind: 'opened', service: 'payments', severity: 'critical', title: 'vulnerability ddddd' });
  });

  it('caps the list, never the counts; an earlier time takes in the first snapshots', async () => {
    const w = await store.weekSummary(SINCE, 2);
    expect(w.events).toHaveLength(2);
    expect(w.counts).toEqual({ opened: 1, fixed: 2, reopened: 1 });
    const all = await store.weekSummary('2026-01-01T00:00:00.000Z', 100);
    // s1 opened 4 (a, b, c and the suppressed s), billing 1, then d.
    expect(all.counts).toEqual({ opened: 6, fixed: 2, reopened: 1 });
    expect((await store.weekSummary('2026-03-09T00:00:00.000Z', 10)).counts).toEqual({ opened: 0, fixed: 0, reopened: 0 });
  });

  it('lists the oldest open findings that count: suppressed and triaged ones left out, at most 5', async () => {
    const oldest = async () => (await store.weekSummary(SINCE, 10)).oldestOpen.map((f) => `${f.service}/${f.fingerprint} ${f.openedAt.slice(0, 10)}`);
    // b reopened on 03-08: its open period starts then. s is suppressed; e is only in a PR scan.
    expect(await oldest()).toEqual(['billing/fp-zzzzz 2026-02-20', 'payments/fp-aaaaa 2026-03-01', 'payments/fp-ddddd 2026-03-06', 'payments/fp-bbbbb 2026-03-08']);
    await store.setTriage('payments', ['fp-aaaaa'], toTriageRecord({ status: 'false_positive', reason: 'fixture' }, 'alice', NOW), 'test', NOW);
    expect(await oldest()).toEqual(['billing/fp-zzzzz 2026-02-20', 'payments/fp-ddddd 2026-03-06', 'payments/fp-bbbbb 2026-03-08']);
    const many = Array.from({ length: 7 }, (_, i) => ({ fp: `m${i}xxxx`, service: 'many' }));
    await store.ingestScan(makeReport({ scanId: 'm1', createdAt: day('2026-01-02'), services: ['many'], findings: many }), 'test');
    const w = await store.weekSummary(SINCE, 10);
    expect(w.oldestOpen).toHaveLength(5);
    expect(w.oldestOpen.every((f) => f.service === 'many')).toBe(true);
  });

  it('lists the findings one ingest opened at once worst first, in the changes and the oldest open', async () => {
    // A first scan of a repository opens everything at the same instant, low before high in the report.
    const findings = [
      { fp: 'low01', service: 'fresh', severity: 'low' as const },
      { fp: 'med01', service: 'fresh', severity: 'medium' as const },
      { fp: 'hig01', service: 'fresh', severity: 'high' as const },
      { fp: 'unk01', service: 'fresh', severity: 'unknown' as const },
      { fp: 'cri01', service: 'fresh', severity: 'critical' as const },
    ];
    await store.ingestScan(makeReport({ scanId: 'f1', createdAt: day('2026-01-01'), services: ['fresh'], findings }), 'test');
    const first = await store.weekSummary('2025-12-31T00:00:00.000Z', 200);
    const fresh = first.events.filter((e) => e.service === 'fresh').map((e) => e.severity);
    expect(fresh).toEqual(['critical', 'high', 'medium', 'unknown', 'low']);
    expect(first.oldestOpen.map((f) => f.severity)).toEqual(['critical', 'high', 'medium', 'unknown', 'low']);
  });

  it("gives each service's change since a time: snapshot to snapshot per severity, and its events", async () => {
    const changes = await store.serviceChanges(SINCE);
    // payments on 03-03 (carried from 03-01): a critical, b high, c low; on 03-08: a and d critical, b high.
    expect(changes).toEqual([
      { service: 'billing', since: '2026-03-03', baseline: 'window', open: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 }, total: 0, opened: 0, fixed: 0 },
      { service: 'payments', since: '2026-03-03', baseline: 'window', open: { critical: 1, high: 0, medium: 0, low: -1, info: 0, unknown: 0 }, total: 0, opened: 2, fixed: 2 },
    ]);
    // Before payments' first snapshot: the open counts are compared with that snapshot (03-01), not
    // with zero; its events are the window's (the first snapshot's 4 findings are new in it, then d and b's reopening).
    const early = await store.serviceChanges('2026-02-25T00:00:00.000Z');
    expect(early.find((c) => c.service === 'payments')).toMatchObject({ since: '2026-03-01', baseline: 'firstSnapshot', total: 0, opened: 6, fixed: 2 });
    expect(early.find((c) => c.service === 'billing')).toMatchObject({ since: '2026-02-25', baseline: 'window' });
    // One service; a service with only a PR scan has no snapshot and no change.
    expect((await store.serviceChanges(SINCE, 'billing')).map((c) => c.service)).toEqual(['billing']);
    await store.ingestScan(makeReport({ scanId: 'pr2', createdAt: day('2026-03-09'), kind: 'pr', services: ['newbie'], findings: [{ fp: 'nnnnn', service: 'newbie' }] }), 'test');
    expect((await store.serviceChanges(SINCE)).map((c) => c.service)).toEqual(['billing', 'payments']);
  });

  it('gives the remediation trend: open findings past their SLA per day, and days to remediate per week', async () => {
    // ops: a critical finding open from 02-01 to its fix on 02-20 (19 days), past its 7-day SLA from 02-08 noon.
    await store.ingestScan(makeReport({ scanId: 'o1', createdAt: day('2026-02-01'), services: ['ops'], findings: [{ fp: 'kkkkk', severity: 'critical' }] }), 'test');
    await store.ingestScan(makeReport({ scanId: 'o2', createdAt: day('2026-02-20'), services: ['ops'], findings: [] }), 'test');
    const t = await store.remediationTrend(NOW);
    expect(t.from).toBe('2025-12-10');
    expect(t.to).toBe('2026-03-10');
    expect(t.days).toHaveLength(91);
    // The first snapshot of any service is ops' on 02-01: before it nothing was measured (null, not 0).
    expect(t.firstSnapshotDay).toBe('2026-02-01');
    expect(t.days.filter((d) => d.breaches === null).map((d) => d.day)).toEqual(t.days.filter((d) => d.day < '2026-02-01').map((d) => d.day));
    expect(t.days.find((d) => d.day === '2026-02-01')!.breaches).toBe(0);
    const breached = t.days.filter((d) => (d.breaches ?? 0) > 0).map((d) => `${d.day}:${d.breaches}`);
    // ops' finding at the end of 02-08 ... 02-19 (fixed at noon on 02-20); payments' critical a
    // (opened 03-01 noon) from the end of 03-08 on, today measured now. The suppressed s never counts.
    const opsDays = Array.from({ length: 12 }, (_, i) => `2026-02-${String(8 + i).padStart(2, '0')}:1`);
    expect(breached).toEqual([...opsDays, '2026-03-08:1', '2026-03-09:1', '2026-03-10:1']);
    // Today's figure is the SLA breaches now.
    const overview = await store.listServiceOverview(NOW);
    expect(t.days[90].breaches).toBe(overview.reduce((n, r) => n + r.slaBreaches, 0));
    expect(t.days.filter((d) => d.fixed > 0).map((d) => `${d.day}:${d.fixed}`)).toEqual(['2026-02-20:1', '2026-03-06:1', '2026-03-08:1']);
    expect(t.weeks).toHaveLength(13);
    expect(t.weeks[0]).toMatchObject({ from: '2025-12-10', to: '2025-12-16', fixed: 0, meanDays: null, medianDays: null });
    // b open 5 days, c 7 days; ops' k 19 days.
    expect(t.weeks[12]).toEqual({ from: '2026-03-04', to: '2026-03-10', fixed: 2, meanDays: 6, medianDays: 6 });
    expect(t.weeks[10]).toEqual({ from: '2026-02-18', to: '2026-02-24', fixed: 1, meanDays: 19, medianDays: 19 });
    // A triage decision takes a finding out of every day, as it stands now.
    await store.setTriage('payments', ['fp-aaaaa'], toTriageRecord({ status: 'false_positive', reason: 'fixture' }, 'alice', NOW), 'test', NOW);
    const after = await store.remediationTrend(NOW);
    expect(after.days.filter((d) => (d.breaches ?? 0) > 0).map((d) => d.day)).toEqual(opsDays.map((d) => d.slice(0, 10)));
    // A KEV due date caps a low finding's 180-day SLA: past due from the end of that day, as the live count says.
    await store.ingestScan(
      makeReport({
        scanId: 'k1',
        createdAt: day('2026-03-02'),
        services: ['kevsvc'],
        findings: [{ fp: 'kev01', severity: 'low', extra: { kev: { cve: 'CVE-2024-kev01', dateAdded: '2026-02-01', dueDate: '2026-03-05', ransomware: 'unknown' } } }],
      }),
      'test',
    );
    const kev = await store.remediationTrend(NOW);
    expect(kev.days.filter((d) => d.day >= '2026-03-01').map((d) => d.breaches)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(kev.days[90].breaches).toBe((await store.listServiceOverview(NOW)).reduce((n, r) => n + r.slaBreaches, 0));
    // A shorter window ends today too.
    const short = await store.remediationTrend(NOW, 14);
    expect([short.from, short.days.length, short.weeks.length, short.weeks[0].from]).toEqual(['2026-02-25', 14, 2, '2026-02-25']);
  });
});
