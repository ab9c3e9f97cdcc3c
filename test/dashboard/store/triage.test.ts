// Triage on both store backends: a decision (false positive, accepted risk until a date, not
// affected) counts like a suppression in the overview, carries its history and audit entries, an
// expired acceptance reopens; the overview's gate follows snapshots only; the pull-request rows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toTriageRecord, TriageInputError, TriageInputSchema, buildOpenVex } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport, type FindingSpec } from './report-builder.js';

let location: string;
let cleanup: () => Promise<void>;
let store: Store;

const NOW = new Date('2026-03-10T12:00:00Z');
const accepted = (until: string) => toTriageRecord(TriageInputSchema.parse({ status: 'accepted_risk', reason: 'behind the VPN', owner: 'sec-team', until }), 'alice', NOW);

describe('triage input', () => {
  it('needs a reason; an owner and a date for an accepted risk; a VEX justification for not affected', () => {
    const issues = (v: unknown) => {
      const r = TriageInputSchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(issues({ status: 'false_positive', reason: '' })).toEqual(['reason']);
    expect(issues({ status: 'accepted_risk', reason: 'x' }).sort()).toEqual(['owner', 'until']);
    expect(issues({ status: 'accepted_risk', reason: 'x', owner: 'o', until: '2026-02-30' })).toEqual(['until']);
    expect(issues({ status: 'not_affected', reason: 'x' })).toEqual(['justification']);
    expect(issues({ status: 'not_affected', reason: 'x', justification: 'vulnerable_code_not_in_execute_path' })).toEqual([]);
    expect(issues({ status: 'false_positive', reason: 'x', until: '2026-04-01' })).toEqual(['until']);
  });

  it('refuses an acceptance until a day already past, naming the field; holds to the end of the day', () => {
    expect(() => accepted('2026-03-09')).toThrow(TriageInputError);
    expect(accepted('2026-03-10').expiresAt).toBe('2026-03-10T23:59:59.999Z');
  });
});

describe.each(BACKENDS)('%s store: triage', (backend) => {
  beforeEach(async () => {
    ({ location, cleanup } = await storeLocation(backend));
    store = await openTestStore(location);
    await store.ingestScan(
      makeReport({ scanId: 's1', createdAt: day('2026-03-01'), findings: [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb', severity: 'critical' }, { fp: 'ccccc', severity: 'high' }] }),
      'test',
    );
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const overview = async (at = NOW) => (await store.listServiceOverview(at)).find((s) => s.name === 'payments')!;

  it('a decision counts like a suppression: out of the open counts and SLA breaches, marked on the row, audited, versioned', async () => {
    expect((await overview()).open.critical).toBe(2);
    expect((await overview()).slaBreaches).toBe(2); // critical SLA is 7 days; opened 9 days ago
    const before = await store.dataVersion();
    const fp = 'fp-aaaaa';
    const r = await store.setTriage('payments', [fp, 'fp-nope000'], toTriageRecord({ status: 'false_positive', reason: 'test fixture, never deployed' }, 'alice', NOW), 'session:tok_1 (alice)', NOW);
    expect(r).toEqual({ applied: 1, missing: ['fp-nope000'] });
    expect(await store.dataVersion()).toBeGreaterThan(before);
    const o = await overview();
    expect(o.open.critical).toBe(1);
    expect(o.suppressed).toBe(1);
    expect(o.slaBreaches).toBe(1);
    const row = (await store.listFindings({ service: 'payments', limit: 10, offset: 0 }, NOW)).items.find((f) => f.fingerprint === fp)!;
    expect(row.triage).toEqual({ status: 'false_positive', expiresAt: null, decidedBy: 'alice' });
    expect(row.slaBreached).toBe(false);
    expect((await store.getFinding('payments', fp, NOW))!.row.triage?.status).toBe('false_positive');
    const audit = await store.listAudit(10);
    expect(audit[0]).toMatchObject({ actor: 'session:tok_1 (alice)', action: 'triage.set', detail: { service: 'payments', fingerprint: fp, status: 'false_positive' } });
  });

  it('keeps a decided finding out of the posture whoever pushed the snapshot; cleared, it counts again at once', async () => {
    const at = new Date('2026-03-05T12:00:00Z');
    await store.setTriage('payments', ['fp-aaaaa'], toTriageRecord({ status: 'false_positive', reason: 'test fixture, never deployed' }, 'alice', at), 'alice', at);
    const found: FindingSpec[] = [{ fp: 'aaaaa', severity: 'critical' }, { fp: 'bbbbb', severity: 'critical' }, { fp: 'ccccc', severity: 'high' }];
    // The CLI's snapshot knows nothing of the decision; the action's applies it as a suppression of source dashboard.
    await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-03-06'), findings: found }), 'test');
    const applied = found.map((f) => (f.fp === 'aaaaa' ? { ...f, extra: { status: 'suppressed' as const, suppression: { source: 'dashboard', reason: 'test fixture, never deployed', decidedBy: 'alice' } } } : f));
    await store.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-03-07'), findings: applied }), 'test');
    const days = async (from: string, to: string) => (await store.postureSeries('payments', { from, to })).map((p) => [p.day, p.critical, p.total]);
    expect(await days('2026-03-06', '2026-03-07')).toEqual([
      ['2026-03-06', 1, 2],
      ['2026-03-07', 1, 2],
    ]);
    expect((await overview()).open.critical).toBe(1);
    // A late snapshot of a day before the decision was made counts the finding on that day.
    await store.ingestScan(makeReport({ scanId: 's-late', createdAt: day('2026-03-04'), findings: found }), 'test');
    expect(await days('2026-03-04', '2026-03-04')).toEqual([['2026-03-04', 2, 3]]);
    // Stored as found: the decision, not the finding, holds the suppression.
    const row = (await store.listFindings({ service: 'payments', state: 'open', limit: 10, offset: 0 }, NOW)).items.find((f) => f.fingerprint === 'fp-aaaaa')!;
    expect(row).toMatchObject({ suppressed: false, triage: { status: 'false_positive' } });
    // Cleared: it counts again at once, and in the next snapshot's posture.
    await store.clearTriage('payments', ['fp-aaaaa'], 'alice', NOW);
    expect((await overview()).open.critical).toBe(2);
    await store.ingestScan(makeReport({ scanId: 's4', createdAt: day('2026-03-08'), findings: applied }), 'test');
    expect(await days('2026-03-08', '2026-03-08')).toEqual([['2026-03-08', 2, 3]]);
  });

  it('keeps the history of every change: set, replaced, cleared', async () => {
    const fp = 'fp-bbbbb';
    await store.setTriage('payments', [fp], toTriageRecord({ status: 'not_affected', reason: 'not loaded', justification: 'vulnerable_code_not_in_execute_path' }, 'alice', NOW), 'a', NOW);
    await store.setTriage('payments', [fp], accepted('2026-04-01'), 'b', new Date(NOW.getTime() + 1000));
    const mid = await store.getTriage('payments', fp, NOW);
    expect(mid.current).toMatchObject({ status: 'accepted_risk', owner: 'sec-team', expiresAt: '2026-04-01T23:59:59.999Z', decidedBy: 'alice', ruleId: 'CVE-2024-bbbbb' });
    expect((await store.clearTriage('payments', [fp, 'fp-ccccc'], 'session:tok_2 (bob)', new Date(NOW.getTime() + 2000))).missing).toEqual(['fp-ccccc']);
    const end = await store.getTriage('payments', fp, NOW);
    expect(end.current).toBeNull();
    expect(end.history.map((h) => [h.action, h.status, h.actor])).toEqual([
      ['set', 'not_affected', 'alice'],
      ['set', 'accepted_risk', 'alice'],
      ['cleared', null, 'bob'],
    ]);
    expect(end.history[0].justification).toBe('vulnerable_code_not_in_execute_path');
    expect((await store.listAudit(10, 'triage')).map((a) => a.action)).toEqual(['triage.clear', 'triage.set', 'triage.set']);
    expect((await overview()).open.critical).toBe(2);
  });

  it('an expired acceptance reopens: not in force once past its day, then swept with a history row and an audit entry', async () => {
    const fp = 'fp-aaaaa';
    await store.setTriage('payments', [fp], accepted('2026-03-12'), 'session:tok_1 (alice)', NOW);
    expect((await store.listTriage(['payments'], NOW)).map((d) => d.fingerprint)).toEqual([fp]);
    const later = new Date('2026-03-13T00:00:01Z');
    // In force until the end of the 12th; after it, reads no longer apply it even before a sweep.
    expect(await store.listTriage(undefined, later)).toEqual([]);
    expect((await store.getFinding('payments', fp, later))!.row.triage).toBeNull();
    expect(await store.expireTriage(NOW)).toBe(0);
    expect(await store.expireTriage(later)).toBe(1);
    expect(await store.expireTriage(later)).toBe(0);
    expect((await overview(later)).open.critical).toBe(2);
    const t = await store.getTriage('payments', fp, later);
    expect(t.current).toBeNull();
    expect(t.history.at(-1)).toMatchObject({ action: 'expired', status: 'accepted_risk', owner: 'sec-team', actor: 'gatehouse' });
    expect((await store.listAudit(1))[0]).toMatchObject({ action: 'triage.expire', actor: 'gatehouse', detail: { fingerprint: fp, owner: 'sec-team' } });
  });

  it('lists decisions per service for the gate, and exports them as OpenVEX', async () => {
    await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-03-01'), services: ['web'], findings: [{ fp: 'ddddd' }] }), 'test');
    await store.setTriage('payments', ['fp-ccccc'], toTriageRecord({ status: 'not_affected', reason: 'not reachable', justification: 'vulnerable_code_not_present' }, 'alice', NOW), 'a', NOW);
    await store.setTriage('web', ['fp-ddddd'], accepted('2026-04-01'), 'a', NOW);
    expect((await store.listTriage(['web'], NOW)).map((d) => d.service)).toEqual(['web']);
    const all = await store.listTriage(undefined, NOW);
    expect(all.map((d) => `${d.service}/${d.fingerprint}`)).toEqual(['payments/fp-ccccc', 'web/fp-ddddd']);
    const vex = buildOpenVex(all, () => undefined, { id: 'urn:test', author: 'me', now: NOW });
    expect(vex.statements.map((s) => s.status)).toEqual(['not_affected', 'affected']);
    expect(vex.statements[0]).toMatchObject({ justification: 'vulnerable_code_not_present', vulnerability: { name: 'CVE-2024-ccccc' } });
  });

  it('the overview gate is the latest snapshot\'s; PR scans are listed per service and pull request', async () => {
    const pr = (scanId: string, at: string, gate: 'passed' | 'failed', n: number) => {
      const r = makeReport({ scanId, createdAt: at, kind: 'pr', gate, findings: [{ fp: 'eeeee', severity: 'critical' }] });
      return { ...r, source: { ...r.source, pullRequest: n, ref: `refs/pull/${n}/merge` } };
    };
    await store.ingestScan(pr('p1', day('2026-03-09'), 'passed', 7), 'test');
    await store.ingestScan(pr('p2', day('2026-03-09', '13:00:00'), 'failed', 7), 'test');
    await store.ingestScan(pr('p3', day('2026-03-09', '14:00:00'), 'failed', 8), 'test');
    const o = await overview();
    expect(o.lastGate).toBe('passed');
    expect(o.lastScanAt).toBe(day('2026-03-09', '14:00:00').replace('Z', '.000Z'));
    expect(o.open.critical).toBe(2);
    const prs = await store.listPullRequests('2026-03-01T00:00:00.000Z');
    expect(prs.map((p) => [p.service, p.pullRequest, p.gate, p.scans])).toEqual([
      ['payments', 8, 'failed', 1],
      ['payments', 7, 'failed', 2],
    ]);
    expect(prs[0].counts.critical).toBe(1);
    expect(await store.listPullRequests('2026-03-10T00:00:00.000Z')).toEqual([]);
  });
});
