// Review of the posture points written as JSON by the database (postureJson, store/posture.ts):
// over random snapshot histories (gaps of any length, runs of consecutive days, two scans a day,
// counts going to zero) and random windows (before, across, inside, after the snapshots, one day
// long, empty), the text is JSON.stringify of the series the earlier read gave, byte for byte, on
// both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../../dashboard/store/days.js';
import type { PosturePoint, Store } from '../../../dashboard/store/types.js';
import { SEVERITIES, type Severity } from '../../../src/findings/finding.js';
import { BACKENDS, openTestStore, storeLocation } from './backends.js';
import { day, makeReport } from './report-builder.js';

type Row = Omit<PosturePoint, 'day' | 'snapshot'> & { day: string };

/** The series as computed before (a map by day, carried forward from the last row before each day). */
function referenceSeries(all: Row[], from: string, to: string): PosturePoint[] {
  if (from > to) return [];
  const byDay = new Map(all.map((r) => [r.day, r]));
  let carry = all.filter((r) => r.day < from).at(-1);
  const points: PosturePoint[] = [];
  for (let i = 0; i <= daysBetween(from, to); i++) {
    const d = addDays(from, i);
    const row = byDay.get(d);
    if (row) carry = row;
    if (!carry) continue;
    const { day: _day, ...counts } = carry;
    points.push({ day: d, ...counts, snapshot: row !== undefined });
  }
  return points;
}

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const START = '2025-11-20';
const SERVICES = ['alpha', 'beta', 'gamma'];

describe.each(BACKENDS)('%s postureJson over random histories and windows', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  /** The rows each service's snapshots left, by the last snapshot of each day. */
  const rows = new Map<string, Row[]>();

  beforeAll(async () => {
    const location = await storeLocation(backend);
    cleanup = location.cleanup;
    store = await openTestStore(location.location);
    const rnd = random(backend === 'sqlite' ? 7 : 11);
    for (const [k, service] of SERVICES.entries()) {
      const byDay = new Map<string, Row>();
      let d = addDays(START, Math.floor(rnd() * 10));
      for (let i = 0; i < 14 + k * 4; i++) {
        // Runs of consecutive days, short gaps and long ones.
        const r = rnd();
        d = addDays(d, r < 0.5 ? 1 : r < 0.8 ? 2 + Math.floor(rnd() * 4) : 10 + Math.floor(rnd() * 40));
        for (const time of rnd() < 0.2 ? ['08:00:00', '20:00:00'] : ['12:00:00']) {
          const n = rnd() < 0.15 ? 0 : Math.floor(rnd() * 9);
          const findings = Array.from({ length: n }, (_, j) => ({ fp: `${service}-${j}`, severity: SEVERITIES[Math.floor(rnd() * SEVERITIES.length)] as Severity }));
          await store.ingestScan(makeReport({ scanId: `${service}-${i}-${time}`, createdAt: day(d, time), services: [service], findings }), 't');
          const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
          byDay.set(d, { day: d, ...counts, total: n });
        }
      }
      rows.set(service, [...byDay.values()]);
    }
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('is JSON.stringify of the earlier series for 400 random windows', async () => {
    const rnd = random(3);
    let points = 0;
    for (let i = 0; i < 400; i++) {
      const service = SERVICES[i % SERVICES.length];
      const all = rows.get(service)!;
      const from = addDays(START, Math.floor(rnd() * 420) - 30);
      const r = rnd();
      const to = addDays(from, r < 0.1 ? 0 : r < 0.15 ? -1 : Math.floor(rnd() * (r < 0.6 ? 40 : 400)));
      const want = JSON.stringify(referenceSeries(all, from, to));
      expect(await store.postureJson(service, { from, to }), `${service} ${from}..${to}`).toBe(want);
      points += want.length;
    }
    expect(points).toBeGreaterThan(100_000);
  });
});
