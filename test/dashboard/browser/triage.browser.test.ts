// Triage and the pull-request view in a real browser (Debian chromium via playwright-core) against a
// real dashboard server: a decision set by keyboard only, an accepted risk changed with its history
// shown, a bulk decision, a form whose CSRF token was tampered with, and the PR view. Screenshots at
// 1440 and 390 px wide go to test-artifacts/screenshots/ (gitignored) for a human to look at.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../../dashboard/server.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { browserSetupError, openSignedInPage, SCREENSHOTS } from './chromium-session.js';
import { finding, historyReports, snapshot } from '../pages/fixtures.js';

const ADMIN_TOKEN = `gatehouse_browser-triage-admin-${process.pid}-0123456789`;

let dir: string;
let dashboard: RunningDashboard;
let context: BrowserContext;
let page: Page;
let setupError: Error | undefined;
const consoleProblems: string[] = [];

function requireBrowser(): void {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  setupError = browserSetupError();
  if (setupError) return;
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-triage-'));
  dashboard = await startDashboard({ db: join(dir, 'dashboard.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, logger: createMemoryLogger(), print: () => {} });
  const now = new Date();
  for (const r of historyReports(now)) await dashboard.store.ingestScan(r, 'test');
  // Pull-request scans: #57 fails in payments and passes in orders; #58 passes; #12 (a week ago) fails.
  const pr = (service: string, n: number, hoursAgo: number, findings: ReturnType<typeof finding>[]) => {
    const r = snapshot(service, new Date(now.getTime() - hoursAgo * 3600_000), findings, `pr-${n}-${service}-${hoursAgo}`);
    return { ...r, kind: 'pr' as const, source: { ...r.source, pullRequest: n, ref: `refs/pull/${n}/merge`, commit: `c0ffee${n}${hoursAgo}`.padEnd(40, '0'), runUrl: `https://github.com/acme/shop/actions/runs/${9000 + n}` } };
  };
  await dashboard.store.ingestScan(pr('payments', 57, 5, [finding('payments', 0, 'critical'), finding('payments', 40, 'high')]), 'test');
  await dashboard.store.ingestScan(pr('payments', 57, 2, [finding('payments', 0, 'critical'), finding('payments', 40, 'high'), finding('payments', 41, 'critical')]), 'test');
  await dashboard.store.ingestScan(pr('orders', 57, 2, []), 'test');
  await dashboard.store.ingestScan(pr('orders', 58, 1, []), 'test');
  await dashboard.store.ingestScan(pr('legacy', 12, 24 * 6, [finding('legacy', 1, 'critical')]), 'test');

  ({ context, page } = await openSignedInPage(join(dir, 'profile'), dashboard.url, ADMIN_TOKEN, {
    onConsole: (m) => {
      const expected403 = /status of 403/.test(m.text());
      if ((m.type() === 'error' && !expected403) || /Content Security Policy|Refused to/i.test(m.text())) consoleProblems.push(`${m.type()}: ${m.text()}`);
    },
    onPageError: (e) => consoleProblems.push(`pageerror: ${e.message}`),
  }));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function shots(name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Presses Tab until the focused element matches `selector` (at most `max` times). */
async function tabTo(selector: string, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(`document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const FINDING = 'services/payments/findings/fp-payments-001';

describe('triage in chromium', { timeout: 120_000 }, () => {
  it('sets a decision with the keyboard only: radio arrows, typing, Tab to the select, Enter', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}${FINDING}`);
    expect(await page.textContent('.triage-panel')).toContain('Not triaged');
    await page.focus('#t-status-false_positive');
    await page.keyboard.press('ArrowRight'); // accepted risk
    await page.keyboard.press('ArrowRight'); // not affected
    expect(await page.isChecked('#t-status-not_affected')).toBe(true);
    await tabTo('#t-reason');
    await page.keyboard.type('The vulnerable parser is never loaded by payments.');
    await tabTo('#t-justification');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#t-justification')).toBe('vulnerable_code_not_in_execute_path');
    await tabTo('form.triage-form button[type=submit]');
    await Promise.all([page.waitForURL(/triaged=set/), page.keyboard.press('Enter')]);
    expect(await page.textContent('.triage-panel .alert.notice')).toBe('Decision saved.');
    expect(await page.textContent('.triage-current')).toContain('Vulnerable code not in execute path');
    expect(await page.textContent('.finding-state .state')).toBe('triaged');
  });

  it('changes it to an accepted risk until a date, with its history; the screenshot shows both', async () => {
    requireBrowser();
    await page.check('#t-status-accepted_risk');
    await page.fill('#t-reason', 'Behind the VPN until the parser upgrade ships in Q1.');
    await page.fill('#t-owner', 'payments-team');
    await page.fill('#t-until', '2099-03-31');
    await page.selectOption('#t-justification', '');
    await Promise.all([page.waitForURL(/triaged=set/), page.click('form.triage-form button[type=submit]')]);
    expect(await page.textContent('.triage-current')).toContain('2099-03-31 (then it counts again)');
    const history = await page.locator('.triage-history li').allTextContents();
    expect(history).toHaveLength(2);
    expect(history[0]).toContain('not affected');
    expect(history[1]).toMatch(/accepted risk.*by .*owner payments-team, until 2099-03-31: Behind the VPN/);
    await page.goto(`${dashboard.url}${FINDING}`);
    await shots('finding-triage');
  });

  it('refuses a form whose CSRF token was tampered with', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}services/payments/findings/fp-payments-002`);
    await page.evaluate("document.querySelector('form.triage-form input[name=_csrf]').value = 'forged'");
    await page.fill('#t-reason', 'x');
    await page.click('form.triage-form button[type=submit]');
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Request refused');
    await page.goto(`${dashboard.url}services/payments/findings/fp-payments-002`);
    expect(await page.textContent('.triage-panel')).toContain('Not triaged');
  });

  it('applies one decision to several findings from the bulk list, checked with the keyboard', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}services/payments`);
    await Promise.all([page.waitForURL(/\/services\/payments\/triage$/), page.click('a:has-text("Triage in bulk")')]);
    await page.focus('input[name=fp][value="fp-payments-002"]');
    await page.keyboard.press('Space');
    await page.focus('input[name=fp][value="fp-payments-003"]');
    await page.keyboard.press('Space');
    await page.fill('#bulk-reason', 'Test fixtures, never deployed.');
    await Promise.all([page.waitForURL(/op=set/), page.click('button[name=op][value=set]')]);
    expect(await page.textContent('.alert.notice')).toBe('Decision applied to 2 findings.');
    const badges = await page.locator('table.data tbody tr:has(input[value="fp-payments-003"]) .triage-badge').allTextContents();
    expect(badges).toEqual(['false positive']);
    await page.goto(`${dashboard.url}services/payments`);
    expect(await page.locator('table.findings .triage-badge').count()).toBe(3);
  });

  it('shows the pull requests whose gate fails, per service, apart from the overview', async () => {
    requireBrowser();
    await page.goto(dashboard.url);
    await Promise.all([page.waitForURL(/\/pulls$/), page.click('.topbar a[href="/pulls"]')]);
    expect(await page.locator('.pulls-service h2').allTextContents()).toEqual(['legacy', 'payments']);
    const row = await page.locator('.pulls-service:has(h2:has-text("payments")) tbody tr').allTextContents();
    expect(row).toHaveLength(1);
    expect(row[0]).toContain('acme/shop#57');
    expect(row[0]).toContain('(2 scans)');
    expect(row[0]).toMatch(/2 critical/);
    await shots('pulls');
    await page.click('a:has-text("all")');
    await page.waitForURL(/gate=all/);
    expect(await page.locator('.pulls-service h2').allTextContents()).toEqual(['legacy', 'orders', 'payments']);
    expect(consoleProblems).toEqual([]);
  });
});
