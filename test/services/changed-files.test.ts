// A changed-files list made into the paths of the folder scanned. A monorepo's CI job per folder
// gets the list as git and GitHub print it, from the repository's top: its own folder's files count,
// the others are another folder's (said, never an error, never taken for this folder's files).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { normalizeChangedFiles } from '../../src/services/changed-files.js';
import { repositoryPath, scanFolderPath } from '../../src/services/repo-path.js';

/** A repository with services/web and services/api; returns its top. */
function repository(): string {
  const top = mkdtempSync(join(tmpdir(), 'gatehouse-changed-files-'));
  for (const file of ['services/web/config.js', 'services/api/index.js', 'README.md']) {
    mkdirSync(join(top, file, '..'), { recursive: true });
    writeFileSync(join(top, file), 'x\n');
  }
  return top;
}

describe('changed files of a scan of the whole repository', () => {
  it('keeps repository paths as they are and refuses a list with no path in the repository', () => {
    const top = repository();
    expect(normalizeChangedFiles(top, ['services/web/config.js', './README.md'])).toEqual({ files: ['services/web/config.js', 'README.md'], outsideScanRoot: [] });
    expect(() => normalizeChangedFiles(top, ['nowhere/at/all.js'])).toThrow(ConfigError);
  });
});

describe('changed files of a scan of one folder (source.root)', () => {
  it("takes the list from the repository's top: the folder's files become its own paths, the others are counted outside", () => {
    const top = repository();
    const r = normalizeChangedFiles(join(top, 'services/web'), ['services/web/config.js', 'services/api/index.js', 'README.md', 'M\tservices/web/new.js'], { scanRoot: 'services/web' });
    expect(r.files).toEqual(['config.js', 'new.js']);
    expect(r.outsideScanRoot).toEqual(['services/api/index.js', 'README.md']);
  });

  it('a name that starts with two dots (..data/) is a name in the repository, not a climb out of it', () => {
    const top = repository();
    mkdirSync(join(top, '..data'), { recursive: true });
    writeFileSync(join(top, '..data/config.yaml'), 'x\n');
    expect(normalizeChangedFiles(join(top, 'services/web'), ['..data/config.yaml', 'services/web/config.js'], { scanRoot: 'services/web', from: 'repository' })).toEqual({ files: ['config.js'], outsideScanRoot: ['..data/config.yaml'] });
    expect(normalizeChangedFiles(top, ['..data/config.yaml']).files).toEqual(['..data/config.yaml']);
    expect(() => normalizeChangedFiles(top, ['../elsewhere/x.js'])).toThrow(ConfigError);
  });

  it('a change entirely in other folders is no error: nothing of this folder changed', () => {
    const top = repository();
    expect(normalizeChangedFiles(join(top, 'services/api'), ['services/web/config.js'], { scanRoot: 'services/api' })).toEqual({ files: [], outsideScanRoot: ['services/web/config.js'] });
  });

  it('an absolute path elsewhere in the repository is outside the folder; one outside the repository is an error', () => {
    const top = repository();
    const r = normalizeChangedFiles(join(top, 'services/web'), [join(top, 'services/api/index.js'), join(top, 'services/web/config.js')], { scanRoot: 'services/web' });
    expect(r).toEqual({ files: ['config.js'], outsideScanRoot: ['services/api/index.js'] });
    expect(() => normalizeChangedFiles(join(top, 'services/web'), ['/etc/passwd'], { scanRoot: 'services/web' })).toThrow(ConfigError);
    expect(() => normalizeChangedFiles(join(top, 'services/web'), ['../../../etc/passwd'], { scanRoot: 'services/web' })).toThrow(ConfigError);
  });

  it('a list written relative to the folder still counts its files; a list naming nothing of the repository is an error', () => {
    const top = repository();
    // Read from the folder as a whole: README.md is the folder's too (the direction that scans more).
    expect(normalizeChangedFiles(join(top, 'services/web'), ['config.js', 'README.md'], { scanRoot: 'services/web' })).toEqual({ files: ['config.js', 'README.md'], outsideScanRoot: [] });
    expect(() => normalizeChangedFiles(join(top, 'services/web'), ['nowhere/at/all.js'], { scanRoot: 'services/web' })).toThrow(ConfigError);
  });

  it('a name both the folder and the top have (package.json) counts for the folder when the list reads as the folder\'s', () => {
    const top = repository();
    writeFileSync(join(top, 'package.json'), '{}\n');
    writeFileSync(join(top, 'services/web/package.json'), '{}\n');
    expect(normalizeChangedFiles(join(top, 'services/web'), ['package.json'], { scanRoot: 'services/web' })).toEqual({ files: ['package.json'], outsideScanRoot: [] });
    // git's and GitHub's lists are the top's: the top's package.json is another folder's file.
    expect(normalizeChangedFiles(join(top, 'services/web'), ['package.json'], { scanRoot: 'services/web', from: 'repository' })).toEqual({ files: [], outsideScanRoot: ['package.json'] });
  });

  it("a pull request deleting a whole folder is no mistake in git's list (another folder's job, or the whole repository's)", () => {
    const top = repository();
    const gone = ['services/legacy/a.js', 'services/legacy/sub/b.js'];
    expect(normalizeChangedFiles(join(top, 'services/web'), gone, { scanRoot: 'services/web', from: 'repository' })).toEqual({ files: [], outsideScanRoot: gone });
    expect(normalizeChangedFiles(top, gone, { from: 'repository' })).toEqual({ files: gone, outsideScanRoot: [] });
  });

  it('a folder reached through a symbolic link finds its repository, and /etc stays outside it', () => {
    const top = repository();
    const link = join(mkdtempSync(join(tmpdir(), 'gatehouse-link-')), 'web');
    symlinkSync(join(top, 'services/web'), link);
    expect(normalizeChangedFiles(link, ['services/web/config.js', 'services/api/index.js'], { scanRoot: 'services/web', from: 'repository' })).toEqual({
      files: ['config.js'],
      outsideScanRoot: ['services/api/index.js'],
    });
    expect(() => normalizeChangedFiles(link, ['/etc/passwd'], { scanRoot: 'services/web' })).toThrow(ConfigError);
  });

  it('a folder path that only looks like the root is not inside it (services/web-admin is not services/web)', () => {
    const top = repository();
    expect(normalizeChangedFiles(join(top, 'services/web'), ['services/web-admin/x.js', 'services/web/config.js'], { scanRoot: 'services/web' })).toEqual({
      files: ['config.js'],
      outsideScanRoot: ['services/web-admin/x.js'],
    });
  });
});

describe('paths between a folder scanned and its repository', () => {
  it('prefixes and strips the root, and leaves the top alone', () => {
    expect(repositoryPath('services/web', 'src/x.js')).toBe('services/web/src/x.js');
    expect(repositoryPath(undefined, 'src/x.js')).toBe('src/x.js');
    expect(repositoryPath('', 'src/x.js')).toBe('src/x.js');
    expect(scanFolderPath('services/web', 'services/web/src/x.js')).toBe('src/x.js');
    expect(scanFolderPath('services/web', 'services/webx/src/x.js')).toBeUndefined();
    expect(scanFolderPath(undefined, 'a/b')).toBe('a/b');
  });
});
