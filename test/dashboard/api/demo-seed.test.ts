// The demo history goes through the real API, is made of today's own findings (the example's
// packages and files, nothing invented), and ends with today's scan as the latest snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../../dashboard/demo-seed.js';
import { makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboard, type TestDashboard } from './harness.js';

let t: TestDashboard;
beforeAll(async () => {
  t = await startTestDashboard({ ingestRateLimit: { perMinute: 100_000 } });
});
afterAll(async () => {
  await t.stop();
});

describe('seedDemoHistory', () => {
  it('builds the history from today\'s findings, lands today\'s scan last; a second run changes nothing', async () => {
    const now = new Date('2026-06-30T12:00:00Z');
    const today = makeReport({
      scanId: 'demo-today',
      createdAt: now.toISOString(),
      services: ['payments', 'users'],
      gate: 'failed',
      findings: [
        { fp: 'crit1', severity: 'critical' },
        { fp: 'high1', severity: 'high' },
        { fp: 'high2', severity: 'high', tool: 'semgrep', category: 'sast' },
        { fp: 'med01', severity: 'medium' },
        { fp: 'med02', severity: 'medium' },
        { fp: 'low01', severity: 'low' },
        { fp: 'low02', severity: 'low' },
        { fp: 'low03', severity: 'low' },
        { fp: 'users', service: 'users', severity: 'critical' },
      ],
      scanners: [
        { tool: 'trivy', category: 'dependency', service: 'payments' },
        { tool: 'semgrep', category: 'sast', service: 'payments' },
        { tool: 'trivy', category: 'dependency', service: 'users' },
      ],
    });
    const result = await seedDemoHistory(t.base, ADMIN_TOKEN, today, 40, now);
    expect(result.findings).toBe(today.findings.length);
    const services = await t.dash.store.listServiceOverview(now);
    expect(services.map((s) => s.name)).toEqual(['payments', 'users']);
    // The overview is today's scan: its time, its counts, its gate.
    for (const s of services) expect(s.lastSnapshotAt).toBe(now.toISOString());
    expect(services.find((s) => s.name === 'payments')!.open).toMatchObject({ critical: 1, high: 2, medium: 2, low: 3 });
    expect(services.find((s) => s.name === 'payments')!.lastGate).toBe('failed');
    // Nothing in the history that today's scan does not have.
    const all = await t.dash.store.listFindings({ state: 'all', limit: 500, offset: 0 }, now);
    expect(all.items.map((f) => f.fingerprint).sort()).toEqual(today.findings.map((f) => f.fingerprint).sort());
    expect(all.items.every((f) => f.state === 'open')).toBe(true);
    // A history worth a chart: totals change over the days; some findings were fixed once and came back.
    const points = await t.dash.store.postureSeries('payments', { from: '2026-05-21', to: '2026-06-30' });
    expect(new Set(points.map((p) => p.total)).size).toBeGreaterThan(2);
    const events = await Promise.all(today.findings.map(async (f) => (await t.dash.store.getFinding(f.service, f.fingerprint, now))!.events.map((e) => e.kind)));
    expect(events.some((kinds) => kinds.includes('fixed') && kinds.includes('reopened'))).toBe(true);
    const scans = await t.dash.store.listScans('payments', 100);
    expect(scans[0].scanId).toBe('demo-today');
    expect(scans.some((s) => s.kind === 'pr')).toBe(true);
    expect(scans.some((s) => s.scanners.some((r) => r.status === 'error'))).toBe(true);
    // No links to a repository or runs that do not exist.
    expect(scans.filter((s) => s.scanId !== 'demo-today').every((s) => s.runUrl === null && s.repository === null)).toBe(true);

    const again = await seedDemoHistory(t.base, ADMIN_TOKEN, today, 40, now);
    expect(again.scans).toBe(result.scans);
    expect((await t.dash.store.tableCounts()).scans).toBe(result.scans);
  });
});
