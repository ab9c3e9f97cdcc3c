// Leaf types of the store's contract, shared by types.ts and the helper modules whose types it
// re-exports (pulls.ts, week.ts and what they use: exploit.ts, lifecycle.ts, counts.ts), so that
// none of them imports types.ts back (no import circle; test/dashboard/import-graph.test.ts).
import type { z } from 'zod';
import type { Finding, Severity } from '../../src/findings/finding.js';
import type { GateOutcomeSchema } from '../../src/report/read-api.js';

/** Severity -> count; every severity is present (0 when none). */
export type SeverityCounts = Record<Severity, number>;
export type GateOutcome = z.infer<typeof GateOutcomeSchema>;

/** Days allowed to fix an open finding, per severity; a severity without an entry has no SLA. */
export type SlaDays = Partial<Record<Severity, number>>;

/** An open finding worth telling someone about at once (webhook notifications, notify/). */
export interface NotableFinding {
  event: 'new-critical' | 'new-kev' | 'kev-listed';
  service: string;
  fingerprint: string;
  /** Start of the finding's open period: a finding that reopens is a new event. */
  openedAt: string;
  finding: Finding;
}

/** What an ingest answers (store/types.ts IngestStore; built by lifecycle.createdResult for new scans). */
export interface IngestResult {
  /**
   * `duplicate`: this scope ingested the same report under this scanId before; nothing changed
   * (HTTP 200 instead of 201). `conflict`: this scope used the scanId for one of these services with
   * a different report; nothing changed (HTTP 409).
   */
  status: 'created' | 'duplicate' | 'conflict';
  scanId: string;
  /** Services of this report (for `conflict`: those whose scanId was already taken). */
  services: string[];
  /** Lifecycle changes this ingest made (all 0 for PR scans and duplicates). */
  opened: number;
  fixed: number;
  reopened: number;
  /**
   * Snapshots only: findings opened or reopened by this ingest that are critical or KEV-listed, and
   * known findings that became KEV-listed. For notifications; not part of the HTTP answer.
   */
  notable?: NotableFinding[];
  /** Services this ingest moved to the report's repository (`moveRepository`); for the audit log, not the HTTP answer. */
  moved?: RepositoryMove[];
  /** Services this snapshot showed gone from their repository (store/retire.ts); for the audit log. */
  retired?: string[];
  /** Retired services this snapshot brought back; for the audit log. */
  returned?: string[];
}

/** A service moved from one repository to another by an explicit override. */
export interface RepositoryMove {
  service: string;
  from: string;
  to: string;
}

/** What an ingest may do beyond the report itself. */
export interface IngestOptions {
  /** Take a report whose repository differs from the service's (a renamed or moved repository). */
  moveRepository?: boolean;
  /** The time of the upload (the app's clock): the scan's `ingested_at` and its audit rows' time. */
  now?: Date;
}
