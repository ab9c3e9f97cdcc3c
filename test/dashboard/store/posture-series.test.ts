// The posture series after its cheaper read (only a point's columns, as arrays; one walk over the
// days), and the API's JSON text written by the database (postureJson): the same JSON, byte for
// byte, as the read they replaced (kept below as the reference), on both backends, for windows
// before, across, between and after snapshots, one-day windows, windows with a snapshot every day
// (no walk) or every day but at their ends (carried around the points' text), and a service
// without any snapshot.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween, daysFrom } from '../../../dashboard/store/days.js';
import type { SqliteStore } from '../../../dashboard/store/sqlite/open.js';
import type { PosturePoint, Store } from '../../../dashboard/store/types.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport } from './report-builder.js';

interface PostureRow {
  day: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  unknown: number;
  total: number;
}

/** The series as it was computed before (SELECT * rows, a map by day, addDays per day). */
function referenceSeries(all: PostureRow[], from: string, to: string): PosturePoint[] {
  if (from > to) return [];
  const rows = all.filter((r) => r.day >= from && r.day <= to);
  const before = all.filter((r) => r.day < from).at(-1);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  let carry = before;
  const points: PosturePoint[] = [];
  const n = daysBetween(from, to);
  for (let i = 0; i <= n; i++) {
    const d = addDays(from, i);
    const row = byDay.get(d);
    if (row) carry = row;
    if (!carry) continue;
    points.push({
      day: d,
      critical: Number(carry.critical),
      high: Number(carry.high),
      medium: Number(carry.medium),
      low: Number(carry.low),
      info: Number(carry.info),
      unknown: Number(carry.unknown),
      total: Number(carry.total),
      snapshot: row !== undefined,
    });
  }
  return points;
}

const SQL = `SELECT p.* FROM posture_daily p JOIN services s ON s.id = p.service_id WHERE s.name = $1 ORDER BY p.day`;

describe.each(BACKENDS)('%s postureSeries', (backend) => {
  let store: Store;
  let location: string;
  let cleanup: () => Promise<void>;

  async function postureRows(service: string): Promise<PostureRow[]> {
    if (store.backend === 'sqlite') return (store as SqliteStore).db.prepare(SQL.replace('$1', '?')).all(service) as PostureRow[];
    const c = new pg.Client({ connectionString: location });
    await c.connect();
    try {
      return (await c.query<PostureRow>(SQL, [service])).rows;
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    ({ location, cleanup } = await storeLocation(backend));
    store = await openTestStore(location);
    // Snapshots with gaps between them, a day with two scans, and severities that change.
    const scans: [string, string, { fp: string; severity?: 'critical' | 'high' | 'medium' | 'low' | 'info' | 'unknown' }[]][] = [
      ['a', '2026-01-03', [{ fp: '1', severity: 'critical' }, { fp: '2' }]],
      ['b', '2026-01-04', [{ fp: '1', severity: 'critical' }, { fp: '2' }, { fp: '3', severity: 'low' }, { fp: '4', severity: 'info' }]],
      ['c', '2026-01-09', [{ fp: '3', severity: 'low' }, { fp: '5', severity: 'medium' }, { fp: '6', severity: 'unknown' }]],
      ['d', '2026-02-27', []],
      ['e', '2026-03-02', [{ fp: '7', severity: 'high' }]],
    ];
    for (const [scanId, d, findings] of scans) await store.ingestScan(makeReport({ scanId, createdAt: day(d), findings }), 't');
    await store.ingestScan(makeReport({ scanId: 'e2', createdAt: day('2026-03-02', '20:00:00'), findings: [{ fp: '7', severity: 'high' }, { fp: '8' }] }), 't');
    // A snapshot every day from 2026-04-28 to 2026-05-03 (across a month end), counts changing.
    for (let i = 0; i < 6; i++) {
      const findings = Array.from({ length: i + 1 }, (_, k) => ({ fp: `d${k}`, service: 'daily', severity: (['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const)[(i + k) % 6] }));
      await store.ingestScan(makeReport({ scanId: `d${i}`, createdAt: day(addDays('2026-04-28', i)), services: ['daily'], findings }), 't');
    }
    // A service that only a pull request's scan named: known, without any snapshot.
    await store.ingestScan(makeReport({ scanId: 'pr1', kind: 'pr', createdAt: day('2026-01-05'), services: ['pr-only'], findings: [{ fp: 'p1', service: 'pr-only' }] }), 't');
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const windows: [string, string][] = [
    ['2025-12-01', '2026-12-01'], // a year: before the first snapshot to long after the last
    ['2026-01-01', '2026-01-03'],
    ['2026-01-03', '2026-01-03'],
    ['2026-01-05', '2026-01-08'], // between snapshots: carried from the day before the window
    ['2026-01-04', '2026-03-02'],
    ['2026-02-28', '2026-03-01'], // across the month end, after an empty snapshot
    ['2026-03-03', '2026-03-10'], // after the last snapshot
    ['2025-12-30', '2026-01-02'], // only before the first snapshot: no points
    ['2026-01-09', '2026-01-08'], // from after to
  ];

  it.each(windows)('from %s to %s: the same JSON as the read it replaced', async (from, to) => {
    const all = await postureRows('payments');
    expect(all.length).toBeGreaterThanOrEqual(5);
    const series = await store.postureSeries('payments', { from, to });
    expect(JSON.stringify(series)).toBe(JSON.stringify(referenceSeries(all, from, to)));
  });

  const jsonWindows: [string, string, string][] = [
    ...windows.map(([from, to]): [string, string, string] => ['payments', from, to]),
    ['payments', '2026-01-04', '2026-01-04'], // one day with a snapshot, after another
    ['payments', '2026-01-05', '2026-01-05'], // one day carried from the day before it
    ['payments', '2026-01-02', '2026-01-02'], // one day before the first snapshot
    ['payments', '2026-12-01', '2026-12-01'], // one day long after the last
    ['payments', '2026-01-03', '2026-01-04'], // a snapshot every day of the window (no walk)
    ['payments', '2026-03-02', '2026-03-02'], // the later of two scans of one day
    ['payments', '2016-01-01', '2026-01-09'], // ten years, from long before any snapshot
    ['payments', '2026-01-05', '2026-01-09'], // carried from before the window, then one snapshot day
    ['payments', '2026-01-04', '2026-01-12'], // a gap between snapshots, then carried to the end
    ['payments', '2026-01-08', '2026-01-09'], // carried, then the snapshot on the window's last day
    ['daily', '2026-04-28', '2026-05-03'], // a snapshot every day
    ['daily', '2026-04-26', '2026-05-01'], // before the first snapshot (nothing to carry), then every day
    ['daily', '2026-05-01', '2026-05-05'], // every day, then carried (today's snapshot not in yet)
    ['daily', '2026-04-29', '2026-05-02'], // inside it, across the month end
    ['daily', '2026-04-30', '2026-04-30'],
    ['daily', '2026-04-20', '2026-05-10'], // before and after
    ['daily', '2026-05-03', '2026-05-09'], // the last snapshot, then carried
    ['daily', '2026-04-01', '2026-04-27'], // only before the first: no points
    ['pr-only', '2026-01-01', '2026-12-31'], // a service without any snapshot
    ['pr-only', '2026-01-05', '2026-01-05'],
  ];

  it.each(jsonWindows)('%s from %s to %s: postureJson is the JSON of the reference, byte for byte', async (service, from, to) => {
    const reference = JSON.stringify(referenceSeries(await postureRows(service), from, to));
    expect(await store.postureJson(service, { from, to })).toBe(reference);
    expect(JSON.stringify(await store.postureSeries(service, { from, to }))).toBe(reference);
  });

  it('postureJson: undefined for a service that does not exist, [] for one without snapshots', async () => {
    expect(await store.postureJson('nope', { from: '2026-01-01', to: '2026-01-05' })).toBeUndefined();
    expect(await store.hasService('pr-only')).toBe(true);
    expect(await postureRows('pr-only')).toEqual([]);
    expect(await store.postureJson('pr-only', { from: '2026-01-01', to: '2026-01-05' })).toBe('[]');
    // The windows above compare something: 'daily' has six snapshot days, all in its first window.
    expect((JSON.parse((await store.postureJson('daily', { from: '2026-04-28', to: '2026-05-03' }))!) as PosturePoint[]).map((p) => [p.day, p.total, p.snapshot])).toEqual(
      Array.from({ length: 6 }, (_, i) => [addDays('2026-04-28', i), i + 1, true]),
    );
  });

  it('has points where the reference has them (the comparison is not of two empty lists)', async () => {
    const series = await store.postureSeries('payments', { from: '2025-12-01', to: '2026-12-01' });
    expect(series).toHaveLength(daysBetween('2026-01-03', '2026-12-01') + 1);
    expect(series.filter((p) => p.snapshot).map((p) => [p.day, p.total])).toEqual([
      ['2026-01-03', 2],
      ['2026-01-04', 4],
      ['2026-01-09', 3],
      ['2026-02-27', 0],
      ['2026-03-02', 2],
    ]);
    expect(series.find((p) => p.day === '2026-01-05')).toEqual({ day: '2026-01-05', critical: 1, high: 1, medium: 0, low: 1, info: 1, unknown: 0, total: 4, snapshot: false });
    expect(await store.postureSeries('nope', { from: '2026-01-01', to: '2026-01-05' })).toEqual([]);
  });
});

describe('daysFrom', () => {
  it.each(['1899-12-20', '1999-12-25', '2024-02-27', '2026-12-01', '2099-11-30', '0999-12-30'])('counts the same days as addDays from %s (leap years, 1900, 2000, 2100)', (from) => {
    const n = 3660 * 2;
    expect(daysFrom(from, n)).toEqual(Array.from({ length: n }, (_, i) => addDays(from, i)));
  });
  it('gives nothing for a count of 0', () => {
    expect(daysFrom('2026-01-01', 0)).toEqual([]);
  });
});
