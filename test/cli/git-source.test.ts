// A CLI scan names the code it scanned: the commit and branch of the git work tree, read from git,
// so a report pushed to the dashboard shows them like the action's (robot-shop's scan showed "—").
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { gitSource } from '../../src/cli/git-source.js';
import { git, oneServiceRepository } from './one-service-repository.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';

const REPO = new URL('../../', import.meta.url).pathname;

/** A one-service repository on branch `trunk` with one commit. */
const repository = () => oneServiceRepository({ branch: 'trunk', prefix: 'gatehouse-git-source-' });

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
