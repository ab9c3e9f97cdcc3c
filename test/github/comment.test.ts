import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { COMMENT_MARKER, commentMarker, GITHUB_COMMENT_LIMIT, upsertStickyComment, withMarker } from '../../src/github/comment.js';
import { listChangedFiles } from '../../src/github/changed-files.js';
import { createMemoryLogger } from '../../src/logger.js';
import { otherComments, startGitHubStandIn, type GitHubStandIn } from './stand-in/github-stand-in.js';

const owner = 'acme';
const repo = 'shop';
const TOKEN = 'test-token-not-a-secret';
let standIn: GitHubStandIn | undefined;

afterEach(async () => {
  if (standIn) {
    expect(standIn.violations).toEqual([]);
    await standIn.close();
    standIn = undefined;
  }
});

function client(url: string, logger = createMemoryLogger()) {
  return createGitHubClient({ token: TOKEN, baseUrl: url, logger, retryAfterBaseValue: 1 });
}

describe('sticky PR comment', () => {
  it('creates one comment, then edits it in place on the next run (still one)', async () => {
    standIn = await startGitHubStandIn({ owner, repo, token: TOKEN });
    const gh = client(standIn.url);
    const first = await upsertStickyComment(gh, { owner, repo, issueNumber: 7 }, { body: 'gate failed', mode: 'always', gatePassed: false }, createMemoryLogger());
    expect(first.action).toBe('created');
    const second = await upsertStickyComment(gh, { owner, repo, issueNumber: 7 }, { body: 'all clear', mode: 'always', gatePassed: true }, createMemoryLogger());
    expect(second.action).toBe('updated');
    const list = standIn.comments.get(7) ?? [];
    expect(list).toHaveLength(1);
    expect(list[0].body).toBe(`${COMMENT_MARKER}\nall clear`);
    expect(first.action !== 'skipped' && first.action !== 'forbidden' && first.url).toContain('#issuecomment-');
  });

  it("a monorepo's job per folder keeps its own comment: one folder's pass does not overwrite another's failure", async () => {
    standIn = await startGitHubStandIn({ owner, repo, token: TOKEN });
    const gh = client(standIn.url);
    const post = (root: string | undefined, body: string, gatePassed: boolean) =>
      upsertStickyComment(gh, { owner, repo, issueNumber: 7 }, { body, mode: 'always', gatePassed, marker: commentMarker(root) }, createMemoryLogger());
    expect((await post('services/web', 'web failed', false)).action).toBe('created');
    expect((await post('services/api', 'api passed', true)).action).toBe('created');
    expect((await post(undefined, 'whole repository', true)).action).toBe('created');
    // Each folder's next run edits its own comment.
    expect((await post('services/api', 'api passed again', true)).action).toBe('updated');
    const bodies = (standIn.comments.get(7) ?? []).map((c) => c.body);
    expect(bodies).toEqual([`${commentMarker('services/web')}\nweb failed`, `${commentMarker('services/api')}\napi passed again`, `${COMMENT_MARKER}\nwhole repository`]);
    // A folder named to close the HTML comment early stays inside the marker.
    expect(commentMarker('a-->b')).toBe('<!-- gatehouse:comment root=a--%3Eb -->');
  });

  it('finds its marker behind 150 earlier comments (second page) and does not add another', async () => {
    const earlier = otherComments(150);
    standIn = await startGitHubStandIn({ owner, repo, comments: { 9: [...earlier] } });
    const gh = client(standIn.url);
    await upsertStickyComment(gh, { owner, repo, issueNumber: 9 }, { body: 'v1', mode: 'always', gatePassed: false }, createMemoryLogger());
    standIn.requests.length = 0;
    const again = await upsertStickyComment(gh, { owner, repo, issueNumber: 9 }, { body: 'v2', mode: 'always', gatePassed: false }, createMemoryLogger());
    expect(again.action).toBe('updated');
    expect(standIn.comments.get(9)).toHaveLength(151);
    const listCalls = standIn.requests.filter((r) => r.operationId === 'issues/list-comments');
    expect(listCalls.map((r) => r.path)).toEqual([
      '/repos/acme/shop/issues/9/comments?per_page=100',
      '/repos/acme/shop/issues/9/comments?per_page=100&page=2',
    ]);
  });

  it('does not write again when the body is unchanged', async () => {
    standIn = await startGitHubStandIn({ owner, repo });
    const gh = client(standIn.url);
    await upsertStickyComment(gh, { owner, repo, issueNumber: 3 }, { body: 'same', mode: 'always', gatePassed: false }, createMemoryLogger());
    standIn.requests.length = 0;
    const r = await upsertStickyComment(gh, { owner, repo, issueNumber: 3 }, { body: 'same', mode: 'always', gatePassed: false }, createMemoryLogger());
    expect(r.action).toBe('unchanged');
    expect(standIn.requests.map((x) => x.method)).toEqual(['GET']);
  });

  it('on-failure: no new comment on a passing PR, but an existing one is still updated to all clear', async () => {
    standIn = await startGitHubStandIn({ owner, repo });
    const gh = client(standIn.url);
    const passingFirst = await upsertStickyComment(gh, { owner, repo, issueNumber: 4 }, { body: 'ok', mode: 'on-failure', gatePassed: true }, createMemoryLogger());
    expect(passingFirst.action).toBe('skipped');
    expect(standIn.comments.get(4) ?? []).toHaveLength(0);
    await upsertStickyComment(gh, { owner, repo, issueNumber: 4 }, { body: 'failed', mode: 'on-failure', gatePassed: false }, createMemoryLogger());
    const fixed = await upsertStickyComment(gh, { owner, repo, issueNumber: 4 }, { body: 'all clear', mode: 'on-failure', gatePassed: true }, createMemoryLogger());
    expect(fixed.action).toBe('updated');
    expect(standIn.comments.get(4)?.[0].body).toContain('all clear');
  });

  it('never: makes no request at all', async () => {
    standIn = await startGitHubStandIn({ owner, repo });
    const r = await upsertStickyComment(client(standIn.url), { owner, repo, issueNumber: 4 }, { body: 'x', mode: 'never', gatePassed: false }, createMemoryLogger());
    expect(r.action).toBe('skipped');
    expect(standIn.requests).toHaveLength(0);
  });

  it("turns a fork's 403 into a warning that names the permission", async () => {
    standIn = await startGitHubStandIn({ owner, repo, forbidCommentWrites: true });
    const logger = createMemoryLogger();
    const r = await upsertStickyComment(client(standIn.url), { owner, repo, issueNumber: 5 }, { body: 'x', mode: 'always', gatePassed: false }, logger);
    expect(r.action).toBe('forbidden');
    expect(logger.lines.join('\n')).toMatch(/warning: .*`pull-requests: write`.*`issues: write`.*verdict is unchanged/);
  });

  it('keeps the body under GitHub\'s 65,536-character limit', () => {
    const body = withMarker('x'.repeat(100_000));
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('job summary');
  });
});

describe('changed files of a pull request', () => {
  it('reads every page (250 files -> 3 requests)', async () => {
    const files = Array.from({ length: 250 }, (_, i) => `services/s${i % 5}/f${i}.ts`);
    standIn = await startGitHubStandIn({ owner, repo, pullFiles: { 12: files } });
    const r = await listChangedFiles(client(standIn.url), { owner, repo, pullNumber: 12 }, createMemoryLogger());
    expect(r.files).toHaveLength(250);
    expect(r.truncated).toBe(false);
    expect(standIn.requests).toHaveLength(3);
  });

  it('warns when GitHub\'s 3000-file cap may have cut the list', async () => {
    const files = Array.from({ length: 3000 }, (_, i) => `f${i}`);
    standIn = await startGitHubStandIn({ owner, repo, pullFiles: { 13: files } });
    const logger = createMemoryLogger();
    const r = await listChangedFiles(client(standIn.url, logger), { owner, repo, pullNumber: 13 }, logger);
    expect(r.truncated).toBe(true);
    expect(logger.lines.join('\n')).toContain('scanning every service');
  });
});

describe('the GitHub stand-in checks requests against the OpenAPI description', () => {
  it('records an invalid body and an unknown endpoint as violations', async () => {
    const s = await startGitHubStandIn({ owner, repo });
    try {
      const bad = await fetch(`${s.url}/repos/acme/shop/issues/1/comments`, { method: 'POST', body: JSON.stringify({ text: 'no body field' }) });
      expect(bad.status).toBe(422);
      const unknown = await fetch(`${s.url}/repos/acme/shop/not-an-endpoint`);
      expect(unknown.status).toBe(404);
      const badQuery = await fetch(`${s.url}/repos/acme/shop/issues/1/comments?per_page=lots`);
      expect(badQuery.status).toBe(200);
      expect(s.violations).toHaveLength(3);
      expect(s.violations[0]).toMatch(/invalid body: .*must have required property 'body'/);
      expect(s.violations[1]).toMatch(/no such endpoint/);
      expect(s.violations[2]).toMatch(/per_page=lots is not a integer/);
    } finally {
      await s.close();
    }
  });
});

describe('the GitHub client survives a flaky API', () => {
  it('retries 502s (retry plugin) and succeeds', async () => {
    standIn = await startGitHubStandIn({ owner, repo, pullFiles: { 14: ['a.ts'] }, failNext: { count: 2, status: 502, message: 'Server Error' } });
    const r = await listChangedFiles(client(standIn.url), { owner, repo, pullNumber: 14 }, createMemoryLogger());
    expect(r.files).toEqual(['a.ts']);
    expect(standIn.requests.map((x) => x.status)).toEqual([502, 502, 200]);
  });

  it('waits out a secondary rate limit (throttling plugin) and says so', async () => {
    standIn = await startGitHubStandIn({
      owner,
      repo,
      failNext: { count: 1, status: 403, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', headers: { 'retry-after': '1' } },
    });
    const logger = createMemoryLogger();
    const r = await upsertStickyComment(client(standIn.url, logger), { owner, repo, issueNumber: 15 }, { body: 'x', mode: 'always', gatePassed: false }, logger);
    expect(r.action).toBe('created');
    expect(standIn.requests.map((x) => x.status)).toEqual([403, 200, 201]);
    expect(logger.lines.join('\n')).toMatch(/secondary rate limit hit on GET/);
  });
});
