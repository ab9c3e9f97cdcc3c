// The service page's reads give the same answers on both backends: PostgreSQL reads a service's
// figures in one statement (getService), SQLite in several; the same history ingested into each must
// give equal getService answers and byte-identical page bodies as the server renders them
// (served-service-body.ts; with KEV, EPSS, triage, suppressions, fixes, SLA breaches, days before
// the first snapshot and markup in tool text).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceQuery } from '../../../dashboard/pages/page-bodies.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { openTestStore, storeLocation } from './backends.js';
import { makeReport } from './report-builder.js';
import { servedServiceBody } from '../pages/served-service-body.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const dayAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const KEV = { cve: 'CVE-2021-44228', dateAdded: '2021-12-10', dueDate: '2026-11-20', ransomware: 'known' as const };

async function seed(store: Store): Promise<void> {
  // payments: 60 days of snapshots (findings come and go), a KEV past its due date, EPSS, a
  // suppression, markup and a bidi control in a title; orders: first scanned 10 days ago.
  for (let d = 60; d >= 0; d -= 3) {
    const findings = [
      { fp: 'log4j', severity: 'high' as const, title: 'log4j <script>alert(1)</script> \u202Eexe.txt', extra: { ruleId: 'CVE-2021-44228', kev: KEV, epss: { cve: 'CVE-2021-44228', probability: 0.94, percentile: 0.999 } } },
      { fp: 'sup01', severity: 'medium' as const, suppressed: true },
      { fp: 'old01', severity: 'critical' as const, title: 'open since the start' },
      ...(d > 30 ? [{ fp: 'gone1', severity: 'low' as const }] : []),
      ...(d < 20 ? [{ fp: 'new01', severity: 'high' as const, extra: { epss: { cve: 'CVE-2024-new01', probability: 0.003, percentile: 0.3 } } }] : []),
      ...Array.from({ length: (d % 9) + 2 }, (_, i) => ({ fp: `churn${i}`, severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4] })),
      { fp: 'tri01', severity: 'critical' as const, title: 'false positive one' },
    ];
    await store.ingestScan(makeReport({ scanId: `pay-${d}`, createdAt: dayAgo(d), services: ['payments'], findings }), 'test');
  }
  for (let d = 10; d >= 0; d -= 2) {
    await store.ingestScan(makeReport({ scanId: `ord-${d}`, createdAt: dayAgo(d), services: ['orders'], findings: d < 5 ? [{ fp: 'ord01', severity: 'medium' }] : [] }), 'test');
  }
  await store.ingestScan(makeReport({ scanId: 'fresh-3', createdAt: dayAgo(3), services: ['fresh'], findings: [{ fp: 'fr001', severity: 'low' }] }), 'test');
  await store.ingestScan(makeReport({ scanId: 'fresh-1', createdAt: dayAgo(1), services: ['fresh'], findings: [{ fp: 'fr002', severity: 'high' }] }), 'test');
  await store.setTriage('payments', ['fp-tri01'], toTriageRecord({ status: 'false_positive', reason: 'not reachable' } as never, 'alice', NOW), 'session:tok (alice)', NOW);
}

let sqlite: Store;
let postgres: Store;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const stores: Store[] = [];
  for (const backend of ['sqlite', 'postgres'] as const) {
    const { location, cleanup } = await storeLocation(backend);
    const store = await openTestStore(location);
    cleanups.push(async () => {
      await store.close();
      await cleanup();
    });
    await seed(store);
    stores.push(store);
  }
  [sqlite, postgres] = stores;
}, 120_000);
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('service page reads on both backends', () => {
  it.each(['payments', 'orders'])('getService answers the same (%s)', async (name) => {
    for (const at of [NOW, new Date(NOW.getTime() - 20 * 86_400_000), new Date(NOW.getTime() + 200 * 86_400_000)]) {
      const [a, b] = [await sqlite.getService(name, at), await postgres.getService(name, at)];
      expect(b).toEqual(a);
      expect(a!.open.critical + a!.open.high).toBeGreaterThan(name === 'payments' ? 0 : -1);
    }
    expect(await postgres.getService('nobody', NOW)).toBeUndefined();
  });

  it('serviceChangeTurn answers the same on both backends (PostgreSQL reads it in one statement)', async () => {
    for (const days of [1, 5, 7, 30, 70]) {
      for (const name of ['payments', 'orders', 'fresh', 'nobody']) {
        const [a, b] = [await sqlite.serviceChangeTurn(dayAgo(days), name), await postgres.serviceChangeTurn(dayAgo(days), name)];
        // Counts as numbers (a driver may give a bigint as text); the rest as read.
        const counts = (r: Record<string, unknown> | undefined) => r && Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'day' || k === 'snapshot_at' ? v : Number(v)]));
        expect({ ...b, baseline: counts(b.baseline), later: b.later.map(counts) }, `${name} ${days}`).toEqual({ ...a, baseline: counts(a.baseline), later: a.later.map(counts) });
      }
    }
    expect((await postgres.serviceChangeTurn(dayAgo(7), 'payments')).later.length).toBeGreaterThan(1);
    expect((await postgres.serviceChangeTurn(dayAgo(7), 'payments')).firstEventAt).not.toBeNull();
    expect(await postgres.serviceChangeTurn(dayAgo(7), 'nobody')).toEqual({ baseline: undefined, later: [], firstEventAt: null });
  });

  it('serviceChangeWithTurn is serviceChanges and serviceChangeTurn read together, on both backends', async () => {
    for (const store of [sqlite, postgres]) {
      for (const days of [1, 5, 7, 30, 70]) {
        for (const name of ['payments', 'orders', 'fresh', 'nobody']) {
          const since = dayAgo(days);
          expect(await store.serviceChangeWithTurn(since, name), `${name} ${days}`).toEqual({ changes: await store.serviceChanges(since, name), turn: await store.serviceChangeTurn(since, name) });
        }
      }
    }
    // The first event is there where the service had events since the start.
    expect((await sqlite.serviceChangeWithTurn(dayAgo(7), 'payments')).turn.firstEventAt).not.toBeNull();
  });

  it('serviceHead is getService without its trend, listScans and serviceChangeWithTurn read together, on both backends', async () => {
    for (const store of [sqlite, postgres]) {
      for (const [days, at] of [[1, NOW], [7, NOW], [30, new Date(NOW.getTime() - 20 * 86_400_000)], [7, new Date(NOW.getTime() + 200 * 86_400_000)]] as const) {
        for (const name of ['payments', 'orders', 'fresh']) {
          const since = new Date(at.getTime() - days * 86_400_000).toISOString();
          for (const limit of [20, 3]) {
            // A service page draws no trend: the head reads none (getService's trend window and the day before it).
            const { trend, ...service } = (await store.getService(name, at))!;
            expect(trend.length).toBeGreaterThan(0);
            const apart = { service, scans: await store.listScans(name, limit), ...(await store.serviceChangeWithTurn(since, name)) };
            const head = await store.serviceHead(name, at, since, limit);
            expect(head, `${name} ${days} ${limit}`).toEqual(apart);
            expect(head?.service).not.toHaveProperty('trend');
          }
        }
      }
      expect(await store.serviceHead('nobody', NOW, dayAgo(7), 20)).toBeUndefined();
    }
    // What it compares: scans newest first, cut at the limit, and a change in the window.
    const head = (await postgres.serviceHead('payments', NOW, dayAgo(7), 20))!;
    expect(head.scans.length).toBe(20);
    expect(head.scans[0].scanId).toBe('pay-0');
    expect((await postgres.serviceHead('payments', NOW, dayAgo(7), 3))!.scans.map((s) => s.scanId)).toEqual(['pay-0', 'pay-3', 'pay-6']);
    expect(head.changes[0].service).toBe('payments');
    expect(head.turn.later.length).toBeGreaterThan(1);
  });

  it("serviceHead with a posture range is also postureSeries of that range, read together, on both backends", async () => {
    for (const store of [sqlite, postgres]) {
      const since = dayAgo(7);
      for (const name of ['payments', 'orders', 'fresh']) {
        const head = await store.serviceHead(name, NOW, since, 20);
        // Windows inside the history, around its start (days before the first snapshot), after it, one day, none.
        for (const range of [{ from: dayAgo(29).slice(0, 10), to: NOW.toISOString().slice(0, 10) }, { from: dayAgo(400).slice(0, 10), to: dayAgo(20).slice(0, 10) }, { from: '2030-01-01', to: '2030-03-31' }, { from: dayAgo(3).slice(0, 10), to: dayAgo(3).slice(0, 10) }, { from: '2026-02-01', to: '2026-01-01' }]) {
          const posture = await store.postureSeries(name, range);
          expect(await store.serviceHead(name, NOW, since, 20, range), `${name} ${range.from}`).toEqual({ ...head, posture });
        }
      }
      expect(await store.serviceHead('nobody', NOW, since, 20, { from: '2026-01-01', to: '2026-01-31' })).toBeUndefined();
    }
    // What it compares: a window of days with counts, the day before it carried in.
    const { posture } = (await postgres.serviceHead('payments', NOW, dayAgo(7), 20, { from: dayAgo(29).slice(0, 10), to: NOW.toISOString().slice(0, 10) }))!;
    expect(posture!.length).toBeGreaterThan(20);
    expect(posture!.some((p) => p.total > 0)).toBe(true);
  });

  it('serviceChanges answers the same for one service (in the window, first snapshot inside it, none)', async () => {
    const since = dayAgo(7);
    for (const name of ['payments', 'orders', 'fresh', 'nobody']) {
      expect(await postgres.serviceChanges(since, name)).toEqual(await sqlite.serviceChanges(since, name));
    }
    expect((await postgres.serviceChanges(since, 'fresh'))[0].baseline).toBe('firstSnapshot');
    expect((await postgres.serviceChanges(since, 'payments'))[0].baseline).toBe('window');
    expect(await postgres.serviceChanges(since, 'nobody')).toEqual([]);
  });

  it('has SLA breaches, suppressions and fixes in the data it compares', async () => {
    const s = (await postgres.getService('payments', NOW))!;
    expect(s.slaBreaches).toBeGreaterThan(0);
    expect(s.suppressed).toBeGreaterThan(0);
    expect(Object.values(s.stats).some((st) => st.fixedCount > 0)).toBe(true);
  });

  it.each([{}, { dir: 'asc' }, { days: '30' }, { days: '365' }, { state: 'all', sort: 'title' }, { kev: 'true' }, { sort: 'epss' }])('renders the same page body (%o)', async (query) => {
    const view = ServiceQuery.parse(query);
    for (const name of ['payments', 'orders', 'fresh']) {
      const a = await servedServiceBody(sqlite, name, view, NOW);
      expect(await servedServiceBody(postgres, name, view, NOW)).toBe(a);
      if (name === 'payments') expect(a).toContain('data-finding=');
    }
  });
});
