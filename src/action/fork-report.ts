// Fork pull requests without `pull_request_target` hazards. A fork's PR runs under `pull_request`
// with a read-only token and no secrets: it scans and uploads its JSON report as an artifact. A
// separate `workflow_run` workflow (trusted: the base repository's code, a write token, secrets)
// then runs the action with `mode: publish-fork-report`, which never checks out or runs PR code:
// it downloads that artifact through the REST API and only after validating it (size, digest,
// schema, the run and commit it came from, the PR that commit heads) comments and pushes it.
// Everything in the artifact is untrusted input; any mismatch refuses it.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { ScanReportSchema, type ScanReport } from '../report/scan-report.js';
import type { GitHubClient } from '../github/client.js';
import { readZipEntries, ZipError } from '../github/zip.js';

export const REPORT_ARTIFACT_NAME = 'gatehouse-report';
export const REPORT_FILE_NAME = 'gatehouse-report.json';
/** A report of tens of thousands of findings is a few MB; anything far bigger is not ours. */
export const MAX_REPORT_BYTES = 25 * 1024 * 1024;

export class ArtifactRefusedError extends Error {
  override name = 'ArtifactRefusedError';
}

/** The parts of the workflow_run event this mode reads (validated: the payload is outside input). */
export const WorkflowRunPayloadSchema = z.object({
  workflow_run: z.object({
    id: z.number().int().positive(),
    head_sha: z.string().regex(/^[0-9a-f]{40}$/),
    event: z.string(),
    conclusion: z.string().nullable().optional(),
  }),
});
export type WorkflowRunPayload = z.infer<typeof WorkflowRunPayloadSchema>;

const ArtifactListSchema = z.object({
  artifacts: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      size_in_bytes: z.number(),
      expired: z.boolean(),
      digest: z.string().nullable().optional(),
      workflow_run: z.object({ id: z.number().optional(), head_sha: z.string().optional() }).nullable().optional(),
    }),
  ),
});

export interface ForkReportTarget {
  owner: string;
  repo: string;
  run: WorkflowRunPayload['workflow_run'];
}

/** Downloads, validates and returns the report the fork's `pull_request` run uploaded; throws ArtifactRefusedError. */
export async function fetchForkReport(github: GitHubClient, target: ForkReportTarget, logger: Logger): Promise<ScanReport> {
  const { owner, repo, run } = target;
  const refuse = (why: string): never => {
    throw new ArtifactRefusedError(`the ${REPORT_ARTIFACT_NAME} artifact of run ${run.id} was refused: ${why}`);
  };
  if (run.event !== 'pull_request') refuse(`run ${run.id} was triggered by ${run.event}, not pull_request`);

  const listed = ArtifactListSchema.parse(
    (await github.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { owner, repo, run_id: run.id, name: REPORT_ARTIFACT_NAME, per_page: 100 })).data,
  );
  const matching = listed.artifacts.filter((a) => a.name === REPORT_ARTIFACT_NAME);
  if (matching.length !== 1) refuse(`expected one artifact named ${REPORT_ARTIFACT_NAME}, found ${matching.length}`);
  const artifact = matching[0];
  if (artifact.expired) refuse('it has expired');
  if (artifact.workflow_run?.id !== undefined && artifact.workflow_run.id !== run.id) refuse(`it belongs to run ${artifact.workflow_run.id}`);
  if (artifact.workflow_run?.head_sha !== undefined && artifact.workflow_run.head_sha !== run.head_sha) refuse(`it was made at ${artifact.workflow_run.head_sha}, the run at ${run.head_sha}`);
  if (artifact.size_in_bytes > MAX_REPORT_BYTES) refuse(`it is ${artifact.size_in_bytes} bytes, over the ${MAX_REPORT_BYTES}-byte limit`);

  const download = await github.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { owner, repo, artifact_id: artifact.id, archive_format: 'zip' });
  const zip = Buffer.from(download.data as ArrayBuffer);
  if (zip.length > MAX_REPORT_BYTES) refuse(`the download is ${zip.length} bytes, over the limit`);
  if (artifact.digest) {
    const actual = `sha256:${createHash('sha256').update(zip).digest('hex')}`;
    if (actual !== artifact.digest) refuse(`the download's digest ${actual} is not the ${artifact.digest} GitHub recorded`);
  }
  let entries: Map<string, Buffer>;
  try {
    entries = readZipEntries(zip, MAX_REPORT_BYTES);
  } catch (error) {
    return refuse(error instanceof ZipError ? error.message : String(error));
  }
  const file = entries.get(REPORT_FILE_NAME);
  if (!file) return refuse(`it holds no ${REPORT_FILE_NAME} (files: ${[...entries.keys()].slice(0, 5).join(', ') || 'none'})`);

  let json: unknown;
  try {
    json = JSON.parse(file.toString('utf8'));
  } catch {
    return refuse(`${REPORT_FILE_NAME} is not JSON`);
  }
  const parsed = ScanReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(`${REPORT_FILE_NAME} is not a Gatehouse scan report: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const report = parsed.data;
  if (report.kind !== 'pr') refuse(`the report is a ${report.kind} scan, not a pull-request scan`);
  if (report.source.commit !== run.head_sha) refuse(`the report says commit ${report.source.commit ?? '(none)'}, the run scanned ${run.head_sha}`);
  if (!report.scanId.startsWith(`gh/${owner}/${repo}/${run.id}/`)) refuse(`the report's scan id ${report.scanId} is not from run ${run.id} of ${owner}/${repo}`);
  const prNumber = report.source.pullRequest;
  if (!prNumber) return refuse('the report names no pull request');
  // workflow_run.pull_requests is empty for forks; the PR is checked through the API instead.
  const pr = await github.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: prNumber });
  const head = (pr.data as { head?: { sha?: string }; state?: string }).head?.sha;
  if (head !== run.head_sha) refuse(`pull request #${prNumber} is at ${head ?? '(unknown)'}, not at the scanned ${run.head_sha}`);
  logger.info(`fork report: run ${run.id}, PR #${prNumber} at ${run.head_sha}: validated (${zip.length} bytes, ${report.findings.length} findings)`);
  return report;
}
