// The dashboard ingests ScanReport bodies of version 2 (with the coverage ledger) and still of
// version 1 (engines from before the ledger), against a real server on each store backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_REPORT_VERSION } from '../../../src/report/scan-report.js';
import { BACKENDS } from '../store/backends.js';
import { day, makeReport } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboardOn, type TestDashboard } from './harness.js';

// On each store backend: a temporary SQLite file and a fresh PostgreSQL database.
describe.each(BACKENDS)('%s store', (backend) => {
  let t: TestDashboard;
  beforeAll(async () => {
    t = await startTestDashboardOn(backend);
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('POST /api/v1/scans by report version', () => {
    it('accepts a version 1 body and a version 2 body, and refuses version 3 naming the field', async () => {
      const v2 = makeReport({ scanId: 'v2-scan', createdAt: day('2026-02-01'), findings: [{ fp: 'a' }] });
      expect(v2.version).toBe(SCAN_REPORT_VERSION);
      const { coverage: _ledger, ...rest } = v2;
      const v1 = { ...rest, version: 1, scanId: 'v1-scan', createdAt: day('2026-02-02') };
      const first = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: v1 });
      expect(first.status).toBe(201);
      const second = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: { ...v2, scanId: 'v2-scan-b', createdAt: day('2026-02-03') } });
      expect(second.status).toBe(201);
      const third = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: { ...v1, version: 3, scanId: 'v3' } });
      expect(third.status).toBe(400);
      expect(JSON.stringify(await third.json())).toMatch(/version/);
    });
  });
});
