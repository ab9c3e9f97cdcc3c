// What the dashboard's browser tests share: Debian chromium through playwright-core, a screenshot
// folder, and a page signed in with an admin token through the real login form.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-artifacts/screenshots/', import.meta.url));

/** Why the browser tests cannot run here (no chromium), or undefined; makes the screenshot folder. */
export function browserSetupError(): Error | undefined {
  if (!existsSync(CHROMIUM)) return new Error(`chromium not found at ${CHROMIUM}: the browser tests need Debian chromium (apt-get install -y chromium)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return undefined;
}

export interface SignedInPageOptions {
  /** A script every document runs first (a CSP violation recorder). */
  initScript?: string;
  onConsole: (message: ConsoleMessage) => void;
  onPageError: (error: Error) => void;
}

/** A headless chromium profile in `profileDir`, 1440 x 900, signed in at `dashboardUrl` with `adminToken`. */
export async function openSignedInPage(profileDir: string, dashboardUrl: string, adminToken: string, options: SignedInPageOptions): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (options.initScript) await context.addInitScript({ content: options.initScript });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', options.onConsole);
  page.on('pageerror', options.onPageError);
  await page.goto(`${dashboardUrl}login`);
  await page.fill('#token', adminToken);
  await Promise.all([page.waitForURL(dashboardUrl), page.click('form.stack button[type=submit]')]);
  return { context, page };
}
