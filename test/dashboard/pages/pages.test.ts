// The pages render the store's data: overview (sorted, stale marker, sparklines), service (chart
// points, filters by query string, scans), finding (where, fix, suppression, history), and every
// tool-provided string is escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverviewContent } from '../../../dashboard/pages/overview.js';
import { XSS_TITLE } from './fixtures.js';
import { get, login, openPageHarness, type PageHarness } from './harness.js';

let h: PageHarness;
let cookie: string;

beforeAll(async () => {
  h = (await openPageHarness());
  cookie = (await login(h.app, h.tokens.viewer)).cookie;
});
afterAll(() => h.close());

/** Service names in table order. */
function serviceOrder(html: string): string[] {
  return [...html.matchAll(/<tr data-service="([^"]+)"/g)].map((m) => m[1]);
}

describe('overview', () => {
  it('lists every service worst first, with counts, a sparkline, the gate and SLA breaches', async () => {
    const { status, html } = await get(h.app, '/', cookie);
    expect(status).toBe(200);
    expect(serviceOrder(html)).toEqual(['payments', 'legacy', 'orders']);
    const payments = html.slice(html.indexOf('data-service="payments"'), html.indexOf('data-service="legacy"'));
    expect(payments).toContain('class="sparkline');
    expect(payments).toContain('gate-failed');
    // payments: 2 + 12 - 9 = 5 package findings (critical, high, medium, low, critical) + the XSS high one
    expect(payments).toMatch(/title="2 open critical"/);
    expect(payments).toMatch(/title="2 open high"/);
    expect((html.match(/<svg class="sparkline/g) ?? []).length).toBe(3);
  });

  it('marks a service without a recent snapshot as stale', async () => {
    const { html } = await get(h.app, '/', cookie);
    const legacy = html.slice(html.indexOf('data-service="legacy"'), html.indexOf('data-service="orders"'));
    expect(legacy).toContain('stale-marker');
    expect(legacy).toContain('20 days ago');
    const orders = html.slice(html.indexOf('data-service="orders"'));
    expect(orders).not.toContain('stale-marker');
  });

  it('sorts by the column named in the query string', async () => {
    expect(serviceOrder((await get(h.app, '/?sort=name&dir=asc', cookie)).html)).toEqual(['legacy', 'orders', 'payments']);
    expect(serviceOrder((await get(h.app, '/?sort=lastScan&dir=asc', cookie)).html)[0]).toBe('legacy');
  });

  it('filters the services by a part of their name and keeps the filter when sorting', async () => {
    const { html } = await get(h.app, '/?q=PAY', cookie);
    expect(serviceOrder(html)).toEqual(['payments']);
    expect(html).toContain('<input type="search" name="q" value="PAY"');
    expect(html).toContain('href="/?sort=name&amp;dir=asc&amp;q=PAY"');
    // the summary cards still count every service
    expect(html).toMatch(/<div class="card-value">3<\/div><div class="card-label">services<\/div>/);
    const none = await get(h.app, `/?q=${encodeURIComponent('<b>zz')}`, cookie);
    expect(serviceOrder(none.html)).toEqual([]);
    expect(none.html).toContain('No service name contains “&lt;b&gt;zz”.');
  });

  it('splits the table into pages, worst services first', async () => {
    const { html } = await get(h.app, '/?sort=name&dir=asc', cookie);
    const rows = (await h.store.listServiceOverview(new Date('2026-11-24T09:00:00Z')));
    const render = (page: number) =>
      String(OverviewContent({ rows, sort: 'name', dir: 'asc', page, pageSize: 2, now: new Date('2026-11-24T09:00:00Z'), staleAfterDays: 14 }));
    expect(serviceOrder(html)).toEqual(['legacy', 'orders', 'payments']);
    expect(html).not.toContain('class="pager"'); // 3 services fit on one page of 100
    const first = render(1);
    expect(serviceOrder(first)).toEqual(['legacy', 'orders']);
    expect(first).toContain('1–2 of 3 services');
    expect(first).toContain('<a href="/?sort=name&amp;dir=asc&amp;page=2">next →</a>');
    const second = render(2);
    expect(serviceOrder(second)).toEqual(['payments']);
    expect(second).toContain('<a href="/?sort=name&amp;dir=asc">← previous</a>');
    expect(serviceOrder(render(9))).toEqual(['payments']); // past the end: the last page
  });

  it('answers an unknown sort column with 400 naming the parameter', async () => {
    const { status, html } = await get(h.app, '/?sort=bogus', cookie);
    expect(status).toBe(400);
    expect(html).toContain('sort:');
  });
});

describe('service page', () => {
  // One hover column a day (<rect data-day>), each with every visible severity's count in its data
  // attributes and one tooltip listing them all (a <circle> with its own tooltip per day and
  // severity made the 90-day chart 89 KB, most of a cold render's drawing and deflate).
  const dayColumns = (html: string) =>
    [...html.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" data-day="([^"]+)"([^>]*)><title>([^<]*)<\/title><\/rect>/g)].map((m) => ({
      day: m[1],
      counts: Object.fromEntries([...m[2].matchAll(/ data-(\w+)="(\d+)"/g)].map((a) => [a[1], Number(a[2])])),
      title: m[3],
    }));

  it("draws the posture chart with one hover column per day, its tooltip giving every severity's count", async () => {
    const { status, html } = await get(h.app, '/services/payments?days=30', cookie);
    expect(status).toBe(200);
    const days = dayColumns(html);
    // 30 days of history, one column each, every one with the 4 severities present (critical, high, medium, low)
    expect(days.map((d) => d.day)).toEqual(Array.from({ length: 30 }, (_, i) => new Date(Date.parse('2026-10-26') + i * 86_400_000).toISOString().slice(0, 10)));
    expect(days.every((d) => Object.keys(d.counts).join() === 'critical,high,medium,low')).toBe(true);
    const today = days.find((d) => d.day === '2026-11-24')!;
    expect(today.counts).toEqual({ critical: 2, high: 2, medium: 1, low: 1 });
    expect(today.title).toBe('2026-11-24 — 6 open (critical: 2, high: 2, medium: 1, low: 1)');
    expect(html).toContain('data-points="30"');
    // The drawn dots carry no tooltip of their own: one title a day, not one a day and severity.
    expect(html.match(/<\/title><\/circle>/g)).toBeNull();
  });

  it('draws one hover column a week, ending today, on windows longer than 90 days', async () => {
    const { html } = await get(h.app, '/services/payments?days=365', cookie);
    // 30 days of history (2026-10-26 .. 2026-11-24): every 7th day back from today
    expect(dayColumns(html).map((d) => d.day)).toEqual(['2026-10-27', '2026-11-03', '2026-11-10', '2026-11-17', '2026-11-24']);
    expect(html).toContain('data-points="5"');
    expect(html).toContain('<title>2026-11-24 — 6 open (critical: 2, high: 2, medium: 1, low: 1)</title>');
  });

  it('leaves the days before the first snapshot empty instead of drawing zeros', async () => {
    const { html } = await get(h.app, '/services/payments', cookie);
    // 90-day window, 30 days of history: 30 columns, and a "no data" region before them
    expect(dayColumns(html)).toHaveLength(30);
    expect(html).toContain('no scans before 2026-10-26');
    expect(html).not.toContain('data-day="2026-10-25"');
  });

  it('filters the open findings by severity, category and tool with a GET form', async () => {
    const all = (await get(h.app, '/services/payments', cookie)).html;
    expect(all).toContain('<form class="filters" method="get" action="/services/payments">');
    const rows = (html: string) => [...html.matchAll(/<tr data-finding="[^"]+" data-severity="([^"]+)"/g)].map((m) => m[1]);
    // 6 open + 1 open but suppressed (marked)
    expect(rows(all)).toHaveLength(7);
    expect((all.match(/suppressed-marker/g) ?? []).length).toBe(1);
    expect(rows(all)[0]).toBe('critical');
    expect(rows((await get(h.app, '/services/payments?severity=high', cookie)).html)).toEqual(['high', 'high']);
    const sast = (await get(h.app, '/services/payments?category=sast&tool=semgrep', cookie)).html;
    expect(rows(sast)).toEqual(['high']);
    expect(sast).toContain('<option value="semgrep" selected="">semgrep</option>');
    expect(rows((await get(h.app, '/services/payments?tool=grype', cookie)).html)).toEqual([]);
  });

  it('lists fixed findings with their fix date when asked for state=fixed', async () => {
    const html = (await get(h.app, '/services/payments?state=fixed', cookie)).html;
    const rows = [...html.matchAll(/<tr data-finding="([^"]+)"/g)].map((m) => m[1]);
    // pkg5..pkg13 came and went in the history (see fixtures)
    expect(rows.sort()).toEqual(['005', '006', '007', '008', '009', '010', '011', '012', '013'].map((n) => `fp-payments-${n}`));
    expect(html).toContain('Fixed findings');
    expect((html.match(/<span class="fixed-text"/g) ?? []).length).toBe(9);
    expect(html).toContain('<option value="fixed" selected="">fixed</option>');
    expect(html).toContain('href="/api/v1/export/findings.csv?service=payments&amp;state=fixed"');
    expect((await get(h.app, '/services/payments?state=gone', cookie)).status).toBe(400);
  });

  it('sorts the findings table and keeps the filters in the sort links', async () => {
    const html = (await get(h.app, '/services/payments?severity=high&sort=title&dir=asc', cookie)).html;
    const titles = [...html.matchAll(/<td class="finding-title"><a href="[^"]+">([^<]*)/g)].map((m) => m[1]);
    expect(titles).toEqual([...titles].sort());
    expect(html).toContain('href="/services/payments?severity=high&amp;sort=title&amp;dir=desc#findings"');
  });

  it('lists recent scans with their gate result', async () => {
    const html = (await get(h.app, '/services/payments', cookie)).html;
    const scans = html.slice(html.indexOf('id="scans-h"'));
    expect((scans.match(/<tr>/g) ?? []).length).toBe(1 + 20);
    expect(scans).toContain('a1b2c3d4e5');
  });

  it('answers a bad filter with 400 and an unknown service with 404', async () => {
    const bad = await get(h.app, '/services/payments?severity=urgent', cookie);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('severity');
    const missing = await get(h.app, '/services/nope', cookie);
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('No service named');
  });
});

describe('finding page and escaping', () => {
  it('shows where, the fix, the references and the lifecycle', async () => {
    const { status, html } = await get(h.app, '/services/payments/findings/fp-payments-000', cookie);
    expect(status).toBe(200);
    expect(html).toContain('pkg0@1.0.0');
    expect(html).toContain('npm pkg0@1.0.0');
    expect(html).toContain('upgrade pkg0 to 1.0.1');
    expect(html).toContain('<a href="https://nvd.nist.gov/vuln/detail/CVE-2024-1000"');
    expect(html).toContain('<span class="event-kind">opened</span>');
  });

  it('shows fixed and reopened events for a finding that came and went', async () => {
    // pkg13.. appear on days 12..20 then disappear (see fixtures): fixed.
    const { html } = await get(h.app, '/services/payments/findings/fp-payments-012', cookie);
    expect(html).toContain('state-fixed');
    expect(html).toMatch(/<span class="event-kind">fixed<\/span><span class="event-detail"> after \d+ days open/);
  });

  it('shows a suppression with its reason, owner and expiry', async () => {
    const { html } = await get(h.app, '/services/payments/findings/fp-payments-098', cookie);
    expect(html).toContain('state-suppressed');
    expect(html).toContain('<dd>config</dd>');
    expect(html).toContain('accepted risk: internal only &lt;b&gt;');
    expect(html).toContain('<dd>alice</dd>');
    expect(html).toContain('2027-01-31');
    // outside the SLA while suppressed
    expect(html).not.toContain('SLA due');
  });

  it('escapes an XSS payload in a finding title, path, message and fix, and never links a javascript: URL', async () => {
    const pages = [
      (await get(h.app, '/services/payments', cookie)).html,
      (await get(h.app, '/services/payments/findings/fp-payments-099', cookie)).html,
    ];
    for (const html of pages) {
      expect(html).not.toContain('<script>alert(1)');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    }
    const finding = pages[1];
    expect(finding).not.toContain('<svg onload');
    expect(finding).toContain('src/&lt;b&gt;view&lt;/b&gt;.ts:12-14');
    expect(finding).not.toContain('href="javascript:');
    expect(finding).toContain('<span class="mono">javascript:alert(3)</span>');
    expect(XSS_TITLE).toContain('<script>');
  });

  it('renders no inline script, style or event handler attributes on any page', async () => {
    for (const path of ['/', '/services/payments', '/services/payments/findings/fp-payments-099', '/services/orders']) {
      const { html } = await get(h.app, path, cookie);
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
      expect(html).toContain('<link rel="stylesheet" href="/static/dashboard.css"/>');
    }
  });

  it('answers an unknown finding with 404', async () => {
    expect((await get(h.app, '/services/payments/findings/nope', cookie)).status).toBe(404);
  });
});

describe('stylesheet', () => {
  it('is served as text/css without a session', async () => {
    const res = await h.app.request('/static/dashboard.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await res.text()).toContain('.badge.sev-critical');
  });
});
