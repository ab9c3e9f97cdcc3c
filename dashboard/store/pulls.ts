// The pull-request view's rows: per service and pull request, the latest PR scan. The dashboard
// does not know whether a PR is still open; "open" here means scanned within the window (the page
// says so). Backends run one query (newest first) and reduce it with `latestPerPullRequest`.
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
    });
  }
  return [...out.values()];
}

export const PULL_REQUEST_SCANS_SQL = `SELECT s.name AS service, sc.repository, sc.pull_request, ss.created_at, ss.gate_outcome, ss.counts,
    ss.finding_count, sc.scan_id, sc.commit_sha, sc.run_url
  FROM scan_services ss JOIN scans sc ON sc.id = ss.scan_pk JOIN services s ON s.id = ss.service_id
  WHERE ss.kind = 'pr' AND ss.created_at >= ? ORDER BY ss.created_at DESC, ss.scan_pk DESC LIMIT 20000`;
