// A CLI scan names the code it scanned: the commit and branch of the git work tree, read from git,
// so a report pushed to the dashboard shows them like the action's (robot-shop's scan showed "—").
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { gitScanRoot, gitSource } from '../../src/cli/git-source.js';
import { actionScanRoot } from '../../src/action/scan-root.js';
import { git, oneServiceRepository } from './one-service-repository.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';

const REPO = new URL('../../', import.meta.url).pathname;

/** A one-service repository on branch `trunk` with one commit. */
const repository = () => oneServiceRepository({ branch: 'trunk', prefix: 'gatehouse-git-source-' });

describe('gitSource', () => {
  it('reads the commit and branch, no ref on a detached HEAD, nothing outside git', () => {
    const { root, commit } = repository();
    expect(gitSource(root)).toEqual({ commit, ref: 'refs/heads/trunk' });
    // A folder inside the work tree scans the same commit, and says which folder it is (source.root).
    expect(gitSource(join(root, 'services/api'))).toEqual({ commit, ref: 'refs/heads/trunk', root: 'services/api' });
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

// A monorepo scanned in parts (one CI job per folder): each report says which folder it ran from, so
// the dashboard retires only services inside it (docs/dashboard.md, "A service that left its repository").
describe('the folder scanned (source.root)', () => {
  it('is git\'s prefix in the report\'s form: "" at the top, the folder below it, nothing outside git', () => {
    const { root } = repository();
    expect(gitScanRoot(root)).toBe('');
    expect(gitScanRoot(join(root, 'services/api'))).toBe('services/api');
    mkdirSync(join(root, 'services/é x'));
    expect(gitScanRoot(join(root, 'services/é x'))).toBe('services/é x');
    expect(gitScanRoot(mkdtempSync(join(tmpdir(), 'gatehouse-no-git-')))).toBeUndefined();
  });

  it('is written by gatehouse scan run on a subfolder, absent for the top', async () => {
    const { root, commit } = repository();
    const scan = (dir: string) => execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'scan', dir, '--format', 'json'], { cwd: REPO, reject: false });
    const part = await scan(join(root, 'services/api'));
    expect(part.exitCode, part.stderr).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(part.stdout));
    expect(report.source).toEqual({ commit, ref: 'refs/heads/trunk', root: 'services/api' });
    // The part's one service is its own folder: its path is relative to the root.
    expect(report.services).toEqual([{ name: 'api', path: '' }]);
    const whole = await scan(root);
    expect(whole.exitCode, whole.stderr).toBe(0);
    expect(ScanReportSchema.parse(JSON.parse(whole.stdout)).source.root).toBeUndefined();
  }, 120_000);

  it("is the action's working directory within the repository: git's prefix, else the path within the workspace", () => {
    // actions/checkout with `path: src`: the repository's top is not the workspace's.
    const workspace = mkdtempSync(join(tmpdir(), 'gatehouse-workspace-'));
    const { root } = repository();
    git(workspace, 'clone', '--quiet', root, 'src');
    expect(actionScanRoot(workspace, join(workspace, 'src'))).toBeUndefined();
    expect(actionScanRoot(workspace, join(workspace, 'src/services/api'))).toBe('services/api');
    // No git (an unpacked artifact): the working directory relative to GITHUB_WORKSPACE.
    const plain = mkdtempSync(join(tmpdir(), 'gatehouse-workspace-plain-'));
    mkdirSync(join(plain, 'services/b'), { recursive: true });
    expect(actionScanRoot(plain, join(plain, 'services/b'))).toBe('services/b');
    expect(actionScanRoot(plain, plain)).toBeUndefined();
    // Outside the workspace: nothing to name (the whole repository, as before).
    expect(actionScanRoot(join(plain, 'services'), plain)).toBeUndefined();
  });
});
