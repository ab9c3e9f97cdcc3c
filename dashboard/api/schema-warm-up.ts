// zod compiles a schema's parser on its first parse (~20-60 ms for the scan report's, and more on a
// loaded machine): done on the first upload of a process, that held the event loop in one piece with
// the upload's transaction. The ingest routes have it done ahead, in quiet (page-warmer.ts), on this
// small report that takes every part of the schema an upload usually does.
import { ScanReportSchema } from '../../src/report/scan-report.js';

const SERVICE = 'schema-warm-up';

export const SCHEMA_WARM_UP_REPORT = {
  schema: 'gatehouse/scan-report',
  version: 1,
  scanId: 'schema-warm-up',
  createdAt: '2026-01-01T00:00:00.000Z',
  kind: 'snapshot',
  source: { repository: 'acme/warm-up', ref: 'refs/heads/main', commit: 'f'.repeat(40) },
  services: [{ name: SERVICE, path: `services/${SERVICE}` }],
  comparison: { baseline: 'none', changedFiles: false },
  scanners: [{ scanner: 'trivy-fs', tool: 'trivy', category: 'dependency', service: SERVICE, status: 'ok', durationMs: 1, findingCount: 1 }],
  findings: [
    {
      tool: 'trivy',
      category: 'dependency',
      ruleId: 'CVE-2024-0001',
      title: 'Prototype pollution in package-a',
      severity: 'high',
      toolSeverity: 'HIGH',
      location: { path: 'package-lock.json', package: { ecosystem: 'npm', name: 'package-a', version: '1.2.3', fixedVersions: ['1.2.4'] } },
      cvss: { score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
      cwe: ['CWE-1321'],
      references: ['https://nvd.nist.gov/vuln/detail/CVE-2024-0001'],
      fixAvailable: true,
      fix: 'upgrade package-a to 1.2.4',
      message: 'package-a@1.2.3 is affected by CVE-2024-0001',
      fingerprint: `fp:${SERVICE}:a`,
      service: SERVICE,
      status: 'existing',
    },
  ],
  gate: { passed: true, outcome: 'passed', reasons: [], warnings: [], counted: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 } },
};

/** Parses SCHEMA_WARM_UP_REPORT once: the parser is compiled (its result is not used). */
export function warmUpScanReportSchema(): boolean {
  return ScanReportSchema.safeParse(SCHEMA_WARM_UP_REPORT).success;
}
