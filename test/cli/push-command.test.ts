// `gatehouse push` as a child process against the REAL dashboard (hono + SQLite file) on 127.0.0.1:
// one scan per service, a replay is "already there", and every refusal is exit 4 or 2 with a line
// that says what to fix and never the token.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';

const REPO = new URL('../../', import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-push-'));
let dashboard: RunningDashboard;
let ingestToken = '';

function reportFile(name: string, patch: Record<string, unknown> = {}): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ ...fixture, kind: 'snapshot', scanId: 'laptop-7', ...patch }));
  return file;
}

function push(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'push', ...args], {
    cwd: REPO,
    reject: false,
    env: { PATH: process.env.PATH ?? '', ...env },
    extendEnv: false,
  });
}

beforeAll(async () => {
  dashboard = await startDashboard({ db: join(dir, 'gatehouse.db'), port: 0, adminToken: 'admin-token-for-tests-0123456789', print: () => undefined, logger: createMemoryLogger(), warmPagesOnStart: 0 });
  ingestToken = (await dashboard.store.createToken({ role: 'ingest', label: 'laptop' })).token;
});
afterAll(async () => dashboard.close());

describe('gatehouse push', () => {
  it('sends one scan per service, named <scan id>/<service>; pushing the file again adds nothing', async () => {
    const file = reportFile('two-services.json');
    const first = await push([file, '--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toBe(`pushed 2 services to ${new URL(dashboard.url).origin}: 2 new, 0 already there`);
    expect((await dashboard.store.listScans('payments', 10)).map((s) => s.scanId)).toEqual(['laptop-7/payments']);
    expect((await dashboard.store.listScans('web', 10)).map((s) => s.scanId)).toEqual(['laptop-7/web']);
    expect((await dashboard.store.listFindings({ service: 'web', limit: 10, offset: 0 })).total).toBe(1);

    const again = await push([file], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken, GATEHOUSE_DASHBOARD_URL: dashboard.url });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 new, 2 already there');
    expect(await dashboard.store.listScans('web', 10)).toHaveLength(1);
  });

  it('a token the dashboard refuses is exit 4, with the status and what to check, and no token in the output', async () => {
    const wrong = 'gh-wrong-token-abcdef0123456789';
    const r = await push([reportFile('refused.json', { scanId: 'laptop-8' }), '--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: wrong });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/^gatehouse push: the dashboard refused the scan of payments: HTTP 401/m);
    expect(r.stderr).toContain('check the dashboard token');
    expect(`${r.stdout}${r.stderr}`).not.toContain(wrong);
  });

  it('a token scoped to other services is exit 4 naming the service', async () => {
    const scoped = (await dashboard.store.createToken({ role: 'ingest', label: 'web only', services: ['web'] })).token;
    const r = await push([reportFile('scoped.json', { scanId: 'laptop-9' }), '--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: scoped });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('HTTP 403');
    expect(r.stderr).toContain('payments');
  });

  it('a dashboard that does not answer is exit 4 after the retries, not a hang or a crash', async () => {
    // A port that was free a moment ago: connection refused.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await push([reportFile('down.json', { scanId: 'laptop-10' }), '--dashboard', `http://127.0.0.1:${port}`, '--retries', '0'], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/failed after 1 attempts: .*fetch failed/);
    expect(r.stderr).not.toContain(ingestToken);
  });

  it.each([
    ['no token', (file: string) => [file, '--dashboard', 'https://dash.example'], {}, 'GATEHOUSE_DASHBOARD_TOKEN'],
    ['no dashboard', (file: string) => [file], { GATEHOUSE_DASHBOARD_TOKEN: 't' }, '--dashboard URL or GATEHOUSE_DASHBOARD_URL'],
    ['plain http to another machine', (file: string) => [file, '--dashboard', 'http://dash.example'], { GATEHOUSE_DASHBOARD_TOKEN: 't' }, 'plain http to dash.example would send the token in clear'],
    ['credentials in the URL', (file: string) => [file, '--dashboard', 'https://u:pw@dash.example'], { GATEHOUSE_DASHBOARD_TOKEN: 't' }, 'must not carry credentials'],
    ['a bad --retries', (file: string) => [file, '--dashboard', 'https://dash.example', '--retries', 'many'], { GATEHOUSE_DASHBOARD_TOKEN: 't' }, '--retries: expected a whole number'],
    ['two files', (file: string) => [file, file, '--dashboard', 'https://dash.example'], { GATEHOUSE_DASHBOARD_TOKEN: 't' }, 'push takes one report file'],
  ])('%s is a usage error (exit 2) naming what is missing', async (_label, args, env, message) => {
    const r = await push(args(reportFile('usage.json')), env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('pw@');
  });

  it('a file that is not a Gatehouse report is exit 2 naming the field, and nothing is sent', async () => {
    const file = reportFile('bad.json', { findings: [{ ...(fixture.findings as object[])[0], severity: 'urgent' }] });
    const r = await push([file, '--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`push: ${file} is not a Gatehouse JSON report (at findings.0.severity:`);
    const missing = await push([join(dir, 'nope.json'), '--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
