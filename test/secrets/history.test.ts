// History: `--commits BASE..HEAD` reads the lines every commit added; the same value in the tree
// and in history is one finding naming its commit; merges; shallow clones fail with exit 2.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { gatehouseSecretsAdapter, parseGatehouseSecretsReport } from '../../src/scanners/gatehouse-secrets/adapter.js';
import { SecretScanReportSchema, type SecretScanReport } from '../../src/scanners/gatehouse-secrets/report-format.js';
import { ALNUM, Random } from './corpus-gen/values.js';
import { GIT_ENV, GitRepo } from './git-repo.js';

const random = new Random(1010);
const ghp = () => `ghp_${random.chars(ALNUM, 36)}`;
const KEY_ENV = { ...GIT_ENV, GATEHOUSE_SECRETS_KEY: 'history-test-key' };

async function scan(dir: string, options: Record<string, unknown>, repoRoot = dir) {
  const [file, ...args] = gatehouseSecretsAdapter.command({ service: 'root', dir, repoRoot, options });
  const result = await execa(file, args, { cwd: dir, reject: false, env: KEY_ENV });
  return { result, report: result.exitCode === 0 ? (SecretScanReportSchema.parse(JSON.parse(result.stdout)) as SecretScanReport) : undefined };
}

describe('history scan (--commits)', () => {
  it('reports a secret added and deleted inside the range, naming the commit that added it', async () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'README.md': '# app\n' });
    const leaked = ghp();
    const adding = repo.commit('add config', { 'config/app.env': `LOG=info\nGH_TOKEN=${leaked}\n` });
    repo.commit('oops, remove it', { 'config/app.env': 'LOG=info\n' });
    const head = repo.commit('more', { 'src/a.ts': 'export const a = 1;\n' });

    const treeOnly = await scan(repo.dir, {});
    expect(treeOnly.report!.findings).toEqual([]);

    const { result, report } = await scan(repo.dir, { commits: `${base}..${head}` });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report!.stats.history).toMatchObject({ range: `${base}..${head}`, commits: 3 });
    expect(report!.findings).toHaveLength(1);
    expect(report!.findings[0]).toMatchObject({ ruleId: 'github-pat', path: 'config/app.env', line: 2, commit: { sha: adding } });
    expect(result.stdout).not.toContain(leaked);

    // Outside the range: not read.
    const later = await scan(repo.dir, { commits: `${adding}..${head}` });
    expect(later.report!.findings).toEqual([]);
  });

  it('the same value in the tree and in history is one finding that names the oldest commit that added it', async () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'README.md': '# app\n' });
    const token = ghp();
    const first = repo.commit('add', { 'deploy.env': `GH_TOKEN=${token}\n` });
    repo.commit('touch', { 'deploy.env': `# deploy\nGH_TOKEN=${token}\n` });
    const head = repo.commit('other', { 'other.txt': 'x\n' });
    const { report } = await scan(repo.dir, { commits: `${base}..${head}` });
    expect(report!.findings).toHaveLength(1);
    // The tree's location (line 2 now), the commit that introduced the value.
    expect(report!.findings[0]).toMatchObject({ path: 'deploy.env', line: 2, commit: { sha: first } });
    const all = await scan(repo.dir, { commits: 'all' });
    expect(all.report!.findings).toHaveLength(1);
    expect(all.report!.findings[0].commit?.sha).toBe(first);
  });

  it('reads every commit of a range with merges, and a line only a merge commit added (a conflict resolution)', async () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'app.env': 'A=1\nB=2\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    const onBranch = ghp();
    const branchCommit = repo.commit('feature', { 'feature.env': `GH_TOKEN=${onBranch}\n`, 'app.env': 'A=1\nB=feature\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('main', { 'app.env': 'A=1\nB=main\n' });
    const inMerge = ghp();
    try {
      repo.git('merge', '-q', '--no-edit', 'feature');
    } catch {
      // conflict on app.env: resolved with a new line that neither parent had
    }
    repo.write('app.env', `A=1\nB=resolved\nGH_TOKEN=${inMerge}\n`);
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-edit');
    const merge = repo.git('rev-parse', 'HEAD');
    repo.write('app.env', 'A=1\nB=resolved\n');
    repo.write('feature.env', '\n');
    const head = repo.commit('clean up');

    const { result, report } = await scan(repo.dir, { commits: `${base}..${head}` });
    expect(result.exitCode, result.stderr).toBe(0);
    const byPath = Object.fromEntries(report!.findings.map((f) => [f.path, f.commit?.sha]));
    expect(byPath).toEqual({ 'feature.env': branchCommit, 'app.env': merge });
    // Lines the merge brought from the branch are not reported a second time (on the merge).
    expect(report!.findings).toHaveLength(2);
  });

  it('a shallow clone without BASE is exit 2 with a message to fetch more history, never an empty pass', async () => {
    const origin = new GitRepo();
    const base = origin.commit('one', { 'a.txt': '1\n' });
    origin.commit('two', { 'b.env': `GH_TOKEN=${ghp()}\n` });
    const head = origin.commit('three', { 'c.txt': '3\n' });
    const cloneDir = join(mkdtempSync(join(tmpdir(), 'gatehouse-shallow-')), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin.dir}`, cloneDir], { env: GIT_ENV, stdio: 'ignore' });
    const { result, report } = await scan(cloneDir, { commits: `${base}..${head}` });
    expect(report).toBeUndefined();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/shallow/);
    expect(result.stderr).toMatch(/fetch-depth: 0|--unshallow|--deepen/);
    const all = await scan(cloneDir, { commits: 'all' });
    expect(all.result.exitCode).toBe(2);
    expect(all.result.stderr).toMatch(/shallow/);
  });

  it('refuses a malformed range (exit 2) and never passes it to git as an option', async () => {
    const repo = new GitRepo();
    repo.commit('one', { 'a.txt': '1\n' });
    for (const range of ['--output=/tmp/x..HEAD', 'HEAD', 'a..b..c', '$(id)..HEAD']) {
      const { result } = await scan(repo.dir, { commits: range });
      expect(result.exitCode, range).toBe(2);
      expect(result.stderr, range).toMatch(/--commits/);
    }
  });

  it('skips binary files in history and reads invalid UTF-8 and huge single lines without failing', async () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'README.md': '# x\n' });
    const inLatin1 = ghp();
    const inHuge = ghp();
    const head = repo.commit('odd files', {
      'blob.dat': Buffer.concat([Buffer.from(`GH_TOKEN=${ghp()}`), Buffer.from([0, 1, 2, 0xff])]),
      'latin1.env': Buffer.concat([Buffer.from('NAME=caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from(`\nGH_TOKEN=${inLatin1}\n`)]),
      'bundle.js': `var a="${'x'.repeat(2_000_000)}";var t="${inHuge}";\n`,
    });
    const { result, report } = await scan(repo.dir, { commits: `${base}..${head}` });
    expect(result.exitCode, result.stderr).toBe(0);
    const history = report!.findings.filter((f) => f.commit?.sha === head || f.commit === undefined);
    expect(history.map((f) => f.path).sort()).toEqual(['bundle.js', 'latin1.env']);
    expect(report!.skipped).toEqual(expect.arrayContaining([{ path: 'blob.dat', reason: 'binary', commit: head }]));
    expect(result.stdout).not.toContain(inLatin1);
    expect(result.stdout).not.toContain(inHuge);
  });

  it('reads only the scanned folder of the repository, with allow-paths', async () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'README.md': '# x\n' });
    const head = repo.commit('two services', {
      'services/api/a.env': `GH_TOKEN=${ghp()}\n`,
      'services/api/fixtures/b.env': `GH_TOKEN=${ghp()}\n`,
      'services/web/c.env': `GH_TOKEN=${ghp()}\n`,
    });
    const { report } = await scan(join(repo.dir, 'services', 'api'), { commits: `${base}..${head}`, 'allow-paths': ['fixtures/**'] }, repo.dir);
    const parsed = parseGatehouseSecretsReport(JSON.stringify(report), { serviceDir: 'services/api' });
    expect(parsed.findings.map((f) => f.location.path)).toEqual(['services/api/a.env']);
  });
});
