// The pages in a real browser: Debian chromium driven by playwright-core against a real dashboard
// server on 127.0.0.1 with a temporary SQLite file. The history is ingested through the real HTTP
// API with an ingest token the admin creates on the admin page. Screenshots go to
// test-artifacts/screenshots/ (gitignored) for a human to look at.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../../dashboard/server.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { historyReports, XSS_TITLE } from '../pages/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../../test-artifacts/screenshots/', import.meta.url));
const ADMIN_TOKEN = `gatehouse_browser-test-admin-${process.pid}-0123456789`;

let dir: string;
let dashboard: RunningDashboard;
let context: BrowserContext;
let page: Page;
let setupError: Error | undefined;
const dialogs: string[] = [];
const consoleProblems: string[] = [];

/** Every test calls this first: without chromium each test FAILS (never skips) with the fix. */
function requireBrowser(): void {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    setupError = new Error(`chromium not found at ${CHROMIUM}: the browser tests need Debian chromium (apt-get install -y chromium)`);
    return;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  dashboard = await startDashboard({
    db: join(dir, 'dashboard.db'),
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN_TOKEN,
    logger: createMemoryLogger(),
    print: () => {},
  });
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Injected by the driver (not the page), so it is not itself subject to the page's CSP.
  // (A string: the tests compile without the DOM typings.)
  await context.addInitScript({
    content:
      "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    // The deliberate wrong-token sign-in answers 401; chromium logs that as a resource error.
    const expected401 = /status of 401/.test(m.text()) && m.location().url.endsWith('/login');
    if ((m.type() === 'error' && !expected401) || /Content Security Policy|Refused to/i.test(m.text())) {
      consoleProblems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
    }
  });
  page.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function cspViolations(): Promise<string[]> {
  return (await page.evaluate('window.__cspViolations')) as string[];
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('dashboard in chromium', { timeout: 120_000 }, () => {
  it('sends a signed-out visitor to the login page and signs in with a token', async () => {
    requireBrowser();
    await page.goto(dashboard.url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot('login');
    await page.fill('#token', 'gatehouse_wrong-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.alert.error')).toContain('Unknown, revoked or expired token');
    await page.fill('#token', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${dashboard.url}`), page.click('form.stack button[type=submit]')]);
    expect(await page.textContent('h1')).toBe('Services');
    const cookies = await context.cookies(dashboard.url);
    const session = cookies.find((c) => c.name === 'gatehouse_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('creates an ingest token on the admin page and ingests a history through the HTTP API', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}admin`);
    await page.fill('input[name=label]', 'ci (browser test)');
    await page.selectOption('select[name=role]', 'ingest');
    await page.click('form.inline-form button[type=submit]');
    const token = await page.inputValue('input[aria-label="new token"]');
    expect(token).toMatch(/^gatehouse_/);
    await shot('admin-new-token');

    for (const report of historyReports(new Date())) {
      const res = await fetch(`${dashboard.url}api/v1/scans`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(report),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  });

  it('renders the overview with every service, sparklines and the stale marker', async () => {
    requireBrowser();
    await page.goto(dashboard.url);
    expect(await page.locator('table.overview tbody tr').count()).toBe(3);
    expect(await page.locator('table.overview svg.sparkline polyline').count()).toBe(3);
    expect(await page.locator('tr[data-service="legacy"] .stale-marker').isVisible()).toBe(true);
    expect(await page.locator('tr[data-service="payments"] .gate-failed').isVisible()).toBe(true);
    const box = await page.locator('tr[data-service="payments"] svg.sparkline').boundingBox();
    expect(box!.width).toBeGreaterThan(50);
    await shot('overview');
  });

  it('draws the service chart with its data points and filters the findings table', async () => {
    requireBrowser();
    await page.click('a[href="/services/payments"]');
    await page.waitForURL(/\/services\/payments$/);
    const chart = page.locator('svg.posture-chart.wide');
    expect(await chart.isVisible()).toBe(true);
    expect((await chart.boundingBox())!.width).toBeGreaterThan(800);
    // the default 90-day window: 30 days of history, a hover column each; before that, no data
    expect(await page.locator('svg.posture-chart.wide .days rect[data-day]').count()).toBe(30);
    expect(await page.textContent('svg.posture-chart.wide .no-data')).toMatch(/^no scans before \d{4}-\d{2}-\d{2}$/);
    const today = new Date().toISOString().slice(0, 10);
    const todayColumn = page.locator(`svg.posture-chart.wide .days rect[data-day="${today}"]`);
    expect(await todayColumn.getAttribute('data-critical')).toBe('2');
    // Its tooltip gives every severity's count; hovering the column shows where it is.
    expect(await todayColumn.locator('title').textContent()).toMatch(new RegExp(`^${today} — \\d+ open \\(critical: 2, high: \\d+`));
    await todayColumn.hover();
    expect(await page.evaluate(`getComputedStyle(document.querySelector('svg.posture-chart.wide .days rect[data-day="${today}"]')).fill`)).not.toMatch(/^(transparent|rgba\(0, 0, 0, 0\))$/);
    expect(await page.locator('table.findings tbody tr').count()).toBe(7);
    await shot('service');

    await page.selectOption('select[name=severity]', 'high');
    await Promise.all([page.waitForURL(/severity=high/), page.click('form.filters button[type=submit]')]);
    const severities = await page.locator('table.findings tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity')));
    expect(severities).toEqual(['high', 'high']);
    await page.goto(`${dashboard.url}services/payments?days=30`);
    expect(await page.locator('svg.posture-chart.wide .days rect[data-day]').count()).toBe(30);
    await shot('service-30-days');
  });

  it('shows an XSS payload in a finding title as text, and no dialog fires', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}services/payments`);
    await page.click('table.findings a:has-text("<script>alert(1)</script>")');
    await page.waitForURL(/\/findings\/fp-payments-099$/);
    expect(await page.textContent('.finding-title-text')).toBe(XSS_TITLE);
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.locator('main img[src="x"]').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await shot('finding-xss');
    await page.goto(`${dashboard.url}services/payments/findings/fp-payments-098`);
    expect(await page.textContent('.panel:has(h2:text("Suppression"))')).toContain('alice');
    await shot('finding-suppressed');
  });

  it('shows the audit log to the admin and logs out', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}admin`);
    const audit = await page.textContent('table.audit');
    expect(audit).toContain('token.create');
    expect(audit).toContain('session.login');
    await shot('admin');
    await Promise.all([page.waitForURL(/\/login\?bye/), page.click('form.logout button')]);
    await page.goto(dashboard.url);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('saw no CSP violation, console error or dialog on any page', async () => {
    requireBrowser();
    expect(await cspViolations()).toEqual([]);
    expect(consoleProblems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
