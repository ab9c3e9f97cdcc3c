// The overview's trend points are shared between services (store/rows.ts): the kept overview of
// thousands of services would otherwise hold 30 objects per service for the collector to mark.
// Sharing must not change a single answer.
import { describe, expect, it } from 'vitest';
import { assembleOverview, trendWindow, type ServiceDbRow } from '../../../dashboard/store/rows.js';
import { emptyCounts } from '../../../dashboard/store/counts.js';

const service = (name: string): ServiceDbRow => ({
  id: 1,
  name,
  path: name,
  first_seen_at: '2026-01-01T00:00:00.000Z',
  last_scan_at: '2026-01-20T00:00:00.000Z',
  last_snapshot_at: '2026-01-20T00:00:00.000Z',
  last_gate: 'passed',
  repository: null,
  repository_folder: null,
  retired_at: null,
});

const overview = (name: string, totals: Record<string, number>, totalBefore: number | null, now: Date) =>
  assembleOverview({ service: service(name), open: emptyCounts(), suppressed: 0, breaches: 0, totals: new Map(Object.entries(totals)), totalBefore }, now);

describe('overview trend points', () => {
  const now = new Date('2026-01-21T12:00:00.000Z');
  const days = trendWindow(now).days;

  it('carry each day\'s total forward, null before the first measure, as spelled-out points', () => {
    const a = overview('a', { [days[10]]: 4, [days[20]]: 7 }, null, now);
    const spelled = days.map((day, i) => ({ day, total: i < 10 ? null : i < 20 ? 4 : 7 }));
    expect(JSON.stringify(a.trend)).toBe(JSON.stringify(spelled));
  });

  it('are one frozen object per day and total across services, another for another total or day', () => {
    const a = overview('a', { [days[0]]: 3 }, 3, now);
    const b = overview('b', { [days[0]]: 3 }, null, now);
    const c = overview('c', { [days[0]]: 5 }, null, now);
    expect(a.trend.every((p, i) => p === b.trend[i])).toBe(true);
    expect(c.trend[0]).not.toBe(a.trend[0]);
    expect(c.trend[0]).toEqual({ day: days[0], total: 5 });
    expect(Object.isFrozen(a.trend[5])).toBe(true);
    // The next day's window has its own days: no point of yesterday's window is reused.
    const tomorrow = new Date(now.getTime() + 86_400_000);
    const d = overview('a', { [days[0]]: 3 }, 3, tomorrow);
    expect(d.trend[0].day).toBe(trendWindow(tomorrow).days[0]);
    expect(d.trend.every((p, i) => p.day === trendWindow(tomorrow).days[i])).toBe(true);
    expect(d.trend.some((p) => a.trend.includes(p))).toBe(false);
  });
});
