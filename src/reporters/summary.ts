// Counts and orderings shared by the text and markdown reporters, so the CLI and the PR comment
// always agree on the numbers.
import type { Finding, Severity } from '../findings/finding.js';
import { SEVERITY_ORDER, SEVERITY_RANK } from '../findings/severity.js';
import type { ScanReport } from '../report/scan-report.js';

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

/** Introduced first, then newly disclosed, existing, suppressed; worst severity first within each. */
export function sortForReport(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0) ||
      a.service.localeCompare(b.service) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

/** Worst severity first. */
export function sortBySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.ruleId.localeCompare(b.ruleId));
}
