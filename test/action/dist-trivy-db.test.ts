// The built action with trivy's vulnerability DB unreachable on every registry (a stand-in trivy
// on PATH prints the TOOMANYREQUESTS / connection-reset / DENIED errors users report) and a local
// cache folder: a 31 h old cached DB is used and said in the comment, the job summary and the JSON
// report; an 80 h old one makes trivy a scanner error (exit 3, fail closed).
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { DB_CACHE_PREFIX } from '../../src/tools/trivy-db-cache.js';
import { startGitHubStandIn, type GitHubStandIn } from '../github/stand-in/github-stand-in.js';
import { createTestRepo, OWNER, pullRequestEvent, REPO, runDist } from './harness.js';

const TOKEN = 'ghs_standInTokenForTests0000000000000';
let standIn: GitHubStandIn | undefined;
afterEach(async () => {
  if (standIn) {
    expect(standIn.violations).toEqual([]);
    await standIn.close();
    standIn = undefined;
  }
});

function trivyWorld(ageHours: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-dist-trivy-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  copyFileSync(new URL('../tools/fixtures/stand-in-trivy.mjs', import.meta.url), path.join(bin, 'trivy'));
  chmodSync(path.join(bin, 'trivy'), 0o755);
  const cache = path.join(dir, 'db-cache', `${DB_CACHE_PREFIX}2026-11-28-00`, 'db');
  mkdirSync(cache, { recursive: true });
  const at = new Date(Date.now() - ageHours * 3_600_000 - 600_000).toISOString();
  writeFileSync(path.join(cache, 'metadata.json'), JSON.stringify({ Version: 2, UpdatedAt: at, DownloadedAt: at }));
  writeFileSync(path.join(cache, 'trivy.db'), 'cached');
  const report = path.join(dir, 'trivy-report.json');
  writeFileSync(report, JSON.stringify({ SchemaVersion: 2, ArtifactName: '.', ArtifactType: 'filesystem', Results: [] }));
  return {
    cacheFolder: path.join(dir, 'db-cache'),
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      STAND_IN_TRIVY_DB: JSON.stringify({ 'mirror.gcr.io/aquasec/trivy-db:2': 'reset', 'ghcr.io/aquasecurity/trivy-db:2': 'toomany', 'public.ecr.aws/aquasecurity/trivy-db:2': 'denied' }),
      STAND_IN_TRIVY_REPORT: report,
    },
  };
}

async function prRun(ageHours: number) {
  const repo = createTestRepo();
  repo.commit({ '.gatehouse.yml': 'version: 1\nservices:\n  - name: api\n    path: services/api\n  - name: web\n    path: services/web\nscanners:\n  dependency: [trivy-fs]\n  secret: []\n' }, 'trivy only');
  const world = trivyWorld(ageHours);
  standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { 7: ['services/web/config.js'] } });
  const run = await runDist({
    repo,
    apiUrl: standIn.url,
    event: pullRequestEvent(repo, { number: 7 }),
    inputs: { 'github-token': TOKEN, 'trivy-db-cache': world.cacheFolder, baseline: 'none' },
    extraEnv: world.env,
  });
  const comments = [...standIn.comments.values()].flat();
  return { run, comments, report: ScanReportSchema.parse(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8'))) };
}

describe('dist/index.js when no registry serves trivy-db', () => {
  it('uses a 31 h old cached DB and says "stale vulnerability DB, 31 h old" in the comment, summary and JSON', async () => {
    const { run, comments, report } = await prRun(31);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(report.scanners.filter((s) => s.tool === 'trivy').every((s) => s.status === 'ok')).toBe(true);
    expect(report.gate.warnings[0]).toMatch(/^trivy: stale vulnerability DB, 31 h old: .*TOOMANYREQUESTS/);
    expect(run.summary).toMatch(/\*\*Warning:\*\* trivy: stale vulnerability DB, 31 h old/);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toMatch(/\*\*Warning:\*\* trivy: stale vulnerability DB, 31 h old/);
    expect(run.stdout).toMatch(/::warning::trivy DB: download from ghcr\.io\/aquasecurity\/trivy-db:2 failed \(TOOMANYREQUESTS\)/);
  });

  it('refuses an 80 h old cached DB: trivy is a scanner error, exit 3, said with the reason', async () => {
    const { run, report } = await prRun(80);
    expect(run.code).toBe(3);
    expect(run.outputs.outcome).toBe('scanner-error');
    const trivy = report.scanners.filter((s) => s.tool === 'trivy');
    expect(trivy.length).toBeGreaterThan(0);
    expect(trivy.every((s) => s.status === 'error' && /older than trivy-db-max-age \(72 h\)/.test(s.error ?? ''))).toBe(true);
  });
});
