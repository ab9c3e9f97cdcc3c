// A CLI scan names the code it scanned: the commit and branch of the git work tree, read from git,
// so a report pushed to the dashboard shows them like the action's (robot-shop's scan showed "—").
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { gitSource } from '../../src/cli/git-source.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';

const REPO = new URL('../../', import.meta.url).pathname;
const FAKE = new URL('../fixtures/fake-scanner.mjs', import.meta.url).pathname;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
}

/** A one-service repository on branch `trunk` with one commit, scanned by a fake SARIF scanner that finds nothing. */
function repository(): { root: string; commit: string } {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-git-source-'));
  mkdirSync(join(root, 'services/api'), { recursive: true });
  writeFileSync(join(root, 'services/api/package.json'), '{}');
  const sarif = join(root, 'empty.sarif');
  writeFileSync(sarif, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'fake-sast' } }, results: [] }] }));
  const command = JSON.stringify([process.execPath, FAKE, '--print', sarif]);
  writeFileSync(join(root, '.gatehouse.yml'), `scanners:\n  dependency: []\n  secret: []\n  misconfig: []\n  ci: []\n  sarif:\n    - name: fake-sast\n      command: ${command}\n`);
  git(root, 'init', '--quiet', '--initial-branch=trunk');
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', 'one');
  return { root, commit: git(root, 'rev-parse', 'HEAD') };
}

describe('gitSource', () => {
  it('reads the commit and branch, no ref on a detached HEAD, nothing outside git', () => {
    const { root, commit } = repository();
    expect(gitSource(root)).toEqual({ commit, ref: 'refs/heads/trunk' });
    // A folder inside the work tree scans the same commit.
    expect(gitSource(join(root, 'services/api'))).toEqual({ commit, ref: 'refs/heads/trunk' });
    git(root, 'checkout', '--quiet', '--detach');
    expect(gitSource(root)).toEqual({ commit });
    expect(gitSource(mkdtempSync(join(tmpdir(), 'gatehouse-no-git-')))).toEqual({});
  });

  it('puts them in the JSON report of gatehouse scan', async () => {
    const { root, commit } = repository();
    const r = await execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'scan', root, '--format', 'json'], { cwd: REPO, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(ScanReportSchema.parse(JSON.parse(r.stdout)).source).toEqual({ commit, ref: 'refs/heads/trunk' });
  }, 60_000);
});
