// The overview's "This week, at a glance": new, fixed and reopened findings of the last 7 days
// (counts and links to each finding), the oldest open findings, SLA breaches now; and the trend
// sparkline of a service that started inside the window is not drawn as zeros before its first snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingHref } from '../../../dashboard/components/hrefs.js';
import { buildOpenApiDocument } from '../../../dashboard/openapi.js';
import { niceTicks } from '../../../dashboard/components/charts.js';
import { WeekResponseSchema } from '../../../src/report/read-api.js';
import { get, login, NOW, openPageHarness, type PageHarness } from './harness.js';
import { makeReport } from '../store/report-builder.js';
import { BACKENDS } from '../store/backends.js';
import { expectContract } from '../api/contract-check.js';

// On each store backend: a temporary SQLite file and a fresh PostgreSQL database.
describe.each(BACKENDS)('%s store', (backend) => {
  let h: PageHarness;
  let cookie: string;

  beforeAll(async () => {
    h = await openPageHarness(backend);
    cookie = (await login(h.app, h.tokens.viewer)).cookie;
  });
  afterAll(() => h.close());

  const section = (html: string) => {
    const start = html.indexOf('<section class="week"');
    expect(start).toBeGreaterThan(-1);
    return html.slice(start, html.indexOf('</section>', start));
  };
  const count = (html: string, kind: string) => Number(new RegExp(`data-kind="${kind}"><strong>(\\d+)</strong>`).exec(html)?.[1]);

  describe('overview: this week, at a glance', () => {
    it('counts new, fixed and reopened findings of the last 7 days and SLA breaches now', async () => {
      const { status, html } = await get(h.app, '/', cookie);
      expect(status).toBe(200);
      const week = section(html);
      expect(week).toContain('This week, at a glance');
      // payments goes from 13 open package findings 7 days ago to 5 today (8 fixed); orders' one low
      // finding reopens every 7 days (7 days ago and today) and is fixed in between.
      expect(count(week, 'opened')).toBe(0);
      expect(count(week, 'fixed')).toBe(9);
      expect(count(week, 'reopened')).toBe(2);
      const overview = await h.store.listServiceOverview(NOW);
      expect(count(week, 'sla')).toBe(overview.reduce((n, r) => n + r.slaBreaches, 0));
      expect(count(week, 'sla')).toBeGreaterThan(0);
      expect(week).toContain('Newest 10 of 11 shown.');
    });

    it('lists the changes newest first, each linking to its finding', async () => {
      const week = section((await get(h.app, '/', cookie)).html);
      const events = [...week.matchAll(/<li data-kind="(\w+)">[\s\S]*?<a href="([^"]+)">/g)].map((m) => [m[1], m[2]]);
      expect(events).toHaveLength(10);
      const summary = await h.store.weekSummary(new Date(NOW.getTime() - 7 * 86_400_000).toISOString(), 10);
      expect(events).toEqual(summary.events.map((e) => [e.kind, findingHref(e.service, e.fingerprint)]));
      // Today's changes come first: orders' finding reopened and a payments finding fixed.
      expect(events.slice(0, 2).map((e) => e[0]).sort()).toEqual(['fixed', 'reopened']);
      for (const [, href] of events.slice(0, 3)) expect((await get(h.app, href, cookie)).status).toBe(200);
    });

    it('lists the 5 oldest open findings, suppressed ones left out', async () => {
      const week = section((await get(h.app, '/', cookie)).html);
      const oldest = week.slice(week.indexOf('<ol class="week-oldest">'));
      const items = [...oldest.matchAll(/<li>[\s\S]*?<a href="([^"]+)">[\s\S]*?opened (\d+ days ago)/g)].map((m) => [m[1], m[2]]);
      expect(items).toHaveLength(5);
      expect(items.map(([, age]) => age)).toEqual(['29 days ago', '29 days ago', '29 days ago', '28 days ago', '27 days ago']);
      // Tool-provided titles are escaped here too.
      expect(oldest).not.toContain('<script>');
      expect(items.every(([href]) => href.startsWith('/services/payments/findings/'))).toBe(true);
      // The suppressed payments finding (98) is open since day one too, but it does not count.
      const suppressed = (await h.store.listFindings({ service: 'payments', limit: 100, offset: 0 })).items.find((f) => f.suppressed)!;
      expect(suppressed).toBeDefined();
      expect(oldest).not.toContain(findingHref('payments', suppressed.fingerprint));
    });

    it('does not draw the days before a service\'s first snapshot as zero in its trend', async () => {
      const { html } = await get(h.app, '/', cookie);
      const legacy = html.slice(html.indexOf('data-service="legacy"'), html.indexOf('data-service="orders"'));
      // legacy's first snapshot is 20 days ago: its label and line start then, not at 0 on the window's first day.
      const firstSnapshot = new Date(NOW.getTime() - 20 * 86_400_000).toISOString().slice(0, 10);
      expect(legacy).toContain(`legacy: 2 open on ${firstSnapshot}, 2 now`);
      const points = /<polyline points="([^"]+)"/.exec(legacy)![1].split(' ').map((p) => p.split(',').map(Number));
      expect(points).toHaveLength(21);
      expect(points[0][0]).toBeGreaterThan(30);
      expect(points.every(([, y]) => y === points[0][1])).toBe(true);
    });
  });

  const DAY = 86_400_000;
  const api = (path: string) => h.app.request(path, { headers: { authorization: `Bearer ${h.tokens.viewer}` } });
  const rowOf = (html: string, service: string) => {
    const start = html.indexOf(`<tr data-service="${service}">`);
    expect(start).toBeGreaterThan(-1);
    return html.slice(start, html.indexOf('</tr>', start));
  };

  describe('overview: the window, each service\'s change, the remediation trend', () => {
    it('offers 7, 14 and 30 days; the window moves the counts, the title and the change column, and travels with the links', async () => {
      const week7 = section((await get(h.app, '/', cookie)).html);
      expect(week7).toMatch(/<a class="active" aria-current="true" href="\/#week-title">7 days<\/a>/);
      expect(week7).toContain('href="/?days=14#week-title"');
      const { status, html } = await get(h.app, '/?days=30&sort=name&dir=asc', cookie);
      expect(status).toBe(200);
      const week30 = section(html);
      expect(week30).toContain('The last 30 days, at a glance');
      expect(week30).toContain('data-days="30"');
      expect(week30).toMatch(/<a class="active" aria-current="true" href="\/\?sort=name&amp;dir=asc&amp;days=30#week-title">30 days<\/a>/);
      const s30 = await h.store.weekSummary(new Date(NOW.getTime() - 30 * DAY).toISOString(), 10);
      expect(count(week30, 'fixed')).toBe(s30.counts.fixed);
      expect(count(week30, 'opened')).toBe(s30.counts.opened);
      expect(s30.counts.fixed).toBeGreaterThan(9);
      expect(week30).toContain('Changes in the last 30 days');
      expect(html).toContain('<th>Change (30 d)</th>');
      // Sorting and the filter keep the window.
      expect(html).toContain('days=30');
      expect(html).toMatch(/href="\/\?sort=critical&amp;dir=desc&amp;days=30"/);
      expect(html).toContain('<input type="hidden" name="days" value="30"/>');
    });

    it('answers a window other than 7, 14 or 30 with a 400 naming days (unknown parameters are still ignored)', async () => {
      for (const bad of ['5', 'week', '7.5', '']) {
        const r = await get(h.app, `/?days=${bad}`, cookie);
        expect(r.status, bad).toBe(400);
        expect(r.html).toContain('days: expected 7, 14 or 30 (days)');
      }
      expect((await get(h.app, '/?days=14&window=99', cookie)).status).toBe(200);
    });

    it("shows each service's change over the window in words and arrows, not colour only", async () => {
      const { html } = await get(h.app, '/', cookie);
      const changes = await h.store.serviceChanges(new Date(NOW.getTime() - 7 * DAY).toISOString());
      const payments = changes.find((c) => c.service === 'payments')!;
      // payments: 14 open just before the window (its snapshot of 7 days ago, at the window's first instant, is in it), 6 now, 8 fixed.
      expect(payments).toMatchObject({ baseline: 'window', total: -8, fixed: 8, opened: 0 });
      const row = rowOf(html, 'payments');
      expect(row).toContain('data-total="-8" data-opened="0" data-fixed="8"');
      expect(row).toContain('<span class="delta delta-down">▼ 8 fewer open</span>');
      expect(row).toContain('<span class="delta-new">0 new</span> / <span class="delta-fixed">\u22128 fixed</span>');
      expect(row).toMatch(/title="0 new or reopened, 8 fixed since 7 days ago \(\d{4}-\d{2}-\d{2}\); open findings \u22128/);
      // legacy started 20 days ago: over 30 days it is compared with its first snapshot, not with zero.
      const legacy30 = rowOf((await get(h.app, '/?days=30', cookie)).html, 'legacy');
      const first = new Date(NOW.getTime() - 20 * DAY).toISOString().slice(0, 10);
      // Its open findings did not move since: the cell says it was first scanned then, not "no change"
      // above "+2 new" (the findings that snapshot brought).
      expect(legacy30).toContain(`<span class="delta delta-flat">first snapshot ${first.slice(5)}</span>`);
      expect(legacy30).toContain('<span class="delta-new">+2 new</span>');
      expect(legacy30).not.toContain('no change');
      // The service page says it too.
      const service = (await get(h.app, '/services/payments', cookie)).html;
      expect(service).toMatch(/<p class="service-change" data-total="-8" data-opened="0" data-fixed="8"><span class="delta delta-down">▼ 8 fewer open<\/span> in the last 7 days/);
    });

    it('draws open findings past their SLA per day and days to remediate per week on the week panel', async () => {
      const week = section((await get(h.app, '/', cookie)).html);
      const trend = await h.store.remediationTrend(NOW);
      const sla = week.slice(week.indexOf('data-chart="sla-breaches"'));
      expect(sla).toContain('data-days="91"');
      const hits = [...sla.matchAll(/<rect [^>]*data-day="([\d-]+)" data-breaches="(\d*)"/g)].map((m) => [m[1], m[2] === '' ? null : Number(m[2])]);
      expect(hits).toEqual(trend.days.map((d) => [d.day, d.breaches]));
      // Today's point is the SLA breaches now.
      expect(hits[90][1]).toBe(count(week, 'sla'));
      // The history starts 30 days ago: the days before it are not drawn as zero but shaded.
      const first = trend.firstSnapshotDay!;
      expect(hits.filter(([, v]) => v === null).map(([d]) => d)).toEqual(trend.days.filter((d) => d.day < first).map((d) => d.day));
      expect(hits.filter(([, v]) => v === null).length).toBeGreaterThan(50);
      expect(sla).toContain(`no scans before ${first.slice(5)}`);
      const line = /<polyline class="line" points="([^"]+)"/.exec(sla)![1].split(' ');
      expect(line).toHaveLength(trend.days.filter((d) => d.breaches !== null).length);
      const mttr = week.slice(week.indexOf('data-chart="mttr"'));
      const bars = [...mttr.matchAll(/<g class="week-bar" data-week="([\d-]+)" data-median="([\d.]*)" data-fixed="(\d+)"/g)].map((m) => [m[1], m[2] === '' ? null : Number(m[2]), Number(m[3])]);
      // A bar (or a dash for a week without a fix) from the week of the first snapshot on; the weeks before are shaded.
      expect(bars).toEqual(trend.weeks.filter((w) => w.to >= first).map((w) => [w.to, w.medianDays, w.fixed]));
      expect(bars.length).toBeLessThan(13);
      expect(bars.some(([, median]) => median !== null)).toBe(true);
      expect(mttr).toMatch(/Median days open of the findings fixed each week/);
    });

    it('serves the same in GET /api/v1/week, in its contract and the OpenAPI document', async () => {
      const r = await api('/api/v1/week?days=14');
      expect(r.status).toBe(200);
      const sent: unknown = await r.json();
      // Nothing outside the contract (zod's parse alone drops a field the schema lacks), in every list of it.
      expectContract(WeekResponseSchema, sent);
      const body = WeekResponseSchema.parse(sent);
      for (const list of [body.events, body.oldestOpen, body.services, body.remediation.days, body.remediation.weeks]) expect(list.length).toBeGreaterThan(0);
      expect(body.days).toBe(14);
      expect(body.counts).toEqual((await h.store.weekSummary(new Date(NOW.getTime() - 14 * DAY).toISOString(), 10)).counts);
      expect(body.remediation).toEqual(await h.store.remediationTrend(NOW));
      expect(body.services.map((c) => c.service)).toEqual(['legacy', 'orders', 'payments']);
      expect(body.slaBreachesNow).toBe((await h.store.listServiceOverview(NOW)).reduce((n, s) => n + s.slaBreaches, 0));
      expect(WeekResponseSchema.parse(await (await api('/api/v1/week?limit=3')).json()).events).toHaveLength(3);
      const bad = await api('/api/v1/week?days=60');
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ field: 'days' });
      expect((await api('/api/v1/week?utm_source=x')).status).toBe(200);
      const doc = buildOpenApiDocument({ publicBadges: false });
      expect(doc.paths['/week'].get.responses[200]).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/WeekResponse' } } } });
      expect(JSON.stringify((doc.components.schemas as Record<string, unknown>).WeekResponse)).toContain('remediation');
    });
  });

  describe("the service page's chart: readable at 1440 and 390 px", () => {
    const svgOf = (html: string, cls: 'wide' | 'compact') => {
      const start = html.indexOf(`<svg class="posture-chart ${cls}"`);
      expect(start, cls).toBeGreaterThan(-1);
      return html.slice(start, html.indexOf('</svg>', start));
    };
    const xLabels = (svg: string) => [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" class="tick x[^"]*">(\d\d-\d\d)<\/text>/g)].map((m) => [Number(m[1]), m[2]] as const);

    it('puts y ticks on whole, round counts', () => {
      expect(niceTicks(11)).toEqual([0, 5, 10, 15]);
      expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
      expect(niceTicks(0)).toEqual([0, 1]);
      expect(niceTicks(6, 3)).toEqual([0, 2, 4, 6]);
      expect(niceTicks(480)).toEqual([0, 200, 400, 600]);
    });

    it('draws only the points where a band moves; every day keeps its hover column and tooltip', async () => {
      const { html } = await get(h.app, '/services/payments', cookie);
      const wide = svgOf(html, 'wide');
      const dots = wide.match(/<circle /g) ?? [];
      const days = wide.match(/<rect [^>]*data-day="[^"]+"[^>]*><title>/g) ?? [];
      // 30 days of history, a column with its tooltip each; a dot where a band moves (payments changes once a day at most).
      expect(days).toHaveLength(30);
      expect(dots.length).toBeGreaterThan(4);
      expect(dots.length).toBeLessThan(days.length * 4 / 2);
      // The y axis ends at a round count just above the highest total, in whole steps.
      const ticks = [...wide.matchAll(/class="tick y">([\d.]+)</g)].map((m) => Number(m[1]));
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
      const css = await (await h.app.request('/static/dashboard.css')).text();
      expect(css).toMatch(/\.posture-chart \.days rect \{ fill: transparent; \}/);
      expect(css).toMatch(/\.posture-chart \.days rect:hover \{ fill: /);
    });

    it('has a compact chart for narrow screens: a phone-sized viewBox, 4 day labels, no points', async () => {
      const { html } = await get(h.app, '/services/payments', cookie);
      const compact = svgOf(html, 'compact');
      expect(compact).toContain('viewBox="0 0 400 250"');
      expect(compact).not.toContain('<circle');
      expect(compact).toContain('no scans before');
      const labels = xLabels(compact);
      expect(labels.length).toBeGreaterThanOrEqual(3);
      expect(labels.length).toBeLessThanOrEqual(4);
      // Labels 48+ units apart: 5 characters of 12-unit text never touch.
      for (let i = 1; i < labels.length; i++) expect(labels[i][0] - labels[i - 1][0]).toBeGreaterThanOrEqual(48);
      const wideLabels = xLabels(svgOf(html, 'wide'));
      expect(wideLabels.length).toBeLessThanOrEqual(8);
      for (let i = 1; i < wideLabels.length; i++) expect(wideLabels[i][0] - wideLabels[i - 1][0]).toBeGreaterThanOrEqual(48);
      const css = await (await h.app.request('/static/dashboard.css')).text();
      expect(css).toMatch(/@media \(max-width: 600px\) \{\s*svg\.posture-chart\.wide \{ display: none; \}\s*svg\.posture-chart\.compact \{ display: block; \}/);
    });
  });

  describe('finish', () => {
    it('says "1 scan", not "1 scans", for a finding seen once', async () => {
      const legacy = (await h.store.listFindings({ service: 'legacy', limit: 10, offset: 0 })).items[0];
      const { html } = await get(h.app, findingHref('legacy', legacy.fingerprint), cookie);
      expect(html).toContain('Seen in 1 scan<');
      expect(html).not.toContain('1 scans');
    });

    it('lets code and long ids wrap anywhere', async () => {
      const css = await (await h.app.request('/static/dashboard.css')).text();
      expect(css).toMatch(/code, td\.mono, \.fingerprint \{ overflow-wrap: anywhere; \}/);
    });
  });

  describe('top bar', () => {
    it('names the bootstrap admin token\'s user shortly, with the token id and full label in the tooltip', async () => {
      const { id, token } = await h.store.createToken({ role: 'admin', label: 'bootstrap admin (GATEHOUSE_ADMIN_TOKEN)', value: 'b'.repeat(40) });
      const boot = await login(h.app, token);
      const { html } = await get(h.app, '/', boot.cookie);
      expect(html).toContain(`title="signed in with token ${id} (bootstrap admin (GATEHOUSE_ADMIN_TOKEN)), role admin"`);
      expect(html).toMatch(/<span class="who">bootstrap admin<\/span> <span class="role">admin<\/span>/);
      // Other tokens show their label as it is.
      expect((await get(h.app, '/', cookie)).html).toContain('<span class="who">on-call &lt;viewer&gt;</span>');
    });
  });

  describe('query parameters (as docs/dashboard-pages.md and docs/dashboard.md say)', () => {
    it('ignores unknown parameters and names a bad value of a known one', async () => {
      expect((await get(h.app, '/?utm_source=mail', cookie)).status).toBe(200);
      expect((await get(h.app, '/services/payments?utm_source=mail', cookie)).status).toBe(200);
      const bad = await get(h.app, '/services/payments?severity=nope', cookie);
      expect(bad.status).toBe(400);
      expect(bad.html).toContain('severity');
      const api = await h.app.request('/api/v1/findings?utm_source=mail', { headers: { authorization: `Bearer ${h.tokens.viewer}` } });
      expect(api.status).toBe(200);
      const triage = await h.app.request('/api/v1/triage?utm_source=mail', { headers: { authorization: `Bearer ${h.tokens.viewer}` } });
      expect(triage.status).toBe(400);
      expect(h.tokens.viewer.startsWith('gatehouse_')).toBe(true);
    });
  });

  describe('a service first scanned inside the window', () => {
    it('says its new findings count its first snapshot\'s, so "no change" beside "+3 new" is not a contradiction', async () => {
      // Last of this file: it adds a service.
      const at = new Date(NOW.getTime() - 2 * DAY).toISOString();
      await h.store.ingestScan(makeReport({ scanId: 'newcomer-1', createdAt: at, services: ['newcomer'], findings: [{ fp: 'n1' }, { fp: 'n2' }, { fp: 'n3', severity: 'low' }] }), 'test');
      const page = (await get(h.app, '/services/newcomer', cookie)).html;
      const line = /<p class="service-change"[^>]*>([\s\S]*?)<\/p>/.exec(page)![1].replace(/<[^>]+>/g, '');
      expect(line).toBe(`= no change in open findings since its first snapshot on ${at.slice(0, 10)}; in the last 7 days, counting the findings that snapshot brought: +3 new or reopened, 0 fixed.`);
      const row = rowOf((await get(h.app, '/', cookie)).html, 'newcomer');
      expect(row).toContain(`title="open findings 0 since its first snapshot (${at.slice(0, 10)}); 3 new or reopened, 0 fixed in the last 7 days, counting the findings that snapshot brought"`);
    });
  });
});
