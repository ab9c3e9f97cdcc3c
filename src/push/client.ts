// Dashboard push: one POST of the JSON report per service to `POST /api/v1/scans`, with an
// idempotent scan id (run id + attempt + service, so a re-run of the same attempt never counts
// twice), retries with exponential backoff on 5xx / 429 / network errors, and auth by a scoped
// token or by a GitHub Actions OIDC id-token (no long-lived key in the repository).
import type { Logger } from '../logger.js';
import { ScanReportSchema, type ScanReport } from '../report/scan-report.js';
import { DashboardServiceNames } from '../report/service-name.js';

export type PushAuth =
  | { kind: 'token'; token: string }
  /** `getIdToken` is `core.getIDToken` in the action (needs `permissions: id-token: write`). */
  | { kind: 'oidc'; audience: string; getIdToken: (audience: string) => Promise<string> };

export interface PushOptions {
  dashboardUrl: string;
  auth: PushAuth;
  logger: Logger;
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** First backoff wait in ms, doubled each retry, with jitter (default 500). */
  baseDelayMs?: number;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Default `gatehouse-action`. */
  userAgent?: string;
  /**
   * The service's repository was renamed or moved: the dashboard takes this report although the
   * service's scans came from another repository (`?moveRepository=true`; audited there).
   */
  moveRepository?: boolean;
}

export interface PushResult {
  scanId: string;
  service: string;
  status: number;
  attempts: number;
  /** True when the dashboard already had this scan id (a re-run). */
  duplicate: boolean;
}

/** A push the dashboard refused for good (a 4xx other than 429), or that kept failing. */
export class DashboardPushError extends Error {
  override name = 'DashboardPushError';
  constructor(
    message: string,
    readonly details: { service: string; scanId: string; status?: number; attempts: number },
  ) {
    super(message);
  }
}

export interface RunIdentity {
  repository: string;
  runId: string;
  runAttempt: string;
}

/** `gh/<owner>/<repo>/<run id>/<attempt>/<service>`: the same on a retried push, new on a re-run attempt. */
export function scanIdFor(run: RunIdentity, service: string): string {
  return `gh/${run.repository}/${run.runId}/${run.runAttempt}/${service}`.slice(0, 200);
}

/**
 * `<report's scan id>/<service>` for a report pushed from the command line: pushing the same file
 * again is a duplicate, never a second scan. Undefined when it would not fit the schema's 200.
 */
export function cliScanIdFor(report: ScanReport, service: string): string | undefined {
  const id = `${report.scanId}/${service}`;
  return id.length <= 200 ? id : undefined;
}

/** How each service's part of a report is named: an action run's identity, or a function of the service. */
export type ScanIds = RunIdentity | ((service: string) => string);

function scanIdOf(ids: ScanIds, service: string): string {
  return typeof ids === 'function' ? ids(service) : scanIdFor(ids, service);
}

/**
 * One report per service (the dashboard keeps history per service). Findings, fixed findings and
 * scanner runs are filtered to the service; the gate decision is the whole run's.
 */
export function splitReportByService(report: ScanReport, ids: ScanIds): ScanReport[] {
  const names = dashboardNamesOf(report);
  return report.services.map((service) =>
    withDashboardNames(
      {
        ...report,
        scanId: scanIdOf(ids, names.dashboard(service.name)),
        services: [service],
        scanners: report.scanners.filter((s) => s.service === service.name),
        findings: report.findings.filter((f) => f.service === service.name),
        fixed: report.fixed.filter((f) => f.service === service.name),
      },
      names,
    ),
  );
}

/** The dashboard's names of a report's services (a repository's `(root)` is `<name>-root` there). */
export function dashboardNamesOf(report: ScanReport): DashboardServiceNames {
  return new DashboardServiceNames(report.services.map((s) => s.name), report.source.repository);
}

/**
 * A report part with every service name the dashboard reads in its dashboard form: the services,
 * runs, findings, gate reasons, suppressions, remediation and coverage ledger (whose per-service
 * file list decides which services a snapshot retires).
 */
function withDashboardNames(part: ScanReport, names: DashboardServiceNames): ScanReport {
  if (!names.renames) return part;
  const rename = <T extends { service: string }>(x: T): T => ({ ...x, service: names.dashboard(x.service) });
  const renameOptional = <T extends { service?: string | undefined }>(x: T): T => (x.service === undefined ? x : { ...x, service: names.dashboard(x.service) });
  const { coverage } = part;
  return {
    ...part,
    services: part.services.map((s) => ({ ...s, name: names.dashboard(s.name) })),
    scanners: part.scanners.map(rename),
    findings: part.findings.map(rename),
    fixed: part.fixed.map(rename),
    suppressions: part.suppressions.map(renameOptional),
    gate: {
      ...part.gate,
      reasons: part.gate.reasons.map((r) => ({ ...renameOptional(r), ...(r.services ? { services: r.services.map((n) => names.dashboard(n)) } : {}) })),
    },
    ...(part.remediation ? { remediation: part.remediation.map(rename) } : {}),
    coverage: {
      ...coverage,
      scanners: coverage.scanners.map(rename),
      gaps: coverage.gaps.map(rename),
      ...(coverage.files
        ? {
            files: {
              ...coverage.files,
              perService: coverage.files.perService.map(rename),
              categories: coverage.files.categories.map((c) => ({ ...c, unread: c.unread.map(rename) })),
            },
          }
        : {}),
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After in seconds or as an HTTP date; capped so a hostile value cannot stall the job. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 60_000) : undefined;
}

/** The dashboard's `{ error, field }` answer as one line (the body itself when it is not that). */
function refusalText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; field?: unknown };
    if (typeof body.error === 'string') return `${body.error.slice(0, 1000)}${typeof body.field === 'string' ? ` (field ${body.field.slice(0, 100)})` : ''}`;
  } catch {
    // not JSON: shown as it came
  }
  return text.slice(0, 300);
}

async function authorizationHeader(auth: PushAuth): Promise<string> {
  if (auth.kind === 'token') return `Bearer ${auth.token}`;
  return `Bearer ${await auth.getIdToken(auth.audience)}`;
}

/** `authorization` lets a caller pushing several reports fetch one OIDC token for all of them. */
export async function pushReport(report: ScanReport, options: PushOptions, authorizationValue?: string): Promise<PushResult> {
  const body = JSON.stringify(ScanReportSchema.parse(report));
  const service = report.services.map((s) => s.name).join(',');
  const url = new URL('api/v1/scans', options.dashboardUrl.endsWith('/') ? options.dashboardUrl : `${options.dashboardUrl}/`);
  if (options.moveRepository) url.searchParams.set('moveRepository', 'true');
  const retries = options.retries ?? 4;
  const baseDelay = options.baseDelayMs ?? 500;
  const authorization = authorizationValue ?? (await authorizationHeader(options.auth));
  let lastProblem = '';
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    let wait = baseDelay * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/json',
          'idempotency-key': report.scanId,
          'user-agent': options.userAgent ?? 'gatehouse-action',
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      const text = await res.text();
      // A 409 naming source.repository is a refusal (the service belongs to another repository), never "already there".
      const repositoryRefused = res.status === 409 && /"field"\s*:\s*"source\.repository"/.test(text);
      if (res.ok || (res.status === 409 && !repositoryRefused)) {
        // The dashboard answers a replayed scan id with 200 and `"status": "duplicate"` (409 from other servers).
        const duplicate = res.status === 409 || /"status"\s*:\s*"duplicate"/.test(text);
        return { scanId: report.scanId, service, status: res.status, attempts: attempt, duplicate };
      }
      // The repository refusal says what to do in full; other answers are cut to a readable length.
      lastProblem = `HTTP ${res.status}: ${repositoryRefused ? refusalText(text) : text.slice(0, 300)}`;
      if (!isRetryable(res.status)) {
        const hint = res.status === 401 || res.status === 403 ? ' (check the dashboard token, or the OIDC audience and the allowlist of repository/workflow/ref claims)' : '';
        throw new DashboardPushError(`the dashboard refused the scan of ${service}: ${lastProblem}${hint}`, {
          service,
          scanId: report.scanId,
          status: res.status,
          attempts: attempt,
        });
      }
      wait = retryAfterMs(res.headers.get('retry-after')) ?? wait;
    } catch (error) {
      if (error instanceof DashboardPushError) throw error;
      lastProblem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (attempt <= retries) {
      options.logger.warning(`dashboard push of ${service} failed (${lastProblem}); retry ${attempt}/${retries} in ${Math.round(wait)} ms`);
      await sleep(wait);
    }
  }
  throw new DashboardPushError(`the dashboard push of ${service} failed after ${retries + 1} attempts: ${lastProblem}`, {
    service,
    scanId: report.scanId,
    attempts: retries + 1,
  });
}

/**
 * Before any service of a multi-service report is sent: `POST /api/v1/scans/check` asks whether the
 * dashboard takes the report's repository for all of them. Without it, a report whose `cart`
 * belongs to another repository was refused mid-way, the services before it already stored. Only
 * that refusal (409 naming source.repository) stops the push here, with nothing sent; any other
 * answer (a dashboard without the check, a bad token, no network) is left to the pushes, which
 * retry and say what is wrong as before, and each POST /scans still checks its own part.
 */
export async function checkReportRepository(report: ScanReport, options: PushOptions, authorization: string): Promise<void> {
  const repository = report.source.repository;
  if (!repository || options.moveRepository || report.services.length < 2) return;
  const names = dashboardNamesOf(report);
  const url = new URL('api/v1/scans/check', options.dashboardUrl.endsWith('/') ? options.dashboardUrl : `${options.dashboardUrl}/`);
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', 'user-agent': options.userAgent ?? 'gatehouse-action' },
      body: JSON.stringify({ repository, services: report.services.map((s) => names.dashboard(s.name)) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    options.logger.debug(`dashboard check of the report's repository not answered (${error instanceof Error ? error.message : String(error)}); each service's push checks its own part`);
    return;
  }
  if (status === 409 && /"field"\s*:\s*"source\.repository"/.test(text)) {
    throw new DashboardPushError(`the dashboard refused the report; no service of it was sent: HTTP 409: ${refusalText(text)}`, {
      service: report.services.map((s) => s.name).join(','),
      scanId: report.scanId,
      status,
      attempts: 1,
    });
  }
  if (status !== 200) options.logger.debug(`dashboard check of the report's repository answered HTTP ${status}; each service's push checks its own part`);
}

/**
 * Pushes every service's report in turn, after checking that the dashboard takes the report's
 * repository for all of them; returns the results (throws on the first final failure).
 */
export async function pushScanReports(report: ScanReport, ids: ScanIds, options: PushOptions): Promise<PushResult[]> {
  const results: PushResult[] = [];
  const authorization = await authorizationHeader(options.auth);
  await checkReportRepository(report, options, authorization);
  for (const part of splitReportByService(report, ids)) {
    const r = await pushReport(part, options, authorization);
    options.logger.info(`pushed ${r.service} to the dashboard as ${r.scanId}${r.duplicate ? ' (already there)' : ''}`);
    results.push(r);
  }
  return results;
}
