// A service's open rows kept by its default view (view-routes.tsx, page-bodies.tsx OpenRows): the
// other views of open findings pick their rows among them instead of reading and rendering them
// again, also for a service with more open rows than fit in half its share of the cache as markup
// (47 rows of ~1 KB here), and each such view is the page an uncached app renders, in the same
// order (ties of sort key broken by when the finding opened, then its id), after an ingest and a
// triage decision too. Rendered ahead (nobody waiting), the default view also keeps the orders of
// the text sorts (title, tool) from the store, and of the number sorts (severity, EPSS, first seen,
// age) from the rows' values and the store's order of ties, with the rows deflated in each order that fits: a
// view sorted by any then reads nothing.
// On both backends.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { OpenRows, ServiceQuery, serviceViewParts } from '../../../dashboard/pages/page-bodies.js';
import { CACHE_BYTES_PER_SERVICE } from '../../../dashboard/cache-budget.js';
import { deflatePieceSync, inflatePiece } from '../../../dashboard/gzip-join.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { sharedPieceBytes } from '../../../dashboard/version-cache.js';
import { toTriageRecord } from '../../../dashboard/store/triage.js';
import type { Store } from '../../../dashboard/store/types.js';
import type { Finding, Severity } from '../../../src/findings/finding.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { finding, snapshot } from './fixtures.js';
import { login, NOW } from './harness.js';
import { watchCalls } from '../watch-calls.js';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * `count` open findings with long texts (each row ~1 KB of markup), many sharing a title, a
 * severity, an EPSS score and a first-seen time, so a view's order rests on its ties.
 */
function manyFindings(count: number, offset = 0): Finding[] {
  // Invisible characters in some titles: shown neutralised, in the rows deflated ahead too.
  return Array.from({ length: count }, (_, j) => {
    const i = j + offset;
    return finding('many', i, SEVERITIES[i % 4], {
      title: i % 3 === 0 ? `Shared title ${'é'.repeat(40)} <b>&</b>` : `Title ${String.fromCharCode(65 + (i % 26))} ${'x'.repeat(200)}${i % 7 === 1 ? ' exe.txt\u202e \u200b' : ''}`,
      tool: i % 5 === 0 ? 'semgrep' : 'trivy',
      message: `message ${i}`,
      location: { path: `src/${'deep/'.repeat(30)}file${i}.ts`, startLine: i },
      ...(i % 2 === 0 ? { epss: { cve: `CVE-2024-${1000 + i}`, probability: (i % 3) / 10, percentile: 0.5 } } : {}),
    });
  });
}

/** The store with its two row reads counted (listFindings: rows; listFindingKeys: a view's order). */
function countingRowReads(store: Store) {
  const reads = { listFindings: 0, listFindingKeys: 0 };
  const counted = watchCalls(store, Object.keys(reads), (method) => reads[method as keyof typeof reads]++);
  return { reads, counted };
}

/** A page's HTML as a browser gets it (gzip), checked to be a 200. */
async function pageText(app: ReturnType<typeof createApp>, path: string, cookie: string): Promise<string> {
  const res = await app.request(path, { headers: { cookie, 'accept-encoding': 'gzip' } });
  expect(res.status, path).toBe(200);
  return gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
}

/** Quiet a PageWarmer waits for before work ahead (and under a stream): longer than any run of this file. */
const HOUR_MS = 3_600_000;
const VIEWS = ['?sort=title', '?sort=title&dir=asc', '?dir=asc', '?sort=epss', '?sort=epss&dir=asc', '?sort=age', '?sort=age&dir=asc', '?sort=firstSeen', '?sort=firstSeen&dir=asc', '?sort=tool', '?sort=tool&dir=asc'];

describe.each(BACKENDS)('kept rows on %s', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let viewerToken: string;
  beforeAll(async () => {
    const made = await storeLocation(backend);
    cleanup = made.cleanup;
    store = await openTestStore(made.location);
    // Two snapshots a day apart: the findings of the second opened later than those of the first (ties of first seen within each).
    const first = manyFindings(30);
    await store.ingestScan(snapshot('many', new Date(NOW.getTime() - 10 * 86_400_000), first, 'many-1'), 'test');
    await store.ingestScan(snapshot('many', new Date(NOW.getTime() - 9 * 86_400_000), [...first, ...manyFindings(17, 30)], 'many-2'), 'test');
    viewerToken = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it("a view a request waits for deflates the rows it keeps once: its page shows that piece, and the kept rows inflate from it (invisible characters neutralised)", async () => {
    const deflated: number[] = [];
    const deflate = (bytes: Buffer) => (deflated.push(bytes.length), deflatePieceSync(bytes, 1));
    const keepMax = CACHE_BYTES_PER_SERVICE / 2;
    const v = await serviceViewParts(store, 'many', ServiceQuery.parse({}), NOW, [], { chart: '<!--chart-->', rows: '<!--rows-->' }, undefined, keepMax, undefined, deflate);
    expect(v.rowsPiece, 'the rows as one piece').toBeDefined();
    expect(v.rows).toEqual([]);
    const markup = inflatePiece(v.rowsPiece!);
    // Past half a service's share as markup: kept deflated, by that one deflate of the rows.
    expect(v.rowsPiece!.length).toBeGreaterThan(keepMax);
    expect(deflated).toEqual([v.rowsPiece!.length]);
    expect(markup).toContain('[U+202E]');
    const fingerprints = [...markup.matchAll(/<tr data-finding="([^"]+)"/g)].map((m) => m[1]);
    expect(fingerprints.length).toBeGreaterThan(40);
    const picked = v.open?.pick([...fingerprints].reverse());
    expect(Buffer.concat(picked!.map((r) => r.html).reverse()).toString('utf8')).toBe(markup);
    // The cache counts that piece once: the kept rows list it as shared with the page, not as own bytes (review30).
    expect(v.open!.pieces).toContain(v.rowsPiece);
    expect(v.open!.bytes - v.open!.ownBytes).toBe(sharedPieceBytes(v.rowsPiece!));
  });

  it('the default view keeps the rows of a service with 47 long open rows; its other views pick them in the order an uncached app renders, after an ingest and a triage decision too', async () => {
    const { reads, counted } = countingRowReads(store);
    const deps = { config: { ...DEFAULT_DASHBOARD_CONFIG, tls: false }, logger: createMemoryLogger(), now: () => NOW };
    // The reads counted are the requests' own: no work ahead. Otherwise, once this app sees the
    // triage decision or the ingest move the service's version, it renders the page ahead in any
    // pause of 200 ms between its requests (a loaded machine makes them), and the count is one more.
    const neverAhead = new PageWarmer(createMemoryLogger(), HOUR_MS, HOUR_MS);
    const cached = createApp({ ...deps, store: counted, pageWarmer: neverAhead });
    const uncached = createApp({ ...deps, store, cachePages: false });
    const { cookie } = await login(cached, viewerToken);
    const page = (app: ReturnType<typeof createApp>, path: string) => pageText(app, path, cookie);
    /** Every view after the default one: the uncached page, its rows picked from those the default view kept. */
    const viewsPicked = async (rows: number) => {
      const before = { ...reads };
      const first = await page(cached, '/services/many');
      expect(first.match(/<tr data-finding=/g)).toHaveLength(rows);
      expect(reads.listFindings).toBe(before.listFindings + 1);
      for (const view of VIEWS) {
        const path = `/services/many${view}`;
        const expected = await page(uncached, path);
        expect(expected.match(/<tr data-finding=/g), path).toHaveLength(rows);
        expect(await page(cached, path), path).toBe(expected);
      }
      expect(reads).toEqual({ listFindings: before.listFindings + 1, listFindingKeys: before.listFindingKeys + VIEWS.length });
      return first;
    };
    const first = await viewsPicked(47);
    // The rows as markup are past half a service's share of the cache (what kept none before).
    const rowsBytes = Buffer.byteLength(first.slice(first.indexOf('<tr data-finding='), first.lastIndexOf('</tr>')));
    expect(rowsBytes).toBeGreaterThan(40_000);
    // A triage decision changes the service's version and a row (its badge): the rows are read again, then kept.
    const fps = [...first.matchAll(/<tr data-finding="([^"]+)"/g)].map((m) => m[1]);
    await store.setTriage('many', [fps[3], fps[10]], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', NOW), 'alice', NOW);
    expect(await viewsPicked(47)).toContain('triage-badge');
    // An ingest: new findings open, one is fixed.
    const later = [...manyFindings(47).filter((_, i) => i !== 7), ...manyFindings(3, 60)];
    await store.ingestScan(snapshot('many', new Date(NOW.getTime() - 3_600_000), later, 'many-3'), 'test');
    await viewsPicked(49);
  }, 240_000);

  it('rendered ahead, the default view keeps every sort\'s order too: those views read nothing and are the uncached page, ties in the store order, after a triage decision and an ingest', async () => {
    const { reads, counted } = countingRowReads(store);
    const deps = { config: { ...DEFAULT_DASHBOARD_CONFIG, tls: false }, logger: createMemoryLogger(), now: () => NOW };
    const warmer = new PageWarmer(createMemoryLogger());
    const cached = createApp({ ...deps, store: counted, pageWarmer: warmer, warmPagesOnStart: 0 });
    const uncached = createApp({ ...deps, store, cachePages: false });
    const { cookie } = await login(cached, viewerToken);
    const page = (app: ReturnType<typeof createApp>, path: string) => pageText(app, path, cookie);
    const textViews = ['?sort=title', '?sort=title&dir=asc', '?sort=title&days=30', '?sort=title&dir=asc&page=2', '?sort=tool', '?sort=tool&dir=asc', '?sort=tool&days=365&page=2'];
    // Ties of severity, EPSS (unscored ones too) and first seen, kept in the store's order (opened, then id: a reopened finding's id is older).
    const numberViews = ['?sort=severity&dir=asc', '?sort=severity&days=30', '?sort=epss', '?sort=epss&dir=asc', '?sort=firstSeen', '?sort=firstSeen&dir=asc', '?sort=age', '?sort=age&dir=asc&days=365', '?sort=epss&page=2'];
    const round = async () => {
      const rows = (await page(uncached, '/services/many')).match(/<tr data-finding=/g)?.length ?? 0;
      expect(rows).toBeGreaterThan(40);
      // A view a request waits for keeps the rows without the title order; the render ahead adds it.
      const cold = await page(cached, '/services/many?sort=epss&dir=asc');
      expect(cold).toBe(await page(uncached, '/services/many?sort=epss&dir=asc'));
      warmer.afterIngest(['many']);
      await warmer.idle();
      const before = { ...reads };
      for (const view of [...textViews, ...numberViews]) {
        const path = `/services/many${view}`;
        const expected = await page(uncached, path);
        expect(expected.match(/<tr data-finding=/g) ?? [], path).toHaveLength(view.includes('page=2') ? 0 : rows);
        expect(await page(cached, path), path).toBe(expected);
        // A client without gzip gets the pieces' texts (their rows deflated ahead, inflated).
        const plain = await cached.request(path, { headers: { cookie } });
        expect(await plain.text(), path).toBe(expected);
      }
      expect(reads, 'views of any sort read nothing').toEqual(before);
      for (const view of VIEWS) expect(await page(cached, `/services/many${view}`), view).toBe(await page(uncached, `/services/many${view}`));
      return cold;
    };
    const first = await round();
    const fps = [...first.matchAll(/<tr data-finding="([^"]+)"/g)].map((m) => m[1]);
    await store.setTriage('many', [fps[0], fps[20]], toTriageRecord({ status: 'false_positive', reason: 'test only' }, 'alice', NOW), 'alice', NOW);
    expect(await round()).toContain('triage-badge');
    await store.ingestScan(snapshot('many', new Date(NOW.getTime() - 1_800_000), [...manyFindings(40), ...manyFindings(6, 70)], 'many-4'), 'test');
    expect(await round()).toContain('many-4');
  }, 240_000);
});

describe('kept rows ordered in Node', () => {
  const row = (i: number, firstSeenAt: string, openedAt = '2026-11-01T00:00:00.000Z') => ({
    fingerprint: `fp-${i}`,
    title: `t${i}`,
    severity: 'high' as Severity,
    epss: null,
    firstSeenAt,
    openedAt,
    fixedAt: null,
    state: 'open' as const,
  });
  const ordered = (items: ReturnType<typeof row>[], maxBytes?: number) => {
    const fps = items.map((f) => f.fingerprint);
    const shown = items.map((f) => ({ html: Buffer.from(`<tr>${f.fingerprint}</tr>`), tool: 'trivy' }));
    return OpenRows.of(items, shown, true).withOrders({ title: fps, tool: fps, arrival: fps }, (b) => deflatePieceSync(b), maxBytes);
  };
  /** A page's rows' markup, deflated ahead or not. */
  const markup = (page: ReturnType<OpenRows['sortedPage']>) => (page?.piece ? inflatePiece(page.piece) : page?.html.join(''));

  it('leaves a sort by an instant to the store when one is not written as the store writes them (its text orders otherwise than its instant)', async () => {
    // The same instant written two ways: equal in Node, not in the store's text order ('.' < 'Z').
    const mixed = await ordered([row(0, '2026-11-01T00:00:00Z'), row(1, '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00Z')]);
    expect(mixed?.sortedPage('firstSeen', 'asc', 0, 200)).toBeUndefined();
    expect(mixed?.sortedPage('age', 'asc', 0, 200)).toBeUndefined();
    expect(mixed?.sortedPage('epss', 'asc', 0, 200)?.count).toBe(2);
    const written = await ordered([row(0, '2026-11-02T00:00:00.000Z'), row(1, '2026-11-01T00:00:00.000Z')]);
    expect(markup(written?.sortedPage('firstSeen', 'asc', 0, 200))).toBe('<tr>fp-1</tr><tr>fp-0</tr>');
  });

  it('keeps a number sort\'s rows deflated in its order while they fit (a view of them all deflates none), one piece for equal orders', async () => {
    const items = [row(0, '2026-11-03T00:00:00.000Z'), row(1, '2026-11-01T00:00:00.000Z'), row(2, '2026-11-02T00:00:00.000Z')];
    const open = await ordered(items);
    const page = (sort: 'epss' | 'firstSeen' | 'tool', dir: 'asc' | 'desc') => open?.sortedPage(sort, dir, 0, 200);
    expect(page('firstSeen', 'asc')?.piece, 'a number sort\'s page comes deflated').toBeDefined();
    expect(markup(page('firstSeen', 'asc'))).toBe('<tr>fp-1</tr><tr>fp-2</tr><tr>fp-0</tr>');
    expect(markup(page('firstSeen', 'desc'))).toBe('<tr>fp-0</tr><tr>fp-2</tr><tr>fp-1</tr>');
    // No EPSS score: every row ties, in the store's order either way, as the one tool's.
    expect(page('epss', 'desc')?.piece).toBe(page('tool', 'asc')?.piece);
    expect(page('epss', 'asc')?.piece).toBe(page('tool', 'asc')?.piece);
    expect(markup(page('epss', 'desc'))).toBe('<tr>fp-0</tr><tr>fp-1</tr><tr>fp-2</tr>');
    // A page of some rows is picked from the markup.
    expect(open?.sortedPage('firstSeen', 'asc', 1, 1)?.html.map(String)).toEqual(['<tr>fp-2</tr>']);
    // Bounded: the orders alone fit, a piece more does not: the number sorts' views deflate their rows (same order).
    const bare = await ordered(items, 0);
    const bound = (bare?.bytes ?? 0) + 50;
    const tight = await ordered(items, bound);
    expect(tight?.bytes).toBeLessThanOrEqual(bound);
    expect(tight?.sortedPage('firstSeen', 'asc', 0, 200)?.piece).toBeUndefined();
    expect(markup(tight?.sortedPage('firstSeen', 'asc', 0, 200))).toBe('<tr>fp-1</tr><tr>fp-2</tr><tr>fp-0</tr>');
    expect(tight?.sortedPage('epss', 'desc', 0, 200)?.piece, 'an order already deflated costs nothing').toBe(tight?.sortedPage('tool', 'asc', 0, 200)?.piece);
  });
});
