// SQLite answers synchronously: a read of every service (the overview's remediation trend, its week
// and rows) is taken in slices with turns of the event loop between them (sqlite/loop-turns.ts), so
// a request arriving meanwhile waits for one slice, not for the whole read. The slices add up to the
// answer of one read, and a change committed between two of them is served to every read after it.
// An upload's transaction goes in a turn of its own, after the one that read and validated it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { LoopTurns } from '../../../dashboard/store/sqlite/loop-turns.js';
import { openSqliteStore, type SqliteStore } from '../../../dashboard/store/sqlite/open.js';
import {
  assembleRemediation,
  FIRST_SNAPSHOT_DAY_SQL,
  REMEDIATION_FIXES_SQL,
  REMEDIATION_PERIODS_SQL,
  remediationWindow,
  type RemediationFixDbRow,
  type RemediationPeriodDbRow,
} from '../../../dashboard/store/week.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { day, makeReport, type FindingSpec } from './report-builder.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const SINCE = '2026-03-03T12:00:00.000Z';
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** `n` findings of `service`, worst to mildest in turn (fingerprints from `from`). */
const findings = (n: number, from = 0): FindingSpec[] => Array.from({ length: n }, (_, i) => ({ fp: `f${String(from + i).padStart(5, '0')}`, severity: SEVERITIES[(from + i) % 4] }));

/** Whether the event loop turned while `read` ran: an immediate queued before it ran before its answer. */
async function turnedDuring<T>(read: () => Promise<T>): Promise<{ answer: T; turned: boolean }> {
  let turned = false;
  setImmediate(() => (turned = true));
  const answer = await read();
  return { answer, turned };
}

describe('SQLite reads of every service in slices', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-slices-'));
    // A turn at every pause: the slices show on a store this small.
    store = openSqliteStore(join(dir, 'dashboard.db'), { readSliceMs: 0 });
    // Findings over three slices of finding ids (512 each), opened, some fixed and reopened.
    await store.ingestScan(makeReport({ scanId: 's1', createdAt: day('2026-01-10'), findings: findings(1200) }), 'test');
    await store.ingestScan(makeReport({ scanId: 's2', createdAt: day('2026-02-20'), findings: findings(700, 500) }), 'test');
    await store.ingestScan(makeReport({ scanId: 's3', createdAt: day('2026-03-05'), findings: findings(900) }), 'test');
    await store.ingestScan(makeReport({ scanId: 'b1', createdAt: day('2026-03-06'), services: ['billing'], findings: findings(30) }), 'test');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the remediation trend in slices that add up to the one-statement answer', async () => {
    const w = remediationWindow(NOW);
    const whole = assembleRemediation(
      w.from,
      w.to,
      NOW,
      store.sla,
      store.db.prepare(REMEDIATION_FIXES_SQL).all(w.fromAt, w.endAt) as RemediationFixDbRow[],
      store.db.prepare(REMEDIATION_PERIODS_SQL).all(w.fromAt) as RemediationPeriodDbRow[],
      (store.db.prepare(FIRST_SNAPSHOT_DAY_SQL).get() as { day: string }).day,
    );
    // Not a trivial trend: breaches and fixes on many days.
    expect(whole.days.filter((d) => (d.breaches ?? 0) > 0).length).toBeGreaterThan(10);
    expect(whole.days.reduce((n, d) => n + d.fixed, 0)).toBeGreaterThan(500);
    const { answer, turned } = await turnedDuring(() => store.remediationTrend(NOW));
    expect(turned).toBe(true);
    expect(answer).toEqual(whole);
  });

  it("lets the event loop turn inside the week's reads and the overview rows", async () => {
    const reads: (() => Promise<unknown>)[] = [() => store.weekSummary(SINCE, 10), () => store.serviceChanges(SINCE), () => store.listServiceOverview(NOW)];
    for (const read of reads) {
      expect((await turnedDuring(read)).turned).toBe(true);
    }
  });

  it('serves an ingest committed between two slices of the overview to every read after it', async () => {
    const app = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => NOW });
    const { token } = await store.createToken({ role: 'admin', label: 'test' });
    const auth = { authorization: `Bearer ${token}` };
    const week = async () => (await (await app.request('/api/v1/week', { headers: auth })).json()) as { counts: { fixed: number }; remediation: { days: { fixed: number }[] } };
    const fixedBefore = (await store.weekSummary(new Date(NOW.getTime() - 7 * 86_400_000).toISOString(), 10)).counts.fixed;
    const fixedTodayBefore = (await store.remediationTrend(NOW)).days.at(-1)!.fixed;
    // A snapshot without 400 of the findings: fixed now. It goes in while the first read of the
    // week (nothing cached) is in its slices.
    let ingested = false;
    const during = week();
    const post = Promise.resolve(
      app.request('/api/v1/scans', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(makeReport({ scanId: 's4', createdAt: '2026-03-10T11:00:00Z', findings: findings(500) })),
      }),
    ).then((r) => {
      ingested = r.status === 201;
    });
    await during;
    expect(ingested).toBe(true);
    await post;
    const after = await week();
    expect(after.counts.fixed).toBe(fixedBefore + 400);
    expect(after.remediation.days.at(-1)!.fixed).toBe(fixedTodayBefore + 400);
  });
});

describe('SQLite ingest', () => {
  it('writes a report in another turn of the event loop than the one that validated it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-slices-'));
    const store = openSqliteStore(join(dir, 'dashboard.db'));
    try {
      const report = makeReport({ scanId: 's1', createdAt: day('2026-03-01'), findings: findings(3) });
      const { answer, turned } = await turnedDuring(() => store.ingestScan(report, 'test'));
      expect(turned).toBe(true);
      expect(answer).toMatchObject({ status: 'created', opened: 3 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('LoopTurns', () => {
  it('resumes one waiter per turn of the event loop, first come first served', async () => {
    const turns = new LoopTurns(0);
    const order: string[] = [];
    let immediates = 0;
    // Counts turns: an immediate that queues the next one runs once per turn.
    const count = () => {
      immediates++;
      if (immediates < 10) setImmediate(count);
    };
    setImmediate(count);
    await Promise.all(['a', 'b', 'c'].map(async (name) => {
      await turns.turn();
      order.push(`${name}@${immediates}`);
    }));
    expect(order.map((o) => o[0])).toEqual(['a', 'b', 'c']);
    const at = order.map((o) => Number(o.slice(2)));
    expect(at[1]).toBeGreaterThan(at[0]);
    expect(at[2]).toBeGreaterThan(at[1]);
  });

  it('lets a slice go on without a turn until it held the loop its time', async () => {
    const turns = new LoopTurns(50);
    await turns.turn();
    expect(turns.pause()).toBeUndefined();
    const start = performance.now();
    while (performance.now() - start < 60) {
      // holding the loop
    }
    expect(turns.pause()).toBeInstanceOf(Promise);
  });
});
