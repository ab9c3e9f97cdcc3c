// The demo history goes through the real API and produces a lifecycle worth looking at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../../dashboard/demo-seed.js';
import { ADMIN_TOKEN, startTestDashboard, type TestDashboard } from './harness.js';

let t: TestDashboard;
beforeAll(async () => {
  t = await startTestDashboard({ ingestRateLimit: { perMinute: 100_000 } });
});
afterAll(async () => {
  await t.stop();
});

describe('seedDemoHistory', () => {
  it('ingests daily snapshots and PR scans with explicit timestamps; a second run changes nothing', async () => {
    const now = new Date('2026-06-30T12:00:00Z');
    const result = await seedDemoHistory(t.base, ADMIN_TOKEN, ['payments', 'users'], 40, now);
    expect(result.scans).toBeGreaterThanOrEqual(2 * 41);
    const services = (await t.dash.store.listServiceOverview(now));
    expect(services.map((s) => s.name)).toEqual(['payments', 'users']);
    for (const s of services) expect(s.lastSnapshotAt).toBe('2026-06-30T02:00:00.000Z');
    const points = (await t.dash.store.postureSeries('payments', { from: '2026-05-21', to: '2026-06-30' }));
    expect(points).toHaveLength(41);
    expect(new Set(points.map((p) => p.total)).size).toBeGreaterThan(2);
    const all = (await t.dash.store.listFindings({ state: 'all', limit: 500, offset: 0 }, now));
    expect(all.total).toBe(result.findings);
    expect(all.items.some((f) => f.state === 'fixed')).toBe(true);
    expect(all.items.some((f) => f.state === 'open')).toBe(true);
    expect((await t.dash.store.listScans('payments', 100)).some((s) => s.kind === 'pr')).toBe(true);
    expect((await t.dash.store.listScans('payments', 100)).some((s) => s.scanners.some((r) => r.status === 'error'))).toBe(true);

    const again = await seedDemoHistory(t.base, ADMIN_TOKEN, ['payments', 'users'], 40, now);
    expect(again.scans).toBe(result.scans);
    expect((await t.dash.store.tableCounts()).scans).toBe(result.scans);
  });
});
