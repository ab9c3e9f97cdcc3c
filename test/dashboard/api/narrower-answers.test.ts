// Answers cut from what the cache holds (api/narrower-answers.ts) on both backends: a posture window
// inside the 365-day window, and any page of one service's open findings by severity, filtered or
// not, from the service's open findings kept ahead, are served without a database read and are byte
// for byte what the database path gives (an app without a cache), over random windows, filters,
// orders, offsets, limits and instants, with triage decisions (one lapsing), suppressed findings and
// ages. Without what they are cut from, before the instant the rows were read, or after the data
// changed, the database is read again, and the answer is still the same bytes.
import type { Hono } from 'hono';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepOpenFindings, openFindingsKey } from '../../../dashboard/api/answers.js';
import { KEPT_OPEN_FINDINGS_MAX, openFindingsCut, openFindingsSource, POSTURE_BLOCK_DAYS, postureCut, posturePieces, type FindingsCutQuery } from '../../../dashboard/api/narrower-answers.js';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { VersionedCache } from '../../../dashboard/version-cache.js';
import { readClock } from '../../../dashboard/clock-reading.js';
import { assembleFindingRow } from '../../../dashboard/store/rows.js';
import { severitySortRank } from '../../../dashboard/store/finding-page.js';
import { DEFAULT_SLA_DAYS } from '../../../dashboard/store/types.js';
import { addDays, dayOf, daysBetween } from '../../../dashboard/store/days.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { FindingRow, Store } from '../../../dashboard/store/types.js';
import type { Category, Severity } from '../../../src/findings/finding.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { day, makeReport, type FindingSpec } from '../store/report-builder.js';
import { watchCalls } from '../watch-calls.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const TODAY = dayOf(NOW.toISOString());
const TOOLS: [string, Category][] = [['trivy', 'dependency'], ['semgrep', 'sast'], ['checkov', 'misconfig']];
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe.each(BACKENDS)('answers cut from wider ones on %s', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let viewer: string;
  let clock = NOW;
  let cached: Hono<any>;
  let uncached: Hono<any>;
  /** Database reads of a posture series or a findings page by the cached app. */
  const reads = { posture: 0, findings: 0 };
  const rnd = random(27);

  /**
   * Snapshots on random days of the 400 days before NOW (gaps of any length, `first` days back at
   * most); each snapshot's findings a random subset of `pool` fingerprints with fixed severity, tool
   * and suppression per fingerprint.
   */
  async function history(service: string, first: number, pool: number, lastGap: number) {
    const specs: FindingSpec[] = Array.from({ length: pool }, (_, i) => {
      const [tool, category] = TOOLS[i % TOOLS.length];
      return { fp: `${service}-${i}`, severity: SEVERITIES[Math.floor(rnd() * SEVERITIES.length)], tool, category, suppressed: i % 7 === 3, service };
    });
    const backs: number[] = [];
    for (let back = first; back > lastGap; back -= 1 + Math.floor(rnd() * (rnd() < 0.2 ? 40 : 3))) backs.push(back);
    let n = 0;
    for (const back of [...backs, lastGap]) {
      const findings = back === lastGap ? specs : specs.filter(() => rnd() < 0.6);
      // The scan's time of day varies, so ages and SLA due instants fall between the clock's minutes.
      const at = day(addDays(TODAY, -back), `0${Math.floor(rnd() * 10)}:${10 + Math.floor(rnd() * 50)}:17`);
      await store.ingestScan(makeReport({ scanId: `${service}-${n++}`, createdAt: at, services: [service], findings, scanners: TOOLS.map(([tool, category]) => ({ tool, category, service })) }), 't');
    }
  }

  beforeAll(async () => {
    const location = await storeLocation(backend);
    cleanup = location.cleanup;
    store = await openTestStore(location.location);
    viewer = (await store.createToken({ role: 'viewer', label: 'v' })).token;
    await history('alpha', 400, 30, 0); // snapshots before and across the windows, one today
    await history('late', 120, 12, 3); // first snapshot inside the 365 days, none the last 3 days
    await history('big', 20, 60, 1); // more open findings than the first page holds
    await history('huge', 0, KEPT_OPEN_FINDINGS_MAX + 1, 0); // more open findings than are kept
    // Triage decisions: one for good, one accepted until the end of today (it lapses when the day turns).
    await store.setTriage('alpha', ['fp-alpha-1', 'fp-alpha-2'], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', NOW), 'alice', NOW);
    await store.setTriage('alpha', ['fp-alpha-4'], toTriageRecord({ status: 'accepted_risk', reason: 'later', until: TODAY }, 'bob', NOW), 'bob', NOW);
    const counted = watchCalls(store, ['postureJson', 'listFindings'], (method) => reads[method === 'postureJson' ? 'posture' : 'findings']++);
    const app = (s: Store, cachePages: boolean) => createApp({ store: s, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, cachePages });
    countedStore = counted;
    cached = await warmedApp();
    uncached = app(store, false);
  });
  afterAll(async () => {
    warmer?.stop();
    await store.close();
    await cleanup();
  });

  let countedStore: Store;
  let warmer: PageWarmer | undefined;
  /**
   * A cached app after its work ahead on start (each service's open findings kept, its polled
   * answers computed), at `clock`. Its work ahead then stops: nothing read afterwards is its own (a
   * changed service's rows are not kept again), and the app before it stops too.
   */
  async function warmedApp(): Promise<Hono<any>> {
    warmer?.stop();
    warmer = new PageWarmer(createMemoryLogger(), 0);
    const warmed = createApp({ store: countedStore, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, pageWarmer: warmer, warmPagesOnStart: 100 });
    await warmer.idle();
    warmer.stop();
    return warmed;
  }

  const get = async (app: Hono<any>, path: string, gzip: boolean) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${viewer}`, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } });
    expect(res.status, path).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    return (gzip ? gunzipSync(body) : body).toString();
  };

  /** The cached app's answer (gzipped and plain) against the uncached one's; the database reads the cached app made. */
  async function compare(path: string): Promise<{ posture: number; findings: number }> {
    const before = { ...reads };
    const gz = await get(cached, path, true);
    const plain = await get(cached, path, false);
    const made = { posture: reads.posture - before.posture, findings: reads.findings - before.findings };
    const expected = await get(uncached, path, false);
    expect(gz, path).toBe(expected);
    expect(plain, path).toBe(expected);
    return made;
  }

  it('cuts posture windows from the 365 days ending today, the same bytes as the database', async () => {
    clock = NOW;
    for (const service of ['alpha', 'late', 'big']) {
      // The windows computed ahead by the work ahead on start.
      expect((await compare(`/api/v1/services/${service}/posture?from=${addDays(TODAY, -364)}&to=${TODAY}`)).posture).toBe(0);
      expect((await compare(`/api/v1/services/${service}/posture`)).posture).toBe(0);
      const windows: [string, string][] = [
        [addDays(TODAY, -179), TODAY],
        [addDays(TODAY, -364), addDays(TODAY, -364)],
        [addDays(TODAY, -364), addDays(TODAY, -1)],
        [TODAY, TODAY],
        [addDays(TODAY, -130), addDays(TODAY, -100)],
        // At the edges of the kept blocks of days (POSTURE_BLOCK_DAYS from the 365 days' first point).
        [addDays(TODAY, -364 + POSTURE_BLOCK_DAYS), addDays(TODAY, -365 + 2 * POSTURE_BLOCK_DAYS)],
        [addDays(TODAY, -365 + POSTURE_BLOCK_DAYS), addDays(TODAY, -364 + POSTURE_BLOCK_DAYS)],
        [addDays(TODAY, -364 + 11 * POSTURE_BLOCK_DAYS), TODAY],
      ];
      for (let i = 0; i < 25; i++) {
        const a = Math.floor(rnd() * 365);
        const b = Math.floor(rnd() * 365);
        windows.push([addDays(TODAY, -Math.max(a, b)), addDays(TODAY, -Math.min(a, b))]);
      }
      for (const [from, to] of windows) {
        const path = `/api/v1/services/${service}/posture?from=${from}&to=${to}`;
        expect((await compare(path)).posture, path).toBe(0);
      }
      // Reaching before the 365 days, or past today: the database.
      expect((await compare(`/api/v1/services/${service}/posture?from=${addDays(TODAY, -365)}&to=${TODAY}`)).posture).toBe(1);
      expect((await compare(`/api/v1/services/${service}/posture?from=${addDays(TODAY, -10)}&to=${addDays(TODAY, 1)}`)).posture).toBe(1);
    }
  });

  it('reads the database for a posture window when no wider answer of the current version is kept', async () => {
    clock = NOW;
    const path = `/api/v1/services/late/posture?from=${addDays(TODAY, -200)}&to=${addDays(TODAY, -20)}`;
    expect((await compare(`/api/v1/services/late/posture?from=${addDays(TODAY, -364)}&to=${TODAY}`)).posture).toBeLessThanOrEqual(1);
    // A scan of the service today: its wider answers kept are of the version before.
    await store.ingestScan(makeReport({ scanId: 'late-today', createdAt: day(TODAY, '11:00:00'), services: ['late'], findings: [{ fp: 'late-new', service: 'late', severity: 'critical' }] }), 't');
    expect((await compare(path)).posture).toBe(1);
    expect((await compare(`/api/v1/services/late/posture?from=${addDays(TODAY, -364)}&to=${TODAY}`)).posture).toBe(1);
    expect((await compare(`/api/v1/services/late/posture?from=${addDays(TODAY, -30)}&to=${TODAY}`)).posture).toBe(0);
  });

  /** Random findings queries a cut may answer: a severity, tool or category (or none), any page, the default order. */
  function cutQueries(service: string, n: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const q = new URLSearchParams({ service });
      if (rnd() < 0.7) q.set('severity', SEVERITIES[Math.floor(rnd() * SEVERITIES.length)]);
      if (rnd() < 0.3) q.set('tool', TOOLS[Math.floor(rnd() * TOOLS.length)][0]);
      if (rnd() < 0.2) q.set('category', TOOLS[Math.floor(rnd() * TOOLS.length)][1]);
      if (rnd() < 0.5) q.set('limit', String(1 + Math.floor(rnd() * 12)));
      if (rnd() < 0.4) q.set('offset', String(Math.floor(rnd() * 15)));
      if (rnd() < 0.3) q.set('order', rnd() < 0.5 ? 'desc' : 'asc');
      out.push(`/api/v1/findings?${q}`);
    }
    return out;
  }

  it('cuts any page of a service\'s open findings by severity from the rows kept ahead, at any instant, the same bytes as the database', async () => {
    // Kept by the work ahead on start (the test before ingested a scan of `late`).
    clock = NOW;
    cached = await warmedApp();
    // A minute on, three hours on (the ages moved), after midnight (the acceptance until today lapsed).
    for (const [n, at] of [NOW.getTime() + 60_000, NOW.getTime() + 3 * 3_600_000, Date.parse(`${addDays(TODAY, 1)}T00:30:00.000Z`)].entries()) {
      clock = new Date(at);
      if (n === 2) {
        // Just before alpha's acceptance until today lapses, a request: both apps sweep lapsed
        // decisions (none yet) and sweep again a minute later at the earliest.
        clock = new Date(`${TODAY}T23:59:50.000Z`);
        for (const app of [cached, uncached]) await get(app, '/api/v1/services/alpha', false);
        const accepted = (text: string) => (JSON.parse(text).items as FindingRow[]).find((r) => r.fingerprint === 'fp-alpha-4')?.triage?.status;
        expect(accepted(await get(uncached, '/api/v1/findings?service=alpha&limit=500', false))).toBe('accepted_risk');
        // Lapsed, not yet swept (alpha's version as the rows were kept): the cut shows no decision, as the database does.
        clock = new Date(Date.parse(`${addDays(TODAY, 1)}T00:00:05.000Z`));
        for (const path of ['/api/v1/findings?service=alpha&limit=499', '/api/v1/findings?service=alpha&severity=low&order=asc&limit=9', ...cutQueries('alpha', 10)]) {
          expect((await compare(path)).findings, path).toBe(0);
        }
        expect(accepted(await get(cached, '/api/v1/findings?service=alpha&limit=499', false))).toBeUndefined();
        clock = new Date(at);
        // After midnight: the acceptance until today lapsed; the sweep records it (a new version of
        // alpha), as the app's first request would, and the work ahead keeps alpha's rows again.
        await store.expireTriage(clock);
        cached = await warmedApp();
      }
      for (const service of ['alpha', 'late', 'big']) {
        const paths = [
          `/api/v1/findings?service=${service}`,
          `/api/v1/findings?service=${service}&severity=high`,
          `/api/v1/findings?service=${service}&offset=40`,
          `/api/v1/findings?service=${service}&order=asc`,
          `/api/v1/findings?service=${service}&severity=low&order=asc&limit=3`,
          `/api/v1/findings?service=${service}&limit=500`,
          ...cutQueries(service, 30),
        ];
        for (const path of paths) expect((await compare(path)).findings, `${clock.toISOString()} ${path}`).toBe(0);
        // Another sort or state, a filter on other values: the database.
        for (const other of ['sort=title', 'state=all', 'kev=false', 'slaBreached=true', 'epssMin=0']) {
          const path = `/api/v1/findings?service=${service}&severity=high&${other}&limit=${40 + n}`;
          expect((await compare(path)).findings, path).toBe(1);
        }
      }
    }
    // More open findings than are kept: every page from the database.
    for (const path of ['/api/v1/findings?service=huge&severity=high', '/api/v1/findings?service=huge&order=asc&limit=7']) {
      expect((await compare(path)).findings, path).toBe(1);
    }
  });

  it('cuts nothing before the instant the rows were read, nor from rows of an older version', async () => {
    clock = new Date(NOW.getTime() + 5 * 3_600_000);
    await store.expireTriage(clock);
    cached = await warmedApp();
    // Before the work ahead read them: an acceptance that lapsed in between would show as none.
    clock = new Date(NOW.getTime() + 4 * 3_600_000);
    expect((await compare('/api/v1/findings?service=alpha&severity=low&limit=3')).findings).toBe(1);
    clock = new Date(NOW.getTime() + 6 * 3_600_000);
    expect((await compare('/api/v1/findings?service=alpha&severity=medium')).findings).toBe(0);
    // A triage decision changes the service's version: the rows kept are not cut from.
    await store.setTriage('alpha', ['fp-alpha-5'], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', clock), 'alice', clock);
    for (const path of ['/api/v1/findings?service=alpha&severity=critical', '/api/v1/findings?service=alpha&order=asc']) {
      expect((await compare(path)).findings, path).toBe(1);
    }
    // Rows kept again (the work ahead after the change): cut again.
    cached = await warmedApp();
    expect((await compare('/api/v1/findings?service=alpha&severity=critical&limit=4')).findings).toBe(0);
  });

  it('counts, before reading them, the open findings of a service that had more than are kept', async () => {
    const cache = new VersionedCache();
    const limits: number[] = [];
    const watched = watchCalls(store, ['listFindings'], (_method, args) => limits.push((args[0] as { limit: number }).limit));
    const keep = async () => {
      limits.length = 0;
      await keepOpenFindings({ cache, now: () => clock }, watched, 'swollen', async () => undefined);
      return cache.peekAnyVersion<{ kind: string }>(openFindingsKey('swollen'))?.kind;
    };
    const specs: FindingSpec[] = Array.from({ length: KEPT_OPEN_FINDINGS_MAX + 2 }, (_, i) => ({ fp: `swollen-${i}`, severity: 'high', tool: 'trivy', category: 'dependency', service: 'swollen' }));
    let n = 0;
    const scan = (open: number) =>
      store.ingestScan(makeReport({ scanId: `swollen-${n}`, createdAt: new Date(NOW.getTime() - (10 - n++) * 60_000).toISOString(), services: ['swollen'], findings: specs.slice(0, open), scanners: [{ tool: 'trivy', category: 'dependency', service: 'swollen' }] }), 't');
    await scan(KEPT_OPEN_FINDINGS_MAX + 1);
    // Nothing known of it: its rows are read, too many to keep.
    expect(await keep()).toBe('too-many-open-findings');
    expect(limits).toEqual([KEPT_OPEN_FINDINGS_MAX]);
    // Its data changed, still too many: a one-row page's total says so.
    await scan(KEPT_OPEN_FINDINGS_MAX + 2);
    expect(await keep()).toBe('too-many-open-findings');
    expect(limits).toEqual([1]);
    // Fewer now: counted, then read and kept.
    await scan(10);
    expect(await keep()).toBe('open-findings');
    expect(limits).toEqual([1, KEPT_OPEN_FINDINGS_MAX]);
    // Kept rows at the previous version: read at once (no count), too many again.
    await scan(KEPT_OPEN_FINDINGS_MAX + 1);
    expect(await keep()).toBe('too-many-open-findings');
    expect(limits).toEqual([KEPT_OPEN_FINDINGS_MAX]);
    // The current version's marker is kept: nothing read.
    expect(await keep()).toBe('too-many-open-findings');
    expect(limits).toEqual([]);
  });
});


describe('cuts of a kept answer in pieces', () => {
  const first = '2025-03-01';
  const to = '2026-02-28';
  const days = daysBetween(first, to) + 1;
  const point = (i: number) => `{"day":"${addDays(first, i)}","critical":${i % 3},"high":${i % 5},"label":"é💥${i}"}`;
  const points = `[${Array.from({ length: days }, (_, i) => point(i)).join(',')}]`;
  const prefix = (from: string, end: string) => `{"service":"a","from":"${from}","to":"${end}","points":`;
  const source = posturePieces(prefix(first, to), points, to, 1)!;

  it('gives a posture window the days of the kept series between its two days, reusing the blocks it shows whole', () => {
    expect(gunzipSync(source.pieces.gzip).toString()).toBe(`${prefix(first, to)}${points}}`);
    const rnd = random(5);
    const windows: [number, number][] = [[0, days - 1], [0, 0], [days - 1, days - 1], [POSTURE_BLOCK_DAYS, 2 * POSTURE_BLOCK_DAYS - 1], [POSTURE_BLOCK_DAYS - 1, POSTURE_BLOCK_DAYS], [5, 6], [-20, 40]];
    for (let i = 0; i < 60; i++) {
      const a = Math.floor(rnd() * days);
      const b = Math.floor(rnd() * days);
      windows.push([Math.min(a, b), Math.max(a, b)]);
    }
    for (const [a, b] of windows) {
      const [from, end] = [addDays(first, a), addDays(first, b)];
      const gzip = postureCut(source, prefix(from, end), from, end)!;
      const shown = Array.from({ length: b - Math.max(a, 0) + 1 }, (_, i) => point(Math.max(a, 0) + i));
      expect(gunzipSync(gzip).toString(), `${a}..${b}`).toBe(`${prefix(from, end)}[${shown.join(',')}]}`);
      // Each block inside the window: its kept bytes as they are, not compressed again.
      for (let k = Math.ceil(Math.max(a, 0) / POSTURE_BLOCK_DAYS); (k + 1) * POSTURE_BLOCK_DAYS - 1 <= b; k++) {
        expect(gzip.includes(source.pieces.piece(k).deflated), `${a}..${b} block ${k}`).toBe(true);
      }
    }
    // Past the kept series' last day: not cut.
    expect(postureCut(source, prefix(to, addDays(to, 1)), to, addDays(to, 1))).toBeUndefined();
  });

  it('keeps no posture source of a series that is not one point per day up to its window\'s end', () => {
    expect(posturePieces(prefix(first, addDays(to, 1)), points, addDays(to, 1), 1)).toBeUndefined();
    expect(posturePieces(prefix(first, to), points.replace(`,${point(POSTURE_BLOCK_DAYS)}`, ''), to, 1)).toBeUndefined();
    const none = posturePieces(prefix(first, to), '[]', to, 1)!;
    expect(gunzipSync(postureCut(none, prefix(first, first), first, first)!).toString()).toBe(`${prefix(first, first)}[]}`);
  });

  /** An open finding's columns as a page statement gives them (store/finding-page.ts), varied by `i`. */
  const fields = (i: number) => ({
    fingerprint: `fp-${i}`,
    tool: TOOLS[i % 3][0],
    category: TOOLS[(i >> 1) % 3][1],
    rule_id: `R${i}`,
    title: `finding ${i} "quoted" é💥`,
    severity: SEVERITIES[(i * 7 + (i >> 2)) % SEVERITIES.length],
    where_text: `src/${i}.ts`,
    fix_available: i % 2,
    state: 'open' as const,
    suppressed: i % 9 === 4 ? 1 : 0,
    first_seen_at: new Date(NOW.getTime() - (40 + i) * 86_400_000).toISOString(),
    // Every third row opened at the same instant as the row before it (one scan opens many).
    opened_at: new Date(NOW.getTime() - ((i - (i % 3 === 2 ? 1 : 0)) * 3.7 + 0.2) * 86_400_000 - i * 61_000 + (i % 3 === 2 ? 61_000 : 0)).toISOString(),
    last_seen_at: NOW.toISOString(),
    fixed_at: null,
    service: 'a',
    // Every fifth row triaged: accepted until some instant (lapsing at different times) or for good.
    triage_status: i % 5 === 0 ? 'accepted_risk' : null,
    triage_expires_at: i % 10 === 0 ? new Date(NOW.getTime() + i * 3_600_000).toISOString() : null,
    triage_decided_by: i % 5 === 0 ? 'alice' : null,
  });
  const stored = (i: number) => ({
    location: { file: `src/${i}.ts`, line: i },
    kev: i % 11 === 3 ? { dateAdded: '2025-01-01', dueDate: new Date(NOW.getTime() + (i - 20) * 86_400_000).toISOString().slice(0, 10), knownRansomwareUse: false } : null,
    epss: i % 6 === 1 ? { score: 0.1, percentile: 0.5 } : null,
  });
  /**
   * The `n` open rows at `at` in the database's order for `dir` (findingPageSql: severity rank, then
   * opened_at ascending, then id ascending; the row's index is its id).
   */
  const ordered = (n: number, at: Date, dir: 'asc' | 'desc') => {
    const rows = Array.from({ length: n }, (_, i) => ({ i, row: assembleFindingRow(fields(i), stored(i) as never, at, DEFAULT_SLA_DAYS) }));
    const rank = (r: FindingRow) => severitySortRank(r.severity) * (dir === 'asc' ? 1 : -1);
    rows.sort((a, b) => rank(a.row) - rank(b.row) || a.row.openedAt.localeCompare(b.row.openedAt) || a.i - b.i);
    return rows.map((r) => r.row);
  };
  /** The database's first page holding `n` of `total` open rows at `at`, most severe first. */
  const page = (n: number, at: Date, total = n) => ({ items: ordered(n, at, 'desc'), total });
  const query = (q: Partial<FindingsCutQuery>): FindingsCutQuery => ({ service: 'a', state: 'open', sort: 'severity', limit: 50, offset: 0, ...q });

  it('gives a page of open findings the matching rows in either order, their clocked fields at the cut\'s instant', () => {
    const kept = openFindingsSource(page(40, NOW), NOW.getTime(), 1)!;
    const rnd = random(9);
    const queries = [query({}), query({ severity: 'high' }), query({ severity: 'high', limit: 3 }), query({ severity: 'nope' }), query({ tool: 'semgrep', offset: 2 }), query({ offset: 45 }), query({ order: 'asc' }), query({ order: 'asc', severity: 'low', limit: 2 })];
    for (let i = 0; i < 60; i++) {
      queries.push(
        query({
          severity: rnd() < 0.7 ? SEVERITIES[Math.floor(rnd() * SEVERITIES.length)] : undefined,
          tool: rnd() < 0.3 ? TOOLS[Math.floor(rnd() * 3)][0] : undefined,
          category: rnd() < 0.3 ? TOOLS[Math.floor(rnd() * 3)][1] : undefined,
          order: rnd() < 0.4 ? 'asc' : undefined,
          limit: 1 + Math.floor(rnd() * 12),
          offset: Math.floor(rnd() * 10),
        }),
      );
    }
    // At the instant read, hours and days on: ages, SLA breaches and lapsed acceptances move.
    for (const at of [NOW, new Date(NOW.getTime() + 7 * 3_600_000 + 123), new Date(NOW.getTime() + 9 * 86_400_000)]) {
      for (const q of queries) {
        const matching = ordered(40, at, q.order ?? 'desc').filter((r) => (!q.severity || r.severity === q.severity) && (!q.tool || r.tool === q.tool) && (!q.category || r.category === q.category));
        const expected = JSON.stringify({ items: matching.slice(q.offset, q.offset + q.limit), total: matching.length, limit: q.limit, offset: q.offset });
        const clock = readClock(at);
        expect(openFindingsCut(kept, q, clock, DEFAULT_SLA_DAYS), `${at.toISOString()} ${JSON.stringify(q)}`).toBe(expected);
      }
    }
    // The cut's clock notes when a row it shows turns: no later than the next tenth of a day of an age.
    const clock = readClock(NOW);
    openFindingsCut(kept, query({}), clock, DEFAULT_SLA_DAYS);
    expect(clock.validUntil).toBeGreaterThan(NOW.getTime());
    expect(clock.validUntil).toBeLessThanOrEqual(NOW.getTime() + 8_640_000);
    // Before the instant the rows were read: not cut.
    expect(openFindingsCut(kept, query({}), new Date(NOW.getTime() - 1), DEFAULT_SLA_DAYS)).toBeUndefined();
  });

  it('keeps no rows of a page that holds only some of its service\'s open findings', () => {
    expect(openFindingsSource(page(50, NOW, 51), NOW.getTime(), 1)).toBeUndefined();
    expect(openFindingsSource(page(0, NOW), NOW.getTime(), 1)).toBeDefined();
  });
});
