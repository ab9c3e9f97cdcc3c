// The action on a pull request reads the PR's commits (base..head): a shallow checkout (the
// actions/checkout default) gets the commits it lacks fetched; outside git only the tree is read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preparePrHistory } from '../../src/action/secret-history.js';
import { createMemoryLogger } from '../../src/logger.js';
import { checkRange } from '../../src/scanners/gatehouse-secrets/history.js';
import { GIT_ENV, GitRepo } from '../secrets/git-repo.js';

function prOf(baseSha: string, headSha: string) {
  return { number: 7, baseSha, baseRef: 'main', headSha, headRef: 'feature', fromFork: false };
}

describe('preparePrHistory', () => {
  it('a shallow clone gets the PR range fetched, so the range check passes', async () => {
    const origin = new GitRepo();
    const base = origin.commit('base', { 'a.txt': '1\n' });
    origin.git('checkout', '-q', '-b', 'feature');
    for (let i = 0; i < 5; i++) origin.commit(`c${i}`, { [`f${i}.txt`]: `${i}\n` });
    const head = origin.git('rev-parse', 'HEAD');
    const clone = join(mkdtempSync(join(tmpdir(), 'gatehouse-pr-shallow-')), 'c');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin.dir}`, clone], { env: GIT_ENV, stdio: 'ignore' });
    expect(() => checkRange(clone, `${base}..${head}`)).toThrow(/shallow.*fetch/);
    const logger = createMemoryLogger();
    const range = await preparePrHistory(clone, prOf(base, head), logger);
    expect(range).toBe(`${base}..${head}`);
    expect(checkRange(clone, range!)).toEqual([`${base}..${head}`]);
    expect(logger.lines.join('\n')).toMatch(/shallow clone; fetching/);
  });

  it('a complete clone is used as is; a folder outside git reads only the tree', async () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'a.txt': '1\n' });
    const head = repo.commit('head', { 'b.txt': '2\n' });
    expect(await preparePrHistory(repo.dir, prOf(base, head), createMemoryLogger())).toBe(`${base}..${head}`);
    const plain = mkdtempSync(join(tmpdir(), 'gatehouse-not-git-'));
    expect(await preparePrHistory(plain, prOf(base, head), createMemoryLogger())).toBeUndefined();
  });
});
