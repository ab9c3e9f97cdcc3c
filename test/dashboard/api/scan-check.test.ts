// POST /api/v1/scans/check: a push asks it before sending any service of a report, so a report with
// one service of another repository is refused whole (retail-store's push, refused at its "cart",
// had left its "app" stored). The answer is the ingest's own rule, on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardPushError, pushScanReports } from '../../../src/push/client.js';
import { createMemoryLogger } from '../../../src/logger.js';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { BACKENDS } from '../store/backends.js';
import { day, makeReport, type ReportSpec } from '../store/report-builder.js';
import { ADMIN_TOKEN, startTestDashboardOn, type TestDashboard } from './harness.js';

function from(repository: string, spec: ReportSpec): ScanReport {
  const r = makeReport(spec);
  return { ...r, source: { ...r.source, repository } };
}

describe.each(BACKENDS)('the check before a push (%s)', (backend) => {
  let t: TestDashboard;
  let ingest = '';
  let scoped = '';
  const check = (body: unknown, token = ingest) => t.call('POST', '/api/v1/scans/check', { token, body });

  beforeAll(async () => {
    t = await startTestDashboardOn(backend, { warmPagesOnStart: 0 });
    ingest = (await t.dash.store.createToken({ role: 'ingest', label: 'ci' })).token;
    scoped = (await t.dash.store.createToken({ role: 'ingest', label: 'cart-only', services: ['cart'] })).token;
    // acme/shop's "(root)" and "cart"; a scan naming no repository leaves "legacy" to nobody.
    const res = await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: from('acme/shop', { scanId: 's1', createdAt: day('2026-11-01'), services: ['(root)', 'cart'], findings: [{ fp: 'root1', service: '(root)' }, { fp: 'cart1', service: 'cart' }] }) });
    expect(res.status, await res.clone().text()).toBe(201);
    const legacy = makeReport({ scanId: 'l1', createdAt: day('2026-11-01'), services: ['legacy'] });
    const { repository: _none, ...source } = legacy.source;
    expect((await t.call('POST', '/api/v1/scans', { token: ADMIN_TOKEN, body: { ...legacy, source } })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('409 naming the service and both repositories when one belongs to another repository; 200 otherwise', async () => {
    const refused = await check({ repository: 'acme/billing', services: ['app', 'cart', '(root)'] });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: string; field: string };
    expect(body.field).toBe('source.repository');
    // The first service (by name) that belongs elsewhere, as POST /scans names it.
    expect(body.error).toContain('source.repository "acme/billing" is not the repository of service "(root)" ("acme/shop")');
    expect(await (await check({ repository: 'acme/shop', services: ['cart', '(root)', 'new-one', 'legacy'] })).json()).toEqual({
      status: 'ok',
      repository: 'acme/shop',
      services: ['(root)', 'cart', 'legacy', 'new-one'],
    });
    expect((await check({ repository: 'acme/billing', services: ['app', 'legacy'] })).status).toBe(200);
    // Nothing was written by asking.
    expect(await t.dash.store.listScans('app', 10)).toEqual([]);
  });

  it('answers only for what the credential may ingest, and refuses a bad body naming the field', async () => {
    expect((await check({ repository: 'acme/shop', services: ['cart'] }, scoped)).status).toBe(200);
    const outside = await check({ repository: 'acme/shop', services: ['cart', '(root)'] }, scoped);
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as { field: string }).field).toBe('services');
    expect((await check({ repository: 'acme/shop', services: ['cart'] }, 'not-a-token')).status).toBe(401);
    const bad = await check({ repository: 'acme/shop', services: [] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('services');
    const badName = await check({ repository: 'acme/shop', services: ['a/../b'] });
    expect(badName.status).toBe(400);
    expect(((await badName.json()) as { field: string }).field).toBe('services.0');
    expect((await t.call('POST', '/api/v1/scans/check', { token: ingest, rawBody: '{' })).status).toBe(400);
  });

  it("a push of another repository's report sends no service: the one before the refused one is not stored either", async () => {
    const billing = from('acme/billing', { scanId: 'b1', createdAt: day('2026-11-02'), services: ['app', 'cart'], findings: [{ fp: 'app1', service: 'app' }] });
    const err = await pushScanReports(billing, (s) => `b1/${s}`, { dashboardUrl: t.base, auth: { kind: 'token', token: ingest }, logger: createMemoryLogger(), retries: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DashboardPushError);
    expect((err as Error).message).toContain('no service of it was sent: HTTP 409: source.repository "acme/billing" is not the repository of service "cart" ("acme/shop")');
    expect(await t.dash.store.listScans('app', 10)).toEqual([]);
    expect((await t.dash.store.listFindings({ service: 'cart', state: 'fixed', limit: 10, offset: 0 })).total).toBe(0);
  });
});
