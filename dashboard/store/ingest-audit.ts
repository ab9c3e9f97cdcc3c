// What an ingest puts on record in the audit log: who uploaded what, and the explicit moves it made
// (a service moved to another repository, retired from or back in its repository's snapshot). Pure:
// both backends write these rows in the ingest's own transaction, so a scan is never stored without
// them (a client retrying after a failed audit write would get `duplicate`, and no record, for good).
import type { ScanReport } from '../../src/report/scan-report.js';
import type { IngestResult } from './shapes.js';

interface AuditRecord {
  action: 'scan.ingest' | 'service.move-repository' | 'service.retire' | 'service.return';
  detail: Record<string, unknown>;
}

/** The audit rows of a `created` ingest (a replay or a conflict changed nothing: none). */
export function ingestAuditRecords(report: ScanReport, result: IngestResult): AuditRecord[] {
  if (result.status !== 'created') return [];
  const records: AuditRecord[] = [
    {
      action: 'scan.ingest',
      detail: {
        scanId: report.scanId,
        kind: report.kind,
        services: result.services,
        findings: report.findings.length,
        opened: result.opened,
        fixed: result.fixed,
        reopened: result.reopened,
      },
    },
  ];
  for (const m of result.moved ?? []) {
    records.push({ action: 'service.move-repository', detail: { service: m.service, from: m.from, to: m.to, scanId: report.scanId } });
  }
  const origin = { repository: report.source.repository ?? null, commit: report.source.commit ?? null, scanId: report.scanId };
  // A snapshot of one folder (a monorepo's part) names it: it retired only services inside it.
  const root = report.source.root ? { root: report.source.root } : {};
  for (const service of result.retired ?? []) records.push({ action: 'service.retire', detail: { service, ...origin, ...root } });
  for (const service of result.returned ?? []) records.push({ action: 'service.return', detail: { service, ...origin } });
  return records;
}
