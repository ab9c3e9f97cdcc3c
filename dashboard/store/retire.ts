// A service that left its repository: its folder was deleted or renamed, or the config no longer
// names it. Its open findings would otherwise stay open, in the overview's counts and SLA breaches,
// forever (review21: bank-of-anthos's userservice and contacts, moved into accounts/ in 2022).
//
// A snapshot report says which services its repository held at that commit: the coverage ledger
// lists every service of the repository with its files (coverage.files.perService), scanned or not,
// so a scan limited to changed files or a per-service pipeline still names them all. A service of
// the same repository that is not among them, and has no snapshot of its own at or after this one,
// is retired. It comes back with its next snapshot. Pure rules; the backends store and audit them.
//
// A monorepo may be scanned in parts: one CI job per folder (services/a, services/b), each report
// naming only the services under its own folder (`source.root`). A part speaks for its folder only:
// it retires a service whose folder lies inside its root, never one elsewhere in the repository
// (else the parts would retire each other's services on every run). A service whose folder is not
// known (stored before the dashboard kept folders) is retired only by a whole-repository snapshot.
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

/** The folder of the repository a report was scanned from: '' for the whole repository. */
export function scanRootOf(report: Pick<ScanReport, 'source'>): string {
  return report.source.root ?? '';
}

/** A service's folder within the repository: its path in the report (relative to the scan root) under the root. */
export function serviceFolder(root: string, path: string): string {
  if (root === '') return path;
  return path === '' ? root : `${root}/${path}`;
}

/** Whether a snapshot from `root` speaks for a service at `folder` (null: not known). */
export function folderInsideRoot(folder: string | null, root: string): boolean {
  if (root === '') return true;
  if (folder === null) return false;
  return folder === root || folder.startsWith(`${root}/`);
}

export interface LiveService {
  id: number;
  name: string;
  lastSnapshotAt: string | null;
  /** Its folder within the repository, as its latest snapshot said; null when not known. */
  folder: string | null;
}

/**
 * The repository's live services this snapshot (scanned from `root`) shows gone: inside its root,
 * not among its services, and not seen by a snapshot after it (a late snapshot never retires).
 */
export function servicesGone(present: ReadonlySet<string>, live: readonly LiveService[], createdAt: string, root: string): LiveService[] {
  return live.filter(
    (s) => !present.has(s.name) && folderInsideRoot(s.folder, root) && (s.lastSnapshotAt === null || s.lastSnapshotAt < createdAt),
  );
}
