// A CLI scan names its repository (source.repository), so the dashboard's one-repository-per-service
// rule applies to laptop pushes too: the lead's two monorepos, both with a "(root)", were pushed with
// no repository and the second marked 15 of the first's findings fixed. The name comes from
// GITHUB_REPOSITORY or the origin remote, never with the credential a remote URL may carry.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repositoryOption } from '../../src/cli/main.js';
import { repositoryFromRemote, scannedRepository } from '../../src/cli/repository-name.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { oneServiceRepository } from './one-service-repository.js';

const REPO = new URL('../../', import.meta.url).pathname;

describe('repositoryFromRemote', () => {
  it('gives github.com remotes the owner/name the action sends, whatever the URL form', () => {
    for (const remote of [
      'https://github.com/acme/shop',
      'https://github.com/acme/shop.git',
      'https://github.com/acme/shop/',
      'https://user:ghp_abcdefabcdefabcdefabcdefabcdefabcdef@github.com/acme/shop.git',
      'https://x-access-token:tok@github.com/acme/shop',
      'git@github.com:acme/shop.git',
      'git@github.com:acme/shop',
      'ssh://git@github.com/acme/shop.git',
      'ssh://git@github.com:22/acme/shop.git',
      'git://github.com/acme/shop.git',
      'https://GitHub.com/acme/shop.git',
      'https://github.com/acme/shop.GIT',
    ]) {
      expect(repositoryFromRemote(remote), remote).toBe('acme/shop');
    }
    expect(repositoryFromRemote('https://github.com/acme/shop.js.git')).toBe('acme/shop.js');
  });

  it('gives other hosts host/path, nested groups kept, credentials, ports and queries dropped', () => {
    expect(repositoryFromRemote('https://gitlab.com/g/sub/p.git')).toBe('gitlab.com/g/sub/p');
    expect(repositoryFromRemote('git@gitlab.com:g/sub/p.git')).toBe('gitlab.com/g/sub/p');
    expect(repositoryFromRemote('https://gitlab-ci-token:glcbt-64_secretvalue@gitlab.example.com/g/p.git')).toBe('gitlab.example.com/g/p');
    expect(repositoryFromRemote('ssh://git@gitlab.example.com:2222/g/p.git')).toBe('gitlab.example.com/g/p');
    expect(repositoryFromRemote('https://git.example.com/g/p.git?private_token=abc#frag')).toBe('git.example.com/g/p');
    expect(repositoryFromRemote('https://dev.azure.com/org/proj/_git/repo')).toBe('dev.azure.com/org/proj/_git/repo');
    expect(repositoryFromRemote('gitserver.internal:team/app.git')).toBe('gitserver.internal/team/app');
  });

  it('gives nothing for a local path or what it cannot read', () => {
    for (const remote of [
      '/srv/git/shop.git',
      '../shop',
      './a:b',
      'file:///srv/git/shop.git',
      'C:\\repos\\shop',
      'shop',
      'https://github.com/',
      'https://github.com/acme',
      'https://github.com/acme/shop/tree/main',
      'https://host.example.com/a b/c',
      '',
    ]) {
      expect(repositoryFromRemote(remote), remote).toBeUndefined();
    }
  });

  it('prefers GITHUB_REPOSITORY; reads the remote only without it', () => {
    let read = 0;
    const remote = () => {
      read++;
      return 'git@gitlab.com:g/p.git';
    };
    expect(scannedRepository({ GITHUB_REPOSITORY: 'acme/shop' }, remote)).toBe('acme/shop');
    expect(read).toBe(0);
    expect(scannedRepository({}, remote)).toBe('gitlab.com/g/p');
    expect(scannedRepository({ GITHUB_REPOSITORY: 'not a name' }, remote)).toBe('gitlab.com/g/p');
    expect(scannedRepository({}, () => undefined)).toBeUndefined();
  });
});

/** A one-service git repository with `origin` at `remote` (none when undefined). */
const repository = (remote: string | undefined) => oneServiceRepository({ branch: 'main', remote, prefix: 'gatehouse-repository-name-' }).root;

/** `gatehouse scan` as a child process, with only PATH (and `env`) in its environment. */
function scan(root: string, args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'scan', root, ...args], {
    cwd: REPO,
    reject: false,
    env: { PATH: process.env.PATH ?? '', ...env },
    extendEnv: false,
  });
}

describe('gatehouse scan names its repository', () => {
  it('from a CI clone URL with a token: the name only; the token is nowhere in the reports, the output or the errors', async () => {
    const token = 'glcbt-64_9dTnQ2wUq7rXcKvLs3Yh';
    const root = repository(`https://gitlab-ci-token:${token}@gitlab.example.com/group/sub/project.git`);
    const out = mkdtempSync(join(tmpdir(), 'gatehouse-repository-name-out-'));
    const r = await scan(root, ['--format', 'text,json,markdown,sarif', '--output-dir', out, '--verbose']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(join(out, 'gatehouse-report.json'), 'utf8')));
    expect(report.source.repository).toBe('gitlab.example.com/group/sub/project');
    for (const file of readdirSync(out)) expect(readFileSync(join(out, file), 'utf8'), file).not.toContain(token);
    expect(r.stdout).not.toContain(token);
    expect(r.stderr).not.toContain(token);
    expect(`${r.stdout}${r.stderr}`).not.toContain('gitlab-ci-token');
  }, 120_000);

  it('from a github.com ssh remote: owner/name; none for a local-path remote; --repository for a copy without git', async () => {
    const sourceOf = async (root: string, args: string[] = []) => {
      const r = await scan(root, ['--format', 'json', ...args]);
      expect(r.exitCode, r.stderr).toBe(0);
      return ScanReportSchema.parse(JSON.parse(r.stdout)).source;
    };
    expect((await sourceOf(repository('git@github.com:acme/shop.git'))).repository).toBe('acme/shop');
    expect((await sourceOf(repository('/srv/git/shop.git'))).repository).toBeUndefined();
    // An exported tarball has no git at all: --repository names it.
    const tarball = mkdtempSync(join(tmpdir(), 'gatehouse-tarball-'));
    writeFileSync(join(tarball, 'package.json'), '{}');
    writeFileSync(join(tarball, '.gatehouse.yml'), readFileSync(join(repository(undefined), '.gatehouse.yml')));
    expect((await sourceOf(tarball, ['--repository', 'acme/export'])).repository).toBe('acme/export');
  }, 180_000);

  it('--repository takes a name or a remote URL (credential dropped), else a usage error that never echoes the value', () => {
    expect(repositoryOption(undefined)).toBeUndefined();
    expect(repositoryOption('gitlab.example.com/g/sub/p')).toBe('gitlab.example.com/g/sub/p');
    expect(repositoryOption('https://ci:tok@github.com/acme/other.git')).toBe('acme/other');
    let err: unknown;
    try {
      repositoryOption('https://u:s3cr3t-value@/x y');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect(String(err)).not.toContain('s3cr3t-value');
  });

  it('--repository that is no name nor remote is exit 2, without echoing the value', async () => {
    const r = await scan(repository(undefined), ['--format', 'json', '--repository', 'https://u:s3cr3t-value@/x y']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--repository: expected a repository name');
    expect(r.stderr).not.toContain('s3cr3t-value');
  }, 120_000);
});
