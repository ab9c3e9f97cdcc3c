// Repository paths, normalised before anything is decided from them. A tool (or a hostile report)
// can name `services/api/../../../../etc/passwd`: read as text it starts with `services/api/`, but
// it is a file outside the repository, and must never be attributed to api, read or scanned.
// Pure string functions (no file system) for paths; `realPathInside` for folders on disk.
import { realpathSync } from 'node:fs';
import { isAbsolute, posix, relative, sep } from 'node:path';

const ODD_PATH = /\\|^\/|\/\/|\/$|(^|\/)\.\.?(\/|$)|^[A-Za-z]:/;

/**
 * A repository-relative path in one form: forward slashes, no `./` or empty segments, `..`
 * collapsed, no trailing slash; `''` for the repository root. Undefined when the path is absolute
 * (`/etc`, `C:/x`, `\\server\share`) or climbs out of the repository (`../x`,
 * `services/api/../../../etc/passwd`).
 */
export function normalizeRepoPath(path: string): string | undefined {
  // Most paths are already in the one form: no backslash, no leading or doubled or trailing slash,
  // no `.` or `..` segment, no drive letter.
  if (!ODD_PATH.test(path)) return path;
  const slashed = path.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:(\/|$)/.test(slashed)) return undefined;
  const out: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(segment);
  }
  return out.join('/');
}

/**
 * A path outside the repository written plainly: `services/api/../../../../etc/passwd` ->
 * `../../etc/passwd`, so no report shows it under a service's folder. Absolute paths keep their
 * root. (For display only: nothing is ever read from such a path.)
 */
export function collapseOutsidePath(path: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

/** True when `path` (repository-relative) names the root or something inside the repository. */
export function isInsideRepo(path: string): boolean {
  return normalizeRepoPath(path) !== undefined;
}

/** A path from `relative()` that leaves its folder (`..`, `../x`, absolute); `..data/x` is a name inside it. */
export function leavesFolder(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/**
 * True when the folder or file `abs` is inside `root` once every symbolic link in either is
 * resolved: a service folder that is a link to `/etc` is outside. A path that does not exist is
 * judged by its text.
 */
export function realPathInside(root: string, abs: string): boolean {
  const realRoot = realOrSelf(root);
  const rel = relative(realRoot, realOrSelf(abs));
  return rel === '' || !leavesFolder(rel);
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * A path of the folder a scan ran from (`root`, the report's `source.root`: '' or absent for the
 * repository's top) as a path of the repository: what git diffs, GitHub's file links, annotations
 * and code scanning name. A monorepo's CI job per folder reports `src/x.js`; GitHub knows it as
 * `services/api/src/x.js`.
 */
export function repositoryPath(root: string | undefined, path: string): string {
  // A path that is not one of the repository's (`../x`, `/abs`) is shown as the tool gave it.
  if (!root || normalizeRepoPath(path) !== path) return path;
  return path === '' ? root : `${root}/${path}`;
}

/** A repository path as a path of the folder scanned at `root`; undefined when it lies outside that folder. */
export function scanFolderPath(root: string | undefined, repoPath: string): string | undefined {
  if (!root) return repoPath;
  if (repoPath === root) return '';
  return repoPath.startsWith(`${root}/`) ? repoPath.slice(root.length + 1) : undefined;
}
