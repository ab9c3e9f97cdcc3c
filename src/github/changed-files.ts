// The files a pull request changed, from the REST API (paginated, 100 per page). They pick the
// affected services and narrow what counts as "introduced".
import type { Logger } from '../logger.js';
import type { GitHubClient } from './client.js';

/** GitHub lists at most 3000 files for a pull request; a longer list is cut without notice. */
export const GITHUB_PR_FILES_LIMIT = 3000;

export interface PullRequestRef {
  owner: string;
  repo: string;
  pullNumber: number;
}

export interface ChangedFiles {
  /** Repository-relative paths (renames list both the new and the old path). */
  files: string[];
  /** True when GitHub's 3000-file cap may have cut the list: callers then scan everything. */
  truncated: boolean;
}

export async function listChangedFiles(client: GitHubClient, pr: PullRequestRef, logger: Logger): Promise<ChangedFiles> {
  const files = new Set<string>();
  let count = 0;
  for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: 100,
  })) {
    for (const file of page.data) {
      count++;
      files.add(file.filename);
      if (file.previous_filename) files.add(file.previous_filename);
    }
  }
  const truncated = count >= GITHUB_PR_FILES_LIMIT;
  if (truncated) {
    logger.warning(
      `pull request #${pr.pullNumber} changes ${GITHUB_PR_FILES_LIMIT} or more files, more than GitHub lists; scanning every service`,
    );
  }
  return { files: [...files].sort(), truncated };
}
