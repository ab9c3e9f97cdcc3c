// A changed-files list made into the paths of the folder scanned. A monorepo's CI job per folder
// gets the list as git and GitHub print it, from the repository's top: its own folder's files count,
// the others are another folder's (said, never an error, never taken for this folder's files).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
    const r = normalizeChangedFiles(join(top, 'services/web'), ['services/web/config.js', 'services/api/index.js', 'README.md', 'M\tservices/web/new.js'], 'services/web');
    expect(r.files).toEqual(['config.js', 'new.js']);
    expect(r.outsideScanRoot).toEqual(['services/api/index.js', 'README.md']);
  });

  it('a change entirely in other folders is no error: nothing of this folder changed', () => {
    const top = repository();
    expect(normalizeChangedFiles(join(top, 'services/api'), ['services/web/config.js'], 'services/api')).toEqual({ files: [], outsideScanRoot: ['services/web/config.js'] });
  });

  it('an absolute path elsewhere in the repository is outside the folder; one outside the repository is an error', () => {
    const top = repository();
    const r = normalizeChangedFiles(join(top, 'services/web'), [join(top, 'services/api/index.js'), join(top, 'services/web/config.js')], 'services/web');
    expect(r).toEqual({ files: ['config.js'], outsideScanRoot: ['services/api/index.js'] });
    expect(() => normalizeChangedFiles(join(top, 'services/web'), ['/etc/passwd'], 'services/web')).toThrow(ConfigError);
    expect(() => normalizeChangedFiles(join(top, 'services/web'), ['../../../etc/passwd'], 'services/web')).toThrow(ConfigError);
  });

  it('a list written relative to the folder still counts its files; a list naming nothing of the repository is an error', () => {
    const top = repository();
    expect(normalizeChangedFiles(join(top, 'services/web'), ['config.js', 'README.md'], 'services/web')).toEqual({ files: ['config.js'], outsideScanRoot: ['README.md'] });
    expect(() => normalizeChangedFiles(join(top, 'services/web'), ['nowhere/at/all.js'], 'services/web')).toThrow(ConfigError);
  });

  it('a folder path that only looks like the root is not inside it (services/web-admin is not services/web)', () => {
    const top = repository();
    expect(normalizeChangedFiles(join(top, 'services/web'), ['services/web-admin/x.js', 'services/web/config.js'], 'services/web')).toEqual({
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
