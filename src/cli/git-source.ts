// Where a CLI scan came from, read from git when the scanned folder is in a work tree: the commit
// checked out and the branch (`refs/heads/main`). The dashboard shows both for every scan it is
// pushed, so a report made by `gatehouse scan` on a laptop or another CI names its code like the
// action's do. Nothing is read when git is missing or the folder is not in a repository. The
// `origin` remote URL is read only for the repository's name (repository-name.ts keeps its host and
// path, never a credential it may carry). The folder scanned, when it is not the work tree's top
// (a monorepo's CI job per folder), is the report's `source.root` (the action reads it here too).
import { execFileSync } from 'node:child_process';
import type { ScanReport } from '../report/scan-report.js';
import { normalizeRepoPath } from '../services/repo-path.js';

function git(dir: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
      // Reading HEAD must not take the index lock of a repository someone is working in.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * `{ commit, ref, root }` of the work tree `dir` is in (ref absent on a detached HEAD, root absent at
 * the work tree's top); `{}` outside git.
 */
export function gitSource(dir: string): ScanReport['source'] {
  const commit = git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return {};
  const ref = git(dir, ['symbolic-ref', '--quiet', 'HEAD']);
  const root = gitScanRoot(dir);
  return { commit, ...(ref && ref.startsWith('refs/') ? { ref } : {}), ...(root ? { root } : {}) };
}

/**
 * The folder `dir` is within its git work tree, in the report's one form (`services/api`; git says
 * `services/api/`): '' at the top, undefined outside a work tree.
 */
export function gitScanRoot(dir: string): string | undefined {
  // One call answers both: "true" then the prefix (an empty line at the top).
  const [inside, prefix = ''] = (git(dir, ['rev-parse', '--is-inside-work-tree', '--show-prefix']) ?? '').split('\n');
  return inside === 'true' ? normalizeRepoPath(prefix) : undefined;
}

/** The `origin` remote's URL of the work tree `dir` is in, as git would fetch it; undefined when none. */
export function originUrl(dir: string): string | undefined {
  return git(dir, ['remote', 'get-url', 'origin']);
}
