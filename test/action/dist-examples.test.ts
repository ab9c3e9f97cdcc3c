// The built action on the example repository (examples/, three services with planted problems) as a
// pull request that adds it all: not one of its planted secret values may reach a GitHub request, the
// PR comment, a log line, a file the action wrote, or the dashboard's SQLite file.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDashboard } from '../../dashboard/server.js';
import { createMemoryLogger } from '../../src/logger.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { startGitHubStandIn } from '../github/stand-in/github-stand-in.js';
import { OWNER, pullRequestEvent, REPO, REPO_ROOT, runDist, type TestRepo } from './harness.js';

const EXAMPLES = path.join(REPO_ROOT, 'examples');

/** The planted values, read from the example files (so the list follows the examples). */
function plantedSecrets(): string[] {
  const read = (p: string) => readFileSync(path.join(EXAMPLES, p), 'utf8');
  const settings = read('services/billing-worker/billing/settings.py');
  const env = read('services/billing-worker/.env');
  const proxy = read('services/edge-proxy/config/proxy.yaml');
  const values = [
    ...[...settings.matchAll(/(?:SECRET_KEY|"PASSWORD"|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)\s*[:=]\s*"([^"]+)"/g)].map((m) => m[1]),
    ...[...env.matchAll(/^[A-Z_]+=(.+)$/gm)].map((m) => m[1]),
    ...[...env.matchAll(/:\/\/[^:]+:([^@]+)@/g)].map((m) => m[1]),
    ...[...proxy.matchAll(/token:\s*(\S+)/g)].map((m) => m[1]),
    // every full line of the PEM body
    ...[...proxy.matchAll(/^\s+([A-Za-z0-9+/]{48,}={0,2})$/gm)].map((m) => m[1]),
  ];
  return [...new Set(values)];
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } })
    .toString()
    .trim();
}

describe('dist/index.js on the example repository', () => {
  it('a PR adding the examples fails the gate, and no planted secret leaks anywhere', async () => {
    const secrets = plantedSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(10);

    // main: only a README; the PR branch: the whole example repository.
    const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-examples-pr-'));
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(dir, 'README.md'), '# shop\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    const baseSha = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'checkout', '-q', '-b', 'feature');
    cpSync(EXAMPLES, dir, { recursive: true });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'add the services');
    const headSha = git(dir, 'rev-parse', 'HEAD');
    const changedFiles = git(dir, 'diff', '--name-only', baseSha, headSha).split('\n');
    const repo = { dir, baseSha, headSha, changedFiles } as TestRepo;

    const dbDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-examples-db-'));
    const dashboard = await startDashboard({ db: path.join(dbDir, 'g.db'), port: 0, adminToken: 'admin-token-examples-0123456789', print: () => undefined, logger: createMemoryLogger() });
    const ingest = (await dashboard.store.createToken({ role: 'ingest', label: 'ci' })).token;
    const standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, pullFiles: { 31: changedFiles } });
    try {
      const run = await runDist({
        repo,
        apiUrl: standIn.url,
        event: pullRequestEvent(repo, { number: 31 }),
        // npm audit may be refused by the registry here (a scanner error): warn, so the run is the same everywhere.
        inputs: { 'github-token': 'tok', 'on-scanner-error': 'warn', 'dashboard-url': dashboard.url, 'dashboard-token': ingest, baseline: 'rescan' },
      });
      expect(run.code, run.stdout).toBe(1);
      expect(standIn.violations).toEqual([]);
      const report = ScanReportSchema.parse(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8')));
      expect(report.services.map((s) => s.name).sort()).toEqual(['(root)', 'billing-worker', 'edge-proxy', 'orders-api']);
      expect(report.findings.some((f) => f.category === 'secret' && f.status === 'introduced')).toBe(true);
      expect(standIn.comments.get(31)).toHaveLength(1);
      expect((await dashboard.store.listScans('billing-worker', 5))).toHaveLength(1);
      await dashboard.close();

      const db = ['g.db', 'g.db-wal'].filter((f) => existsSync(path.join(dbDir, f))).map((f) => readFileSync(path.join(dbDir, f)).toString('latin1')).join('\n');
      const places: [string, string][] = [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
        ['dashboard database', db],
        ...Object.entries(run.files),
        ...standIn.requests.map((r): [string, string] => [`${r.method} ${r.path}`, `${r.path}\n${r.body ?? ''}`]),
        ...[...standIn.comments.values()].flat().map((c): [string, string] => [`comment ${c.id}`, c.body]),
      ];
      for (const secret of secrets) {
        for (const [where, text] of places) expect(text.includes(secret), `${where} holds the planted secret ${secret.slice(0, 4)}…`).toBe(false);
      }
    } finally {
      await standIn.close();
      await dashboard.close().catch(() => undefined);
    }
  });
});
