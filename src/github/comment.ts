// The one sticky PR comment: found again by a hidden marker across every page of the PR's comments,
// edited in place, created only when there is something to say (per `comment:` mode). A 403 (a fork's
// read-only token, a missing permission) becomes a warning naming the permission to grant: a reporter
// never changes the verdict.
import type { Logger } from '../logger.js';
import type { GitHubClient } from './client.js';
import { httpStatusOf } from './client.js';

export const COMMENT_MARKER = '<!-- gatehouse:comment -->';

/**
 * The marker of a scan's comment: one per folder scanned (`root`, the report's source.root). A
 * monorepo's CI job per folder keeps its own comment: with one marker the last job to finish
 * overwrote the others', and a passed folder's comment hid a failed one's.
 */
export function commentMarker(root?: string): string {
  return root ? `<!-- gatehouse:comment root=${encodeURIComponent(root)} -->` : COMMENT_MARKER;
}
/** GitHub refuses an issue comment body longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What the markdown renderer may use: the limit minus the marker line and a safety margin. */
export const COMMENT_BODY_BUDGET = GITHUB_COMMENT_LIMIT - COMMENT_MARKER.length - 512;

export type CommentMode = 'always' | 'on-failure' | 'never';

export interface StickyCommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export type CommentOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; url: string; id: number }
  | { action: 'skipped'; reason: string }
  | { action: 'forbidden'; warning: string };

/** The full comment text: the hidden marker first, then the body, cut hard at GitHub's limit. */
export function withMarker(body: string, marker = COMMENT_MARKER): string {
  const full = `${marker}\n${body}`;
  if (full.length <= GITHUB_COMMENT_LIMIT) return full;
  const note = '\n\n_(cut to fit GitHub\'s comment size limit; see the job summary for the full report)_';
  return full.slice(0, GITHUB_COMMENT_LIMIT - note.length) + note;
}

/** The first comment of ours on the PR, searching page by page and stopping once it is found. */
export async function findStickyComment(
  client: GitHubClient,
  target: StickyCommentTarget,
  marker = COMMENT_MARKER,
): Promise<{ id: number; body: string; url: string } | undefined> {
  for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  })) {
    // The whole first line (an edit in the web UI may end it with CR): another folder's marker is not ours.
    const ours = page.data.find((c) => (c.body ?? '').split(/\r?\n/, 1)[0]!.trim() === marker);
    if (ours) return { id: ours.id, body: ours.body ?? '', url: ours.html_url };
  }
  return undefined;
}

export async function upsertStickyComment(
  client: GitHubClient,
  target: StickyCommentTarget,
  input: { body: string; mode: CommentMode; gatePassed: boolean; marker?: string },
  logger: Logger,
): Promise<CommentOutcome> {
  if (input.mode === 'never') return { action: 'skipped', reason: 'comment: never' };
  const body = withMarker(input.body, input.marker);
  try {
    const existing = await findStickyComment(client, target, input.marker);
    if (existing) {
      // `on-failure` still edits an existing comment, so a fixed PR shows "all clear" instead of a stale failure.
      if (existing.body === body) return { action: 'unchanged', url: existing.url, id: existing.id };
      const res = await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        owner: target.owner,
        repo: target.repo,
        comment_id: existing.id,
        body,
      });
      logger.info(`updated the Gatehouse comment: ${res.data.html_url}`);
      return { action: 'updated', url: res.data.html_url, id: Number(res.data.id) };
    }
    if (input.mode === 'on-failure' && input.gatePassed) {
      return { action: 'skipped', reason: 'comment: on-failure and the gate passed' };
    }
    const res = await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      body,
    });
    logger.info(`created the Gatehouse comment: ${res.data.html_url}`);
    return { action: 'created', url: res.data.html_url, id: Number(res.data.id) };
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 403 || status === 404) {
      const warning = permissionWarning('write the pull request comment', status, error, ['pull-requests: write', 'issues: write'], 'the comment is skipped (the job summary has the report)');
      logger.warning(warning);
      return { action: 'forbidden', warning };
    }
    throw error;
  }
}

/**
 * A warning for a refused GitHub call that names the permission to grant. Pull requests from forks
 * get a read-only token whatever the workflow asks for; the message says that too.
 */
export function permissionWarning(what: string, status: number, error: unknown, permissions: string[], consequence: string): string {
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const grant = permissions.map((p) => `\`${p}\``).join(' (or ') + (permissions.length > 1 ? ')' : '');
  return (
    `Gatehouse could not ${what} (HTTP ${status}: ${detail}). ` +
    `Grant the workflow ${grant} in its \`permissions:\`; pull requests from forks get a read-only token, ` +
    `so there ${consequence}. The gate verdict is unchanged.`
  );
}
