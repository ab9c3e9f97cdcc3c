// The action's pipeline: inputs -> config -> (PR: changed files, base scan) -> runScan -> report files
// and outputs -> job summary, annotations, PR comment, dashboard push -> verdict. Everything GitHub-
// specific lives here and in src/github; the engine (runScan) knows nothing of GitHub.
// Reporters never change the verdict: a failure to comment or push is a warning.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findConfigFile, loadConfig } from '../config/load.js';
import type { GatehouseConfig } from '../config/schema.js';
import { ConfigError, EXIT_CODES } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ScanReport } from '../report/scan-report.js';
import { renderJson } from '../reporters/json.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { toSarif } from '../reporters/sarif.js';
import { runScan, type ScanOptions } from '../scan.js';
import { loadConfiguredFeeds, type FetchBytes } from '../enrich/feeds.js';
import { affectedServices, resolveServices } from '../services/discover.js';
import { changeEditsScanSettings, normalizeChangedFiles } from '../services/changed-files.js';
import { ANNOTATIONS_USED_ENV, emitAnnotations, omittedAnnotationsNote, planAnnotations, type AnnotationSink } from '../github/annotations.js';
import { listChangedFiles } from '../github/changed-files.js';
import { createGitHubClient, httpStatusOf, type GitHubClient } from '../github/client.js';
import { COMMENT_BODY_BUDGET, commentMarker, permissionWarning, upsertStickyComment, type CommentMode } from '../github/comment.js';
import type { GitHubRunContext } from '../github/context.js';
import { writeJobSummary } from '../github/job-summary.js';
import { fitSarifToLimits } from '../github/sarif-limits.js';
import { fetchDashboardBaseline } from '../push/baseline.js';
import { triageSuppressionsOrWarn } from '../push/triage.js';
import { pushScanReports, type PushAuth } from '../push/client.js';
import { installTools, type InstallOptions } from '../tools/install.js';
import { prepareTrivyDb, type TrivyDbState } from '../tools/trivy-db.js';
import { actionsCacheStore, folderCacheStore, type DbCacheStore } from '../tools/trivy-db-cache.js';
import { configOverrides, toolsToInstall, resolveOutputPaths, type ActionInputs } from './inputs.js';
import { scanMergeBase } from './rescan-base.js';
import { preparePrHistory } from './secret-history.js';
import { fetchForkReport, WorkflowRunPayloadSchema } from './fork-report.js';
import { setOutputs, type OutputSink } from './outputs.js';
import { actionScanRoot, changeTouchesFolder } from './scan-root.js';

/** The parts of @actions/core the pipeline uses, injected so tests and the bundle share one path. */
export interface ActionIO extends AnnotationSink, OutputSink {
  setFailed(message: string): void;
  addPath(dir: string): void;
  setSecret(value: string): void;
  getIDToken(audience: string): Promise<string>;
  /** GITHUB_ENV: a variable for the later steps of the job. */
  exportVariable(name: string, value: string): void;
}

export interface ActionRun {
  inputs: ActionInputs;
  context: GitHubRunContext;
  io: ActionIO;
  logger: Logger;
  /** GITHUB_STEP_SUMMARY (absent outside a runner). */
  summaryFile?: string;
  /** The HTTP edge for the KEV/EPSS downloads (default: the platform's fetch). */
  fetchFeed?: FetchBytes;
}

/** Runs the whole action and returns the process exit code (0 pass, 1 gate failed, 3 scanner error). */
export async function runAction(run: ActionRun): Promise<number> {
  if (run.inputs.mode === 'publish-fork-report') return publishForkReport(run);
  const { inputs, context, io, logger } = run;
  const repoRoot = path.resolve(context.workspace, inputs['working-directory'] ?? '.');
  if (inputs['dashboard-token']) io.setSecret(inputs['dashboard-token']);
  if (inputs['github-token']) io.setSecret(inputs['github-token']);

  const configFile = inputs.config ? path.resolve(repoRoot, inputs.config) : findConfigFile(repoRoot);
  const loaded = await loadConfig(configFile, configOverrides(inputs), { overridesSource: 'action input' });
  const config = selectServices(loaded.config, repoRoot, inputs.services);
  logger.info(loaded.file ? `config: ${path.relative(repoRoot, loaded.file) || loaded.file}` : 'config: none found, using the defaults');

  const tools = toolsToInstall(inputs, scannerIdsOf(config));
  if (tools.length > 0) {
    const installOptions: InstallOptions = { logger };
    for (const t of await installTools(tools, installOptions)) if (t.dir) io.addPath(t.dir);
  }

  const trivyDb = await prepareTrivyDbFor(run, scannerIdsOf(config));

  const dashboard = resolveDashboard(inputs, io, logger);
  const token = inputs['github-token'] ?? process.env.GITHUB_TOKEN;
  const github = token ? createGitHubClient({ token, baseUrl: context.apiUrl, logger }) : undefined;
  const pr = context.pullRequest;

  // The folder scanned within the repository (a monorepo's job per folder): the PR's changed files,
  // the base and GitHub's file names are the repository's.
  const root = actionScanRoot(context.workspace, repoRoot);

  // Pull request: which files changed (they pick the services) and the base to compare with.
  let changedFiles: string[] | undefined;
  let baseline: ScanOptions['baseline'];
  // Every commit of the PR for the embedded secret scanner (a secret added then deleted is still public).
  const secretCommits = pr && scannerIdsOf(config).includes('gatehouse-secrets') ? await preparePrHistory(repoRoot, pr, logger) : undefined;
  // Every service is scanned, head and base alike: when asked, when the PR's files are unknown, and
  // when the PR edits the config (it may lie outside a folder job's folder: a shared config).
  let scanAll = inputs['scan-all'];
  if (pr) {
    changedFiles = await readChangedFiles(github, context, logger);
    const source = inputs.baseline ?? (dashboard ? 'dashboard' : 'rescan');
    const changed = changedFiles && normalizeChangedFiles(repoRoot, changedFiles, { scanRoot: root ?? '', from: 'repository' });
    if (changed && changeEditsScanSettings(repoRoot, changed, root ?? '', { configFile: loaded.file, ignoreFile: config['ignore-file'] })) {
      logger.info('the change edits the config or the ignore file: every service is scanned');
      scanAll = true;
    }
    scanAll ||= changedFiles === undefined;
    if (root !== undefined && !scanAll && changed !== undefined && !changeTouchesFolder(repoRoot, root, changed, secretCommits)) {
      logger.info(`baseline: none needed (no file of this change lies in ${root}: this job scans nothing of it)`);
    } else if (source === 'dashboard') {
      baseline = dashboard ? await dashboardBaseline(run, dashboard, config, repoRoot, scanAll ? undefined : changed?.files) : undefined;
      if (!baseline) {
        logger.warning('no base scan from the dashboard; re-scanning the merge base instead');
        baseline = await scanMergeBase({ repoRoot, root, config, pr, changedFiles, scanAll, logger });
      }
    } else if (source === 'rescan') {
      baseline = await scanMergeBase({ repoRoot, root, config, pr, changedFiles, scanAll, logger });
    } else {
      logger.info('baseline: none (the gate counts the findings in changed files)');
    }
  }

  // The dashboard's triage decisions, applied as suppressions of exactly those findings: the gate
  // obeys a false positive, an accepted risk (until its date) or a "not affected" decided there.
  const triage = dashboard ? await triageSuppressionsOrWarn({ dashboardUrl: dashboard.url, auth: dashboard.auth, repository: run.context.repository, logger }) : undefined;

  // Exploitation data: a failed download is said in the report and never fails the step by itself.
  const feeds = await loadConfiguredFeeds(config.enrich, {
    baseDir: loaded.file ? path.dirname(loaded.file) : repoRoot,
    env: process.env,
    ...(run.fetchFeed ? { fetch: run.fetchFeed } : {}),
  });
  const report = await runScan(
    {
      repoRoot,
      config,
      feeds,
      kind: pr ? 'pr' : 'snapshot',
      changedFiles,
      changedFilesFrom: 'repository',
      scanAll,
      baseline,
      imports: inputs.import,
      suppressions: triage,
      ...(secretCommits ? { secretCommits } : {}),
      unavailableTools: trivyDb?.status === 'unavailable' ? { trivy: trivyDb.reason } : undefined,
      scanId: `gh/${context.repository}/${context.runId}/${context.runAttempt}`,
      source: {
        repository: context.repository,
        ref: pr ? `refs/pull/${pr.number}/merge` : context.ref,
        commit: pr?.headSha ?? context.sha,
        pullRequest: pr?.number,
        baseCommit: baseline?.report.source.commit,
        runUrl: context.runUrl,
        root,
      },
    },
    { logger },
  );

  // A stale DB is said in every report: the JSON's gate warnings, the summary and the comment.
  const dbNotes = trivyDb?.status === 'stale' ? [`trivy: ${trivyDb.note}`] : [];
  report.gate.warnings.unshift(...dbNotes);
  const dbBanner = dbNotes.map((n) => `> **Warning:** ${n}\n\n`).join('');

  // Files and outputs first: they are set whatever happens to the reporters below.
  const { reportFile, sarifFile } = resolveOutputPaths(inputs, repoRoot, context.runnerTemp || path.join(repoRoot, '.gatehouse'));
  await mkdir(path.dirname(reportFile), { recursive: true });
  await mkdir(path.dirname(sarifFile), { recursive: true });
  await writeFile(reportFile, renderJson(report), 'utf8');
  // GitHub's code-scanning limits are kept by budget; what was cut is said in the SARIF and the summary.
  const sarif = fitSarifToLimits(sarifForUpload(report, inputs.services));
  for (const note of sarif.notes) logger.warning(note);
  await writeFile(sarifFile, `${JSON.stringify(sarif.log, null, 2)}\n`, 'utf8');
  setOutputs(io, report, reportFile, sarifFile);

  const title = gateTitle(report.source.root);
  // Annotations mark what a change introduced on its changed files: pull requests only. Planned
  // first, so the job summary can say what did not fit GitHub's per-step and per-job limits.
  const annotate = inputs.annotations && pr !== undefined;
  const usedInJob = Number(process.env[ANNOTATIONS_USED_ENV] ?? 0) || 0;
  const annotationNote = annotate ? omittedAnnotationsNote(planAnnotations(report, { usedInJob })) : undefined;
  const summaryFile = run.summaryFile;
  if (summaryFile && inputs['job-summary']) {
    await reporter('the job summary', logger, async () => {
      const tail = [annotationNote, ...sarif.notes].filter(Boolean).map((n) => `\n> ${n}\n`).join('');
      const { bytes } = await writeJobSummary(summaryFile, (maxChars) => dbBanner + renderMarkdown(report, { maxChars: maxChars - tail.length - dbBanner.length, title }) + tail);
      logger.debug(`job summary: ${bytes} bytes`);
    });
  }
  if (annotate) {
    await reporter('annotations', logger, async () => {
      const { emitted, omitted } = emitAnnotations(report, io, { usedInJob });
      io.exportVariable(ANNOTATIONS_USED_ENV, String(usedInJob + emitted));
      if (omitted > 0) logger.info(`${emitted} annotations shown; ${omitted} more introduced findings are in the job summary`);
    });
  }

  if (pr) {
    if (!github) {
      logger.warning('no github-token given: the PR comment is skipped (pass `github-token: ${{ github.token }}`)');
    } else {
      // Once a PR is clean the same comment turns into an explicit "all clear".
      const allClear = report.gate.passed && !report.findings.some((f) => f.status === 'introduced');
      const commentTitle = allClear ? `${title}: all clear` : title;
      const body = withBanner(
        dbBanner,
        renderMarkdown(report, {
          maxChars: COMMENT_BODY_BUDGET - dbBanner.length,
          detailsUrl: context.runUrl,
          title: commentTitle,
          // file:line links point at the PR's head commit, where the lines are.
          sourceBaseUrl: `${context.serverUrl}/${context.repository}/blob/${pr.headSha}`,
        }),
      );
      await reporter('the PR comment', logger, async () => {
        const outcome = await upsertStickyComment(
          github,
          { owner: context.owner, repo: context.repo, issueNumber: pr.number },
          { body, mode: folderCommentMode(report, inputs.comment), gatePassed: report.gate.passed, marker: commentMarker(report.source.root) },
          logger,
        );
        if ('url' in outcome) io.setOutput('comment-url', outcome.url);
      });
    }
  }

  if (dashboard) {
    await reporter('the dashboard push', logger, () => pushScanReports(report, context, { dashboardUrl: dashboard.url, auth: dashboard.auth, moveRepository: inputs['dashboard-move-repository'], logger }));
  }

  return verdict(report, io, logger);
}

/**
 * `mode: publish-fork-report` (a trusted workflow_run after a fork's pull_request scan): the report
 * comes from the validated artifact; nothing of the PR is checked out or run here.
 */
async function publishForkReport(run: ActionRun): Promise<number> {
  const { inputs, context, io, logger } = run;
  if (inputs['dashboard-token']) io.setSecret(inputs['dashboard-token']);
  if (inputs['github-token']) io.setSecret(inputs['github-token']);
  if (context.eventName !== 'workflow_run') {
    throw new ConfigError(`action input mode: publish-fork-report runs in a workflow_run workflow, not on ${context.eventName}`, { field: 'mode' });
  }
  const payload = WorkflowRunPayloadSchema.safeParse(JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH ?? '', 'utf8')));
  if (!payload.success) throw new ConfigError(`the workflow_run event payload has no usable ${payload.error.issues[0].path.join('.')}`, { field: 'mode' });
  const token = inputs['github-token'] ?? process.env.GITHUB_TOKEN;
  if (!token) throw new ConfigError('action input github-token: publish-fork-report needs it (actions: read, pull-requests: write)', { field: 'github-token' });
  const github = createGitHubClient({ token, baseUrl: context.apiUrl, logger });
  const report = await fetchForkReport(github, { owner: context.owner, repo: context.repo, run: payload.data.workflow_run }, logger);

  const { reportFile, sarifFile } = resolveOutputPaths(inputs, context.workspace, context.runnerTemp || path.join(context.workspace, '.gatehouse'));
  await mkdir(path.dirname(reportFile), { recursive: true });
  await mkdir(path.dirname(sarifFile), { recursive: true });
  await writeFile(reportFile, renderJson(report), 'utf8');
  await writeFile(sarifFile, `${JSON.stringify(fitSarifToLimits(sarifForUpload(report, undefined)).log, null, 2)}\n`, 'utf8');
  setOutputs(io, report, reportFile, sarifFile);

  const title = gateTitle(report.source.root);
  if (run.summaryFile && inputs['job-summary']) {
    const summaryFile = run.summaryFile;
    await reporter('the job summary', logger, () => writeJobSummary(summaryFile, (maxChars) => renderMarkdown(report, { maxChars, title })));
  }
  const prNumber = report.source.pullRequest as number;
  const allClear = report.gate.passed && !report.findings.some((f) => f.status === 'introduced');
  const body = renderMarkdown(report, { maxChars: COMMENT_BODY_BUDGET, detailsUrl: report.source.runUrl ?? context.runUrl, title: allClear ? `${title}: all clear` : title });
  await reporter('the PR comment', logger, async () => {
    const outcome = await upsertStickyComment(github, { owner: context.owner, repo: context.repo, issueNumber: prNumber }, { body, mode: folderCommentMode(report, inputs.comment), gatePassed: report.gate.passed, marker: commentMarker(report.source.root) }, logger);
    if ('url' in outcome) io.setOutput('comment-url', outcome.url);
  });
  const dashboard = resolveDashboard(inputs, io, logger);
  if (dashboard) {
    // The scan ids stay those of the fork's run (it made the report), so a re-run is recognised.
    const [, , , runId = context.runId, runAttempt = context.runAttempt] = report.scanId.split('/');
    await reporter('the dashboard push', logger, () =>
      pushScanReports(report, { repository: context.repository, runId, runAttempt }, { dashboardUrl: dashboard.url, auth: dashboard.auth, moveRepository: inputs['dashboard-move-repository'], logger }),
    );
  }
  return verdict(report, io, logger);
}

/** The banner goes below the comment's title line, so the title stays the first line. */
function withBanner(banner: string, body: string): string {
  if (!banner) return body;
  const nl = body.indexOf('\n');
  return nl === -1 ? `${body}\n\n${banner}` : `${body.slice(0, nl + 1)}\n${banner}${body.slice(nl + 1)}`;
}

/**
 * trivy's vulnerability DB, before any trivy scanner runs (src/tools/trivy-db.ts): cached between
 * runs, tried on every registry, stale within trivy-db-max-age, else trivy's runs fail closed.
 */
async function prepareTrivyDbFor(run: ActionRun, scannerIds: string[]): Promise<TrivyDbState | undefined> {
  const { inputs, context, logger } = run;
  if (!scannerIds.some((id) => id === 'trivy' || id.startsWith('trivy-'))) return undefined;
  const where = inputs['trivy-db-cache'];
  const none: DbCacheStore = { name: 'no cache (trivy-db-cache: none)', restore: async () => undefined, save: async () => undefined };
  const store = where === 'none' ? none : where === 'actions' ? actionsCacheStore() : folderCacheStore(path.resolve(context.workspace, where));
  const state = await prepareTrivyDb({
    trivy: 'trivy',
    cacheDir: path.join(context.runnerTemp || path.join(context.workspace, '.gatehouse'), 'gatehouse-trivy-cache'),
    store,
    maxAgeHours: inputs['trivy-db-max-age'],
    logger,
  });
  if (state.status === 'fresh' || state.status === 'stale') Object.assign(process.env, state.env);
  if (state.status === 'unavailable') logger.error(`trivy cannot scan: ${state.reason}`);
  return state;
}

/** Runs one reporter; its failure is a warning, never a different verdict. */
async function reporter(what: string, logger: Logger, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    logger.warning(`${what} failed: ${error instanceof Error ? error.message : String(error)} (the gate verdict is unchanged)`);
  }
}

/**
 * SARIF with one code-scanning category per tool (`gatehouse/<tool>/`). A job that scans only some
 * services (the matrix) gets the services in the category too, so parallel jobs do not replace each
 * other's results.
 */
export function sarifForUpload(report: ScanReport, services: string[] | undefined): ReturnType<typeof toSarif> {
  const log = toSarif(report);
  // A job per folder (`working-directory`) or per service: each its own categories, or the last
  // upload for a commit would close the alerts of the others as fixed.
  const root = report.source.root;
  const parts = [...(root ? [`root=${root.split('/').map(encodeURIComponent).join('/')}`] : []), ...(services && services.length > 0 ? [[...services].sort().join('+')] : [])];
  if (parts.length > 0) {
    const suffix = parts.join('/');
    for (const run of log.runs) {
      const id = run.automationDetails?.id ?? `gatehouse/${run.tool.driver.name}/`;
      run.automationDetails = { ...run.automationDetails, id: `${id.replace(/\/+$/, '')}/${suffix}/` };
    }
  }
  return log;
}

function verdict(report: ScanReport, io: ActionIO, logger: Logger): number {
  for (const w of report.gate.warnings) logger.warning(w);
  if (report.gate.passed) {
    logger.info('Gatehouse: the gate passed');
    return EXIT_CODES.passed;
  }
  const reasons = report.gate.reasons.map((r) => r.message).join('; ');
  io.setFailed(`Gatehouse: the gate failed: ${reasons}`);
  return report.gate.outcome === 'scanner-error' ? EXIT_CODES.scannerError : EXIT_CODES.gateFailed;
}

/**
 * A folder's job on a pull request that touches nothing in its folder adds no comment of its own (a
 * matrix of 20 folders would add 20 to every PR), unless its gate fails; it still updates the comment
 * it wrote before ('on-failure' does both).
 */
export function folderCommentMode(report: ScanReport, mode: CommentMode): CommentMode {
  return mode === 'always' && report.source.root && report.comparison.changedFiles && report.services.length === 0 ? 'on-failure' : mode;
}

/** The comment's and summary's title: a monorepo's job per folder names its folder (each has its own comment). */
export function gateTitle(root: string | undefined): string {
  return root ? `Gatehouse security gate (${root})` : 'Gatehouse security gate';
}

async function readChangedFiles(github: GitHubClient | undefined, context: GitHubRunContext, logger: Logger): Promise<string[] | undefined> {
  const pr = context.pullRequest;
  if (!pr) return undefined;
  if (!github) {
    logger.warning('no github-token given: cannot list the changed files, so every service is scanned');
    return undefined;
  }
  try {
    const { files, truncated } = await listChangedFiles(github, { owner: context.owner, repo: context.repo, pullNumber: pr.number }, logger);
    return truncated ? undefined : files;
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 403 || status === 404) {
      logger.warning(permissionWarning('list the changed files', status, error, ['pull-requests: read'], 'every service is scanned'));
      return undefined;
    }
    throw error;
  }
}

/** The base from the dashboard for the services this PR scans (all of them when `changedFiles` is undefined). */
async function dashboardBaseline(
  run: ActionRun,
  dashboard: DashboardTarget,
  config: GatehouseConfig,
  repoRoot: string,
  /** The PR's changed files in the folder scanned (normalizeChangedFiles), undefined: every service. */
  inFolder: string[] | undefined,
): Promise<ScanOptions['baseline']> {
  const { context, logger } = run;
  const pr = context.pullRequest;
  if (!pr) return undefined;
  const all = resolveServices(repoRoot, config);
  const services = (inFolder ? affectedServices(all, inFolder, config) : all).map((s) => s.name);
  if (services.length === 0) return undefined;
  try {
    const report = await fetchDashboardBaseline({
      dashboardUrl: dashboard.url,
      auth: dashboard.auth,
      services,
      repository: context.repository,
      repoRoot,
      baseSha: pr.baseSha,
      headSha: pr.headSha,
      logger,
    });
    return report ? { source: 'dashboard', report } : undefined;
  } catch (error) {
    logger.warning(`reading the base scan from the dashboard failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

interface DashboardTarget {
  url: string;
  auth: PushAuth;
}

/**
 * The dashboard to push to and read bases from. Without credentials (a fork's PR gets no secrets)
 * the dashboard is skipped with a warning: a reporter must not change the verdict.
 */
function resolveDashboard(inputs: ActionInputs, io: ActionIO, logger: Logger): DashboardTarget | undefined {
  const url = inputs['dashboard-url'];
  if (!url) return undefined;
  if (inputs['dashboard-token']) return { url, auth: { kind: 'token', token: inputs['dashboard-token'] } };
  if (inputs['dashboard-audience']) {
    return { url, auth: { kind: 'oidc', audience: inputs['dashboard-audience'], getIdToken: (aud) => io.getIDToken(aud) } };
  }
  logger.warning(
    'dashboard-url is set but neither dashboard-token nor dashboard-audience (OIDC, with `permissions: id-token: write`) is; ' +
      'skipping the dashboard (pull requests from forks get no secrets)',
  );
  return undefined;
}

function scannerIdsOf(config: GatehouseConfig): string[] {
  const ids: string[] = [];
  for (const list of [config.scanners.dependency, config.scanners.container, config.scanners.sast, config.scanners.secret, config.scanners.misconfig]) {
    for (const entry of list) ids.push(typeof entry === 'string' ? entry : entry.import ? '' : entry.use);
  }
  return ids.filter(Boolean);
}

/** `services:` input (the matrix job's one service): the config narrowed to the named services. */
function selectServices(config: GatehouseConfig, repoRoot: string, names: string[] | undefined): GatehouseConfig {
  if (!names || names.length === 0) return config;
  const all = resolveServices(repoRoot, config);
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new ConfigError(`action input services: unknown service ${unknown.join(', ')} (known: ${all.map((s) => s.name).join(', ')})`, { field: 'services' });
  }
  const chosen = all.filter((s) => names.includes(s.name));
  return { ...config, services: chosen.map((s) => ({ name: s.name, path: s.path === '' ? '.' : s.path, image: s.image, gate: s.gate })) };
}
