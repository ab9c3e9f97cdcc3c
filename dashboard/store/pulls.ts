// The pull-request view's rows: per service and pull request, the latest PR scan. The dashboard
// does not know whether a PR is still open; "open" here means scanned within the window (the page
// says so). Backends run one query (newest first) and reduce it with `latestPerPullRequest`.
import { SEVERITIES, type Severity } from '../../src/findings/finding.js';
import type { TriageStatus } from '../../src/report/triage.js';
import type { GateOutcome, SeverityCounts } from './shapes.js';

export interface PullRequestRow {
  service: string;
  repository: string | null;
  /** null: a PR scan without a PR number (a manual upload). */
  pullRequest: number | null;
  /** The latest PR scan of this service for this PR. */
  lastScanAt: string;
  gate: GateOutcome;
  /** Not suppressed findings of that scan, per severity. */
  counts: SeverityCounts;
  findingCount: number;
  scanId: string;
  commit: string | null;
  runUrl: string | null;
  /** PR scans of this service for this PR in the window. */
  scans: number;
  /** Findings the latest scan's gate blocked on (kept for failing scans), and those without a triage decision. */
  blocking: number;
  untriaged: number;
}

/** One finding a failing PR scan's gate blocked on, with the triage decision on it (service + fingerprint). */
interface PullRequestFinding {
  fingerprint: string;
  ruleId: string;
  title: string;
  severity: Severity;
  where: string;
  triage: { status: TriageStatus; expiresAt: string | null; decidedBy: string } | null;
}

/** A PR scan of one service and what its gate blocked on (GET /pulls/:service/:scanId). */
export interface PullRequestScanDetail {
  scan: PullRequestRow;
  findings: PullRequestFinding[];
}

export interface PullRequestScanDbRow {
  service: string;
  repository: string | null;
  pull_request: number | string | null;
  created_at: string;
  gate_outcome: GateOutcome;
  counts: string;
  finding_count: number | string;
  scan_id: string;
  commit_sha: string | null;
  run_url: string | null;
  blocking: number | string;
  untriaged: number | string;
}

/** Rows newest first -> one row per (service, repository, PR): its latest scan, with the count. */
export function latestPerPullRequest(rows: readonly PullRequestScanDbRow[]): PullRequestRow[] {
  const out = new Map<string, PullRequestRow>();
  for (const r of rows) {
    const pr = r.pull_request === null ? null : Number(r.pull_request);
    const key = JSON.stringify([r.service, r.repository, pr]);
    const seen = out.get(key);
    if (seen) {
      seen.scans++;
      continue;
    }
    out.set(key, {
      service: r.service,
      repository: r.repository,
      pullRequest: pr,
      lastScanAt: r.created_at,
      gate: r.gate_outcome,
      counts: JSON.parse(r.counts) as SeverityCounts,
      findingCount: Number(r.finding_count),
      scanId: r.scan_id,
      commit: r.commit_sha,
      runUrl: r.run_url,
      scans: 1,
      blocking: Number(r.blocking),
      untriaged: Number(r.untriaged),
    });
  }
  return [...out.values()];
}

const PR_SCAN_COLUMNS = `s.name AS service, sc.repository, sc.pull_request, ss.created_at, ss.gate_outcome, ss.counts,
    ss.finding_count, sc.scan_id, sc.commit_sha, sc.run_url,
    (SELECT count(*) FROM pr_findings p WHERE p.scan_pk = ss.scan_pk AND p.service_id = ss.service_id) AS blocking,
    (SELECT count(*) FROM pr_findings p LEFT JOIN triage t ON t.service_id = p.service_id AND t.fingerprint = p.fingerprint
      WHERE p.scan_pk = ss.scan_pk AND p.service_id = ss.service_id AND t.service_id IS NULL) AS untriaged`;

export const PULL_REQUEST_SCANS_SQL = `SELECT ${PR_SCAN_COLUMNS}
  FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk JOIN services s ON s.id = ss.service_id
  WHERE ss.kind = 'pr' AND ss.created_at >= ? ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 20000`;

/** One PR scan of one service by its scan id (the newest, should a scan id repeat): params service, scanId. */
export const PULL_REQUEST_SCAN_SQL = `SELECT ${PR_SCAN_COLUMNS}, ss.scan_pk, ss.service_id
  FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk JOIN services s ON s.id = ss.service_id
  WHERE ss.kind = 'pr' AND s.name = ? AND sc.scan_id = ? ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 1`;

/** The blocking findings of one PR scan of one service with their triage: params scan_pk, service_id. */
export const PULL_REQUEST_FINDINGS_SQL = `SELECT p.fingerprint, p.rule_id, p.title, p.severity, p.where_text,
    t.status AS triage_status, t.expires_at AS triage_expires_at, t.decided_by AS triage_decided_by
  FROM pr_findings p LEFT JOIN triage t ON t.service_id = p.service_id AND t.fingerprint = p.fingerprint
  WHERE p.scan_pk = ? AND p.service_id = ?`;

export interface PullRequestFindingDbRow {
  fingerprint: string;
  rule_id: string;
  title: string;
  severity: Severity;
  where_text: string;
  triage_status: TriageStatus | null;
  triage_expires_at: string | null;
  triage_decided_by: string | null;
}

/** Worst first; a decision past its date (not swept yet) is not shown as one. */
export function toPullRequestFindings(rows: readonly PullRequestFindingDbRow[], now: Date): PullRequestFinding[] {
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return rows
    .map((r) => ({
      fingerprint: r.fingerprint,
      ruleId: r.rule_id,
      title: r.title,
      severity: r.severity,
      where: r.where_text,
      triage:
        r.triage_status && (!r.triage_expires_at || Date.parse(r.triage_expires_at) > now.getTime())
          ? { status: r.triage_status, expiresAt: r.triage_expires_at, decidedBy: r.triage_decided_by ?? '' }
          : null,
    }))
    .sort((a, b) => rank(a.severity) - rank(b.severity) || a.fingerprint.localeCompare(b.fingerprint));
}
