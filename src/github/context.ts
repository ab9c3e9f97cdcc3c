// What the action knows about its run, read from the runner's environment and the event payload file
// (GITHUB_EVENT_PATH), validated with zod: only the fields Gatehouse uses, so an unrelated payload
// change cannot break it. Read on demand, never at import.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const PullRequestPayloadSchema = z.object({
  pull_request: z.object({
    number: z.number().int().positive(),
    base: z.object({ sha: z.string().min(7), ref: z.string() }),
    head: z.object({
      sha: z.string().min(7),
      ref: z.string(),
      repo: z.object({ full_name: z.string() }).nullable().optional(),
    }),
  }),
  repository: z.object({ full_name: z.string(), default_branch: z.string().optional() }),
});

const RepositoryPayloadSchema = z.object({
  repository: z.object({ full_name: z.string(), default_branch: z.string().optional() }).optional(),
});

export interface PullRequestInfo {
  number: number;
  baseSha: string;
  baseRef: string;
  headSha: string;
  headRef: string;
  /** The head branch lives in another repository: the token is read-only. */
  fromFork: boolean;
}

export interface GitHubRunContext {
  eventName: string;
  owner: string;
  repo: string;
  /** owner/name */
  repository: string;
  sha: string;
  ref: string;
  runId: string;
  runAttempt: string;
  apiUrl: string;
  serverUrl: string;
  workspace: string;
  runnerTemp: string;
  defaultBranch?: string;
  pullRequest?: PullRequestInfo;
  /** Link to this run (the comment links here for the full report). */
  runUrl: string;
}

export function readGitHubContext(env: NodeJS.ProcessEnv): GitHubRunContext {
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new ConfigError(`${name} is not set: Gatehouse's action must run inside GitHub Actions (or a test that sets the runner's variables)`);
    return v;
  };
  const repository = need('GITHUB_REPOSITORY');
  const [owner, repo] = repository.split('/');
  const eventName = need('GITHUB_EVENT_NAME');
  let payload: unknown = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as unknown;
    } catch (error) {
      throw new ConfigError(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let pullRequest: PullRequestInfo | undefined;
  let defaultBranch = RepositoryPayloadSchema.safeParse(payload).data?.repository?.default_branch;
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const parsed = PullRequestPayloadSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`the ${eventName} event payload has no usable ${issue.path.join('.')}: ${issue.message}`);
    }
    const pr = parsed.data.pull_request;
    defaultBranch = parsed.data.repository.default_branch;
    pullRequest = {
      number: pr.number,
      baseSha: pr.base.sha,
      baseRef: pr.base.ref,
      headSha: pr.head.sha,
      headRef: pr.head.ref,
      fromFork: !!pr.head.repo && pr.head.repo.full_name !== parsed.data.repository.full_name,
    };
  }
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = env.GITHUB_RUN_ID ?? '0';
  return {
    eventName,
    owner,
    repo,
    repository,
    sha: env.GITHUB_SHA ?? pullRequest?.headSha ?? '',
    ref: env.GITHUB_REF ?? '',
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? '',
    defaultBranch,
    pullRequest,
    runUrl: `${serverUrl}/${repository}/actions/runs/${runId}`,
  };
}
