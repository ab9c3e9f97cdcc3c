// Issue 15 point 3 in a real browser (Debian chromium via playwright-core) against a real dashboard
// server: a triager (not an admin) opens the PR view, follows a failing PR to what its gate blocked
// on (a finding only that PR has seen), and decides on it by keyboard only; a tampered CSRF token is
// refused; the decision is what the gate's read (GET /api/v1/triage) returns. Screenshots at 1440 and
// 390 px wide (pr-triage-*.png) go to test-artifacts/screenshots/ (gitignored).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../../dashboard/server.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { browserSetupError, openSignedInPage, SCREENSHOTS } from './chromium-session.js';
import { finding, historyReports, snapshot } from '../pages/fixtures.js';

const ADMIN_TOKEN = `gatehouse_browser-prtriage-admin-${process.pid}-0123456789`;

let dir: string;
let dashboard: RunningDashboard;
let context: BrowserContext;
let page: Page;
let setupError: Error | undefined;
const consoleProblems: string[] = [];
let prPath: string;

function requireBrowser(): void {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  setupError = browserSetupError();
  if (setupError) return;
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-prtriage-'));
  dashboard = await startDashboard({ db: join(dir, 'dashboard.db'), port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, logger: createMemoryLogger(), print: () => {} });
  const now = new Date();
  for (const r of historyReports(now)) await dashboard.store.ingestScan(r, 'test');
  // PR #61 brings two findings the default branch never had; its gate blocks on both.
  const fs = [finding('payments', 61, 'critical'), finding('payments', 62, 'high')];
  const r = snapshot('payments', new Date(now.getTime() - 2 * 3600_000), fs, 'pr-61-payments');
  await dashboard.store.ingestScan(
    {
      ...r,
      kind: 'pr',
      source: { ...r.source, pullRequest: 61, ref: 'refs/pull/61/merge', runUrl: 'https://github.com/acme/shop/actions/runs/9061' },
      gate: { ...r.gate, reasons: [{ kind: 'severity', message: 'new critical and high findings', service: 'payments', severity: 'high', fingerprints: fs.map((f) => f.fingerprint) }] },
    },
    'test',
  );
  prPath = '/pulls/payments/pr-61-payments';
  const { token } = await dashboard.store.createToken({ role: 'triager', label: 'appsec triager' });
  ({ context, page } = await openSignedInPage(join(dir, 'profile'), dashboard.url, token, {
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

/** Presses Tab until the focused element matches `selector` (at most `max` times). */
async function tabTo(selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(`document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const gateRead = async () => {
  const { token } = await dashboard.store.createToken({ role: 'ingest', label: 'ci', services: ['payments'] });
  const res = await fetch(`${dashboard.url}api/v1/triage?service=payments`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { decisions: { fingerprint: string; status: string; decidedBy: string; owner: string | null }[] }).decisions;
};

describe('triage from the PR view in chromium', { timeout: 120_000 }, () => {
  it('a triager follows a failing PR to its blocking findings and decides on one by keyboard only', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}pulls`);
    expect(await page.textContent('.whoami .role')).toBe('triager');
    await page.focus('body');
    await tabTo(`a[href="${prPath}"]`);
    await Promise.all([page.waitForURL(new RegExp(`${prPath}$`)), page.keyboard.press('Enter')]);
    expect(await page.textContent('h1')).toContain('acme/shop#61 in payments');
    expect(await page.locator('form.bulk-triage tbody tr').count()).toBe(2);
    await tabTo('input[name=fp][value="fp-payments-061"]');
    await page.keyboard.press('Space');
    expect(await page.isChecked('input[name=fp][value="fp-payments-061"]')).toBe(true);
    await tabTo('#pr-status-false_positive');
    await page.keyboard.press('ArrowRight'); // accepted risk
    expect(await page.isChecked('#pr-status-accepted_risk')).toBe(true);
    await tabTo('#pr-reason');
    await page.keyboard.type('Fix lands in the follow-up PR this week.');
    await tabTo('#pr-owner');
    await page.keyboard.type('payments-team');
    await tabTo('#pr-until');
    await page.keyboard.type('12312099'); // the native date field, month/day/year in an en-US profile
    expect(await page.inputValue('#pr-until')).toBe('2099-12-31');
    await tabTo('form.bulk-triage button[value=set]');
    await Promise.all([page.waitForURL(/op=set&applied=1&missing=0/), page.keyboard.press('Enter')]);
    expect(await page.textContent('.alert.notice')).toContain('Decision applied to 1 finding.');
    const row = page.locator('form.bulk-triage tbody tr', { has: page.locator('input[value="fp-payments-061"]') });
    expect(await row.locator('.triage-badge').textContent()).toBe('accepted risk');
    expect(await gateRead()).toEqual([expect.objectContaining({ fingerprint: 'fp-payments-061', status: 'accepted_risk', decidedBy: 'appsec triager', owner: 'payments-team' })]);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(SCREENSHOTS, `pr-triage-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${dashboard.url}pulls`);
    expect(await page.textContent(`a[href="${prPath}"]`)).toContain('1 of 2 untriaged');
  });

  it('refuses the PR form when its CSRF token was tampered with', async () => {
    requireBrowser();
    await page.goto(`${dashboard.url}${prPath.slice(1)}`);
    await page.evaluate("document.querySelector('form.bulk-triage input[name=_csrf]').value = 'forged'");
    await page.check('input[name=fp][value="fp-payments-062"]');
    await page.fill('#pr-reason', 'x');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/triage') && r.request().method() === 'POST'), page.click('form.bulk-triage button[value=set]')]);
    expect(response.status()).toBe(403);
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Request refused');
    expect((await gateRead()).map((d) => d.fingerprint)).toEqual(['fp-payments-061']);
  });

  it('had no console errors and no CSP violations', () => {
    requireBrowser();
    expect(consoleProblems).toEqual([]);
  });
});
