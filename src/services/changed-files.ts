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
import { normalizeRepoPath, scanFolderPath } from './repo-path.js';

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

/**
 * The changed paths relative to `repoRoot`, the folder scanned; throws ConfigError (exit 2) for a
 * path outside the repository. With `scanRoot` (the folder's path in its repository, the report's
 * `source.root`), relative paths are the repository's and absolute ones may lie anywhere in it.
 */
export function normalizeChangedFiles(repoRoot: string, lines: readonly string[], scanRoot = ''): ChangedFiles {
  const root = resolve(repoRoot);
  const realRoot = realOrSelf(root);
  // The repository's top: the folder scanned with one `..` per segment of its root.
  const top = scanRoot ? resolve(root, ...scanRoot.split('/').map(() => '..')) : root;
  const out: string[] = [];
  const outside: string[] = [];
  const given: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const paths = NAME_STATUS.test(trimmed) ? trimmed.split('\t').slice(1) : [trimmed];
    for (const raw of paths) {
      given.push(raw);
      const slashed = raw.replace(/\\/g, '/');
      let rel: string;
      if (isAbsolute(slashed) || /^[A-Za-z]:\//.test(slashed)) {
        // The repository may be reached through a symlink (/tmp vs /private/tmp): try both forms.
        const candidates = [relative(root, slashed), relative(realRoot, slashed), relative(realRoot, realOrSelf(slashed))];
        const inside = candidates.find((c) => !c.startsWith('..') && !isAbsolute(c));
        if (inside === undefined) {
          const inRepository = scanRoot ? normalizeRepoPath(normalizeRelPath(relative(top, slashed))) : undefined;
          if (inRepository === undefined) {
            throw new ConfigError(`--changed-files: "${raw}" is outside the repository (${top})`, { field: 'changed-files' });
          }
          outside.push(inRepository);
          continue;
        }
        rel = normalizeRelPath(inside);
      } else {
        rel = normalizeRelPath(slashed);
        const resolved = relative(top, resolve(top, rel));
        if (resolved.startsWith('..') || isAbsolute(resolved)) {
          throw new ConfigError(`--changed-files: "${raw}" is outside the repository (${top})`, { field: 'changed-files' });
        }
        const repoPath = normalizeRelPath(resolved);
        const inFolder = scanFolderPath(scanRoot, repoPath);
        // A list written relative to the folder (as before scan roots) names a file of the folder that
        // the repository's top does not have: take it as the folder's, never as another folder's file.
        const folderRelative = inFolder === undefined && existsSync(join(root, repoPath)) && !existsSync(join(top, repoPath));
        if (inFolder === undefined && !folderRelative) {
          outside.push(repoPath);
          continue;
        }
        rel = inFolder ?? repoPath;
      }
      if (rel !== '') out.push(rel);
    }
  }
  // A path is "in the repository" when it exists or its folder does (a deleted file's folder).
  const inRepository = (p: string) => existsSync(join(root, p)) || existsSync(dirname(join(root, p)));
  const inTop = (p: string) => existsSync(join(top, p)) || existsSync(dirname(join(top, p)));
  if ((out.length > 0 && !out.some(inRepository)) || (out.length === 0 && outside.length > 0 && !outside.some(inTop))) {
    throw new ConfigError(
      `--changed-files: no listed path is in the repository ${root} (the first: "${given[0]}"); give paths relative to the repository root or absolute paths inside it`,
      { field: 'changed-files' },
    );
  }
  return { files: [...new Set(out)], outsideScanRoot: [...new Set(outside)] };
}
