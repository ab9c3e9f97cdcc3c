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

beforeAll(async () => {
  const setupError = browserSetupError();
  if (setupError) throw setupError;
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-week-browser-'));
  dashboard = await startDashboard({ db: join(dir, 'dashboard.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, logger: createMemoryLogger(), print: () => {} });
  for (const report of historyReports(new Date())) {
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
