// A service that left its repository: its folder was deleted or renamed, or the config no longer
// names it. Its open findings would otherwise stay open, in the overview's counts and SLA breaches,
// forever (review21: bank-of-anthos's userservice and contacts, moved into accounts/ in 2022).
//
// A snapshot report says which services its repository held at that commit: the coverage ledger
// lists every service of the repository with its files (coverage.files.perService), scanned or not,
// so a scan limited to changed files or a per-service pipeline still names them all. A service of
// the same repository that is not among them, and has no snapshot of its own at or after this one,
// is retired. It comes back with its next snapshot. Pure rules; the backends store and audit them.
import type { ScanReport } from '../../src/report/scan-report.js';

/** The services the report's repository held at its commit, or undefined when the report cannot say. */
export function servicesOfRepositoryAt(report: ScanReport, reportServices: Iterable<string>): ReadonlySet<string> | undefined {
  // A PR scan describes a branch; a report without a repository or without a file inventory (a
  // version 1 report, an import) names nothing about the rest of the repository.
  if (report.kind !== 'snapshot' || !report.source.repository || !report.coverage.files) return undefined;
  const names = new Set(report.coverage.files.perService.map((s) => s.service));
  for (const name of reportServices) names.add(name);
  return names;
}

export interface LiveService {
  id: number;
  name: string;
  lastSnapshotAt: string | null;
}

/** The repository's live services this snapshot shows gone; a late snapshot never retires a service seen after it. */
export function servicesGone(present: ReadonlySet<string>, live: readonly LiveService[], createdAt: string): LiveService[] {
  return live.filter((s) => !present.has(s.name) && (s.lastSnapshotAt === null || s.lastSnapshotAt < createdAt));
}
