// A changed-files list as CI tools print it, made repository-relative: absolute paths inside the
// repository, "./" prefixes and Windows backslashes are normalised; `git diff --name-status` lines
// ("M\tpath", "R100\told\tnew") give every path they name, so a renamed or deleted file counts
// for its service. A path outside the repository, or a list of which no path lies in the
// repository, is a usage error naming the first bad path: never "touches 0 services" and a pass.
// A scan of one folder of a repository (a monorepo's CI job per folder) takes the list as git and
// GitHub give it, relative to the repository's top: paths in its folder become paths of the folder,
// the others are another folder's (said, not counted, never an error).
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { normalizeRelPath } from './discover.js';
import { leavesFolder, normalizeRepoPath, scanFolderPath } from './repo-path.js';

const NAME_STATUS = /^[ACDMRTUXB]\d*\t/;

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The changed paths of the folder scanned, and how many the list named outside it. */
export interface ChangedFiles {
  /** Relative to the folder scanned (the repository's top when it is the whole repository). */
  files: string[];
  /** Repository paths outside the folder scanned (only with a scan root): another folder's, not counted here. */
  outsideScanRoot: string[];
}

export interface ChangedFilesOptions {
  /** The folder's path in its repository (the report's `source.root`); '' for the whole repository. */
  scanRoot?: string;
  /**
   * `repository`: the list is git's or GitHub's (a pull request's files): relative to the repository's
   * top and true as given, so a path that no longer exists (a deleted folder) is no mistake. `given`
   * (default, the CLI's --changed-files): checked, and with a scan root its form (from the top, or
   * from the folder as before scan roots) is decided once for the whole list.
   */
  from?: 'repository' | 'given';
}

/**
 * The changed paths relative to `repoRoot`, the folder scanned; throws ConfigError (exit 2) for a
 * path outside the repository, and for a given list that names nothing of the repository.
 */
export function normalizeChangedFiles(repoRoot: string, lines: readonly string[], options: ChangedFilesOptions = {}): ChangedFiles {
  const scanRoot = options.scanRoot ?? '';
  const root = resolve(repoRoot);
  const realRoot = realOrSelf(root);
  // The repository's top: the folder scanned (its real path: a checkout reached through a link) with
  // one `..` per segment of its root.
  const top = scanRoot ? resolve(realRoot, ...scanRoot.split('/').map(() => '..')) : root;
  const given: string[] = [];
  const relativePaths: string[] = [];
  const absolutePaths: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    for (const raw of NAME_STATUS.test(trimmed) ? trimmed.split('\t').slice(1) : [trimmed]) {
      given.push(raw);
      const slashed = raw.replace(/\\/g, '/');
      if (isAbsolute(slashed) || /^[A-Za-z]:\//.test(slashed)) absolutePaths.push(slashed);
      else relativePaths.push(normalizeRelPath(slashed));
    }
  }
  const outsideError = (raw: string, where: string) =>
    new ConfigError(`--changed-files: "${raw}" is outside the repository (${where})`, { field: 'changed-files' });
  // A given list with a scan root is read from the folder when it reads as the folder's: no path in the
  // root's own form, and some path the folder has. An ambiguous name (package.json in both) then counts
  // for the folder, the direction that scans more.
  const fromTop =
    !scanRoot ||
    options.from === 'repository' ||
    relativePaths.some((p) => p === scanRoot || p.startsWith(`${scanRoot}/`)) ||
    !relativePaths.some((p) => existsSync(join(root, p)) || existsSync(dirname(join(root, p))));
  const base = fromTop ? top : root;
  const out: string[] = [];
  const outside: string[] = [];
  for (const path of relativePaths) {
    const resolved = relative(base, resolve(base, path));
    if (leavesFolder(resolved)) throw outsideError(path, base);
    const repoPath = normalizeRelPath(resolved);
    const inFolder = fromTop ? scanFolderPath(scanRoot, repoPath) : repoPath;
    if (inFolder === undefined) outside.push(repoPath);
    else if (inFolder !== '') out.push(inFolder);
  }
  for (const slashed of absolutePaths) {
    // The repository may be reached through a symlink (/tmp vs /private/tmp): try both forms.
    const candidates = [relative(root, slashed), relative(realRoot, slashed), relative(realRoot, realOrSelf(slashed))];
    const inside = candidates.find((c) => !leavesFolder(c));
    if (inside !== undefined) {
      if (normalizeRelPath(inside) !== '') out.push(normalizeRelPath(inside));
      continue;
    }
    const inRepository = scanRoot ? normalizeRepoPath(normalizeRelPath(relative(top, realOrSelf(slashed)))) : undefined;
    if (inRepository === undefined) throw outsideError(slashed, top);
    outside.push(inRepository);
  }
  if (options.from !== 'repository') {
    // A path is "in the repository" when it exists or its folder does (a deleted file's folder).
    const exists = (dir: string) => (p: string) => existsSync(join(dir, p)) || existsSync(dirname(join(dir, p)));
    if ((out.length > 0 && !out.some(exists(root))) || (out.length === 0 && outside.length > 0 && !outside.some(exists(top)))) {
      throw new ConfigError(
        `--changed-files: no listed path is in the repository ${root} (the first: "${given[0]}"); give paths relative to the repository root or absolute paths inside it`,
        { field: 'changed-files' },
      );
    }
  }
  return { files: [...new Set(out)], outsideScanRoot: [...new Set(outside)] };
}

/**
 * Whether a change edits what decides a scan: the config file read (`configFile`, absolute; it may
 * lie outside the folder scanned: `config: ../../.gatehouse.yml`) or the ignore file, each also by
 * its real path (a folder's `.gatehouse.yml` that links to a shared one). Such a change scans every
 * service. False for files outside the repository.
 */
export function changeEditsScanSettings(repoRoot: string, changed: ChangedFiles, scanRoot: string, settings: { configFile?: string; ignoreFile: string }): boolean {
  const files = [settings.configFile, resolve(repoRoot, settings.ignoreFile)].filter((f): f is string => f !== undefined);
  return files.flatMap((f) => [f, realOrSelf(f)]).some((f) => changeNamesFile(repoRoot, changed, f, scanRoot));
}

/**
 * Whether a change names `file` (an absolute path: the config file a scan read, which may lie outside
 * the folder scanned, `config: ../../.gatehouse.yml`). False for a file outside the repository.
 */
function changeNamesFile(repoRoot: string, changed: ChangedFiles, file: string, scanRoot = ''): boolean {
  let named: ChangedFiles;
  try {
    named = normalizeChangedFiles(repoRoot, [file], { scanRoot, from: 'repository' });
  } catch {
    return false;
  }
  return named.files.some((f) => changed.files.includes(f)) || named.outsideScanRoot.some((f) => changed.outsideScanRoot.includes(f));
}
