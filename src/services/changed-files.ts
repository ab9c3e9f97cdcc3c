// A changed-files list as CI tools print it, made repository-relative: absolute paths inside the
// repository, "./" prefixes and Windows backslashes are normalised; `git diff --name-status` lines
// ("M\tpath", "R100\told\tnew") give every path they name, so a renamed or deleted file counts
// for its service. A path outside the repository, or a list of which no path lies in the
// repository, is a usage error naming the first bad path: never "touches 0 services" and a pass.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { normalizeRelPath } from './discover.js';

const NAME_STATUS = /^[ACDMRTUXB]\d*\t/;

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Repository-relative changed paths; throws ConfigError (exit 2) for a path outside the repository. */
export function normalizeChangedFiles(repoRoot: string, lines: readonly string[]): string[] {
  const root = resolve(repoRoot);
  const realRoot = realOrSelf(root);
  const out: string[] = [];
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
          throw new ConfigError(`--changed-files: "${raw}" is outside the repository (${root})`, { field: 'changed-files' });
        }
        rel = normalizeRelPath(inside);
      } else {
        rel = normalizeRelPath(slashed);
        const resolved = relative(root, resolve(root, rel));
        if (resolved.startsWith('..') || isAbsolute(resolved)) {
          throw new ConfigError(`--changed-files: "${raw}" is outside the repository (${root})`, { field: 'changed-files' });
        }
        rel = normalizeRelPath(resolved);
      }
      if (rel !== '') out.push(rel);
    }
  }
  // A path is "in the repository" when it exists or its folder does (a deleted file's folder).
  const inRepository = (p: string) => existsSync(join(root, p)) || existsSync(dirname(join(root, p)));
  if (out.length > 0 && !out.some(inRepository)) {
    throw new ConfigError(
      `--changed-files: no listed path is in the repository ${root} (the first: "${given[0]}"); give paths relative to the repository root or absolute paths inside it`,
      { field: 'changed-files' },
    );
  }
  return [...new Set(out)];
}
