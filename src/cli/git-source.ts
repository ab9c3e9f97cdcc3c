// Where a CLI scan came from, read from git when the scanned folder is in a work tree: the commit
// checked out and the branch (`refs/heads/main`). The dashboard shows both for every scan it is
// pushed, so a report made by `gatehouse scan` on a laptop or another CI names its code like the
// action's do. Nothing is read when git is missing or the folder is not in a repository. The
// `origin` remote URL is read only for the repository's name (repository-name.ts keeps its host and
// path, never a credential it may carry).
import { execFileSync } from 'node:child_process';
import type { ScanReport } from '../report/scan-report.js';

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

/** `{ commit, ref }` of the work tree `dir` is in (ref absent on a detached HEAD); `{}` outside git. */
export function gitSource(dir: string): ScanReport['source'] {
  const commit = git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return {};
  const ref = git(dir, ['symbolic-ref', '--quiet', 'HEAD']);
  return { commit, ...(ref && ref.startsWith('refs/') ? { ref } : {}) };
}

/** The `origin` remote's URL of the work tree `dir` is in, as git would fetch it; undefined when none. */
export function originUrl(dir: string): string | undefined {
  return git(dir, ['remote', 'get-url', 'origin']);
}
