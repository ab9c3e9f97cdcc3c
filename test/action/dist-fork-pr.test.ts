// Fork pull requests: the trusted workflow_run side (mode: publish-fork-report) of the built action
// against the GitHub stand-in, whose artifact endpoints (list, download -> 302 -> blob) are validated
// against GitHub's OpenAPI description like every other. A good artifact is commented; a tampered
// one (another commit, a swapped download, a moved PR head, a foreign run, not a report) is refused
// with nothing commented.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_ARTIFACT_NAME, REPORT_FILE_NAME } from '../../src/action/fork-report.js';
import { commentMarker } from '../../src/github/comment.js';
import { startGitHubStandIn, type GitHubStandIn, type StandInArtifact } from '../github/stand-in/github-stand-in.js';
import { createTestRepo, OWNER, REPO, runDist } from './harness.js';

const require = createRequire(import.meta.url);
const TOKEN = 'ghs_standInTokenForTests0000000000000';
const RUN_ID = 4242;
const PR = 7;
let standIn: GitHubStandIn | undefined;
afterEach(async () => {
  if (standIn) {
    expect(standIn.violations).toEqual([]);
    await standIn.close();
    standIn = undefined;
  }
});

/** A real zip (made by `zip`) holding the report as upload-artifact stores a single file. */
function zipOf(report: unknown, fileName = REPORT_FILE_NAME): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-artifact-'));
  writeFileSync(path.join(dir, fileName), JSON.stringify(report));
  execFileSync('zip', ['-q', '-j', path.join(dir, 'a.zip'), path.join(dir, fileName)]);
  return readFileSync(path.join(dir, 'a.zip'));
}

function forkReport(headSha: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  const report = JSON.parse(readFileSync(new URL('../fixtures/github/scan-report.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  return {
    ...report,
    kind: 'pr',
    scanId: `gh/${OWNER}/${REPO}/${RUN_ID}/1`,
    source: { repository: `${OWNER}/${REPO}`, commit: headSha, pullRequest: PR, runUrl: `https://github.com/${OWNER}/${REPO}/actions/runs/${RUN_ID}` },
    ...patch,
  };
}

function workflowRunEvent(headSha: string): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Record<string, unknown>[] }[];
  const example = structuredClone(all.find((e) => e.name === 'workflow_run')!.examples.find((e) => e.action === 'completed')!) as {
    workflow_run: { id: number; head_sha: string; event: string; pull_requests: unknown[] };
    repository: { full_name: string; name: string; owner: { login: string } };
  };
  example.workflow_run.id = RUN_ID;
  example.workflow_run.head_sha = headSha;
  example.workflow_run.event = 'pull_request';
  example.workflow_run.pull_requests = []; // as GitHub sends it for a fork's PR
  example.repository.full_name = `${OWNER}/${REPO}`;
  example.repository.name = REPO;
  example.repository.owner.login = OWNER;
  return example as unknown as Record<string, unknown>;
}

async function publish(opts: { artifact: (head: string) => Partial<StandInArtifact> & { zip: Buffer }; prHead?: (head: string) => string }) {
  const repo = createTestRepo();
  const head = repo.headSha;
  standIn = await startGitHubStandIn({
    owner: OWNER,
    repo: REPO,
    token: TOKEN,
    pulls: { [PR]: { headSha: opts.prHead ? opts.prHead(head) : head } },
    artifacts: [{ id: 77, name: REPORT_ARTIFACT_NAME, runId: RUN_ID, headSha: head, ...opts.artifact(head) }],
  });
  const run = await runDist({
    repo,
    apiUrl: standIn.url,
    event: workflowRunEvent(head),
    eventName: 'workflow_run',
    inputs: { mode: 'publish-fork-report', 'github-token': TOKEN },
  });
  return { run, head, comments: standIn.comments.get(PR) ?? [], operations: standIn.requests.map((r) => r.operationId ?? r.path) };
}

describe('dist/index.js, mode: publish-fork-report (workflow_run after a fork PR)', () => {
  it('downloads the artifact through the API (list, 302, blob), validates it, then comments on the PR it names', async () => {
    const { run, comments, operations } = await publish({ artifact: (head) => ({ zip: zipOf(forkReport(head)) }) });
    expect(run.stdout).toMatch(/fork report: run 4242, PR #7 at [0-9a-f]{40}: validated/);
    expect(operations.slice(0, 4)).toEqual(['actions/list-workflow-run-artifacts', 'actions/download-artifact', '/_blobs/77', 'pulls/get']);
    expect(comments).toHaveLength(1);
    expect(run.outputs['report-file']).toBeTruthy();
    expect([0, 1]).toContain(run.code); // the fixture's own gate verdict
  });

  it("a folder job's report whose folder the PR does not touch adds no comment (as on a same-repository PR), yet a failing one does", async () => {
    const untouched = (head: string, passed: boolean) =>
      forkReport(head, {
        source: { repository: `${OWNER}/${REPO}`, commit: head, pullRequest: PR, runUrl: `https://github.com/${OWNER}/${REPO}/actions/runs/${RUN_ID}`, root: 'services/docs' },
        services: [],
        findings: [],
        comparison: { baseline: 'none', changedFiles: true, changedFilesOutsideRoot: 2 },
        gate: passed
          ? { passed: true, outcome: 'passed', reasons: [], warnings: [], counted: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 } }
          : { passed: false, outcome: 'scanner-error', reasons: [{ kind: 'scanner-error', message: 'npm-audit could not scan docs' }], warnings: [], counted: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 } },
      });
    const quiet = await publish({ artifact: (head) => ({ zip: zipOf(untouched(head, true)) }) });
    expect(quiet.run.code, quiet.run.stdout + quiet.run.stderr).toBe(0);
    expect(quiet.comments).toEqual([]);
    await standIn!.close();
    standIn = undefined;
    const failing = await publish({ artifact: (head) => ({ zip: zipOf(untouched(head, false)) }) });
    expect(failing.comments).toHaveLength(1);
    expect(failing.comments[0]!.body.split('\n')[0]).toBe(commentMarker('services/docs'));
  });

  const tampered: [string, (head: string) => Partial<StandInArtifact> & { zip: Buffer }, RegExp, ((head: string) => string)?][] = [
    ['a report of another commit', (head) => ({ zip: zipOf(forkReport(head, { source: { commit: 'a'.repeat(40), pullRequest: PR } })) }), /the report says commit a{40}, the run scanned/],
    ['a download swapped after upload (digest)', (head) => ({ zip: zipOf(forkReport(head)), digest: `sha256:${'0'.repeat(64)}` }), /digest sha256:[0-9a-f]{64} is not the sha256:0{64} GitHub recorded/],
    ['a report from another run', (head) => ({ zip: zipOf(forkReport(head, { scanId: `gh/${OWNER}/${REPO}/999/1` })) }), /scan id gh\/acme\/shop\/999\/1 is not from run 4242/],
    ['not a scan report', () => ({ zip: zipOf({ schema: 'gatehouse/scan-report', version: 1, findings: 'lots' }) }), /is not a Gatehouse scan report/],
    ['an oversized artifact', (head) => ({ zip: zipOf(forkReport(head)), sizeInBytes: 500 * 1024 * 1024 }), /over the 26214400-byte limit/],
    ['a PR whose head moved on', (head) => ({ zip: zipOf(forkReport(head)) }), /pull request #7 is at b{40}, not at the scanned/, () => 'b'.repeat(40)],
  ];
  for (const [what, artifact, reason, prHead] of tampered) {
    it(`refuses ${what}: exit 1, the reason said, nothing commented`, async () => {
      const { run, comments, operations } = await publish({ artifact, prHead });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/::error::Gatehouse the gatehouse-report artifact of run 4242 was refused: /);
      expect(run.stdout).toMatch(reason);
      expect(comments).toEqual([]);
      expect(operations).not.toContain('issues/create-comment');
    });
  }
});
