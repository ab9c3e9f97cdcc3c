// The overview's "This week, at a glance" and a service page in Chromium (playwright-core) against a
// real dashboard server, at 1440 and 390 px wide: the panel's counts and links, the trend that starts
// at a service's first snapshot, no page-wide sideways scroll at 390 px. Screenshots go to
// test-artifacts/screenshots/week-*.png (gitignored) for a human to look at.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../../dashboard/server.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { browserSetupError, openSignedInPage, SCREENSHOTS } from './chromium-session.js';
import { historyReports } from '../pages/fixtures.js';

const ADMIN_TOKEN = `gatehouse_week-browser-admin-${process.pid}-0123456789`;

let dir: string;
let dashboard: RunningDashboard;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

// The server's clock runs from the middle of a UTC day: the 30-day history is dated when it is seeded
// and the counts below are per day, so a run that crosses midnight (real time) must not see the day
// turn between the seeding and the page. It keeps running (not frozen): "exactly 7 days ago" must
// still be just out of the window by the time a page loads, as it is on a real server.
const DAY_MS = 86_400_000;
const clockShift = (Date.now() % DAY_MS) - DAY_MS / 2;
const serverNow = () => new Date(Date.now() - clockShift);

beforeAll(async () => {
  const setupError = browserSetupError();
  if (setupError) throw setupError;
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-week-browser-'));
  dashboard = await startDashboard({ db: join(dir, 'dashboard.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, logger: createMemoryLogger(), print: () => {}, now: serverNow });
  for (const report of historyReports(serverNow())) {
    const res = await fetch(`${dashboard.url}api/v1/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    if (res.status !== 201) throw new Error(`ingest: ${res.status} ${await res.text()}`);
  }
  ({ context, page } = await openSignedInPage(join(dir, 'profile'), dashboard.url, ADMIN_TOKEN, {
    onConsole: (m) => {
      if (m.type() === 'error' || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${m.type()}: ${m.text()}`);
    },
    onPageError: (e) => problems.push(`pageerror: ${e.message}`),
  }));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Screenshots at 1440 and 390 px; at each width the page itself must not scroll sideways. */
async function shots(name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    const widest = await page.evaluate(
      "[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-scroll, .scroll-x')).slice(0, 3).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')",
    );
    expect(overflow, `${name} at ${width} px scrolls sideways by ${overflow} px (${String(widest)})`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('this week, at a glance, in chromium', { timeout: 120_000 }, () => {
  it('shows the week panel first on the overview, with counts, linked changes and the oldest open findings', async () => {
    await page.goto(dashboard.url);
    const week = page.locator('section.week');
    await expect.poll(() => week.isVisible()).toBe(true);
    expect(await week.locator('h2').textContent()).toBe('This week, at a glance');
    // The history's snapshots are whole days before the ingest, so those of exactly 7 days ago are just
    // out of the window by the time the page loads: 8 fixed (payments) and 1 reopened (orders, today).
    expect(await week.locator('[data-kind="fixed"] strong').textContent()).toBe('8');
    expect(await week.locator('[data-kind="reopened"] strong').textContent()).toBe('1');
    expect(await week.locator('ul.week-events li').count()).toBe(9);
    expect(await week.locator('ol.week-oldest li').count()).toBe(5);
    // The panel comes before the services table.
    const panelTop = (await week.boundingBox())!.y;
    expect(panelTop).toBeLessThan((await page.locator('table.overview').boundingBox())!.y);
    // legacy's trend starts at its first snapshot (20 days ago), not at the window's left edge.
    const legacyLine = await page.locator('tr[data-service="legacy"] svg.sparkline polyline').getAttribute('points');
    expect(Number(legacyLine!.split(' ')[0].split(',')[0])).toBeGreaterThan(30);
    await shots('week-overview');
    // A change's link opens its finding.
    const first = week.locator('ul.week-events li a').first();
    const href = await first.getAttribute('href');
    await Promise.all([page.waitForURL(`${dashboard.url}${href!.slice(1)}`), first.click()]);
    expect(await page.locator('h1').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('renders a service page at both widths without page-wide sideways scroll', async () => {
    await page.goto(`${dashboard.url}services/payments`);
    expect(await page.locator('h1').textContent()).toContain('payments');
    await shots('week-service');
    expect(problems).toEqual([]);
  });
});

/** Rendered height in CSS px of the first matching SVG text, and whether the boxes of all of them overlap. */
async function textBoxes(selector: string): Promise<{ heights: number[]; overlaps: number }> {
  return (await page.evaluate(`(() => {
    const boxes = [...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.getBoundingClientRect()).filter((b) => b.width > 0);
    let overlaps = 0;
    for (let i = 1; i < boxes.length; i++) if (boxes[i].left < boxes[i - 1].right + 2) overlaps++;
    return { heights: boxes.map((b) => b.height), overlaps };
  })()`)) as { heights: number[]; overlaps: number };
}

describe('the window, the changes and the charts, in chromium', { timeout: 120_000 }, () => {
  it("switches the window to 14 and 30 days, with each service's change in words", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(dashboard.url);
    const week = page.locator('section.week');
    expect(await week.getAttribute('data-days')).toBe('7');
    expect(await page.locator('th', { hasText: 'Change (7 d)' }).count()).toBe(1);
    // payments: fewer open findings than a week ago, said in words with an arrow, not by colour only.
    const payments = page.locator('tr[data-service="payments"] td.change');
    expect(await payments.locator('.delta').textContent()).toMatch(/^▼ \d+ fewer open$/);
    expect(await payments.locator('.delta-events').textContent()).toMatch(/^0 new \/ \u2212\d+ fixed$/);
    await Promise.all([page.waitForURL(/\?days=14#week-title$/), week.locator('a', { hasText: '14 days' }).click()]);
    expect(await page.locator('section.week h2').textContent()).toBe('The last 14 days, at a glance');
    expect(await page.locator('section.week a[aria-current="true"]').textContent()).toBe('14 days');
    expect(await page.locator('th', { hasText: 'Change (14 d)' }).count()).toBe(1);
    // Sorting keeps the window.
    await Promise.all([page.waitForURL(/sort=name/), page.locator('thead a', { hasText: 'Service' }).click()]);
    expect(page.url()).toContain('days=14');
    expect(await page.locator('section.week').getAttribute('data-days')).toBe('14');
    // legacy's first snapshot is 20 days ago: over 30 days it is compared with that, not with zero.
    await page.goto(`${dashboard.url}?days=30`);
    expect(await page.locator('tr[data-service="legacy"] td.change .delta').textContent()).toMatch(/^first snapshot \d{2}-\d{2}$/);
    const bad = await page.goto(`${dashboard.url}?days=5`);
    expect(bad!.status()).toBe(400);
    expect(await page.textContent('main')).toContain('days: expected 7, 14 or 30 (days)');
    // The browser logs the 400 it was asked to load; nothing else.
    expect(problems).toEqual([expect.stringMatching(/status of 400/)]);
    problems.length = 0;
  });

  it('draws the SLA breaches and days to remediate on the week panel, legible at 1440 and 390 px', async () => {
    await page.goto(dashboard.url);
    const sla = page.locator('figure[data-chart="sla-breaches"]');
    const mttr = page.locator('figure[data-chart="mttr"]');
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await sla.isVisible()).toBe(true);
      expect(await mttr.isVisible()).toBe(true);
      expect(await sla.locator('rect[data-day]').count()).toBe(91);
      // The history is 30 days: bars for its 5 weeks, the weeks before shaded, not drawn as zero.
      expect(await mttr.locator('g.week-bar').count()).toBe(5);
      expect(await sla.locator('rect[data-breaches=""]').count()).toBe(61);
      expect(await sla.locator('.no-data').isVisible()).toBe(true);
      const ticks = await textBoxes('figure[data-chart="sla-breaches"] .tick.x');
      expect(Math.min(...ticks.heights), `tick text at ${width} px`).toBeGreaterThanOrEqual(9);
      expect(ticks.overlaps).toBe(0);
      const bars = await textBoxes('figure[data-chart="mttr"] .tick.x');
      expect(bars.overlaps).toBe(0);
      await page.locator('.remediation').screenshot({ path: join(SCREENSHOTS, `week-remediation-${width}.png`) });
    }
    // Today's point is the SLA breaches now.
    const today = await sla.locator('rect[data-day]').last().getAttribute('data-breaches');
    expect(today).toBe(await page.locator('section.week [data-kind="sla"] strong').textContent());
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(problems).toEqual([]);
  });

  it("keeps the service page's 90-day chart readable: few drawn points, labels apart, a compact chart at 390 px", async () => {
    await page.goto(`${dashboard.url}services/payments`);
    expect(await page.locator('p.service-change .delta').textContent()).toMatch(/fewer open|more open|no change/);
    await page.setViewportSize({ width: 1440, height: 900 });
    const wide = page.locator('svg.posture-chart.wide');
    const compact = page.locator('svg.posture-chart.compact');
    expect(await wide.isVisible()).toBe(true);
    expect(await compact.isVisible()).toBe(false);
    const drawn = (await page.evaluate(
      "[...document.querySelectorAll('svg.posture-chart.wide circle')].filter((c) => getComputedStyle(c).opacity !== '0').length",
    )) as number;
    // A hover column a day (30 days of history) for the values; dots only where one of the 4 bands moves.
    const days = await wide.locator('.days rect[data-day]').count();
    expect(days).toBe(30);
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan((days * 4) / 2);
    const wideTicks = await textBoxes('svg.posture-chart.wide .tick.x');
    expect(wideTicks.overlaps).toBe(0);
    expect(Math.min(...wideTicks.heights)).toBeGreaterThanOrEqual(11);
    await page.locator('figure.chart').screenshot({ path: join(SCREENSHOTS, 'week-chart-1440.png') });
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await wide.isVisible()).toBe(false);
    expect(await compact.isVisible()).toBe(true);
    const small = await textBoxes('svg.posture-chart.compact .tick');
    // The wide chart at this width drew its 12-unit text about 4 px tall.
    expect(Math.min(...small.heights), 'axis text at 390 px').toBeGreaterThanOrEqual(9);
    expect((await textBoxes('svg.posture-chart.compact .tick.x')).overlaps).toBe(0);
    await page.locator('figure.chart').screenshot({ path: join(SCREENSHOTS, 'week-chart-390.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(problems).toEqual([]);
  });
});
