// `baseline: dashboard`: the base of a PR from the dashboard's read API instead of a re-scan.
// For each service: the newest default-branch snapshot whose commit is the merge base or one of its
// ancestors (checked with the local git history), then the findings that were open at that scan.
//   GET /api/v1/services/:name/scans?limit=100   -> ScansResponse (newest first)
//   GET /api/v1/findings?service=:name&state=all&limit=500&offset=N -> FindingsResponse
// Both answers are validated with the read API's own schemas (src/report/read-api.ts).
// A service the dashboard has never seen has an empty base (its findings are all new). When no
// service has a usable snapshot, the caller falls back to a re-scan.
import { execa } from 'execa';
import { z } from 'zod';
import type { Finding } from '../findings/finding.js';
import type { Logger } from '../logger.js';
import { FindingsResponseSchema, ScansResponseSchema, type FindingRowSchema, type ScanSummarySchema } from '../report/read-api.js';
import { SCAN_REPORT_VERSION, type ScanReport } from '../report/scan-report.js';
import { DashboardServiceNames } from '../report/service-name.js';
import type { PushAuth } from './client.js';

export interface DashboardBaselineInput {
  dashboardUrl: string;
  auth: PushAuth;
  /** The engine's service names (`(root)` is asked for under its dashboard name: service-name.ts). */
  services: string[];
  /** The repository the services belong to (`owner/name`), which names its root service on the dashboard. */
  repository?: string;
  repoRoot: string;
  baseSha: string;
  headSha: string;
  logger: Logger;
}

async function isAncestorOrSelf(repoRoot: string, commit: string, of: string): Promise<boolean> {
  if (commit === of) return true;
  const r = await execa('git', ['merge-base', '--is-ancestor', commit, of], { cwd: repoRoot, reject: false });
  return r.exitCode === 0;
}

export async function fetchDashboardBaseline(input: DashboardBaselineInput): Promise<ScanReport | undefined> {
  const mergeBase = await execa('git', ['merge-base', input.baseSha, input.headSha], { cwd: input.repoRoot, reject: false });
  if (mergeBase.exitCode !== 0) {
    input.logger.warning('cannot compute the merge base locally (check out with `fetch-depth: 0`); the dashboard base needs it');
    return undefined;
  }
  const base = String(mergeBase.stdout).trim();
  const authorization = input.auth.kind === 'token' ? `Bearer ${input.auth.token}` : `Bearer ${await input.auth.getIdToken(input.auth.audience)}`;
  const root = input.dashboardUrl.endsWith('/') ? input.dashboardUrl : `${input.dashboardUrl}/`;
  async function get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | undefined> {
    const res = await fetch(new URL(path, root), { headers: { authorization, accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return schema.parse(await res.json());
  }

  const names = new DashboardServiceNames(input.services, input.repository);
  const findings: Finding[] = [];
  let found = 0;
  let newest: { commit: string; createdAt: string } | undefined;
  for (const service of input.services) {
    const onDashboard = names.dashboard(service);
    const scans = await get(`api/v1/services/${encodeURIComponent(onDashboard)}/scans?limit=100`, ScansResponseSchema);
    let chosen: z.infer<typeof ScanSummarySchema> | undefined;
    for (const scan of scans?.scans ?? []) {
      if (scan.kind === 'snapshot' && scan.commit && (await isAncestorOrSelf(input.repoRoot, scan.commit, base))) {
        chosen = scan;
        break;
      }
    }
    if (!chosen) {
      input.logger.info(`baseline: the dashboard has no snapshot of ${service} at or before ${base.slice(0, 7)}`);
      continue;
    }
    found++;
    if (!newest || chosen.createdAt > newest.createdAt) newest = { commit: chosen.commit as string, createdAt: chosen.createdAt };
    const at = chosen.createdAt;
    for (let offset = 0; ; offset += 500) {
      const page = await get(`api/v1/findings?service=${encodeURIComponent(onDashboard)}&state=all&limit=500&offset=${offset}`, FindingsResponseSchema);
      if (!page) break;
      for (const row of page.items) {
        // Open at the chosen scan: first seen by then, and not fixed by then.
        const openAtScan = row.firstSeenAt <= at && (row.state === 'open' ? row.openedAt <= at : row.fixedAt !== null && row.fixedAt > at);
        if (openAtScan) findings.push(baseFinding(row, service));
      }
      if (offset + page.items.length >= page.total || page.items.length === 0) break;
    }
  }
  if (found === 0) return undefined;
  input.logger.info(`baseline: dashboard snapshots at or before ${base.slice(0, 7)} for ${found} of ${input.services.length} service${input.services.length === 1 ? '' : 's'} (${findings.length} finding${findings.length === 1 ? '' : 's'})`);
  return {
    schema: 'gatehouse/scan-report',
    version: SCAN_REPORT_VERSION,
    scanId: `dashboard-base-${base}`,
    createdAt: newest?.createdAt ?? new Date().toISOString(),
    kind: 'snapshot',
    source: { commit: base },
    services: input.services.map((name) => ({ name, path: '' })),
    comparison: { baseline: 'none', changedFiles: false },
    scanners: [],
    findings,
    fixed: [],
    suppressions: [],
    // Built from the dashboard's finding rows: which files the base scan read is not known there.
    coverage: { scanners: [], gaps: [], gapCount: 0, notServices: [] },
    gate: { passed: true, outcome: 'passed', reasons: [], warnings: [], counted: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 }, policy: [] },
  };
}

/** The dashboard's row as a Finding of the engine's `service`: identity (fingerprint, service) plus what reports show. */
function baseFinding(row: z.infer<typeof FindingRowSchema>, service: string): Finding {
  return {
    tool: row.tool,
    category: row.category,
    ruleId: row.ruleId,
    title: row.title,
    severity: row.severity,
    location: row.location,
    cwe: [],
    references: [],
    fixAvailable: row.fixAvailable,
    message: row.title,
    fingerprint: row.fingerprint,
    service,
    status: 'existing',
  };
}
