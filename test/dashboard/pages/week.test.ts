// The overview's "This week, at a glance": new, fixed and reopened findings of the last 7 days
// (counts and links to each finding), the oldest open findings, SLA breaches now; and the trend
// sparkline of a service that started inside the window is not drawn as zeros before its first snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingHref } from '../../../dashboard/pages/view-models.js';
import { get, login, NOW, openPageHarness, type PageHarness } from './harness.js';

let h: PageHarness;
let cookie: string;

beforeAll(async () => {
  h = await openPageHarness();
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
