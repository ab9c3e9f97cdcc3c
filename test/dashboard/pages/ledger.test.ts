// Issue 9: the coverage ledger on the dashboard. A report's service x scanner pairs that did not run
// (not applicable, skipped) are kept with the scan and shown, with why, on the service page's scans,
// beside the failed runs; old rows without them still read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../dashboard/store/store.js';
import { ScanReportSchema } from '../../../src/report/scan-report.js';
import { finding, snapshot } from './fixtures.js';
import { get, login, NOW, pageApp } from './harness.js';

let dir: string;
let close: () => Promise<void>;
let html: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-ledger-page-'));
  const store = await openStore(join(dir, 'dashboard.db'));
  close = async () => store.close();
  const base = snapshot('payments', new Date(NOW.getTime() - 3600_000), [finding('payments', 1, 'high')]);
  const upgraded = ScanReportSchema.parse(base);
  const report = ScanReportSchema.parse({
    ...upgraded,
    scanners: [
      ...upgraded.scanners,
      { scanner: 'semgrep', tool: 'semgrep', category: 'sast', service: 'payments', status: 'error', durationMs: 10, findingCount: 0, error: 'semgrep is not installed', toolErrors: [] },
    ],
    coverage: {
      ...upgraded.coverage,
      scanners: [
        { service: 'payments', scanner: 'trivy-fs', category: 'dependency', state: 'ran' },
        { service: 'payments', scanner: 'npm-audit', category: 'dependency', state: 'not-applicable', reason: 'nothing to audit: no package-lock.json at the service root' },
        { service: 'payments', scanner: 'trivy-image', category: 'container', state: 'not-applicable', reason: 'no image configured (services[].image)' },
      ],
    },
  });
  await store.ingestScan(report, 'test');
  const app = pageApp(store);
  const { cookie } = await login(app, (await store.createToken({ role: 'viewer', label: 'v' })).token);
  html = (await get(app, '/services/payments', cookie)).html;
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the coverage ledger on the service page', () => {
  it('shows the scanners that did not run for the service, with why, beside the failed ones', () => {
    expect(html).toContain('semgrep: semgrep is not installed');
    expect(html).toContain('npm-audit not applicable: nothing to audit: no package-lock.json at the service root');
    expect(html).toContain('trivy-image not applicable: no image configured (services[].image)');
  });
});
