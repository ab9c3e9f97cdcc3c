// The example repository's PR comment, as a reader sees it: rendered as GitHub-flavoured markdown
// (micromark + GFM) in a real browser (Debian chromium via playwright-core), with screenshots kept
// in test-artifacts/ (git-ignored) for a person to look at.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { loadConfiguredFeeds } from '../../src/enrich/feeds.js';
import { createMemoryLogger } from '../../src/logger.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';
import { runScan } from '../../src/scan.js';

const CHROMIUM = '/usr/bin/chromium';
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const ARTIFACTS = new URL('../../test-artifacts/pr-comment/', import.meta.url).pathname;
const SOURCE = 'https://github.com/acme/shop/blob/0123456789abcdef0123456789abcdef01234567';

async function exampleComment(): Promise<string> {
  const { config, file } = await loadConfig(join(EXAMPLES, '.gatehouse.yml'));
  const feeds = await loadConfiguredFeeds(config.enrich, { baseDir: EXAMPLES, env: { GATEHOUSE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'gh-cache-')) } });
  expect(file).toBeDefined();
  const report = await runScan(
    { repoRoot: EXAMPLES, config, feeds, kind: 'pr', changedFiles: ['services/orders-api/package.json', 'services/orders-api/package-lock.json', 'services/billing-worker/requirements.txt', 'services/billing-worker/billing/settings.py', 'services/billing-worker/.env', 'services/edge-proxy/Dockerfile', 'services/edge-proxy/config/proxy.yaml', 'services/orders-api/src/server.js'], now: new Date('2026-11-24T12:00:00Z') },
    { logger: createMemoryLogger() },
  );
  return renderMarkdown(report, { detailsUrl: 'https://github.com/acme/shop/actions/runs/42', sourceBaseUrl: SOURCE });
}

const PAGE = (body: string) => `<!doctype html><meta charset="utf-8"><style>
body{font:14px -apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;max-width:1000px;margin:24px auto;color:#1f2328;line-height:1.5}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px;vertical-align:top}th{background:#f6f8fa}
a{color:#0969da;text-decoration:none}details{margin:8px 0}summary{cursor:pointer;font-weight:600}h2{border-bottom:1px solid #d1d9e0}
</style>${body}`;

describe('the example repository\'s PR comment', { timeout: 120_000 }, () => {
  it('opens with Fix first (KEV upgrade first), links locations and advisories, and fits GitHub\'s limit', async () => {
    const md = await exampleComment();
    expect(md.length).toBeLessThan(65_536);
    const lines = md.split('\n');
    const fixFirst = lines.slice(lines.indexOf('### Fix first') + 2, lines.indexOf('### Fix first') + 8).filter((l) => /^\d\. /.test(l));
    expect(fixFirst.length).toBeGreaterThan(0);
    expect(fixFirst.length).toBeLessThanOrEqual(5);
    expect(fixFirst[0]).toMatch(/^1\. \*\*Upgrade\*\* jquery 3\.4\.1 → 3\.5\.0: 1 medium, 1 KEV/);
    expect(fixFirst.some((l) => /\*\*Rotate\*\*/.test(l))).toBe(true);
    expect(fixFirst.some((l) => /\*\*Fix\*\*/.test(l))).toBe(true);
    expect(md.indexOf('### Fix first')).toBeLessThan(md.indexOf('**Why the gate failed**'));
    expect(md.indexOf('**Why the gate failed**')).toBeLessThan(md.indexOf('### New findings'));
    // file:line linked to the head commit, advisories to their advisory
    expect(md).toContain(`[services/billing-worker/billing/settings.py:16](${SOURCE}/services/billing-worker/billing/settings.py#L16)`);
    expect(md).toContain('[CVE-2020-11023](https://nvd.nist.gov/vuln/detail/CVE-2020-11023)');
    // KEV and EPSS on the finding; sorted by risk: the KEV finding is the first row of the new findings
    const firstRow = md.slice(md.indexOf('### New findings')).split('\n').find((l) => l.startsWith('| 🟠') || l.startsWith('| 🟣') || l.startsWith('| 🔴'))!;
    expect(firstRow).toContain("🟠 medium<br>**KEV, due 2025-02-13, EPSS 32% \\(p97\\)**");
    // long rule ids shortened in the table, full in the details; repeated fix text said once
    expect(md).toContain('…node-postgres-sqli.node-postgres-sqli');
    expect(md).toContain('javascript.lang.security.audit.sqli.node-postgres-sqli.node-postgres-sqli');
    expect(md.match(/Revoke and rotate this credential/g)).toHaveLength(1);
    // all-zero count columns left out
    const head = lines.find((l) => l.startsWith('| Service | Severity |'))!;
    expect(head).not.toContain('Newly disclosed');
    expect(md).toMatch(/KEV catalog 2025\.08\.25/);
  });

  it('renders in chromium; screenshots in test-artifacts/pr-comment/', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
    const md = await exampleComment();
    const html = micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'comment.md'), md);
    writeFileSync(join(ARTIFACTS, 'comment.html'), PAGE(html));
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.setContent(PAGE(html));
      await page.screenshot({ path: join(ARTIFACTS, 'comment-top.png') });
      // Open every <details> for the full picture.
      await page.evaluate('document.querySelectorAll("details").forEach((d) => d.open = true)');
      await page.screenshot({ path: join(ARTIFACTS, 'comment-full.png'), fullPage: true });
      const headings = await page.locator('h3').allTextContents();
      expect(headings[0]).toBe('Fix first');
      expect(await page.locator('ol > li').count()).toBeLessThanOrEqual(5);
      expect(await page.locator('a[href^="https://nvd.nist.gov/vuln/detail/CVE-2020-11023"]').count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
    expect(existsSync(join(ARTIFACTS, 'comment-top.png'))).toBe(true);
  });
});
