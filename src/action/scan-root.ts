// The folder of the repository the action scans (`source.root`), so a monorepo's matrix of one job
// per folder (`working-directory: services/a`, `services/b`) sends snapshots that each speak for
// their own folder only: the dashboard retires a service only from a snapshot of a folder holding it.
import path from 'node:path';
import { gitScanRoot } from '../cli/git-source.js';
import { filesTouchedByRange } from '../scanners/gatehouse-secrets/history.js';
import { normalizeChangedFiles, type ChangedFiles } from '../services/changed-files.js';
import { normalizeRepoPath } from '../services/repo-path.js';

/**
 * git's prefix of the scanned folder (right also when the checkout is not the workspace's top, as
 * with actions/checkout's `path:`); outside git, the folder relative to GITHUB_WORKSPACE. Undefined
 * for the top, and for a folder outside the workspace (nothing sensible to name).
 */
export function actionScanRoot(workspace: string, scanned: string): string | undefined {
  const fromGit = gitScanRoot(scanned);
  if (fromGit !== undefined) return fromGit || undefined;
  const relative = path.relative(path.resolve(workspace), path.resolve(scanned));
  if (path.isAbsolute(relative)) return undefined;
  return normalizeRepoPath(relative.split(path.sep).join('/')) || undefined;
}

/**
 * Whether a pull request touches the folder scanned: a file GitHub lists, or one a commit of the PR
 * touched (the secret history reads those). An untouched folder's job scans nothing of it, so a
 * base to compare with (the merge base rescanned, the dashboard's snapshot) would be work for
 * nothing, and its "no base" warning noise on every PR of a monorepo's matrix.
 */
export function changeTouchesFolder(repoRoot: string, root: string, changed: ChangedFiles, range: string | undefined): boolean {
  if (changed.files.length > 0) return true;
  if (range === undefined) return false;
  let ofRange: string[] | undefined;
  try {
    ofRange = filesTouchedByRange(repoRoot, range);
  } catch {
    return true; // an unreadable range: the scan says so, with the base it would have had
  }
  return ofRange === undefined || normalizeChangedFiles(repoRoot, ofRange, { scanRoot: root, from: 'repository' }).files.length > 0;
}
