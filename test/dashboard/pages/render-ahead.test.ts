// Pages rendered ahead of their visit (page-warmer.ts) and the page body deflated once for every
// viewer (gzip-join.ts): a first visit after an ingest or a start finds the page rendered, with the
// new data; ages follow the clock within CLOCK_LAG_MS; renders ahead wait while requests are in flight.
import { constants, deflateRawSync, gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { crc32, crc32ByTable, crc32Combine, deflatePiece, deflatePieceSync, deflateStateFor, inflatePiece, inflateSmallPiece, joinGzip, storedPiece } from '../../../dashboard/gzip-join.js';
import { CLOCK_LAG_MS } from '../../../dashboard/clock-reading.js';
import { OverviewQuery, renderOverviewBody } from '../../../dashboard/pages/page-bodies.js';
import { SCHEMA_WARM_UP_REPORT, warmUpScanReportSchema } from '../../../dashboard/api/schema-warm-up.js';
import { ScanReportSchema } from '../../../src/report/scan-report.js';
import type { Store } from '../../../dashboard/store/types.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { finding, snapshot } from './fixtures.js';
import { get, login, NOW } from './harness.js';
import { watchCalls } from '../watch-calls.js';
import { historyStoreEach } from '../history-store.js';

describe('gzip of joined pieces', () => {
  it('is one valid gzip member of the pieces in order, whatever their text', async () => {
    const head = '<!DOCTYPE html><title>héllo · Gatehouse</title>';
    const body = `${'<tr><td>contént 💥 ‮</td></tr>'.repeat(5000)}end`;
    const tail = '</main></body></html>';
    const pieces = [deflatePieceSync(head), await deflatePiece(body), deflatePieceSync(tail)];
    expect(gunzipSync(joinGzip(pieces)).toString('utf8')).toBe(head + body + tail);
    expect(gunzipSync(joinGzip([deflatePieceSync('')])).toString('utf8')).toBe('');
    expect(inflatePiece(pieces[1])).toBe(body);
  });

  it('joins pieces stored as they are (no compressor) among deflated ones, of any length', () => {
    const texts = ['{"items":[', '', 'é💥'.repeat(20), 'x'.repeat(65_535), `${'stored ‮ '.repeat(9000)}end`, ']}'];
    const pieces = texts.map((t, i) => (i % 2 === 0 ? storedPiece(t) : deflatePieceSync(t, 1)));
    expect(gunzipSync(joinGzip(pieces)).toString('utf8')).toBe(texts.join(''));
    expect(gunzipSync(joinGzip([storedPiece('')])).toString('utf8')).toBe('');
    // A stored piece is its text and 5 bytes a block of up to 65,535 bytes.
    expect(storedPiece('abc').deflated.length).toBe(8);
    expect(storedPiece('x'.repeat(65_536)).deflated.length).toBe(65_536 + 10);
  });

  it('deflates a piece in this thread with a window no larger than it needs, its text read back whole', () => {
    // At most the full window; at least one holding the text and deflate's lookahead (every match found).
    for (const size of [0, 1, 250, 3_800, 4_000, 40_000, 500_000]) {
      const { windowBits, memLevel } = deflateStateFor(size);
      expect(windowBits).toBeLessThanOrEqual(15);
      expect(2 ** windowBits >= size + 262 || windowBits === 15, String(size)).toBe(true);
      expect(memLevel).toBeGreaterThanOrEqual(1);
      const text = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + ((i * 7) % 13))).join('');
      expect(inflateSmallPiece(deflatePieceSync(text, 1)), String(size)).toBe(text);
    }
    // The same matches as the full window: a small text compresses as small.
    const block = Array.from({ length: 32 }, (_, i) => `{"day":"2026-01-${String((i % 28) + 1).padStart(2, '0')}","critical":1,"high":${i % 3},"total":11}`).join(',');
    expect(deflatePieceSync(block, 1).deflated.length).toBeLessThanOrEqual(deflateRawSync(block, { level: 1, finishFlush: constants.Z_SYNC_FLUSH }).length);
  });

  it('combines CRC-32s as zlib does', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
    // The native CRC (zlib.crc32) and the JavaScript fallback agree, also when continuing a CRC.
    expect(crc32ByTable(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
    for (const size of [0, 1, 7, 64, 4097, 170_000]) {
      const bytes = Buffer.from(Array.from({ length: size }, (_, i) => (i * 2654435761) >>> 24));
      expect(crc32(bytes)).toBe(crc32ByTable(bytes));
      expect(crc32(bytes, 0x1234abcd)).toBe(crc32ByTable(bytes, 0x1234abcd));
    }
    const a = Buffer.from('first part, ');
    const b = Buffer.from('second part é'.repeat(1000));
    expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
    expect(crc32Combine(crc32(a), crc32(Buffer.alloc(0)), 0)).toBe(crc32(a));
  });
});

describe('PageWarmer', () => {
  it('renders ahead only while no request is in flight, each key once', async () => {
    const warmer = new PageWarmer(createMemoryLogger());
    const ran: string[] = [];
    const request = warmer.requestStarted();
    warmer.enqueue('a', async () => ran.push('a'));
    warmer.enqueue('a', async () => ran.push('a again'));
    warmer.enqueue('b', async () => ran.push('b'));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(ran).toEqual([]);
    warmer.requestEnded(request);
    // Not at the first idle moment: only after QUIET_MS without requests.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(ran).toEqual([]);
    await warmer.idle();
    expect(ran).toEqual(['a', 'b']);
  });

  it('goes on after a failed render', async () => {
    const logger = createMemoryLogger();
    const warmer = new PageWarmer(logger);
    const ran: string[] = [];
    warmer.enqueue('service|x', async () => {
      throw new Error('boom');
    });
    warmer.enqueue('service|y', async () => ran.push('y'));
    await warmer.idle();
    expect(ran).toEqual(['y']);
  });
});

describe('pages rendered ahead', () => {
  const fixture = historyStoreEach('gatehouse-ahead-');
  let store: Store | undefined;

  /** A store with the fixture history, counting the service reads a page render makes. */
  async function setup(opts: { warmPagesOnStart?: number } = {}) {
    store = await fixture.open();
    const admin = (await store.createToken({ role: 'admin', label: 'lead' })).token;
    const viewer = (await store.createToken({ role: 'viewer', label: 'viewer' })).token;
    let clock = NOW;
    const reads = { getService: 0 };
    // A page render reads the service with its head (serviceHead), the API's answers alone (getService).
    const counted = watchCalls(store, ['getService', 'serviceHead'], () => reads.getService++);
    const warmer = fixture.warmer(createMemoryLogger());
    const app = createApp({ store: counted, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, pageWarmer: warmer, ...opts });
    const uncached = createApp({ store, config: DEFAULT_DASHBOARD_CONFIG, logger: createMemoryLogger(), now: () => clock, cachePages: false });
    const session = await login(app, viewer);
    return {
      app,
      uncached,
      warmer,
      reads,
      admin,
      cookie: session.cookie,
      setClock: (t: Date) => (clock = t),
      /** A page and the service reads its request made itself. */
      async visit(path: string) {
        const before = reads.getService;
        const page = await get(app, path, session.cookie);
        return { html: page.html, status: page.res.status, renders: reads.getService - before };
      },
    };
  }

  it("pauses the overview's render ahead between its reads and its markup", async () => {
    const h = await setup();
    await h.warmer.idle();
    const steps: string[] = [];
    const note = (what: string) => async () => void steps.push(what);
    const view = OverviewQuery.parse({});
    await renderOverviewBody(
      { store: { ...store!, listServiceOverview: (at) => (steps.push('rows'), store!.listServiceOverview(at)), remediationTrend: (at, days) => (steps.push('trend'), store!.remediationTrend(at, days)) }, cache: undefined },
      view,
      NOW,
      undefined,
      note('pause'),
    );
    // The reads of every service (the overview rows, the week), then a pause, then the markup alone.
    expect(steps.at(-1)).toBe('pause');
    expect(steps).toEqual(expect.arrayContaining(['rows', 'trend']));
  });

  it('compiles the scan report schema ahead, in quiet, before any upload', async () => {
    const parse = vi.spyOn(ScanReportSchema, 'safeParse');
    try {
      const h = await setup();
      await h.warmer.idle();
      expect(parse).toHaveBeenCalledWith(SCHEMA_WARM_UP_REPORT);
      // A valid report: the parse went through every part an upload takes.
      expect(warmUpScanReportSchema()).toBe(true);
    } finally {
      parse.mockRestore();
    }
  });

  it('renders the pages of an ingested service right after the ingest, with the new scan', async () => {
    const h = await setup();
    await h.visit('/services/legacy');
    await h.warmer.idle();
    const scan = snapshot('legacy', new Date(NOW.getTime() - 60_000), [finding('legacy', 1, 'critical'), finding('legacy', 7, 'critical')], 'legacy-ahead');
    const res = await h.app.request('/api/v1/scans', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(scan),
    });
    expect(res.status).toBe(201);
    await h.warmer.idle();
    const first = await h.visit('/services/legacy');
    expect(first.renders).toBe(0); // rendered ahead
    expect(first.html).toContain('legacy-ahead');
    // The same page as rendered on request, without any cache.
    expect(first.html).toBe((await get(h.uncached, '/services/legacy', h.cookie)).html);
    const overview = await h.visit('/');
    expect(overview.html).toMatch(/<tr data-service="legacy">[^]*?title="2 open critical"/);
  });

  it('renders the services of the overview on start when asked', async () => {
    const h = await setup({ warmPagesOnStart: 100 });
    await h.warmer.idle();
    const before = h.reads.getService;
    expect(before).toBeGreaterThanOrEqual(2);
    for (const name of ['payments', 'legacy']) {
      const page = await h.visit(`/services/${name}`);
      expect(page.renders).toBe(0);
      expect(page.html).toBe((await get(h.uncached, `/services/${name}`, h.cookie)).html);
    }
    // Another view of the page is rendered on request with the head and scans the render ahead kept
    // (it reads no service of its own), and is the page an uncached app renders.
    const other = await h.visit('/services/payments?days=30');
    expect(other.renders).toBe(0);
    expect(other.html).toBe((await get(h.uncached, '/services/payments?days=30', h.cookie)).html);
  });

  it('serves ages from an earlier minute while a fresh copy renders, never beyond the lag', async () => {
    const h = await setup();
    const at0 = await h.visit('/services/payments');
    expect(at0.renders).toBe(1);
    expect(at0.html).toBe((await get(h.uncached, '/services/payments', h.cookie)).html);

    // Two minutes on: the earlier copy at once, a fresh one rendered in the background.
    h.setClock(new Date(NOW.getTime() + 120_000));
    const stale = await h.visit('/services/payments');
    expect(stale.renders).toBe(0);
    expect(stale.html).toBe(at0.html);
    await h.warmer.idle();
    const fresh = await h.visit('/services/payments');
    expect(fresh.renders).toBe(0);
    const expected = (await get(h.uncached, '/services/payments', h.cookie)).html;
    expect(expected).not.toBe(at0.html); // the ages moved
    expect(fresh.html).toBe(expected);

    // Beyond the lag the page is rendered before it is served.
    h.setClock(new Date(NOW.getTime() + 120_000 + CLOCK_LAG_MS + 60_000));
    const late = await h.visit('/services/payments');
    expect(late.renders).toBe(1);
    expect(late.html).toBe((await get(h.uncached, '/services/payments', h.cookie)).html);
  });
});
