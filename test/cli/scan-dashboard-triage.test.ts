// `gatehouse scan --dashboard URL`: the CLI's gate obeys the dashboard's triage decisions, as the
// action's does. Before, only the action read them: a finding decided a false positive on the
// dashboard still failed every CLI scan (GitLab, Jenkins, a laptop). A real git repository, the
// real CLI in a child process, a real dashboard on 127.0.0.1 and the decision made over its API.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneFindingConfig } from './one-service-repository.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';

const REPO = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-scan-triage-'));
const root = join(dir, 'shop');
let dashboard: RunningDashboard;
let ingestToken = '';
let triagerToken = '';

function git(...args: string[]): void {
  execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args]);
}

/** The real CLI; `env` adds to a bare PATH (no GATEHOUSE_* variable of this process leaks in). */
function cli(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    reject: false,
    env: { PATH: process.env.PATH ?? '', ...env },
    extendEnv: false,
  });
}

/** A scan of the repository to `<dir>/<name>.json`: its exit code, stderr and report. */
async function scan(name: string, args: string[], env: Record<string, string> = {}) {
  const file = join(dir, `${name}.json`);
  const r = await cli(['scan', root, '--format', 'json', '--output', file, ...args], env);
  const report = r.exitCode === 0 || r.exitCode === 1 ? ScanReportSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
  return { exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout, report, file };
}

let fingerprint = '';

beforeAll(async () => {
  // One high finding (a fake SARIF scanner) in the root service of a repository named by its remote.
  execFileSync('mkdir', ['-p', root]);
  writeFileSync(join(root, 'Dockerfile'), 'FROM node\n');
  oneFindingConfig(root, join(dir, 'finding.sarif'));
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', root]);
  git('remote', 'add', 'origin', 'https://github.com/acme/shop.git');
  git('add', '.');
  git('commit', '--quiet', '-m', 'one');

  dashboard = await startDashboard({ db: join(dir, 'gatehouse.db'), port: 0, adminToken: 'admin-token-for-tests-0123456789', print: () => undefined, logger: createMemoryLogger(), warmPagesOnStart: 0 });
  ingestToken = (await dashboard.store.createToken({ role: 'ingest', label: 'ci', services: ['shop'] })).token;
  triagerToken = (await dashboard.store.createToken({ role: 'triager', label: 'dana' })).token;

  // The first scan fails its gate and is pushed, as a CI job does.
  const first = await scan('first', []);
  expect(first.exitCode, first.stderr).toBe(1);
  const pushed = await cli(['push', first.file, '--dashboard', dashboard.url, '--retries', '0'], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
  expect(pushed.exitCode, pushed.stderr).toBe(0);
  fingerprint = first.report!.findings[0]!.fingerprint;

  // Dana decides it a false positive on the dashboard, over its API.
  const decided = await fetch(new URL('/api/v1/triage', dashboard.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${triagerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'shop', fingerprint, status: 'false_positive', reason: 'the base image is pinned upstream' }),
  });
  expect(decided.status, await decided.clone().text()).toBe(200);
}, 240_000);
afterAll(async () => dashboard?.close());

describe('gatehouse scan with the dashboard', () => {
  it('--dashboard: the decided finding is suppressed by the dashboard, the gate passes (exit 0), the token printed nowhere', async () => {
    const r = await scan('decided', ['--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('dashboard triage: 1 decision(s) in force');
    const finding = r.report!.findings.find((f) => f.fingerprint === fingerprint)!;
    expect(finding.status).toBe('suppressed');
    expect(finding.suppression).toMatchObject({ source: 'dashboard' });
    expect(finding.suppression?.decidedBy).toContain('dana');
    expect(r.report!.gate.outcome).toBe('passed');
    expect(`${r.stdout}${r.stderr}${readFileSync(r.file, 'utf8')}`).not.toContain(ingestToken);
    // The text report says why the gate passed: the decision, its reason and who made it.
    const text = await cli(['scan', root, '--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain('Triaged on the dashboard (1; the gate does not count them)');
    expect(text.stdout).toMatch(/false positive: the base image is pinned upstream \| decided by .*dana/);
  }, 120_000);

  it('without --dashboard, every finding counts (exit 1), even with GATEHOUSE_DASHBOARD_URL set for a later push', async () => {
    const without = await scan('without', [], { GATEHOUSE_DASHBOARD_URL: dashboard.url, GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(without.exitCode, without.stderr).toBe(1);
    expect(without.stderr).not.toContain('dashboard triage');
  }, 120_000);

  it('a decision cleared on the dashboard counts again at the next scan', async () => {
    const clear = (method: 'DELETE' | 'POST', body: object) =>
      fetch(new URL('/api/v1/triage', dashboard.url), { method, headers: { authorization: `Bearer ${triagerToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await clear('DELETE', { service: 'shop', fingerprint })).status).toBe(200);
    const r = await scan('cleared', ['--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain('dashboard triage: 0 decision(s) in force');
    expect((await clear('POST', { service: 'shop', fingerprint, status: 'false_positive', reason: 'the base image is pinned upstream' })).status).toBe(200);
  }, 120_000);

  it('a dashboard that refuses the token: a warning naming the failure, every finding counts (exit 1), the token printed nowhere', async () => {
    const wrong = 'gh-ingest-not-a-real-token-0123456789';
    const r = await scan('refused', ['--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: wrong });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain('reading the triage decisions from the dashboard failed (the gate counts every finding): GET /api/v1/triage: HTTP 401');
    expect(`${r.stdout}${r.stderr}`).not.toContain(wrong);
  }, 120_000);

  it('--dashboard without a token, or with one no header can carry, is a usage error (exit 2) before any scan, the token never echoed', async () => {
    const missing = await scan('no-token', ['--dashboard', dashboard.url]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--dashboard needs a dashboard token in GATEHOUSE_DASHBOARD_TOKEN');
    const broken = 'tok-first-half\ntok-second-half-0123456789';
    const r = await scan('bad-token', ['--dashboard', dashboard.url], { GATEHOUSE_DASHBOARD_TOKEN: broken });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('GATEHOUSE_DASHBOARD_TOKEN holds a character no token has');
    expect(r.stderr).not.toContain('tok-second-half');
    expect(r.stderr).not.toContain('scanners');
  }, 120_000);

  it('--dashboard over plain http to another host is refused before any scan (exit 2): the token would travel in clear', async () => {
    const r = await scan('http', ['--dashboard', 'http://dashboard.example.com'], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('plain http to dashboard.example.com would send the token in clear');
    expect((await scan('empty', ['--dashboard', ''], { GATEHOUSE_DASHBOARD_TOKEN: ingestToken })).stderr).toContain('--dashboard: expected the dashboard URL');
  }, 60_000);
});
