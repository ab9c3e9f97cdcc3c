// review21's hole end to end: two repositories each have a service "api" (each repository's root
// service is its own, `<name>-root`, but names like `api` repeat); the second repository's report,
// pushed with the real CLI (a child process) to a real dashboard (hono + SQLite file), is refused
// with HTTP 409 naming source.repository, exit 4 and what to do, and nothing of it is stored;
// `--move-repository` moves the service and the audit log says who did.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';

const REPO = new URL('../../', import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8')) as Record<string, unknown> & {
  findings: { service: string }[];
  scanners: { service: string }[];
};
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-repo-'));
let dashboard: RunningDashboard;
let ingestToken = '';

/** A tiny snapshot of one repository's service "api", with one finding of the fixture moved to it. */
function apiReport(name: string, repository: string, scanId: string): string {
  const file = join(dir, name);
  const finding = { ...fixture.findings[0], service: 'api' };
  const scanner = { ...fixture.scanners.find((s) => s.service === fixture.findings[0].service)!, service: 'api', findingCount: 1 };
  writeFileSync(
    file,
    JSON.stringify({
      ...fixture,
      kind: 'snapshot',
      scanId,
      source: { repository, ref: 'refs/heads/main', commit: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e' },
      services: [{ name: 'api', path: 'api' }],
      scanners: [scanner],
      findings: [finding],
      fixed: [],
    }),
  );
  return file;
}

function push(args: string[]) {
  return execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'push', ...args, '--dashboard', dashboard.url, '--retries', '0'], {
    cwd: REPO,
    reject: false,
    env: { PATH: process.env.PATH ?? '', GATEHOUSE_DASHBOARD_TOKEN: ingestToken },
    extendEnv: false,
  });
}

beforeAll(async () => {
  dashboard = await startDashboard({ db: join(dir, 'gatehouse.db'), port: 0, adminToken: 'admin-token-for-tests-0123456789', print: () => undefined, logger: createMemoryLogger(), warmPagesOnStart: 0 });
  ingestToken = (await dashboard.store.createToken({ role: 'ingest', label: 'ci' })).token;
});
afterAll(async () => dashboard.close());

describe('a service name two repositories share', () => {
  it('refuses the second repository: HTTP 409 naming source.repository, push exit 4 with what to do, nothing stored', async () => {
    const first = await push([apiReport('shop.json', 'acme/shop', 'shop-1')]);
    expect(first.exitCode).toBe(0);
    const before = await dashboard.store.listScans('api', 10);
    const open = (await dashboard.store.listFindings({ service: 'api', state: 'open', limit: 10, offset: 0 })).total;

    const billing = apiReport('billing.json', 'acme/billing', 'billing-1');
    // The HTTP answer itself.
    const res = await fetch(new URL('api/v1/scans', dashboard.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...JSON.parse(readFileSync(billing, 'utf8')), scanId: 'billing-1/api' }),
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: string; field: string };
    expect(body.field).toBe('source.repository');
    expect(body.error).toContain('"acme/billing"');
    expect(body.error).toContain('"acme/shop"');
    expect(body.error).toContain('"api"');

    // The push CLI: exit 4 (the dashboard refused the report), the whole message, never "already there".
    const second = await push([billing]);
    expect(second.exitCode).toBe(4);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('gatehouse push: the dashboard refused the scan of api: HTTP 409: source.repository "acme/billing" is not the repository of service "api" ("acme/shop")');
    expect(second.stderr).toContain("services[].name");
    expect(second.stderr).toContain('--move-repository');
    expect(second.stderr).toContain('(field source.repository)');
    expect(second.stderr).not.toContain(ingestToken);
    expect(await dashboard.store.listScans('api', 10)).toEqual(before);
    expect((await dashboard.store.listFindings({ service: 'api', state: 'open', limit: 10, offset: 0 })).total).toBe(open);
    expect((await dashboard.store.listFindings({ service: 'api', state: 'fixed', limit: 10, offset: 0 })).total).toBe(0);
  });

  it('--move-repository moves the service (a renamed repository), audited; pushing it again is already there', async () => {
    const renamed = apiReport('renamed.json', 'acme/shop-2', 'renamed-1');
    const moved = await push([renamed, '--move-repository']);
    expect(moved.exitCode).toBe(0);
    expect(moved.stdout).toContain('1 new, 0 already there');
    const audit = await dashboard.store.listAudit(10, 'service.move-repository');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: expect.stringContaining('ci'), detail: { service: 'api', from: 'acme/shop', to: 'acme/shop-2', scanId: 'renamed-1/api' } });
    const again = await push([renamed, '--move-repository']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('0 new, 1 already there');
    expect(await dashboard.store.listAudit(10, 'service.move-repository')).toHaveLength(1);
    // The old name of the repository is now the stranger.
    expect((await push([apiReport('old.json', 'acme/shop', 'shop-2')])).exitCode).toBe(4);
  });

  it('refuses a moveRepository that is not true or false (zod, field named)', async () => {
    const res = await fetch(new URL('api/v1/scans?moveRepository=yes', dashboard.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      body: readFileSync(apiReport('x.json', 'acme/shop-2', 'x-1'), 'utf8'),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe('moveRepository');
  });
});
