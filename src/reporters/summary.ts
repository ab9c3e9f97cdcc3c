// Counts and orderings shared by the text and markdown reporters, so the CLI and the PR comment
// always agree on the numbers.
import type { Finding, Severity } from '../findings/finding.js';
import { SEVERITY_ORDER, SEVERITY_RANK } from '../findings/severity.js';
import type { ScanReport } from '../report/scan-report.js';

/**
 * The one duration format of every output (progress, the Scanners table, the closing line):
 * seconds, "0.16 s", "12.4 s", "2 min 05 s".
 */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * The first clause of a scanner error ("trivy is not installed (...)"), for a one-line table or
 * progress line; the full text, install hint included, is said once in the gate's reasons.
 */
export function shortError(error: string): string {
  const first = error.split('; ')[0]!;
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}

/** The columns of the per-service table: the four statuses of current findings, plus fixed. */
export const COUNT_COLUMNS = ['introduced', 'newly-disclosed', 'existing', 'suppressed', 'fixed'] as const;
export type CountColumn = (typeof COUNT_COLUMNS)[number];

export const COLUMN_LABELS: Record<CountColumn, string> = {
  introduced: 'New',
  'newly-disclosed': 'Newly disclosed',
  existing: 'Existing',
  suppressed: 'Suppressed',
  fixed: 'Fixed',
};

export interface CountRow {
  service: string;
  severity: Severity;
  counts: Record<CountColumn, number>;
}

/** One row per service and severity that has any finding (current or fixed), worst severity first. */
export function countRows(report: ScanReport): CountRow[] {
  const rows = new Map<string, CountRow>();
  const bump = (f: Finding, column: CountColumn) => {
    const key = `${f.service}\u0000${f.severity}`;
    let row = rows.get(key);
    if (!row) {
      row = { service: f.service, severity: f.severity, counts: { introduced: 0, 'newly-disclosed': 0, existing: 0, suppressed: 0, fixed: 0 } };
      rows.set(key, row);
    }
    row.counts[column]++;
  };
  for (const f of report.findings) bump(f, f.status);
  for (const f of report.fixed) bump(f, 'fixed');
  const serviceOrder = [...new Set([...report.services.map((s) => s.name), ...[...rows.values()].map((r) => r.service)])];
  return [...rows.values()].sort(
    (a, b) =>
      serviceOrder.indexOf(a.service) - serviceOrder.indexOf(b.service) ||
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  );
}

const STATUS_RANK: Record<Finding['status'], number> = { introduced: 0, 'newly-disclosed': 1, existing: 2, suppressed: 3 };

/**
 * Risk order: a KEV-listed finding first (ransomware use before the rest), then the higher EPSS
 * probability, then the worse severity. Negative when `a` is the riskier.
 */
export function compareRisk(a: Finding, b: Finding): number {
  const kev = (f: Finding) => (f.kev ? (f.kev.ransomware === 'known' ? 2 : 1) : 0);
  return kev(b) - kev(a) || (b.epss?.probability ?? -1) - (a.epss?.probability ?? -1) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity];
}

/** Introduced first, then newly disclosed, existing, suppressed; riskiest first within each (compareRisk). */
export function sortForReport(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      compareRisk(a, b) ||
      (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0) ||
      a.service.localeCompare(b.service) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

/** The findings the gate left out because of a triage decision on the dashboard (source `dashboard`), in report order. */
export function triagedOnDashboard(report: ScanReport): Finding[] {
  return report.findings.filter((f) => f.status === 'suppressed' && f.suppression?.source === 'dashboard');
}

/** Riskiest first (KEV, then EPSS, then severity). */
export function sortBySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => compareRisk(a, b) || a.ruleId.localeCompare(b.ruleId));
}

/** "KEV (ransomware), due 2021-12-24" / "EPSS 94.4% (p99)": plain text for every reporter. */
export function describeExploitation(f: Finding): string {
  const parts: string[] = [];
  if (f.kev) parts.push(`KEV${f.kev.ransomware === 'known' ? ' (ransomware)' : ''}${f.kev.dueDate ? `, due ${f.kev.dueDate}` : ''}`);
  if (f.epss) parts.push(`EPSS ${formatPercent(f.epss.probability)} (p${Math.floor(f.epss.percentile * 100)})`);
  return parts.join(', ');
}

function formatPercent(p: number): string {
  const pct = p * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toFixed(2)}%`;
}

/** "KEV catalog 2025.08.25 (2 days old, from ...)" lines: what became of each feed. */
export function describeFeeds(report: ScanReport): string[] {
  const feeds = report.enrichment?.feeds ?? [];
  return feeds.map((s) => {
    const name = s.feed === 'kev' ? 'KEV catalog' : 'EPSS scores';
    if (s.state === 'off') return `${name}: off`;
    if (s.state === 'unavailable') return `${name}: unavailable (${s.note ?? 'no reason given'}); the gate used severity alone`;
    const age = s.ageDays === undefined ? '' : s.ageDays === 0 ? ', today' : `, ${s.ageDays} day${s.ageDays === 1 ? '' : 's'} old`;
    return `${name} ${s.version ?? ''}${age} (${s.entries ?? 0} entries, ${s.source ?? 'unknown source'})${s.note ? `; ${s.note}` : ''}`;
  });
}

/**
 * A pull request's scan without a base: findings in changed files count as new, the rest as existing
 * (said in every report). Not worth saying when the scan covered no service (a folder the change
 * does not touch: there was nothing to compare).
 */
export function missingBaselineMatters(report: ScanReport): boolean {
  return report.kind === 'pr' && report.comparison.baseline === 'none' && report.services.length > 0;
}

/**
 * What a scan of one folder (a monorepo's CI job per folder) covers, said where the verdict is read:
 * its pass speaks for that folder only. Undefined for a scan of the whole repository.
 */
export function partScopeNote(report: ScanReport): string | undefined {
  const root = report.source.root;
  if (!root) return undefined;
  const outside = report.comparison.changedFilesOutsideRoot ?? 0;
  const rest =
    outside > 0
      ? `; ${outside} of the files this change touches lie outside it: a scan of their folder gates them, and if none runs they are not scanned`
      : '';
  return `This ${report.kind === 'pr' ? 'verdict' : 'scan'} covers the folder ${root} only${rest}.`;
}
