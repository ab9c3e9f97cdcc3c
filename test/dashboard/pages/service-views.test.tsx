// Every view of a service page (sorts, filters, windows, pages of its findings), plain and gzip,
// rendered on request, from the cache, rendered ahead, and by an app without a cache, is the page
// of the one-piece render: the body of the reference render (reference-service-body.tsx), in the
// viewer's frame, with the invisible characters neutralised by the regular expression over the
// whole text (the way pages were made before they were cut into pieces, deflated at other levels and
// searched as bytes). So is the served body the tests and benches render through the server's
// functions (served-service-body.ts). On both backends, over hostile text: markup, quotes, U+2028,
// bidi controls, long strings.
import { raw } from 'hono/html';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../dashboard/app.js';
import { Layout } from '../../../dashboard/components/layout.js';
import { DEFAULT_DASHBOARD_CONFIG } from '../../../dashboard/deps.js';
import { PageWarmer } from '../../../dashboard/page-warmer.js';
import { ServiceQuery } from '../../../dashboard/pages/page-bodies.js';
import type { Store } from '../../../dashboard/store/types.js';
import type { Finding } from '../../../src/findings/finding.js';
import { neutraliseInvisibleText } from '../../../src/report/invisible-text.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { BACKENDS, openTestStore, storeLocation } from '../store/backends.js';
import { finding, snapshot, XSS_TITLE } from './fixtures.js';
import { login, NOW } from './harness.js';
import { referenceServiceBody } from './reference-service-body.js';
import { servedServiceBody } from './served-service-body.js';

const HOSTILE_TOOL = 'tool"<x>&\'y\u202e';
const TITLES = [
  XSS_TITLE,
  `"double" & 'single' <b>bold</b> &amp; &#39;`,
  'line\u2028separator\u2029paragraph',
  'invoice\u202Etxt.exe and adm\u200Bin \u2066isolate\u2069 \uFEFFbom \u061c \u180e',
  `${'long '.repeat(700)}<end>`,
  'emoji 😀 café — ≥ ← →',
];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;

/** 230 findings of one service (more than a page of 200), with hostile text in every column a row shows. */
function findings(service: string, count: number): Finding[] {
  return Array.from({ length: count }, (_, i) => {
    const extra: Partial<Finding> = { title: i % 3 === 0 ? TITLES[(i / 3) % TITLES.length] : `Vulnerability ${i} in pkg${i}` };
    if (i % 7 === 0) extra.tool = HOSTILE_TOOL;
    if (i % 11 === 0) extra.category = 'sast';
    if (i % 13 === 0) extra.ruleId = `rule<${i}>\u202e"`;
    if (i % 5 === 0) extra.location = { path: `src/<a href="x">${i}\u2028.js`, startLine: i };
    if (i % 4 === 0) extra.epss = { cve: `CVE-2024-${1000 + i}`, probability: (i % 100) / 100, percentile: ((i * 7) % 100) / 100 };
    if (i % 17 === 0) extra.kev = { cve: `CVE-2024-${1000 + i}`, dateAdded: '2026-01-05', dueDate: i % 2 ? '2026-12-20' : '2026-02-01', ransomware: i % 2 ? 'known' : 'unknown' };
    return finding(service, i, SEVERITIES[i % SEVERITIES.length], extra);
  });
}

const VIEWS = [
  '',
  '?dir=asc',
  '?sort=title',
  '?sort=tool&dir=desc',
  '?sort=epss',
  '?sort=age&dir=asc',
  '?sort=firstSeen',
  '?severity=high',
  '?state=fixed',
  '?state=all&page=2',
  '?page=2',
  '?days=30',
  '?days=365&sort=title',
  '?kev=true',
  '?epssMin=0.1&dir=asc',
  `?tool=${encodeURIComponent(HOSTILE_TOOL)}`,
  '?category=sast&severity=critical',
  '?severity=info&state=fixed',
];

describe.each(BACKENDS)('service page views on %s', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let viewerToken: string;
  let viewerId: string;
  beforeAll(async () => {
    const made = await storeLocation(backend);
    cleanup = made.cleanup;
    store = await openTestStore(made.location);
    const all = findings('hostile', 230);
    await store.ingestScan(snapshot('hostile', new Date(NOW.getTime() - 30 * 86_400_000), all, 'hostile-1'), 'test');
    // A later snapshot without every tenth finding: fixed ones, a second scan, a posture change.
    await store.ingestScan(snapshot('hostile', new Date(NOW.getTime() - 3 * 86_400_000), all.filter((_, i) => i % 10 !== 0), 'hostile-2'), 'test');
    await store.ingestScan(snapshot('quiet', new Date(NOW.getTime() - 86_400_000), [], 'quiet-1'), 'test');
    // Rows with very long texts: a findings part past 256 KiB (deflated on the thread pool, not in the request's thread).
    const huge = Array.from({ length: 60 }, (_, i) => finding('huge', i, 'high', { title: `${'<x> "long" \u2028 '.repeat(400)}${i}\u202e`, ruleId: `R${'r'.repeat(2000)}${i}` }));
    await store.ingestScan(snapshot('huge', new Date(NOW.getTime() - 86_400_000), huge, 'huge-1'), 'test');
    const token = await store.createToken({ role: 'viewer', label: 'on-call <viewer> "\u202e"' });
    viewerToken = token.token;
    viewerId = token.id;
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  const deps = { config: { ...DEFAULT_DASHBOARD_CONFIG, tls: false }, logger: createMemoryLogger(), now: () => NOW };
  const gzipped = async (app: ReturnType<typeof createApp>, path: string, cookie: string) => {
    const res = await app.request(path, { headers: { cookie, 'accept-encoding': 'gzip' } });
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-encoding'), path).toBe('gzip');
    return gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
  };
  const plain = async (app: ReturnType<typeof createApp>, path: string, cookie: string) => {
    const res = await app.request(path, { headers: { cookie } });
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-encoding'), path).toBeNull();
    return res.text();
  };
  /** The page as one piece: the body's render in the frame, neutralised over the whole text. */
  const onePiece = async (name: string, query: string, csrf: string) => {
    const view = ServiceQuery.parse(Object.fromEntries(new URLSearchParams(query)));
    const body = String(await referenceServiceBody(store, name, view, NOW));
    expect(await servedServiceBody(store, name, view, NOW), `served body of ${name}${query}`).toBe(neutraliseInvisibleText(body));
    const viewer = { name: 'on-call <viewer> "\u202e"', tokenId: viewerId, role: 'viewer' as const, csrfToken: csrf };
    return neutraliseInvisibleText(String(await (<Layout title={name} viewer={viewer} active="overview">{raw(body)}</Layout>)));
  };

  it('each view, rendered on request (chart kept or not), cached, and without a cache, is the one-piece page', async () => {
    const cached = createApp({ ...deps, store });
    const uncached = createApp({ ...deps, store, cachePages: false });
    const { cookie, csrf } = await login(cached, viewerToken);
    let checked = 0;
    // The hostile service's views before its default view is rendered (no chart kept), then after.
    for (const [name, query] of [...VIEWS.slice(1, 5).map((v) => ['hostile', v]), ...VIEWS.map((v) => ['hostile', v]), ['quiet', '?dir=asc'], ['quiet', ''], ['huge', '?dir=asc'], ['huge', '']]) {
      const path = `/services/${name}${query}`;
      const expected = await onePiece(name, query, csrf);
      expect(expected, path).toContain('<p class="crumbs">');
      expect(await gzipped(cached, path, cookie), path).toBe(expected);
      expect(await plain(cached, path, cookie), path).toBe(expected);
      expect(await gzipped(cached, path, cookie), path).toBe(expected);
      expect(await plain(uncached, path, cookie), path).toBe(expected);
      expect(await gzipped(uncached, path, cookie), path).toBe(expected);
      checked++;
    }
    expect(checked).toBe(VIEWS.length + 8);
    expect((await plain(cached, '/services/huge?dir=asc', cookie)).length).toBeGreaterThan(300_000);
    // What the escaping must hold: no markup from the data, no invisible character, each one shown.
    const page = await plain(cached, '/services/hostile?sort=title', cookie);
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('tool&quot;&lt;x&gt;&amp;&#39;y[U+202E]');
    expect(page).toContain('line\u2028separator\u2029paragraph');
    expect(/[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/.test(page)).toBe(false);
  }, 120_000);

  it('each view rendered ahead (nobody waiting) is the one-piece page too', async () => {
    const warmer = new PageWarmer(createMemoryLogger());
    const app = createApp({ ...deps, store, pageWarmer: warmer, warmPagesOnStart: 10 });
    await warmer.idle();
    const { cookie, csrf } = await login(app, viewerToken);
    for (const name of ['hostile', 'quiet']) {
      const path = `/services/${name}`;
      const expected = await onePiece(name, '', csrf);
      expect(await gzipped(app, path, cookie), path).toBe(expected);
      expect(await plain(app, path, cookie), path).toBe(expected);
    }
    // The views after it, using its kept chart.
    for (const query of VIEWS) expect(await gzipped(app, `/services/hostile${query}`, cookie), query).toBe(await onePiece('hostile', query, csrf));
    // The app armed its timers on it (page-warmer.ts followDays, followPeriods).
    warmer.stop();
  }, 120_000);
});
