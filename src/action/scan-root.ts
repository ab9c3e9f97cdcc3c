// The folder of the repository the action scans (`source.root`), so a monorepo's matrix of one job
// per folder (`working-directory: services/a`, `services/b`) sends snapshots that each speak for
// their own folder only: the dashboard retires a service only from a snapshot of a folder holding it.
import path from 'node:path';
import { gitScanRoot } from '../cli/git-source.js';
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
