// A monorepo's CI job per folder (`working-directory: services/web`, `services/api`) on one pull
// request, through the built action against the GitHub stand-in. GitHub lists the PR's files from
// the repository's top; each job must count its own folder's, compare with the same folder at the
// merge base, keep its own comment, and name files as GitHub does. Before: a job whose folder the PR
// did not touch stopped with a config error (no listed path in "the repository"), the merge base was
// scanned whole (every finding of the folder "new"), and every job edited the same comment.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/github/comment.js';
import { ScanReportSchema } from '../../src/report/scan-report.js';
import { githubStandInPerTest, OWNER, PLANTED, pullRequestEvent, REPO, runDist, STAND_IN_TOKEN as TOKEN, type TestRepo } from './harness.js';

const PR = 9;
const startStandIn = githubStandInPerTest();

/**
 * main: services/web (with a Dockerfile that runs as root: a finding already there) and services/api;
 * the PR plants secrets in services/web/config.js. No config file: each folder is one service.
 */
function monorepo(change: 'config' | 'code' = 'code'): TestRepo {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-action-folders-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } })
      .toString()
      .trim();
  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
  };
  git('init', '-q', '-b', 'main');
  write({
    'services/web/package.json': '{ "name": "web", "version": "1.0.0" }\n',
    'services/web/config.js': 'export const region = "eu-west-1";\n',
    'services/web/Dockerfile': 'FROM node:20.11.1-alpine\nCOPY . /app\nCMD ["node", "/app/index.js"]\n',
    'services/api/package.json': '{ "name": "api", "version": "1.0.0" }\n',
    'services/api/index.js': 'export const port = 8080;\n',
    'services/docs/package.json': '{ "name": "docs", "version": "1.0.0" }\n',
    '.gatehouse.yml': 'gate:\n  fail-on: high\n',
  });
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  const baseSha = git('rev-parse', 'HEAD');
  git('checkout', '-q', '-b', 'feature');
  if (change === 'config') write({ '.gatehouse.yml': 'gate:\n  fail-on: medium\n' });
  else write({
    'services/web/config.js': `export const region = "eu-west-1";\nexport const awsAccessKeyId = "${PLANTED.awsKeyId}";\nexport const awsSecretAccessKey = "${PLANTED.awsSecret}";\n`,
    'services/api/index.js': 'export const port = Number(process.env.PORT ?? 8080);\n',
  });
  git('add', '-A');
  git('commit', '-q', '-m', 'add config');
  const headSha = git('rev-parse', 'HEAD');
  return {
    dir,
    baseSha,
    headSha,
    changedFiles: change === 'config' ? ['.gatehouse.yml'] : ['services/api/index.js', 'services/web/config.js'],
    checkout: (ref) => void git('checkout', '-q', ref),
    commit: () => {
      throw new Error('not used');
    },
  };
}

describe("dist/index.js: a monorepo's job per folder on one pull request", () => {
  it('each job gates its own folder, compares with that folder at the merge base, keeps its own comment and names files from the top', async () => {
    const repo = monorepo();
    const standIn = await startStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { [PR]: repo.changedFiles } });
    const event = pullRequestEvent(repo, { number: PR });

    const web = await runDist({ repo, apiUrl: standIn.url, event, inputs: { 'github-token': TOKEN, 'working-directory': 'services/web' } });
    expect(web.code, web.stdout + web.stderr).toBe(1);
    const webReport = ScanReportSchema.parse(JSON.parse(readFileSync(web.outputs['report-file'], 'utf8')));
    expect(webReport.source.root).toBe('services/web');
    expect(webReport.comparison).toMatchObject({ baseline: 'rescan', changedFiles: true, changedFilesOutsideRoot: 1 });
    // The secrets are new; the Dockerfile's root user was there at the merge base of the same folder.
    const introduced = webReport.findings.filter((f) => f.status === 'introduced').map((f) => f.ruleId).sort();
    expect(introduced.length).toBeGreaterThan(0);
    expect(introduced.every((id) => id.startsWith('aws-'))).toBe(true);
    const rootUser = webReport.findings.find((f) => f.ruleId === 'docker-root-user');
    expect(rootUser?.location.path).toBe('Dockerfile');
    expect(rootUser?.status).toBe('existing');
    // Annotations, SARIF and the comment's links name the file from the repository's top.
    expect(web.stdout).toMatch(/::error title=Gatehouse%3A aws-access-key-id \(gatehouse-secrets\),file=services\/web\/config\.js,line=2,endLine=2::/);
    const sarif = JSON.parse(readFileSync(web.outputs['sarif-file'], 'utf8')) as {
      runs: { automationDetails: { id: string }; results: { locations?: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    // Its own code-scanning categories: another folder's upload for the commit does not close its alerts.
    expect(sarif.runs.length).toBeGreaterThan(0);
    expect(sarif.runs.map((r) => r.automationDetails.id).every((id) => id.endsWith('/root=services/web/'))).toBe(true);
    // The SARIF says what the comment says: this scan covers the folder only, and what it left to others.
    const notes = (sarif as unknown as { runs: { invocations?: { toolExecutionNotifications?: { message: { text: string } }[] }[] }[] }).runs.flatMap((r) =>
      (r.invocations ?? []).flatMap((i) => (i.toolExecutionNotifications ?? []).map((n) => n.message.text)),
    );
    expect(notes).toContain('This verdict covers the folder services/web only; 1 of the files this change touches lie outside it: a scan of their folder gates them, and if none runs they are not scanned.');
    const uris = sarif.runs.flatMap((r) => r.results.flatMap((x) => (x.locations ?? []).map((l) => l.physicalLocation.artifactLocation.uri)));
    expect(uris).toContain('services/web/config.js');
    expect(uris).toContain('services/web/Dockerfile');
    expect(uris.every((u) => u.startsWith('services/web/'))).toBe(true);

    const api = await runDist({ repo, apiUrl: standIn.url, event, inputs: { 'github-token': TOKEN, 'working-directory': 'services/api' }, runId: '1002' });
    expect(api.code, api.stdout + api.stderr).toBe(0);
    const apiReport = ScanReportSchema.parse(JSON.parse(readFileSync(api.outputs['report-file'], 'utf8')));
    expect(apiReport.source.root).toBe('services/api');
    expect(apiReport.comparison.changedFilesOutsideRoot).toBe(1);
    expect(apiReport.findings.filter((f) => f.status === 'introduced')).toEqual([]);

    // A folder the PR does not touch: it passes and adds no comment of its own (a matrix of many
    // folders would add one per folder to every PR).
    const docs = await runDist({ repo, apiUrl: standIn.url, event, inputs: { 'github-token': TOKEN, 'working-directory': 'services/docs' }, runId: '1003' });
    expect(docs.code, docs.stdout + docs.stderr).toBe(0);
    const docsReport = ScanReportSchema.parse(JSON.parse(readFileSync(docs.outputs['report-file'], 'utf8')));
    expect(docsReport.comparison).toMatchObject({ baseline: 'none', changedFilesOutsideRoot: 2 });
    expect(docsReport.services).toEqual([]);
    // Nothing of it is scanned, so no base is fetched or rescanned, and no "no base" warning is printed.
    expect(docs.stdout).toContain('baseline: none needed (no file of this change lies in services/docs');
    expect(docs.stdout).not.toContain('re-scanning the merge base');
    expect(docs.stdout + docs.stderr).not.toMatch(/::warning::.*base/);
    expect(docs.stdout).not.toContain('No baseline scan was available');

    // Two comments: the api job's pass did not overwrite the web job's failure.
    const comments = standIn.comments.get(PR) ?? [];
    expect(comments).toHaveLength(2);
    const [webComment, apiComment] = comments.map((c) => c.body);
    expect(webComment.split('\n')[0]).toBe(commentMarker('services/web'));
    expect(webComment).toContain('## Gatehouse security gate \\(services/web\\)');
    expect(webComment).toContain('Failed');
    expect(webComment).toContain(`https://github.com/${OWNER}/${REPO}/blob/${repo.headSha}/services/web/config.js#L2`);
    expect(webComment).toContain('This verdict covers the folder services/web only; 1 of the files this change touches lie outside it');
    expect(apiComment.split('\n')[0]).toBe(commentMarker('services/api'));
    expect(apiComment).toContain('Passed');
    expect(apiComment).toMatch(/covers the folder services\/api only; 1 of the files this change touches lie outside it/);
    for (const text of [web.stdout, web.stderr, api.stdout, ...comments.map((c) => c.body), ...Object.values(web.files)]) {
      for (const secret of [PLANTED.awsKeyId, PLANTED.awsSecret]) expect(text.includes(secret)).toBe(false);
    }
  });
  it("a PR that edits only the folders' shared config re-gates each folder, head and merge base alike", async () => {
    const repo = monorepo('config');
    const standIn = await startStandIn({ owner: OWNER, repo: REPO, token: TOKEN, pullFiles: { [PR]: repo.changedFiles } });
    const event = pullRequestEvent(repo, { number: PR });
    const web = await runDist({ repo, apiUrl: standIn.url, event, inputs: { 'github-token': TOKEN, 'working-directory': 'services/web', config: '../../.gatehouse.yml' } });
    const report = ScanReportSchema.parse(JSON.parse(readFileSync(web.outputs['report-file'], 'utf8')));
    expect(web.stdout).toContain('the change edits the config or the ignore file: every service is scanned');
    expect(report.services.map((s) => s.name)).toEqual(['web']);
    expect(report.comparison.baseline).toBe('rescan');
    // The merge base was scanned whole too: the root user it already had is existing, not new.
    expect(report.findings.find((f) => f.ruleId === 'docker-root-user')?.status).toBe('existing');
  });
});
