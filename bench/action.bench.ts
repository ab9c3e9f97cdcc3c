// The action's figures (printed, not asserted):
//   - cold start of dist/index.js: time from spawn to its first line of output, trivial config
//     (target <= 300 ms), and to exit;
//   - GitHub API requests per run on a PR that already has its comment (target <= 3), counted by
//     the OpenAPI-validating stand-in.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMENT_MARKER } from '../src/github/comment.js';
import { otherComments, startGitHubStandIn } from '../test/github/stand-in/github-stand-in.js';
import { createTestRepo, DIST_ENTRY, OWNER, pullRequestEvent, REPO, runDist } from '../test/action/harness.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * A preload that writes the process's own CPU time (user + system) at exit: unlike wall time it
 * hardly changes when other processes load the machine.
 */
const CPU_PRELOAD = path.join(mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-cpu-')), 'cpu.cjs');
writeFileSync(
  CPU_PRELOAD,
  "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(process.env.GATEHOUSE_BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });\n",
);

async function coldStart(workspace: string, measureCpu = false): Promise<{ firstOutputMs: number; exitMs: number; cpuMs: number; code: number | null }> {
  const runDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-'));
  writeFileSync(path.join(runDir, 'out'), '');
  writeFileSync(path.join(runDir, 'event.json'), '{}');
  const cpuFile = path.join(runDir, 'cpu');
  const started = performance.now();
  const child = spawn(process.execPath, [...(measureCpu ? ['--require', CPU_PRELOAD] : []), DIST_ENTRY], {
    cwd: workspace,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: path.join(runDir, 'event.json'),
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: path.join(runDir, 'out'),
      RUNNER_TEMP: runDir,
      'INPUT_JOB-SUMMARY': 'false',
      GATEHOUSE_BENCH_CPU_FILE: cpuFile,
    },
  });
  let firstOutputMs = -1;
  const mark = () => {
    if (firstOutputMs < 0) firstOutputMs = performance.now() - started;
  };
  child.stdout.on('data', mark);
  child.stderr.on('data', mark);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { firstOutputMs, exitMs: performance.now() - started, cpuMs: measureCpu ? Number(readFileSync(cpuFile, 'utf8')) : 0, code };
}

/** Bare `node -e 0` startup on this machine, to read the cold start against (a loaded runner is slower). */
async function bareNodeMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.on('close', r));
  return performance.now() - started;
}

// 1. Cold start with a trivial config (one service, no scanners).
const trivial = mkdtempSync(path.join(tmpdir(), 'gatehouse-bench-repo-'));
writeFileSync(path.join(trivial, '.gatehouse.yml'), 'version: 1\nservices:\n  - name: app\n    path: .\nscanners:\n  dependency: []\n  secret: []\n');
await coldStart(trivial); // warm the file system cache once
const runs = [];
for (let i = 0; i < 9; i++) runs.push(await coldStart(trivial));
if (runs.some((r) => r.code !== 0)) console.log(`warning: exit codes ${runs.map((r) => r.code).join(',')}`);
console.log(`cold start of dist/index.js, time to first output: median ${median(runs.map((r) => r.firstOutputMs)).toFixed(0)} ms (min ${Math.min(...runs.map((r) => r.firstOutputMs)).toFixed(0)}, max ${Math.max(...runs.map((r) => r.firstOutputMs)).toFixed(0)}) over ${runs.length} runs; target <= 300 ms`);
console.log(`cold start, whole run to exit (trivial config): median ${median(runs.map((r) => r.exitMs)).toFixed(0)} ms`);
const cpu = [];
for (let i = 0; i < 5; i++) cpu.push((await coldStart(trivial, true)).cpuMs);
console.log(`CPU time (user + system) of that whole run: median ${median(cpu).toFixed(0)} ms (less sensitive to machine load than the wall times above)`);
const bare = [];
for (let i = 0; i < 9; i++) bare.push(await bareNodeMs());
console.log(`for reference, bare \`node -e 0\` on this machine now: median ${median(bare).toFixed(0)} ms, so the bundle adds about ${(median(runs.map((r) => r.firstOutputMs)) - median(bare)).toFixed(0)} ms`);

// 2. API requests on a PR that already has its comment.
const repo = createTestRepo();
const standIn = await startGitHubStandIn({
  owner: OWNER,
  repo: REPO,
  pullFiles: { 5: repo.changedFiles },
  comments: { 5: [{ id: 77, body: `${COMMENT_MARKER}\nold`, user: 'github-actions[bot]', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }] },
});
try {
  const event = pullRequestEvent(repo, { number: 5 });
  const inputs = { 'github-token': 'bench-token' };
  const changed = await runDist({ repo, apiUrl: standIn.url, event, inputs, runId: '1' });
  const requestsChanged = standIn.requests.length;
  const same = await runDist({ repo, apiUrl: standIn.url, event, inputs, runId: '1' });
  const requestsSame = standIn.requests.length - requestsChanged;
  console.log(`GitHub API requests per PR run with an existing comment: ${requestsChanged} when the comment changes (${standIn.requests.slice(0, requestsChanged).map((r) => r.operationId).join(', ')}), ${requestsSame} when it is unchanged; target <= 3`);
  console.log(`PR run wall time (rescan baseline, embedded secret scanner, 1 service): ${changed.durationMs.toFixed(0)} ms / ${same.durationMs.toFixed(0)} ms`);
  if (standIn.violations.length > 0) console.log(`OpenAPI violations: ${standIn.violations.join('; ')}`);
} finally {
  await standIn.close();
}

// 3. The same with 150 earlier comments: the marker is on the second page of comments.
const busy = await startGitHubStandIn({
  owner: OWNER,
  repo: REPO,
  pullFiles: { 6: repo.changedFiles },
  comments: { 6: [...otherComments(150), { id: 78, body: `${COMMENT_MARKER}\nold`, user: 'github-actions[bot]', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }] },
});
try {
  await runDist({ repo, apiUrl: busy.url, event: pullRequestEvent(repo, { number: 6 }), inputs: { 'github-token': 'bench-token' }, runId: '1' });
  console.log(`GitHub API requests per PR run with 150 earlier comments: ${busy.requests.length} (${busy.requests.map((r) => r.operationId).join(', ')})`);
} finally {
  await busy.close();
}
