// runScan: the pipeline of one scan (DESIGN section 2), shared by the CLI and the GitHub Action.
//   services -> plan -> run scanners (parallel, bounded) -> parse -> normalize -> suppressions
//   -> compare with the baseline -> gate decision -> ScanReport (validated).
// It touches no GitHub API, no dashboard and no console: output goes through the injected logger
// and progress events; the caller renders and publishes the report.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { GatehouseConfig } from './config/schema.js';
import { enrichFindings } from './enrich/enrich.js';
import type { LoadedFeeds } from './enrich/feeds.js';
import { mergeAcrossTools } from './findings/merge.js';
import { compareWithBaseline } from './gate/compare.js';
import { planRemediation } from './remediation/plan.js';
import { decideGate } from './gate/decide.js';
import { applySuppressions, loadIgnoreFile, type SourcedSuppression } from './gate/suppressions.js';
import type { Logger } from './logger.js';
import { ScanReportSchema, SCAN_REPORT_VERSION, type CoverageLedger, type ScanReport, type ScannerRun } from './report/scan-report.js';
import { buildCoverageLedger } from './ledger/coverage-ledger.js';
import { listRepositoryFiles } from './ledger/inventory.js';
import { filesTouchedByRange } from './scanners/gatehouse-secrets/history.js';
import { configuredAdapters, planScanWithCoverage, type PlannedScan } from './runner/plan.js';
import { executePlan, type ScanProgress } from './runner/run-scanners.js';
import { changeEditsScanSettings, normalizeChangedFiles } from './services/changed-files.js';
import { affectedServices, resolveServicesWithCandidates, ROOT_SERVICE, serviceForPath, type Service } from './services/discover.js';

export type { ScanProgress } from './runner/run-scanners.js';

export interface ScanOptions {
  /** The repository (absolute or relative to the working directory). */
  repoRoot: string;
  config: GatehouseConfig;
  /** `snapshot`: a full default-branch scan; `pr`: a pull-request scan. */
  kind: 'snapshot' | 'pr';
  /**
   * Repository-relative paths the change touched. Narrows the scan to the services they touch
   * (unless `scanAll`) and decides what counts as introduced. With `source.root` (a scan of one
   * folder), paths of the repository's top, as git and GitHub list them: those outside the folder are
   * another folder's, said in the report (`comparison.changedFilesOutsideRoot`) and not counted.
   */
  changedFiles?: string[];
  /**
   * `repository`: `changedFiles` is git's or GitHub's list (the action): from the repository's top and
   * true as given (a deleted folder is no mistake). Default `given`: checked (services/changed-files.ts).
   */
  changedFilesFrom?: 'repository' | 'given';
  /** Scan every service even when `changedFiles` is given. */
  scanAll?: boolean;
  /**
   * The config file read (absolute): a change to it scans every service, as one to `.gatehouse.yml`
   * does, also where it lies outside the folder scanned (a monorepo's shared config).
   */
  configFile?: string;
  /** The base to compare with; absent means no baseline (said plainly in the report). */
  baseline?: { source: 'report' | 'dashboard' | 'rescan'; report: ScanReport };
  /** `TOOL=FILE` / `TOOL@SERVICE=FILE` imports: parse these reports instead of running the tools. */
  imports?: Record<string, string>;
  scanId?: string;
  source?: ScanReport['source'];
  now?: Date;
  /** Gate only on what the change introduced; default: config `gate.new-only`, else true for PRs. */
  newOnly?: boolean;
  /**
   * Suppressions from outside the repository, applied like the config's (the action passes the
   * dashboard's triage decisions here; the engine does not know where they came from).
   */
  suppressions?: SourcedSuppression[];
  /** Tools that cannot run this time (tool name -> reason): their runs are scanner errors. */
  unavailableTools?: Record<string, string>;
  /**
   * Exploitation feeds (KEV, EPSS), loaded by the caller (enrich/feeds.ts: downloads are an edge).
   * Absent: no enrichment section in the report, and the gate decides on severity.
   */
  feeds?: LoadedFeeds;
  /**
   * `BASE..HEAD` or `all`: the embedded secret scanner also reads the lines every commit of the range
   * added. Checked before anything runs (a shallow clone without BASE is a HistoryRangeError, exit 2);
   * the folders of files any commit touched are scanned even if the net change leaves them alone.
   */
  secretCommits?: string;
}

export interface ScanDeps {
  logger: Logger;
  onProgress?: (event: ScanProgress) => void;
}

/**
 * Runs one scan and returns the validated ScanReport. Throws ConfigError for mistakes in the config
 * or options (unknown scanner, missing service folder, bad ignore file); scanner failures do not
 * throw: they are ScannerRuns with status "error" and the gate decides.
 */
export async function runScan(options: ScanOptions, deps: ScanDeps): Promise<ScanReport> {
  const { config } = options;
  const { logger } = deps;
  const repoRoot = resolve(options.repoRoot);
  const now = options.now ?? new Date();
  const scanRoot = options.source?.root ?? '';
  const changed = options.changedFiles ? normalizeChangedFiles(repoRoot, options.changedFiles, { scanRoot, from: options.changedFilesFrom }) : undefined;
  let changedFiles = changed?.files;
  if (options.secretCommits !== undefined) {
    // git names them from the repository's top: the folder's own, as paths of the folder.
    const range = filesTouchedByRange(repoRoot, options.secretCommits);
    const touched = range && normalizeChangedFiles(repoRoot, range, { scanRoot, from: 'repository' }).files;
    if (changedFiles && touched) changedFiles = [...new Set([...changedFiles, ...touched])];
  }
  // A change to the config (a gate tightened, a suppression removed) re-gates everything it covers.
  const configChanged = changed !== undefined && changeEditsScanSettings(repoRoot, changed, scanRoot, { configFile: options.configFile, ignoreFile: config['ignore-file'] });
  if (configChanged && !options.scanAll) logger.info('the change edits the config or the ignore file: every service is scanned');
  const scanAll = options.scanAll || configChanged;
  const outsideRoot = changed?.outsideScanRoot.length ?? 0;
  if (outsideRoot > 0) {
    logger.info(`${outsideRoot} changed files lie outside ${scanRoot}, the folder this scan covers: not counted here (a scan of their folder gates them)`);
  }

  const inventory = listRepositoryFiles(repoRoot);
  const discovered = resolveServicesWithCandidates(repoRoot, config);
  for (const n of discovered.notServices) logger.debug(`discovery: ${n.path} is not a service: ${n.reason}`);
  const allServices = withRootService(discovered.services, repoRoot, inventory.files);
  const rootFiles = inventory.files.filter((f) => serviceForPath(allServices, f) === ROOT_SERVICE);
  const services =
    changedFiles && !scanAll ? affectedServices(allServices, changedFiles, config) : allServices;
  if (changedFiles && !scanAll) {
    // The root service is said apart: "touch 1 of 2 services: web, and the root files".
    const named = services.filter((s) => s.name !== ROOT_SERVICE);
    const total = allServices.filter((s) => s.name !== ROOT_SERVICE).length;
    const root = services.some((s) => s.name === ROOT_SERVICE) ? `${named.length ? ',' : ''} and the root files` : '';
    logger.info(
      `${changedFiles.length} changed files touch ${named.length} of ${total} services${named.length ? `: ${named.map((s) => s.name).join(', ')}` : ''}${root}`,
    );
  }

  // Suppressions are read before anything runs, so a bad ignore file is an error up front.
  const suppressions: SourcedSuppression[] = [
    ...config.suppressions.map((s): SourcedSuppression => ({ ...s, source: 'config' })),
    ...loadIgnoreFile(resolve(repoRoot, config['ignore-file']), { requireExpiry: config.gate['suppressions-require-expiry'] }),
    ...(options.suppressions ?? []),
  ];

  const { runs: plan, decisions } = planScanWithCoverage({ repoRoot, config, services, allServices, imports: options.imports, logger, rootFiles, secretCommits: options.secretCommits });
  deps.onProgress?.({
    type: 'plan',
    services: services.map((s) => s.name),
    runs: countScannerRuns(plan, services),
    scanners: new Set(plan.map((p) => p.adapter.id)).size,
  });
  if (plan.length === 0) {
    // Legitimate for a change that touches no service; otherwise the config runs nothing at all,
    // which the gate refuses (a "no-scanner" reason: gate/policy-risks.ts).
    if (services.length > 0) logger.warning(`no scanner applies to ${services.map((s) => s.name).join(', ')}: check "scanners" in the config`);
    else logger.info('nothing to scan: the change touches no service');
  }
  const configured = configuredAdapters(config).entries;

  const executed = await executePlan(plan, {
    services: allServices,
    scannedServices: services,
    concurrency: config.concurrency,
    timeoutMs: config['scanner-timeout'] * 1000,
    maxOutputBytes: Math.round(config['max-output-mb'] * 1024 * 1024),
    root: scanRoot,
    logger,
    onProgress: deps.onProgress,
    unavailableTools: options.unavailableTools,
  });

  // One vulnerability in one package found by two tools is one finding naming both.
  const merged = mergeAcrossTools(executed.findings);
  const enriched = enrichFindings(merged, options.feeds ?? {});
  if (options.feeds) {
    for (const s of options.feeds.status) {
      if (s.state === 'unavailable') logger.warning(`${s.feed === 'kev' ? 'KEV catalog' : 'EPSS scores'} unavailable: ${s.note ?? 'no reason given'} (the gate falls back to severity)`);
    }
  }
  const suppressed = applySuppressions(enriched.findings, suppressions, now);
  const reportServices = servicesInReport(services, allServices, executed);
  const compared = compareWithBaseline(suppressed.findings, options.baseline?.report, changedFiles, {
    services: reportServices.map((s) => s.name),
    servicePaths: Object.fromEntries(reportServices.map((s) => [s.name, s.path])),
  });
  const coverage = buildCoverageLedger({
    inventory,
    allServices,
    scannedServices: services,
    configured: configured.map((e) => ({ scanner: e.adapter.id, category: e.adapter.category })),
    planned: decisions,
    runs: executed.runs,
    secretAllowPaths: config.secrets['allow-paths'],
    notServices: discovered.notServices,
  });
  const newOnly = options.newOnly ?? config.gate['new-only'] ?? options.kind === 'pr';
  const baseline = options.baseline?.source ?? 'none';
  const gate = decideGate({
    findings: compared.findings,
    scanners: executed.runs,
    gate: config.gate,
    services: reportServices.map((s) => ({ name: s.name, gate: s.gate })),
    newOnly,
    suppressions: suppressed.report,
    baseline,
    coverageGaps: { count: coverage.gapCount, gaps: coverage.gaps },
    feeds: options.feeds?.status,
    policy: {
      plannedRuns: plan.length,
      services: services.map((s) => s.name),
      configuredScanners: configured.length,
      offCategories: Object.entries(config.scanners)
        .filter(([category, list]) => category !== 'sarif' && list.length === 0)
        .map(([category]) => category),
      secretAllowPaths: config.secrets['allow-paths'],
      scannerAllowPaths: scannerAllowPaths(configured),
      readNothing: readNothing(executed.runs, coverage),
    },
  });

  const report: ScanReport = {
    schema: 'gatehouse/scan-report',
    version: SCAN_REPORT_VERSION,
    scanId: options.scanId ?? `local-${now.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`,
    createdAt: now.toISOString(),
    kind: options.kind,
    source: options.source ?? {},
    services: reportServices.map((s) => ({ name: s.name, path: s.path })),
    comparison: { baseline, changedFiles: changedFiles !== undefined, ...(scanRoot && changed ? { changedFilesOutsideRoot: outsideRoot } : {}) },
    scanners: executed.runs,
    findings: compared.findings,
    fixed: compared.fixed,
    suppressions: suppressed.report,
    coverage,
    gate,
    ...(options.feeds ? { enrichment: { feeds: options.feeds.status, notes: enriched.notes } } : {}),
    remediation: planRemediation(compared.findings),
  };
  // The report is the dashboard's ingest body: an invalid one is a bug here, never sent on.
  return ScanReportSchema.parse(report);
}

/**
 * The scanners that ran, when together they read no file: only the workflow and deployment checks
 * ran (every other category is off or applied nowhere), none failed (a failure is its own reason),
 * and the repository has no workflow or deployment file for them. Undefined otherwise: a run of
 * any other kind (a dependency audit, a SARIF tool, an import, an image scan) scanned something.
 */
function readNothing(runs: readonly ScannerRun[], coverage: CoverageLedger): { scanners: string[] } | undefined {
  const fileChecks = new Set(['misconfig', 'ci']);
  if (runs.length === 0 || !coverage.files) return undefined;
  if (runs.some((r) => r.status !== 'ok' || !fileChecks.has(r.category))) return undefined;
  if (coverage.files.categories.some((c) => fileChecks.has(c.category) && (c.relevant > 0 || c.read > 0))) return undefined;
  return { scanners: [...new Set(runs.map((r) => r.scanner))] };
}

/**
 * The scanned services, plus any other service a finding landed in (a nested service folder the
 * scanned one contains) and the root service when findings or runs fall outside every service.
 */
function servicesInReport(
  scanned: readonly Service[],
  allServices: readonly Service[],
  executed: { runs: readonly { service: string }[]; findings: readonly { service: string }[] },
): Service[] {
  const out = [...scanned];
  const named = new Set(out.map((s) => s.name));
  for (const name of [...executed.runs.map((r) => r.service), ...executed.findings.map((f) => f.service)]) {
    if (named.has(name)) continue;
    named.add(name);
    out.push(allServices.find((s) => s.name === name) ?? { name, path: '', dir: '' });
  }
  return out;
}

/**
 * Files outside every service folder belong to the root service, which every file-based scanner
 * covers: a token in a root `.env` is found, and a change to root files is gated.
 */
function withRootService(services: Service[], repoRoot: string, files: readonly string[]): Service[] {
  if (services.some((s) => s.path === '')) return services;
  if (!files.some((f) => serviceForPath(services, f) === ROOT_SERVICE)) return services;
  return [...services, { name: ROOT_SERVICE, path: '', dir: repoRoot }];
}

/** Scanner runs as the report will count them: a whole-repository run counts once per service it covers. */
function countScannerRuns(plan: readonly PlannedScan[], scanned: readonly Service[]): number {
  return plan.reduce((n, p) => n + (p.mode === 'run' ? (p.covers?.length ?? 1) : p.forService ? 1 : scanned.length), 0);
}

/** The `with: {allow-paths}` globs of the embedded secret scanner (they replace `secrets.allow-paths`). */
function scannerAllowPaths(configured: ReturnType<typeof configuredAdapters>['entries']): string[] {
  const globs = configured
    .filter((e) => e.adapter.id === 'gatehouse-secrets')
    .flatMap((e) => (Array.isArray(e.options['allow-paths']) ? e.options['allow-paths'] : []))
    .filter((g): g is string => typeof g === 'string');
  return [...new Set(globs)];
}
