// The built action, end to end: dist/index.js as a child process against the GitHub stand-in.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { COMMENT_MARKER } from '../../src/github/comment.js';
import { platformKey } from '../../src/tools/install.js';
import { TRIVY_PIN } from '../../src/tools/pins.js';
import { otherComments, startGitHubStandIn, type GitHubStandIn } from '../github/stand-in/github-stand-in.js';
import { createTestRepo, OWNER, PLANTED, pullRequestEvent, pushEvent, REPO, runDist, type DistRun, type TestRepo } from './harness.js';

const TOKEN = 'ghs_standInTokenForTests0000000000000';
const PR = 7;
let standIn: GitHubStandIn | undefined;

afterEach(async () => {
  if (standIn) {
    // Every request the action made matched GitHub's OpenAPI description.
    expect(standIn.violations).toEqual([]);
    await standIn.close();
    standIn = undefined;
  }
});

function expectNoSecretAnywhere(run: DistRun, s: GitHubStandIn): void {
  const places: [string, string][] = [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
    ...Object.entries(run.files),
    ...s.requests.map((r, i): [string, string] => [`request ${i} ${r.method} ${r.path}`, `${r.path}\n${r.body ?? ''}`]),
    ...[...s.comments.values()].flat().map((c): [string, string] => [`comment ${c.id}`, c.body]),
  ];
  for (const secret of Object.values(PLANTED)) {
    for (const [where, text] of places) expect(text.includes(secret), `${where} holds a planted secret`).toBe(false);
  }
}

const inputs = { 'github-token': TOKEN };

describe('dist/index.js on a pull request', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });

  it('fails the gate on introduced secrets: exit 1, outputs set, one comment, SARIF and report written, no secret leaked', async () => {
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { [PR]: repo.changedFiles } });
    const run = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: PR }), inputs });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs.outcome).toBe('failed');
    expect(Number(run.outputs.critical)).toBe(2);
    expect(Number(run.outputs.high)).toBe(1);
    expect(run.outputs['comment-url']).toMatch(new RegExp(`https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-\\d+`));
    expect(run.stdout).toMatch(/::error::Gatehouse: the gate failed/);

    const report = ScanReportSchema.parse(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8')));
    expect(report.kind).toBe('pr');
    expect(report.comparison.baseline).toBe('rescan');
    expect(report.services.map((s) => s.name)).toEqual(['web']);
    expect(report.source.pullRequest).toBe(PR);
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file'], 'utf8')) as { version: string; runs: unknown[] };
    expect(sarif.version).toBe('2.1.0');
    expect(run.summary).toContain('Gatehouse security gate');
    // Annotations on the changed lines for what the PR introduced.
    expect(run.stdout).toMatch(/::error title=Gatehouse%3A aws-access-key-id \(gatehouse-secrets\),file=services\/web\/config\.js,line=2,endLine=2::CRITICAL — AWS access key id/);

    const comments = standIn.comments.get(PR) ?? [];
    expect(comments).toHaveLength(1);
    expect(comments[0].body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comments[0].body).toContain('Failed');
    expect(standIn.requests.map((r) => r.operationId)).toEqual(['pulls/list-files', 'issues/list-comments', 'issues/create-comment']);
    expectNoSecretAnywhere(run, standIn);

    // The second run (a re-run: another run id, so another link) edits the same comment.
    const before = comments[0].body;
    const again = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: PR }), inputs, runId: '1002' });
    expect(again.code).toBe(1);
    expect(standIn.comments.get(PR)).toHaveLength(1);
    expect(standIn.comments.get(PR)?.[0].body).not.toBe(before);
    expect(standIn.comments.get(PR)?.[0].body).toContain('actions/runs/1002');
    expect(standIn.requests.slice(-2).map((r) => r.operationId)).toEqual(['issues/list-comments', 'issues/update-comment']);
    expectNoSecretAnywhere(again, standIn);

    // The author deletes the secrets in a new commit: they stay in the PR's history, public for good,
    // so the gate still fails and names the commit that added them (rotate, then rewrite the branch).
    const addedIn = repo.headSha;
    repo.commit({ 'services/web/config.js': 'export const region = "eu-west-1";\nexport const awsAccessKeyId = process.env.AWS_ACCESS_KEY_ID;\n' }, 'read keys from the environment');
    const deleted = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: PR }), inputs, runId: '1003' });
    expect(deleted.code, deleted.stdout).toBe(1);
    expect(deleted.outputs.critical).toBe('2');
    expect(standIn.comments.get(PR)?.[0].body).toContain(addedIn.slice(0, 12));
    expectNoSecretAnywhere(deleted, standIn);

    // The branch rewritten without them (reset to the base, one clean commit): "all clear", the gate passes.
    execFileSync('git', ['checkout', '-q', '-B', 'feature', repo.baseSha], { cwd: repo.dir });
    repo.commit({ 'services/web/config.js': 'export const region = "eu-west-1";\nexport const awsAccessKeyId = process.env.AWS_ACCESS_KEY_ID;\n' }, 'read keys from the environment');
    const fixed = await runDist({ repo, apiUrl: standIn.url, event: pullRequestEvent(repo, { number: PR }), inputs, runId: '1004' });
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.outputs.passed).toBe('true');
    expect(fixed.outputs.critical).toBe('0');
    expect(standIn.comments.get(PR)).toHaveLength(1);
    expect(standIn.comments.get(PR)?.[0].body).toMatch(/all clear/i);
    expect(standIn.comments.get(PR)?.[0].body).toContain('Passed');
  });

  it('finds its comment behind 150 earlier comments (pagination) and updates it instead of adding one', async () => {
    const r = createTestRepo();
    const ours = { id: 42, body: `${COMMENT_MARKER}\nan older Gatehouse comment`, user: 'github-actions[bot]', created_at: '2026-01-02T00:00:00Z', updated_at: '2026-01-02T00:00:00Z' };
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { 8: r.changedFiles }, comments: { 8: [...otherComments(150), ours] } });
    const run = await runDist({ repo: r, apiUrl: standIn.url, event: pullRequestEvent(r, { number: 8 }), inputs });
    expect(run.code).toBe(1);
    expect(standIn.comments.get(8)).toHaveLength(151);
    expect(standIn.comments.get(8)?.[150].body).toContain('Failed');
    expect(standIn.requests.filter((x) => x.operationId === 'issues/list-comments').map((x) => x.path)).toEqual([
      `/repos/${OWNER}/${REPO}/issues/8/comments?per_page=100`,
      `/repos/${OWNER}/${REPO}/issues/8/comments?per_page=100&page=2`,
    ]);
    expect(run.outputs['comment-url']).toContain('#issuecomment-42');
  });

  it("a fork's 403 on the comment becomes a warning naming the permission; the verdict and outputs are unchanged", async () => {
    const r = createTestRepo();
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { 9: r.changedFiles }, forbidCommentWrites: true });
    // A fork's PR also gets no secrets: the dashboard is skipped with a warning, not an error.
    const run = await runDist({ repo: r, apiUrl: standIn.url, event: pullRequestEvent(r, { number: 9, fork: true }), inputs: { ...inputs, 'dashboard-url': 'http://127.0.0.1:9' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::warning::dashboard-url is set but neither dashboard-token nor dashboard-audience/);
    expect(run.stdout).toMatch(/::warning::Gatehouse could not write the pull request comment \(HTTP 403.*`pull-requests: write`/);
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs.critical).toBe('2');
    expect(run.outputs['comment-url']).toBeUndefined();
    expect(standIn.comments.get(9) ?? []).toHaveLength(0);
    expectNoSecretAnywhere(run, standIn);
  });

  it('rescan: a service the PR adds has an empty base; the others are compared with the merge base', async () => {
    const r = createTestRepo();
    const config = readFileSync(`${r.dir}/.gatehouse.yml`, 'utf8').replace('scanners:', '  - name: worker\n    path: services/worker\nscanners:');
    r.commit({ '.gatehouse.yml': config, 'services/worker/package.json': '{ "name": "worker" }\n', 'services/worker/job.js': `const key = "${PLANTED.githubPat}";\n` }, 'add worker');
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { 12: ['.gatehouse.yml', 'services/web/config.js', 'services/worker/package.json', 'services/worker/job.js'] } });
    const run = await runDist({ repo: r, apiUrl: standIn.url, event: pullRequestEvent(r, { number: 12 }), inputs });
    expect(run.code).toBe(1);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8')));
    expect(report.comparison.baseline).toBe('rescan');
    expect(report.services.map((s) => s.name)).toEqual(['api', 'web', 'worker', '(root)']);
    expect(report.findings.filter((f) => f.status === 'introduced').map((f) => `${f.service}:${f.ruleId}`).sort()).toEqual([
      'web:aws-access-key-id',
      'web:aws-secret-access-key',
      'web:github-pat',
      'worker:github-pat',
    ]);
    expectNoSecretAnywhere(run, standIn);
  });

  it('when the changed files cannot be listed, it warns with the permission to grant and scans every service', async () => {
    const r = createTestRepo();
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: {} }); // the files call answers 404
    const run = await runDist({ repo: r, apiUrl: standIn.url, event: pullRequestEvent(r, { number: 13 }), inputs });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::warning::Gatehouse could not list the changed files \(HTTP 404.*`pull-requests: read`.*every service is scanned/);
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8')));
    expect(report.services.map((s) => s.name)).toEqual(['api', 'web', '(root)']);
    expect(standIn.comments.get(13)).toHaveLength(1);
  });

  it('baseline: none says so plainly in the comment and gates on the changed files', async () => {
    const r = createTestRepo();
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { 10: r.changedFiles } });
    const run = await runDist({ repo: r, apiUrl: standIn.url, event: pullRequestEvent(r, { number: 10 }), inputs: { ...inputs, baseline: 'none' } });
    expect(run.code).toBe(1);
    expect(standIn.comments.get(10)?.[0].body).toMatch(/No baseline scan was available/);
  });

  it('a configuration mistake fails with exit 2 and names the input', async () => {
    const r = createTestRepo();
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { 11: r.changedFiles } });
    const run = await runDist({ repo: r, apiUrl: standIn.url, event: pullRequestEvent(r, { number: 11 }), inputs: { ...inputs, 'fail-on': 'severe' } });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/::error::Gatehouse configuration error: .*fail-on/);
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('dist/index.js on a push to the default branch', () => {
  it('a scanner that prints garbage fails closed (exit 3, outcome scanner-error, outputs set); on-scanner-error: warn lets it pass with a warning', async () => {
    const r = createTestRepo();
    r.checkout('main');
    writeFileSync(`${r.dir}/trivy-results.json`, '<html>502 Bad Gateway</html>');
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO });
    const importInput = { import: 'trivy-fs@web=trivy-results.json' };
    const failed = await runDist({ repo: r, apiUrl: standIn.url, event: pushEvent(r.baseSha), eventName: 'push', inputs: importInput });
    expect(failed.code, failed.stdout).toBe(3);
    expect(failed.outputs.outcome).toBe('scanner-error');
    expect(failed.outputs.passed).toBe('false');
    expect(failed.outputs['report-file']).toBeTruthy();
    expect(failed.stdout).toMatch(/::error::Gatehouse: the gate failed: .*trivy-fs/);

    const warned = await runDist({ repo: r, apiUrl: standIn.url, event: pushEvent(r.baseSha), eventName: 'push', inputs: { ...importInput, 'on-scanner-error': 'warn' } });
    expect(warned.code, warned.stdout).toBe(0);
    expect(warned.outputs.passed).toBe('true');
    expect(warned.stdout).toMatch(/::warning::.*trivy-fs/);
    expect(standIn.requests).toHaveLength(0);
  });

  it('a snapshot with findings fails the gate without annotations (there are no changed lines) and without any GitHub call', async () => {
    const r = createTestRepo(); // checked out at the branch with the planted secrets
    standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO });
    const run = await runDist({ repo: r, apiUrl: standIn.url, event: pushEvent(r.headSha), eventName: 'push', inputs: { 'github-token': TOKEN } });
    expect(run.code).toBe(1);
    expect(ScanReportSchema.parse(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8'))).kind).toBe('snapshot');
    expect(run.stdout).not.toMatch(/::(error|warning) title=/);
    expect(standIn.requests).toHaveLength(0);
    expectNoSecretAnywhere(run, standIn);
  });

  it('install-tools refuses a download whose SHA-256 does not match the pin (exit 3, nothing scanned)', async () => {
    const served: string[] = [];
    const mirror = createServer((req, res) => {
      served.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from('not the trivy release archive'));
    });
    await new Promise<void>((ok) => mirror.listen(0, '127.0.0.1', ok));
    try {
      const r = createTestRepo();
      r.checkout('main');
      standIn = await startGitHubStandIn({ owner: OWNER, repo: REPO });
      const port = (mirror.address() as { port: number }).port;
      const run = await runDist({
        repo: r,
        apiUrl: standIn.url,
        event: pushEvent(r.baseSha),
        eventName: 'push',
        inputs: { 'install-tools': 'trivy' },
        extraEnv: { GATEHOUSE_TOOLS_DOWNLOAD_BASE: `http://127.0.0.1:${port}/mirror` },
      });
      expect(run.code).toBe(3);
      const pinned = TRIVY_PIN.archives[platformKey() ?? 'linux-x64'];
      expect(served).toEqual([`/mirror/${TRIVY_PIN.releasePath}/${pinned?.file}`]);
      expect(run.stdout).toContain(`::error::Gatehouse could not install a scanner: trivy: refusing to use ${pinned?.file}: its SHA-256 is `);
      expect(run.stdout).toContain(`but Gatehouse pins ${pinned?.sha256} for trivy ${TRIVY_PIN.version}`);
      expect(run.outputs.passed).toBeUndefined();
    } finally {
      await new Promise<void>((ok) => mirror.close(() => ok()));
    }
  });
});
