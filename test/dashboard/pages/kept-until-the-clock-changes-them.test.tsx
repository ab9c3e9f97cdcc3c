// Pages and answers that show the clock (ages, ageDays to 0.1 day, SLA breaches, triage ends, the
// chart's "today", the change over the last 7 days) are kept until the first instant one of their
// texts changes (dashboard/clock-reading.ts). For random histories and random instants t, on both
// backends: a render at any t' in [t, validUntil) is byte for byte the render at t, and the render
// at validUntil differs. Through the app: a kept page or answer is served up to validUntil, then at
// most CLOCK_LAG_MS longer (while rendered again), never after.
import { describe, expect, it } from 'vitest';
import { findingsAnswer, serviceAnswer } from '../../../dashboard/api/answers.js';
import { FindingQuerySchema } from '../../../dashboard/api/query.js';
import { createApp } from '../../../dashboard/app.js';
import { CLOCK_LAG_MS, nextMinute, readClock } from '../../../dashboard/clock-reading.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { mulberry32 } from '../../../dashboard/seeded-random.js';
import { renderOverviewBody, ServiceQuery } from '../../../dashboard/pages/page-bodies.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import { changeTurn } from '../../../dashboard/store/week.js';
import type { Finding, Severity } from '../../../src/findings/finding.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { finding, snapshot } from './fixtures.js';
import { login } from './harness.js';
import { servedServiceBody } from './served-service-body.js';

const DAY = 86_400_000;
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** A failure names its seed. */
const random = mulberry32;

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Two services, each with 5-9 snapshots at random instants over ~25 days of a pool of findings of
 * random severities (some KEV-listed with a due day around then), then a few triage decisions
 * (acceptances ending on a day to come, false positives). Returns the last snapshot's instant.
 */
async function randomHistory(store: Store, rnd: () => number): Promise<number> {
  const start = Date.parse('2026-10-01T00:00:00Z') + Math.floor(rnd() * 20 * DAY);
  let last = start;
  const reports = [];
  for (const service of ['alpha', 'beta']) {
    const pool: Finding[] = Array.from({ length: 8 + Math.floor(rnd() * 8) }, (_, n) => {
      const severity = SEVERITIES[Math.floor(rnd() * SEVERITIES.length)];
      const kev = rnd() < 0.25 ? { cve: `CVE-2024-${1000 + n}`, dateAdded: dayOf(start - 30 * DAY), dueDate: dayOf(start + Math.floor((rnd() * 50 - 5) * DAY)), ransomware: 'unknown' as const } : undefined;
      return finding(service, n, severity, kev ? { kev } : {});
    });
    let at = start;
    for (let i = 0, n = 5 + Math.floor(rnd() * 5); i < n; i++) {
      at += Math.floor(rnd() * 5 * DAY) + 1;
      // Some services start with a clean snapshot (no events: only its posture row turns the change's baseline).
      reports.push(snapshot(service, new Date(at), i === 0 && rnd() < 0.4 ? [] : pool.filter(() => rnd() < 0.6)));
      last = Math.max(last, at);
    }
  }
  reports.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  for (const r of reports) await store.ingestScan(r, 'test');
  const now = new Date(last);
  for (const service of ['alpha', 'beta']) {
    const open = (await store.listFindings({ service, state: 'open', limit: 100, offset: 0 }, now)).items;
    for (const f of open.filter(() => rnd() < 0.3)) {
      const input = rnd() < 0.6 ? { status: 'accepted_risk' as const, reason: 'later', owner: 'alice', until: dayOf(last + Math.floor((1 + rnd() * 20) * DAY)) } : { status: 'false_positive' as const, reason: 'test only' };
      await store.setTriage(service, [f.fingerprint], toTriageRecord(input, 'alice', now), 'alice', now);
    }
  }
  return last;
}

/** Instants at which a deadline, a triage decision or the change window turns, after `last`. */
async function turningPoints(store: Store, last: number): Promise<number[]> {
  const out: number[] = [];
  for (const service of ['alpha', 'beta']) {
    const rows = (await store.listFindings({ service, state: 'all', limit: 500, offset: 0 }, new Date(last))).items;
    for (const f of rows) {
      if (f.slaDueAt) out.push(Date.parse(f.slaDueAt) + 1);
      if (f.triage?.expiresAt) out.push(Date.parse(f.triage.expiresAt));
    }
    for (const s of await store.listScans(service, 20)) out.push(Date.parse(s.createdAt) + 7 * DAY + 1);
  }
  return out.filter((t) => t > last + 60_000);
}

/** What is checked: a name and a render at an instant (the reading it is given collects validUntil). */
type Target = { name: string; render: (at: Date) => Promise<string> };

function targets(store: Store, rnd: () => number): Target[] {
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const service = pick(['alpha', 'beta']);
  const view = ServiceQuery.parse({ state: pick(['open', 'fixed', 'all']), sort: pick(['severity', 'age', 'firstSeen', 'epss']) });
  const query = FindingQuerySchema.parse({ service, state: pick(['open', 'fixed', 'all']), sort: pick(['severity', 'age', 'lastSeen']) });
  const json = async (value: Promise<unknown>) => JSON.stringify(await value);
  return [
    { name: `service page ${service} (default view)`, render: (at) => servedServiceBody(store, service, ServiceQuery.parse({}), at) },
    { name: `service page ${service} ${JSON.stringify(view)}`, render: (at) => servedServiceBody(store, service, view, at) },
    { name: `findings answer ?service=${service}`, render: (at) => json(findingsAnswer(store, FindingQuerySchema.parse({ service }), at).compute(at)) },
    { name: `findings answer ${JSON.stringify(query)}`, render: (at) => json(findingsAnswer(store, query, at).compute(at)) },
    { name: `service answer ${service}`, render: (at) => json(serviceAnswer(store, service, at).compute(at)) },
  ];
}

describe.each(BACKENDS)('a render kept until the clock changes what it shows (%s)', (backend) => {
  it('renders the same bytes at any instant before validUntil, and other bytes at validUntil (random histories and instants)', async () => {
    let finite = 0;
    let minuteRule = 0;
    let longest = 0;
    for (const seed of [11, 12, 13, 14]) {
      const { location, cleanup } = await storeLocation(backend);
      const store = await openTestStore(location);
      try {
        const rnd = random(seed);
        const last = await randomHistory(store, rnd);
        const turns = await turningPoints(store, last);
        for (let i = 0; i < 12; i++) {
          // Half at random, half just before an instant where a rule other than the ages' tenths of
          // a day turns (an SLA deadline, a triage end, a snapshot leaving the 7-day window).
          const t = i % 2 === 0 ? last + Math.floor(rnd() * 30 * DAY) : turns[Math.floor(rnd() * turns.length)] - Math.floor(rnd() * 20 * 60_000);
          for (const target of targets(store, rnd)) {
            const clock = readClock(t);
            const at = await target.render(clock);
            const until = clock.validUntil;
            const where = `seed ${seed}, ${target.name}, t ${new Date(t).toISOString()}, validUntil ${Number.isFinite(until) ? new Date(until).toISOString() : until}`;
            expect(until, where).toBeGreaterThan(t);
            if (clock.byMinute) {
              // A value that moves at a finer grain than is tracked (the order of open and fixed
              // findings by age): the minute rule, an upper bound, not an exact boundary.
              expect(until, where).toBeLessThanOrEqual(nextMinute(t));
              minuteRule++;
              continue;
            }
            const later = Number.isFinite(until) ? t + Math.floor(rnd() * (until - t)) : t + Math.floor(rnd() * 365 * DAY);
            expect(await target.render(new Date(later)), `${where}, t' ${new Date(later).toISOString()}`).toBe(at);
            // The last instant before it too: the boundary is not early by a millisecond.
            if (Number.isFinite(until)) {
              expect(await target.render(new Date(until - 1)), `${where}, at validUntil - 1 ms`).toBe(at);
              expect(await target.render(new Date(until)), `${where}, at validUntil`).not.toBe(at);
              finite++;
              longest = Math.max(longest, until - t);
            }
          }
        }
      } finally {
        await store.close();
        await cleanup();
      }
    }
    // The histories reach past the minute rule: renders kept for hours, and every one ends somewhere.
    expect(finite).toBeGreaterThan(60);
    expect(minuteRule).toBeGreaterThan(0);
    expect(longest).toBeGreaterThan(60 * 60_000);
  });

  it('says when a service\'s change over the last 7 days moves: the same change before that instant, another at it', async () => {
    const WEEK = 7 * DAY;
    let turned = 0;
    for (const seed of [41, 42, 43, 44, 45]) {
      const { location, cleanup } = await storeLocation(backend);
      const store = await openTestStore(location);
      try {
        const rnd = random(seed);
        const last = await randomHistory(store, rnd);
        for (let i = 0; i < 10; i++) {
          const service = rnd() < 0.5 ? 'alpha' : 'beta';
          const t = last - 20 * DAY + Math.floor(rnd() * 30 * DAY);
          // Its `since` in window mode is the window's first day, which the page does not show
          // ("in the last 7 days"); the change's own figures are what a turn is about.
          const change = async (at: number) => JSON.stringify(await store.serviceChanges(new Date(at - WEEK).toISOString(), service)).replace(/"since":"[^"]*","baseline":"window"/g, '"baseline":"window"');
          const turn = changeTurn(await store.serviceChangeTurn(new Date(t - WEEK).toISOString(), service), WEEK);
          const where = `seed ${seed}, ${service}, t ${new Date(t).toISOString()}, turn ${turn}`;
          const now = await change(t);
          if (!Number.isFinite(turn)) {
            expect(await change(t + 30 * DAY), where).toBe(now);
            continue;
          }
          expect(turn, where).toBeGreaterThan(t);
          expect(await change(t + Math.floor(rnd() * (turn - t))), where).toBe(now);
          expect(await change(turn - 1), where).toBe(now);
          expect(await change(turn), where).not.toBe(now);
          turned++;
        }
      } finally {
        await store.close();
        await cleanup();
      }
    }
    expect(turned).toBeGreaterThan(10);
  });

  it('keeps the minute rule for the overview (its rows come from a cached overview and "this week" moves at any instant)', async () => {
    const { location, cleanup } = await storeLocation(backend);
    const store = await openTestStore(location);
    try {
      const last = await randomHistory(store, random(21));
      const clock = readClock(last + 3 * DAY + 12_345);
      await renderOverviewBody({ store, cache: undefined }, { sort: 'critical', dir: 'desc', page: 1, days: 7 }, clock);
      expect(clock.validUntil).toBeLessThanOrEqual(nextMinute(clock.getTime()));
    } finally {
      await store.close();
      await cleanup();
    }
  });
});

describe('a kept page or answer is not served past its validity and the allowed lag', () => {
  it('serves the kept service page and answers up to validUntil + CLOCK_LAG_MS, then what an uncached app renders', async () => {
    const { location, cleanup } = await storeLocation('sqlite');
    const store = await openTestStore(location);
    try {
      const last = await randomHistory(store, random(31));
      let clock = new Date(last + DAY);
      const config = DEFAULT_DASHBOARD_CONFIG;
      const app = createApp({ store, config, logger: createMemoryLogger(), now: () => clock });
      const uncached = createApp({ store, config, logger: createMemoryLogger(), now: () => clock, cachePages: false });
      const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
      const { cookie } = await login(app, viewer);
      const page = async (a: typeof app) => (await a.request('/services/alpha', { headers: { cookie } })).text();
      const api = async (a: typeof app, path: string) => (await a.request(path, { headers: { authorization: `Bearer ${viewer}` } })).text();
      const reads = [() => page(app), () => api(app, '/api/v1/services/alpha'), () => api(app, '/api/v1/findings?service=alpha')];
      const truths = [() => page(uncached), () => api(uncached, '/api/v1/services/alpha'), () => api(uncached, '/api/v1/findings?service=alpha')];
      const validity = [
        async (at: Date) => { const c = readClock(at); await servedServiceBody(store, 'alpha', ServiceQuery.parse({}), c); return c.validUntil; },
        async (at: Date) => { const c = readClock(at); await serviceAnswer(store, 'alpha', at).compute(c); return c.validUntil; },
        async (at: Date) => { const c = readClock(at); await findingsAnswer(store, FindingQuerySchema.parse({ service: 'alpha' }), at).compute(c); return c.validUntil; },
      ];
      for (let i = 0; i < reads.length; i++) {
        clock = new Date(last + DAY + i * 7 * DAY);
        const first = await reads[i]();
        expect(first).toBe(await truths[i]());
        const until = await validity[i](clock);
        expect(Number.isFinite(until)).toBe(true);
        // Before it: the kept one, which is what an uncached app renders.
        clock = new Date(until - 1);
        expect(await reads[i]()).toBe(first);
        expect(await truths[i]()).toBe(first);
        // Within the lag (no warmer here, so nothing refreshes it): still the kept one, though stale.
        clock = new Date(until + CLOCK_LAG_MS - 1);
        expect(await truths[i]()).not.toBe(first);
        expect(await reads[i]()).toBe(first);
        // From the end of the lag on: rendered again before answering.
        clock = new Date(until + CLOCK_LAG_MS);
        expect(await reads[i]()).toBe(await truths[i]());
      }
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
