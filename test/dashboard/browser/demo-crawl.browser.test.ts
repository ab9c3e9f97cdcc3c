// The demo dashboard as a new user meets it, in Chromium (playwright-core): the scan `npm run demo`
// makes of examples/ (the real CLI), its 90-day history through the real ingest API, then
//  - every link on every page is followed: each answers 200, or leaves the dashboard for an https page;
//  - every form on every page: a POST form carries the session's CSRF token (the sign-in form its
//    nonce) and is refused (403) when submitted from the page without it;
//  - the service page's findings and scans tables do not scroll sideways at 390 px (one block per row);
//  - screenshots of the overview, a service page, a finding and the PR view at 1440 and 390 px
//    (test-artifacts/screenshots/demo-*.png, gitignored) for a human to look at.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../../dashboard/demo-seed.js';
import { startDashboard, type RunningDashboard } from '../../../dashboard/server.js';
import { createMemoryLogger } from '../../../src/logger.js';
import { ScanReportSchema, type ScanReport } from '../../../src/report/scan-report.js';
import { browserSetupError, openSignedInPage, SCREENSHOTS } from './chromium-session.js';

const root = join(import.meta.dirname, '..', '..', '..');
const ADMIN_TOKEN = `gatehouse_demo-crawl-admin-${process.pid}-0123456789`;

let dir: string;
let dashboard: RunningDashboard;
let context: BrowserContext;
let page: Page;
let report: ScanReport;
const problems: string[] = [];

beforeAll(async () => {
  const setupError = browserSetupError();
  if (setupError) throw setupError;
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-crawl-'));
  // The demo's own scan of examples/ (exit 1: the gate fails on the planted problems).
  const scan = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scan', 'examples', '--format', 'json', '--output-dir', dir, '--scan-id', 'demo-crawl'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 180_000,
  });
  if (scan.status !== 1) throw new Error(`scan of examples/ exited ${scan.status}: ${scan.stderr.slice(-2000)}`);
  report = ScanReportSchema.parse(JSON.parse(readFileSync(join(dir, 'gatehouse-report.json'), 'utf8')));
  dashboard = await startDashboard({
    db: join(dir, 'dashboard.db'),
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN_TOKEN,
    ingestRateLimit: { perMinute: 100_000 },
    logger: createMemoryLogger(),
    print: () => {},
  });
  await seedDemoHistory(dashboard.url, ADMIN_TOKEN, report, 90);
  ({ context, page } = await openSignedInPage(join(dir, 'profile'), dashboard.url, ADMIN_TOKEN, {
    onConsole: (m) => {
      // The CSRF checks below are refused on purpose (403).
      if ((m.type() === 'error' && !/status of 403/.test(m.text())) || /Content Security Policy|Refused to/i.test(m.text())) problems.push(`${m.type()}: ${m.text()}`);
    },
    onPageError: (e) => problems.push(`pageerror: ${e.message}`),
  }));
}, 300_000);

afterAll(async () => {
  await context?.close();
  await dashboard?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface FormSeen {
  page: string;
  index: number;
  method: string;
  action: string;
  csrf: string | null;
}

/** The links of an HTML page as the browser resolves them (`<a href>` and `<link href>`), without fragments. */
function linksOf(html: string, pageUrl: string): string[] {
  const decode = (v: string) => v.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  return [...html.matchAll(/<(?:a|link)\b[^>]*?\shref="([^"]*)"/g)].map((m) => new URL(decode(m[1]), pageUrl).href.split('#')[0]);
}

/** The route a URL belongs to (one finding page stands for all of them). */
function routeKind(url: string): string {
  return new URL(url).pathname.replace(/\/findings\/[^/]+$/, '/findings/:fp').replace(/^\/services\/[^/]+/, '/services/:service').replace(/^\/vulnerabilities\/.+/, '/vulnerabilities/:id');
}

/**
 * Every URL reachable from the overview, fetched with the signed-in browser's cookies: its status,
 * the page that linked it, the links that leave the dashboard. One page of each route is also opened
 * in chromium, whose links (as the DOM resolves them) and forms are read there; the links read from
 * the HTML must be the same, so the crawl of the rest (over HTTP, ten times faster here) misses none.
 */
async function crawl(): Promise<{ status: Map<string, number>; linkedFrom: Map<string, string>; external: Set<string>; forms: FormSeen[]; rendered: string[] }> {
  const status = new Map<string, number>();
  const linkedFrom = new Map<string, string>();
  const external = new Set<string>();
  const forms: FormSeen[] = [];
  const rendered: string[] = [];
  const queue = [dashboard.url];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (status.has(url)) continue;
    const res = await context.request.get(url, { maxRedirects: 0 });
    status.set(url, res.status());
    if (!(res.headers()['content-type'] ?? '').includes('text/html')) continue;
    const html = await res.text();
    const links = linksOf(html, url);
    // Every POST form of every page (not only the rendered ones) carries the CSRF field.
    for (const form of html.split('<form').slice(1).map((f) => f.slice(0, f.indexOf('</form>')))) {
      if (/^[^>]*method="post"/i.test(form) && !/name="_csrf" value="[^"]+"/.test(form)) forms.push({ page: url, index: -1, method: 'post', action: /action="([^"]*)"/.exec(form)?.[1] ?? '?', csrf: null });
    }
    const kind = routeKind(url);
    if (!rendered.includes(kind)) {
      rendered.push(kind);
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      const inDom = (await page.evaluate("[...document.querySelectorAll('a[href], link[href]')].map((a) => a.href.split('#')[0])")) as string[];
      expect(new Set(links), `links of ${url}`).toEqual(new Set(inDom));
      const onPage = (await page.evaluate(
        "[...document.querySelectorAll('form')].map((f, index) => ({ index, method: (f.getAttribute('method') || 'get').toLowerCase(), action: f.action, csrf: f.querySelector('input[type=hidden][name=_csrf]')?.value ?? null }))",
      )) as Omit<FormSeen, 'page'>[];
      for (const f of onPage) forms.push({ page: url, ...f });
    }
    for (const target of links) {
      if (!target.startsWith(dashboard.url)) {
        external.add(target);
        continue;
      }
      if (!status.has(target) && !queue.includes(target)) {
        queue.push(target);
        linkedFrom.set(target, url);
      }
    }
  }
  return { status, linkedFrom, external, forms, rendered };
}

/** One form per kind of action (a triage form per finding is one kind). */
function formKind(f: FormSeen): string {
  return `${f.method} ${new URL(f.action).pathname
    .replace(/\/services\/[^/]+/, '/services/:service')
    .replace(/\/findings\/[^/]+/, '/findings/:fp')
    .replace(/\/tokens\/[^/]+/, '/tokens/:id')
    .replace(/\/webhooks\/[^/]+/, '/webhooks/:id')}`;
}

/** Submits form `index` of `pageUrl` from the page with its CSRF field removed; the POST's status and page text. */
async function submitWithoutCsrf(pageUrl: string, index: number): Promise<{ status: number; text: string }> {
  await page.goto(pageUrl);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    // form.submit(): no constraint validation, the server must refuse on its own.
    page.evaluate(`{ const form = document.querySelectorAll('form')[${index}]; form.querySelector('input[name=_csrf]')?.remove(); form.submit(); }`),
  ]);
  await page.waitForLoadState();
  return { status: response.status(), text: (await page.locator('main').textContent()) ?? '' };
}

/** A page script listing the tables matching `selector` that scroll inside themselves, and their cells past the screen's right edge. */
function cutCells(selector: string): string {
  return `[...document.querySelectorAll(${JSON.stringify(selector)})].flatMap((table) => {
      const width = document.documentElement.clientWidth;
      const out = [];
      if (table.scrollWidth > table.clientWidth) out.push(table.className + ' scrolls by ' + (table.scrollWidth - table.clientWidth) + ' px');
      for (const cell of table.querySelectorAll('tbody td')) {
        const r = cell.getBoundingClientRect();
        if (r.width > 0 && r.right > width) out.push(table.className + ' cell "' + cell.textContent.trim().slice(0, 30) + '" ends at ' + Math.round(r.right) + ' px');
      }
      return out.slice(0, 5);
    })`;
}

async function shots(name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    expect(overflow, `${name} at ${width} px scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
    // A severity badge or marker is one word on one line ("CRITIC" over "AL" is unreadable).
    const broken = await page.evaluate(
      "[...document.querySelectorAll('.badge, .marker')].filter((e) => { const r = e.getBoundingClientRect(); return r.height > 0 && r.height > parseFloat(getComputedStyle(e).fontSize) * 2.2; }).map((e) => e.textContent.trim() + ' (' + Math.round(e.getBoundingClientRect().height) + ' px high)')",
    );
    expect(broken, `${name} at ${width} px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('the demo dashboard in chromium', { timeout: 600_000 }, () => {
  it('has no dead link and a CSRF token on every form, refused without it', async () => {
    const { status, linkedFrom, external, forms } = await crawl();
    // Every page kind was reached: overview, services, findings, vulnerabilities, PRs, admin, bulk triage, exports.
    const paths = [...status.keys()].map((u) => new URL(u).pathname);
    for (const expected of ['/', '/pulls', '/vulnerabilities', '/admin', '/services/edge-proxy', '/services/(root)', '/services/edge-proxy/triage', '/api/v1/triage/openvex']) {
      expect(paths, expected).toContain(expected);
    }
    expect(paths.some((p) => /^\/services\/[^/]+\/findings\/[^/]+$/.test(p))).toBe(true);
    expect(status.size).toBeGreaterThan(100);
    const dead = [...status].filter(([, s]) => s !== 200).map(([u, s]) => `${s} ${u} (linked from ${linkedFrom.get(u) ?? 'start'})`);
    expect(dead).toEqual([]);
    // Links that leave the dashboard go to advisories and references over https, never to a made-up repository.
    expect([...external].filter((u) => !u.startsWith('https://'))).toEqual([]);
    expect(external.size).toBeGreaterThan(0);

    // Forms: every POST form carries the session's CSRF token; GET forms are filters.
    const posts = forms.filter((f) => f.method === 'post');
    const missing = posts.filter((f) => !f.csrf).map((f) => `${f.method} ${f.action} on ${f.page}`);
    expect(missing).toEqual([]);
    const kinds = new Map<string, FormSeen>();
    for (const f of posts) if (!kinds.has(formKind(f))) kinds.set(formKind(f), f);
    for (const expected of ['post /logout', 'post /services/:service/findings/:fp/triage', 'post /services/:service/triage', 'post /admin/tokens', 'post /admin/tokens/:id/revoke']) {
      expect([...kinds.keys()], expected).toContain(expected);
    }
    for (const [kind, f] of kinds) {
      const refused = await submitWithoutCsrf(f.page, f.index);
      expect(refused.status, `${kind} without its CSRF token`).toBe(403);
      expect(refused.text, kind).toContain('missing or wrong CSRF token');
    }
    // Nothing was done by those refused posts: still signed in, the admin token not revoked.
    await page.goto(`${dashboard.url}admin`);
    expect(page.url()).toBe(`${dashboard.url}admin`);
    expect(await page.locator('main').textContent()).not.toContain('revoked');

    // The sign-in form carries its nonce and is refused without it.
    await page.evaluate(`document.querySelector('form[action="/logout"]').submit()`);
    await page.waitForURL(/\/login/);
    expect(await page.locator('form input[type=hidden][name=_csrf]').getAttribute('value')).toBeTruthy();
    await page.fill('#token', ADMIN_TOKEN);
    const [login] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.evaluate("{ const form = document.querySelector('form'); form.querySelector('input[name=_csrf]')?.remove(); form.submit(); }"),
    ]);
    expect(login.status()).toBe(403);
    await page.waitForLoadState();
    expect(await page.locator('main').textContent()).toContain('Sign-in refused');
    // Sign in again for the next test.
    await page.goto(`${dashboard.url}login`);
    await page.fill('#token', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(dashboard.url), page.click('form.stack button[type=submit]')]);
    expect(problems).toEqual([]);
  });

  it('shows the findings and scans of a service at 390 px without sideways scrolling, and takes the screenshots', async () => {
    await page.goto(dashboard.url);
    await shots('demo-overview');
    await page.goto(`${dashboard.url}services/edge-proxy`);
    await shots('demo-service');
    await page.setViewportSize({ width: 390, height: 900 });
    // Neither table scrolls inside itself, and no cell of theirs reaches past the screen's right edge.
    const cut = await page.evaluate(cutCells('table.findings, table.scans'));
    expect(cut).toEqual([]);
    // Each finding still shows its severity, title, where it is and its SLA date.
    const first = page.locator('table.findings tbody tr').first();
    expect(await first.locator('.badge').count()).toBeGreaterThan(0);
    expect(await first.locator('td[data-label="Where"]').isVisible()).toBe(true);
    expect(await first.locator('td[data-label="SLA due"]').isVisible()).toBe(true);
    await page.setViewportSize({ width: 1440, height: 900 });
    // At 1440 it is a table with its column headers.
    expect(await page.locator('table.findings thead th').first().isVisible()).toBe(true);

    const finding = report.findings.find((f) => f.service === 'edge-proxy' && f.severity === 'critical')!;
    await page.goto(`${dashboard.url}services/edge-proxy/findings/${finding.fingerprint}`);
    await shots('demo-finding');
    await page.goto(`${dashboard.url}pulls`);
    await shots('demo-pulls');
    // The PR view's rows too: its "blocking · triage" link must not be scrolled out of sight.
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate(cutCells('table.pulls'))).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(problems).toEqual([]);
  });
});
