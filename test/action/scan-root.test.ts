// Whether a pull request touches a monorepo folder job's folder: its files as GitHub lists them, or a
// file one of its commits touched (the secret history reads those: a secret added then deleted).
// Untouched, the job scans nothing and fetches no base.
import { describe, expect, it } from 'vitest';
import { changeTouchesFolder } from '../../src/action/scan-root.js';
import { normalizeChangedFiles } from '../../src/services/changed-files.js';
import { GitRepo } from '../secrets/git-repo.js';

/** The PR's files as the action reads them (from the repository's top), then the question. */
const touches = (folder: string, root: string, files: string[], range: string | undefined) =>
  changeTouchesFolder(folder, root, normalizeChangedFiles(folder, files, { scanRoot: root, from: 'repository' }), range);

describe('changeTouchesFolder', () => {
  it("counts the PR's listed files and the files its commits touched, from the repository's top", () => {
    const repo = new GitRepo();
    const base = repo.commit('base', { 'apps/café api/package.json': '{}\n', 'apps/web/package.json': '{}\n' });
    // A file added to apps/café api and deleted again: absent from the PR's files, present in its history.
    repo.commit('add', { 'apps/café api/leak.env': 'TOKEN=x\n' });
    repo.commit('remove', { 'apps/café api/leak.env': null });
    const head = repo.commit('web', { 'apps/web/index.js': 'x\n' });
    const range = `${base}..${head}`;
    const api = 'apps/café api';
    expect(touches(`${repo.dir}/${api}`, api, ['apps/web/index.js'], range)).toBe(true);
    expect(touches(`${repo.dir}/${api}`, api, ['apps/web/index.js'], undefined)).toBe(false);
    expect(touches(`${repo.dir}/${api}`, api, ['apps/café api/package.json'], undefined)).toBe(true);
    expect(touches(`${repo.dir}/apps/web`, 'apps/web', ['README.md'], `${base}..${base}`)).toBe(false);
    // A range git cannot read: the scan says what is wrong, with the base it would have had.
    expect(touches(`${repo.dir}/apps/web`, 'apps/web', ['README.md'], `${'0'.repeat(40)}..${head}`)).toBe(true);
  });
});
